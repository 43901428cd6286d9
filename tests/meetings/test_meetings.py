"""Meetings: recording them, the progress they receive, the actions arising, the agenda."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Action, ProgressUpdate, Status
from csa.models import Agreement
from governance.models import Body, Meeting, Organisation, Person
from governance.services import meeting_create
from meetings.services import (
    action_arising_create,
    agreement_for_meeting,
    progress_received_link,
    progress_received_record,
)
from tests.governance.helpers import agreement_2018, make_action, make_meeting, make_update


@pytest.fixture
def wcc_ph(scb):
    return Organisation.objects.get(short_name="WCC PH")


@pytest.fixture
def psg(scb):
    return Body.objects.get(short_name="PSG")


# --- Recording a meeting ---------------------------------------------------------------------


def test_a_meeting_before_the_body_was_established_is_refused(psg, coordinator):
    psg.established = datetime.date(2016, 5, 1)
    psg.save()
    with pytest.raises(ValidationError) as error:
        meeting_create(
            body=psg, date=datetime.date(2016, 4, 30), title="Kick-off", user=coordinator
        )
    assert error.value.message_dict["date"] == [
        "The meeting cannot be before the PSG was established, on 1 May 2016."
    ]
    assert not Meeting.objects.filter(body=psg).exists()
    meeting = meeting_create(body=psg, date=datetime.date(2016, 5, 1), title="Kick-off")
    assert meeting.history.latest().history_change_reason == "Meeting recorded"


def test_the_coordinator_records_a_meeting_through_the_page(client, psg, coordinator):
    client.force_login(coordinator)
    url = reverse("meetings:meeting_create", args=[psg.pk])
    response = client.post(
        url,
        {
            "date": "12/10/2018",
            "title": "Prevent action plan review",
            "attendees": "Chair; WCC PH; WM Police",
            "papers": "Prevent action plan\nCTLP summary",
            "minutes": "RESOLVED that the update be noted.",
            "attendee_people": [Person.objects.get(name="Tim Rice").pk],
        },
        follow=True,
    )
    meeting = Meeting.objects.get(body=psg)
    assert [p.name for p in meeting.attendee_people.all()] == ["Tim Rice"]
    assert response.redirect_chain[-1][0] == reverse("meetings:meeting_detail", args=[meeting.pk])
    page = response.content.decode()
    assert "Prevent action plan review" in page
    assert "CTLP summary" in page and "RESOLVED that the update be noted." in page


def test_bad_meeting_input_is_refused_with_messages_naming_the_fields(client, psg, coordinator):
    psg.established = datetime.date(2016, 5, 1)
    psg.save()
    client.force_login(coordinator)
    url = reverse("meetings:meeting_create", args=[psg.pk])
    response = client.post(url, {"date": "yesterday", "title": ""})
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "Enter the date of the meeting as day/month/year" in page
    assert "Enter the title of the meeting" in page
    response = client.post(url, {"date": "1/1/2016", "title": "Too early"})
    assert "cannot be before the PSG was established, on 1 May 2016" in response.content.decode()
    assert not Meeting.objects.filter(body=psg).exists()


def test_only_the_coordinator_and_admins_record_meetings(client, psg, officer_wcc_ph, chair):
    url = reverse("meetings:meeting_create", args=[psg.pk])
    for user in (officer_wcc_ph, chair):
        client.force_login(user)
        assert client.post(url, {"date": "1/10/2018", "title": "X"}).status_code == 403
    assert not Meeting.objects.exists()


# --- Actions arising -------------------------------------------------------------------------


def test_an_action_arising_is_an_ordinary_action_of_the_plan_in_force(scb, wcc_ph, coordinator):
    meeting = make_meeting(scb, date=datetime.date(2018, 11, 1))
    action = action_arising_create(
        meeting=meeting,
        description="Report hate crime data by district",
        leads=[wcc_ph, Body.objects.get(short_name="SWCSP")],
        due_date=datetime.date(2018, 12, 31),
        user=coordinator,
    )
    assert action.agreement == agreement_2018()
    assert action.origin_meeting == meeting
    assert action.reference == "M181101-1"
    assert action.timescale == "31 December 2018" and action.timescale_kind == "by_date"
    assert [lead.party.short_name for lead in action.leads.order_by("position")] == [
        "WCC PH",
        "SWCSP",
    ]
    assert action.leads_as_written == "WCC PH / SWCSP"
    second = action_arising_create(
        meeting=meeting, description="Second", leads=[wcc_ph], timescale="March 2019"
    )
    assert second.reference == "M181101-2"
    assert second.due_date == datetime.date(2019, 3, 31)
    # Overdue exactly like a plan action.
    overdue = Action.objects.overdue(as_of=datetime.date(2019, 1, 15))
    assert overdue.filter(pk=action.pk).exists()
    assert not overdue.filter(pk=second.pk).exists()


def test_after_the_plan_year_an_action_arising_goes_on_the_bodys_own_list(scb, wcc_ph):
    later = make_meeting(scb, date=datetime.date(2019, 7, 31))
    # A draft for the next year is not agreed: it must not take the action.
    Agreement.objects.create(
        board=scb,
        title="Community Safety Agreement 2019 to 2020 (draft)",
        period_start=datetime.date(2019, 4, 1),
        period_end=datetime.date(2020, 3, 31),
        status=Agreement.Status.DRAFT,
    )
    # No agreed plan in force on 31 July 2019 (issue 13): the body's own list, not 2018-19.
    assert agreement_for_meeting(later) is None
    earlier = make_meeting(scb, date=datetime.date(2017, 9, 1))
    assert agreement_for_meeting(earlier).period_start == datetime.date(2017, 4, 1)


def test_an_action_arising_without_a_lead_is_refused_and_nothing_written(scb):
    meeting = make_meeting(scb)
    count = Action.objects.count()
    with pytest.raises(ValidationError) as error:
        action_arising_create(meeting=meeting, description="Do something", leads=[], due_date=None)
    assert error.value.message_dict["leads"] == [
        "Choose at least one lead: an organisation or a partnership body."
    ]
    assert "due_date" in error.value.message_dict
    assert Action.objects.count() == count


def test_the_action_arising_page_refuses_bad_input_and_records_good(client, scb, coordinator):
    meeting = make_meeting(scb, date=datetime.date(2018, 11, 1))
    client.force_login(coordinator)
    url = reverse("meetings:meeting_action_create", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "joins the Community Safety Agreement 2018 to 2019" in page
    response = client.post(url, {"description": "Share the data set", "due_date": "31/13/2018"})
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "Choose at least one lead" in page
    assert 'href="#id_lead_organisations_0"' in page
    assert "Enter the due date as day/month/year" in page
    assert not Action.objects.filter(origin_meeting=meeting).exists()
    response = client.post(
        url,
        {
            "description": "Share the data set",
            "lead_organisations": [Organisation.objects.get(short_name="WM Police").pk],
            "timescale": "TBC",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Action arising M181101-1 recorded." in page
    assert "Share the data set" in page and "Arising from" in page


# --- Progress received -----------------------------------------------------------------------


def test_existing_updates_are_linked_to_the_meeting_that_received_them(scb, coordinator):
    meeting = make_meeting(scb, date=datetime.date(2018, 11, 1))
    action = make_action()
    before = make_update(action, date=datetime.date(2018, 10, 20))
    after = make_update(action, date=datetime.date(2018, 11, 5))
    assert progress_received_link(meeting=meeting, updates=[before], user=coordinator) == 1
    before.refresh_from_db()
    assert before.meeting == meeting
    with pytest.raises(ValidationError, match="dated after the meeting"):
        progress_received_link(meeting=meeting, updates=[after])
    other = make_meeting(scb, date=datetime.date(2018, 11, 2))
    with pytest.raises(ValidationError, match="already received by"):
        progress_received_link(meeting=other, updates=[before])
    after.refresh_from_db()
    assert after.meeting is None


def test_the_link_page_offers_updates_since_the_last_meeting(client, scb, coordinator):
    make_meeting(scb, date=datetime.date(2018, 9, 1))
    meeting = make_meeting(scb, date=datetime.date(2018, 11, 1))
    action = make_action(description="Link me please")
    old = make_update(action, date=datetime.date(2018, 8, 1), note="Before the last meeting")
    new = make_update(action, date=datetime.date(2018, 10, 1), note="Since the last meeting")
    client.force_login(coordinator)
    url = reverse("meetings:meeting_progress_link", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert f'value="{new.pk}"' in page and f'value="{old.pk}"' not in page
    response = client.post(url, {"updates": [old.pk]})
    assert "cannot be linked to this meeting" in response.content.decode()
    response = client.post(url, {"updates": [new.pk]}, follow=True)
    assert "1 progress update linked to the meeting." in response.content.decode()
    assert ProgressUpdate.objects.get(pk=new.pk).meeting == meeting


def test_progress_given_at_the_meeting_is_recorded_there(client, scb, coordinator):
    meeting = make_meeting(scb, date=datetime.date(2018, 11, 1))
    action = make_action(due_date=datetime.date(2019, 3, 31))
    update = progress_received_record(
        meeting=meeting, action=action, user=coordinator, status=Status.ON_TRACK, note="Fine"
    )
    assert update.meeting == meeting and update.date == meeting.date
    action.refresh_from_db()
    assert action.status == Status.ON_TRACK
    client.force_login(coordinator)
    url = reverse("meetings:meeting_progress_create", args=[meeting.pk])
    response = client.post(url, {"action": action.pk, "status": Status.AT_RISK, "note": ""})
    page = response.content.decode()
    assert "<title>Error: " in page and "Enter a progress note saying why" in page
    assert ProgressUpdate.objects.filter(action=action).count() == 1
    response = client.post(
        url, {"action": action.pk, "status": Status.AT_RISK, "note": "Funding late"}, follow=True
    )
    assert "Funding late" in response.content.decode()


def test_others_read_the_meeting_but_do_not_record(client, scb, officer_wcc_ph, chair):
    meeting = make_meeting(scb, minutes="RESOLVED that the update be noted.")
    for user in (officer_wcc_ph, chair):
        client.force_login(user)
        page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
        assert page.status_code == 200
        assert "RESOLVED that the update be noted." in page.content.decode()
        assert "Record an action arising" not in page.content.decode()
        for name in ("meeting_action_create", "meeting_progress_link", "meeting_progress_create"):
            url = reverse(f"meetings:{name}", args=[meeting.pk])
            assert client.post(url, {"description": "x"}).status_code == 403


def test_the_meeting_page_takes_a_fixed_number_of_queries(
    client, scb, coordinator, django_assert_max_num_queries
):
    meeting = make_meeting(scb, date=datetime.date(2018, 11, 1))
    client.force_login(coordinator)
    url = reverse("meetings:meeting_detail", args=[meeting.pk])

    def grow(n):
        for _ in range(n):
            action = make_action(origin_meeting=meeting, lead=Body.objects.get(short_name="PSG"))
            make_update(action, date=datetime.date(2018, 10, 1), meeting=meeting)

    grow(2)
    client.get(url)  # warm the caches that are not per request
    with django_assert_max_num_queries(14) as small:
        assert client.get(url).status_code == 200
    grow(25)
    small_count = len(small.captured_queries)  # before the next request resets the log
    client.get(url)  # warm again: access is cached under the data stamp
    with django_assert_max_num_queries(small_count):
        assert client.get(url).status_code == 200


# --- The agenda helper ------------------------------------------------------------------------


def test_the_agenda_lists_overdue_at_risk_and_unreported_actions(client, scb, psg, chair):
    make_meeting(psg, date=datetime.date(2018, 9, 1))
    led = {"lead": psg}
    overdue = make_action(description="Overdue one", due_date=datetime.date(2018, 10, 31), **led)
    make_update(overdue, date=datetime.date(2018, 9, 15))
    at_risk = make_action(description="Risky one", due_date=datetime.date(2019, 3, 31), **led)
    make_update(at_risk, date=datetime.date(2018, 9, 15), status=Status.AT_RISK, note="Late")
    silent = make_action(description="Quiet one", due_date=datetime.date(2019, 3, 31), **led)
    make_update(silent, date=datetime.date(2018, 8, 1))
    fine = make_action(description="Fine one", due_date=datetime.date(2019, 3, 31), **led)
    make_update(fine, date=datetime.date(2018, 9, 15))
    done = make_action(description="Done one", due_date=datetime.date(2018, 10, 1), **led)
    make_update(done, date=datetime.date(2018, 9, 20), status=Status.COMPLETED)
    elsewhere = make_action(description="Someone else's", due_date=datetime.date(2018, 10, 1))

    client.force_login(chair)
    url = reverse("meetings:agenda", args=[psg.pk]) + "?date=2018-11-15"
    page = client.get(url).content.decode()
    assert "Overdue one" in page and "Risky one" in page and "Quiet one" in page
    assert "No update since 1 September 2018" in page
    assert "Fine one" not in page and "Done one" not in page
    assert elsewhere.description not in page
    # The plan's own PSG-led actions: A7 (due June 2018) is overdue, A8 (due April 2019) has
    # never been updated.
    assert "Review, update and continue to implement the Prevent Action Plan" in page
    assert "Implement the changes to Channel arrangements" in page
    assert "No update yet" in page

    # The board oversees its whole plan.
    board_page = client.get(
        reverse("meetings:agenda", args=[scb.pk]) + "?date=2018-11-15"
    ).content.decode()
    assert "Someone else&#x27;s" in board_page or "Someone else's" in board_page
    assert "Reducing Offending Strategy finalised." in board_page
    # Each reference is a link to its action.
    for action in (overdue, at_risk, silent):
        detail = reverse("actions:action_detail", args=[action.pk])
        assert f'<a class="govuk-link" href="{detail}">{action.reference}</a>' in page


def test_the_agenda_refuses_a_bad_date(client, psg, chair):
    client.force_login(chair)
    response = client.get(reverse("meetings:agenda", args=[psg.pk]) + "?date=31-31-2018")
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "Enter the date of the next meeting as day/month/year" in page
