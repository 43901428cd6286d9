"""The coordinator looks back in a real Chromium: the GOV.UK date input with an optional time
on "as it stood" and on "what changed between two dates". axe checks each page."""

import re

import pytest
from playwright.sync_api import expect

from csa.models import Agreement

pytestmark = pytest.mark.django_db(transaction=True)


def test_as_it_stood_on_a_date_and_time(live_server, page, sign_in, coordinator, assert_accessible):
    agreement = Agreement.objects.get(board__short_name="SCB", period_start__year=2018)
    sign_in(coordinator)
    page.goto(f"{live_server.url}/agreements/{agreement.pk}/")

    as_it_stood = page.get_by_role("group", name="Show as it stood on")
    as_it_stood.get_by_label("Day").fill("31")
    as_it_stood.get_by_label("Month").fill("3")
    as_it_stood.get_by_label("Year").fill("2019")
    page.get_by_label("Time (optional)").fill("6pm")
    page.get_by_role("button", name="Show as it stood").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "as it stood on 31 March 2019 at 18:00"
    )
    assert_accessible(page)

    # A time that is not one: a plain-English message on the time box.
    page.get_by_label("Time (optional)").fill("25:00")
    page.get_by_role("button", name="Show as it stood").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the time as hours and minutes, for example 18:00")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Time (optional)")).to_be_focused()
    assert_accessible(page)

    page.goto(f"{live_server.url}/agreements/{agreement.pk}/compare/")
    start = page.get_by_role("group", name="From")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("5")
    start.get_by_label("Year").fill("2018")
    end = page.get_by_role("group", name="To")
    end.get_by_label("Day").fill("1")
    end.get_by_label("Month").fill("4")
    end.get_by_label("Year").fill("2018")
    page.get_by_role("button", name="Show what changed").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The end date must be later than the start date"
    )
    assert_accessible(page)
