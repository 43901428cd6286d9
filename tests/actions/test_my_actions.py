"""'My actions': what an officer leads, grouped and flagged, filtered, in a fixed number of
queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action, ActionLead, Status, today
from actions.services import progress_update_create
from csa.models import Theme
from governance.models import Body, Organisation, Role
from tests.actions.factories import ActionFactory
from tests.governance.factories import make_user

YEAR_2018 = datetime.date(2018, 4, 1)
YEAR_2017 = datetime.date(2017, 4, 1)
URL = "/my-actions/"
# Every plan, earlier years too; by default only the plan in force is listed.
ALL_PLANS = {"plans": "all"}


def action(reference, year=YEAR_2018):
    return Action.objects.get(agreement__period_start=year, reference=reference)


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def row(response, target):
    """The text of one action's row."""
    html = response.content.decode()
    match = re.search(
        rf'<tr class="govuk-table__row" id="action-row-{target.pk}">(.*?)</tr>', html, re.S
    )
    assert match, f"no row for {target}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def listed_descriptions(response):
    html = response.content.decode()
    return {a.description for a in Action.objects.all() if f'id="action-row-{a.pk}"' in html}


def test_home_goes_to_my_actions(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)

    # The landing page is the partnership's own (issue 24), whose home is My actions.
    assert client.get("/")["Location"] == "/p/scb/"
    assert client.get("/p/scb/")["Location"] == f"/p/scb{URL}"
    assert client.get(f"/p/scb{URL}").status_code == 200


def test_an_officer_sees_what_their_organisation_leads(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)

    response = client.get(URL, ALL_PLANS)

    assert response.status_code == 200
    expected = set(
        Action.objects.filter(leads__organisation__short_name="WCC PH").values_list(
            "description", flat=True
        )
    )
    assert listed_descriptions(response) == expected
    assert "Implement the Drive Domestic Abuse perpetrator project" in expected
    # Led by bodies or other organisations only: not theirs.
    assert "Ensure oversight of the DAF action plan implementation" not in text(response)


def test_an_officer_also_sees_what_their_bodies_lead(client, scb):
    member = make_user(
        username="daf-member",
        board=scb,
        kind=Role.Kind.OFFICER,
        organisation=Organisation.objects.get(short_name="WM Police"),
        bodies=[Body.objects.get(short_name="DAF")],
    )
    client.force_login(member)

    listed = listed_descriptions(client.get(URL, ALL_PLANS))

    assert action("A2").description in listed  # DAF
    assert action("A8", YEAR_2017).description in listed  # WM Police
    assert action("A1").description not in listed


def test_grouped_by_agreement_current_year_first_then_theme(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)

    html = client.get(URL, ALL_PLANS).content.decode()

    year_2018 = html.index("Community Safety Agreement 2018 to 2019 (2018-19)")
    year_2017 = html.index("Community Safety Agreement 2017 to 2018 (2017-18)")
    assert year_2018 < year_2017
    captions = re.findall(r'<caption class="govuk-table__caption[^"]*">([^<]+)<', html)
    assert captions[:4] == [
        "Domestic Abuse",
        "Alcohol and Substance Misuse",
        "Prevent",
        "Modern Slavery",
    ]
    # The Drive action sits in the 2018-19 Domestic Abuse table.
    drive_at = html.index(f'id="action-row-{action("A1").pk}"')
    assert year_2018 < drive_at < html.index("Alcohol and Substance Misuse", year_2018)


def test_a_row_shows_the_columns_in_words(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)

    drive_row = row(client.get(URL), action("A1"))

    assert drive_row.startswith(
        "A1 of 2018-19 Implement the Drive Domestic Abuse perpetrator project"
    )
    assert "Service to commence by July 2018" in drive_row
    assert "31 Jul 2018" in drive_row
    assert "Not started" in drive_row
    assert "No update yet" in drive_row
    # Fixtures are 2017-2019, so as of today every open action is overdue and stale.
    assert "Overdue" in drive_row
    assert "Stale" in drive_row
    assert "Due soon" not in drive_row
    assert "Update A1 of 2018-19" in drive_row


def test_the_last_update_and_its_author_are_shown(client, officer_wcc_ph, officer_wcc_ph_colleague):
    drive = action("A1")
    progress_update_create(
        action=drive,
        author=officer_wcc_ph_colleague,
        status=Status.COMPLETED,
        outcome="Launched.",
        date=today() - datetime.timedelta(days=2),
    )
    client.force_login(officer_wcc_ph)

    drive_row = row(client.get(URL), drive)

    day = today() - datetime.timedelta(days=2)
    assert f"{day:%-d %b %Y} by officer-wcc-ph-2 person" in drive_row
    assert "Completed" in drive_row
    # Completed: no longer overdue or stale.
    assert "Overdue" not in drive_row
    assert "Stale" not in drive_row


def test_due_soon_and_not_stale(client, officer_wcc_ph):
    drive = action("A1")
    soon = ActionFactory(
        agreement=drive.agreement,
        theme=drive.theme,
        reference="N1",
        description="A new action due next week",
        due_date=today() + datetime.timedelta(days=7),
    )
    ActionLead.objects.create(
        action=soon, position=1, organisation=Organisation.objects.get(short_name="WCC PH")
    )
    progress_update_create(action=soon, author=officer_wcc_ph, status=Status.ON_TRACK, note="Fine.")
    client.force_login(officer_wcc_ph)

    soon_row = row(client.get(URL), soon)

    assert "Due soon" in soon_row
    assert "Overdue" not in soon_row
    assert "Stale" not in soon_row


def test_the_flag_periods_are_the_settings(client, officer_wcc_ph, settings):
    settings.DUE_SOON_DAYS = 14
    settings.STALE_AFTER_DAYS = 45
    client.force_login(officer_wcc_ph)

    page = text(client.get(URL))

    assert "due soon (within the next 14 days) and stale (no update for 45 days)" in page


class TestFilters:
    def test_by_status(self, client, officer_wcc_ph):
        drive = action("A1")
        progress_update_create(
            action=drive, author=officer_wcc_ph, status=Status.AT_RISK, note="Late."
        )
        client.force_login(officer_wcc_ph)

        response = client.get(URL, {"status": "at_risk"})

        assert listed_descriptions(response) == {drive.description}
        assert "1 action match the filters" in text(response)
        assert re.search(r'<option value="at_risk" selected>', response.content.decode())

    def test_by_theme_includes_its_sub_themes(self, client, officer_wcc_ph):
        harm = Theme.objects.get(board__short_name="SCB", key="harm-reduction")
        client.force_login(officer_wcc_ph)

        response = client.get(URL, {"theme": harm.pk, **ALL_PLANS})

        listed = listed_descriptions(response)
        expected = set(
            Action.objects.filter(leads__organisation__short_name="WCC PH")
            .filter(theme__parent=harm)
            .values_list("description", flat=True)
        ) | set(
            Action.objects.filter(leads__organisation__short_name="WCC PH", theme=harm).values_list(
                "description", flat=True
            )
        )
        assert listed == expected
        assert action("A7", YEAR_2017).description in listed  # Harm Reduction – Hate Crime

    def test_by_theme_includes_sub_themes_at_any_depth(self, client, officer_wcc_ph):
        # The same rule as the chair's list (reporting.theme_descendant_ids): a sub-sub-theme's
        # action is under its top theme too.
        harm = Theme.objects.get(board__short_name="SCB", key="harm-reduction")
        child = Theme.objects.filter(parent=harm).first()
        grandchild = Theme.objects.create(
            board=harm.board, parent=child, key="deep", name="Deep sub-theme", position=99
        )
        drive = action("A1")
        deep = ActionFactory(
            agreement=drive.agreement,
            theme=grandchild,
            reference="D1",
            description="An action two levels down",
        )
        ActionLead.objects.create(
            action=deep, position=1, organisation=Organisation.objects.get(short_name="WCC PH")
        )
        client.force_login(officer_wcc_ph)

        assert deep.description in listed_descriptions(client.get(URL, {"theme": harm.pk}))
        assert deep.description in listed_descriptions(client.get(URL, {"theme": child.pk}))

    def test_nothing_matching_says_so(self, client, officer_wcc_ph):
        client.force_login(officer_wcc_ph)

        response = client.get(URL, {"status": "cancelled"})

        assert "No actions match the filters." in text(response)

    @pytest.mark.parametrize(
        ("params", "field_id", "message"),
        [
            ({"status": "nearly_done"}, "id_status", "Choose a status from the list"),
            ({"theme": "abc"}, "id_theme", "Choose a theme from the list"),
            ({"theme": "999999"}, "id_theme", "Choose a theme from the list"),
        ],
    )
    def test_an_unknown_filter_value_says_so(
        self, client, officer_wcc_ph, params, field_id, message
    ):
        client.force_login(officer_wcc_ph)

        response = client.get(URL, params)

        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Error: My actions" in html
        assert f'<a href="#{field_id}">{message}</a>' in html
        # The list is still there, unfiltered by the bad value.
        assert "Implement the Drive Domestic Abuse perpetrator project" in html

    def test_a_theme_of_another_partnership_is_refused(self, client, officer_wcc_ph, outsider):
        from tests.csa.factories import ThemeFactory

        elsewhere = ThemeFactory()
        client.force_login(officer_wcc_ph)

        response = client.get(URL, {"theme": elsewhere.pk})

        assert "Choose a theme from the list" in text(response)


class TestOtherRoles:
    def test_the_chair_reads_all_of_the_partnership(self, client, chair):
        client.force_login(chair)

        response = client.get(URL, ALL_PLANS)

        visible = set(Action.objects.visible_to(chair).values_list("description", flat=True))
        assert listed_descriptions(response) == visible
        assert len(visible) == Action.objects.count()
        assert "You can read them but not update them." in text(response)
        assert "/update/" not in response.content.decode()

    def test_the_coordinator_may_update_all(self, client, coordinator):
        client.force_login(coordinator)

        response = client.get(URL, ALL_PLANS)

        assert listed_descriptions(response) == set(
            Action.objects.values_list("description", flat=True)
        )
        assert "can update any of them" in text(response)
        # Any action of a plan still worked to; a superseded year's are its record.
        for target in Action.objects.exclude(agreement__status="superseded"):
            assert reverse("actions:action_update", args=[target.pk]) in response.content.decode()

    def test_an_outsider_sees_nothing_of_this_partnership(self, client, worcestershire, outsider):
        client.force_login(outsider)

        response = client.get(URL)

        assert listed_descriptions(response) == set()
        assert "There are no actions for you here yet." in text(response)


def _add_actions(count, officer, scb):
    """More actions led by WCC PH, each with two updates by different people."""
    drive = action("A1")
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    themes = list(Theme.objects.filter(board=scb))
    others = [
        make_user(
            username=f"helper-{n}-{count}", board=scb, kind=Role.Kind.OFFICER, organisation=wcc_ph
        )
        for n in range(2)
    ]
    for n in range(count):
        extra = ActionFactory(
            agreement=drive.agreement,
            reference=f"X{count}-{n}",
            theme=themes[n % len(themes)],
            due_date=today() + datetime.timedelta(days=n),
        )
        ActionLead.objects.create(action=extra, position=1, organisation=wcc_ph)
        ActionLead.objects.create(action=extra, position=2, body=Body.objects.get(short_name="DAF"))
        for author in others:
            progress_update_create(
                action=extra, author=author, status=Status.ON_TRACK, note=f"Note {n}"
            )


def _count_queries(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(queries)


# Session, user, the data stamp, the user's roles, person, memberships and hidden bodies
# (cached under the stamp after the first request), the theme filter's choices, the count, the
# page of actions, their plans, their themes, their leads, their latest updates (actions.rows
# reads the rows as values: the plans and themes they share once each).
MAX_QUERIES = 14


@pytest.mark.parametrize("params", [{}, {"status": "on_track"}, {"status": "bogus"}])
def test_a_fixed_number_of_queries_whatever_the_size(
    client, officer_wcc_ph, scb, django_assert_max_num_queries, params
):
    client.force_login(officer_wcc_ph)
    _add_actions(1, officer_wcc_ph, scb)  # so that every filter lists something
    with django_assert_max_num_queries(MAX_QUERIES):
        small_response = client.get(URL, params)
    small = _count_queries(client, params)

    _add_actions(30, officer_wcc_ph, scb)
    with django_assert_max_num_queries(MAX_QUERIES):
        large_response = client.get(URL, params)
    large = _count_queries(client, params)

    assert large == small
    assert len(listed_descriptions(large_response)) == len(listed_descriptions(small_response)) + 30


def test_by_default_only_the_plan_in_force(client, officer_wcc_ph):
    """The WCC Public Health officer saw 17 actions, 10 of them from the superseded 2017-18
    plan, all flagged and offered "Update". By default: the current plan only."""
    client.force_login(officer_wcc_ph)
    current = set(
        Action.objects.filter(
            leads__organisation__short_name="WCC PH", agreement__period_start="2018-04-01"
        ).values_list("description", flat=True)
    )
    assert listed_descriptions(client.get(URL)) == current
    page = text(client.get(URL))
    assert "2017-18" not in page and "Superseded" not in page


def test_earlier_plans_are_shown_as_superseded_and_not_offered_for_update(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    response = client.get(URL, ALL_PLANS)
    assert "Superseded" in text(response)
    old = action("A8", datetime.date(2017, 4, 1))
    assert reverse("actions:action_update", args=[old.pk]) not in response.content.decode()
    current = client.get(URL).content.decode()
    assert reverse("actions:action_update", args=[action("A1").pk]) in current


@pytest.mark.parametrize("who", ["chair", "coordinator"])
def test_every_plan_lists_the_actions_arising_outside_any_plan_last(
    client, arising_in_july_2019, who, request
):
    """ "All plans" was a 500 once the July 2019 meeting's actions were loaded: they have no
    plan, and the list grouped its rows by plan."""
    client.force_login(request.getfixturevalue(who))

    response = client.get(URL, ALL_PLANS)

    assert response.status_code == 200
    html = response.content.decode()
    headings = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", h)).strip()
        for h in re.findall(r'<h2 class="govuk-heading-l[^"]*">(.*?)</h2>', html, re.S)
    ]
    assert headings == [
        "Worcestershire Safer Communities Board Community Safety Agreement 2018 to 2019 (2018-19)",
        "Worcestershire Safer Communities Board Community Safety Agreement 2017 to 2018 (2017-18)",
        "Worcestershire Safer Communities Board Actions arising at meetings, outside any plan",
    ]
    for arising in arising_in_july_2019:
        assert row(response, arising).startswith(f"{arising.reference} of arising at the SCB")
