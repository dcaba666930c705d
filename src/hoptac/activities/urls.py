from django.urls import include, path

from hoptac.activities import views

app_name = "activities"
event_patterns = [
    path("", views.event_list, name="event_list"),
    path("new/", views.event_create, name="event_create"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("<int:pk>/status/", views.event_transition, name="event_transition"),
    path("<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
]
delegation_patterns = [
    path("", views.delegation_list, name="delegation_list"),
    path("new/", views.delegation_create, name="delegation_create"),
    path("<int:pk>/", views.delegation_detail, name="delegation_detail"),
    path("<int:pk>/edit/", views.delegation_edit, name="delegation_edit"),
    path("<int:pk>/status/", views.delegation_transition, name="delegation_transition"),
    path("<int:pk>/delete/", views.delegation_delete, name="delegation_delete"),
]
calendar_patterns = [
    path("", views.calendar_month, name="calendar"),
    path("feed/", views.calendar_feed_page, name="calendar_feed"),
    path("<str:token>.ics", views.calendar_ics, name="calendar_ics"),
]
urlpatterns = [
    path("events/", include(event_patterns)),
    path("delegations/", include(delegation_patterns)),
    path("calendar/", include(calendar_patterns)),
]
