"""Writes that keep history and refuse stale edits. Every record service goes through these."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from hoptac.audit.history import field_changes
from hoptac.web.params import CONTROL_CHARACTERS


@dataclass
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


class ConflictError(Exception):
    """The record changed since the version the edit was based on."""

    def __init__(self, current: models.Model, expected_version: int, changes: list[FieldChange]):
        self.current = current
        self.expected_version = expected_version
        self.changes = changes
        super().__init__(f"version {expected_version} is stale; current is {current.version}")


def _conflict(current: models.Model, expected_version: int) -> ConflictError:
    base = current.history.filter(version=expected_version).order_by("-history_id").first()
    changes = field_changes(base, current.history.order_by("-history_id").first()) if base else []
    return ConflictError(current, expected_version, changes)


def _set_links(instance: models.Model, m2m: dict[str, Any] | None, user) -> None:
    """Set the many-to-many links of an update and keep a LinkChange for each one that changed."""
    from django.contrib.contenttypes.models import ContentType

    from hoptac.audit.models import LinkChange

    for name, values in (m2m or {}).items():
        manager = getattr(instance, name)
        before = list(manager.all())
        manager.set(values)
        after = list(manager.all())
        if {o.pk for o in before} == {o.pk for o in after} or not hasattr(instance, "version"):
            continue
        LinkChange.objects.create(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=instance.pk,
            version=instance.version,
            field=name,
            before=sorted(str(o) for o in before),
            after=sorted(str(o) for o in after),
            user=user if getattr(user, "pk", None) else None,
        )


def clean_text_fields(instance: models.Model) -> None:
    """Text as every export can hold it, and null where the database stores none.

    Control characters (a NUL pasted from a PDF, say) are dropped: XML, XLSX and DOCX refuse
    them, so one would break every export that includes the record. A JSON null for a text field
    that stores no NULL means "empty"; for any other field that cannot be NULL it is an error
    (full_clean skips an empty value in a blank=True field, and the database's NOT NULL
    constraint would be the one to refuse it, with a 500)."""
    errors = {}
    for f in instance._meta.concrete_fields:
        if f.primary_key or not f.editable:
            continue
        value = getattr(instance, f.attname)
        if isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                setattr(instance, f.attname, CONTROL_CHARACTERS.sub("", value))
        elif value is None and not f.null:
            if isinstance(f, (models.CharField, models.TextField)):
                setattr(instance, f.attname, "")
            elif f.blank:
                errors[f.name] = [f.error_messages["null"]]
    if errors:
        raise ValidationError(errors)


def strip_control_characters(*models_) -> int:
    """Drop control characters from every text column of `models_` (historical models in a data
    migration): rows saved before clean_text_fields existed would break the XML and XLSX exports.
    Only the rows that hold one are read and written."""
    from django.db import connection

    # PostgreSQL text cannot hold a NUL, and its regex syntax refuses one
    pattern = "[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"
    if connection.vendor == "sqlite":
        pattern = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"
    changed = 0
    for model in models_:
        for f in model._meta.concrete_fields:
            if not isinstance(f, (models.CharField, models.TextField)):
                continue
            for row in model._default_manager.filter(**{f"{f.name}__regex": pattern}).only("pk", f.name):
                model._default_manager.filter(pk=row.pk).update(
                    **{f.name: CONTROL_CHARACTERS.sub("", getattr(row, f.name))}
                )
                changed += 1
    return changed


def record_create(instance: models.Model, *, user, m2m: dict[str, Any] | None = None) -> models.Model:
    with transaction.atomic():
        clean_text_fields(instance)
        instance.full_clean()
        instance._history_user = user
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance


def record_update(
    instance: models.Model,
    *,
    user,
    expected_version: int | None,
    changes: dict[str, Any],
    m2m: dict[str, Any] | None = None,
) -> models.Model:
    """Apply `changes` if the stored version is still `expected_version`; raise ConflictError if not.

    The row is re-read under a write lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
    IMMEDIATE transactions take the database write lock at BEGIN), so two saves cannot
    both pass the check."""
    model = type(instance)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=instance.pk)
        if expected_version is not None and current.version != expected_version:
            raise _conflict(current, expected_version)
        for name, value in changes.items():
            setattr(current, name, value)
        current.version += 1
        clean_text_fields(current)
        current.full_clean()
        current._history_user = user
        current.save()
        _set_links(current, m2m, user)
    return current


def record_delete(instance: models.Model, *, user, expected_version: int | None = None) -> None:
    model = type(instance)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=instance.pk)
        if expected_version is not None and current.version != expected_version:
            raise _conflict(current, expected_version)
        current._history_user = user
        try:
            current.delete()
        except models.ProtectedError as exc:
            raise ValidationError("This record is still used by other records and cannot be deleted.") from exc
