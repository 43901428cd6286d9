from django.apps import AppConfig


class CsaConfig(AppConfig):
    verbose_name = "Agreements"
    name = "csa"
    default_auto_field = "django.db.models.BigAutoField"
