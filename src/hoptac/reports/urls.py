from django.urls import path

from hoptac.reports import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/chart/<slug:section>/<slug:chart>.csv", views.chart_csv, name="reports_chart_csv"),
    path("reports/map/<slug:name>.csv", views.map_csv, name="reports_map_csv"),
    path("reports/geo/<str:name>", views.geo, name="reports_geo"),
]
