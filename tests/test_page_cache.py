# ruff: noqa: F811 - the restricted fixtures are imported, then asked for by name
"""The cached parts of the busiest pages (governance.freshness): the dashboard, the list of
actions and the action page.

A cached part is never shown to someone who may not see what it holds, is never stale after a
change made by anyone (in this process or another), and costs a fixed number of queries.

Every assertion reads the HTML that was served (tests.served), never `response.context`: the
context of a page cached in parts is worked out again when read, so it cannot show a stale or
wrong cached part.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionLead, Status, today
from actions.services import progress_update_create
from csa.models import Theme
from governance.models import DataStamp, Membership, Role
from tests.actions.test_dashboard import make_plan
from tests.governance.factories import make_user
from tests.governance.helpers import agreement_2018
from tests.meetings.test_restricted import SECRET, channel, restricted  # noqa: F401 - fixtures
from tests.served import served

# A page served from the cache: the session, the user, the data stamps, and the page's cached
# parts read together (the viewer's access is kept in the process).
CACHED_PAGE_QUERIES = 4


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
    # From the cache: session, user, data stamps, the page's parts.
    assert len(served_again) == CACHED_PAGE_QUERIES

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
    # On the dashboard as of 20 March 2019, A1 (due July 2018) is overdue, and now off track.
    dashboard = served(_get(client, pages[2]))
    (row,) = [row for row in dashboard.rows("overdue") if row.reference == action.reference]
    assert row.action_ids == [action.pk]
    assert row.tags[0] == Status.OFF_TRACK.label
    assert "Kestrel progress" in str(row)


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

    # What that process's commit writes: a new token in each scope it changed (created if a
    # flush left none: the rows are upserted, as governance.freshness writes them).
    for scope in ("all", "shared", f"p:{action.partnership_slug()}"):
        DataStamp.objects.update_or_create(
            scope=scope, defaults={"token": "written-by-another-process"}
        )

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
def test_a_cached_page_costs_four_queries(client, chair, name, query):
    """The session, the user, the data stamps, and the page's parts, read together from the
    shared cache (governance.page_cache); the viewer's access is kept in the process."""
    args = [_a1().pk] if name == "actions:action_detail" else []
    url = reverse(name, args=args) + query
    client.force_login(chair)
    cache.clear()
    with CaptureQueriesContext(connection) as worked_out:
        _get(client, url)
    with CaptureQueriesContext(connection) as cached:
        _get(client, url)
    assert len(cached) == CACHED_PAGE_QUERIES, [q["sql"][:80] for q in cached.captured_queries]
    parts = [q["sql"].startswith('SELECT "cache_key"') for q in cached.captured_queries]
    assert parts == [False, False, False, True]  # the parts, last and in one query
    assert len(worked_out) > CACHED_PAGE_QUERIES


# --- One address, one page: whatever was opened before, by whomever (issue 24) --------------


def _from_the_cache(captured) -> bool:
    """Nothing behind the page's cached parts was worked out: not one action was read. (The
    session, the user and the data stamp are read for every page, and the list reads which
    plan a coordinator's progress form, drawn outside the cached parts, is for.)"""
    return bool(captured) and not any("actions_" in q["sql"] for q in captured.captured_queries)


def _address(board, name, *args, query=""):
    return f"/p/{board.slug}{reverse(name, args=args)}{query}"


@pytest.fixture
def northshire(scb):
    """A second partnership: a 2018-19 plan of three actions, its own themes and leads."""
    agreement, _ = make_plan(3)
    return agreement.board


def _plan_ids(board) -> set[int]:
    return set(
        Action.objects.filter(
            agreement__board=board, agreement__period_start="2018-04-01"
        ).values_list("pk", flat=True)
    )


def _shows_only(page, board, other):
    """The served page is `board`'s, with nothing of `other`'s."""
    assert f": {board.short_name} 2018-19" in page.title and other.short_name not in page.title
    assert board.name in page.main and other.name not in page.main
    shown = page.action_ids
    assert shown and shown <= _plan_ids(board), (board, shown)
    # Not one cell of a table (the matrices' rows, the list's themes and leads) is the other's.
    others = {
        *Theme.objects.filter(board=other).values_list("name", flat=True),
        *ActionLead.objects.filter(
            action__agreement__board=other, organisation__isnull=False
        ).values_list("organisation__short_name", flat=True),
    }
    cells = {cell for table in page.tables for row in table.rows for cell in row.cells}
    assert others and not others & cells, others & cells


@pytest.mark.parametrize("name", ["actions:dashboard", "actions:action_list"])
def test_a_person_in_two_partnerships_gets_each_ones_page_at_its_address(
    client, scb, northshire, name
):
    """A, then B, then A again, with the same query: only the address tells them apart, so a
    key without the partnership would serve A's page at B's address (it did on 6e68be9)."""
    person = make_user(board=scb, kind=Role.Kind.COORDINATOR)
    Role.objects.create(user=person, board=northshire, kind=Role.Kind.CHAIR)
    client.force_login(person)
    sizes = {scb: 12, northshire: 3}  # the 2018-19 plans

    seen = []
    for board, other in [(scb, northshire), (northshire, scb), (scb, northshire)]:
        with CaptureQueriesContext(connection) as queries:
            response = _get(client, _address(board, name, query="?as_of=2019-04-01"))
        assert response.status_code == 200
        page = served(response)
        _shows_only(page, board, other)
        if name == "actions:dashboard":
            assert page.counts["total"] == sizes[board]
            assert page.headings["overdue"].endswith(f" of {sizes[board]}")
        else:
            assert page.headings["results"] == f"{sizes[board]} actions"
            assert page.action_ids == _plan_ids(board)
        seen.append((page, _from_the_cache(queries)))

    (first, worked_out), (second, also_worked_out), (again, cached) = seen
    assert not worked_out and not also_worked_out
    assert cached, "the first page again, from the cache"
    assert (again.title, again.headings, again.counts, again.tables) == (
        first.title,
        first.headings,
        first.counts,
        first.tables,
    )
    assert second.tables != first.tables


# Who may do what with A1 (led by WCC PH) and see the Channel Panel's actions:
# (sees the restricted actions, the Update button on A1, the Edit button on A1).
RIGHTS = {
    "chair": (False, False, False),
    "officer_wcc_ph": (False, True, False),
    "officer_channel_member": (True, True, False),
    "coordinator": (True, True, True),
}


def _buttons(page) -> set[str]:
    """The action page's buttons the viewer was given."""
    return {words for _, words in page.links} & {"Update", "Edit the action"}


def _may(update: bool, edit: bool) -> set[str]:
    return {words for words, may in (("Update", update), ("Edit the action", edit)) if may}


def test_one_address_gives_each_person_their_own_page_then_from_the_cache(
    client, request, scb, restricted
):
    # Everyone exists before the first page is cached: nothing changes between the rounds.
    people = {name: request.getfixturevalue(name) for name in RIGHTS}
    plan = agreement_2018().pk
    a1 = _a1()
    dashboard = _address(scb, "actions:dashboard", query=f"?agreement={plan}&as_of=2018-12-01")
    a1_page = _address(scb, "actions:action_detail", a1.pk)
    secret_pages = [
        _address(scb, "actions:action_detail", restricted[key].pk) for key in ("action", "arising")
    ]
    secret_ids = {restricted["action"].pk, restricted["arising"].pk}

    for round_ in ("worked out", "from the cache"):
        for name, (sees, may_update, may_edit) in RIGHTS.items():
            client.force_login(people[name])
            cached = []
            with CaptureQueriesContext(connection) as captured:
                page = served(_get(client, dashboard))
            cached.append(_from_the_cache(captured))
            # The restricted action is due in June 2018 and arose in October: both on the
            # dashboard of 1 December, for those who may see them.
            assert (SECRET in page.main) == sees, (round_, name)
            assert (secret_ids <= page.action_ids) == sees, (round_, name)
            assert not (secret_ids & page.action_ids) or sees, (round_, name)
            assert page.counts["total"] == (14 if sees else 12), (round_, name)

            with CaptureQueriesContext(connection) as captured:
                page = served(_get(client, a1_page))
            cached.append(_from_the_cache(captured))
            assert _buttons(page) == _may(may_update, may_edit), (round_, name)
            assert SECRET not in page.main

            for address in secret_pages:
                response = client.get(address)
                assert response.status_code == (200 if sees else 404), (round_, name, address)
                assert (SECRET in response.content.decode()) == sees
                if sees and address == secret_pages[0]:  # led by the panel: its members update
                    assert _buttons(served(response)) == _may(True, may_edit), (round_, name)

            assert cached == [round_ == "from the cache"] * 2, (round_, name)


def test_an_update_recorded_through_the_page_is_on_the_next_view_of_every_page(
    client, scb, chair, officer_wcc_ph
):
    a1 = _a1()
    plan = agreement_2018().pk
    pages = {
        "action": _address(scb, "actions:action_detail", a1.pk),
        "list": _address(scb, "actions:action_list", query=f"?agreement={plan}"),
        "dashboard": _address(scb, "actions:dashboard", query=f"?agreement={plan}"),
    }
    note = "Kestrel progress: the provider withdrew."

    def a1_as_served(who, *, from_the_cache):
        """What each page shows of A1 today, to `who`."""
        client.force_login(who)
        shown = {}
        for kind, address in pages.items():
            with CaptureQueriesContext(connection) as captured:
                page = served(_get(client, address))
            assert _from_the_cache(captured) == from_the_cache, (who, kind)
            if kind == "action":
                shown[kind] = page.main
            else:
                section = "overdue" if kind == "dashboard" else "results"
                (row,) = [r for r in page.rows(section) if r.reference == "A1"]
                shown[kind] = (row.tags[0], str(row))
                if kind == "dashboard":
                    shown["off track"] = dict(
                        (r.cells[0], int(r.cells[1]))
                        for r in page.table(id="counts-by-status").rows
                    )[Status.OFF_TRACK.label]
        return shown

    # Each person's pages are cached (the second view is served from the cache) before.
    for who in (chair, officer_wcc_ph):
        a1_as_served(who, from_the_cache=False)
    before = {who: a1_as_served(who, from_the_cache=True) for who in (chair, officer_wcc_ph)}
    for shown in before.values():
        assert note not in shown["action"] and "Status Off track" not in shown["action"]
        assert shown["list"][0] != Status.OFF_TRACK.label and note not in shown["list"][1]
        assert shown["dashboard"][0] != Status.OFF_TRACK.label

    client.force_login(officer_wcc_ph)
    day = today()
    saved = client.post(
        _address(scb, "actions:action_update", a1.pk),
        {
            "status": Status.OFF_TRACK,
            "note": note,
            "outcome": "",
            "date_0": str(day.day),
            "date_1": str(day.month),
            "date_2": str(day.year),
            "version": str(a1.version),
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert saved["Location"] == pages["action"]

    # The next view of each page, by the one who recorded it and by someone else.
    for who in (officer_wcc_ph, chair):
        shown = a1_as_served(who, from_the_cache=False)
        assert "Status Off track" in shown["action"], who
        assert f"Latest update {day:%-d %B %Y}, by officer-wcc-ph person" in shown["action"]
        assert note in shown["action"]
        assert shown["list"][0] == Status.OFF_TRACK.label and "Kestrel progress" in shown["list"][1]
        assert shown["dashboard"][0] == Status.OFF_TRACK.label
        assert "Kestrel progress" in shown["dashboard"][1]
        assert shown["off track"] == before[who]["off track"] + 1


# --- Server-Timing: how each response was made (governance.timing, issue 25) ----------------


def _timing(response) -> dict[str, str]:
    """The header's metrics by name: 'cache' -> 'hit', 'db' -> 'dur=1.2;desc="3 queries"'."""
    metrics = {}
    for metric in response["Server-Timing"].split(", "):
        name, _, rest = metric.partition(";")
        metrics[name] = rest
    return metrics


@pytest.mark.parametrize(
    "name, query",
    [
        ("actions:dashboard", "?as_of=2019-04-01"),
        ("actions:action_list", "?flag=overdue"),
        ("actions:action_detail", ""),
    ],
)
def test_server_timing_says_miss_then_hit_with_the_database_time(client, chair, name, query):
    args = [_a1().pk] if name == "actions:action_detail" else []
    url = reverse(name, args=args) + query
    client.force_login(chair)
    cache.clear()
    first, again = _timing(_get(client, url)), _timing(_get(client, url))
    assert first["cache"] == 'desc="miss"' and again["cache"] == 'desc="hit"'
    for metrics in (first, again):
        assert set(metrics) == {"cache", "db", "app", "total"}
        db = float(metrics["db"].split(";")[0].removeprefix("dur="))
        total = float(metrics["total"].removeprefix("dur="))
        assert 0 < db <= total
    assert first["db"].endswith('queries"') and again["db"].endswith(
        f'desc="{CACHED_PAGE_QUERIES} queries"'
    )


def test_a_page_that_caches_nothing_says_so(client, chair):
    client.force_login(chair)
    response = client.get(reverse("actions:my_actions"))
    assert response.status_code == 200
    assert _timing(response)["cache"] == 'desc="none"'


# --- What moves which stamp (governance.freshness, issue 25) ---------------------------------


def test_an_update_in_another_partnership_leaves_this_ones_pages_cached(client, scb, northshire):
    """A progress update in Northshire: Northshire's pages and the pages outside any address
    miss and show it; the SCB's pages are still served from the cache."""
    person = make_user(board=scb, kind=Role.Kind.COORDINATOR)
    Role.objects.create(user=person, board=northshire, kind=Role.Kind.CHAIR)
    client.force_login(person)
    scb_page = _address(scb, "actions:dashboard", query="?as_of=2019-04-01")
    north_page = _address(northshire, "actions:action_list", query="?as_of=2019-04-01")
    for url in (scb_page, north_page):
        _get(client, url)

    action = Action.objects.filter(agreement__board=northshire).order_by("pk").first()
    progress_update_create(
        action=action,
        author=person,
        status=Status.AT_RISK,
        note="Osprey slipped",
        date=datetime.date(2019, 3, 1),
    )

    with CaptureQueriesContext(connection) as queries:
        _get(client, scb_page)
    assert _from_the_cache(queries), "another partnership's update left this page cached"
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, north_page)
    assert not _from_the_cache(queries)
    assert "At risk" in response.content.decode()


def _commit():
    """What committing the test's transaction would do: its writer of new stamps runs (and is
    gone, as after a real commit), so the next change starts a writer of its own."""
    callbacks = [callback for _, callback, _ in connection.run_on_commit]
    connection.run_on_commit.clear()
    for callback in callbacks:
        callback()


def _tokens():
    return dict(DataStamp.objects.values_list("scope", "token"))


def test_a_committed_change_moves_its_partnerships_stamp_and_all_not_the_others(scb, northshire):
    _commit()
    action = Action.objects.filter(agreement__board=northshire).order_by("pk").first()
    before = _tokens()
    action.description = "Curlew wording"
    action.save()
    _commit()
    after = _tokens()
    assert after["all"] != before["all"]
    assert after[f"p:{northshire.slug}"] != before.get(f"p:{northshire.slug}")
    assert after["shared"] == before["shared"]
    assert after.get(f"p:{scb.slug}") == before.get(f"p:{scb.slug}")

    Membership.objects.create(body=scb, person=make_user(board=scb, kind=None).person)
    _commit()
    moved = _tokens()
    assert moved["shared"] != after["shared"] and moved["all"] != after["all"]


def test_previews_and_mail_logs_move_no_stamp(officer_wcc_ph):
    from reminders.models import ReminderSend

    _commit()
    before = _tokens()
    send = ReminderSend.objects.create(
        user=officer_wcc_ph,
        kind=ReminderSend.Kind.DIGEST,
        day=datetime.date(2019, 4, 1),
        email="wcc@example.org",
        subject="Reminder",
    )
    send.actions.add(_a1())
    assert not connection.run_on_commit
    _commit()
    assert _tokens() == before


# --- One cache for every process, keyed by access (governance.page_cache, issue 25) ---------


@pytest.mark.parametrize(
    "name, query",
    [("actions:dashboard", "?as_of=2019-04-01"), ("actions:action_list", "?flag=overdue")],
)
def test_two_officers_with_the_same_access_share_a_page_and_others_do_not(
    client, officer_wcc_ph, officer_wcc_ph_colleague, officer_police, name, query
):
    """Two officers of one organisation in one partnership may see and do the same: the
    second is served the first one's parts. An officer of another organisation, who may
    update other actions, is not."""
    url = reverse(name) + query
    client.force_login(officer_wcc_ph)
    first = _get(client, url).content.decode()

    client.force_login(officer_wcc_ph_colleague)
    with CaptureQueriesContext(connection) as queries:
        colleague = _get(client, url).content.decode()
    assert _from_the_cache(queries)
    assert _main(colleague) == _main(first)

    client.force_login(officer_police)
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    assert not _from_the_cache(queries), "another organisation's officer got a shared part"


def _main(page):
    """The page's main content: the header around it names who is signed in."""
    return page[page.index("<main") : page.index("</main>")]


def test_a_committed_change_leaves_every_process_asking_for_the_same_key(client, chair, scb):
    """Before its commit, the process that made a change keys pages by its own count of
    changes, so that it never serves what it changed from; after the commit the new stamps
    say it for every process, and the count is dropped: the key is the one any other
    process computes, so the parts drawn by one worker are served by the others."""
    from governance import freshness

    _commit()
    action = _a1()
    action.description = "Plover wording"
    action.save()
    assert any(count for count in freshness._local_changes.values())
    _commit()
    assert not {f"p:{scb.slug}", "all"} & set(freshness._local_changes)

    url = reverse("actions:action_detail", args=[action.pk])
    client.force_login(chair)
    assert "Plover wording" in _get(client, url).content.decode()
    # Another process: a key with no count of its own, the stamps as written.
    with CaptureQueriesContext(connection) as queries:
        assert "Plover wording" in _get(client, url).content.decode()
    assert _from_the_cache(queries)
