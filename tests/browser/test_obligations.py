"""The coordinator tags a theme with a duty on a phone, by keyboard,
then reads the plan's coverage: accessible, nothing scrolls sideways."""

import pytest

from csa.models import Agreement

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_the_coordinator_tags_a_theme_and_reads_the_coverage_at_320px(
    live_server, page, sign_in, coordinator, assert_accessible
):
    agreement = Agreement.objects.get(board__short_name="SCB", period_start__year=2018)
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(coordinator)
    page.goto(f"{live_server.url}/p/scb/agreements/obligations/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page)
    # Modern Slavery, which the shipped plan leaves untagged.
    page.get_by_role(
        "link", name="Change the duties and objectives of Modern Slavery", exact=True
    ).click()
    page.wait_for_load_state()
    page.get_by_label("Crime and disorder reduction", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("Reason for the change (optional)").fill("Modern slavery is crime")
    page.get_by_role("button", name="Save").press("Enter")
    page.wait_for_load_state()
    assert "The duties and objectives of Modern Slavery were saved." in page.content()

    page.goto(f"{live_server.url}/p/scb/agreements/{agreement.pk}/coverage/?as_of=2019-04-01")
    row = page.locator("tr[data-obligation='Crime and disorder reduction']")
    assert "2" in row.inner_text()  # A10 and A11
    missing = page.locator('tr[data-obligation="PCC\'s Police and Crime Plan"]')
    assert "No action serves this duty" in missing.inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert_accessible(page)
