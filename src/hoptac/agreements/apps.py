from django.apps import AppConfig


class Config(AppConfig):
    name = "hoptac.agreements"
    label = "agreements"
    default_auto_field = "django.db.models.BigAutoField"
