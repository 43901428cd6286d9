"""A row read as values (actions.rows, for tables) is the row read from an Action (exports,
the plan page): every field the same, for every action of the shipped data, on days before,
during and after the plans' years, seen by someone who may see everything and by someone the
restricted rule applies to."""

import dataclasses
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ProgressUpdate, Status, user_display_name
from actions.rows import ActionRow, action_rows, counted_rows
from csa.models import Agreement
from governance.models import Role

pytestmark = pytest.mark.django_db

DAYS = [datetime.date(2017, 3, 1), datetime.date(2018, 11, 15), datetime.date(2026, 12, 6)]


def _comparable(row: ActionRow) -> dict:
    fields = {field.name: getattr(row, field.name) for field in dataclasses.fields(row)}
    fields["leads"] = [(lead.pk, lead.organisation_id, lead.body_id) for lead in row.leads]
    latest = row.latest_update
    fields["latest_update"] = latest and (latest.pk, latest.date, latest.note, latest.author_name)
    for name in ("agreement", "board", "theme", "origin_meeting"):
        fields[name] = fields[name] and fields[name].pk
    fields["latest_update_author"] = row.latest_update_author  # the author's Person, fetched
    return fields


@pytest.mark.parametrize("day", DAYS)
def test_a_row_read_as_values_is_the_row_read_from_its_action(shipped_data, day):
    roles = [
        Role.objects.filter(kind=kind).select_related("user").order_by("pk").first()
        for kind in (Role.Kind.CHAIR, Role.Kind.OFFICER)
    ]
    # Updates by people (named through their Person) on a few actions, two on one day: the
    # later recorded is the latest.
    for number, action in enumerate(Action.objects.order_by("pk")[:12]):
        author = roles[number % 2].user
        for date, status, note in (
            (datetime.date(2018, 6, 1), Status.ON_TRACK, "Started"),
            (datetime.date(2018, 10, 1), Status.AT_RISK, "Slipping"),
            (datetime.date(2018, 10, 1), Status.OFF_TRACK, f"Stopped, {number}"),
        ):
            ProgressUpdate.objects.create(
                action=action, date=date, status=status, note=note, author=author
            )
    for role in roles:
        user = role.user
        actions = Action.objects.visible_to(user).rows(day).order_by("pk")
        as_actions = [_comparable(ActionRow.of(action)) for action in actions]
        as_values = [_comparable(row) for row in action_rows(actions)]
        assert len(as_values) > 20
        assert any(row["latest_update_author"] for row in as_values) == (day > DAYS[0])
        assert as_values == as_actions
        # A page of them with its count (the list's): the same rows, and how many in all.
        page, matching = counted_rows(actions, 5, 15)
        assert [_comparable(row) for row in page] == as_actions[5:15]
        assert matching == len(as_actions)


def test_a_row_names_an_updates_author_as_every_page_does(shipped_data):
    """By their Person's name; without one, by their account's full name, else its username;
    an update loaded from a file (no author) by no one: as user_display_name, read as values."""
    users = get_user_model().objects
    authors = [
        Role.objects.filter(kind=Role.Kind.OFFICER).select_related("user").first().user,
        users.create_user(username="jlee", first_name="Jo", last_name="Lee"),
        users.create_user(username="no-name"),
        None,
    ]
    actions = list(Action.objects.order_by("pk")[: len(authors)])
    for action, author in zip(actions, authors, strict=True):
        ProgressUpdate.objects.create(
            action=action, date=datetime.date(2018, 6, 1), status=Status.ON_TRACK,
            note="Started", author=author,
        )  # fmt: skip
    rows = action_rows(Action.objects.filter(pk__in=[a.pk for a in actions]).rows(DAYS[1]))
    named = {row.pk: row.latest_update_author for row in rows}
    person = authors[0].person.name
    assert [named[action.pk] for action in actions] == [person, "Jo Lee", "no-name", ""]
    assert [named[action.pk] for action in actions] == [
        user_display_name(ProgressUpdate.objects.get(action=action).author) for action in actions
    ]


def test_a_plan_the_page_has_already_is_not_fetched_again(shipped_data):
    """The dashboard and the list pass the plan their form chose (with its board): the rows
    are the same, one query fewer. A plan without its board fetched is fetched as before."""
    role = Role.objects.filter(kind=Role.Kind.CHAIR).select_related("user").first()
    chair = role.user
    plan = (
        Agreement.objects.select_related("board")
        .filter(board_id=role.board_id, actions__isnull=False)
        .first()
    )
    actions = Action.objects.visible_to(chair).filter(agreement=plan).rows(DAYS[1]).order_by("pk")
    read = [_comparable(row) for row in action_rows(actions)]
    assert read
    with CaptureQueriesContext(connection) as fetching:
        action_rows(actions)
    with CaptureQueriesContext(connection) as given:
        known = [_comparable(row) for row in action_rows(actions, agreements=[plan])]
    assert known == read
    assert len(given) == len(fetching) - 1
    page, _ = counted_rows(actions, 0, 10, agreements=[plan])
    assert [_comparable(row) for row in page] == read[:10]
    # Without its board (not select_related), the plan is fetched: its board is read from it.
    bare = Agreement.objects.get(pk=plan.pk)
    with CaptureQueriesContext(connection) as bare_given:
        assert [_comparable(row) for row in action_rows(actions, agreements=[bare])] == read
    assert len(bare_given) == len(fetching)
