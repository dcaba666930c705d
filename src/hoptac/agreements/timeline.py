"""Agreements on the partner page's timeline (hoptac.partners.timeline gathers them)."""

from django.utils import timezone

from hoptac.agreements.models import Agreement
from hoptac.org.permissions import visible
from hoptac.partners.timeline import TimelineEntry


def timeline_entries(partner_ids: set[int], user) -> list[TimelineEntry]:
    """Agreements the user may see with any of `partner_ids` as a foreign party, dated by the
    signing date (or, before signing, the day they were registered)."""
    rows = visible(user, Agreement.objects.filter(parties__in=partner_ids)).prefetch_related("parties").distinct()
    entries = []
    for agreement in rows:
        partner_id = next((p.pk for p in agreement.parties.all() if p.pk in partner_ids), min(partner_ids))
        entries.append(
            TimelineEntry(
                date=agreement.signed_on or timezone.localtime(agreement.created_at).date(),
                kind="agreement",
                title=agreement.title_vi,
                url=agreement.get_absolute_url(),
                partner_id=partner_id,
                status=str(agreement.get_status_display()),
            )
        )
    return entries
