"""Reading the audit trail that django-simple-history keeps for every record."""

from typing import Any

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


def history_entries(instance, limit: int = 100) -> list[dict]:
    """Newest first: who, when, what kind of change, and each changed field's old and new value."""
    rows = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for i, row in enumerate(rows[:limit]):
        previous = rows[i + 1] if i + 1 < len(rows) else None
        entries.append(
            {
                "at": row.history_date,
                "user": str(row.history_user) if row.history_user else None,
                "type": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
                "type_label": _TYPE_LABELS[row.history_type],
                "version": getattr(row, "version", None),
                "changes": field_changes(previous, row) if row.history_type == "~" else [],
            }
        )
    return entries


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
