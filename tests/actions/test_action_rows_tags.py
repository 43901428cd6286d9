"""The pieces drawn on every row (actions/templatetags/action_rows.py), as a template draws
them: the words and classes a person sees and hears, escaped, and the action's address the
same as {% url %} gives it, inside a partnership's address and outside."""

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import get_script_prefix, reverse, set_script_prefix

from actions.models import Rag


def drawn(source: str, **context) -> str:
    return Template("{% load action_rows %}" + source).render(Context(context))


def a_row(**given):
    row = dict(
        is_overdue=False,
        days_overdue=None,
        is_due_soon=False,
        is_stale=False,
        last_update_on=None,
        latest_update_author="",
        latest_note="",
    )
    return SimpleNamespace(**{**row, **given})


def test_a_status_is_a_tag_with_its_word_escaped():
    assert drawn("{% status_tag 'at_risk' label %}", label="At <risk>") == (
        '<strong class="govuk-tag app-tag--at_risk">At &lt;risk&gt;</strong>'
    )


@pytest.mark.parametrize("rag", [Rag.AMBER, "amber"])
def test_the_computed_rag_is_written_and_said_to_be_computed(rag):
    assert drawn("{% rag_tag rag %}", rag=rag) == (
        '<strong class="govuk-tag app-rag app-rag--amber" data-rag="amber">Amber'
        '<span class="govuk-visually-hidden"> (computed)</span></strong>'
    )


def test_flags_are_tags_in_the_order_overdue_due_soon_stale():
    row = a_row(is_overdue=True, days_overdue=1, is_stale=True)
    assert drawn("{% flags row %}", row=row) == (
        '<strong class="govuk-tag govuk-tag--red">Overdue</strong>\n'
        '<strong class="govuk-tag govuk-tag--grey">Stale</strong>'
    )
    assert "Overdue by 1 day<" in drawn("{% flags row with_days=True %}", row=row)
    row.days_overdue = 40
    assert "Overdue by 40 days<" in drawn("{% flags row with_days=True %}", row=row)
    assert drawn("{% flags row %}", row=a_row(is_due_soon=True)) == (
        '<strong class="govuk-tag govuk-tag--yellow">Due soon</strong>'
    )
    assert drawn("{% flags row %}", row=a_row()) == ""


def test_days_overdue_under_a_due_date():
    assert drawn("{% overdue_days row %}", row=a_row(is_overdue=True, days_overdue=2)) == (
        "<br><strong>2 days overdue</strong>"
    )
    assert drawn("{% overdue_days row %}", row=a_row(is_overdue=True, days_overdue=0)) == ""
    assert drawn("{% overdue_days row %}", row=a_row(days_overdue=3)) == ""


def test_the_latest_update_gives_its_day_author_and_first_words():
    row = a_row(
        last_update_on=datetime.date(2019, 3, 5),
        latest_update_author="Ann <Lee>",
        latest_note="One two three & four five",
    )
    assert drawn("{% latest_update row 3 %}", row=row) == (
        '5 Mar 2019, Ann &lt;Lee&gt;<br><span class="govuk-body-s">One two three …</span>'
    )
    row.latest_update_author, row.latest_note = "", ""
    assert drawn("{% latest_update row 3 %}", row=row) == "5 Mar 2019"
    assert drawn("{% latest_update row 3 %}", row=a_row()) == "No update"


def test_an_actions_address_is_the_one_url_gives_in_and_outside_a_partnership():
    outside = get_script_prefix()
    assert drawn("{% action_url 12 %}") == reverse("actions:action_detail", args=[12])
    set_script_prefix(f"{outside}p/scb/")
    try:
        assert drawn("{% action_url pk as url %}<a href='{{ url }}'>", pk=7) == (
            f"<a href='{reverse('actions:action_detail', args=[7])}'>"
        )
        assert drawn("{% action_url 7 %}") == f"{outside}p/scb/actions/7/"
    finally:
        set_script_prefix(outside)
    assert drawn("{% action_url 7 %}") == f"{outside}actions/7/"
