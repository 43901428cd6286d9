from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """The partnership's bodies at work: body pages, the map, meetings, the agenda helper."""

    verbose_name = "Meetings"
    name = "meetings"
    default_auto_field = "django.db.models.BigAutoField"
