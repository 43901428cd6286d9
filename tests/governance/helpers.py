"""Builders for the governance tests: meetings and actions of the loaded Worcestershire plan."""

import datetime

from actions.models import Action, ActionLead, ProgressUpdate
from csa.models import Agreement
from governance.models import Body, Meeting, Organisation

_counter = {"n": 0}


def agreement_2018(board=None):
    board = board or Body.objects.get(short_name="SCB")
    return Agreement.objects.get(board=board, period_start=datetime.date(2018, 4, 1))


def make_meeting(body, *, date=datetime.date(2018, 11, 1), title=None, **fields):
    _counter["n"] += 1
    return Meeting.objects.create(
        body=body, date=date, title=title or f"Meeting {_counter['n']}", **fields
    )


def make_action(
    *,
    agreement=None,
    lead=None,
    description=None,
    due_date=datetime.date(2018, 9, 30),
    origin_meeting=None,
):
    """An action of the 2018-19 plan (by default) led by an organisation or a body."""
    agreement = agreement or agreement_2018()
    _counter["n"] += 1
    n = _counter["n"]
    action = Action.objects.create(
        agreement=agreement,
        reference=f"T{n}",
        position=100 + n,
        description=description or f"Test action number {n}",
        timescale=f"{due_date:%B %Y}" if due_date else "TBC",
        timescale_kind="by_date" if due_date else "tbc",
        due_date=due_date,
        origin_meeting=origin_meeting,
    )
    lead = lead or Organisation.objects.get(short_name="WCC PH")
    ActionLead.objects.create(
        action=action,
        position=1,
        organisation=lead if isinstance(lead, Organisation) else None,
        body=lead if isinstance(lead, Body) else None,
    )
    return action


def make_update(action, *, date, status="on_track", note="Going well.", meeting=None):
    return ProgressUpdate.objects.create(
        action=action, date=date, status=status, note=note, meeting=meeting
    )
