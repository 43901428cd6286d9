"""Update rounds sit in actions, below the pages that read them (the board report, the agenda
helper, the meeting page) and reminders, which opens and chases them: each imports them
directly, with no registry in between, and the layer contract sees every dependency.

The model moved from reminders by migrations that change Django's record only: the tables,
their rows and the sends' key to a round are the ones reminders made."""

import datetime
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from actions.models import Action, UpdateRound
from governance.models import Meeting
from reminders.models import ReminderSend

BEFORE_THE_MOVE = [("actions", "0007_timescale_kind_approximate"), ("reminders", "0001_initial")]
AFTER_THE_MOVE = [
    ("actions", "0008_updateround_moved_from_reminders"),
    ("reminders", "0002_updateround_moved_to_actions"),
]


def test_the_layer_contract_holds_with_no_hook_registry():
    assert importlib.util.find_spec("actions.hooks") is None
    result = subprocess.run(
        [Path(sys.executable).with_name("lint-imports"), "--no-cache"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_rounds_keep_the_tables_reminders_made():
    assert UpdateRound._meta.db_table == "reminders_updateround"
    assert UpdateRound.actions.through._meta.db_table == "reminders_updateround_actions"
    assert ReminderSend._meta.get_field("update_round").related_model is UpdateRound


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_round_and_touches_no_table(worcestershire, coordinator):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE_THE_MOVE)
        old = executor.loader.project_state(BEFORE_THE_MOVE).apps
        meeting = Meeting.objects.create(
            body=worcestershire, date=datetime.date(2018, 7, 31), title="Quarterly performance"
        )
        actions = list(Action.objects.filter(agreement__board=worcestershire).order_by("pk")[:3])
        round_before = old.get_model("reminders", "UpdateRound").objects.create(
            meeting_id=meeting.pk,
            agreement_id=actions[0].agreement_id,
            deadline=meeting.date,
            message="Opened before the move",
        )
        round_before.actions.set([action.pk for action in actions])
        old.get_model("reminders", "ReminderSend").objects.create(
            user_id=coordinator.pk,
            kind="round_opened",
            day=meeting.date,
            update_round_id=round_before.pk,
            email="lead@example.org",
            subject="Update round",
        )
        content_type_pk = ContentType.objects.get(app_label="reminders", model="updateround").pk

        with CaptureQueriesContext(connection) as queries:
            MigrationExecutor(connection).migrate(AFTER_THE_MOVE)
    finally:
        # Whatever happened, later tests find the database as the migrations leave it.
        MigrationExecutor(connection).migrate(latest)

    schema_changes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("CREATE", "ALTER", "DROP", "RENAME"))
    ]
    assert schema_changes == []
    update_round = UpdateRound.objects.get(pk=round_before.pk)
    assert update_round.message == "Opened before the move"
    assert update_round.meeting == meeting
    assert sorted(update_round.actions.values_list("pk", flat=True)) == [a.pk for a in actions]
    assert ReminderSend.objects.get().update_round == update_round
    assert list(meeting.update_rounds.all()) == [update_round]
    # The permissions on rounds follow the model rather than stay on a stale type.
    moved = ContentType.objects.get(pk=content_type_pk)
    assert (moved.app_label, moved.model) == ("actions", "updateround")
