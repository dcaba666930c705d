"""Reading the audit trail that django-simple-history keeps for every record."""

from collections.abc import Iterable
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

_TYPE_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
_SKIP = {"version", "created_at", "updated_at", "search_text", "id"}


def _value(record, field) -> Any:
    value = getattr(record, field.attname)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def field_changes(old, new) -> list:
    """Fields whose values differ between two historical rows of the same record."""
    from hoptac.audit.services import FieldChange

    if old is None or new is None:
        return []
    changes = []
    for field in new.instance_type._meta.concrete_fields:
        if field.name in _SKIP:
            continue
        try:
            before, after = _value(old, field), _value(new, field)
        except AttributeError:
            continue
        if before != after:
            changes.append(FieldChange(field.name, str(field.verbose_name), before, after))
    return changes


def _entry(row, previous, subject: str = "") -> dict:
    return {
        "at": row.history_date,
        "user": str(row.history_user) if row.history_user else None,
        "type": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
        "type_label": _TYPE_LABELS[row.history_type],
        "version": getattr(row, "version", None),
        "changes": field_changes(previous, row) if row.history_type == "~" else [],
        "subject": subject,
    }


def history_entries(instance, limit: int = 100, children: Iterable[str] = ()) -> list[dict]:
    """Newest first: who, when, what kind of change, and each changed field's old and new value.

    `children` names reverse relations whose rows belong to the record (an agreement's
    signatories, a delegation's legs...): their additions, changes and removals are merged in,
    each entry's `subject` saying which row it was."""
    rows = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = [_entry(row, rows[i + 1] if i + 1 < len(rows) else None) for i, row in enumerate(rows[:limit])]
    _add_link_changes(instance, entries)
    for name in children:
        entries.extend(_child_entries(instance, name, limit))
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:limit]


def _add_link_changes(instance, entries: list[dict]) -> None:
    """The many-to-many links each save changed (audit.LinkChange), beside its column changes."""
    from django.contrib.contenttypes.models import ContentType

    from hoptac.audit.models import LinkChange
    from hoptac.audit.services import FieldChange

    versions = {e["version"] for e in entries if e["type"] == "changed" and e["version"] is not None}
    if not versions:
        return
    links = LinkChange.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=instance.pk,
        version__in=versions,
    ).order_by("pk")
    by_version: dict[int, list] = {}
    for link in links:
        try:
            label = str(instance._meta.get_field(link.field).verbose_name)
        except Exception:  # a field removed since
            label = link.field
        change = FieldChange(link.field, label, ", ".join(link.before), ", ".join(link.after))
        by_version.setdefault(link.version, []).append(change)
    for entry in entries:
        if entry["type"] == "changed":
            entry["changes"] = entry["changes"] + by_version.get(entry["version"], [])


def _child_entries(instance, name: str, limit: int) -> list[dict]:
    relation = instance._meta.get_field(name)
    model = relation.related_model
    historical = model.history.model
    parent_field = relation.field
    label = capfirst(model._meta.verbose_name)
    rows = list(
        historical.objects.filter(**{parent_field.attname: instance.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit * 4]
    )
    rows = _without_rewrites(rows, model, parent_field.attname)
    older: dict[int, object] = {}
    entries = []
    # Oldest first, so that each change is compared with the row's state just before it.
    for row in reversed(rows):
        entry = _entry(row, older.get(row.id), f"{label}: {_describe(row)}")
        older[row.id] = row
        entry["changes"] = [c for c in entry["changes"] if c.field != parent_field.name]
        if entry["type"] == "changed" and not entry["changes"]:
            continue
        entries.append(entry)
    return entries


def _without_rewrites(rows: list, model, parent_attname: str) -> list:
    """Forms save a record's rows by deleting and re-adding them all: a row removed and the same
    row added back by the same save is no change, so both are left out."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ("id", parent_attname)]
    fields = [f for f in fields if f not in _SKIP]

    def key(row):
        return (row.history_user_id, repr([getattr(row, f) for f in fields]))

    added: dict[tuple, list] = {}
    for row in sorted(rows, key=lambda r: r.history_id):
        if row.history_type == "+":
            added.setdefault(key(row), []).append(row)
    dropped = set()
    for gone in sorted(rows, key=lambda r: r.history_id):
        if gone.history_type != "-":
            continue
        for back in added.get(key(gone), []):
            if (
                back.history_id > gone.history_id
                and back.history_id not in dropped
                and (back.history_date - gone.history_date).total_seconds() < 60
            ):
                dropped.update((gone.history_id, back.history_id))
                break
    return [row for row in rows if row.history_id not in dropped]


def _describe(row) -> str:
    try:
        return str(row.instance)
    except Exception:  # a row whose related records are gone still has a history
        return f"#{row.id}"


def _plain(value):
    return value if value is None or isinstance(value, (bool, int, float, str, list, dict)) else str(value)


def history_json(instance, limit: int = 100) -> list[dict]:
    """A record's history as the API gives it: who, when, which fields, old and new values."""
    return [
        {
            "at": e["at"].isoformat(),
            "user": e["user"],
            "type": e["type"],
            "version": e["version"],
            "changes": [{"field": c.field, "old": _plain(c.old), "new": _plain(c.new)} for c in e["changes"]],
        }
        for e in history_entries(instance, limit)
    ]
