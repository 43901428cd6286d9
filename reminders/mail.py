"""The emails: composed from a plain-text and an HTML template, sent through Django's mail
API with the default mailer, whatever settings.MAILERS says (the console in development).

Every email names the service, says why the person receives it and links to the page where
they change their reminders. Links are absolute, from settings.SITE_URL: there is no request.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.urls import reverse

from governance.middleware import address_in


def absolute(path: str) -> str:
    # SITE_URL holds any script prefix the site is served under; the path is from the root.
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def update_url(action) -> str:
    return absolute(address_in(action.board.slug, "actions:action_update", action.pk))


def action_url(action) -> str:
    """In the action's partnership's address, so that it opens there for anyone."""
    return absolute(address_in(action.board.slug, "actions:action_detail", action.pk))


def compose(*, user, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    """The email to `user` from reminders/email/<template>.txt and .html."""
    context = {
        **context,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute(reverse("reminders:preferences")),
        "name": user.person.name if hasattr(user, "person") else user.get_username(),
    }
    text = render_to_string(f"reminders/email/{template}.txt", context)
    html = render_to_string(f"reminders/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        # RFC 3834: an automatic message, so that out-of-office replies are not sent back.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def send(message: EmailMultiAlternatives) -> None:
    """Send one email through the default mailer; raises if it was not accepted.

    Django 6.1's `mailers.default` is what `get_connection()` (deprecated in 6.1) returned.
    A connection per email: a failure leaves the next one unaffected.
    """
    if mailers.default.send_messages([message]) != 1:
        raise OSError("The mail server did not accept the email.")
