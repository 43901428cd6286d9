"""Small things new users tripped over (issue 27, item 8), each through what they receive."""

import re

from django.urls import reverse

from governance.middleware import address_in
from governance.models import Organisation


def test_the_header_says_who_is_signed_in(client, officer_wcc_ph):
    officer_wcc_ph.first_name, officer_wcc_ph.last_name = "Priya", "Shah"
    officer_wcc_ph.save()
    client.force_login(officer_wcc_ph)
    html = client.get(reverse("actions:my_actions"), follow=True).content.decode()
    assert re.search(r"data-signed-in>\s*<span[^>]*>Signed in as Priya Shah</span>", html)


def test_the_invite_form_names_organisations_in_full(client, coordinator, scb):
    client.force_login(coordinator)
    html = client.get(address_in(scb.slug, "people:invite")).content.decode()
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    assert f">{wcc_ph.name} (WCC PH)</option>" in html.replace("&amp;", "&")


def test_a_new_officer_lands_on_my_actions_and_a_chair_on_the_dashboard(
    client, coordinator, scb, mailbox
):
    from tests.people.test_onboarding import _accept

    client.force_login(coordinator)
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    for kind, email, landing in (
        ("officer", "new.officer@example.org", "actions:my_actions"),
        ("chair", "new.chair@example.org", "actions:dashboard"),
    ):
        client.force_login(coordinator)
        data = {"email": email, "kind": kind}
        if kind == "officer":
            data["organisation"] = wcc_ph.pk
        assert client.post(address_in(scb.slug, "people:invite"), data).status_code == 302
        client.logout()
        _, response = _accept(client, mailbox.messages[-1], name=f"New {kind}")
        assert response["Location"] == f"/p/{scb.slug}" + reverse(landing)


def test_no_subject_line_has_a_run_of_spaces(client, admin_user, scb, mailbox):
    from governance.models import Body

    Body.objects.filter(pk=scb.pk).update(name="Worcestershire  Safer Communities   Board")
    client.force_login(admin_user)
    data = {"email": "spaced@example.org", "kind": "chair"}
    assert client.post(address_in(scb.slug, "people:invite"), data).status_code == 302
    subject = mailbox.messages[-1].subject
    assert "  " not in subject
    assert "Worcestershire Safer Communities Board" in subject
