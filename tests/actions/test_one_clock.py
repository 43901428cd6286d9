"""One clock for a due date (issue 24): every page, sort and check of a day reads the due date
in force on that day (due_on), never today's due date beside it.

On 6e68be9 the list sorted by today's due date and showed the one in force; the agenda showed
today's due date beside an overdue reason worked out with the one in force; and a progress
update had its own "overdue", with today's due date and only COMPLETED as closed.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Action, DueDateMove, Status
from actions.services import validate_update


@pytest.fixture
def moved_later(worcestershire):
    """2018-19's A1 was due 31 July 2018; a move agreed on 1 October 2018 made it 31 March
    2019. A2 stays due as it was."""
    plan = Action.objects.filter(agreement__period_start="2018-04-01")
    first = plan.get(reference="A1")
    assert first.due_date == datetime.date(2018, 7, 31)
    DueDateMove.objects.create(
        action=first,
        from_date=first.due_date,
        to_date=datetime.date(2019, 3, 31),
        agreed_on=datetime.date(2018, 10, 1),
        reason="Provider delayed",
    )
    Action.objects.filter(pk=first.pk).update(due_date=datetime.date(2019, 3, 31))
    return plan.get(pk=first.pk)


def _order(html, actions):
    return sorted(actions, key=lambda action: html.find(f'/actions/{action.pk}/"'))


def test_the_list_sorts_by_the_due_date_it_shows(client, coordinator, moved_later):
    later = Action.objects.filter(
        agreement=moved_later.agreement, due_date__gt=datetime.date(2018, 7, 31)
    ).exclude(pk=moved_later.pk)
    other = later.order_by("due_date").first()
    assert other.due_date < moved_later.due_date
    client.force_login(coordinator)
    html = client.get(
        reverse("actions:action_list"),
        {"agreement": moved_later.agreement_id, "as_of": "2018-09-01", "sort": "due"},
    ).content.decode()
    # On 1 September 2018 A1 was due on 31 July 2018: before any action due after it.
    assert "due 31 Jul 2018" in html
    assert _order(html, [other, moved_later]) == [moved_later, other]


def test_the_agenda_shows_the_due_date_in_force_on_the_meeting_day(
    client, coordinator, moved_later, scb
):
    client.force_login(coordinator)
    html = client.get(
        reverse("meetings:agenda", args=[scb.pk]), {"date": "1/9/2018"}
    ).content.decode()
    row = html[html.find(f'/actions/{moved_later.pk}/"') :]
    row = row[: row.find("</tr>")]
    # Overdue on 1 September 2018, by the due date then: 31 July 2018, not today's.
    assert "Overdue" in row
    assert "31 Jul 2018" in row and "31 Mar 2019" not in row


def test_an_update_dated_when_the_action_was_overdue_needs_a_note(moved_later):
    with pytest.raises(ValidationError) as refused:
        validate_update(
            moved_later,
            status=Status.ON_TRACK,
            note="",
            outcome="",
            date=datetime.date(2018, 9, 1),
        )
    assert refused.value.message_dict["note"] == ["Enter a progress note: the action is overdue."]
    # After the move was agreed it is not overdue: no note needed.
    validate_update(
        moved_later, status=Status.ON_TRACK, note="", outcome="", date=datetime.date(2018, 10, 2)
    )
    # Closed statuses close the question, as the overdue rule says.
    validate_update(
        moved_later,
        status=Status.COMPLETED,
        note="",
        outcome="Delivered",
        date=datetime.date(2018, 9, 1),
    )


def test_what_a_row_shows_works_on_an_action_not_read_as_a_row(moved_later):
    plain = Action.objects.get(pk=moved_later.pk)
    assert plain.latest_update is None
    # Today (2026) it is past even the moved due date, 31 March 2019.
    assert plain.days_overdue == (datetime.date.today() - datetime.date(2019, 3, 31)).days
