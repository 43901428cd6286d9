"""My actions across partnerships (issue 26, item 3) on a phone, in a real Chromium: West
Mercia Police's officer, in Worcestershire's partnership and in Northshire's, reads both
partnerships' actions on one page at 320 px, axe-clean and without scrolling sideways, and
updates a Northshire action in place: the row comes back with its links in Northshire's
address."""

import datetime

import pytest
from playwright.sync_api import expect

from actions.models import ActionLead
from governance.models import Organisation, Role
from tests.actions.factories import ActionFactory, AgreementFactory
from tests.csa.factories import ThemeFactory
from tests.governance.factories import BoardFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = 320
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def northshire_action(officer_police):
    board = BoardFactory(short_name="NCSP", name="Northshire Community Safety Partnership")
    agreement = AgreementFactory(board=board, period_start=datetime.date(2018, 4, 1))
    action = ActionFactory(
        agreement=agreement,
        theme=ThemeFactory(board=board, name="Knife crime"),
        description="Put knife arches at Northshire's two railway stations",
        due_date=datetime.date(2018, 7, 31),
    )
    police = Organisation.objects.get(short_name="WM Police")
    ActionLead.objects.create(action=action, position=1, organisation=police)
    Role.objects.create(user=officer_police, board=board, kind=Role.Kind.OFFICER)
    return action


def test_both_partnerships_on_one_page_at_320px(
    live_server, page, sign_in, officer_police, northshire_action, assert_accessible
):
    page.set_viewport_size({"width": PHONE, "height": 800})
    sign_in(officer_police)

    page.goto(f"{live_server.url}/my-actions/?plans=all")

    expect(page.get_by_role("heading", level=1)).to_have_text("My actions in all your partnerships")
    for partnership in (
        "Northshire Community Safety Partnership",
        "Worcestershire Safer Communities Board",
    ):
        expect(page.get_by_role("heading", level=2, name=partnership)).to_be_visible()
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"My actions at {PHONE}px is {widths[0]}px wide"
    assert_accessible(page)

    # Update the Northshire action in place, by keyboard.
    row = page.locator(f"#action-{northshire_action.pk}")
    row.get_by_role("link", name="Update").focus()
    page.keyboard.press("Enter")
    row.get_by_role("radio", name="On track").check()
    row.get_by_label("Progress note").fill("Both arches are in place.")
    row.get_by_role("button", name="Save update").click()

    result = page.locator(f"#action-result-{northshire_action.pk}")
    expect(result).to_contain_text("Update saved")
    link = page.locator(f"#action-row-{northshire_action.pk} th a")
    expect(link).to_have_attribute("href", f"/p/ncsp/actions/{northshire_action.pk}/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page)
