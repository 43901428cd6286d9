"""An invitation its addressee could not accept is refused on the form, with the reason
(issue 27, item 4), in a real Chromium: nothing is stored or sent, and what was typed stays."""

import re

import pytest
from playwright.sync_api import expect

from people.models import Invitation

pytestmark = pytest.mark.django_db(transaction=True)


def test_inviting_another_organisations_officer_is_refused_with_the_reason(
    live_server, sign_in, mailbox, assert_accessible, coordinator, officer_police, scb
):
    officer_police.email = "wm-police-officer@example.org"
    officer_police.save(update_fields=["email"])
    page = sign_in(coordinator)
    page.goto(f"{live_server.url}/p/{scb.slug}/people/")
    page.get_by_role("link", name="Invite someone").click()

    page.get_by_label("Email address").fill("WM-Police-Officer@example.org")
    page.get_by_label("Role").select_option(label="Officer of an organisation")
    page.get_by_label("Organisation (for an officer)").select_option(
        label="Worcestershire County Council Public Health (WCC PH)"
    )
    page.get_by_role("button", name="Send the invitation").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "WM-Police-Officer@example.org is officer-wm-police person of West Mercia Police "
        "(WM Police), not of Worcestershire County Council Public Health (WCC PH): invite them "
        "as an officer of WM Police, or ask an admin to change their organisation first."
    )
    # The summary's link takes the keyboard to the field, which keeps what was typed.
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Email address")).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value("WM-Police-Officer@example.org")
    assert_accessible(page)
    assert not Invitation.objects.exists()
    assert mailbox.messages == []
