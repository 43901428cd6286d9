from django.apps import AppConfig


class PlansConfig(AppConfig):
    """A year's plan as a whole: its pages as they stood, roll-over, year comparison, loading."""

    verbose_name = "Plans"
    name = "plans"
    default_auto_field = "django.db.models.BigAutoField"
