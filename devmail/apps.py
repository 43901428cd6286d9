from django.apps import AppConfig


class DevmailConfig(AppConfig):
    """Sent mail, seen in the browser, in development only (see devmail/store.py)."""

    name = "devmail"
    verbose_name = "Sent mail (development)"
