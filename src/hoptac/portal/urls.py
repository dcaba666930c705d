from django.urls import path

from hoptac.portal import views

app_name = "portal"

urlpatterns = [
    path("portal/", views.home, name="home"),
    path("portal/language/<str:code>/", views.set_language, name="language"),
    path("portal/maps/", views.maps, name="maps"),
    path("portal/geo/<str:name>.json", views.geo, name="geo"),
    path("portal/data/", views.data, name="data"),
    path("portal/data/dictionary/", views.dictionary, name="dictionary"),
    path("portal/data/projects.iati.xml", views.iati, name="iati"),
    path("portal/data/<slug:slug>.<str:fmt>", views.download, name="download"),
    path("portal/<slug:slug>/", views.collection_list, name="list"),
    path("portal/<slug:slug>/<int:pk>/", views.record, name="record"),
]
