"""Demo records from the seed articles, created by `hoptac demo` (idempotent)."""


def load_demo() -> None:
    """Filled in by this app's issue; `hoptac demo` calls it."""
