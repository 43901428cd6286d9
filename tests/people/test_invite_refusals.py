"""An invitation that could not be accepted is not sent (issue 27, item 4).

Someone whose account is recorded as working for one organisation cannot accept an officer's
invitation for another: accepting would say "Ask the coordinator who invited you". The
invite form refuses it instead, saying who they are, why, and what to do; nothing is stored
and no email goes out. An invitation they can accept is still sent, and accepted.
"""

import html
import re

import pytest

from governance.middleware import address_in
from governance.models import Organisation, Role
from people.models import Invitation
from tests.governance.factories import OrganisationFactory, make_user
from tests.people.test_people_page import _snapshot

pytestmark = pytest.mark.django_db


def _served_text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def _invite(client, board, **data):
    return client.post(address_in(board.slug, "people:invite"), data)


def test_an_officer_of_another_organisation_is_refused_on_the_form_and_nothing_is_sent(
    client, coordinator, officer_police, mailbox, scb
):
    officer_police.email = "police@example.org"
    officer_police.save()
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    police = Organisation.objects.get(short_name="WM Police")
    before = _snapshot()
    client.force_login(coordinator)

    response = _invite(
        client, scb, email="Police@Example.org", kind="officer", organisation=wcc_ph.pk
    )

    assert response.status_code == 400
    page = _served_text(response)
    assert "<title>Error:" in page
    assert (
        f"Police@example.org is officer-wm-police person of {police.name} (WM Police), "
        f"not of {wcc_ph.name} (WCC PH): invite them as an officer of WM Police, or ask an "
        "admin to change their organisation first."
    ) in page
    # In the summary at the top and beside the email field.
    assert page.count("officer-wm-police person of") == 2
    assert mailbox.messages == []
    assert _snapshot() == before
    assert not Invitation.objects.exists()


def test_an_officer_of_an_organisation_outside_the_partnership_is_told_to_ask_an_admin(
    client, coordinator, mailbox, scb
):
    elsewhere = OrganisationFactory()
    user = make_user(username="far-away", board=scb, kind=None, organisation=elsewhere)
    user.email = "far@example.org"
    user.save()
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    client.force_login(coordinator)

    response = _invite(client, scb, email="far@example.org", kind="officer", organisation=wcc_ph.pk)

    assert response.status_code == 400
    page = _served_text(response)
    assert (
        f"far@example.org is far-away person of {elsewhere.name} ({elsewhere.short_name}), "
        f"not of {wcc_ph.name} (WCC PH), which is not a partner here: ask an admin to change "
        "their organisation first, or invite them to another role."
    ) in page
    assert mailbox.messages == []
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("organisation", ["WM Police", None])
def test_an_invitation_they_can_accept_is_sent_and_accepted(
    client, coordinator, officer_police, mailbox, scb, organisation
):
    """Their own organisation, or an account not yet recorded as working for one."""
    officer_police.email = "police@example.org"
    officer_police.save()
    police = Organisation.objects.get(short_name="WM Police")
    if organisation is None:
        person = officer_police.person
        person.organisation = None
        person.save()
    Role.objects.filter(user=officer_police).delete()
    client.force_login(coordinator)

    response = _invite(
        client, scb, email="police@example.org", kind="officer", organisation=police.pk
    )

    assert response.status_code == 302
    [mail] = mailbox.to("police@example.org")
    link = "/" + mail.links()[0].split("/", 3)[3]
    client.force_login(officer_police)
    assert client.post(link).status_code == 302
    assert Role.objects.filter(user=officer_police, board=scb, kind=Role.Kind.OFFICER).exists()
    officer_police.person.refresh_from_db()
    assert officer_police.person.organisation == police


def test_the_same_person_may_be_invited_to_a_role_that_is_not_an_organisation_s(
    client, coordinator, officer_police, mailbox, scb
):
    officer_police.email = "police@example.org"
    officer_police.save()
    client.force_login(coordinator)

    response = _invite(client, scb, email="police@example.org", kind="chair")

    assert response.status_code == 302
    assert mailbox.to("police@example.org")


def test_resending_is_refused_once_the_account_works_for_another_organisation(
    client, coordinator, officer_police, mailbox, scb
):
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    client.force_login(coordinator)
    _invite(client, scb, email="police@example.org", kind="officer", organisation=wcc_ph.pk)
    assert len(mailbox.to("police@example.org")) == 1
    invitation = Invitation.objects.get()
    officer_police.email = "police@example.org"  # the address is now a West Mercia account's
    officer_police.save()

    response = client.post(address_in(scb.slug, "people:resend", invitation.pk), follow=True)

    page = _served_text(response)
    assert "police@example.org is officer-wm-police person of West Mercia Police" in page
    assert "Invitation sent again" not in page
    assert len(mailbox.to("police@example.org")) == 1
    assert Invitation.objects.get().token_hash == invitation.token_hash
