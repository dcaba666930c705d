"""The agreement lifecycle as data: which status may follow which, and what each step needs.
docs/agreements.md shows the same table; a test checks they agree."""

from django.utils.translation import gettext_lazy as _

from hoptac.agreements.models import Agreement

S = Agreement.Status

TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PROPOSED: (S.NEGOTIATING, S.CONSULTING, S.TERMINATED),
    S.NEGOTIATING: (S.CONSULTING, S.APPROVED, S.PROPOSED, S.TERMINATED),
    S.CONSULTING: (S.NEGOTIATING, S.APPROVED, S.TERMINATED),
    S.APPROVED: (S.SIGNED, S.NEGOTIATING, S.TERMINATED),
    S.SIGNED: (S.IN_FORCE, S.TERMINATED, S.SUPERSEDED),
    S.IN_FORCE: (S.SUSPENDED, S.EXPIRED, S.TERMINATED, S.SUPERSEDED),
    S.SUSPENDED: (S.IN_FORCE, S.EXPIRED, S.TERMINATED, S.SUPERSEDED),
    # An expired agreement may be extended (back in force, with the extension decision) or replaced.
    S.EXPIRED: (S.IN_FORCE, S.SUPERSEDED),
    S.TERMINATED: (),
    S.SUPERSEDED: (),
}

# Steps only an approver (or an administrator) may record.
APPROVAL_STEPS = frozenset({S.APPROVED})

# Statuses reached only once the agreement was signed: they need a signing date.
SIGNED_OR_LATER = frozenset({S.SIGNED, S.IN_FORCE, S.SUSPENDED, S.EXPIRED})

# What a step fills in or needs (checked by services.agreement_transition):
#   signed      — sets `signed_on` to the step's date when it is empty;
#   in_force    — sets `in_force_from` to the step's date when it is empty;
#   superseded  — needs the successor agreement (`superseded_by`).
STEP_EFFECTS = {
    S.SIGNED: _("sets the signing date to the step's date if it is empty"),
    S.IN_FORCE: _("sets the entry-into-force date to the step's date if it is empty"),
    S.SUPERSEDED: _("needs the agreement that replaces it"),
    S.APPROVED: _("approvers only"),
}


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in allowed_next(from_status)
