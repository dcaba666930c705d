"""The lifecycles of events and delegations, as data: which status may follow which, and
what each step needs. docs/activities.md shows the same tables."""

from django.utils.translation import gettext_lazy as _

from hoptac.activities.models import Delegation, Event

ES, DS = Event.Status, Delegation.Status

EVENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ES.PLANNED: (ES.APPROVED, ES.CANCELLED),
    ES.APPROVED: (ES.HELD, ES.PLANNED, ES.CANCELLED),
    ES.HELD: (ES.REPORTED,),
    ES.REPORTED: (),
    ES.CANCELLED: (ES.PLANNED,),
}

DELEGATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    DS.PROPOSED: (DS.APPROVED, DS.CANCELLED),
    DS.APPROVED: (DS.UNDER_WAY, DS.PROPOSED, DS.CANCELLED),
    DS.UNDER_WAY: (DS.RETURNED,),
    DS.RETURNED: (DS.REPORTED,),
    DS.REPORTED: (),
    DS.CANCELLED: (DS.PROPOSED,),
}

# Steps that only an approver (or admin) may take.
APPROVAL_STEPS = {ES.APPROVED, DS.APPROVED}

# What a step needs, checked by services.*_transition:
#   "approval"  — an approval date (decision number and approver recorded when given);
#   "started"   — the start date has come;
#   "ended"     — the end date has come;
#   "report"    — the date the report was filed (not in the future).
EVENT_REQUIREMENTS = {ES.APPROVED: "approval", ES.HELD: "started", ES.REPORTED: "report"}
DELEGATION_REQUIREMENTS = {
    DS.APPROVED: "approval",
    DS.UNDER_WAY: "started",
    DS.RETURNED: "started",
    DS.REPORTED: "report",
}

REQUIREMENT_LABELS = {
    "approval": _("an approval date"),
    "started": _("the start date to have come"),
    "ended": _("the end date to have come"),
    "report": _("the date the report was filed"),
}


def transitions_for(obj) -> dict[str, tuple[str, ...]]:
    return EVENT_TRANSITIONS if isinstance(obj, Event) else DELEGATION_TRANSITIONS


def requirements_for(obj) -> dict[str, str]:
    return EVENT_REQUIREMENTS if isinstance(obj, Event) else DELEGATION_REQUIREMENTS


def allowed_next(obj) -> tuple[str, ...]:
    return transitions_for(obj).get(obj.status, ())
