from django.urls import include, path

from hoptac.documents import views

app_name = "documents"
document_patterns = [
    path("", views.document_list, name="list"),
    path("upload/", views.document_upload, name="upload"),
    path("register/", views.document_register, name="register"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/file/", views.document_file, name="file"),
    path("<int:pk>/edit/", views.document_edit, name="edit"),
    path("<int:pk>/delete/", views.document_delete, name="delete"),
    path("mentions/<int:pk>/<str:action>/", views.mention_decide, name="mention_decide"),
]
urlpatterns = [
    path("documents/", include(document_patterns)),
    path("search/", views.search_page, name="search"),
]
