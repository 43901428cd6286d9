"""Signing in: throttled after a few wrong passwords, and demo accounts only in development."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from governance.auth import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.governance.factories.UserFactory's
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def sign_in(client, url, username, password, address="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, admin_user, url):
    for _ in range(4):
        assert sign_in(client, url, "admin", "guess").status_code == 200
    assert sign_in(client, url, "admin", "guess").status_code == 429  # the fifth locks
    response = sign_in(client, url, "admin", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    page = text(response)
    assert "Sign-in is locked for now" in page
    assert "try again in 60 minutes" in page
    assert 'class="govuk-heading-l"' in response.content.decode()


def test_the_username_is_locked_from_any_address_and_the_address_for_any_username(
    client, chair, coordinator
):
    for number in range(5):
        sign_in(client, LOGIN, "chair", "guess", address=f"10.0.1.{number}")
    assert sign_in(client, LOGIN, "chair", PASSWORD, address="10.0.2.1").status_code == 429

    for number in range(5):
        sign_in(client, LOGIN, f"nobody-{number}", "guess", address="10.0.3.1")
    assert sign_in(client, LOGIN, "coordinator", PASSWORD, address="10.0.3.1").status_code == 429
    # Someone else, elsewhere, is not affected.
    assert sign_in(client, LOGIN, "coordinator", PASSWORD, address="10.0.4.1").status_code == 302
    assert signed_in(client)


def test_a_few_mistakes_then_success_start_the_count_again(client, chair):
    for _ in range(4):
        sign_in(client, LOGIN, "chair", "guess")
    assert sign_in(client, LOGIN, "chair", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, LOGIN, "chair", "guess")
    assert sign_in(client, LOGIN, "chair", PASSWORD).status_code == 302


def test_an_admin_unlocks_an_account_by_deleting_its_access_attempts(client, chair, admin_user):
    for _ in range(5):
        sign_in(client, LOGIN, "chair", "guess")
    assert sign_in(client, LOGIN, "chair", PASSWORD).status_code == 429

    admin = type(client)()
    admin.force_login(admin_user)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "chair" in listing.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert sign_in(client, LOGIN, "chair", PASSWORD).status_code == 302
    assert signed_in(client)


@pytest.fixture
def seeded(worcestershire):
    with override_settings(DEBUG=True):
        call_command("seed_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_demo_accounts_are_refused_when_debug_is_off(client, seeded, url):
    response = sign_in(client, url, "admin", DEMO_PASSWORD)
    assert response.status_code == 200
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


@override_settings(DEBUG=True)
def test_demo_accounts_sign_in_on_a_development_server(client, seeded):
    assert sign_in(client, ADMIN_LOGIN, "admin", DEMO_PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_demo_session_ends_once_debug_is_off(client, seeded):
    with override_settings(DEBUG=True):
        sign_in(client, LOGIN, "chair", DEMO_PASSWORD)
        assert client.get("/my-actions/").status_code == 200
    assert client.get("/my-actions/").status_code == 302


def test_the_demo_password_is_refused_on_any_account_when_debug_is_off(client, chair):
    chair.set_password(DEMO_PASSWORD)
    chair.save()
    assert sign_in(client, LOGIN, "chair", DEMO_PASSWORD).status_code == 200
    assert not signed_in(client)


@override_settings(DEBUG=True)
def test_seeding_never_touches_an_account_it_did_not_create(worcestershire, chair, admin_user):
    def state(user):
        return (user.password, user.is_superuser, list(user.partnership_roles.values("pk")))

    before = {user.username: state(user) for user in (chair, admin_user)}
    call_command("seed_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for user in get_user_model().objects.filter(username__in=before):
        assert state(user) == before[user.username]
        assert not user.groups.exists()
    assert (
        get_user_model()
        .objects.get(username="coordinator")
        .groups.filter(name="Demo accounts")
        .exists()
    )


def test_a_signed_in_request_reads_the_user_and_their_person_in_one_query(client, chair):
    """Every page asks who the user is (governance.access): their person comes with the query
    that loads the user from the session, not in a query of its own."""
    client.force_login(chair)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code in (200, 302)
    person_queries = [
        q["sql"] for q in captured.captured_queries if 'FROM "governance_person"' in q["sql"]
    ]
    assert person_queries == []
    assert any('"governance_person"' in q["sql"] for q in captured.captured_queries)
