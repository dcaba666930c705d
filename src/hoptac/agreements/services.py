"""Writes to agreements. Each runs in one transaction with the acting user, keeps history,
refuses a stale version, and refuses a status change the lifecycle does not allow."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoptac.agreements import lifecycle
from hoptac.agreements.models import (
    Agreement,
    AgreementText,
    Consultation,
    ImplementationActivity,
    Signatory,
    StatusChange,
)
from hoptac.audit.services import record_create, record_delete, record_update
from hoptac.org.permissions import allowed_owner_units, can_approve, can_change, can_create, can_delete, check
from hoptac.search.folding import search_blob
from hoptac.search.index import index_after_commit, unindex_after_commit

S = Agreement.Status


class TransitionError(ValidationError):
    """A status change the lifecycle does not allow; carries the allowed next states."""

    def __init__(self, current: str, wanted: str, allowed: Iterable[str]):
        self.current, self.wanted, self.allowed = current, wanted, list(allowed)
        labels = dict(S.choices)
        allowed_text = ", ".join(str(labels[s]) for s in self.allowed) or _("none (this is a final state)")
        message = _("An agreement cannot go from “%(current)s” to “%(wanted)s”. Allowed next states: %(allowed)s.") % {
            "current": labels.get(current, current),
            "wanted": labels.get(wanted, wanted),
            "allowed": allowed_text,
        }
        super().__init__({"status": [message]})


def agreement_search_text(agreement: Agreement, parties=(), units=()) -> str:
    names = []
    for partner in parties:
        names += [partner.name_vi, partner.name_en, partner.acronym, *partner.aliases]
    for unit in units:
        names += [unit.name_vi, unit.name_en, unit.short_name]
    return search_blob(agreement.number, agreement.title_vi, agreement.title_en, *names)


def _check_owner_unit(user, unit) -> None:
    if unit is not None:
        check(allowed_owner_units(user).filter(pk=unit.pk).exists())


def _check_status_needs(values: dict) -> None:
    status = values.get("status")
    errors = {}
    if status in lifecycle.SIGNED_OR_LATER and not values.get("signed_on"):
        errors["signed_on"] = [_("An agreement in this status needs its signing date.")]
    if status == S.IN_FORCE and not values.get("in_force_from"):
        errors["in_force_from"] = [_("An agreement in force needs the date it entered into force.")]
    if status == S.SUPERSEDED and not values.get("superseded_by"):
        errors["superseded_by"] = [_("Name the agreement that replaces this one.")]
    if errors:
        raise ValidationError(errors)


def _check_parties(parties) -> None:
    if parties is not None and not list(parties):
        raise ValidationError({"parties": [_("Name at least one foreign party.")]})


def _set_signatories(agreement: Agreement, signatories: Iterable[dict]) -> None:
    agreement.signatories.all().delete()
    for order, data in enumerate(signatories):
        if not (data.get("name") or "").strip():
            continue
        sig = Signatory(agreement=agreement, order=order, **data)
        sig.full_clean(exclude=["agreement"])
        sig.save()


def agreement_create(
    *,
    user,
    parties: Iterable,
    vietnamese_parties: Iterable = (),
    fields: Iterable = (),
    signatories: Iterable[dict] | None = None,
    status_date: datetime.date | None = None,
    **data: Any,
) -> Agreement:
    """Register an agreement. It may start in any status (registering one signed years ago is
    common); the starting status is recorded as the first step of its history."""
    check(can_create(user, Agreement))
    parties, vietnamese_parties, fields = list(parties), list(vietnamese_parties), list(fields)
    _check_parties(parties)
    if data.get("is_published"):
        check(can_approve(user))
    agreement = Agreement(**data)
    if agreement.owner_unit_id is None and getattr(user, "unit_id", None):
        agreement.owner_unit_id = user.unit_id
    if agreement.owner_unit_id is None:
        raise ValidationError({"owner_unit": [_("Choose the responsible unit.")]})
    _check_owner_unit(user, agreement.owner_unit)
    _check_status_needs({f: getattr(agreement, f) for f in ("status", "signed_on", "in_force_from", "superseded_by")})
    agreement.created_by = user if getattr(user, "pk", None) else None
    agreement.search_text = agreement_search_text(agreement, parties, vietnamese_parties)
    with transaction.atomic():
        agreement = record_create(
            agreement, user=user, m2m={"parties": parties, "vietnamese_parties": vietnamese_parties, "fields": fields}
        )
        if signatories is not None:
            _set_signatories(agreement, signatories)
        StatusChange.objects.create(
            agreement=agreement,
            from_status="",
            to_status=agreement.status,
            date=status_date or _status_date(agreement),
            note=_("Registered in this status."),
            user=user,
        )
        index_after_commit(agreement)
    return agreement


def _status_date(agreement: Agreement) -> datetime.date:
    if agreement.status == S.IN_FORCE and agreement.in_force_from:
        return agreement.in_force_from
    if agreement.status in lifecycle.SIGNED_OR_LATER and agreement.signed_on:
        return agreement.signed_on
    return timezone.localdate()


def agreement_update(
    agreement: Agreement,
    *,
    user,
    version: int | None,
    parties: Iterable | None = None,
    vietnamese_parties: Iterable | None = None,
    fields: Iterable | None = None,
    signatories: Iterable[dict] | None = None,
    **changes: Any,
) -> Agreement:
    """Change an agreement's facts. Its status changes only through agreement_transition."""
    check(can_change(user, agreement))
    if "status" in changes and changes["status"] != agreement.status:
        raise TransitionError(agreement.status, changes["status"], lifecycle.allowed_next(agreement.status))
    changes.pop("status", None)
    if "owner_unit" in changes and changes["owner_unit"] != agreement.owner_unit:
        if changes["owner_unit"] is None:
            raise ValidationError({"owner_unit": [_("Choose the responsible unit.")]})
        _check_owner_unit(user, changes["owner_unit"])
    if "is_published" in changes and changes["is_published"] != agreement.is_published:
        check(can_approve(user, agreement))
    _check_parties(parties)
    merged = {f: changes.get(f, getattr(agreement, f)) for f in ("signed_on", "in_force_from", "superseded_by")}
    _check_status_needs({"status": agreement.status, **merged})
    m2m = {
        name: list(values)
        for name, values in (("parties", parties), ("vietnamese_parties", vietnamese_parties), ("fields", fields))
        if values is not None
    }
    preview = Agreement(**{f.attname: getattr(agreement, f.attname) for f in Agreement._meta.concrete_fields})
    for name, value in changes.items():
        setattr(preview, name, value)
    changes["search_text"] = agreement_search_text(
        preview,
        m2m.get("parties", agreement.parties.all()),
        m2m.get("vietnamese_parties", agreement.vietnamese_parties.all()),
    )
    with transaction.atomic():
        agreement = record_update(agreement, user=user, expected_version=version, changes=changes, m2m=m2m)
        if signatories is not None:
            _set_signatories(agreement, signatories)
        index_after_commit(agreement)
    return agreement


def agreement_transition(
    agreement: Agreement,
    *,
    user,
    to_status: str,
    date: datetime.date | None = None,
    decision_number: str = "",
    note: str = "",
    superseded_by: Agreement | None = None,
    valid_until: datetime.date | None = None,
    version: int | None = None,
) -> Agreement:
    """Move the agreement to `to_status` if the lifecycle allows it, and record the step.
    `valid_until` sets a new end date with the step (an extension brought back in force)."""
    check(can_change(user, agreement))
    if to_status not in S.values:
        raise ValidationError({"status": [_("Unknown status “%(status)s”.") % {"status": to_status}]})
    if not lifecycle.is_allowed(agreement.status, to_status):
        raise TransitionError(agreement.status, to_status, lifecycle.allowed_next(agreement.status))
    if to_status in lifecycle.APPROVAL_STEPS:
        check(can_approve(user, agreement))
    date = date or timezone.localdate()
    changes: dict[str, Any] = {"status": to_status}
    if to_status == S.SIGNED and not agreement.signed_on:
        changes["signed_on"] = date
    if to_status == S.IN_FORCE and not agreement.in_force_from:
        changes["in_force_from"] = date
    if superseded_by is not None:
        if superseded_by.pk == agreement.pk:
            raise ValidationError({"superseded_by": [_("An agreement cannot supersede itself.")]})
        changes["superseded_by"] = superseded_by
    if valid_until is not None:
        changes["valid_until"] = valid_until
    merged = {f: changes.get(f, getattr(agreement, f)) for f in ("signed_on", "in_force_from", "superseded_by")}
    _check_status_needs({"status": to_status, **merged})
    with transaction.atomic():
        previous = agreement.status
        agreement = record_update(agreement, user=user, expected_version=version, changes=changes)
        StatusChange.objects.create(
            agreement=agreement,
            from_status=previous,
            to_status=to_status,
            date=date,
            decision_number=decision_number,
            note=note,
            user=user,
        )
        index_after_commit(agreement)
    return agreement


def agreement_delete(agreement: Agreement, *, user, version: int | None = None) -> None:
    check(can_delete(user, agreement))
    pk = agreement.pk
    record_delete(agreement, user=user, expected_version=version)
    unindex_after_commit("agreement", pk)


# ---- children -------------------------------------------------------------------------


def activity_create(*, user, agreement: Agreement, **data: Any) -> ImplementationActivity:
    check(can_change(user, agreement))
    return record_create(ImplementationActivity(agreement=agreement, **data), user=user)


def activity_update(activity: ImplementationActivity, *, user, version: int | None, **changes: Any):
    check(can_change(user, activity) or can_change(user, activity.agreement))
    if changes.get("status") == ImplementationActivity.Status.DONE and not changes.get("completed_on"):
        changes.setdefault("completed_on", activity.completed_on or timezone.localdate())
    return record_update(activity, user=user, expected_version=version, changes=changes)


def activity_delete(activity: ImplementationActivity, *, user) -> None:
    check(can_change(user, activity.agreement))
    record_delete(activity, user=user)


def consultation_create(*, user, agreement: Agreement, **data: Any) -> Consultation:
    check(can_change(user, agreement))
    return record_create(Consultation(agreement=agreement, **data), user=user)


def consultation_update(consultation: Consultation, *, user, version: int | None, **changes: Any):
    check(can_change(user, consultation.agreement))
    return record_update(consultation, user=user, expected_version=version, changes=changes)


def text_add(*, user, agreement: Agreement, **data: Any) -> AgreementText:
    check(can_change(user, agreement))
    text = AgreementText(agreement=agreement, **data)
    with transaction.atomic():
        text.full_clean()
        text._history_user = user
        text.save()
    return text


def text_delete(text: AgreementText, *, user) -> None:
    check(can_change(user, text.agreement))
    text._history_user = user
    text.delete()
