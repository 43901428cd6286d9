"""The error pages: the site's layout and an "Error: " title, not Django's bare pages."""

import re

import pytest
from django.template import Context, Engine
from django.template.loader import get_template
from django.urls import reverse

from actions.models import Action
from csa.models import Agreement

pytestmark = pytest.mark.django_db


def title(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def in_govuk_layout(html):
    return (
        "govuk-frontend.min.css" in html
        and 'class="govuk-skip-link"' in html
        and 'class="govuk-template__header"' in html
        and html.count("<h1") == 1
    )


def test_a_permission_denied_shows_the_site_403_with_its_reason(
    client, worcestershire, officer_wcc_ph
):
    client.force_login(officer_wcc_ph)
    agreement = Agreement.objects.order_by("period_start").last()

    response = client.get(reverse("plans:agreement_rollover", args=[agreement.pk]))

    html = response.content.decode()
    assert response.status_code == 403
    assert title(html).startswith("Error: you cannot do this")
    assert in_govuk_layout(html)
    # The message the view wrote for the user, not a generic one.
    assert "Only the partnership&#x27;s coordinator can roll the agreement over." in html
    assert "Sign out" in html  # the header of a signed-in page


def test_a_missing_page_shows_the_site_404(client, worcestershire, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    missing = (Action.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    response = client.get(reverse("actions:action_detail", args=[missing]))

    html = response.content.decode()
    assert response.status_code == 404
    assert title(html).startswith("Error: page not found")
    assert in_govuk_layout(html)
    assert "Page not found" in html
    assert "No action found" not in html  # the exception's words are for developers


def test_a_bad_request_shows_the_site_400(client, officer_wcc_ph, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    client.force_login(officer_wcc_ph)

    # A host the site does not serve is a SuspiciousOperation: Django answers 400.
    response = client.get("/", headers={"host": "elsewhere.invalid"})

    html = response.content.decode()
    assert response.status_code == 400
    assert title(html).startswith("Error: ")
    assert in_govuk_layout(html)


def test_the_500_page_renders_on_its_own():
    """Django renders 500.html with an empty Context when anything may be broken: it must
    need no context processor, no template tag library and no database."""
    source = get_template("500.html").template.source
    assert "{%" not in source and "{{" not in source

    html = Engine(libraries={}, builtins=[]).from_string(source).render(Context())

    assert title(html).startswith("Error: ")
    stylesheet = "/static/vendor/govuk-frontend/govuk-frontend.min.css"
    assert f'<link rel="stylesheet" href="{stylesheet}">' in html
    assert html.count("<h1") == 1
    assert 'class="govuk-skip-link"' in html


def test_the_500_handler_uses_it(rf, django_assert_num_queries):
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_the_hand_made_403_of_the_update_form_is_an_error_page(
    client, worcestershire, officer_police
):
    client.force_login(officer_police)
    drive = Action.objects.get(agreement__period_start__year=2018, reference="A1")

    response = client.get(reverse("actions:action_update", args=[drive.pk]))

    assert response.status_code == 403
    assert title(response.content.decode()).startswith("Error: you cannot update this action")
