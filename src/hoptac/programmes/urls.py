from django.urls import path

from hoptac.web.views import coming_soon

# Replaced by this app's own views as its issue lands.
urlpatterns = [
    path("programmes/", coming_soon, {"area": "programmes"}, name="programmes"),
]
