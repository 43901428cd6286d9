"""The reminder tests read the suite's real SMTP server; people with email addresses."""

import datetime

import pytest

from governance.clock import today
from governance.models import Body, Meeting, Organisation, Role
from tests.governance.factories import make_user


class Inbox:
    """The suite's SMTP server (tests/mailbox.py) as the reminder tests read it: the parsed
    messages, and who they went to."""

    def __init__(self, server):
        self.server = server

    @property
    def messages(self):
        return [(received.to, received.message) for received in self.server.messages]

    def to(self, address):
        return [received.message for received in self.server.to(address)]

    @property
    def recipients(self):
        return [address for received in self.server.messages for address in received.to]

    def clear(self):
        self.server.clear()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def smtp(mailbox, settings):
    """Mail goes to the real SMTP server that the suite starts (the `mailbox` fixture)."""
    settings.SITE_URL = "https://tracker.example.org"
    return Inbox(mailbox)


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


@pytest.fixture
def scb_meeting(scb):
    """The SCB's next meeting, in three weeks (a round is for a meeting to come)."""
    return Meeting.objects.create(
        body=scb, date=today() + datetime.timedelta(days=21), title="Quarterly performance"
    )
