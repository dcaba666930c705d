from django.urls import path

from hoptac.agreements import views

app_name = "agreements"
urlpatterns = [
    path("agreements/", views.agreement_list, name="list"),
    path("agreements/new/", views.agreement_create, name="create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("agreements/<int:pk>/status/", views.agreement_transition, name="transition"),
    path("agreements/<int:pk>/delete/", views.agreement_delete, name="delete"),
    path("agreements/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("agreements/activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("agreements/<int:pk>/consultations/new/", views.consultation_create, name="consultation_create"),
    path("agreements/consultations/<int:pk>/edit/", views.consultation_edit, name="consultation_edit"),
    path("agreements/<int:pk>/texts/new/", views.text_add, name="text_add"),
    path("agreements/texts/<int:pk>/delete/", views.text_delete, name="text_delete"),
    path("agreements/texts/<int:pk>/file/", views.text_file, name="text_file"),
]
