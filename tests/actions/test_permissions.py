"""Who may see and update which action, checked on the server for every request.

The matrix: each role against an action their organisation leads, one another organisation
leads, and one led by a body they belong to; view (the action page) and update (GET and a
hand-made POST of the form). A refusal writes nothing; a 404 says nothing about the action.
"""

import datetime

import pytest
from django.urls import reverse

from actions.models import Action, ActionLead, ProgressUpdate, today
from governance.models import Body, Organisation, Role
from tests.actions.factories import ActionFactory
from tests.governance.factories import make_user

YEAR_2018 = datetime.date(2018, 4, 1)

pytestmark = pytest.mark.usefixtures("worcestershire")


def action(reference, year=YEAR_2018):
    return Action.objects.get(agreement__period_start=year, reference=reference)


@pytest.fixture
def officer_daf_member(scb):
    """A police officer who sits on the Domestic Abuse Forum (DAF)."""
    return make_user(
        username="officer-daf-member",
        board=scb,
        kind=Role.Kind.OFFICER,
        organisation=Organisation.objects.get(short_name="WM Police"),
        bodies=[Body.objects.get(short_name="DAF")],
    )


@pytest.fixture
def chair_in_wcc_ph(scb):
    """A chair whose Person works for WCC PH, a lead of DRIVE: chairing gives no right to
    update, whatever organisation the chair comes from (only an officer role does)."""
    return make_user(
        username="chair-wcc-ph",
        board=scb,
        kind=Role.Kind.CHAIR,
        organisation=Organisation.objects.get(short_name="WCC PH"),
    )


@pytest.fixture
def channel_action(scb):
    """An action of the restricted Channel Panel: only its members and coordinators see it."""
    made = ActionFactory(
        agreement=action("A1").agreement,
        theme=action("A1").theme,
        reference="C1",
        description="Review Channel Panel referrals",
    )
    ActionLead.objects.create(
        action=made, position=1, body=Body.objects.get(short_name="Channel Panel")
    )
    return made


# The actions, by what they are to the users below.
DRIVE = "A1"  # 2018-19, led by WCC PH and PCC
DAF_LED = "A2"  # 2018-19, led by the Domestic Abuse Forum (a body)
SWCSP_LED = "A9"  # 2018-19, led by South Worcestershire CSP (a body)

# (user fixture, action reference, may view, may update)
MATRIX = [
    ("officer_wcc_ph", DRIVE, True, True),  # own organisation's action
    ("officer_wcc_ph", DAF_LED, True, False),  # another party's action
    ("officer_wcc_ph", SWCSP_LED, True, False),
    ("officer_police", DRIVE, True, False),  # another organisation's action
    ("officer_daf_member", DAF_LED, True, True),  # led by a body they belong to
    ("officer_daf_member", DRIVE, True, False),
    ("chair", DRIVE, True, False),  # the chair reads everything, changes nothing
    ("chair", DAF_LED, True, False),
    ("chair_in_wcc_ph", DRIVE, True, False),  # a chair from a lead organisation: still no
    ("chair_in_wcc_ph", DAF_LED, True, False),
    ("coordinator", DRIVE, True, True),  # the coordinator updates anything of theirs
    ("coordinator", DAF_LED, True, True),
    ("admin_user", DRIVE, True, True),  # an admin does everything
    ("admin_user", SWCSP_LED, True, True),
    ("outsider", DRIVE, False, False),  # another partnership sees nothing of this one
    ("outsider", DAF_LED, False, False),
]


MATRIX_IDS = [f"{who}-{reference}" for who, reference, *_ in MATRIX]


def snapshot():
    return (
        ProgressUpdate.objects.count(),
        list(Action.objects.order_by("pk").values_list("pk", "status", "version")),
        Action.history.count(),
    )


def post_data(target):
    day = today()
    return {
        "status": "at_risk",
        "note": "Posted by hand.",
        "date_0": str(day.day),
        "date_1": str(day.month),
        "date_2": str(day.year),
        "version": str(target.version),
    }


@pytest.mark.parametrize(("who", "reference", "may_view", "may_update"), MATRIX, ids=MATRIX_IDS)
def test_view(client, request, who, reference, may_view, may_update):
    client.force_login(request.getfixturevalue(who))
    target = action(reference)

    response = client.get(reverse("actions:action_detail", args=[target.pk]))

    assert response.status_code == (200 if may_view else 404)
    if may_view:
        html = response.content.decode()
        update_url = reverse("actions:action_update", args=[target.pk])
        # The page offers the update only to those who may make it.
        assert (f'href="{update_url}"' in html) is may_update


@pytest.mark.parametrize(("who", "reference", "may_view", "may_update"), MATRIX, ids=MATRIX_IDS)
def test_update_form(client, request, who, reference, may_view, may_update):
    client.force_login(request.getfixturevalue(who))
    target = action(reference)

    response = client.get(reverse("actions:action_update", args=[target.pk]))

    expected = 200 if may_update else 403 if may_view else 404
    assert response.status_code == expected
    if expected == 403:
        assert "You cannot update this action" in response.content.decode()
        assert 'name="status"' not in response.content.decode()


@pytest.mark.parametrize(("who", "reference", "may_view", "may_update"), MATRIX, ids=MATRIX_IDS)
def test_hand_made_post(client, request, who, reference, may_view, may_update):
    user = request.getfixturevalue(who)
    client.force_login(user)
    target = action(reference)
    before = snapshot()

    response = client.post(reverse("actions:action_update", args=[target.pk]), post_data(target))

    if may_update:
        assert response.status_code == 302
        assert ProgressUpdate.objects.get().author == user
    else:
        assert response.status_code == (403 if may_view else 404)
        assert snapshot() == before


@pytest.mark.parametrize("htmx", [False, True])
def test_htmx_does_not_get_round_the_check(client, officer_police, htmx):
    client.force_login(officer_police)
    target = action(DRIVE)
    before = snapshot()
    headers = {"HX-Request": "true", "HX-Target": f"action-{target.pk}"} if htmx else {}

    response = client.post(
        reverse("actions:action_update", args=[target.pk]), post_data(target), headers=headers
    )

    assert response.status_code == 403
    assert snapshot() == before


class TestRestrictedBody:
    def test_an_officer_outside_the_channel_panel_does_not_see_its_action(
        self, client, officer_wcc_ph, channel_action
    ):
        client.force_login(officer_wcc_ph)
        before = snapshot()

        detail = client.get(reverse("actions:action_detail", args=[channel_action.pk]))
        form = client.get(reverse("actions:action_update", args=[channel_action.pk]))
        post = client.post(
            reverse("actions:action_update", args=[channel_action.pk]), post_data(channel_action)
        )
        listed = client.get(reverse("actions:my_actions")).content.decode()

        assert (detail.status_code, form.status_code, post.status_code) == (404, 404, 404)
        assert snapshot() == before
        assert "Review Channel Panel referrals" not in listed

    def test_a_member_sees_and_updates_it(self, client, officer_channel_member, channel_action):
        client.force_login(officer_channel_member)

        listed = client.get(reverse("actions:my_actions")).content.decode()
        response = client.post(
            reverse("actions:action_update", args=[channel_action.pk]), post_data(channel_action)
        )

        assert "Review Channel Panel referrals" in listed
        assert response.status_code == 302
        assert ProgressUpdate.objects.get().action == channel_action


def test_a_missing_action_is_a_404(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    missing = Action.objects.order_by("-pk").first().pk + 1

    assert client.get(reverse("actions:action_detail", args=[missing])).status_code == 404
    assert client.get(reverse("actions:action_update", args=[missing])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        lambda a: reverse("actions:home"),
        lambda a: reverse("actions:my_actions"),
        lambda a: reverse("actions:action_detail", args=[a.pk]),
        lambda a: reverse("actions:action_update", args=[a.pk]),
    ],
)
def test_signed_out_users_are_sent_to_sign_in(client, worcestershire, url):
    target = action(DRIVE)
    before = snapshot()

    get = client.get(url(target))
    post = client.post(url(target), post_data(target))

    for response in (get, post):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert snapshot() == before


def test_the_sign_in_page_itself_is_open(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert ">Username<" in html
    assert ">Password<" in html
    assert ">Sign in</button>" in html


def test_chair_sees_no_update_links_in_my_actions(client, chair):
    client.force_login(chair)

    html = client.get(reverse("actions:my_actions")).content.decode()

    assert "/update/" not in html
    assert "You can read them but not update them." in html


class TestAccount:
    def test_change_password(self, client, officer_wcc_ph):
        client.force_login(officer_wcc_ph)
        new = "a-new-long-passphrase-2026"

        form = client.get(reverse("password_change"))
        wrong = client.post(
            reverse("password_change"),
            {"old_password": "not-mine", "new_password1": new, "new_password2": new},
        )
        right = client.post(
            reverse("password_change"),
            {"old_password": "correct-horse-battery", "new_password1": new, "new_password2": new},
            follow=True,
        )

        assert ">Old password<" in form.content.decode()
        wrong_html = wrong.content.decode()
        assert "<title>Error: Change your password" in wrong_html
        assert '<a href="#id_old_password">' in wrong_html
        assert "Password changed" in right.content.decode()
        officer_wcc_ph.refresh_from_db()
        assert officer_wcc_ph.check_password(new)

    def test_sign_out(self, client, officer_wcc_ph):
        client.force_login(officer_wcc_ph)

        response = client.post(reverse("logout"))

        assert response["Location"] == reverse("login")
        assert client.get(reverse("actions:my_actions")).status_code == 302

    def test_a_wrong_password_is_refused_clearly(self, client, officer_wcc_ph):
        response = client.post(
            reverse("login"), {"username": officer_wcc_ph.username, "password": "wrong"}
        )

        html = response.content.decode()
        assert "<title>Error: Sign in" in html
        assert "Please enter a correct username and password" in html
        assert f'value="{officer_wcc_ph.username}"' in html
