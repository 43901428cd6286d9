"""Rolling 2018-19 over into a 2019-20 draft, adopting it, and every refusal writing nothing."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import model_to_dict
from django.urls import reverse

from actions.models import Action, ActionLead
from csa.models import Agreement, Section
from plans.models import RolloverDecision
from plans.services import ActionChoice, agreement_adopt, agreement_rollover, choice_field

Outcome = RolloverDecision.Outcome


@pytest.fixture
def year(worcestershire):
    return Agreement.objects.get(board=worcestershire, period_start="2018-04-01")


def _snapshot():
    """Every row the roll-over could touch, to prove that a refusal changed nothing."""
    rows = {}
    for model in (Agreement, Section, Action, ActionLead, RolloverDecision):
        rows[model.__name__] = [model_to_dict(o) for o in model.objects.order_by("pk")]
        rows[model.__name__ + " history"] = model.history.count()
    return json.dumps(rows, cls=DjangoJSONEncoder, sort_keys=True, default=str)


def _choices(agreement, *, close=None, reword=None):
    close, reword = close or {}, reword or {}
    result = []
    for action in agreement.actions.order_by("position"):
        if action.reference in close:
            outcome, reason = close[action.reference]
            result.append(ActionChoice(action=action, outcome=outcome, reason=reason))
        else:
            result.append(
                ActionChoice(
                    action=action,
                    outcome=Outcome.CARRIED,
                    description=reword.get(action.reference, action.description),
                    timescale=action.timescale,
                )
            )
    return result


def test_rollover_of_2018_19_carries_some_actions_and_closes_others(year, coordinator):
    before = {a.pk: model_to_dict(a) for a in Action.objects.filter(agreement=year)}
    new = agreement_rollover(
        agreement=year,
        user=coordinator,
        choices=_choices(
            year,
            close={
                "A3": (Outcome.COMPLETED, "Response to the consultation sent in May"),
                "A12": (Outcome.DROPPED, "Taken over by the Violence Reduction Unit"),
            },
            reword={"A4": "Blue Light Project scheme (Alcohol Concern) extended to Bromsgrove"},
        ),
    )
    assert new.period_start == datetime.date(2019, 4, 1)
    assert new.period_end == datetime.date(2020, 3, 31)
    assert new.status == Agreement.Status.DRAFT and new.previous == year
    assert new.year_label == "2019-20"
    assert [s.text for s in new.sections.all()] == [s.text for s in year.sections.all()]

    carried = list(new.actions.order_by("position"))
    assert len(carried) == 10
    assert [a.reference for a in carried] == [f"A{n}" for n in range(1, 11)]
    blue_light = next(a for a in carried if a.carries_forward.reference == "A4")
    assert blue_light.description.endswith("extended to Bromsgrove")
    assert blue_light.theme.key == "alcohol-substance-misuse"
    assert [str(lead) for lead in blue_light.leads.all()] == ["Swanswell", "WCC PH"]
    assert blue_light.history.first().history_change_reason == "rolled over from 2018-19"
    assert blue_light.history.first().history_user == coordinator

    decisions = {d.action.reference: d for d in new.rollover_decisions.select_related("action")}
    assert decisions["A3"].outcome == Outcome.COMPLETED
    assert decisions["A12"].reason == "Taken over by the Violence Reduction Unit"
    assert decisions["A4"].outcome == Outcome.CARRIED
    # Last year's plan is exactly as it was.
    year.refresh_from_db()
    assert year.status == Agreement.Status.ADOPTED
    after = {a.pk: model_to_dict(a) for a in Action.objects.filter(agreement=year)}
    assert after == before


def test_adopting_the_draft_supersedes_last_year(year, coordinator):
    new = agreement_rollover(agreement=year, user=coordinator, choices=_choices(year))
    agreement_adopt(agreement=new, user=coordinator)
    new.refresh_from_db()
    year.refresh_from_db()
    assert new.status == Agreement.Status.ADOPTED
    assert year.status == Agreement.Status.SUPERSEDED
    assert year.history.first().history_change_reason == "superseded by the 2019-20 agreement"


def test_rolling_into_a_period_that_has_an_agreement_is_refused(year, coordinator):
    Agreement.objects.create(
        board=year.board,
        title="Already here",
        period_start=datetime.date(2019, 4, 1),
        period_end=datetime.date(2020, 3, 31),
    )
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        agreement_rollover(agreement=year, user=coordinator, choices=_choices(year))
    assert "already has an agreement for 2019-20 (Already here)" in error.value.messages[0]
    assert _snapshot() == before


def test_rolling_over_a_draft_is_refused(year, coordinator):
    new = agreement_rollover(agreement=year, user=coordinator, choices=_choices(year))
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        agreement_rollover(agreement=new, user=coordinator, choices=_choices(new))
    assert "is a draft: adopt it before rolling it over" in error.value.messages[0]
    assert _snapshot() == before


def test_rolling_over_twice_is_refused(year, coordinator):
    agreement_rollover(agreement=year, user=coordinator, choices=_choices(year))
    before = _snapshot()
    with pytest.raises(ValidationError, match="already has an agreement for 2019-20"):
        agreement_rollover(agreement=year, user=coordinator, choices=_choices(year))
    assert _snapshot() == before


def test_closing_without_a_reason_and_undecided_actions_are_refused(year, coordinator):
    choices = _choices(year, close={"A3": (Outcome.DROPPED, "  ")})
    choices = [c for c in choices if c.action.reference != "A5"]
    a1 = next(c for c in choices if c.action.reference == "A1")
    a1.description = ""
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        agreement_rollover(agreement=year, user=coordinator, choices=choices)
    errors = error.value.message_dict
    a3 = Action.objects.get(agreement=year, reference="A3")
    a5 = Action.objects.get(agreement=year, reference="A5")
    assert errors[choice_field(a3.pk, "reason")] == [
        "A3 (Co-ordinate response to Government Domestic Abuse…): enter why it is "
        "dropped rather than carried forward."
    ]
    assert "choose whether to carry it forward" in errors[choice_field(a5.pk, "outcome")][0]
    assert "enter the wording" in errors[choice_field(a1.action.pk, "description")][0]
    assert _snapshot() == before


def test_adopting_with_an_action_without_a_lead_or_theme_is_refused(year, coordinator):
    new = agreement_rollover(agreement=year, user=coordinator, choices=_choices(year))
    first = new.actions.order_by("position").first()
    first.leads.all().delete()
    second = new.actions.order_by("position")[1]
    Action.objects.filter(pk=second.pk).update(theme=None)
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        agreement_adopt(agreement=new, user=coordinator)
    assert any("A1" in m and "has no lead" in m for m in error.value.messages)
    assert any("A2" in m and "has no theme" in m for m in error.value.messages)
    assert _snapshot() == before
    year.refresh_from_db()
    assert year.status == Agreement.Status.ADOPTED


def test_adopting_an_adopted_agreement_is_refused(year, coordinator):
    before = _snapshot()
    with pytest.raises(ValidationError, match="only a draft can be adopted"):
        agreement_adopt(agreement=year, user=coordinator)
    assert _snapshot() == before


# --- the command ---------------------------------------------------------------------------


def test_command_rolls_over(year, capsys):
    call_command(
        "rollover",
        "--agreement",
        "SCB:2018-19",
        "--carry",
        "A1,A4",
        "--reword",
        "A4=Blue Light extended to Wyre Forest",
        "--close",
        "A3=completed:Response sent",
        "--close",
        "A12=dropped:Now led by the police",
        "--carry-rest",
    )
    new = Agreement.objects.get(previous=year)
    assert new.actions.count() == 10
    assert new.actions.get(carries_forward__reference="A4").description == (
        "Blue Light extended to Wyre Forest"
    )
    assert "Created the draft" in capsys.readouterr().out


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--carry", "A1"], "choose whether to carry it forward"),
        (["--carry-rest", "--close", "A3=finished:done"], "REF=completed:REASON"),
        (["--carry-rest", "--close", "A99=dropped:gone"], "no action 'A99'"),
        (["--carry-rest", "--close", "A3=dropped:"], "enter why it is dropped"),
        (["--carry", "A1", "--close", "A1=dropped:x", "--carry-rest"], "decided twice"),
    ],
)
def test_command_refuses_bad_input_and_writes_nothing(year, arguments, message):
    before = _snapshot()
    with pytest.raises(CommandError, match=message):
        call_command("rollover", "--agreement", "SCB:2018-19", *arguments)
    assert _snapshot() == before


def test_command_refuses_an_unknown_agreement(year):
    with pytest.raises(CommandError, match="has no 2030-31 agreement"):
        call_command("rollover", "--agreement", "SCB:2030-31", "--carry-rest")


# --- the page -------------------------------------------------------------------------------


def _form_data(agreement, *, close=None, skip=()):
    data = {}
    for action in agreement.actions.all():
        if action.reference in skip:
            continue
        outcome, reason = (close or {}).get(action.reference, (Outcome.CARRIED, ""))
        data[choice_field(action.pk, "outcome")] = outcome
        data[choice_field(action.pk, "description")] = action.description
        data[choice_field(action.pk, "timescale")] = action.timescale
        data[choice_field(action.pk, "reason")] = reason
    return data


def test_officer_cannot_open_the_rollover_page(client, year, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    url = reverse("plans:agreement_rollover", args=[year.pk])
    assert client.get(url).status_code == 403
    before = _snapshot()
    assert client.post(url, _form_data(year)).status_code == 403
    assert _snapshot() == before


def test_coordinator_rolls_over_through_the_page(client, year, coordinator):
    client.force_login(coordinator)
    url = reverse("plans:agreement_rollover", args=[year.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Blue Light Project scheme (Alcohol Concern) extended to Redditch" in page.text
    response = client.post(
        url, _form_data(year, close={"A12": (Outcome.DROPPED, "Led by the police now")})
    )
    new = Agreement.objects.get(previous=year)
    assert response.status_code == 302
    assert response.url == reverse("plans:agreement_detail", args=[new.pk])
    assert new.actions.count() == 11
    assert new.rollover_decisions.get(outcome=Outcome.DROPPED).action.reference == "A12"
    assert new.history.first().history_user == coordinator


def test_page_errors_link_to_fields_and_keep_what_was_typed(client, year, coordinator):
    client.force_login(coordinator)
    url = reverse("plans:agreement_rollover", args=[year.pk])
    data = _form_data(year, close={"A3": (Outcome.DROPPED, "")}, skip=("A5",))
    a4 = Action.objects.get(agreement=year, reference="A4")
    data[choice_field(a4.pk, "description")] = "My careful new wording for the Blue Light work"
    before = _snapshot()
    response = client.post(url, data)
    assert response.status_code == 400
    assert _snapshot() == before
    html = response.text
    a3 = Action.objects.get(agreement=year, reference="A3")
    a5 = Action.objects.get(agreement=year, reference="A5")
    assert "<title>Error: " in html
    assert f'href="#id_{choice_field(a3.pk, "reason")}"' in html
    assert f'href="#id_{choice_field(a5.pk, "outcome")}_0"' in html
    assert f'id="id_{choice_field(a5.pk, "outcome")}_0"' in html
    assert "My careful new wording for the Blue Light work" in html


def test_page_refuses_a_period_that_has_an_agreement(client, year, coordinator):
    Agreement.objects.create(
        board=year.board,
        title="Already here",
        period_start=datetime.date(2019, 4, 1),
        period_end=datetime.date(2020, 3, 31),
    )
    client.force_login(coordinator)
    url = reverse("plans:agreement_rollover", args=[year.pk])
    before = _snapshot()
    response = client.post(url, _form_data(year))
    assert response.status_code == 200
    assert "already has an agreement for 2019-20" in response.text
    assert _snapshot() == before


def test_adopt_page(client, year, coordinator, officer_wcc_ph):
    new = agreement_rollover(agreement=year, user=coordinator, choices=_choices(year))
    url = reverse("plans:agreement_adopt", args=[new.pk])
    client.force_login(officer_wcc_ph)
    assert client.post(url).status_code == 403
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == Agreement.Status.ADOPTED


def test_adopt_page_shows_why_it_is_refused(client, year, coordinator):
    new = agreement_rollover(agreement=year, user=coordinator, choices=_choices(year))
    new.actions.order_by("position").first().leads.all().delete()
    client.force_login(coordinator)
    before = _snapshot()
    response = client.post(reverse("plans:agreement_adopt", args=[new.pk]))
    assert response.status_code == 400
    assert "has no lead" in response.text
    assert _snapshot() == before


@pytest.mark.parametrize(
    "label, message",
    [
        ("SCB:0000", "the year must start between 1900 and 2100"),
        ("SCB:0000-01", "the year must start between 1900 and 2100"),
        ("SCB:9999-00", "the year must start between 1900 and 2100"),
        ("SCB:2018-20", "2018-20 is not a financial year; did you mean 2018-19"),
        ("SCB:18-19", "write it as BOARD:YYYY-YY"),
        ("SCB:2018/19", "write it as BOARD:YYYY-YY"),
        ("SCB", "write it as BOARD:YYYY-YY"),
        (":2018-19", "write it as BOARD:YYYY-YY"),
    ],
)
def test_command_refuses_a_bad_agreement_label(year, label, message):
    before = _snapshot()
    with pytest.raises(CommandError, match=message) as error:
        call_command("rollover", "--agreement", label, "--carry-rest")
    assert error.value.returncode == 2
    assert _snapshot() == before


def test_command_accepts_the_start_year_alone(year, capsys):
    call_command("rollover", "--agreement", "SCB:2018", "--carry-rest")
    assert Agreement.objects.filter(previous=year).exists()
