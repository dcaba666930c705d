from django.urls import path

from hoptac.web import views as web
from hoptac.web.views import coming_soon

# The dashboard and /reports/ move here as this app lands.
urlpatterns = [
    path("", web.dashboard, name="dashboard"),
    path("reports/", coming_soon, {"area": "reports"}, name="reports"),
]
