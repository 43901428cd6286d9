"""The agreement list and the agreement page as it is now."""

import pytest
from django.urls import reverse

from actions.models import Action
from csa.models import Agreement
from tests.actions.factories import ActionFactory, ActionLeadFactory
from tests.csa.factories import SectionFactory


@pytest.fixture
def years(worcestershire):
    return (
        Agreement.objects.get(board=worcestershire, period_start="2017-04-01"),
        Agreement.objects.get(board=worcestershire, period_start="2018-04-01"),
    )


def test_list_shows_the_partnership_agreements(client, years, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    response = client.get(reverse("plans:agreement_list"))
    html = response.text
    assert response.status_code == 200
    assert "Community Safety Agreement 2017 to 2018" in html
    assert "Community Safety Agreement 2018 to 2019" in html
    assert "Compare with 2017-18" in html
    assert "Superseded" in html and "Adopted" in html


def test_list_shows_nothing_of_another_partnership(client, years, outsider):
    client.force_login(outsider)
    html = client.get(reverse("plans:agreement_list")).text
    assert "Community Safety Agreement 2018 to 2019" not in html
    assert "no agreements of your partnership" in html


def test_pages_need_sign_in(client, years):
    response = client.get(reverse("plans:agreement_detail", args=[years[1].pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_detail_shows_the_plan_by_theme_and_the_narrative(client, years, officer_wcc_ph):
    _, year = years
    client.force_login(officer_wcc_ph)
    response = client.get(reverse("plans:agreement_detail", args=[year.pk]))
    html = response.text
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert ">Domestic Abuse</caption>" in html
    assert "Blue Light Project scheme (Alcohol Concern) extended to Redditch" in html
    assert "Swanswell / WCC PH" in html
    assert "Harm Reduction (incorporating Anti-Social Behaviour" in html
    assert "Compare with 2017-18" in html
    # An officer neither rolls over nor edits an adopted plan's wording.
    assert "Start next year" not in html
    assert "Change wording" not in html
    assert "Past view" not in html


def test_detail_offers_the_coordinator_roll_over_and_editing(client, years, coordinator):
    _, year = years
    client.force_login(coordinator)
    html = client.get(reverse("plans:agreement_detail", args=[year.pk])).text
    assert reverse("plans:agreement_rollover", args=[year.pk]) in html
    assert "Change wording, timescale or leads" in html


def test_superseded_year_offers_no_roll_over(client, years, coordinator):
    old, _ = years
    client.force_login(coordinator)
    html = client.get(reverse("plans:agreement_detail", args=[old.pk])).text
    assert reverse("plans:agreement_rollover", args=[old.pk]) not in html
    assert "Change wording" not in html  # a superseded year is kept as it was
    assert "Revised by" in html


def test_detail_of_another_partnership_is_not_found(client, years, outsider):
    client.force_login(outsider)
    assert client.get(reverse("plans:agreement_detail", args=[years[1].pk])).status_code == 404
    assert (
        client.get(reverse("plans:action_as_of", args=[years[1].actions.first().pk])).status_code
        == 404
    )


def test_restricted_actions_are_hidden_from_others(client, years, officer_police):
    from governance.models import Body

    _, year = years
    action = ActionFactory(agreement=year, description="Channel referral review, restricted")
    ActionLeadFactory(
        action=action, organisation=None, body=Body.objects.get(short_name="Channel Panel")
    )
    client.force_login(officer_police)
    html = client.get(reverse("plans:agreement_detail", args=[year.pk])).text
    assert "Channel referral review, restricted" not in html


@pytest.mark.parametrize("extra", [0, 40])
def test_detail_runs_a_fixed_number_of_queries(
    client, years, coordinator, extra, django_assert_max_num_queries
):
    _, year = years
    theme = Action.objects.filter(agreement=year).first().theme
    for n in range(extra):
        action = ActionFactory(agreement=year, theme=theme, reference=f"X{n}")
        ActionLeadFactory(action=action, position=1)
    for n in range(extra // 4):
        SectionFactory(agreement=year, position=50 + n)
    client.force_login(coordinator)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("plans:agreement_detail", args=[year.pk]))
    assert response.text.count("govuk-tag app-tag--") == 12 + extra
    with django_assert_max_num_queries(10):
        assert client.get(reverse("plans:agreement_list")).status_code == 200


def _count_shown(client, agreement):
    rows = client.get(reverse("plans:agreement_list")).context["rows"]
    return next(r["agreement"].action_count for r in rows if r["agreement"].pk == agreement.pk)


def test_list_counts_only_the_actions_the_user_may_see(client, years, officer_wcc_ph, coordinator):
    from governance.models import Body

    _, year = years
    everyone = year.actions.count()
    for n in range(3):
        action = ActionFactory(agreement=year, description=f"Channel referral review {n}")
        ActionLeadFactory(
            action=action, organisation=None, body=Body.objects.get(short_name="Channel Panel")
        )
    client.force_login(officer_wcc_ph)
    assert _count_shown(client, year) == everyone
    client.force_login(coordinator)
    assert _count_shown(client, year) == everyone + 3
