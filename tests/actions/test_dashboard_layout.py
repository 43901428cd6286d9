"""The dashboard's order: the figures first, then the form that changes the day and the
agreement (issue 27, item 8); with a mistake in the form, the form comes first, under the
error summary that links to it."""

import pytest
from django.urls import reverse

from csa.models import Agreement

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("actions:dashboard")
PLAN_FORM = 'class="app-plan-form"'


def test_the_headline_figures_come_before_the_form_and_the_tables_after_it(client, chair):
    agreement = Agreement.objects.get(board__short_name="SCB", period_start__year=2018)
    client.force_login(chair)
    html = client.get(f"{DASHBOARD}?agreement={agreement.pk}&as_of=2019-04-01").content.decode()

    assert html.count(PLAN_FORM) == 1
    assert (
        html.index("<h1")
        < html.index('id="counts-by-status"')
        < html.index('id="counts-by-time"')
        < html.index('id="another-day"')
        < html.index(PLAN_FORM)
        < html.index('id="overdue"')
    )


def test_with_a_mistake_the_form_comes_straight_after_the_heading(client, chair):
    client.force_login(chair)
    html = client.get(f"{DASHBOARD}?as_of=2019-02-30").content.decode()

    assert "govuk-error-summary" in html
    assert html.index("<h1") < html.index(PLAN_FORM) < html.index("Correct the problem above")
    assert 'id="counts-by-status"' not in html
