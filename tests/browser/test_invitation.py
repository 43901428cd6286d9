"""A new partnership's first coordinator in a real Chromium: the invitation email's link,
choosing a password, the first sign-in, the People page; axe checks every page."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-enough-password-2026"


def test_invitation_set_password_first_sign_in(live_server, page, mailbox, assert_accessible):
    call_command(
        "add_partnership",
        "--short-name",
        "SCP",
        "--name",
        "Sometown Community Safety Partnership",
        "--coordinator-email",
        "coordinator@example.org",
    )
    [mail] = mailbox.messages
    path = "/" + mail.links()[0].split("/", 3)[3]

    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    assert_accessible(page)

    page.get_by_role("button", name="Accept and sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: Accept your invitation"))
    assert_accessible(page)

    page.get_by_label("Your full name").fill("Casey Coordinator")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Accept and sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_text("Welcome to Sometown Community Safety Partnership")).to_be_visible()
    expect(page.locator(".govuk-generic-header__homepage-link")).to_have_text(
        "Sometown Community Safety Partnership"
    )
    assert_accessible(page)

    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("coordinator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-generic-header__homepage-link")).to_have_text(
        "Sometown Community Safety Partnership"
    )
    assert_accessible(page)


def test_password_reset_pages_are_accessible(live_server, page, mailbox, assert_accessible, db):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    assert mailbox.messages == []
