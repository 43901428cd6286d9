"""A newcomer in development, in a real Chromium: forgets their password, finds the email
on the sent-mail page (linked from the footer), clicks its link and signs in with the new
password. axe checks the sent-mail pages; at 320 px they do not scroll sideways."""

import importlib
import re

import pytest
from django.urls import clear_url_caches
from playwright.sync_api import expect

import csa.urls
from tests.governance.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-brand-new-password-2026"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def development(settings, tmp_path):
    """DEBUG on with the development mailer, and the URLs as development builds them."""
    settings.DEBUG = True
    settings.MAILERS = {"default": {"BACKEND": "devmail.backends.FolderEmailBackend"}}
    settings.SENT_MAIL_DIR = tmp_path / "sent-mail"
    importlib.reload(csa.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(csa.urls)
    clear_url_caches()


def test_a_reset_link_from_the_sent_mail_page(development, live_server, page, assert_accessible):
    UserFactory(username="casey", email="casey@example.org")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email address").fill("casey@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.get_by_role("link", name="Sent mail (development only)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sent mail")
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    page.get_by_role("link", name=re.compile("Reset your password")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reset your password")
    expect(page.locator("#email-links")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.set_viewport_size({"width": 1024, "height": 768})
    assert_accessible(page)

    page.locator("#email-links").get_by_role("link", name="Choose a new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label(re.compile("again|Confirm", re.I)).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the password").click()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-signed-in]")).to_be_visible()
