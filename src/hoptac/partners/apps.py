from django.apps import AppConfig


class Config(AppConfig):
    name = "hoptac.partners"
    label = "partners"
    default_auto_field = "django.db.models.BigAutoField"
