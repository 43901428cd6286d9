"""A new partnership starts by email: add_partnership invites its first coordinator, who
signs in to an empty dashboard of their own and invites an officer, who updates exactly what
their organisation leads there. Mail goes through a real SMTP server (tests/mailbox.py)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from governance.middleware import address_in
from governance.models import Body, Person, Role
from people.models import Invitation
from tests.actions.factories import ActionFactory, ActionLeadFactory
from tests.csa.factories import AgreementFactory
from tests.governance.factories import OrganisationFactory

PASSWORD = "a-long-enough-password-2026"
pytestmark = pytest.mark.django_db


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _accept(client, mail, *, name):
    link = next(link for link in mail.links() if "/invitations/" in link)
    page = client.get(_path(link))
    assert page.status_code == 200
    response = client.post(
        _path(link), {"name": name, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return _path(link), response


def test_add_partnership_sends_an_invitation_that_signs_the_coordinator_in(
    worcestershire, mailbox, client, capsys
):
    call_command(
        "add_partnership",
        "--short-name",
        "SCP",
        "--name",
        "Sometown Community Safety Partnership",
        "--coordinator-email",
        "Coordinator@Example.org",
    )
    board = Body.objects.get(short_name="SCP")
    assert board.kind == Body.Kind.BOARD and board.partnership is None
    assert "invitation was sent" in capsys.readouterr().out

    [mail] = mailbox.messages
    assert mail.to == ["Coordinator@example.org"]
    assert "Community Safety Action Plans" in mail.subject
    assert "Sometown Community Safety Partnership" in mail.text
    assert "You are receiving this email because" in mail.text
    assert "You are receiving this email because" in mail.html
    assert "Community Safety Action Plans" in mail.html
    invitation = Invitation.objects.get()
    token = _path(mail.links()[0]).rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash  # only a hash is kept

    link, response = _accept(client, mail, name="Casey Coordinator")
    # Into the partnership's own address (issue 24).
    assert response["Location"] == f"/p/{board.slug}" + reverse("actions:dashboard")
    user = get_user_model().objects.get(email="Coordinator@example.org")
    assert Role.objects.filter(user=user, board=board, kind=Role.Kind.COORDINATOR).exists()
    assert user.person.name == "Casey Coordinator"

    dashboard = client.get(reverse("actions:dashboard"))
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert "Sometown Community Safety Partnership" in html
    for outside in ["Worcestershire", "Safer Communities Board", "WCC PH"]:
        assert outside not in html
    actions = client.get(reverse("actions:action_list")).content.decode()
    assert "Worcestershire" not in actions
    scb_action = Action.objects.filter(agreement__board=worcestershire).first()
    assert client.get(reverse("actions:action_detail", args=[scb_action.pk])).status_code == 404

    # The link worked once.
    client.logout()
    again = client.get(link)
    assert again.status_code == 404
    assert "does not work" in again.content.decode()
    assert (
        client.post(link, {"name": "X Y", "password1": PASSWORD, "password2": PASSWORD}).status_code
        == 404
    )
    assert get_user_model().objects.filter(email__iexact="coordinator@example.org").count() == 1

    # History says who and why.
    record = invitation.history.order_by("-history_id").first()
    assert record.history_change_reason == "Accepted" and record.history_user == user


def test_coordinator_invites_an_officer_who_updates_exactly_what_their_organisation_leads(
    worcestershire, mailbox, client
):
    call_command(
        "add_partnership",
        "--short-name",
        "SCP",
        "--name",
        "Sometown Community Safety Partnership",
        "--coordinator-email",
        "coordinator@example.org",
    )
    board = Body.objects.get(short_name="SCP")
    agreement = AgreementFactory(board=board)
    council = OrganisationFactory(short_name="STC", name="Sometown Council")
    police = OrganisationFactory(short_name="STP", name="Sometown Police")
    ours = ActionFactory(agreement=agreement, reference="S1")
    ActionLeadFactory(action=ours, organisation=council)
    theirs = ActionFactory(agreement=agreement, reference="S2")
    ActionLeadFactory(action=theirs, organisation=police)
    _accept(client, mailbox.messages[0], name="Casey Coordinator")
    mailbox.clear()

    response = client.post(
        address_in(board.slug, "people:invite"),
        {"email": "officer@example.org", "kind": "officer", "organisation": council.pk},
    )
    assert response.status_code == 302
    [mail] = mailbox.to("officer@example.org")
    assert "an officer of Sometown Council" in mail.text
    people = client.get(address_in(board.slug, "people:people")).content.decode()
    assert "officer@example.org" in people  # pending, with a resend button
    assert "Resend" in people

    client.logout()
    _accept(client, mail, name="Olu Officer")
    officer = get_user_model().objects.get(email="officer@example.org")
    assert officer.person.organisation == council
    updatable = {
        a.reference
        for a in Action.objects.all()
        if client.get(reverse("actions:action_update", args=[a.pk])).status_code == 200
    }
    assert updatable == {"S1"}
    scb_action = Action.objects.filter(agreement__board=worcestershire).first()
    assert client.get(reverse("actions:action_update", args=[scb_action.pk])).status_code in (
        403,
        404,
    )


def test_expired_invitation_is_refused_and_can_be_resent(worcestershire, mailbox, client):
    call_command(
        "add_partnership",
        "--short-name",
        "SCP",
        "--name",
        "Sometown CSP",
        "--coordinator-email",
        "c@example.org",
    )
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    old_link = _path(mailbox.messages[0].links()[0])
    assert client.get(old_link).status_code == 404
    assert (
        client.post(
            old_link, {"name": "A B", "password1": PASSWORD, "password2": PASSWORD}
        ).status_code
        == 404
    )
    assert not get_user_model().objects.filter(email="c@example.org").exists()

    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(admin)
    board = Body.objects.get(short_name="SCP")
    assert client.post(address_in(board.slug, "people:resend", invitation.pk)).status_code == 302
    new_mail = mailbox.messages[-1]
    assert _path(new_mail.links()[0]) != old_link
    client.logout()
    assert client.get(old_link).status_code == 404  # the old link stays dead
    _accept(client, new_mail, name="Cleo Coord")


def test_add_partnership_refuses_bad_input_and_writes_nothing(worcestershire, mailbox):
    bodies = Body.objects.count()
    with pytest.raises(CommandError, match="short-name: There is already a body called SCB"):
        call_command(
            "add_partnership",
            "--short-name",
            "SCB",
            "--name",
            "Again",
            "--coordinator-email",
            "not-an-email",
        )
    assert Body.objects.count() == bodies
    assert not Invitation.objects.exists()
    assert mailbox.messages == []


def test_an_admin_adds_a_partnership_from_a_page(worcestershire, mailbox, client, coordinator):
    client.force_login(coordinator)
    assert (
        client.post(
            reverse("people:partnership_add"),
            {"short_name": "X", "name": "X CSP", "coordinator_email": "x@example.org"},
        ).status_code
        == 403
    )
    assert not Body.objects.filter(short_name="X").exists()

    admin = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(admin)
    assert client.get(reverse("people:partnership_add")).status_code == 200
    response = client.post(
        reverse("people:partnership_add"),
        {"short_name": "X", "name": "X CSP", "coordinator_email": "x@example.org"},
    )
    assert response.status_code == 302
    assert Body.objects.get(short_name="X").history.first().history_user == admin
    assert mailbox.to("x@example.org")


def test_person_names_must_be_unique_and_passwords_good(worcestershire, mailbox, client):
    call_command(
        "add_partnership",
        "--short-name",
        "SCP",
        "--name",
        "Sometown CSP",
        "--coordinator-email",
        "c@example.org",
    )
    link = _path(mailbox.messages[0].links()[0])
    taken = Person.objects.first().name
    response = client.post(link, {"name": taken, "password1": "123", "password2": "123"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Error:" in html and "already recorded" in html and "too short" in html
    assert not get_user_model().objects.filter(email="c@example.org").exists()
    assert Invitation.objects.get().accepted_at is None
