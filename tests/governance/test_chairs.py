"""Chairs change with their history kept; reporting lines never loop."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.models import Body, Chair, Organisation, Person, ReportingLine
from governance.services import chair_change, reporting_line_create
from tests.governance.factories import PersonFactory


@pytest.fixture
def psg(scb):
    return Body.objects.get(short_name="PSG")


def test_changing_the_chair_closes_the_old_period_and_opens_the_new(psg, coordinator):
    newcomer = PersonFactory(name="Jane Newchair", post="Head of Community Safety")
    chair = chair_change(
        body=psg,
        person=newcomer,
        start=datetime.date(2018, 9, 1),
        user=coordinator,
        reason="Elected at the September meeting",
    )
    old = Chair.objects.get(body=psg, person__name="Tim Rice")
    assert old.end == datetime.date(2018, 8, 31)
    assert chair.start == datetime.date(2018, 9, 1) and chair.end is None
    latest = chair.history.latest()
    assert latest.history_change_reason == "Elected at the September meeting"
    assert latest.history_user == coordinator
    assert "handed over to Jane Newchair" in old.history.latest().history_change_reason


def test_a_start_before_the_current_chair_took_over_is_refused(psg):
    with pytest.raises(ValidationError) as error:
        chair_change(body=psg, person=PersonFactory(), start=datetime.date(2017, 1, 1))
    assert "must start after Tim Rice took the chair on 1 March 2017" in str(error.value)
    assert Chair.objects.filter(body=psg).count() == 1
    assert Chair.objects.get(body=psg).end is None


def test_a_period_overlapping_another_chairs_period_is_refused(psg):
    first, second = PersonFactory(name="First Successor"), PersonFactory(name="Second One")
    chair_change(body=psg, person=first, start=datetime.date(2019, 1, 1))
    # Someone records a handover planned for later; then someone tries to slot one in before.
    Chair.objects.filter(body=psg, person=first).update(end=datetime.date(2019, 12, 31))
    Chair.objects.create(body=psg, person=second, start=datetime.date(2020, 1, 1))
    before = list(Chair.objects.filter(body=psg).values_list("person__name", "start", "end"))
    with pytest.raises(ValidationError) as error:
        chair_change(body=psg, person=PersonFactory(), start=datetime.date(2019, 6, 1))
    assert "overlaps" in str(error.value)
    assert list(Chair.objects.filter(body=psg).values_list("person__name", "start", "end")) == (
        before
    )


def test_the_same_person_cannot_take_the_chair_they_hold(psg):
    with pytest.raises(ValidationError, match="already chairs"):
        chair_change(
            body=psg, person=Person.objects.get(name="Tim Rice"), start=datetime.date(2019, 1, 1)
        )


def test_the_coordinator_changes_the_chair_through_the_page(client, psg, coordinator):
    # The page offers the partnership's people: here, staff of a partner organisation.
    newcomer = PersonFactory(
        name="Jane Newchair", organisation=Organisation.objects.get(short_name="WM Police")
    )
    client.force_login(coordinator)
    url = reverse("meetings:chair_change", args=[psg.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"person": newcomer.pk, "start": "1/9/2018", "reason": "AGM"}, follow=True
    )
    page = response.content.decode()
    assert "Jane Newchair chairs the PSG from 1 September 2018" in page
    # The past chair is listed with their dates.
    assert "Tim Rice" in page and "31 August 2018" in page and "1 March 2017" in page


def test_bad_input_on_the_chair_page_names_the_field_and_writes_nothing(client, psg, coordinator):
    client.force_login(coordinator)
    url = reverse("meetings:chair_change", args=[psg.pk])
    response = client.post(url, {"person": "", "start": "31/02/2018"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Choose the person who takes the chair." in page
    assert "Enter the date the new chair takes over as day/month/year" in page
    partner = PersonFactory(organisation=Organisation.objects.get(short_name="WM Police"))
    response = client.post(
        url, {"person": partner.pk, "start": "1/1/2017"}
    )  # before the current chair started
    assert "must start after Tim Rice" in response.content.decode()
    assert Chair.objects.filter(body=psg).count() == 1


def test_only_the_coordinator_and_admins_change_chairs(client, psg, officer_wcc_ph, chair):
    url = reverse("meetings:chair_change", args=[psg.pk])
    for user in (officer_wcc_ph, chair):
        client.force_login(user)
        assert client.get(url).status_code == 403
        response = client.post(url, {"person": PersonFactory().pk, "start": "1/9/2018"})
        assert response.status_code == 403
    assert Chair.objects.filter(body=psg).count() == 1


def test_a_body_cannot_report_to_itself(psg):
    with pytest.raises(ValidationError, match="cannot report to itself"):
        reporting_line_create(from_body=psg, to_body=psg)


def test_a_reporting_line_that_makes_a_cycle_is_refused(scb, psg):
    lines_before = ReportingLine.objects.count()
    # The SCB reports to the PEG; the PSG reports to the SCB: PEG -> PSG would close a circle.
    peg = Body.objects.get(short_name="PEG")
    with pytest.raises(ValidationError) as error:
        reporting_line_create(from_body=peg, to_body=psg)
    message = " ".join(error.value.messages)
    assert "The PEG cannot report to the PSG" in message
    assert "PSG reports to SCB reports to PEG" in message
    assert ReportingLine.objects.count() == lines_before


def test_a_good_reporting_line_is_added_and_a_duplicate_refused(scb, psg):
    daf = Body.objects.get(short_name="DAF")
    line = reporting_line_create(from_body=daf, to_body=psg, description="shares Prevent work")
    assert line.pk and line.history.latest().history_change_reason == "Reporting line added"
    with pytest.raises(ValidationError, match="already reports to"):
        reporting_line_create(from_body=daf, to_body=psg)


def test_the_admin_refuses_a_cycle_in_the_reporting_lines_inline(client, admin_user, scb):
    client.force_login(admin_user)
    peg = Body.objects.get(short_name="PEG")
    psg = Body.objects.get(short_name="PSG")
    url = reverse("admin:governance_body_change", args=[peg.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = _admin_form_data(page, {"lines_up-0-to_body": str(psg.pk)})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The PEG cannot report to the PSG" in response.content.decode()
    assert not ReportingLine.objects.filter(from_body=peg, to_body=psg).exists()


def _admin_form_data(response, overrides):
    """The admin change form's current values, as a browser would post them back."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        prefix = fs.prefix
        data[f"{prefix}-TOTAL_FORMS"] = str(fs.total_form_count() + 1)
        data[f"{prefix}-INITIAL_FORMS"] = str(fs.initial_form_count())
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, sub in enumerate(fs.initial_forms):
            for name in sub.fields:
                value = sub.initial.get(name)
                if value is not None:
                    data[f"{prefix}-{i}-{name}"] = getattr(value, "pk", value)
    # The new row goes after the existing ones.
    for key, value in overrides.items():
        prefix, _, name = key.split("-", 2)
        fs = next(
            f.formset
            for f in response.context["inline_admin_formsets"]
            if f.formset.prefix == prefix
        )
        data[f"{prefix}-{fs.initial_form_count()}-{name}"] = value
    return data


def test_the_body_page_links_the_coordinator_to_the_chair_change_page(
    client, psg, coordinator, admin_user, officer_wcc_ph, chair
):
    # Chairs are changed here, not in the admin (read-only for chairs): the link must be there.
    change_url = reverse("meetings:chair_change", args=[psg.pk])
    body_url = reverse("meetings:body_detail", args=[psg.pk])
    for user in (coordinator, admin_user):
        client.force_login(user)
        page = client.get(body_url).content.decode()
        assert f'href="{change_url}"' in page
        assert client.get(change_url).status_code == 200
    for user in (officer_wcc_ph, chair):
        client.force_login(user)
        assert change_url not in client.get(body_url).content.decode()


def test_the_chair_page_refuses_an_overlapping_period_naming_the_start(client, psg, coordinator):
    police = Organisation.objects.get(short_name="WM Police")
    first = PersonFactory(name="First Successor", organisation=police)
    chair_change(body=psg, person=first, start=datetime.date(2019, 1, 1))
    Chair.objects.filter(body=psg, person=first).update(end=datetime.date(2019, 12, 31))
    Chair.objects.create(
        body=psg, person=PersonFactory(organisation=police), start=datetime.date(2020, 1, 1)
    )
    count = Chair.objects.filter(body=psg).count()
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:chair_change", args=[psg.pk]),
        {"person": PersonFactory(organisation=police).pk, "start": "1/6/2019"},
    )
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "This overlaps First Successor" in page
    assert 'href="#id_start_0"' in page  # the error summary links to the start's day box
    assert Chair.objects.filter(body=psg).count() == count
