"""A real SMTP server (aiosmtpd) for the reminder tests, and people with email addresses."""

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from governance.models import Body, Organisation, Role
from tests.governance.factories import make_user


class Inbox:
    """What the SMTP server received: one parsed message per email."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address):
        return [m for rcpt, m in self.messages if address in rcpt]

    @property
    def recipients(self):
        return [r for rcpt, _ in self.messages for r in rcpt]

    def clear(self):
        self.messages.clear()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Start an SMTP server on a free port and point the default mailer at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    settings.SITE_URL = "https://tracker.example.org"
    yield inbox
    controller.stop()


def with_email(user):
    user.email = f"{user.username}@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def wcc_ph_officer(officer_wcc_ph):
    return with_email(officer_wcc_ph)


@pytest.fixture
def police_officer(officer_police):
    return with_email(officer_police)


@pytest.fixture
def daf_officer(scb):
    """An officer of the Domestic Abuse Forum, which leads A2 and A3 of 2018-19."""
    return with_email(
        make_user(
            username="officer-daf",
            board=scb,
            kind=Role.Kind.OFFICER,
            organisation=Organisation.objects.get(short_name="WM Police"),
            bodies=[Body.objects.get(short_name="DAF")],
        )
    )
