"""Property-based tests (hypothesis): whatever arrives, a message or success, never a 500.

Each property runs 50 generated examples against the real views, parser and importer; the
examples shrink to the smallest failing input when one fails. The database is the test's
own, so examples see each other's writes, which is what a day of real use looks like.
"""

import datetime
import json
import string

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.models import Action, ActionLead, ProgressUpdate, Status
from actions.timescales import Timescale, parse_timescale
from csa.models import Agreement, Section, Theme
from governance.models import Body, Organisation, Person
from plans.importer import LOADABLE_MODELS, AgreementFileError, LoadReport, load_agreement_file
from tests.actions.test_dashboard import agreement_of

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis folder in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a browser could send: any character but the surrogates, which cannot be encoded.
typed = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
numberish = st.one_of(typed, st.integers().map(str), st.sampled_from(["", " ", "0", "-1", "1e9"]))


@PROPERTY
@given(
    status=st.one_of(st.sampled_from(Status.values), typed),
    note=st.one_of(typed, st.text(max_size=3000)),
    outcome=typed,
    day=numberish,
    month=numberish,
    year=st.one_of(numberish, st.integers(1900, 2030).map(str)),
    version=numberish,
)
def test_the_update_form_gives_errors_or_success(
    client, officer_wcc_ph, status, note, outcome, day, month, year, version
):
    action = Action.objects.get(agreement=agreement_of(2018), reference="A1")
    client.force_login(officer_wcc_ph)
    before = ProgressUpdate.objects.count()
    response = client.post(
        reverse("actions:action_update", args=[action.pk]),
        {
            "status": status,
            "note": note,
            "outcome": outcome,
            "date_0": day,
            "date_1": month,
            "date_2": year,
            "version": version,
        },
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: the form again, with its errors
        assert ProgressUpdate.objects.count() == before
        assert "govuk-error-summary" in response.content.decode()


FILTER_NAMES = ["agreement", "as_of", "q", "theme", "lead", "status", "flag", "sort", "page"]


@PROPERTY
@given(
    params=st.dictionaries(
        st.sampled_from(FILTER_NAMES),
        st.one_of(typed, numberish, st.lists(typed, max_size=3)),
        max_size=5,
    )
)
def test_the_list_filters_give_errors_or_a_list(client, chair, params):
    client.force_login(chair)
    response = client.get(reverse("actions:action_list"), params)
    assert response.status_code in (200, 400)


@PROPERTY
@given(
    written=st.one_of(
        typed,
        st.text(alphabet=string.ascii_letters + string.digits + " /-.,'", max_size=40),
        st.builds(
            "{} {}".format,
            st.sampled_from(["by", "To", "end of", "Spring", "Q3", "March", "31", ""]),
            st.integers(-(10**6), 10**6),
        ),
    ),
    reference=st.one_of(st.none(), st.dates()),
)
def test_the_timescale_parser_never_raises(written, reference):
    parsed = parse_timescale(written, reference_date=reference)
    assert isinstance(parsed, Timescale)
    assert parsed.due_date is None or isinstance(parsed.due_date, datetime.date)


def snapshot():
    models = [Agreement, Theme, Section, Action, ActionLead, Organisation, Person, Body]
    return {m.__name__: (m.objects.count(), m.history.count()) for m in models}


KNOWN_KEYS = st.sampled_from(
    [
        "SCB",
        "WCC PH",
        "PSG",
        ["SCB"],
        ["WCC PH"],
        ["SCB", "2018-04-01"],
        ["SCB", "2018-04-01", "A1"],
    ]
)
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), typed, KNOWN_KEYS, st.dates().map(str)),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=5,
)
field_names = st.sampled_from(
    ["name", "short_name", "kind", "board", "key", "title", "period_start", "period_end",
     "reference", "description", "timescale", "theme", "agreement", "action", "position",
     "organisation", "status", "text", "number", "heading"]
)  # fmt: skip
record = st.fixed_dictionaries(
    {
        "model": st.one_of(st.sampled_from(LOADABLE_MODELS), typed),
        "fields": st.dictionaries(st.one_of(field_names, typed), json_value, max_size=6),
    }
)


@PROPERTY
@given(records=st.one_of(st.lists(record, max_size=4), json_value))
def test_the_importer_names_a_problem_or_loads_and_a_refused_file_writes_nothing(
    worcestershire, tmp_path, records
):
    path = tmp_path / "2018-19.json"
    path.write_text(json.dumps(records))
    before = snapshot()
    try:
        report = load_agreement_file(path)
    except AgreementFileError as refused:
        assert refused.problems and all(isinstance(p, str) for p in refused.problems)
        assert snapshot() == before
    else:
        assert isinstance(report, LoadReport)
