from django.urls import path

from hoptac.programmes import views

app_name = "programmes"
urlpatterns = [
    path("programmes/", views.programme_list, name="list"),
    path("programmes/new/", views.programme_create, name="create"),
    path("programmes/<int:pk>/", views.programme_detail, name="detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="edit"),
    path("programmes/<int:pk>/delete/", views.programme_delete, name="delete"),
    path("programmes/<int:pk>/cycles/new/", views.cycle_create, name="cycle_create"),
    path("programmes/cycles/<int:pk>/delete/", views.cycle_delete, name="cycle_delete"),
    path("programmes/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("programmes/<int:pk>/tasks/import/", views.task_import, name="task_import"),
    path("programmes/tasks/import-template.xlsx", views.task_import_template, name="task_import_template"),
    path("programmes/tasks/", views.task_list, name="tasks"),
    path("programmes/my/", views.my_tasks, name="my_tasks"),
    path("programmes/overdue/", views.overdue, name="overdue"),
    path("programmes/matrix/", views.matrix, name="matrix"),
    path("programmes/tasks/<int:pk>/", views.task_detail, name="task"),
    path("programmes/tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("programmes/tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("programmes/tasks/<int:pk>/status/", views.task_status, name="task_status"),
    path("programmes/tasks/<int:pk>/close/", views.task_close, name="task_close"),
    path("programmes/tasks/<int:pk>/report/", views.report_create, name="report_create"),
    path("programmes/attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("programmes/reports/<int:pk>/accept/", views.report_review, {"decision": "accept"}, name="report_accept"),
    path("programmes/reports/<int:pk>/return/", views.report_review, {"decision": "return"}, name="report_return"),
]
