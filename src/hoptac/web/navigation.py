from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    label: Promise
    url: str


AREAS = [
    Area("dashboard", _("Dashboard"), "/"),
    Area("partners", _("Partners"), "/partners/"),
    Area("agreements", _("Agreements"), "/agreements/"),
    Area("projects", _("Projects"), "/projects/"),
    Area("events", _("Events"), "/events/"),
    Area("delegations", _("Delegations"), "/delegations/"),
    Area("calendar", _("Calendar"), "/calendar/"),
    Area("programmes", _("Programmes"), "/programmes/"),
    Area("documents", _("Documents"), "/documents/"),
    Area("reports", _("Reports"), "/reports/"),
    Area("search", _("Search"), "/search/"),
    Area("portal", _("Public portal"), "/portal/"),
]
