from django.apps import AppConfig


class Config(AppConfig):
    name = "hoptac.aid"
    label = "aid"
    default_auto_field = "django.db.models.BigAutoField"
