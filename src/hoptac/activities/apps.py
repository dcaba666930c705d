from django.apps import AppConfig


class Config(AppConfig):
    name = "hoptac.activities"
    label = "activities"
    default_auto_field = "django.db.models.BigAutoField"
