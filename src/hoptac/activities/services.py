"""Writes to events and delegations. Each runs in one transaction with the acting user,
keeps history, refuses a stale version, and lets a status move only along the lifecycle."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoptac.activities import lifecycle
from hoptac.activities.models import (
    CalendarFeed,
    Delegation,
    DelegationLeg,
    DelegationMember,
    Event,
    EventParticipant,
    FollowUpAction,
)
from hoptac.audit.services import record_create, record_delete, record_update
from hoptac.org.permissions import allowed_owner_units, can_approve, can_change, can_create, can_delete, check
from hoptac.search.folding import search_blob
from hoptac.search.index import index_after_commit, unindex_after_commit


@dataclass
class Participant:
    partner: Any
    people: int | None = None
    note: str = ""


@dataclass
class FollowUp:
    description: str
    owner_unit: Any = None
    due_date: datetime.date | None = None
    done: bool = False
    done_on: datetime.date | None = None


@dataclass
class Member:
    name: str
    title: str = ""
    unit: Any = None
    organisation: str = ""


@dataclass
class Leg:
    country: Any
    start_date: datetime.date
    end_date: datetime.date
    city: str = ""


EVENT_M2M = ("co_organisers", "fields", "documents")
DELEGATION_M2M = ("partners_met", "agreements")


def _check_unit(user, unit) -> None:
    if unit is not None:
        check(allowed_owner_units(user).filter(pk=unit.pk).exists())


def _partner_words(partners) -> list[str]:
    words = []
    for p in partners:
        words += [p.name_vi, p.name_en, p.acronym, *(p.aliases or [])]
    return words


def _event_search_text(event: Event) -> str:
    partners = list(event.co_organisers.all()) + [pp.partner for pp in event.participants.select_related("partner")]
    country = event.country
    return search_blob(
        event.title_vi,
        event.title_en,
        event.venue,
        event.city,
        country.name_vi if country else "",
        country.name_en if country else "",
        event.approval_decision,
        *_partner_words(partners),
    )


def _delegation_search_text(delegation: Delegation) -> str:
    legs = list(delegation.legs.select_related("country"))
    return search_blob(
        delegation.title_vi,
        delegation.title_en,
        delegation.leader_name,
        delegation.approval_decision,
        *[leg.city for leg in legs],
        *[leg.country.name_vi for leg in legs],
        *[leg.country.name_en for leg in legs],
        *[m.name for m in delegation.members.all()],
        *_partner_words(delegation.partners_met.all()),
    )


def _check_status_change(obj, new_status: str, values: dict, *, user, today: datetime.date) -> None:
    """Refuse a status that does not follow the current one, or whose requirements are unmet."""
    if new_status == obj.status:
        return
    allowed = lifecycle.allowed_next(obj)
    if new_status not in allowed:
        labels = dict(type(obj).Status.choices)
        names = ", ".join(f"{s} ({labels[s]})" for s in allowed) or _("none: this is a final status")
        raise ValidationError(
            {
                "status": [
                    _("Cannot change the status from '%(old)s' to '%(new)s'. Allowed next: %(allowed)s.")
                    % {
                        # the label for a person, the code beside it for a script
                        "old": f"{labels.get(obj.status, obj.status)} ({obj.status})",
                        "new": f"{labels.get(new_status, new_status)} ({new_status})",
                        "allowed": names,
                    }
                ]
            }
        )
    if new_status in lifecycle.APPROVAL_STEPS:
        check(can_approve(user, obj))
    need = lifecycle.requirements_for(obj).get(new_status)
    start = values.get("start_date", obj.start_date)
    end = values.get("end_date", obj.end_date)
    if need == "approval" and not values.get("approval_date", obj.approval_date):
        raise ValidationError({"approval_date": [_("An approval date is needed to approve.")]})
    if need == "started" and start and start > today:
        raise ValidationError(
            {"status": [_("This cannot happen before the start date (%(date)s).") % {"date": f"{start:%d/%m/%Y}"}]}
        )
    if need == "ended" and end and end > today:
        raise ValidationError(
            {"status": [_("This cannot happen before the end date (%(date)s).") % {"date": f"{end:%d/%m/%Y}"}]}
        )
    if need == "report":
        filed = values.get("report_filed_on", obj.report_filed_on)
        if not filed:
            raise ValidationError({"report_filed_on": [_("Give the date the report was filed.")]})


def _check_report_date(values: dict, *, today: datetime.date, end: datetime.date | None) -> None:
    filed = values.get("report_filed_on")
    if filed and filed > today:
        raise ValidationError({"report_filed_on": [_("The report cannot be filed in the future.")]})
    if filed and end and filed < end:
        raise ValidationError({"report_filed_on": [_("The report cannot be filed before the end date.")]})


def _check_publish(user, obj, values: dict) -> None:
    if values.get("is_published") and not getattr(obj, "is_published", False):
        check(can_approve(user, obj))
    if "is_published" in values and not values["is_published"] and getattr(obj, "is_published", False):
        check(can_approve(user, obj))


def _check_dates(start, end, field="end_date") -> None:
    if start and end and end < start:
        raise ValidationError({field: [_("The end date cannot be before the start date.")]})


# ---- events -----------------------------------------------------------------------------


def _set_participants(event: Event, participants: list[Participant]) -> None:
    seen = set()
    for p in participants:
        if p.partner.pk in seen:
            raise ValidationError({"participants": [_("%(partner)s is listed twice.") % {"partner": p.partner}]})
        seen.add(p.partner.pk)
    event.participants.all().delete()
    for p in participants:
        EventParticipant.objects.create(event=event, partner=p.partner, people=p.people, note=p.note or "")


def _set_follow_ups(event: Event, follow_ups: list[FollowUp]) -> None:
    event.follow_ups.all().delete()
    for f in follow_ups:
        row = FollowUpAction(event=event, **f.__dict__)
        if row.done and not row.done_on:
            row.done_on = timezone.localdate()
        row.full_clean(exclude=["event"])
        row.save()


def _after_event_write(event: Event, *, participants, follow_ups) -> Event:
    if participants is not None:
        _set_participants(event, participants)
    if follow_ups is not None:
        _set_follow_ups(event, follow_ups)
    Event.objects.filter(pk=event.pk).update(search_text=_event_search_text(event))
    index_after_commit(event)
    return event


def event_create(
    *,
    user,
    participants: list[Participant] | None = None,
    follow_ups: list[FollowUp] | None = None,
    today: datetime.date | None = None,
    **data: Any,
) -> Event:
    check(can_create(user, Event))
    today = today or timezone.localdate()
    m2m = {name: data.pop(name) for name in EVENT_M2M if name in data}
    status = data.pop("status", Event.Status.PLANNED) or Event.Status.PLANNED
    event = Event(created_by=user if getattr(user, "pk", None) else None, **data)
    _check_unit(user, event.organiser_unit if event.organiser_unit_id else None)
    _check_dates(event.start_date, event.end_date)
    _check_report_date(data, today=today, end=event.end_date)
    _check_publish(user, Event(), data)
    if status != Event.Status.PLANNED:
        # A record registered after the fact may start further along: every step on the way must be allowed.
        _check_path(event, status, data, user=user, today=today)
    event.status = status
    with transaction.atomic():
        event = record_create(event, user=user, m2m=m2m)
        return _after_event_write(event, participants=participants or [], follow_ups=follow_ups or [])


def _check_path(obj, target: str, values: dict, *, user, today) -> None:
    """For a record created directly in `target`: a path from the first status must exist and
    each step's requirements must hold."""
    transitions = lifecycle.transitions_for(obj)
    start = next(iter(transitions))
    path, frontier, came_from = None, [start], {start: None}
    while frontier:
        current = frontier.pop(0)
        if current == target:
            path = []
            while current is not None:
                path.append(current)
                current = came_from[current]
            path.reverse()
            break
        for nxt in transitions[current]:
            if nxt not in came_from:
                came_from[nxt] = current
                frontier.append(nxt)
    if path is None:
        raise ValidationError({"status": [_("Unknown status '%(status)s'.") % {"status": target}]})
    probe = type(obj)(**{f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields})
    for step in path[1:]:
        _check_status_change(probe, step, values, user=user, today=today)
        probe.status = step


def event_update(
    event: Event,
    *,
    user,
    version: int | None,
    participants: list[Participant] | None = None,
    follow_ups: list[FollowUp] | None = None,
    today: datetime.date | None = None,
    **changes: Any,
) -> Event:
    check(can_change(user, event))
    today = today or timezone.localdate()
    m2m = {name: changes.pop(name) for name in EVENT_M2M if name in changes}
    if "organiser_unit" in changes and changes["organiser_unit"] != event.organiser_unit:
        _check_unit(user, changes["organiser_unit"])
    _check_dates(changes.get("start_date", event.start_date), changes.get("end_date", event.end_date))
    _check_report_date(changes, today=today, end=changes.get("end_date", event.end_date))
    _check_publish(user, event, changes)
    if "status" in changes:
        _check_status_change(event, changes["status"], changes, user=user, today=today)
    with transaction.atomic():
        event = record_update(event, user=user, expected_version=version, changes=changes, m2m=m2m)
        return _after_event_write(event, participants=participants, follow_ups=follow_ups)


def event_transition(
    event: Event,
    *,
    user,
    version: int | None,
    status: str,
    on: datetime.date | None = None,
    decision: str = "",
    approver: str = "",
    today: datetime.date | None = None,
) -> Event:
    """Move an event to its next status. `on` is the date of the step: the approval date for
    "approved", the date the report was filed for "reported"."""
    changes: dict[str, Any] = {"status": status}
    if status == Event.Status.APPROVED:
        changes.update(approval_date=on or event.approval_date)
        if decision:
            changes["approval_decision"] = decision
        if approver:
            changes["approver"] = approver
    if status == Event.Status.REPORTED:
        changes["report_filed_on"] = on or event.report_filed_on
    return event_update(event, user=user, version=version, today=today, **changes)


def event_delete(event: Event, *, user, version: int | None = None) -> None:
    check(can_delete(user, event))
    pk = event.pk
    with transaction.atomic():
        record_delete(event, user=user, expected_version=version)
        unindex_after_commit("event", pk)


def follow_up_set_done(action: FollowUpAction, *, user, done: bool, today: datetime.date | None = None) -> None:
    """Tick (or untick) one follow-up action; its owner unit may do so too."""
    event = action.event
    check(can_change(user, event))
    action.done = done
    action.done_on = (today or timezone.localdate()) if done else None
    action._history_user = user
    action.save(update_fields=["done", "done_on"])


# ---- delegations --------------------------------------------------------------------------


def _set_members(delegation: Delegation, members: list[Member]) -> None:
    delegation.members.all().delete()
    for m in members:
        row = DelegationMember(delegation=delegation, **m.__dict__)
        row.full_clean(exclude=["delegation"])
        row.save()


def _check_legs(legs: list[Leg], start, end) -> None:
    errors = []
    for i, leg in enumerate(legs, 1):
        if leg.end_date < leg.start_date:
            errors.append(_("Leg %(n)s ends before it starts.") % {"n": i})
        elif start and end and (leg.start_date < start or leg.end_date > end):
            errors.append(_("Leg %(n)s is outside the delegation's dates.") % {"n": i})
    if errors:
        raise ValidationError({"legs": errors})


def _set_legs(delegation: Delegation, legs: list[Leg]) -> None:
    delegation.legs.all().delete()
    for leg in legs:
        DelegationLeg.objects.create(delegation=delegation, **leg.__dict__)


def _after_delegation_write(delegation: Delegation, *, members, legs) -> Delegation:
    if members is not None:
        _set_members(delegation, members)
    if legs is not None:
        _set_legs(delegation, legs)
    Delegation.objects.filter(pk=delegation.pk).update(search_text=_delegation_search_text(delegation))
    index_after_commit(delegation)
    return delegation


def _check_funding(values: dict, current: Delegation | None = None) -> None:
    source = values.get("funding_source", current.funding_source if current else "")
    cost = values.get("cost", current.cost if current else None)
    currency = values.get("cost_currency", current.cost_currency if current else None)
    if cost is not None and currency is None:
        raise ValidationError({"cost_currency": [_("Give the currency of the cost.")]})
    if source != Delegation.Funding.PROJECT_FUNDED:
        for name in ("project", "project_ref"):
            if values.get(name, getattr(current, name, None) if current else None):
                raise ValidationError({name: [_("A project is named only for a project-funded delegation.")]})


def _delegation_m2m(data: dict) -> dict:
    m2m = {}
    for name in DELEGATION_M2M:
        if name in data:
            values = data.pop(name)
            m2m[name] = values
    return m2m


def delegation_create(
    *,
    user,
    members: list[Member] | None = None,
    legs: list[Leg] | None = None,
    today: datetime.date | None = None,
    **data: Any,
) -> Delegation:
    check(can_create(user, Delegation))
    today = today or timezone.localdate()
    m2m = _delegation_m2m(data)
    status = data.pop("status", Delegation.Status.PROPOSED) or Delegation.Status.PROPOSED
    delegation = Delegation(created_by=user if getattr(user, "pk", None) else None, **data)
    _check_unit(user, delegation.owner_unit if delegation.owner_unit_id else None)
    _check_dates(delegation.start_date, delegation.end_date)
    _check_legs(legs or [], delegation.start_date, delegation.end_date)
    _check_funding(data)
    _check_report_date(data, today=today, end=delegation.end_date)
    if status != Delegation.Status.PROPOSED:
        _check_path(delegation, status, data, user=user, today=today)
    delegation.status = status
    with transaction.atomic():
        delegation = record_create(delegation, user=user, m2m=m2m)
        return _after_delegation_write(delegation, members=members or [], legs=legs or [])


def delegation_update(
    delegation: Delegation,
    *,
    user,
    version: int | None,
    members: list[Member] | None = None,
    legs: list[Leg] | None = None,
    today: datetime.date | None = None,
    **changes: Any,
) -> Delegation:
    check(can_change(user, delegation))
    today = today or timezone.localdate()
    m2m = _delegation_m2m(changes)
    if "owner_unit" in changes and changes["owner_unit"] != delegation.owner_unit:
        _check_unit(user, changes["owner_unit"])
    start = changes.get("start_date", delegation.start_date)
    end = changes.get("end_date", delegation.end_date)
    _check_dates(start, end)
    _check_legs(legs if legs is not None else [Leg(**_leg_dict(g)) for g in delegation.legs.all()], start, end)
    _check_funding(changes, delegation)
    _check_report_date(changes, today=today, end=end)
    if "status" in changes:
        _check_status_change(delegation, changes["status"], changes, user=user, today=today)
    with transaction.atomic():
        delegation = record_update(delegation, user=user, expected_version=version, changes=changes, m2m=m2m)
        return _after_delegation_write(delegation, members=members, legs=legs)


def _leg_dict(leg: DelegationLeg) -> dict:
    return {"country": leg.country, "city": leg.city, "start_date": leg.start_date, "end_date": leg.end_date}


def delegation_transition(
    delegation: Delegation,
    *,
    user,
    version: int | None,
    status: str,
    on: datetime.date | None = None,
    decision: str = "",
    approver: str = "",
    today: datetime.date | None = None,
) -> Delegation:
    changes: dict[str, Any] = {"status": status}
    if status == Delegation.Status.APPROVED:
        changes["approval_date"] = on or delegation.approval_date
        if decision:
            changes["approval_decision"] = decision
        if approver:
            changes["approver"] = approver
    if status == Delegation.Status.REPORTED:
        changes["report_filed_on"] = on or delegation.report_filed_on
    return delegation_update(delegation, user=user, version=version, today=today, **changes)


def delegation_delete(delegation: Delegation, *, user, version: int | None = None) -> None:
    check(can_delete(user, delegation))
    pk = delegation.pk
    with transaction.atomic():
        record_delete(delegation, user=user, expected_version=version)
        unindex_after_commit("delegation", pk)


# ---- calendar feed ------------------------------------------------------------------------


def calendar_feed_for(user, *, reset: bool = False) -> CalendarFeed:
    """The user's feed address, created on first use; `reset` makes the old address stop working."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return CalendarFeed.objects.create(user=user, token=CalendarFeed.new_token())
    if reset:
        feed.token = CalendarFeed.new_token()
        feed.save(update_fields=["token"])
    return feed
