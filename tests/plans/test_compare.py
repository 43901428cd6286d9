"""2018-19 compared with 2017-18: actions carried, new and not carried; the narrative redline."""

import datetime
import re

import pytest
from django.urls import reverse

from actions.models import Action, ActionLead
from csa.models import Agreement
from plans.compare import compare_paragraphs, compare_years, is_changed, word_diff
from tests.actions.factories import ActionFactory, ActionLeadFactory
from tests.csa.factories import AgreementFactory, SectionFactory, ThemeFactory


def _redline(segments):
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[s.kind].format(s.text) for s in segments)


@pytest.fixture
def years(worcestershire):
    old = Agreement.objects.get(board=worcestershire, period_start="2017-04-01")
    new = Agreement.objects.get(board=worcestershire, period_start="2018-04-01")
    return old, new


def test_word_diff_shows_the_blue_light_rewording():
    segments = word_diff(
        "Blue Light Project (Alcohol Concern) launched",
        "Blue Light Project scheme (Alcohol Concern) extended to Redditch",
    )
    assert _redline(segments) == (
        "Blue Light Project{+ scheme+} (Alcohol Concern) [-launched-] {+extended to Redditch+}"
    )


def test_word_diff_of_equal_text_has_no_change():
    segments = word_diff("Same words.", "Same words.")
    assert not is_changed(segments)
    assert "".join(s.text for s in segments) == "Same words."


def test_paragraphs_are_matched_by_their_words_not_their_numbers():
    old = ["6.6 The SCB supports the CSE plan of the Board.", "6.7 Prevent remains a priority."]
    new = ["6.5 The SCB supports the CSE plan of the Government.", "6.6 A new paragraph entirely."]
    changes = compare_paragraphs(old, new)
    assert [c.kind for c in changes] == ["revised", "inserted", "deleted"]
    assert _redline(changes[0].segments).startswith("6.[-6-] {+5+} The SCB")
    assert "[-Board-] {+Government+}" in _redline(changes[0].segments)


def test_fixtures_comparison_actions(years):
    old, new = years
    comparison = compare_years(old, new)
    by_key = {t.theme.key: t for t in comparison.themes if t.theme}

    alcohol = by_key["alcohol-substance-misuse"]
    (blue_light,) = [c for c in alcohol.carried if c.old.reference == "A4"]
    assert blue_light.new.reference == "A4"
    assert blue_light.reworded
    assert "[-launched-] {+extended to Redditch+}" in _redline(blue_light.description)
    assert "[-June 2017-] {+Dec 2018+}" in _redline(blue_light.timescale)
    assert "Swanswell{+ / WCC PH+}" in _redline(blue_light.leads)

    assert [a.reference for a in by_key["modern-slavery"].new] == ["A10", "A11"]
    assert [a.reference for a in by_key["violence"].new] == ["A12"]
    assert not by_key["modern-slavery"].carried and not by_key["modern-slavery"].closed

    cse = by_key["cse"]
    assert [c.old.description for c in cse.closed] == [
        "Contribute to the development and implementation of the new CSE action plan"
    ]
    assert cse.summary == "0 carried forward, 0 new, 1 not carried"

    domestic = by_key["domestic-abuse"]
    assert domestic.renamed_from == "Domestic Abuse and Sexual Violence"
    assert domestic.name == "Domestic Abuse"
    assert domestic.summary == "0 carried forward, 3 new, 3 not carried"
    assert comparison.totals == {"carried": 4, "new": 8, "closed": 9}


def test_fixtures_narrative_redline(years):
    old, new = years
    sections = compare_years(old, new).sections
    harm = next(s for s in sections if s.new is not None)
    assert harm.kind == "revised"
    texts = [_redline(p.segments) for p in harm.paragraphs]
    assert any("6.[-6-] {+5+} The SCB and CSPs" in t for t in texts)
    assert any(t.startswith("{+6.9 The response to the Modern Slavery") for t in texts)
    assert any("[-will be-] {+has been+}" in t for t in texts)
    not_carried = [s for s in sections if s.kind == "not_carried"]
    assert len(not_carried) == 5  # 2018-19 revised section 6 only


def test_compare_page_reads_as_a_redline(client, coordinator, years):
    old, new = years
    client.force_login(coordinator)
    response = client.get(reverse("plans:agreement_compare", args=[new.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2018-19 compared with 2017-18" in html
    assert re.search(
        r'<del class="app-redline__del"><span class="govuk-visually-hidden">deleted: </span>'
        r"launched</del>",
        html,
    )
    assert (
        '<ins class="app-redline__ins"><span class="govuk-visually-hidden">inserted: </span>'
        "extended to Redditch</ins>" in html
    )
    assert "Written as “Domestic Abuse and Sexual Violence” in 2017-18" in html
    assert "Modern Slavery" in html and "Violence" in html
    assert "Contribute to the development and implementation of the new CSE action plan" in html
    assert html.count("<h1") == 1


def test_compare_page_of_the_first_year_says_there_is_none(client, coordinator, years):
    old, _ = years
    client.force_login(coordinator)
    response = client.get(reverse("plans:agreement_compare", args=[old.pk]))
    assert response.status_code == 200
    assert "first one recorded for the board" in response.content.decode()


def test_compare_page_of_another_partnership_is_not_found(client, years, outsider):
    _, new = years
    client.force_login(outsider)
    assert client.get(reverse("plans:agreement_compare", args=[new.pk])).status_code == 404


def _grow(board, old, new, count):
    """Add `count` actions to each year, half carried forward, with leads and sections."""
    theme = ThemeFactory(board=board)
    for n in range(count):
        previous = ActionFactory(agreement=old, theme=theme, reference=f"X{n}")
        ActionLeadFactory(action=previous, position=1)
        carried = ActionFactory(
            agreement=new,
            theme=theme,
            reference=f"X{n}",
            carries_forward=previous if n % 2 else None,
        )
        ActionLeadFactory(action=carried, position=1)
    for n in range(count // 4):
        SectionFactory(agreement=old, position=100 + n, text=f"Paragraph {n} one.\n\nTwo {n}.")
        SectionFactory(agreement=new, position=100 + n, text=f"Paragraph {n} one.\n\nTwo.")


@pytest.mark.parametrize("extra", [0, 40])
def test_compare_page_runs_a_fixed_number_of_queries(
    client, coordinator, years, extra, django_assert_max_num_queries
):
    old, new = years
    _grow(old.board, old, new, extra)
    client.force_login(coordinator)
    url = reverse("plans:agreement_compare", args=[new.pk])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert Action.objects.filter(agreement=new).count() == 12 + extra


def test_compare_hides_restricted_actions_from_those_outside(db, officer_police, years):
    old, new = years
    from governance.models import Body

    panel = Body.objects.get(short_name="Channel Panel")
    secret = ActionFactory(agreement=new, theme=None, reference="R1", description="Secret work")
    ActionLead.objects.create(action=secret, position=1, body=panel)
    comparison = compare_years(old, new, visible=lambda qs: qs.visible_to(officer_police))
    shown = [a.description for t in comparison.themes for a in t.new]
    assert "Secret work" not in shown


def test_an_agreement_factory_year_compares_with_nothing_carried(db):
    old = AgreementFactory(period_start=datetime.date(2017, 4, 1))
    new = AgreementFactory(board=old.board, period_start=datetime.date(2018, 4, 1), previous=old)
    comparison = compare_years(old, new)
    assert comparison.themes == [] and comparison.sections == []
