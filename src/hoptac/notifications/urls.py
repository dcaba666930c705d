from django.urls import path

from hoptac.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.my_due_items, name="my"),
    path("read/", views.mark_read, name="read"),
]
