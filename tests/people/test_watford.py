"""Watford's plan ships beside Worcestershire's, with demo accounts, and neither partnership
sees anything of the other."""

import pytest
from django.urls import reverse

from actions.models import Action
from governance.models import Body, Meeting


@pytest.fixture
def watford(shipped_data):
    """`make run`'s data: both partnerships and their demo accounts (tests/conftest.py)."""
    return Body.objects.get(short_name="Watford CSP")


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_watford_plan_and_meeting_as_the_minutes_give_them(watford):
    actions = Action.objects.filter(agreement__board=watford).order_by("position")
    assert [a.reference for a in actions] == ["A1", "A2", "A3", "A4", "A5"]
    assert actions[0].due_date.isoformat() == "2017-01-31"
    meeting = Meeting.objects.get(body__short_name="CSP Task Group")
    assert "RESOLVED that the update be noted" in meeting.minutes
    assert "8 December 2016" in meeting.minutes
    assert Body.objects.get(short_name="CPG").board == watford


def test_the_watford_officer_updates_what_wbc_leads_and_sees_nothing_of_worcestershire(
    watford, client
):
    client.force_login(_user("officer-watford-wbc"))
    html = client.get(reverse("actions:my_actions")).content.decode()
    assert "Develop an understanding of the needs" in html
    assert "Worcestershire" not in html
    for action in Action.objects.filter(agreement__board=watford):
        status = client.get(reverse("actions:action_update", args=[action.pk])).status_code
        leads = {lead.organisation.short_name for lead in action.leads.all() if lead.organisation}
        assert (status == 200) == ("WBC" in leads), action.reference
    worcestershire_action = Action.objects.exclude(agreement__board=watford).first()
    assert (
        client.get(reverse("actions:action_detail", args=[worcestershire_action.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("username", "own", "other"),
    [
        ("coordinator-watford", "Watford", "Worcestershire"),
        ("coordinator", "Worcestershire", "Watford"),
    ],
)
def test_neither_partnership_sees_the_other(watford, client, username, own, other):
    client.force_login(_user(username))
    pages = [
        reverse("actions:my_actions"),
        reverse("actions:dashboard"),
        reverse("actions:action_list"),
        reverse("plans:agreement_list"),
        reverse("meetings:partnership_map"),
        reverse("people:people"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert own in html, url
        assert other not in html, url
    other_board = Body.objects.get(partnership=None, name__icontains=other)
    assert client.get(reverse("meetings:body_detail", args=[other_board.pk])).status_code == 404
    watford_meeting = Meeting.objects.get(body__short_name="CSP Task Group")
    meeting_page = client.get(reverse("meetings:meeting_detail", args=[watford_meeting.pk]))
    assert meeting_page.status_code == (200 if own == "Watford" else 404)
