"""Events and delegations on a partner's timeline (hoptac.partners.timeline collects them)."""

from django.db.models import Q
from django.utils.translation import get_language

from hoptac.activities.models import Delegation, Event
from hoptac.org.permissions import visible
from hoptac.partners.timeline import TimelineEntry


def timeline_entries(partner_ids: set[int], user) -> list[TimelineEntry]:
    """Records the user may see that involve any of `partner_ids`: events they co-organised or
    took part in, delegations that met them. One entry per record, dated by its start."""
    if user is None or not partner_ids:
        return []
    language = get_language() or "vi"
    entries: list[TimelineEntry] = []
    events = visible(
        user,
        Event.objects.filter(Q(co_organisers__in=partner_ids) | Q(participants__partner__in=partner_ids)),
    ).distinct()
    for event in events.prefetch_related("co_organisers", "participants"):
        involved = {p.pk for p in event.co_organisers.all()} | {p.partner_id for p in event.participants.all()}
        entries.append(
            TimelineEntry(
                date=event.start_date,
                kind="event",
                title=f"{event.get_kind_display()}: {event.display_title(language)}",
                url=event.get_absolute_url(),
                partner_id=min(involved & partner_ids),
                status=str(event.get_status_display()),
            )
        )
    delegations = visible(user, Delegation.objects.filter(partners_met__in=partner_ids)).distinct()
    for delegation in delegations.prefetch_related("partners_met"):
        involved = {p.pk for p in delegation.partners_met.all()}
        entries.append(
            TimelineEntry(
                date=delegation.start_date,
                kind="delegation",
                title=f"{delegation.get_direction_display()}: {delegation.display_title(language)}",
                url=delegation.get_absolute_url(),
                partner_id=min(involved & partner_ids),
                status=str(delegation.get_status_display()),
            )
        )
    return entries
