"""Projects on a partner's timeline: those where the partner (or a child organisation) takes part."""

import datetime

from django.utils.translation import get_language

from hoptac.aid.models import Project
from hoptac.org.permissions import visible
from hoptac.partners.timeline import TimelineEntry


def timeline_entries(partner_ids: set[int], user) -> list[TimelineEntry]:
    projects = visible(user, Project.objects.filter(organisations__partner_id__in=partner_ids).distinct())
    language = get_language() or "vi"
    entries = []
    for project in projects.prefetch_related("organisations"):
        day = project.start() or project.created_at.date()
        partner_id = next(o.partner_id for o in project.organisations.all() if o.partner_id in partner_ids)
        entries.append(
            TimelineEntry(
                date=day if isinstance(day, datetime.date) else day.date(),
                kind="project",
                title=project.title(language),
                url=project.get_absolute_url(),
                partner_id=partner_id,
                status=project.get_status_display(),
            )
        )
    return entries
