"""The year month by month (actions/dashboard/year.py): open, overdue and at-risk actions at
each month end, by the dashboard's own rules, on the dashboard and in the board report."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.dashboard.year import year_days, year_of
from actions.models import Action, DueDateMove, Status
from actions.reporting import at_risk_in, headline_counts, plan_on_day
from actions.services import progress_update_create
from governance.access import access_for
from governance.models import Body, Meeting
from tests.actions.factories import ActionFactory, ActionLeadFactory
from tests.actions.test_dashboard import agreement_of, make_plan, queries_for
from tests.actions.test_report import _pdf_pages
from tests.served import served

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("actions:dashboard")
REPORT = reverse("actions:board_report")
CAPTION = "Open, overdue and at-risk actions at each month end"


@pytest.fixture
def year(officer_wcc_ph):
    """2018-19 with a history: updates through the year, a deadline moved later in October
    (A7's, 30 June 2018, to 31 March 2019), and an action arising at a board meeting in
    November (M1)."""
    agreement = agreement_of(2018)
    plan = Action.objects.filter(agreement=agreement)

    def update(reference, status, day, **kwargs):
        progress_update_create(
            action=plan.get(reference=reference),
            author=officer_wcc_ph,
            status=status,
            date=day,
            note=kwargs.pop("note", "As discussed"),
            **kwargs,
        )

    update("A1", Status.ON_TRACK, datetime.date(2018, 5, 10))
    update("A1", Status.COMPLETED, datetime.date(2019, 1, 20), outcome="Drive is running")
    update("A3", Status.AT_RISK, datetime.date(2018, 6, 2))
    update("A8", Status.OFF_TRACK, datetime.date(2018, 9, 1))
    update("A8", Status.ON_TRACK, datetime.date(2019, 2, 1))
    update("A5", Status.CANCELLED, datetime.date(2018, 12, 1))
    moved = plan.get(reference="A7")
    DueDateMove.objects.create(
        action=moved,
        from_date=moved.due_date,
        to_date=datetime.date(2019, 3, 31),
        agreed_on=datetime.date(2018, 10, 1),
        reason="Provider delayed",
    )
    Action.objects.filter(pk=moved.pk).update(due_date=datetime.date(2019, 3, 31))
    meeting = Meeting.objects.create(
        body=agreement.board, date=datetime.date(2018, 11, 14), title="November board"
    )
    ActionFactory(
        agreement=agreement,
        theme=None,
        reference="M1",
        origin_meeting=meeting,
        due_date=datetime.date(2018, 12, 31),
    )
    return agreement


def figures(page) -> dict[str, dict[str, int]]:
    """The year's table as served: {day as written: {column: number}}."""
    return page.table(id="year-table").by_label()


# --- The days and the counts -----------------------------------------------------------------


def test_one_point_a_month_end_and_the_day_asked_last(year):
    assert year_days(year, datetime.date(2018, 6, 12)) == [
        datetime.date(2018, 4, 30),
        datetime.date(2018, 5, 31),
        datetime.date(2018, 6, 12),
    ]
    after = year_days(year, datetime.date(2019, 7, 1))  # after the plan: to its end
    assert len(after) == 12 and after[-1] == datetime.date(2019, 3, 31)
    assert year_days(year, datetime.date(2018, 3, 31)) == []  # before the plan began


# Through the year's changes: the first month end, a status change, the move (1 October),
# the day before and after the meeting M1 arose at, a completion, and a day mid-month.
DAYS = ("2018-04-30", "2018-06-30", "2018-09-30", "2018-10-31", "2018-11-13", "2018-11-30",
        "2019-01-31", "2019-03-15")  # fmt: skip


def test_each_point_is_what_the_dashboard_counts_that_day(coordinator, year):
    for day in map(datetime.date.fromisoformat, DAYS):
        rows = plan_on_day(coordinator, year, day)
        counts = headline_counts(rows)

        last = year_of(coordinator, year, day)[-1]
        # The pages pass the rows they read: the same year, without reading the actions again.
        assert year_of(coordinator, year, day, plan_rows=rows) == year_of(coordinator, year, day)

        assert last.day == day
        assert (last.open, last.overdue, last.at_risk) == (
            counts.open,
            counts.overdue,
            len(at_risk_in(rows)),
        ), day


def test_every_point_is_what_the_dashboard_counted_on_its_own_day(
    coordinator, year, officer_wcc_ph
):
    """Not only the last point: each month end of the year, as of a day mid-month. With
    several updates in one month (A3 at risk on 2 June, on track on 20 June, completed on 28
    June) the month end takes the month's last, and a day between them the one before it."""
    a3 = Action.objects.get(agreement=year, reference="A3")
    for status, day in ((Status.ON_TRACK, 20), (Status.COMPLETED, 28)):
        progress_update_create(
            action=a3,
            author=officer_wcc_ph,
            status=status,
            date=datetime.date(2018, 6, day),
            note="As discussed",
            **({"outcome": "Done"} if status == Status.COMPLETED else {}),
        )
    for as_of in ("2018-06-12", "2018-06-25", "2019-03-15"):
        points = year_of(coordinator, year, datetime.date.fromisoformat(as_of))
        assert len(points) >= 3
        for point in points:
            rows = plan_on_day(coordinator, year, point.day)
            counts = headline_counts(rows)
            assert (point.open, point.overdue, point.at_risk) == (
                counts.open,
                counts.overdue,
                len(at_risk_in(rows)),
            ), (as_of, point.day)
    # Mid-June, A3 is at risk (2 June): counted; at the month's end it is completed.
    june_12 = year_of(coordinator, year, datetime.date(2018, 6, 12))[-1]
    june_30 = {p.day: p for p in year_of(coordinator, year, datetime.date(2019, 3, 15))}[
        datetime.date(2018, 6, 30)
    ]
    assert june_30.open == june_12.open - 1


def test_an_action_arising_is_not_counted_before_its_meeting(coordinator, year):
    points = {p.day: p for p in year_of(coordinator, year, datetime.date(2019, 3, 31))}
    before, after = points[datetime.date(2018, 10, 31)], points[datetime.date(2018, 11, 30)]
    # Between the two, M1 arose (open) and A5 was still open: nothing else closed.
    assert after.open == before.open + 1


def test_a_deadline_moved_later_is_not_overdue_after_the_move_was_agreed(coordinator, year):
    # A7 was due 30 June 2018, moved on 1 October to 31 March 2019: overdue in September by
    # the date in force then, not in October; the year's points follow the dashboard's rows.
    def overdue_on(day):
        return {row.reference for row in plan_on_day(coordinator, year, day) if row.is_overdue}

    september, october = datetime.date(2018, 9, 30), datetime.date(2018, 10, 31)
    assert "A7" in overdue_on(september) and "A7" not in overdue_on(october)
    points = {p.day: p for p in year_of(coordinator, year, datetime.date(2019, 3, 31))}
    assert [points[day].overdue for day in (september, october)] == [
        len(overdue_on(september)),
        len(overdue_on(october)),
    ]


# --- On the dashboard and in the report --------------------------------------------------------


def test_the_dashboard_draws_the_year_and_its_last_point_is_the_days_figures(client, chair, year):
    client.force_login(chair)
    response = client.get(DASHBOARD, {"agreement": year.pk, "as_of": "2019-03-15"})
    page = served(response)

    table = figures(page)
    assert page.table(id="year-table").caption == CAPTION
    assert list(table)[0] == "30 April 2018" and list(table)[-1] == "15 March 2019"
    assert len(table) == 12
    last = table["15 March 2019"]
    assert (last["Open"], last["Overdue"]) == (page.counts["open"], page.counts["overdue"])
    assert page.headings["year"] == "The year month by month"
    # M1 arose at the November meeting: counted from then on.
    assert table["30 November 2018"]["Open"] == table["31 October 2018"]["Open"] + 1

    # The same day's at-risk figure is the report's own list of them.
    report = served(client.get(REPORT, {"agreement": year.pk, "as_of": "2019-03-15"}))
    at_risk = int(re.search(r"\((\d+)\)", report.headings["at-risk"]).group(1))
    assert last["At risk or off track, not overdue"] == at_risk
    assert figures(report) == table

    # The picture says the trend in words, and writes its numbers.
    html = response.content.decode()
    desc = re.search(r'<desc id="year-chart-desc">(.*?)</desc>', html, re.S).group(1)
    assert f"open actions went from {table['30 April 2018']['Open']} to {last['Open']}" in desc
    assert f"overdue from {table['30 April 2018']['Overdue']} to {last['Overdue']}" in desc
    svg = re.search(r"<svg[^>]*year-chart.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "At risk or off track, not overdue" in svg
    assert f">{last['Overdue']}</text>" in svg


def test_before_the_plan_begins_there_is_nothing_to_draw(client, chair, year):
    client.force_login(chair)
    page = served(client.get(DASHBOARD, {"agreement": year.pk, "as_of": "2018-03-01"}))
    assert page.table(id="year-table", optional=True) is None
    assert "The plan's year begins on 1 April 2018" in page.main


def test_a_restricted_action_counts_only_for_those_who_may_see_it(
    client, year, chair, officer_channel_member
):
    """A Channel Panel action due at the end of December: overdue from January for a member
    of the restricted panel, never counted for the chair, who may not see it."""
    secret = ActionFactory(
        agreement=year, theme=None, reference="C1", due_date=datetime.date(2018, 12, 31)
    )
    ActionLeadFactory(
        action=secret, organisation=None, body=Body.objects.get(short_name="Channel Panel")
    )
    seen = {}
    for user in (chair, officer_channel_member):
        client.force_login(user)
        page = served(client.get(DASHBOARD, {"agreement": year.pk, "as_of": "2019-03-15"}))
        table = figures(page)
        last = table["15 March 2019"]
        assert (last["Open"], last["Overdue"]) == (page.counts["open"], page.counts["overdue"])
        seen[user] = table

    for day, figures_seen in seen[officer_channel_member].items():
        chairs = seen[chair][day]
        assert figures_seen["Open"] == chairs["Open"] + 1, day
        late = day.endswith("2019")  # 31 January 2019 and after
        assert figures_seen["Overdue"] == chairs["Overdue"] + (1 if late else 0), day


def test_the_year_costs_three_queries_at_any_size(client):
    sizes = {}
    for size in (3, 30):
        agreement, coordinator = make_plan(size)
        access_for(coordinator)  # who may see what: read once a request, by every page
        with CaptureQueriesContext(connection) as captured:
            points = year_of(coordinator, agreement, datetime.date(2019, 3, 15))
        assert len(points) == 12 and points[-1].open > 0
        sizes[size] = len(captured.captured_queries)
        rows = plan_on_day(coordinator, agreement, datetime.date(2019, 3, 15))
        with CaptureQueriesContext(connection) as captured:
            year_of(coordinator, agreement, datetime.date(2019, 3, 15), plan_rows=rows)
        sizes[f"from rows {size}"] = len(captured.captured_queries)
        client.force_login(coordinator)
        sizes[f"page {size}"] = queries_for(
            client, f"{DASHBOARD}?agreement={agreement.pk}&as_of=2019-03-15"
        )
    assert sizes[3] == sizes[30] == 3
    assert sizes["from rows 3"] == sizes["from rows 30"] == 2  # the updates and the moves
    assert sizes["page 3"] == sizes["page 30"]


def test_the_pdf_prints_the_year_with_its_table(client, chair, year):
    client.force_login(chair)
    pages = _pdf_pages(client, year, as_of="2019-03-15")
    whole = " ".join(text for text, _ in pages)
    assert "The year month by month" in whole
    assert CAPTION in whole
    assert "15 March 2019" in whole
