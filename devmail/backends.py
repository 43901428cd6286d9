"""The development mailer: what the console shows, also kept in a folder for the browser."""

from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

from . import store


class FolderEmailBackend(ConsoleEmailBackend):
    """Writes each message to the console, as before, and keeps it for /dev/mail/."""

    def write_message(self, message):
        super().write_message(message)
        store.save(message.message().as_bytes())
