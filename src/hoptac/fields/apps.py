from django.apps import AppConfig


class Config(AppConfig):
    name = "hoptac.fields"
    label = "fields"
    default_auto_field = "django.db.models.BigAutoField"
