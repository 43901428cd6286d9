"""Sent mail in the browser, in development only (devmail): a newcomer reads the invitation
the coordinator sent and clicks its link; with DEBUG off the pages are not there at all."""

import importlib
import re

import pytest
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve, reverse

import csa.urls
from governance.middleware import address_in
from governance.models import Organisation
from tests.served import Page

pytestmark = pytest.mark.django_db

FOLDER_MAILER = {"default": {"BACKEND": "devmail.backends.FolderEmailBackend"}}


def _urls_with(settings, *, debug):
    """csa/urls.py as it is built with DEBUG on or off (it reads DEBUG once, when imported)."""
    settings.DEBUG = debug
    importlib.reload(csa.urls)
    clear_url_caches()


@pytest.fixture
def development(settings, tmp_path):
    settings.MAILERS = FOLDER_MAILER
    settings.SENT_MAIL_DIR = tmp_path / "sent-mail"
    _urls_with(settings, debug=True)
    yield settings
    _urls_with(settings, debug=False)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_a_newcomer_opens_their_invitation_from_the_sent_mail_page(
    development, client, coordinator, scb
):
    client.force_login(coordinator)
    police = Organisation.objects.get(short_name="WM Police")
    response = client.post(
        address_in(scb.slug, "people:invite"),
        {"email": "new.officer@example.org", "kind": "officer", "organisation": police.pk},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    client.logout()

    newcomer = Client()
    sign_in = Page(newcomer.get(reverse("login"), follow=True).content.decode())
    assert ("/dev/mail/", "Sent mail (development only)") in _footer_links(newcomer)
    assert sign_in.title  # the sign-in page was served

    listing = Page(newcomer.get("/dev/mail/").content.decode())
    [row] = listing.table(id="sent-mail").rows
    assert "new.officer@example.org" in row.cells[1]
    assert "You are invited to Worcestershire Safer Communities Board" in row.cells[2]
    [detail_address] = row.links

    detail = newcomer.get(detail_address)
    assert detail.status_code == 200
    html = detail.content.decode()
    links = re.findall(r'<ul[^>]*id="email-links">(.*?)</ul>', html, re.S)[0]
    [invitation_link] = [h for h in re.findall(r'href="([^"]+)"', links) if "/invitations/" in h]
    assert "Plain text" in html and invitation_link in html  # the text part too, its link live

    accept = newcomer.get(_path(invitation_link))
    assert accept.status_code == 200
    assert "Accept your invitation" in accept.content.decode()

    as_sent = newcomer.get(
        reverse("devmail:html", args=[detail_address.rstrip("/").split("/")[-1]])
    )
    assert as_sent.status_code == 200
    assert invitation_link in as_sent.content.decode()
    assert "script-src" not in as_sent["Content-Security-Policy"]  # default-src 'none' holds


def _footer_links(client):
    html = client.get(reverse("login")).content.decode()
    footer = html[html.index("<footer") :]
    return [
        (href, words.strip())
        for href, words in re.findall(
            r'<a class="govuk-footer__link" href="([^"]+)">([^<]+)</a>', footer
        )
    ]


def test_sent_mail_is_not_routed_with_debug_off(settings, client, tmp_path):
    settings.SENT_MAIL_DIR = tmp_path
    _urls_with(settings, debug=False)
    with pytest.raises(Resolver404):
        resolve("/dev/mail/")
    assert client.get("/dev/mail/").status_code == 404
    assert "/dev/mail/" not in client.get(reverse("login")).content.decode()


def test_the_pages_refuse_whenever_debug_is_off_even_if_routed(development, client):
    """A process that imported the URLs in development and then runs with DEBUG off (a test,
    a misconfigured server) still shows nothing."""
    from devmail import store

    name = store.save(b"Subject: A reset link\r\nTo: x@example.org\r\n\r\nhttp://x/reset/1/\r\n")
    assert client.get(f"/dev/mail/{name}/").status_code == 200
    development.DEBUG = False
    for address in ["/dev/mail/", f"/dev/mail/{name}/", f"/dev/mail/{name}/html/"]:
        assert client.get(address).status_code == 404, address
    assert client.post("/dev/mail/clear/").status_code == 404
    assert store.message(name) is not None  # nothing removed


def test_only_names_the_store_made_are_read(development, client, tmp_path):
    secret = tmp_path / "secret.eml"
    secret.write_text("Subject: not yours\r\n\r\nsecret\r\n")
    for address in ["/dev/mail/secret/", "/dev/mail/..%2Fsecret/", "/dev/mail/0000/"]:
        assert client.get(address).status_code == 404, address


def test_remove_every_email(development, client):
    from devmail import store

    store.save(b"Subject: One\r\nTo: a@example.org\r\n\r\nOne\r\n")
    store.save(b"Subject: Two\r\nTo: b@example.org\r\n\r\nTwo\r\n")
    listing = Page(client.get("/dev/mail/").content.decode())
    assert [row.cells[2] for row in listing.table(id="sent-mail").rows] == ["Two", "One"]
    response = client.post("/dev/mail/clear/", follow=True)
    html = response.content.decode()
    assert "2 emails removed." in html
    assert "No email has been sent yet" in html
