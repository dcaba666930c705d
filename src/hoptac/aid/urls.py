from django.urls import path

from hoptac.web.views import coming_soon

app_name = "aid"
urlpatterns = [
    path("projects/", coming_soon, {"area": "projects"}, name="list"),
    path("projects/<int:pk>/", coming_soon, {"area": "projects"}, name="detail"),
]
