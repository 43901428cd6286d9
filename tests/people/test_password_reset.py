"""Password reset by email through a real SMTP server: one answer whether or not the address
exists, a link that works once and expires."""

import re
import time

import pytest
from django.urls import reverse

NEW_PASSWORD = "a-brand-new-password-2026"
pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(officer_wcc_ph):
    officer_wcc_ph.email = "officer@example.org"
    officer_wcc_ph.save()
    return officer_wcc_ph


def _path(link):
    return "/" + link.split("/", 3)[3]


def _ask(client, address):
    return client.post(reverse("password_reset"), {"email": address}, follow=True)


def _without_nonce(html):
    return re.sub(r'nonce="[^"]*"', "", html)


def test_sign_in_page_offers_reset_and_is_named_after_the_service(client, settings, db):
    settings.SITE_NAME = "Sometown Action Plans"
    html = client.get(reverse("login")).content.decode()
    assert "Forgotten your password?" in html
    assert reverse("password_reset") in html
    assert "<title>Sign in – Sometown Action Plans</title>" in html
    assert "testserver" not in html


def test_reset_sends_a_working_link_that_works_once(officer, mailbox, client):
    response = _ask(client, "OFFICER@example.org")
    assert "Check your email" in response.content.decode()
    [mail] = mailbox.to("officer@example.org")
    assert "Reset your password" in mail.subject
    assert "You are receiving this email because" in mail.text
    assert "Choose a new password" in mail.html
    assert "1 day" in mail.text
    link = _path(next(link for link in mail.links() if "/reset/" in link))

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password has been changed" in done.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    # Through the sign-in page, as the person would (and as django-axes needs a request).
    signed_in = client.post(
        reverse("login"), {"username": officer.username, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    client.logout()

    used = client.get(link, follow=True).content.decode()
    assert "This link does not work" in used


def test_unknown_address_gets_the_same_page_and_no_mail(officer, mailbox, client):
    known = _ask(client, "officer@example.org").content.decode()
    mailbox.clear()
    unknown = _ask(client, "nobody@example.org").content.decode()
    assert _without_nonce(unknown) == _without_nonce(known)
    assert mailbox.messages == []


def test_an_expired_link_is_refused(officer, mailbox, client, settings):
    _ask(client, "officer@example.org")
    link = _path(next(link for link in mailbox.messages[0].links() if "/reset/" in link))
    settings.PASSWORD_RESET_TIMEOUT = 0
    time.sleep(1.1)
    refused = client.get(link, follow=True).content.decode()
    assert "This link does not work" in refused
    officer.refresh_from_db()
    assert not officer.check_password(NEW_PASSWORD)
