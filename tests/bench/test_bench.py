"""A small smoke run of the benchmark: the generator at a tiny scale, and the harness on it."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction

from actions.models import Action, ActionLead, ProgressUpdate
from actions.timescales import parse_timescale
from bench import run
from bench.synthetic import generate
from csa.models import Agreement, Theme
from governance.models import Body, ReportingLine, Role

# A fixed day, so that the data does not depend on when the test runs.
UNTIL = datetime.date(2026, 11, 26)


def tiny(seed=7, partnerships=2):
    return generate(partnerships=partnerships, years=2, actions_per_year=6, seed=seed, until=UNTIL)


def snapshot():
    """Everything a person would see of the generated plans, without primary keys."""
    return [
        (
            a.agreement.board.short_name,
            a.agreement.period_start,
            a.reference,
            a.description,
            a.timescale,
            a.due_date,
            a.status,
            a.leads_as_written,
            a.carries_forward.reference if a.carries_forward else None,
            tuple((u.date, u.status, u.note) for u in a.updates.order_by("date", "pk")),
        )
        for a in Action.objects.select_related("agreement__board", "carries_forward").order_by(
            "agreement__board__short_name", "agreement__period_start", "position"
        )
    ]


class Rollback(Exception):
    pass


def snapshot_of_a_run(seed):
    try:
        with transaction.atomic():
            tiny(seed=seed)
            result = snapshot()
            raise Rollback
    except Rollback:
        return result


@pytest.mark.django_db
def test_generates_partnerships_with_their_plans_updates_and_history():
    report = tiny()

    assert Body.objects.filter(kind=Body.Kind.BOARD, partnership=None).count() == 2
    assert Agreement.objects.count() == 4
    assert Action.objects.count() == 2 * 2 * 6
    assert report.counts["actions.Action"] == 24
    # A graph: the substance misuse group reports to two bodies.
    assert ReportingLine.objects.filter(from_body__short_name="P001 SMSOG").count() == 2
    assert Body.objects.filter(restricted=True).count() == 2
    # Short names are unique across partnerships, police forces are shared.
    assert Body.objects.filter(short_name="P002 SCB").exists()
    assert Role.objects.filter(kind=Role.Kind.CHAIR).count() == 2
    # Year after year: last year's agreement superseded, this year's adopted and its revision.
    current = Agreement.objects.get(board__short_name="P001 SCB", period_start__year=2026)
    assert current.status == Agreement.Status.ADOPTED
    assert current.previous.status == Agreement.Status.SUPERSEDED
    assert Action.objects.filter(agreement=current, carries_forward__isnull=False).exists()
    # Themes renamed between years keep the old name in their history.
    theme = Theme.objects.get(board__short_name="P001 SCB", key="domestic-abuse")
    assert theme.name == "Domestic Abuse"
    assert set(theme.history.values_list("name", flat=True)) == {
        "Domestic Abuse and Sexual Violence",
        "Domestic Abuse",
    }
    # Leads, updates about eight a year, and the status set by the latest one.
    assert ActionLead.objects.count() >= Action.objects.count()
    last_year = Action.objects.filter(agreement__period_start__year=2025)
    assert 5 * 12 <= ProgressUpdate.objects.filter(action__in=last_year).count() <= 11 * 12
    for action in Action.objects.all():
        latest = action.updates.order_by("-date", "-pk").first()
        if latest:
            assert action.status == latest.status
            assert action.agreement.period_start <= latest.date <= UNTIL
    # Timescales as written, with the due date derived from them.
    for action in Action.objects.select_related("agreement"):
        parsed = parse_timescale(action.timescale, reference_date=action.agreement.period_start)
        assert (action.due_date, action.timescale_kind) == (parsed.due_date, parsed.kind.value)
    assert Action.objects.filter(due_date__isnull=False).count() > 12
    # History: a "+" row for every row, and a "~" for the action at every update.
    assert ProgressUpdate.history.filter(history_type="+").count() == ProgressUpdate.objects.count()
    assert Action.history.filter(history_type="+").count() == Action.objects.count()
    assert Action.history.filter(history_type="~").count() == ProgressUpdate.objects.count()
    assert ActionLead.history.count() == ActionLead.objects.count()
    assert not Action.history.filter(history_type="+").exclude(status="not_started").exists()
    # One password hash for every account, which works.
    user = get_user_model().objects.get(username="p001-chair")
    assert user.check_password("bench-password-2026")


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    first, again, other = snapshot_of_a_run(7), snapshot_of_a_run(7), snapshot_of_a_run(8)
    assert first and first == again
    assert other != first


@pytest.mark.django_db
def test_partnership_one_is_the_same_whatever_the_number_of_partnerships():
    """What lets the benchmark compare the same user's pages at two scales."""
    one = snapshot_of_a_run(7)
    try:
        with transaction.atomic():
            tiny(seed=7, partnerships=3)
            three = snapshot()
            raise Rollback
    except Rollback:
        pass
    assert [row for row in three if row[0] == "P001 SCB"] == [
        row for row in one if row[0] == "P001 SCB"
    ]


@pytest.mark.django_db
def test_command_generates_and_refuses_to_generate_twice(capsys):
    args = ["--partnerships", "1", "--years", "2", "--actions-per-year", "3", "--seed", "1",
            "--until", "2026-11-26"]  # fmt: skip
    call_command("generate_synthetic", *args)
    assert "actions.Action: 6" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already exist"):
        call_command("generate_synthetic", *args)
    assert Action.objects.count() == 6


@pytest.mark.django_db
def test_harness_measures_every_page_with_its_query_count(tmp_path):
    tiny()
    measured = run.measure(repeat=2, warmup=1)

    pages = measured["pages"]
    assert set(pages) == {page.key for page in run.PAGES}
    resolved = [row for row in pages.values() if row["outcome"] != "missing"]
    assert resolved, "at least the landing page resolves"
    for row in resolved:
        assert row["queries"] > 0
        assert row["median_ms"] > 0 and row["p95_ms"] >= row["median_ms"]
        assert row["floor_sql_ms"] > 0
    for row in pages.values():
        assert row["outcome"] == "missing" or isinstance(row["queries"], int)

    compared = run.compare(measured, measured)
    for key, row in compared.items():
        if pages[key]["outcome"] == "ok":
            assert row["queries_equal"] and row["growth"] == 1.0
    results = {
        "repeat": 2,
        "databases": {
            "sqlite": {
                "compared": ["tiny", "tiny"],
                "scales": {
                    "tiny": {
                        "partnerships": 2, "years": 2, "actions_per_year": 6,
                        "rows": {"actions.Action": 24},
                        "timings": {"migrate_s": 0, "generate_s": 0},
                    }
                },
                "pages": compared,
            }
        },
    }  # fmt: skip
    output = tmp_path / "results.json"
    output.write_text(json.dumps(results, default=str))
    assert json.loads(output.read_text())["databases"]["sqlite"]["pages"]
    table = run.render_markdown(results)
    assert "| Dashboard today |" in table


def test_status_form_parser_finds_the_fields_to_post():
    form = run._status_form(
        '<form method="get"><input name="q"></form>'
        '<form method="post" action="/actions/1/update/">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input type="radio" name="status" value="on_track" checked>'
        '<input type="radio" name="status" value="at_risk">'
        '<input type="hidden" name="version" value="3"><textarea name="note"></textarea>'
        '<select name="meeting"><option value="">None</option><option value="9" selected>'
        "</option></select><button type=submit>Save</button></form>"
    )
    assert form["action"] == "/actions/1/update/"
    assert form["fields"] == {
        "csrfmiddlewaretoken": "t",
        "status": "on_track",
        "version": "3",
        "note": "",
        "meeting": "9",
    }
