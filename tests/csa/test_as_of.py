"""The agreement and an action as they stood, from the recorded history, at controlled times."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.edit_services import action_update_details
from actions.models import Action, ActionLead, Status
from actions.services import progress_update_create
from csa import history
from csa.models import Agreement, Section
from governance.models import Organisation
from tests.actions.factories import ActionFactory, ActionLeadFactory

LOADED = timezone.make_aware(datetime.datetime(2018, 4, 2, 9, 0))
UPDATED = timezone.make_aware(datetime.datetime(2018, 6, 1, 14, 30))


def _backdate(when, *, since=None):
    """Move history rows recorded after `since` (all when None) to `when`."""
    for model in (Agreement, Section, Action, ActionLead):
        rows = model.history.all()
        if since is not None:
            rows = rows.filter(history_date__gt=since)
        rows.update(history_date=when)


@pytest.fixture
def year(worcestershire):
    _backdate(LOADED)
    return Agreement.objects.get(board=worcestershire, period_start="2018-04-01")


@pytest.fixture
def updated(year, coordinator):
    """Blue Light reworded, its leads changed and its status set, all recorded on UPDATED."""
    mark = timezone.now()
    blue_light = Action.objects.get(agreement=year, reference="A4")
    action_update_details(
        action=blue_light,
        user=coordinator,
        description="Blue Light Project extended to Redditch and Bromsgrove",
        timescale="March 2019",
        leads=[Organisation.objects.get(short_name="Swanswell")],
        target="",
        theme=None,
        reason="Agreed at the June board",
        expected_version=blue_light.version,
    )
    progress_update_create(
        action=blue_light,
        author=coordinator,
        status=Status.AT_RISK,
        note="Funding for Bromsgrove not confirmed",
    )
    newcomer = ActionFactory(
        agreement=year, theme=blue_light.theme, reference="A13", description="A new action"
    )
    ActionLeadFactory(action=newcomer, position=1)
    _backdate(UPDATED, since=mark)
    return blue_light


def _page(client, year, at):
    return client.get(reverse("csa:agreement_detail", args=[year.pk]), {"at": at})


def test_as_of_before_and_after_an_update(client, year, updated, chair):
    client.force_login(chair)
    before = _page(client, year, "2018-05-01").text
    assert "You are looking at this agreement as it stood on 1 May 2018" in before
    assert "Blue Light Project scheme (Alcohol Concern) extended to Redditch" in before
    assert "Blue Light Project extended to Redditch and Bromsgrove" not in before
    assert "Swanswell / WCC PH" in before
    assert "A new action" not in before
    assert "At risk" not in before

    after = _page(client, year, "2018-06-01T15:00").text
    assert "as it stood on 1 June 2018 at 15:00" in after
    assert "Blue Light Project extended to Redditch and Bromsgrove" in after
    assert "Blue Light Project scheme (Alcohol Concern) extended to Redditch" not in after
    assert "A new action" in after
    assert "At risk" in after

    # A minute before the update, the old wording still stood.
    just_before = _page(client, year, "2018-06-01T14:29").text
    assert "Blue Light Project scheme (Alcohol Concern) extended to Redditch" in just_before


def test_leads_of_the_day_come_from_their_own_history(year, updated):
    then = history.agreement_as_of(year, LOADED + datetime.timedelta(days=1))
    now = history.agreement_as_of(year, UPDATED + datetime.timedelta(minutes=1))
    a4_then = next(a for a in then.actions if a.record.reference == "A4")
    a4_now = next(a for a in now.actions if a.record.reference == "A4")
    assert a4_then.leads_text == "Swanswell / WCC PH"
    assert a4_now.leads_text == "Swanswell"
    assert a4_then.record.status == Status.NOT_STARTED
    assert a4_now.record.status == Status.AT_RISK


def test_before_anything_was_recorded_the_page_says_so(client, year, chair):
    client.force_login(chair)
    response = _page(client, year, "2017-05-01")
    assert response.status_code == 200
    assert "No record before 2 April 2018" in response.text
    assert "You are looking at this agreement as it stood on 1 May 2017" in response.text


def test_a_bad_date_is_an_error_on_the_field(client, year, chair):
    client.force_login(chair)
    response = _page(client, year, "31/03/2019")
    assert response.status_code == 200
    assert "<title>Error: " in response.text
    assert 'href="#id_at"' in response.text
    assert "must be a real date like 2019-03-31" in response.text


def test_a_future_date_is_refused(client, year, chair):
    client.force_login(chair)
    response = _page(client, year, "2999-01-01")
    assert "must be today or earlier" in response.text


def test_action_as_of_page(client, year, updated, chair):
    client.force_login(chair)
    url = reverse("csa:action_as_of", args=[updated.pk])
    before = client.get(url, {"at": "2018-05-01"}).text
    assert "You are looking at this action as it stood on 1 May 2018" in before
    assert "Blue Light Project scheme (Alcohol Concern) extended to Redditch" in before
    after = client.get(url, {"at": "2018-06-02"}).text
    assert "Blue Light Project extended to Redditch and Bromsgrove" in after
    assert "Agreed at the June board" in after
    assert "At risk" in after


def test_action_that_did_not_exist_yet(client, year, updated, chair):
    newcomer = Action.objects.get(agreement=year, reference="A13")
    client.force_login(chair)
    page = client.get(reverse("csa:action_as_of", args=[newcomer.pk]), {"at": "2018-05-01"})
    assert "This action did not exist yet on 1 May 2018" in page.text


def test_what_changed_between_two_dates(client, year, updated, chair, coordinator):
    client.force_login(chair)
    response = client.get(
        reverse("csa:agreement_compare", args=[year.pk]),
        {"from": "2018-05-01", "to": "2018-06-02"},
    )
    html = response.text
    assert response.status_code == 200
    assert "Agreed at the June board" in html
    assert coordinator.username in html or coordinator.get_full_name() in html
    assert "Not started → At risk" in html
    assert "A new action" in html
    assert "<del" in html and "<ins" in html


def test_two_dates_in_the_wrong_order_are_refused(client, year, chair):
    client.force_login(chair)
    response = client.get(
        reverse("csa:agreement_compare", args=[year.pk]), {"from": "2018-06-01", "to": "2018-05-01"}
    )
    assert "<title>Error: " in response.text
    assert "To must be later than From." in response.text


def _grow(year, count):
    theme = Action.objects.filter(agreement=year).first().theme
    for n in range(count):
        action = ActionFactory(agreement=year, theme=theme, reference=f"X{n}")
        ActionLeadFactory(action=action, position=1)
        ActionLeadFactory(action=action, position=2)
    _backdate(LOADED)


@pytest.mark.parametrize("extra", [0, 30])
def test_as_of_pages_run_a_fixed_number_of_queries(
    client, year, chair, extra, django_assert_max_num_queries
):
    _grow(year, extra)
    client.force_login(chair)
    with django_assert_max_num_queries(16):
        response = _page(client, year, "2018-05-01")
    assert response.text.count("govuk-tag app-tag--") == 12 + extra
    with django_assert_max_num_queries(24):
        response = client.get(
            reverse("csa:agreement_compare", args=[year.pk]),
            {"from": "2018-04-01", "to": "2018-05-01"},
        )
    assert response.status_code == 200
