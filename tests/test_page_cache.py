# ruff: noqa: F811 - the restricted fixtures are imported, then asked for by name
"""The cached parts of the busiest pages (governance.freshness): the dashboard, the list of
actions and the action page.

A cached part is never shown to someone who may not see what it holds, is never stale after a
change made by anyone (in this process or another), and costs a fixed number of queries.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Status
from actions.services import progress_update_create
from governance.models import DataStamp, Membership
from tests.governance.helpers import agreement_2018
from tests.meetings.test_restricted import SECRET, channel, restricted  # noqa: F401 - fixtures


def _pages(restricted):
    """The cached pages, as the restricted action would appear on them."""
    plan = agreement_2018().pk
    return [
        reverse("actions:dashboard"),
        reverse("actions:dashboard") + f"?agreement={plan}&as_of=2018-12-01",
        reverse("actions:action_list"),
        reverse("actions:action_list") + "?q=Zebra",
        reverse("actions:action_list") + f"?agreement={plan}&flag=overdue",
        reverse("actions:action_detail", args=[restricted["action"].pk]),
        reverse("actions:action_detail", args=[restricted["arising"].pk]),
    ]


def _get(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    return response


@pytest.mark.parametrize("first", ["officer_channel_member", "coordinator", "admin_user"])
@pytest.mark.parametrize("then", ["chair", "officer_police", "officer_wcc_ph"])
def test_a_part_cached_for_one_who_may_see_is_never_shown_to_one_who_may_not(
    client,
    request,
    first,
    then,
    restricted,
):
    pages = _pages(restricted)
    # Both people exist before the cache is filled: nothing changes in between.
    first, then = request.getfixturevalue(first), request.getfixturevalue(then)
    client.force_login(first)
    seen = [_get(client, url).content.decode() for url in pages]
    # The cache is filled with the restricted data: the test below could fail.
    assert SECRET in seen[3] and SECRET in seen[5]
    with CaptureQueriesContext(connection) as served_again:
        _get(client, pages[5])
    assert len(served_again) == 3  # from the cache: session, user, data stamp

    client.force_login(then)
    for url in pages:
        response = _get(client, url)
        assert SECRET not in response.content.decode(), url
    for action in (restricted["action"], restricted["arising"]):
        url = reverse("actions:action_detail", args=[action.pk])
        assert client.get(url).status_code == 404


def test_a_part_cached_for_one_who_may_not_see_is_never_shown_to_one_who_may(
    client,
    officer_police,
    officer_channel_member,
    restricted,
):
    pages = _pages(restricted)
    client.force_login(officer_police)
    for url in pages:
        assert SECRET not in _get(client, url).content.decode()
    client.force_login(officer_channel_member)
    assert SECRET in _get(client, pages[3]).content.decode()
    assert _get(client, pages[5]).status_code == 200


def test_joining_the_restricted_body_shows_its_actions_at_once(
    client,
    officer_police,
    channel,
    restricted,
):
    pages = _pages(restricted)
    client.force_login(officer_police)
    assert client.get(pages[5]).status_code == 404
    assert SECRET not in _get(client, pages[3]).content.decode()

    Membership.objects.create(person=officer_police.person, body=channel)

    assert client.get(pages[5]).status_code == 200
    assert SECRET in _get(client, pages[3]).content.decode()

    Membership.objects.filter(person=officer_police.person, body=channel).delete()

    assert client.get(pages[5]).status_code == 404
    assert SECRET not in _get(client, pages[3]).content.decode()


def _a1():
    return Action.objects.get(agreement=agreement_2018(), reference="A1")


def test_every_page_shows_an_update_the_moment_it_is_saved(client, chair, officer_wcc_ph):
    action = _a1()
    plan = agreement_2018().pk
    pages = [
        reverse("actions:action_detail", args=[action.pk]),
        reverse("actions:action_list") + f"?agreement={plan}&q={action.reference}",
        reverse("actions:dashboard") + f"?agreement={plan}&as_of=2019-03-20",
    ]
    client.force_login(chair)
    for url in pages:
        assert "Kestrel progress" not in _get(client, url).content.decode()

    progress_update_create(
        action=action,
        author=officer_wcc_ph,
        status=Status.OFF_TRACK,
        note="Kestrel progress: the provider withdrew.",
        date=datetime.date(2019, 3, 1),
    )

    assert "Kestrel progress" in _get(client, pages[0]).content.decode()
    assert "Kestrel progress" in _get(client, pages[1]).content.decode()
    dashboard = _get(client, pages[2])
    assert action.pk in [a.pk for a in dashboard.context["figures"].actions]
    assert next(a for a in dashboard.context["figures"].actions if a.pk == action.pk).status_on == (
        Status.OFF_TRACK
    )


def test_a_change_committed_by_another_process_is_seen_at_once(client, chair):
    """Another process's change: its rows and the new stamp it writes on commit, with none of
    this process's signals (a queryset update sends none)."""
    action = _a1()
    url = reverse("actions:action_detail", args=[action.pk])
    client.force_login(chair)
    assert "Heron wording" not in _get(client, url).content.decode()

    Action.objects.filter(pk=action.pk).update(description="Heron wording, changed elsewhere")
    # Until the other process's commit moves the stamp on, this one may serve what it cached
    # (and does: so the next assertion is about the stamp, not about no cache at all).
    assert "Heron wording" not in _get(client, url).content.decode()

    DataStamp.objects.filter(pk=1).update(token="written-by-another-process")

    assert "Heron wording" in _get(client, url).content.decode()


def test_the_day_is_part_of_the_key(client, chair, monkeypatch):
    """Overdue, due soon and stale move on at midnight, with no change to the data."""
    url = reverse("actions:dashboard") + f"?agreement={agreement_2018().pk}"
    client.force_login(chair)
    today = timezone.localdate()
    assert f"Dashboard as of {today:%-d %B %Y}" in _get(client, url).content.decode()

    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    assert f"Dashboard as of {tomorrow:%-d %B %Y}" in _get(client, url).content.decode()


@pytest.mark.parametrize(
    "name, query",
    [
        ("actions:dashboard", "?as_of=2019-04-01"),
        ("actions:action_list", "?flag=overdue"),
        ("actions:action_detail", ""),
    ],
)
def test_a_cached_page_costs_three_queries(client, chair, name, query):
    """The session, the user and the data stamp: the viewer's access is cached with the page."""
    args = [_a1().pk] if name == "actions:action_detail" else []
    url = reverse(name, args=args) + query
    client.force_login(chair)
    cache.clear()
    with CaptureQueriesContext(connection) as worked_out:
        _get(client, url)
    with CaptureQueriesContext(connection) as cached:
        _get(client, url)
    assert len(cached) == 3, [q["sql"][:80] for q in cached.captured_queries]
    assert len(worked_out) > 3
