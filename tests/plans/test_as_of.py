"""The agreement and an action as they stood, from the recorded history, at controlled times."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.editing.services import action_update_details
from actions.models import Action, ActionLead, Status
from actions.services import progress_update_create
from csa.models import Agreement, Section
from governance.models import Organisation
from plans import history
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
        agreed_on=datetime.date(2018, 6, 5),
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
    return client.get(reverse("plans:agreement_detail", args=[year.pk]), {"at": at})


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
    response = _page(client, year, "the day before")
    assert response.status_code == 200
    assert "<title>Error: " in response.text
    assert 'href="#id_at_0"' in response.text
    assert "Enter the date as day/month/year, for example 27/3/2019" in response.text


def test_a_future_date_is_refused(client, year, chair):
    client.force_login(chair)
    response = _page(client, year, "2099-01-01")
    assert "The date must be today or in the past" in response.text


def test_action_as_of_page(client, year, updated, chair):
    client.force_login(chair)
    url = reverse("plans:action_as_of", args=[updated.pk])
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
    page = client.get(reverse("plans:action_as_of", args=[newcomer.pk]), {"at": "2018-05-01"})
    assert "This action did not exist yet on 1 May 2018" in page.text


def test_what_changed_between_two_dates(client, year, updated, chair, coordinator):
    client.force_login(chair)
    response = client.get(
        reverse("plans:agreement_compare", args=[year.pk]),
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
        reverse("plans:agreement_compare", args=[year.pk]),
        {"from": "2018-06-01", "to": "2018-05-01"},
    )
    assert "<title>Error: " in response.text
    assert "The end date must be later than the start date" in response.text


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
            reverse("plans:agreement_compare", args=[year.pk]),
            {"from": "2018-04-01", "to": "2018-05-01"},
        )
    assert response.status_code == 200


def _rename_themes(year, count, coordinator):
    """`count` actions each moved to another theme, all recorded on UPDATED."""
    themes = list({a.theme for a in Action.objects.filter(agreement=year) if a.theme_id})
    mark = timezone.now()
    for n, action in enumerate(Action.objects.filter(agreement=year).order_by("pk")[:count]):
        action_update_details(
            action=action,
            user=coordinator,
            description=action.description,
            timescale=action.timescale,
            leads=[lead.party for lead in action.leads.order_by("position")],
            target=action.target,
            theme=next(t for t in themes if t.pk != action.theme_id),
            reason=f"Move {n}",
            expected_version=action.version,
        )
    _backdate(UPDATED, since=mark)


@pytest.mark.parametrize("moved", [1, 10])
def test_recorded_changes_name_themes_in_a_fixed_number_of_queries(
    client, year, chair, coordinator, moved, django_assert_max_num_queries
):
    _rename_themes(year, moved, coordinator)
    client.force_login(chair)
    with django_assert_max_num_queries(26):
        response = client.get(
            reverse("plans:agreement_compare", args=[year.pk]),
            {"from": "2018-05-01", "to": "2018-06-02"},
        )
    assert response.text.count("Theme: “") == moved


# --- restricted actions stay hidden in the past too ---------------------------------------------

LED_BY_CHANNEL = timezone.make_aware(datetime.datetime(2018, 7, 1, 10, 0))
HANDED_OVER = timezone.make_aware(datetime.datetime(2018, 8, 1, 10, 0))


def _channel_action(year, *, then):
    """A99, led by the restricted Channel Panel from LED_BY_CHANNEL; `then` (deleting it, or
    handing its lead to WCC PH) recorded on HANDED_OVER."""
    from governance.models import Body

    mark = timezone.now()
    secret = ActionFactory(
        agreement=year, reference="A99", description="Channel referral review, restricted"
    )
    ActionLeadFactory(
        action=secret, organisation=None, body=Body.objects.get(short_name="Channel Panel")
    )
    _backdate(LED_BY_CHANNEL, since=mark)
    mark = timezone.now()
    then(secret)
    _backdate(HANDED_OVER, since=mark)
    return secret


def _delete(action):
    action.delete()


def _hand_to_wcc_ph(action):
    action.leads.all().delete()
    ActionLeadFactory(action=action, organisation=Organisation.objects.get(short_name="WCC PH"))


@pytest.mark.parametrize("then", [_delete, _hand_to_wcc_ph])
def test_restricted_actions_stay_hidden_as_they_stood(
    client, year, officer_wcc_ph, coordinator, then
):
    _channel_action(year, then=then)
    compare = reverse("plans:agreement_compare", args=[year.pk])
    window = {"from": "2018-06-15", "to": "2018-08-15"}

    client.force_login(coordinator)  # who may see the Channel Panel's actions sees it
    assert "Channel referral review" in _page(client, year, "2018-07-15").text
    assert "A99" in client.get(compare, window).text

    client.force_login(officer_wcc_ph)
    assert "Channel referral review" not in _page(client, year, "2018-07-15").text
    html = client.get(compare, window).text
    assert "A99" not in html
    assert "Channel Panel" not in html
    assert "Channel referral review" not in html


def test_an_action_once_led_by_a_restricted_body_has_no_past_view_for_others(
    client, year, officer_wcc_ph, coordinator
):
    secret = _channel_action(year, then=_hand_to_wcc_ph)
    url = reverse("plans:action_as_of", args=[secret.pk])
    client.force_login(coordinator)
    assert client.get(url, {"at": "2018-07-15"}).status_code == 200
    client.force_login(officer_wcc_ph)
    assert client.get(url, {"at": "2018-07-15"}).status_code == 404


def test_history_helpers_see_the_deleted_action_when_nothing_is_hidden(year, coordinator):
    """The selector itself still holds the deleted action: hiding is the view's decision."""
    _channel_action(year, then=_delete)
    then = history.agreement_as_of(year, LED_BY_CHANNEL + datetime.timedelta(days=1))
    assert "A99" in {a.record.reference for a in then.actions}
    changes = history.changes_between(year, LED_BY_CHANNEL, HANDED_OVER)
    assert "Lead of action A99: Worcestershire Channel Panel" in {c.what for c in changes}


# --- dates: today is allowed, and any date is an answer, never a 500 --------------------------


def test_today_is_allowed(client, year, chair):
    client.force_login(chair)
    today = timezone.localdate()
    response = _page(client, year, today.isoformat())
    assert response.status_code == 200
    assert "<title>Error: " not in response.text
    assert "must be today or in the past" not in response.text
    assert "You are looking at this agreement as it stood on" in response.text
    tomorrow = _page(client, year, (today + datetime.timedelta(days=1)).isoformat())
    assert "The date must be today or in the past" in tomorrow.text


@pytest.mark.parametrize(
    "view, params, field",
    [
        ("plans:agreement_detail", {"at": "0001-01-01T00:00+23:59"}, "at"),
        # (A day after 2100 "as it stood" is a future date: test_a_future_date_is_refused.)
        ("plans:agreement_detail", {"at": "1999-12-31"}, "at"),
        ("plans:action_as_of", {"at": "0001-01-01T00:00+05:00"}, "at"),
        ("plans:agreement_compare", {"from": "0001-01-01T00:00+01:00", "to": "2019-01-01"}, "from"),
        ("plans:agreement_compare", {"from": "2019-01-01", "to": "9999-12-31T23:59-05:00"}, "to"),
    ],
)
def test_dates_out_of_range_are_a_field_error(client, year, chair, view, params, field):
    client.force_login(chair)
    pk = year.actions.first().pk if view == "plans:action_as_of" else year.pk
    response = client.get(reverse(view, args=[pk]), params)
    assert response.status_code == 200
    assert "<title>Error: " in response.text
    assert f'href="#id_{field}_0"' in response.text
    assert "must be between 1 January 2000 and 31 December 2100" in response.text


def test_parse_moment_refuses_out_of_range():
    with pytest.raises(history.MomentOutOfRange):
        history.parse_moment("0001-01-01T00:00+05:00")
    with pytest.raises(history.MomentOutOfRange):
        history.parse_moment("9999-12-31")
    assert history.parse_moment("31/03/2019") is None
    assert history.parse_moment("2019-03-31T18:00").hour == 18


# --- every recorded change names what it changed ------------------------------------------------


def test_a_changed_theme_is_named_not_numbered(client, year, chair, coordinator):
    blue_light = Action.objects.get(agreement=year, reference="A4")
    old_theme = blue_light.theme
    new_theme = Action.objects.filter(agreement=year).exclude(theme=old_theme).first().theme
    mark = timezone.now()
    action_update_details(
        action=blue_light,
        user=coordinator,
        description=blue_light.description,
        timescale=blue_light.timescale,
        leads=[lead.party for lead in blue_light.leads.order_by("position")],
        target=blue_light.target,
        theme=new_theme,
        reason="Moved to another priority",
        expected_version=blue_light.version,
    )
    _backdate(UPDATED, since=mark)
    client.force_login(chair)
    html = client.get(
        reverse("plans:agreement_compare", args=[year.pk]),
        {"from": "2018-05-01", "to": "2018-06-02"},
    ).text
    assert f"Theme: “{old_theme}” → “{new_theme}”" in html
    assert f"“{old_theme.pk}” → “{new_theme.pk}”" not in html


# --- the date input with an optional time (issue 18, points 4 and 9) --------------------------


def test_as_it_stood_is_a_date_input_with_an_optional_time(client, year, updated, chair):
    client.force_login(chair)
    url = reverse("plans:agreement_detail", args=[year.pk])

    form = client.get(url).text
    for box in ("at_0", "at_1", "at_2", "at_time"):
        assert f'name="{box}"' in form
    assert "Time (optional)" in form

    response = client.get(url, {"at_0": "2", "at_1": "6", "at_2": "2018", "at_time": "6pm"})
    assert "<title>Error: " not in response.text
    assert "as it stood on 2 June 2018 at 18:00" in response.text
    # The links to each action's history carry the same moment.
    assert "?at_0=2&amp;at_1=6&amp;at_2=2018&amp;at_time=6pm" in response.text


def test_a_link_with_a_date_and_time_fills_the_boxes(client, year, chair):
    client.force_login(chair)

    response = _page(client, year, "2019-03-31T18:00")

    assert "as it stood on 31 March 2019 at 18:00" in response.text
    assert 'name="at_2" type="text" inputmode="numeric" value="2019"' in response.text
    assert 'name="at_time" value="18:00"' in response.text


@pytest.mark.parametrize("typed", ["25:00", "noon-ish", "13pm", "18:75"])
def test_a_time_that_is_not_one_is_refused_in_plain_english(client, year, chair, typed):
    client.force_login(chair)
    response = client.get(
        reverse("plans:agreement_detail", args=[year.pk]),
        {"at_0": "1", "at_1": "6", "at_2": "2018", "at_time": typed},
    )
    assert "<title>Error: " in response.text
    assert 'href="#id_at_time"' in response.text
    assert "Enter the time as hours and minutes, for example 18:00 or 6pm" in response.text


def test_a_future_time_is_refused_like_a_future_date(client, year, chair, monkeypatch):
    """It was quietly clamped to now while a future date was an error."""
    now = timezone.make_aware(datetime.datetime(2026, 11, 30, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: now)
    client.force_login(chair)
    url = reverse("plans:agreement_detail", args=[year.pk])
    today = {"at_0": "30", "at_1": "11", "at_2": "2026"}

    later_today = client.get(url, {**today, "at_time": "14:00"})
    assert "<title>Error: " in later_today.text
    assert "The time must be in the past: it is 10:00 now" in later_today.text
    assert "You are looking at this agreement as it stood" not in later_today.text

    earlier_today = client.get(url, {**today, "at_time": "09:30"})
    assert "<title>Error: " not in earlier_today.text
    assert "as it stood on 30 November 2026 at 09:30" in earlier_today.text

    tomorrow = client.get(url, {"at_0": "1", "at_1": "12", "at_2": "2026"})
    assert "The date must be today or in the past" in tomorrow.text


def test_a_time_without_a_date_asks_for_the_date(client, year, chair):
    client.force_login(chair)
    response = client.get(reverse("plans:agreement_detail", args=[year.pk]), {"at_time": "18:00"})
    assert "Enter the date as well as the time" in response.text


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("18:00", datetime.time(18, 0)),
        ("9.30", datetime.time(9, 30)),
        ("6pm", datetime.time(18, 0)),
        ("6.30 p.m.", datetime.time(18, 30)),
        ("12am", datetime.time(0, 0)),
        ("12 PM", datetime.time(12, 0)),
        ("0:05", datetime.time(0, 5)),
        ("24:00", None),
        ("18", None),
        ("", None),
    ],
)
def test_parse_time(typed, expected):
    from plans.forms import parse_time

    assert parse_time(typed) == expected


def test_what_changed_between_two_dates_typed_in_the_boxes(client, year, updated, chair):
    client.force_login(chair)
    response = client.get(
        reverse("plans:agreement_compare", args=[year.pk]),
        {"from_0": "1", "from_1": "5", "from_2": "2018", "to_0": "2", "to_1": "6", "to_2": "2018"},
    )
    assert "<title>Error: " not in response.text
    assert "Agreed at the June board" in response.text
    assert "Not started → At risk" in response.text
