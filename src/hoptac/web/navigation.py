from dataclasses import dataclass

from django.urls import Resolver404, resolve
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    label: Promise
    url: str
    declared_ready: bool = False

    @property
    def ready(self) -> bool:
        """An area is ready once its address is served by its own views, not the "coming" page."""
        if self.declared_ready:
            return True
        from hoptac.web.views import coming_soon

        try:
            return resolve(self.url).func is not coming_soon
        except Resolver404:
            return False


AREAS = [
    Area("dashboard", _("Dashboard"), "/", True),
    Area("partners", _("Partners"), "/partners/", True),
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
