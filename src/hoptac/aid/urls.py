from django.urls import path

from hoptac.aid import views

app_name = "aid"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/<int:pk>/delete/", views.project_delete, name="delete"),
    path("projects/<int:pk>/transactions/new/", views.transaction_create, name="transaction_create"),
    path("projects/transactions/<int:pk>/edit/", views.transaction_edit, name="transaction_edit"),
    path("projects/transactions/<int:pk>/delete/", views.transaction_delete, name="transaction_delete"),
]
