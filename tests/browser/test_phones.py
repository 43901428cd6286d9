"""Phones in a real Chromium: at 320 and 390 px wide the officer's and the chair's pages
reflow (WCAG 1.4.10): tables of actions become stacked rows, selects fit their column, and
the page never scrolls sideways. axe checks each page at that width."""

import pytest

from csa.models import Agreement

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
# The width of a select's longest choice in its own font, and the room for text inside it
# (its width less the padding and the arrow).
WIDEST_CHOICE = """e => {
  const context = document.createElement("canvas").getContext("2d");
  context.font = getComputedStyle(e).font;
  const widest = Math.max(...[...e.options].map((o) => context.measureText(o.text).width));
  return [Math.ceil(widest), e.clientWidth - 35];
}"""


def pages(live_server):
    agreement = Agreement.objects.get(board__short_name="SCB", period_start__year=2018)
    # As of April 2019: the plan with overdue actions, so every table has rows.
    plan = f"agreement={agreement.pk}&as_of=2019-04-01"
    return {
        "My actions": f"{live_server.url}/my-actions/?plans=all",
        "the dashboard": f"{live_server.url}/dashboard/?{plan}",
        "the list": f"{live_server.url}/actions/?{plan}",
        "the board report": f"{live_server.url}/report/?{plan}",
    }


@pytest.mark.parametrize("width", [320, 390])
def test_no_page_scrolls_sideways_on_a_phone(
    live_server, page, sign_in, officer_wcc_ph, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(officer_wcc_ph)

    for name, url in pages(live_server).items():
        page.goto(url)
        page.wait_for_load_state()
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} at {width}px is {widths[0]}px wide"
        assert_accessible(page)

    # The rows are stacked: each cell says which column it is, and the Due and Status of an
    # action are on the screen, not cut off to the right.
    page.goto(pages(live_server)["My actions"])
    row = page.locator("tr[id^=action-row-]").first
    status = row.locator("td[data-label=Status]")
    box = status.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert "Status" in status.evaluate("e => getComputedStyle(e, '::before').content")


def test_a_wide_screen_keeps_the_columns(live_server, page, sign_in, officer_wcc_ph):
    page.set_viewport_size({"width": 1200, "height": 800})
    sign_in(officer_wcc_ph)
    page.goto(pages(live_server)["My actions"])

    assert page.locator("table.app-table--stack thead").first.is_visible()
    status = page.locator("tr[id^=action-row-] td[data-label=Status]").first
    assert status.evaluate("e => getComputedStyle(e).display") == "table-cell"


def test_selects_show_their_whole_choice(live_server, page, sign_in, chair, assert_accessible):
    """Agreement and "Sort by" were cut off ("Due date, soonest f"); the "As of" hint wrapped
    to three lines."""
    page.set_viewport_size({"width": 1200, "height": 900})
    sign_in(chair)
    for url in pages(live_server).values():
        if "/my-actions/" in url:
            continue
        page.goto(url)
        # (A lead's full name can be longer than any column: that select is left as it is.)
        for select in page.locator("main select[name=agreement], main select[name=sort]").all():
            widest, room = select.evaluate(WIDEST_CHOICE)
            assert widest <= room, f"{select.get_attribute('name')} on {url}: {widest} > {room}"
        hint = page.locator("#id_as_of-hint")
        line_height = float(hint.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert hint.bounding_box()["height"] < 2 * line_height, url
    assert_accessible(page)
