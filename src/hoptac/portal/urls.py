from django.urls import path

from hoptac.web.views import coming_soon

urlpatterns = [
    path("portal/", coming_soon, {"area": "portal"}, name="portal"),
]
