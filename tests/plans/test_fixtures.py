"""The real Worcestershire agreements load as the documents wrote them."""

import datetime

import pytest
from django.core.management import call_command

from actions.models import Action, ActionLead
from actions.timescales import parse_timescale
from csa.models import Agreement, Section, Theme
from governance.models import Body, Chair, ReportingLine

APPENDIX_B_BODIES = {
    "SCB",
    "RROSG",
    "DAF",
    "PSG",
    "Channel Panel",
    "SMSOG",
    "NWCSP",
    "SWCSP",
    "WMCSLG",
    "WM PCC",
    "PCP",
    "WMCRB",
    "HWBB",
}


@pytest.fixture
def agreements(worcestershire):
    return {
        a.year_label: a
        for a in Agreement.objects.filter(board=worcestershire).order_by("period_start")
    }


def test_both_years_load_with_their_actions(agreements):
    assert set(agreements) == {"2017-18", "2018-19"}
    assert agreements["2017-18"].actions.count() == 13
    assert agreements["2018-19"].actions.count() == 12
    assert agreements["2018-19"].previous == agreements["2017-18"]
    assert agreements["2017-18"].status == Agreement.Status.SUPERSEDED
    assert agreements["2018-19"].status == Agreement.Status.ADOPTED


def test_every_appendix_b_body_is_there_with_a_chair(worcestershire):
    short_names = set(Body.objects.values_list("short_name", flat=True))
    assert short_names >= APPENDIX_B_BODIES
    for short_name in APPENDIX_B_BODIES:
        assert Chair.objects.filter(body__short_name=short_name, end__isnull=True).exists(), (
            short_name
        )
    assert Body.objects.get(short_name="Channel Panel").restricted is True
    scb_chair = Chair.objects.get(body__short_name="SCB", end__isnull=True)
    assert scb_chair.person.name == "Dr Frances Howie"
    assert scb_chair.person.post == "Director of Public Health"


def test_substance_misuse_group_reports_to_two_boards(worcestershire):
    smsog = Body.objects.get(short_name="SMSOG")
    assert set(smsog.reports_to.values_list("short_name", flat=True)) == {"SCB", "HWBB"}
    assert ReportingLine.objects.filter(from_body=smsog).count() == 2


def test_tbc_action_has_no_due_date(agreements):
    cse = agreements["2017-18"].actions.get(description__contains="CSE action plan")
    assert cse.timescale == "TBC"
    assert cse.due_date is None
    assert cse.timescale_kind == "tbc"


@pytest.mark.parametrize(
    ("year", "description", "timescale", "due"),
    [
        (
            "2017-18",
            "Review, update and continue",
            "June 2017 (New CTLP)",
            datetime.date(2017, 6, 30),
        ),
        ("2017-18", "programme of campaigns", "To March 2018", datetime.date(2018, 3, 31)),
        (
            "2018-19",
            "Drive Domestic Abuse",
            "Service to commence by July 2018",
            datetime.date(2018, 7, 31),
        ),
        ("2018-19", "Reducing Offending Strategy", "Sept 2018", datetime.date(2018, 9, 30)),
        ("2018-19", "Dovetail", "April 2019", datetime.date(2019, 4, 30)),
    ],
)
def test_timescales_as_written_and_due_dates(agreements, year, description, timescale, due):
    action = agreements[year].actions.get(description__contains=description)
    assert action.timescale == timescale
    assert action.due_date == due


def test_shipped_due_dates_agree_with_the_timescale_parser(worcestershire):
    for action in Action.objects.all():
        parsed = parse_timescale(action.timescale, reference_date=action.agreement.period_start)
        assert (action.due_date, action.timescale_kind) == (parsed.due_date, parsed.kind.value), (
            action.timescale
        )


def test_leads_are_organisations_and_bodies_as_written(agreements):
    prevent = agreements["2017-18"].actions.get(description__startswith="Review, update")
    assert prevent.leads_as_written == "WCC PH/PSG"
    parties = [str(lead.party) for lead in prevent.leads.select_related("organisation", "body")]
    assert parties == ["WCC PH", "Worcestershire Prevent Strategy Group"]
    for lead in ActionLead.objects.all():
        assert (lead.organisation_id is None) != (lead.body_id is None)


def test_carry_forward_links_follow_the_documents(agreements):
    blue_light = agreements["2018-19"].actions.get(description__startswith="Blue Light")
    assert blue_light.carries_forward.description == "Blue Light Project (Alcohol Concern) launched"
    carried = set(
        agreements["2018-19"]
        .actions.filter(carries_forward__isnull=False)
        .values_list("carries_forward__description", flat=True)
    )
    assert "Reducing Offending Strategy renewed and adopted" in carried
    assert "Review, update and continue to implement the Prevent Action Plan." in carried
    assert not any("CSE" in description for description in carried)


def test_theme_renamed_between_years_is_one_theme(agreements):
    theme = Theme.objects.get(key="domestic-abuse")
    assert theme.name == "Domestic Abuse"
    old = agreements["2017-18"].actions.filter(theme=theme)
    assert old.count() == 3
    assert {a.theme_as_written for a in old} == {"Domestic Abuse and Sexual Violence"}
    assert Theme.objects.get(key="hate-crime").parent.key == "harm-reduction"


def test_narrative_sections(agreements):
    assert list(agreements["2017-18"].sections.values_list("number", flat=True)) == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
    ]
    harm = Section.objects.get(agreement=agreements["2018-19"], number="6")
    assert harm.theme.key == "harm-reduction"
    assert harm.paragraphs[5].startswith("6.5 The SCB and CSPs")  # numbers shift, as written


def test_loading_twice_changes_nothing(worcestershire, agreements):
    counts = (Action.objects.count(), ActionLead.objects.count(), Body.objects.count())
    history = Action.history.count()
    call_command("load_agreement", "fixtures/worcestershire/2017-18.json")
    call_command("load_agreement", "fixtures/worcestershire/2018-19.json")
    assert (Action.objects.count(), ActionLead.objects.count(), Body.objects.count()) == counts
    assert Action.history.count() == history
    # Reloading the older year does not rename the theme back.
    assert Theme.objects.get(key="domestic-abuse").name == "Domestic Abuse"


def test_loaddata_reads_the_same_files_without_duplicates(db):
    for _ in range(2):
        call_command(
            "loaddata",
            "fixtures/worcestershire/2017-18.json",
            "fixtures/worcestershire/2018-19.json",
            verbosity=0,
        )
    assert Action.objects.count() == 25
    assert Agreement.objects.count() == 2


def test_every_loaded_record_has_a_history_row_with_its_reason(worcestershire):
    action = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    first = action.history.earliest("history_date")
    assert first.history_change_reason == "loaded from 2018-19.json"
    assert first.history_type == "+"
    assert Body.history.filter(history_change_reason="loaded from 2017-18.json").count() >= 13
