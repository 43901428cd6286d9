"""The force-area view in a real Chromium (issue 26, item 3): an overseer finds the group's
dashboard from the header, asks for another day and one lead organisation with the keyboard
alone, follows a figure into the partnership's own list; at 320 px nothing scrolls sideways,
and axe finds nothing against WCAG 2.2 AA."""

import pytest

from tests.actions import test_group_dashboard as dashboard

# The group and its three partnerships, as the served-HTML tests make them.
force_area, police = dashboard.force_area, dashboard.police

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_an_overseer_reads_the_force_area_by_keyboard_on_a_phone(
    page,
    sign_in,
    force_area,
    assert_accessible,
):
    group, _ = force_area
    overseer = dashboard._overseer(group, username="pcc-office")
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(overseer)
    with page.expect_navigation():
        page.get_by_role("link", name=group.name).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(group.name)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page)

    # Keyboard only: the day's three parts, the lead organisation, then the button.
    page.get_by_label("Day").focus()
    page.keyboard.type("30")
    page.keyboard.press("Tab")
    page.keyboard.type("9")
    page.keyboard.press("Tab")
    page.keyboard.type("2018")
    page.get_by_label("Lead organisation", exact=True).focus()
    page.get_by_label("Lead organisation", exact=True).select_option(
        label="WM Police (West Mercia Police)"
    )
    page.get_by_role("button", name="Show the figures").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "as of 30 September 2018" in page.get_by_role("heading", level=1).inner_text()
    table = page.get_by_role("table", name="Overdue, at risk and stale actions by partnership")
    row = table.get_by_role("row").filter(has_text=dashboard.NORTHSHIRE)
    assert row.get_by_role("cell").nth(0).inner_text().startswith("1")  # N1, overdue
    duties = page.get_by_role(
        "table",
        name="Overdue, at risk and stale actions by duty or objective, matched by name across "
        "partnerships",
    )
    assert duties.get_by_role("row").filter(has_text="Domestic abuse").count() == 1
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page)

    row.get_by_role("link", name="1 overdue in the").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/p/northshire-csp/actions/" in page.url
    listed = page.locator("main").inner_text()
    assert "N1" in listed and "N4" not in listed
