"""The partnership is in the address (issue 24): /p/<slug>/... is one partnership's page for
everyone who may open it, whatever they opened before, and nothing for anyone else.

On 6e68be9 the chosen partnership lived in the session: a coordinator of two partnerships who
switched in the header got the first partnership's cached dashboard under the second's name.
"""

import datetime

import pytest
from django.urls import reverse

from actions.models import Action
from governance.models import Body, Role
from tests.actions.factories import ActionFactory, ActionLeadFactory, AgreementFactory
from tests.governance.factories import OrganisationFactory, make_user

LIST = reverse("actions:action_list")


@pytest.fixture
def northshire(scb):
    """A second partnership with one action of its own."""
    agreement = AgreementFactory(period_start=datetime.date(2018, 4, 1))
    action = ActionFactory(
        agreement=agreement,
        theme=None,
        description="Northshire's own action on knife crime",
        due_date=datetime.date(2018, 7, 31),
    )
    ActionLeadFactory(action=action, organisation=OrganisationFactory(), position=1)
    return agreement.board


def _listed(html):
    """The actions the page links to."""
    return {a.description for a in Action.objects.all() if f'/actions/{a.pk}/"' in html}


def test_the_same_address_shows_the_same_partnership_whatever_was_opened_before(
    client, scb, northshire
):
    both = make_user(board=scb, kind=Role.Kind.COORDINATOR)
    Role.objects.create(user=both, board=northshire, kind=Role.Kind.COORDINATOR)
    client.force_login(both)
    ours, theirs = f"/p/{scb.slug}{LIST}", f"/p/{northshire.slug}{LIST}"
    pages = {}
    for address in (ours, theirs, ours, theirs):  # the second round comes from the cache
        html = client.get(address).content.decode()
        pages.setdefault(address, []).append(html)
        shown = _listed(html)
        if address == ours:
            assert "Northshire's own action on knife crime" not in html
            assert shown and all(
                a.board == scb for a in Action.objects.filter(description__in=shown)
            )
        else:
            assert shown == {"Northshire's own action on knife crime"}
    assert _listed(pages[ours][0]) == _listed(pages[ours][1])


def test_an_admin_in_a_partnerships_address_sees_that_partnership_only(
    client, admin_user, scb, northshire
):
    client.force_login(admin_user)
    html = client.get(f"/p/{northshire.slug}{LIST}").content.decode()
    assert _listed(html) == {"Northshire's own action on knife crime"}
    html = client.get(f"/p/{scb.slug}{LIST}").content.decode()
    assert "Northshire's own action on knife crime" not in html
    # Across partnerships (an address without one) an admin sees every partnership's.
    chooser = client.get(reverse("people:partnership_choose")).content.decode()
    assert f'href="/p/{scb.slug}/"' in chooser and f'href="/p/{northshire.slug}/"' in chooser


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back(client, scb):
    address = f"/p/{scb.slug}{LIST}"
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={address}"


def test_links_a_page_draws_stay_in_its_partnership(client, coordinator, scb):
    client.force_login(coordinator)
    html = client.get(f"/p/{scb.slug}{reverse('actions:dashboard')}").content.decode()
    assert f'href="/p/{scb.slug}/actions/' in html
    assert f'href="/p/{scb.slug}/agreements/' in html
    assert 'href="/actions/' not in html


def test_the_chooser_only_sends_people_within_the_site(client, coordinator, scb, northshire):
    Role.objects.create(user=coordinator, board=northshire, kind=Role.Kind.CHAIR)
    client.force_login(coordinator)
    chooser = reverse("people:partnership_choose")
    html = client.get(chooser, {"next": "//elsewhere.example/steal"}).content.decode()
    assert "elsewhere.example" not in html
    assert f'href="/p/{scb.slug}/"' in html
    html = client.get(chooser, {"next": LIST}).content.decode()
    assert f'href="/p/{northshire.slug}{LIST}"' in html


def test_every_partnership_has_an_address_made_once(db):
    board = Body.objects.create(short_name="Watford CSP", name="Watford", kind="board")
    other = Body.objects.create(short_name="Watford-CSP", name="Watford too", kind="board")
    assert (board.slug, other.slug) == ("watford-csp", "watford-csp-2")
    board.short_name = "Watford Partnership"
    board.save()
    board.refresh_from_db()
    assert board.slug == "watford-csp", "a link to the partnership stays good"
