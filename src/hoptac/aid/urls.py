from django.urls import path

from hoptac.web.views import coming_soon

# Replaced by this app's own views as its issue lands.
urlpatterns = [
    path("projects/", coming_soon, {"area": "projects"}, name="projects"),
]
