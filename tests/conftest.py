"""Shared fixtures, named after the people who use the tracker."""

import copy
import io
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from actions.models import Action
from governance.freshness import mark_changed
from governance.models import Body, Organisation, Role
from plans.importer import load_agreement_file
from tests.governance.factories import make_user

# Playwright's sync API keeps an event loop in the test thread; Django must allow it there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "worcestershire"
YEAR_FILES = [FIXTURES / "2017-18.json", FIXTURES / "2018-19.json"]
WATFORD = FIXTURES.parent / "watford"


def pytest_collection_modifyitems(items):
    """The tests marked `longest` first. Spread over workers (pytest-xdist, make test's -n),
    a minute-long test that starts last runs on alone at the end: started first, the other
    worker takes the rest meanwhile."""
    items.sort(key=lambda item: item.get_closest_marker("longest") is None)


# The rows (history included) that loading the real files wrote, kept after the first load so
# that later tests restore them in a few bulk inserts instead of running the importer again.
_LOADED_ROWS: list[tuple[type, list]] = []
_OUR_APPS = {"governance", "csa", "actions", "plans", "meetings"}


def _snapshot_rows():
    return [
        (model, list(model._base_manager.order_by("pk")))
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in _OUR_APPS
        and model._meta.model_name != "datastamp"  # always there: its migration made it
        and model._base_manager.exists()
    ]


def _restore_rows():
    with transaction.atomic():
        for model, rows in _LOADED_ROWS:
            model._base_manager.bulk_create([copy.copy(row) for row in rows])
    mark_changed()  # bulk_create sends no signals: no page cached before may be served
    statements = connection.ops.sequence_reset_sql(no_style(), [m for m, _ in _LOADED_ROWS])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher():
    """Tests sign in thousands of times: a real hasher costs a second each on this machine."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def worcestershire(db):
    """The real Worcestershire agreements, 2017-18 and 2018-19, loaded as `make run` does."""
    if _LOADED_ROWS and not any(model._base_manager.exists() for model, _ in _LOADED_ROWS):
        _restore_rows()
    else:
        # First use, or another fixture already wrote rows whose ids the saved rows would reuse.
        for path in YEAR_FILES:
            load_agreement_file(path)
        if not _LOADED_ROWS:
            _LOADED_ROWS.extend(_snapshot_rows())
    return Body.objects.get(short_name="SCB")


@pytest.fixture
def arising_in_july_2019(worcestershire):
    """The three actions arising at the board's meeting of 31 July 2019, as the shipped
    meetings file gives them: outside any plan (action.agreement is None), none was in force."""
    load_agreement_file(FIXTURES / "meetings.json")
    arising = list(Action.objects.filter(agreement=None).order_by("reference"))
    assert [action.reference for action in arising] == ["M190731-1", "M190731-2", "M190731-3"]
    return arising


@pytest.fixture
def shipped_data(worcestershire, settings):
    """Everything `make run` loads: both partnerships' plans, their meetings and the demo
    accounts (which exist, and may sign in, only with DEBUG on)."""
    load_agreement_file(WATFORD / "2016-17.json")
    load_agreement_file(FIXTURES / "meetings.json")
    load_agreement_file(WATFORD / "meetings.json")
    settings.DEBUG = True
    call_command("seed_demo_users", stdout=io.StringIO())
    return worcestershire


@pytest.fixture
def scb(worcestershire):
    return worcestershire


@pytest.fixture
def officer_wcc_ph(scb):
    return make_user(
        username="officer-wcc-ph",
        board=scb,
        kind=Role.Kind.OFFICER,
        organisation=Organisation.objects.get(short_name="WCC PH"),
    )


@pytest.fixture
def officer_wcc_ph_colleague(scb):
    return make_user(
        username="officer-wcc-ph-2",
        board=scb,
        kind=Role.Kind.OFFICER,
        organisation=Organisation.objects.get(short_name="WCC PH"),
    )


@pytest.fixture
def officer_police(scb):
    return make_user(
        username="officer-wm-police",
        board=scb,
        kind=Role.Kind.OFFICER,
        organisation=Organisation.objects.get(short_name="WM Police"),
    )


@pytest.fixture
def officer_channel_member(scb):
    """An officer who sits on the restricted Channel Panel."""
    return make_user(
        username="officer-channel",
        board=scb,
        kind=Role.Kind.OFFICER,
        organisation=Organisation.objects.get(short_name="WCC PH"),
        bodies=[Body.objects.get(short_name="Channel Panel")],
    )


@pytest.fixture
def chair(scb):
    return make_user(username="chair", board=scb, kind=Role.Kind.CHAIR)


@pytest.fixture
def coordinator(scb):
    return make_user(username="coordinator", board=scb, kind=Role.Kind.COORDINATOR)


@pytest.fixture
def admin_user(scb):
    return make_user(username="admin", board=scb, kind=None, superuser=True)


@pytest.fixture
def outsider(db):
    """A user of another partnership altogether."""
    from tests.governance.factories import BoardFactory

    return make_user(username="outsider", board=BoardFactory(), kind=Role.Kind.CHAIR)


@pytest.fixture(scope="session")
def smtp_server():
    from tests.mailbox import SMTPServer

    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server, settings):
    """Mail goes to a real SMTP server started by the suite; the test reads what arrived."""
    settings.MAILERS = smtp_server.mailers
    smtp_server.clear()
    yield smtp_server
    smtp_server.clear()
