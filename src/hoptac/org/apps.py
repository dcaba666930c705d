from django.apps import AppConfig


class Config(AppConfig):
    name = "hoptac.org"
    label = "org"
    default_auto_field = "django.db.models.BigAutoField"
