"""The Channel Panel's data is restricted: only its members, the coordinator and admins see its
actions, meetings and notes, on every page and export. Everyone else sees that it exists.

No action of the real plans is led by the Channel Panel, so these tests make one.
"""

import datetime

import pytest
from django.urls import NoReverseMatch, reverse

from governance.models import Body, Organisation
from tests.governance.helpers import agreement_2018, make_action, make_meeting, make_update

SECRET = "Zebra-secret"


@pytest.fixture
def channel(scb):
    return Body.objects.get(short_name="Channel Panel")


@pytest.fixture
def restricted(scb, channel):
    """A Channel Panel action with a note, a meeting, and an action arising from the meeting
    led by an organisation (hidden because of where it arose, not who leads it)."""
    action = make_action(
        lead=channel,
        description=f"{SECRET} action: review referrals",
        due_date=datetime.date(2018, 6, 30),  # overdue: it would be on every dashboard
    )
    meeting = make_meeting(
        channel,
        date=datetime.date(2018, 10, 1),
        title=f"{SECRET} panel meeting",
        minutes=f"{SECRET} minutes",
    )
    make_update(action, date=datetime.date(2018, 9, 1), note=f"{SECRET} note", meeting=meeting)
    arising = make_action(
        lead=Organisation.objects.get(short_name="WCC PH"),
        description=f"{SECRET} arising: follow up a case",
        due_date=datetime.date(2018, 11, 30),
        origin_meeting=meeting,
    )
    return {"action": action, "meeting": meeting, "arising": arising}


def _governance_urls(scb, channel, restricted):
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    psg = Body.objects.get(short_name="PSG")
    return [
        reverse("meetings:body_list"),
        reverse("meetings:body_detail", args=[channel.pk]),
        reverse("meetings:body_detail", args=[scb.pk]),
        reverse("meetings:organisation_detail", args=[wcc_ph.pk]),
        reverse("meetings:partnership_map"),
        reverse("meetings:agenda", args=[scb.pk]) + "?date=2018-12-01",
        reverse("meetings:agenda", args=[psg.pk]) + "?date=2018-12-01",
    ]


def _other_pages(restricted):
    """The other features' pages and exports, by URL name, where they exist."""
    wanted = [
        ("actions:my_actions", [], ""),
        ("actions:action_list", [], ""),
        ("actions:action_list", [], "?q=Zebra"),
        ("actions:dashboard", [], ""),
        ("actions:dashboard", [], "?as_of=2018-12-01"),
        ("actions:action_export", ["csv"], ""),
        ("actions:board_report", [], ""),
        ("plans:agreement_detail", [agreement_2018().pk], ""),
    ]
    urls = []
    for name, args, query in wanted:
        try:
            urls.append(reverse(name, args=args) + query)
        except NoReverseMatch:
            continue  # that feature is not there (yet): nothing to leak
    return urls


@pytest.mark.parametrize("who", ["officer_police", "officer_wcc_ph", "chair"])
def test_no_restricted_data_reaches_a_non_member_anywhere(
    client, request, who, scb, channel, restricted
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for url in _governance_urls(scb, channel, restricted) + _other_pages(restricted):
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET.encode() not in body, f"{url} shows restricted data to {who}"


def test_a_non_member_sees_that_the_panel_exists_but_not_its_data(
    client, officer_police, channel, restricted
):
    client.force_login(officer_police)
    page = client.get(reverse("meetings:body_detail", args=[channel.pk])).content.decode()
    assert "Worcestershire Channel Panel" in page
    assert "Panel" in page and "Paul Kinsella" in page  # kind and chair are public
    assert "This statutory body ensures co-ordination" in page  # the remit too
    assert "Data relating to the Channel Panel is restricted" in page
    meeting_url = reverse("meetings:meeting_detail", args=[restricted["meeting"].pk])
    assert client.get(meeting_url).status_code == 404
    agenda = client.get(reverse("meetings:agenda", args=[channel.pk]))
    assert agenda.status_code == 403
    assert "Data relating to the Channel Panel is restricted" in agenda.content.decode()
    map_page = client.get(reverse("meetings:partnership_map")).content.decode()
    assert "Worcestershire Channel Panel" in map_page  # it exists
    for name in ("actions:action_detail", "plans:action_as_of"):
        try:
            url = reverse(name, args=[restricted["action"].pk])
        except NoReverseMatch:
            continue
        response = client.get(url)
        assert SECRET.encode() not in response.content, name


@pytest.mark.parametrize("who", ["officer_channel_member", "coordinator", "admin_user"])
def test_members_the_coordinator_and_admins_see_it(client, request, who, channel, restricted):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("meetings:body_detail", args=[channel.pk])).content.decode()
    assert f"{SECRET} action" in page
    assert f"{SECRET} panel meeting" in page
    assert "is restricted" not in page
    meeting = client.get(reverse("meetings:meeting_detail", args=[restricted["meeting"].pk]))
    assert meeting.status_code == 200
    text = meeting.content.decode()
    assert f"{SECRET} minutes" in text and f"{SECRET} arising" in text and f"{SECRET} note" in text


def test_the_coordinator_sees_it_on_the_boards_agenda(client, scb, coordinator, restricted):
    client.force_login(coordinator)
    url = reverse("meetings:agenda", args=[scb.pk]) + "?date=2018-12-01"
    assert f"{SECRET} action" in client.get(url).content.decode()


def test_the_other_pages_do_show_it_to_the_coordinator(client, coordinator, restricted):
    """The control for the test above: the pages checked there can show the data at all."""
    client.force_login(coordinator)
    shown = []
    for url in _other_pages(restricted):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if SECRET.encode() in body:
            shown.append(url)
    if not _other_pages(restricted):
        pytest.skip("no other feature's pages exist yet")
    assert shown, "none of the other pages shows restricted data even to the coordinator"
