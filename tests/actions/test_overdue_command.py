"""`manage.py overdue`: the same overdue list as the dashboard; exit code 2 on bad input."""

import datetime
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.models import Action, ActionLead, Status
from actions.services import progress_update_create
from governance.models import Body, Meeting
from tests.actions.factories import ActionFactory
from tests.actions.test_dashboard import agreement_of
from tests.served import served

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = StringIO()
    call_command("overdue", *args, stdout=out)
    return out.getvalue()


def test_json_lists_the_eleven_overdue_actions_of_2018_19(worcestershire, client, chair):
    rows = json.loads(
        run("--agreement", "SCB:2018-19", "--as-of", "2019-04-01", "--format", "json")
    )

    client.force_login(chair)
    dashboard = client.get(
        reverse("actions:dashboard"), {"agreement": agreement_of(2018).pk, "as_of": "2019-04-01"}
    )
    assert [r["reference"] for r in rows] == served(dashboard).references("overdue")
    assert len(rows) == 11
    first = rows[0]
    assert first == {
        "agreement": "SCB:2018-19",
        "reference": "A3",
        "due_date": "2018-05-31",
        "days_overdue": 305,
        "status": "Not started",
        "leads": "Domestic Abuse Forum",
        "last_update": "",
        "description": first["description"],
    }


def test_restricted_bodies_actions_are_left_out_unless_asked_for(worcestershire):
    channel = Body.objects.get(short_name="Channel Panel")
    agreement = agreement_of(2018)
    led = ActionFactory(
        agreement=agreement,
        reference="C1",
        description="Review Channel Panel referrals",
        due_date=datetime.date(2018, 9, 30),
    )
    ActionLead.objects.create(action=led, position=1, body=channel)
    arising = ActionFactory(
        agreement=agreement,
        reference="C2",
        description="Chase the Prevent lead",
        due_date=datetime.date(2018, 10, 31),
        origin_meeting=Meeting.objects.create(
            body=channel, date=datetime.date(2018, 7, 1), title="Channel case conference"
        ),
    )
    args = ("--agreement", "SCB:2018-19", "--as-of", "2019-04-01", "--format", "json")

    by_default = [r["reference"] for r in json.loads(run(*args))]
    included = [r["reference"] for r in json.loads(run(*args, "--include-restricted"))]

    assert len(by_default) == 11
    assert led.reference not in by_default and arising.reference not in by_default
    assert sorted(included) == sorted([*by_default, led.reference, arising.reference])
    assert "Review Channel Panel referrals" not in run(*args[:4])


def test_help_says_what_is_left_out():
    result = subprocess.run(
        [sys.executable, "manage.py", "overdue", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    words = " ".join(result.stdout.split())
    assert "Actions led by a restricted body" in words
    assert "are left out unless --include-restricted is given" in words
    assert "--include-restricted Also list actions led by restricted bodies" in words


def test_csv_and_table_formats(worcestershire):
    text = run(
        "--agreement", str(agreement_of(2017).pk), "--as-of", "2018-04-01", "--format", "csv"
    )
    lines = text.strip().splitlines()
    assert lines[0].startswith("agreement,reference,due_date,days_overdue")
    assert len(lines) == 13  # header and 12 overdue: the TBC (CSE) action is not
    assert not any(",A9," in line for line in lines)

    table = run("--agreement", "SCB:2017-18", "--as-of", "2018-04-01")
    assert "Overdue actions as of 2018-04-01 (agreements: SCB 2017-18): 12" in table
    assert "A9 " not in table


def test_default_is_every_agreement_in_force_on_the_day(worcestershire, officer_wcc_ph):
    rows = json.loads(run("--as-of", "2019-03-01", "--format", "json"))
    # 2018-19 only (2017-18 ended in March 2018): all but A2 (March 2019) and A8 (April 2019).
    assert {r["agreement"] for r in rows} == {"SCB:2018-19"}
    assert len(rows) == 10

    progress_update_create(
        action=Action.objects.get(agreement=agreement_of(2018), reference="A1"),
        author=officer_wcc_ph,
        status=Status.COMPLETED,
        outcome="Running",
        date=datetime.date(2019, 5, 1),
    )
    assert len(json.loads(run("--as-of", "2019-03-01", "--format", "json"))) == 10  # history
    assert "Overdue actions as of 2017-03-01 (agreements: none): 0" in run("--as-of", "2017-03-01")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2018-02-30"], "is not a real date"),
        (["--as-of", "01/04/2019"], "is not a real date"),
        (["--agreement", "SCB:2018-20"], "is not a financial year"),
        (["--agreement", "SCB:2030-31"], "there is no such agreement"),
        (["--agreement", "999999"], "there is no such agreement"),
        (["--agreement", "last year"], "give BOARD:YYYY-YY"),
    ],
)
def test_bad_arguments_exit_with_code_2_and_a_message(worcestershire, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        run(*args)
    assert raised.value.returncode == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--as-of", "2018-02-30"], "is not a real date"), (["--format", "xml"], "invalid choice")],
)
def test_from_the_command_line_a_bad_argument_exits_2_with_stderr(args, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "overdue", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_csv_guards_text_a_spreadsheet_would_run_as_a_formula(worcestershire):
    # Issue 16: the command's CSV is mailed round and opened in Excel like the web export.
    Action.objects.filter(agreement=agreement_of(2017), reference="A1").update(
        description='=HYPERLINK("http://example.invalid","click")'
    )
    text = run("--agreement", "SCB:2017-18", "--as-of", "2018-04-01", "--format", "csv")
    assert ',"\'=HYPERLINK(""http://example.invalid"",""click"")"' in text
    assert ',"=HYPERLINK' not in text
