from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    label: Promise
    url: str
    ready: bool


AREAS = [
    Area("dashboard", _("Dashboard"), "/", True),
    Area("partners", _("Partners"), "/partners/", True),
    Area("agreements", _("Agreements"), "/agreements/", False),
    Area("projects", _("Projects"), "/projects/", False),
    Area("events", _("Events"), "/events/", False),
    Area("delegations", _("Delegations"), "/delegations/", False),
    Area("programmes", _("Programmes"), "/programmes/", False),
    Area("documents", _("Documents"), "/documents/", False),
    Area("reports", _("Reports"), "/reports/", False),
    Area("search", _("Search"), "/search/", False),
    Area("portal", _("Public portal"), "/portal/", False),
]
