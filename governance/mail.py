"""The one way the tracker sends email: invitations, password resets, anything to come.

Every message has a plain-text and an HTML part drawn from one pair of templates
(`mail/<name>.txt` and `mail/<name>.html`, both extending the mail layouts), names the
service (settings.SITE_NAME) and says why the person is receiving it. Where it goes is
settings.MAILERS (SMTP from the environment; the console only in development).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string


def send(*, to: str, subject: str, template: str, reason: str, context: dict | None = None):
    """Send one email to `to`. `reason` ends "You are receiving this email because ...".

    Errors are not swallowed: a link that never left must not look as if it had.
    """
    context = {**(context or {}), "site_name": settings.SITE_NAME, "reason": reason}
    context.setdefault("subject", subject)
    message = EmailMultiAlternatives(
        # As the reminders' subjects are written. ASCII only around the name: a dash outside
        # ASCII made mail programs show the encoded, folded subject with a run of spaces. A name
        # as a file wrote it may hold runs of spaces too: a subject line never does.
        subject=" ".join(f"{settings.SITE_NAME}: {subject}".split()),
        body=render_to_string(f"mail/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(render_to_string(f"mail/{template}.html", context), "text/html")
    message.send()


class NoMailConfiguredBackend(BaseEmailBackend):
    """The mailer of a one-off command run with DEBUG off and no EMAIL_HOST: it refuses."""

    def send_messages(self, email_messages):
        raise ImproperlyConfigured(
            "No mail was sent: EMAIL_HOST is not set. Set the mail settings in the "
            "environment (see README, Settings) and run the command again."
        )
