from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from hoptac.api import api
from hoptac.web import views as web

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", web.healthz, name="healthz"),
    path("partners/", include("hoptac.partners.urls")),
    path("my/", include("hoptac.notifications.urls")),
    # Each app's urls.py names its own areas (activities: events/ and delegations/).
    path("", include("hoptac.agreements.urls")),
    path("", include("hoptac.activities.urls")),
    path("", include("hoptac.aid.urls")),
    path("", include("hoptac.programmes.urls")),
    path("", include("hoptac.documents.urls")),
    path("", include("hoptac.reports.urls")),
    path("", include("hoptac.portal.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>[\s\S]*)$", web.api_not_found),  # [\s\S]: a %0A in the path too
    path("admin/", admin.site.urls),
]
