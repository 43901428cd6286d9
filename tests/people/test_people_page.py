"""The coordinator's People page: invite, change and end roles, end memberships, deactivate.
Every change is history (who, when, why); nothing outside the partnership, and nothing of an
admin's, can be given or taken: hand-made POSTs get 403 and write nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from governance.middleware import address_in
from governance.models import Body, Membership, Role
from people.models import Invitation
from tests.governance.factories import BodyFactory, make_user

pytestmark = pytest.mark.django_db


def _snapshot():
    User = get_user_model()
    return (
        list(Role.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        list(Invitation.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("pk", "is_active", "is_superuser")),
    )


def test_the_people_page_lists_roles_and_pending_invitations(
    client, coordinator, officer_wcc_ph, officer_channel_member, mailbox, scb
):
    client.force_login(coordinator)
    # The header's "People" is the partnership's People page, in its address.
    assert reverse("people:people") == "/people/"
    client.post(
        address_in(scb.slug, "people:invite"),
        {"email": "new@example.org", "kind": "chair"},
    )
    html = client.get(address_in(scb.slug, "people:people")).content.decode()
    for text in ["officer-wcc-ph", "WCC PH", "Board officer", "Channel Panel", "new@example.org"]:
        assert text in html
    assert ">People<" in client.get(reverse("actions:my_actions")).content.decode()


def test_officers_and_chairs_have_no_people_page(client, chair, officer_wcc_ph, scb):
    for user in (chair, officer_wcc_ph):
        client.force_login(user)
        assert client.get(address_in(scb.slug, "people:people")).status_code == 403
        assert client.get(reverse("people:people")).status_code == 403
        assert ">People<" not in client.get(reverse("actions:my_actions")).content.decode()


def test_role_change_end_and_deactivate_are_history_with_who_and_why(
    client, coordinator, officer_wcc_ph, officer_channel_member, scb
):
    client.force_login(coordinator)
    role = officer_wcc_ph.partnership_roles.get()
    response = client.post(
        address_in(scb.slug, "people:role_change", role.pk),
        {"kind": "chair", "reason": "Elected vice-chair"},
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.kind == Role.Kind.CHAIR
    record = role.history.first()
    assert (record.history_user, record.history_change_reason) == (
        coordinator,
        "Elected vice-chair",
    )

    no_reason = client.post(address_in(scb.slug, "people:role_end", role.pk), {"reason": ""})
    assert no_reason.status_code == 400
    assert "Say why" in no_reason.content.decode()
    client.post(address_in(scb.slug, "people:role_end", role.pk), {"reason": "Left the council"})
    assert not Role.objects.filter(pk=role.pk).exists()
    assert Role.history.filter(id=role.pk, history_type="-").get().history_change_reason == (
        "Left the council"
    )

    membership = Membership.objects.get(person__user=officer_channel_member)
    client.post(
        address_in(scb.slug, "people:membership_end", membership.pk), {"reason": "Rotated off"}
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()

    client.post(
        address_in(scb.slug, "people:deactivate", officer_channel_member.pk),
        {"reason": "Retired"},
    )
    officer_channel_member.refresh_from_db()
    assert not officer_channel_member.is_active
    record = officer_channel_member.history.first()
    assert (record.history_user, record.history_change_reason) == (coordinator, "Retired")
    assert not hasattr(record, "password")


def test_hand_made_posts_outside_the_partnership_are_refused_and_write_nothing(
    client, coordinator, outsider, admin_user, mailbox, scb
):
    other_board = outsider.partnership_roles.get().board
    other_body = BodyFactory(partnership=other_board)
    outsider_role = outsider.partnership_roles.get()
    client.force_login(coordinator)
    before = _snapshot()
    attempts = [
        (address_in(other_board.slug, "people:people"), None),
        (
            address_in(other_board.slug, "people:invite"),
            {"email": "x@example.org", "kind": "coordinator"},
        ),
        (
            address_in(scb.slug, "people:invite"),
            {"email": "x@example.org", "kind": "member", "body": other_body.pk},
        ),
        (
            address_in(scb.slug, "people:role_change", outsider_role.pk),
            {"kind": "coordinator", "reason": "x"},
        ),
        (
            address_in(other_board.slug, "people:role_change", outsider_role.pk),
            {"kind": "coordinator", "reason": "x"},
        ),
        (address_in(scb.slug, "people:role_end", outsider_role.pk), {"reason": "x"}),
        (address_in(scb.slug, "people:deactivate", outsider.pk), {"reason": "x"}),
        (address_in(scb.slug, "people:deactivate", admin_user.pk), {"reason": "x"}),
        (
            reverse("people:partnership_add"),
            {"short_name": "Z", "name": "Z", "coordinator_email": "z@example.org"},
        ),
    ]
    for url, data in attempts:
        response = client.post(url, data) if data is not None else client.get(url)
        # Another partnership's address does not exist for them (404); within their own,
        # what they may not do is refused (403).
        refused = 404 if url.startswith(f"/p/{other_board.slug}/") else 403
        assert response.status_code == refused, url
    assert _snapshot() == before
    assert mailbox.messages == []
    assert not Body.objects.filter(short_name="Z").exists()


def test_only_admins_manage_admins(client, coordinator, scb):
    admin_with_role = make_user(
        username="admin2", board=scb, kind=Role.Kind.OFFICER, superuser=True
    )
    role = admin_with_role.partnership_roles.get()
    client.force_login(coordinator)
    before = _snapshot()
    for url, data in [
        (address_in(scb.slug, "people:role_change", role.pk), {"kind": "chair", "reason": "x"}),
        (address_in(scb.slug, "people:role_end", role.pk), {"reason": "x"}),
        (address_in(scb.slug, "people:deactivate", admin_with_role.pk), {"reason": "x"}),
    ]:
        assert client.post(url, data).status_code == 403
    assert _snapshot() == before


def test_an_account_in_two_partnerships_is_not_one_coordinator_s_to_deactivate(
    client, coordinator, officer_wcc_ph, outsider, scb
):
    Role.objects.create(
        user=officer_wcc_ph, board=outsider.partnership_roles.get().board, kind=Role.Kind.OFFICER
    )
    client.force_login(coordinator)
    response = client.post(
        address_in(scb.slug, "people:deactivate", officer_wcc_ph.pk), {"reason": "x"}
    )
    assert response.status_code == 403
    officer_wcc_ph.refresh_from_db()
    assert officer_wcc_ph.is_active


def test_invite_form_refuses_garbage_with_messages(client, coordinator, mailbox, scb):
    client.force_login(coordinator)
    response = client.post(
        address_in(scb.slug, "people:invite"), {"email": "not-an-email", "kind": "officer"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Error:" in html
    assert "right format" in html
    response = client.post(
        address_in(scb.slug, "people:invite"), {"email": "a@example.org", "kind": "officer"}
    )
    assert "Choose the organisation" in response.content.decode()
    response = client.post(
        address_in(scb.slug, "people:invite"), {"email": "a@example.org", "kind": "admin"}
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert mailbox.messages == []


def test_an_existing_account_accepts_a_second_partnership_after_signing_in(
    client, officer_police, outsider, mailbox
):
    officer_police.email = "police@example.org"
    officer_police.save()
    other_board = outsider.partnership_roles.get().board
    coordinator_there = make_user(
        username="coord-there", board=other_board, kind=Role.Kind.COORDINATOR
    )
    client.force_login(coordinator_there)
    client.post(
        address_in(other_board.slug, "people:invite"),
        {"email": "police@example.org", "kind": "chair"},
    )
    link = "/" + mailbox.messages[0].links()[0].split("/", 3)[3]
    client.logout()
    page = client.get(link).content.decode()
    assert "Sign in with that account to accept" in page
    assert client.post(link).status_code == 200  # not signed in: nothing accepted
    assert not Role.objects.filter(user=officer_police, board=other_board).exists()

    client.force_login(officer_police)
    assert client.post(link).status_code == 302
    assert Role.objects.filter(
        user=officer_police, board=other_board, kind=Role.Kind.CHAIR
    ).exists()
    html = client.get(f"/p/{other_board.slug}" + reverse("actions:my_actions")).content.decode()
    assert "Switch to Worcestershire Safer Communities Board" in html
    # Now in two partnerships: an address without one asks which (but My actions, which
    # is theirs across both).
    assert client.get(reverse("actions:dashboard"))["Location"].startswith(
        reverse("people:partnership_choose")
    )
