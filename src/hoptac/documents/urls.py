from django.urls import path

from hoptac.web.views import coming_soon

# Replaced by this app's own views as its issue lands.
urlpatterns = [
    path("documents/", coming_soon, {"area": "documents"}, name="documents"),
    path("search/", coming_soon, {"area": "search"}, name="search"),
]
