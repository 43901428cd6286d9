"""Groups of partnerships (issue 26, item 3): written through their services with a reason,
by admins only, the admin included; and what being an overseer gives (governance.access): a
read of the group's partnerships, no right to change anything, and no restricted body's data
unless a member."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from actions.models import Action
from governance.access import (
    access_for,
    can_edit,
    can_manage_people,
    can_update,
    enter_group,
    group_of_address,
    partnership_of_address,
)
from governance.models import Body, Organisation, PartnershipGroup, Role
from governance.services import partnership_group_create, partnership_group_update
from tests.actions.factories import ActionFactory, ActionLeadFactory
from tests.csa.factories import AgreementFactory
from tests.governance.factories import BoardFactory, PersonFactory, UserFactory, make_user
from tests.governance.test_admin_rules import _post, _url

pytestmark = pytest.mark.django_db

WHY = "The force area's partnerships"


@pytest.fixture
def northshire(db):
    return BoardFactory(name="Northshire CSP", short_name="Northshire CSP")


@pytest.fixture
def pcc_office(scb):
    user = UserFactory(username="pcc-office")
    PersonFactory(
        name="PCC office", organisation=Organisation.objects.get(short_name="PCC"), user=user
    )
    return user


@pytest.fixture
def group(scb, northshire, pcc_office):
    return partnership_group_create(
        name="West Mercia force area",
        partnerships=[scb, northshire],
        overseers=[pcc_office],
        by=None,
        reason=WHY,
    )


def _rows():
    return (
        list(PartnershipGroup.objects.values()),
        list(PartnershipGroup.partnerships.through.objects.values()),
        list(PartnershipGroup.overseers.through.objects.values()),
        PartnershipGroup.history.count(),
    )


# --- Services ---------------------------------------------------------------------------------


def test_a_group_is_made_with_its_reason_and_who_in_its_history(scb, northshire, admin_user):
    group = partnership_group_create(
        name="West Mercia force area",
        description="The PCC's area",
        partnerships=[scb, northshire],
        by=admin_user,
        reason=WHY,
    )
    assert group.slug == "west-mercia-force-area"
    assert set(group.partnerships.all()) == {scb, northshire}
    history = list(group.history.order_by("history_date"))
    assert {h.history_change_reason for h in history} == {WHY}
    assert {h.history_user for h in history} == {admin_user}
    # The partnerships are in the history's last row, as they stood.
    latest = history[-1]
    assert {row.body_id for row in latest.partnerships.all()} == {scb.pk, northshire.pk}


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"reason": " "}, "reason", "Say why, for the history."),
        ({"name": ""}, "name", "Enter the group's name"),
        ({"slug": "Not A Slug!"}, "slug", "letters, numbers and hyphens"),
        ({"sub_group": True}, "partnerships", "choose the board at the head of a partnership"),
        ({"slug": "west-mercia-force-area"}, "slug", "Another group has the address part"),
    ],
)
def test_a_bad_group_is_refused_naming_the_field_and_nothing_is_written(
    scb, group, admin_user, change, field, words
):
    fields = {"name": "Another group", "partnerships": [scb], "by": admin_user, "reason": WHY}
    if change.pop("sub_group", False):
        fields["partnerships"] = [Body.objects.get(short_name="Channel Panel")]
    fields.update(change)
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        partnership_group_create(**fields)
    assert words in " ".join(refused.value.message_dict[field])
    assert _rows() == before


def test_only_an_admin_manages_groups(scb, group, coordinator):
    before = _rows()
    with pytest.raises(PermissionDenied):
        partnership_group_create(name="Mine", partnerships=[scb], by=coordinator, reason=WHY)
    with pytest.raises(PermissionDenied):
        partnership_group_update(
            group=group, name="Mine", partnerships=[], overseers=[], by=coordinator, reason=WHY
        )
    assert _rows() == before


def test_a_change_keeps_the_address_and_says_why(group, scb, admin_user):
    partnership_group_update(
        group=group,
        name="West Mercia",
        partnerships=[scb],
        overseers=[],
        by=admin_user,
        reason="Northshire left the liaison group",
    )
    group.refresh_from_db()
    assert (group.name, group.slug) == ("West Mercia", "west-mercia-force-area")
    assert list(group.partnerships.all()) == [scb]
    assert group.history.latest().history_change_reason == "Northshire left the liaison group"


# --- The admin, through the services ------------------------------------------------------------


def test_the_admin_makes_a_group_through_the_service_with_its_reason(client, admin_user, scb):
    client.force_login(admin_user)
    response = _post(
        client,
        _url(PartnershipGroup, "add"),
        name="Liaison group",
        slug="liaison-group",
        partnerships=[str(scb.pk)],
        reason="Set up for the PCC",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    group = PartnershipGroup.objects.get(slug="liaison-group")
    assert list(group.partnerships.all()) == [scb]
    assert group.history.latest().history_change_reason == "Set up for the PCC"
    assert group.history.latest().history_user == admin_user


def test_the_admin_refuses_a_sub_group_and_no_reason_in_the_service_s_words(
    client, admin_user, scb
):
    client.force_login(admin_user)
    channel = Body.objects.get(short_name="Channel Panel")
    before = _rows()
    response = _post(
        client,
        _url(PartnershipGroup, "add"),
        name="Liaison group",
        slug="liaison-group",
        partnerships=[str(channel.pk)],
        reason="",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert escape("Say why, for the history.") in html
    response = _post(
        client,
        _url(PartnershipGroup, "add"),
        name="Liaison group",
        slug="liaison-group",
        partnerships=[str(channel.pk)],
        reason="Set up",
    )
    # The autocomplete offers boards only; a sub-group posted anyway is not a choice.
    assert response.status_code == 200
    assert _rows() == before


# --- What overseeing gives -----------------------------------------------------------------------


def test_an_overseer_reads_the_group_and_changes_nothing(group, pcc_office, scb, northshire):
    plan = AgreementFactory(board=northshire)
    action = ActionFactory(agreement=plan, theme=None)
    ActionLeadFactory(action=action, organisation=Organisation.objects.get(short_name="PCC"))
    assert group_of_address(pcc_office, group.slug) == group.pk
    enter_group(pcc_office, group.pk)
    access = access_for(pcc_office)
    assert access.board_ids == {scb.pk, northshire.pk}
    assert not access.manages_a_partnership
    assert not access.spans_every_partnership
    # Even an action their own organisation leads: an overseer is no officer.
    assert not can_update(pcc_office, action)
    assert not can_edit(pcc_office, action)
    assert not can_manage_people(pcc_office, northshire)
    assert Action.objects.visible_to(pcc_office).filter(pk=action.pk).exists()
    # The restricted Channel Panel is hidden: the overseer is not a member.
    assert Body.objects.get(short_name="Channel Panel").pk in access.hidden_body_ids


def test_a_coordinator_who_oversees_reads_the_group_as_an_overseer(group, scb):
    """On a group's pages the coordinator's rights of one partnership do not come along: the
    Channel Panel, whose data a coordinator sees in their own partnership's address, is hidden
    there, and nothing is theirs to update."""
    coordinator = make_user(board=scb, kind=Role.Kind.COORDINATOR, username="coordinator-overseer")
    group.overseers.add(coordinator)
    enter_group(coordinator, group.pk)
    access = access_for(coordinator)
    assert access.coordinator_board_ids == frozenset()
    assert Body.objects.get(short_name="Channel Panel").pk in access.hidden_body_ids


def test_an_overseer_opens_each_partnership_s_address_and_no_other(group, pcc_office, scb):
    elsewhere = BoardFactory(name="Elsewhere CSP", short_name="Elsewhere CSP")
    assert partnership_of_address(pcc_office, scb.slug) == scb.pk
    assert partnership_of_address(pcc_office, elsewhere.slug) is None
    outsider = UserFactory(username="outsider")
    assert group_of_address(outsider, group.slug) is None


def test_the_group_pages_are_outside_every_partnership_s_address(client, group, pcc_office, scb):
    """A person in several partnerships is asked which one for a partnership's page without
    one; a group's page is no partnership's, so it is served."""
    other = BoardFactory(name="Second CSP", short_name="Second CSP")
    Role.objects.create(user=pcc_office, board=scb, kind=Role.Kind.OFFICER)
    Role.objects.create(user=pcc_office, board=other, kind=Role.Kind.OFFICER)
    client.force_login(pcc_office)
    url = reverse("actions:group_dashboard", args=[group.slug])
    assert client.get(url).status_code == 200
    inside = client.get(f"/p/{scb.slug}{url}")
    assert inside.status_code == 302 and inside["Location"] == url
