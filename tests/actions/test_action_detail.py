"""The action page: everything about the action, its leads, last year's action, its timeline."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from actions.models import Action, ActionLead, Status, today
from actions.services import progress_update_create
from governance.models import Body, Meeting, Organisation
from tests.actions.factories import ActionFactory

YEAR_2018 = datetime.date(2018, 4, 1)
YEAR_2017 = datetime.date(2017, 4, 1)


def action(reference, year=YEAR_2018):
    return Action.objects.get(agreement__period_start=year, reference=reference)


def url(target):
    return reverse("actions:action_detail", args=[target.pk])


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def timeline_html(response):
    return response.content.decode().split('id="timeline"')[1]


def summary_row(response, key):
    html = response.content.decode()
    match = re.search(
        rf'<dt class="govuk-summary-list__key">{key}</dt>\s*'
        r'<dd class="govuk-summary-list__value">(.*?)</dd>',
        html,
        re.S,
    )
    assert match, f"no summary row {key!r}"
    return match.group(1)


def test_the_page_shows_everything_about_the_action(client, officer_police):
    client.force_login(officer_police)
    drive = action("A1")

    response = client.get(url(drive))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "A1: Implement the Drive Domestic Abuse perpetrator project" in text(html)
    assert "Community Safety Agreement 2018 to 2019 (2018-19)" in text(
        summary_row(response, "Agreement")
    )
    assert text(summary_row(response, "Theme")).strip() == "Domestic Abuse"
    assert "Service to commence by July 2018" in summary_row(response, "Timescale as written")
    assert "31 July 2018" in summary_row(response, "Due date")
    status = text(summary_row(response, "Status"))
    assert "Not started" in status and "Overdue" in status
    assert "No update yet" in summary_row(response, "Latest update")


def test_leads_are_named_and_linked_when_the_governance_pages_exist(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    target = action("A5")  # WCC PH and North Worcestershire CSP

    leads = summary_row(client.get(url(target)), "Leads")

    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    body = ActionLead.objects.get(action=target, body__isnull=False).body
    assert "Worcestershire County Council Public Health" in leads
    assert body.name in leads
    assert "As written: WCC PH / NWCSP" in text(leads)
    for name, args in (("organisation_detail", wcc_ph.pk), ("body_detail", body.pk)):
        try:
            link = reverse(f"meetings:{name}", args=[args])
        except NoReverseMatch:
            continue  # that page is not built yet: the name is shown without a link
        assert f'href="{link}"' in leads


def test_what_it_carries_forward_and_what_carries_it_forward(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    this_year = action("A4")  # Blue Light Project extended to Redditch
    last_year = this_year.carries_forward
    assert last_year is not None

    forward = summary_row(client.get(url(this_year)), "Carries forward")
    back = summary_row(client.get(url(last_year)), "Carried forward by")

    assert f'href="{url(last_year)}"' in forward
    assert "Blue Light Project (Alcohol Concern) launched" in forward
    assert f'href="{url(this_year)}"' in back
    assert "A4 of 2018-19" in back
    drive_forward = summary_row(client.get(url(action("A1"))), "Carries forward")
    assert "Nothing from last year" in drive_forward


def test_the_update_button_is_there_for_those_who_may_update(client, officer_wcc_ph, chair):
    drive = action("A1")
    update_url = reverse("actions:action_update", args=[drive.pk])

    client.force_login(officer_wcc_ph)
    assert f'href="{update_url}"' in client.get(url(drive)).content.decode()
    client.force_login(chair)
    assert update_url not in client.get(url(drive)).content.decode()


class TestTimeline:
    def test_updates_and_changes_newest_first_with_who_when_and_why(
        self, client, officer_wcc_ph, officer_wcc_ph_colleague, coordinator, chair
    ):
        drive = action("A1")
        progress_update_create(
            action=drive,
            author=officer_wcc_ph,
            status=Status.ON_TRACK,
            note="Provider appointed.",
            date=datetime.date(2018, 6, 1),
        )
        drive.refresh_from_db()
        drive.timescale = "Service to commence by September 2018"
        drive.due_date = datetime.date(2018, 9, 30)
        drive._change_reason = "Board agreed a later start"
        drive._history_user = coordinator
        drive.save()
        progress_update_create(
            action=drive,
            author=officer_wcc_ph_colleague,
            status=Status.AT_RISK,
            note="Funding for year two is not confirmed.",
            date=datetime.date(2018, 10, 2),
        )

        # The chair sees the change and its history.
        client.force_login(chair)
        response = client.get(url(drive))

        timeline = text(timeline_html(response))
        order = [
            timeline.index("Funding for year two is not confirmed."),
            timeline.index("Service to commence by September 2018"),
            timeline.index("Provider appointed."),
            timeline.index("Added to the plan"),
        ]
        assert order == sorted(order), "the timeline is not newest first"
        assert "Progress update: At risk" in timeline
        assert "At risk for 2 October 2018, by officer-wcc-ph-2 person" in timeline
        assert "On track for 1 June 2018, by officer-wcc-ph person" in timeline
        # The field change: who, before and after, and why.
        change = timeline[timeline.index("Changed: timescale, due date") :]
        assert "by coordinator person" in change
        assert (
            "Timescale Service to commence by July 2018 Service to commence by September 2018"
            in change
        )
        assert "Due date 31 July 2018 30 September 2018" in change
        assert "Reason: Board agreed a later start" in change
        # The status an update sets is the update itself: its history row is not shown twice.
        assert "Changed: status" not in timeline
        assert "Status Not started On track" not in timeline
        assert "Reason: Progress update" not in timeline
        assert timeline.count("Progress update: On track") == 1
        assert "Reason: loaded from 2018-19.json" in timeline
        assert "Version" not in timeline

    def test_restricted_actions_and_meetings_are_not_named(
        self, client, officer_wcc_ph, coordinator
    ):
        channel = Body.objects.get(short_name="Channel Panel")
        drive = action("A1")
        secret = ActionFactory(
            agreement=drive.agreement, reference="C9", description="Refer case 4411 to Prevent"
        )
        ActionLead.objects.create(action=secret, position=1, body=channel)
        panel_meeting = Meeting.objects.create(
            body=channel, date=datetime.date(2018, 5, 1), title="Channel case conference"
        )
        board_meeting = Meeting.objects.create(
            body=drive.agreement.board, date=datetime.date(2018, 6, 1), title="Board meeting"
        )
        for changes in (
            {"carries_forward": secret},
            # Never the panel's meeting: an action that ever arose there is hidden whole
            # (test_restricted_rule.py), not only in its timeline.
            {"origin_meeting": board_meeting},
        ):
            for name, value in changes.items():
                setattr(drive, name, value)
            drive._change_reason = "Linked by hand"
            drive.save()

        progress_update_create(
            action=drive,
            author=coordinator,
            status=Status.ON_TRACK,
            note="Heard at the panel.",
            date=datetime.date(2018, 5, 2),
            meeting=panel_meeting,
        )

        client.force_login(officer_wcc_ph)
        timeline = text(timeline_html(client.get(url(drive))))

        assert "Changed: carries forward" in timeline
        assert "Given at: (an item you cannot see)" in timeline
        assert "Changed: origin meeting" in timeline
        assert "Refer case 4411" not in timeline
        assert "Channel case conference" not in timeline
        assert timeline.count("(an item you cannot see)") == 2
        assert "Board meeting" in timeline

        client.force_login(coordinator)
        timeline = text(timeline_html(client.get(url(drive))))

        assert "Refer case 4411" in timeline
        assert "Channel case conference" in timeline
        assert "(an item you cannot see)" not in timeline

    def test_lead_changes_are_in_the_timeline(self, client, coordinator):
        drive = action("A1")
        lead = ActionLead(
            action=drive, position=9, organisation=Organisation.objects.get(short_name="WM Police")
        )
        lead._change_reason = "Police joined the project"
        lead.save()
        client.force_login(coordinator)

        timeline = text(timeline_html(client.get(url(drive))))

        assert "Lead added: WM Police" in timeline
        assert "Reason: Police joined the project" in timeline


def _page_queries(client, target):
    for cache in caches.all():  # the queries of working the page out, access included
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(target))
    assert response.status_code == 200
    return len(queries), response


def _add_history(target, author, count):
    for n in range(count):
        target.refresh_from_db()
        progress_update_create(
            action=target,
            author=author,
            status=[Status.ON_TRACK, Status.AT_RISK][n % 2],
            note=f"Update number {n}",
            date=today(),
        )
        target.refresh_from_db()
        target.target = f"Target revision {n}"
        target._change_reason = f"Revision {n}"
        target.save()


@pytest.mark.parametrize("reference", ["A1", "A4"])
def test_a_fixed_number_of_queries_whatever_the_history(
    client, coordinator, officer_wcc_ph, django_assert_max_num_queries, reference
):
    target = action(reference)
    client.force_login(coordinator)
    _add_history(target, officer_wcc_ph, 1)
    small, _ = _page_queries(client, target)

    _add_history(target, officer_wcc_ph, 25)
    with django_assert_max_num_queries(small):
        response = client.get(url(target))
    large, _ = _page_queries(client, target)

    assert large == small
    assert text(response.content.decode()).count("Update number") == 26
    # Four of them the shared page cache's: the parts read at once, what expired deleted,
    # the title and the content written (governance.page_cache).
    assert small <= 24


def test_an_update_dated_in_the_past_still_shows_as_latest_when_it_is(client, officer_wcc_ph):
    drive = action("A1")
    progress_update_create(
        action=drive,
        author=officer_wcc_ph,
        status=Status.OFF_TRACK,
        note="Stopped.",
        date=datetime.date(2019, 1, 15),
    )
    client.force_login(officer_wcc_ph)

    response = client.get(url(drive))

    assert "15 January 2019, by officer-wcc-ph person" in text(
        summary_row(response, "Latest update")
    )
    assert "Off track" in text(summary_row(response, "Status"))


# --- An action arising outside any plan (the shipped July 2019 meeting's) ----------------------


@pytest.mark.parametrize("who", ["chair", "coordinator"])
def test_an_action_arising_outside_any_plan_has_its_page(
    client, arising_in_july_2019, who, request
):
    """Was a 500 for the chair and the coordinator: the page read its plan's status."""
    client.force_login(request.getfixturevalue(who))
    target = arising_in_july_2019[0]

    response = client.get(url(target))

    assert response.status_code == 200
    page = text(response.content.decode())
    assert "Arising at the SCB meeting of 31 July 2019" in page
    assert f"{target.reference}: The Board would be updated" in page
    assert "None: it arose at a meeting of the Worcestershire Safer Communities Board" in text(
        summary_row(response, "Agreement")
    )
    # The coordinator keeps it up to date and may change it; the chair reads it.
    offers = [reverse("actions:action_update", args=[target.pk]), "Edit the action"]
    html = response.content.decode()
    assert all((offer in html) == (who == "coordinator") for offer in offers)


def test_a_superseded_years_action_offers_no_change_that_would_be_refused(client, coordinator):
    """The page offered "Edit the action" on 2017-18's actions, and the edit page refused."""
    client.force_login(coordinator)
    old = action("A4", YEAR_2017)

    assert "Edit the action" not in client.get(url(old)).content.decode()
    refused = client.get(reverse("actions:action_edit", args=[old.pk]))
    assert refused.status_code == 403
    assert "superseded agreement, which is kept as it was" in refused.content.decode()
