"""The chair's dashboard: counts, the overdue list and the matrices, as of any day."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action, Status, today
from actions.services import apply_timescale, progress_update_create
from csa.models import Agreement, Theme
from governance.models import Body, Role
from tests.actions.factories import ActionFactory, ActionLeadFactory, ProgressUpdateFactory
from tests.csa.factories import AgreementFactory, ThemeFactory
from tests.governance.factories import OrganisationFactory, make_user
from tests.served import Page, served

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("actions:dashboard")
APRIL_2019 = datetime.date(2019, 4, 1)


def agreement_of(year_start: int) -> Agreement:
    return Agreement.objects.get(board__short_name="SCB", period_start__year=year_start)


def make_plan(size: int):
    """A board's agreement with `size` actions, each with a lead and two progress updates,
    and its coordinator. Statuses, due dates and themes vary so every count has something."""
    agreement = AgreementFactory(period_start=datetime.date(2018, 4, 1))
    themes = [ThemeFactory(board=agreement.board) for _ in range(3)]
    organisations = [OrganisationFactory() for _ in range(3)]
    for i in range(size):
        action = ActionFactory(
            agreement=agreement,
            theme=themes[i % 3],
            due_date=[datetime.date(2018, 7, 31), datetime.date(2019, 4, 20), None][i % 3],
            leads_as_written=organisations[i % 3].short_name,
        )
        ActionLeadFactory(action=action, organisation=organisations[i % 3], position=1)
        ProgressUpdateFactory(action=action, date=datetime.date(2018, 6, 1))
        ProgressUpdateFactory(
            action=action,
            date=datetime.date(2019, 2, 1),
            status=[Status.AT_RISK, Status.COMPLETED, Status.OFF_TRACK, Status.ON_TRACK][i % 4],
            note="Latest word",
        )
    coordinator = make_user(board=agreement.board, kind=Role.Kind.COORDINATOR)
    return agreement, coordinator


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured.captured_queries)


def overdue_references(response) -> list[str]:
    """The references in the dashboard's overdue table, in order."""
    return served(response).references("overdue")


def by_status(page: Page) -> dict[str, int]:
    """The "Actions by status" table: {status as written: count}."""
    return {row.cells[0]: int(row.cells[1]) for row in page.table(id="counts-by-status").rows}


def matrix(page: Page, section: str) -> dict[str, dict[str, int]]:
    """A "by status" matrix (section "themes" or "leads"): {row: {column: count}}."""
    (table,) = [t for t in page.tables if t.section == section]
    return table.by_label()


def test_as_of_1_april_2019_eleven_of_twelve_actions_of_2018_19_are_overdue(client, chair):
    client.force_login(chair)
    response = client.get(DASHBOARD, {"agreement": agreement_of(2018).pk, "as_of": "2019-04-01"})

    assert response.status_code == 200
    page = served(response)
    assert (page.counts["total"], page.counts["overdue"]) == (12, 11)
    assert sorted(overdue_references(response), key=lambda r: int(r[1:])) == [
        f"A{n}" for n in range(1, 13) if n != 8
    ]
    dovetail = Action.objects.get(agreement=agreement_of(2018), reference="A8")
    assert "Dovetail" in dovetail.description
    assert dovetail.pk not in [i for row in page.rows("overdue") for i in row.action_ids]
    assert page.counts["due_soon"] == 1  # the Dovetail action, due 30 April 2019
    assert page.headings["overdue"] == "Overdue: 11 of 12"


def test_as_of_1_april_2018_the_tbc_cse_action_of_2017_18_is_not_overdue(client, chair):
    client.force_login(chair)
    response = client.get(DASHBOARD, {"agreement": agreement_of(2017).pk, "as_of": "2018-04-01"})

    counts = served(response).counts
    cse = Action.objects.get(agreement=agreement_of(2017), reference="A9")
    assert cse.timescale == "TBC" and cse.due_date is None
    assert "A9" not in overdue_references(response)
    assert (counts["total"], counts["overdue"], counts["no_due_date"]) == (13, 12, 1)


@pytest.mark.parametrize(
    ("year", "as_of"), [(2018, "2019-04-01"), (2018, "2018-09-15"), (2017, "2018-04-01")]
)
def test_the_counts_add_up(client, chair, officer_wcc_ph, year, as_of):
    agreement = agreement_of(year)
    # Some history, so that the statuses are not all the same.
    for reference, status, note in [("A1", Status.AT_RISK, "Delayed"), ("A3", Status.ON_TRACK, "")]:
        progress_update_create(
            action=Action.objects.get(agreement=agreement, reference=reference),
            author=officer_wcc_ph,
            status=status,
            note=note or "Going well",
            date=agreement.period_start + datetime.timedelta(days=20),
        )
    client.force_login(chair)
    page = served(client.get(DASHBOARD, {"agreement": agreement.pk, "as_of": as_of}))
    counts = page.counts

    assert sum(by_status(page).values()) == counts["total"]
    assert len(by_status(page)) == len(Status)
    assert (
        sum(counts[n] for n in ("overdue", "due_soon", "due_later", "no_due_date", "needs_date"))
        == counts["open"]
    )
    assert counts["due_later"] >= 0
    themes = matrix(page, "themes").values()
    assert sum(row["Total"] for row in themes) == counts["total"]
    assert sum(row["Overdue"] for row in themes) == counts["overdue"]
    assert len(page.rows("overdue")) == counts["overdue"]
    assert page.headings["overdue"] == f"Overdue: {counts['overdue']} of {counts['total']}"
    # Every action has at least one lead, so the lead matrix counts each at least once.
    assert sum(row["Total"] for row in matrix(page, "leads").values()) >= counts["total"]


def test_history_an_action_completed_in_may_2019_was_still_overdue_on_1_april(
    client, chair, officer_wcc_ph
):
    drive = Action.objects.get(agreement=agreement_of(2018), reference="A1")
    progress_update_create(
        action=drive,
        author=officer_wcc_ph,
        status=Status.COMPLETED,
        outcome="The Drive project is running.",
        date=datetime.date(2019, 5, 1),
    )
    client.force_login(chair)
    agreement = agreement_of(2018).pk

    then = client.get(DASHBOARD, {"agreement": agreement, "as_of": "2019-04-01"})
    assert "A1" in overdue_references(then)
    assert served(then).counts["overdue"] == 11
    assert by_status(served(then))[Status.COMPLETED.label] == 0

    now = client.get(DASHBOARD, {"agreement": agreement})
    assert f"Dashboard as of {today():%-d %B %Y}" in served(now).main
    assert "A1" not in overdue_references(now)
    assert by_status(served(now))[Status.COMPLETED.label] == 1
    # Today the Dovetail action (April 2019) is overdue too: 12 - A1 completed.
    assert served(now).counts["overdue"] == 11
    assert "A8" in overdue_references(now)


def test_the_overdue_list_shows_the_latest_update_as_of_the_day(client, chair, officer_wcc_ph):
    action = Action.objects.get(agreement=agreement_of(2018), reference="A5")
    progress_update_create(
        action=action,
        author=officer_wcc_ph,
        status=Status.OFF_TRACK,
        note="Licensing partners have pulled out of the Redditch scheme for now",
        date=datetime.date(2019, 3, 1),
    )
    progress_update_create(
        action=action,
        author=officer_wcc_ph,
        status=Status.OFF_TRACK,
        note="A later note that the April view must not show",
        date=datetime.date(2019, 6, 1),
    )
    client.force_login(chair)
    response = client.get(DASHBOARD, {"agreement": agreement_of(2018).pk, "as_of": "2019-04-01"})
    html = response.content.decode()

    assert "Licensing partners have pulled out" in html
    assert "A later note" not in html
    assert "officer-wcc-ph person" in html  # the author, by their person's name
    assert "1 Mar 2019" in html
    assert "Off track" in html
    assert "152 days overdue" in html  # A5: due 31 October 2018


def test_the_page_says_which_clock_it_shows(client, chair):
    client.force_login(chair)
    html = client.get(DASHBOARD, {"as_of": "2019-04-01"}).content.decode()
    assert "on that day in the world" in html
    assert "not a record of what the tracker showed" in html


def test_the_chair_gets_the_current_agreement_of_their_board_by_default(client, chair):
    client.force_login(chair)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    page = served(response)
    agreement = agreement_of(2018)
    assert page.title.startswith(f"Dashboard: SCB 2018-19 as of {today():%-d %B %Y} ")
    assert f"{agreement.board.name}: {agreement.title} (2018-19)" in page.main
    assert page.counts["total"] == 12


def test_matrix_counts_link_to_the_filtered_list(client, chair):
    client.force_login(chair)
    response = client.get(DASHBOARD, {"agreement": agreement_of(2018).pk, "as_of": "2019-04-01"})
    html = response.content.decode()
    page = served(response)
    domestic = matrix(page, "themes")["Domestic Abuse"]
    assert (domestic["Total"], domestic["Overdue"]) == (3, 3)
    theme = Theme.objects.get(board__short_name="SCB", name="Domestic Abuse")
    link = (
        f"/actions/?agreement={agreement_of(2018).pk}&as_of=2019-04-01"
        f"&theme={theme.pk}&flag=overdue"
    )
    (themes,) = [t for t in page.tables if t.section == "themes"]
    row = next(r for r in themes.rows if r.cells[0] == "Domestic Abuse")
    assert link in row.links
    followed = served(client.get(link))
    assert followed.headings["results"] == "3 actions"
    assert len(followed.table(id="action-list").rows) == 3

    leads = matrix(page, "leads")
    assert (leads["WCC PH"]["Total"], leads["WCC PH"]["Overdue"]) == (6, 5)
    assert next(iter(leads.values()))["Overdue"] >= leads["WCC PH"]["Overdue"]
    assert 'role="img"' in html and "chart-pattern-not_started" in html


def test_sub_themes_count_in_their_theme_row(client, chair):
    client.force_login(chair)
    response = client.get(DASHBOARD, {"agreement": agreement_of(2017).pk, "as_of": "2018-04-01"})
    harm = [
        (label, row) for label, row in matrix(served(response), "themes").items()
        if label.startswith("Harm Reduction")
    ]  # fmt: skip
    assert len(harm) == 1
    label, row = harm[0]
    assert row["Total"] == 3  # hate crime, cyber crime and CSE
    assert "Child Sexual Exploitation" in label


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"as_of": "2018-02-30"}, "Enter the “as of” date as a real date"),
        ({"as_of": "yesterday"}, "Enter the “as of” date as a real date"),
        ({"as_of": "9999-12-31"}, "Enter the “as of” date between 2000 and 2100"),
        ({"agreement": "999999"}, "Choose an agreement from the list"),
        ({"agreement": "not-a-number"}, "Choose an agreement from the list"),
        ({"board": "999999"}, "Choose a board from the list"),
    ],
)
def test_bad_values_give_a_clear_message_not_an_error(client, chair, params, message):
    client.force_login(chair)
    response = client.get(DASHBOARD, params)
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert message in html
    assert "<title>Error: " in html
    # Nothing shown unfiltered: no figure, no table, no section of the plan.
    page = served(response)
    assert page.counts == {} and page.tables == []
    assert "Correct the problem above to see the dashboard." in page.main


def test_an_agreement_of_another_partnership_is_refused(client, chair, outsider):
    other = AgreementFactory()
    client.force_login(chair)
    response = client.get(DASHBOARD, {"agreement": other.pk})
    assert response.status_code == 400
    assert "Choose an agreement from the list" in response.content.decode()

    client.force_login(outsider)
    response = client.get(DASHBOARD, {"agreement": agreement_of(2018).pk})
    assert response.status_code == 400


def test_a_user_with_no_agreement_gets_a_message(client, outsider):
    client.force_login(outsider)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert "There is no agreement to show yet" in response.content.decode()


def test_restricted_bodies_actions_are_hidden_from_the_chair(
    client, chair, coordinator, officer_channel_member
):
    agreement = agreement_of(2018)
    secret = ActionFactory(
        agreement=agreement,
        theme=None,
        reference="C1",
        description="Channel Panel case review",
        due_date=datetime.date(2018, 6, 30),
    )
    ActionLeadFactory(
        action=secret, organisation=None, body=Body.objects.get(short_name="Channel Panel")
    )
    params = {"agreement": agreement.pk, "as_of": "2019-04-01"}

    client.force_login(chair)
    response = client.get(DASHBOARD, params)
    page = served(response)
    assert page.counts["total"] == 12
    assert "Channel Panel case review" not in response.content.decode()
    assert "Channel Panel" not in matrix(page, "leads")
    assert "C1" not in overdue_references(response)

    for insider in (coordinator, officer_channel_member):
        client.force_login(insider)
        response = client.get(DASHBOARD, params)
        page = served(response)
        assert (page.counts["total"], page.counts["overdue"]) == (13, 12)
        assert "C1" in overdue_references(response)
        assert matrix(page, "leads")["Channel Panel"]["Total"] == 1


def test_a_coordinator_of_two_boards_has_each_at_its_own_address(client, coordinator, scb):
    # Issue 24: the partnership is in the address, not in the session. On 6e68be9 the second
    # partnership's header sat over the first's cached dashboard after a switch.
    other_agreement, _ = make_plan(3)
    other = other_agreement.board
    Role.objects.create(user=coordinator, board=other, kind=Role.Kind.COORDINATOR)
    client.force_login(coordinator)
    ours, theirs = f"/p/{scb.slug}{DASHBOARD}", f"/p/{other.slug}{DASHBOARD}"

    old_link = client.get(DASHBOARD)
    assert old_link.status_code == 302
    chooser = client.get(old_link["Location"]).content.decode()
    assert f'href="{ours}"' in chooser and f'href="{theirs}"' in chooser

    for _ in range(2):  # the second round is served from the page cache
        html = client.get(ours).content.decode()
        assert f"Switch to {other.name}" in html and f'href="/p/{other.slug}/"' in html
        assert "Recommission" in html or "Worcestershire" in html
        assert f"/p/{scb.slug}/actions/" in html, "the page's links stay in its partnership"
        theirs_html = client.get(theirs, {"as_of": "2019-04-01"}).content.decode()
        assert f"Switch to {scb.name}" in theirs_html
        assert other.name in theirs_html and scb.name not in theirs_html.split("Switch to")[0]


def test_an_address_of_a_partnership_one_is_not_in_does_not_exist(client, coordinator, outsider):
    client.force_login(coordinator)
    board = outsider.partnership_roles.get().board
    assert client.get(f"/p/{board.slug}{DASHBOARD}").status_code == 404
    assert client.get(f"/p/no-such-partnership{DASHBOARD}").status_code == 404


def test_the_dashboard_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    small, small_user = make_plan(5)
    big, big_user = make_plan(60)

    client.force_login(small_user)
    small_queries = queries_for(client, f"{DASHBOARD}?agreement={small.pk}&as_of=2019-04-01")
    client.force_login(big_user)
    big_queries = queries_for(client, f"{DASHBOARD}?agreement={big.pk}&as_of=2019-04-01")

    assert small_queries == big_queries
    with django_assert_max_num_queries(16):
        client.get(f"{DASHBOARD}?agreement={big.pk}&as_of=2019-04-01")


def _dashboard_queries(client, agreement):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(DASHBOARD, {"agreement": agreement.pk, "as_of": "2019-04-01"})
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries], response


def test_the_plan_as_of_the_day_is_worked_out_once(client):
    """Counts, matrices and the overdue list come from one fetch of the annotated actions:
    the as-of subqueries (status_on and the flags) run in one query, at any size."""
    sizes = {}
    for size in (4, 40):
        agreement, coordinator = make_plan(size)
        client.force_login(coordinator)
        queries, response = _dashboard_queries(client, agreement)
        # One for the plan; none for actions arising outside a plan (issue 13) when the
        # partnership has none (tests/meetings/test_meeting_fixture.py shows some).
        as_of_queries = [sql for sql in queries if "status_on" in sql]
        assert len(as_of_queries) == 1, as_of_queries
        assert served(response).counts["total"] == size
        sizes[size] = len(queries)
    assert sizes[4] == sizes[40]


def test_timescales_that_need_a_date_are_counted_apart_from_to_be_confirmed(client, chair):
    agreement = agreement_of(2018)
    vague = Action.objects.filter(agreement=agreement).order_by("reference")[:2]
    for action, written in zip(vague, ["towards the end of 2018", "Q1 2018"], strict=True):
        action.timescale = written
        apply_timescale(action)
        assert action.due_date is None
        action.save()
    client.force_login(chair)

    response = client.get(DASHBOARD, {"agreement": agreement.pk, "as_of": "2018-04-02"})

    counts = served(response).counts
    assert counts["needs_date"] == 2
    page = response.content.decode()
    assert "Timescale not understood or approximate: needs a date" in page
    assert 'data-count="needs_date">2<' in page
    assert (
        sum(counts[n] for n in ("overdue", "due_soon", "due_later", "no_due_date", "needs_date"))
        == counts["open"]
    )
