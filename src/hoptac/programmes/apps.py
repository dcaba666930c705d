from django.apps import AppConfig


class Config(AppConfig):
    name = "hoptac.programmes"
    label = "programmes"
    default_auto_field = "django.db.models.BigAutoField"
