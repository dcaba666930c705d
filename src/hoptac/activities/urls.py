from django.urls import path

from hoptac.web.views import coming_soon

# Replaced by this app's own views as its issue lands.
urlpatterns = [
    path("events/", coming_soon, {"area": "events"}, name="events"),
    path("delegations/", coming_soon, {"area": "delegations"}, name="delegations"),
]
