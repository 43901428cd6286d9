"""One My actions across a person's partnerships (issue 26, item 3): West Mercia Police's
officer leads actions in each of the county's partnerships, and at /my-actions/ (outside any
partnership's address) gets them all on one page, by partnership, each row opening the action
in its own partnership's address. Before, that address sent her to "choose a partnership".

Inside a partnership's address My actions stays that partnership's; a person in one
partnership keeps the page they had.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action, ActionLead, Status, today
from governance.models import Body, Organisation, Role
from tests.actions.factories import ActionFactory, AgreementFactory
from tests.csa.factories import ThemeFactory
from tests.governance.factories import BoardFactory, BodyFactory, OrganisationFactory

URL = reverse("actions:my_actions")  # "/my-actions/", outside any partnership's address
ACROSS_LINK = "My actions in all your partnerships"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def listed(html: str) -> set[int]:
    """The actions the page has a row for."""
    return {int(pk) for pk in re.findall(r'id="action-row-(\d+)"', html)}


def row_links(html: str, action) -> list[str]:
    """The addresses in an action's row (its page, and its update form if offered)."""
    match = re.search(
        rf'<tr class="govuk-table__row" id="action-row-{action.pk}">(.*?)</tr>', html, re.S
    )
    assert match, f"no row for {action}"
    return re.findall(r'href="([^"]+)"', match.group(1))


def led_by(short_name: str, board, *, extra_lead=None, description: str, theme=None):
    action = ActionFactory(
        agreement=board.agreements.get(period_start="2018-04-01"),
        theme=theme,
        description=description,
        due_date=datetime.date(2018, 7, 31),
    )
    ActionLead.objects.create(
        action=action, position=1, organisation=Organisation.objects.get(short_name=short_name)
    )
    if extra_lead is not None:
        ActionLead.objects.create(action=action, position=2, body=extra_lead)
    return action


@pytest.fixture
def northshire(scb):
    """A second partnership of the county: a plan in force, a theme and a restricted panel."""
    board = BoardFactory(short_name="NCSP", name="Northshire Community Safety Partnership")
    AgreementFactory(board=board, period_start=datetime.date(2018, 4, 1))
    OrganisationFactory(short_name="NDC", name="Northshire District Council")
    return board


@pytest.fixture
def northshire_panel(northshire):
    return BodyFactory(
        short_name="NCP", name="Northshire Channel Panel", partnership=northshire, restricted=True
    )


@pytest.fixture
def knife_crime(northshire):
    return ThemeFactory(board=northshire, name="Knife crime")


@pytest.fixture
def northshire_actions(northshire, northshire_panel, knife_crime):
    """What West Mercia Police leads there, what a restricted panel leads with it, and what
    another organisation leads."""
    return {
        "police": led_by(
            "WM Police", northshire, description="Northshire police knife arches", theme=knife_crime
        ),
        "restricted": led_by(
            "WM Police",
            northshire,
            extra_lead=northshire_panel,
            description="Northshire panel's referral review",
        ),
        "council": led_by("NDC", northshire, description="Northshire council's CCTV renewal"),
    }


@pytest.fixture
def scb_restricted(scb):
    """An action of Worcestershire's that the restricted Channel Panel leads with the police."""
    return led_by(
        "WM Police",
        scb,
        extra_lead=Body.objects.get(short_name="Channel Panel"),
        description="Channel Panel's Dovetail pilot",
    )


@pytest.fixture
def scb_police(scb):
    """Two actions of Worcestershire's plan in force that the police lead, in two themes."""
    themes = list(scb.themes.order_by("position")[:2])
    return [
        led_by("WM Police", scb, description=f"Worcestershire police patrol plan {n}", theme=theme)
        for n, theme in enumerate(themes)
    ]


@pytest.fixture
def in_two(officer_police, scb_police, northshire, northshire_actions, scb_restricted):
    """The West Mercia Police officer, an officer of both partnerships."""
    Role.objects.create(user=officer_police, board=northshire, kind=Role.Kind.OFFICER)
    return officer_police


def _police_led_in_scb():
    """The police's actions in Worcestershire's plan in force that the officer may see."""
    return set(
        Action.objects.filter(
            agreement__board__short_name="SCB",
            agreement__period_start="2018-04-01",
            leads__organisation__short_name="WM Police",
        )
        .exclude(leads__body__restricted=True)
        .values_list("pk", flat=True)
    )


def test_a_person_in_two_partnerships_gets_a_list_not_the_chooser(client, in_two):
    client.force_login(in_two)

    response = client.get(URL)

    assert response.status_code == 200, response.get("Location")
    assert "<h1" in response.content.decode()


def test_both_partnerships_actions_each_in_its_own_address(
    client, in_two, scb, northshire, northshire_actions, scb_restricted
):
    client.force_login(in_two)

    html = client.get(URL).content.decode()

    police = northshire_actions["police"]
    scb_led = _police_led_in_scb()
    assert scb_led, "the fixture's police lead something in Worcestershire"
    assert listed(html) == scb_led | {police.pk}
    # Grouped by partnership, each under its own heading, in name order.
    partnerships = [text(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]
    assert partnerships[:2] == [northshire.name, scb.name], partnerships
    # Every row opens the action, and its update form, in the action's partnership's address.
    assert row_links(html, police) == [
        f"/p/{northshire.slug}/actions/{police.pk}/",
        f"/p/{northshire.slug}/actions/{police.pk}/update/?next=/my-actions/",
    ]
    for pk in scb_led:
        detail, update = row_links(html, Action.objects.get(pk=pk))
        assert detail == f"/p/{scb.slug}/actions/{pk}/"
        assert update.startswith(f"/p/{scb.slug}/actions/{pk}/update/?next=")
    assert f"{len(scb_led) + 1} actions." in text(html)
    # Each partnership's own My actions is a link away; nothing links to the chooser.
    assert f'href="/p/{northshire.slug}/my-actions/"' in html
    assert f'href="/p/{scb.slug}/my-actions/"' in html
    assert reverse("people:partnership_choose") not in html


def test_restricted_and_not_led_actions_stay_out(
    client, in_two, northshire_actions, scb_restricted
):
    client.force_login(in_two)

    html = client.get(URL, {"plans": "all"}).content.decode()

    page = text(html)
    for hidden in (northshire_actions["restricted"], scb_restricted):
        assert hidden.pk not in listed(html)
        assert hidden.description not in page
    assert northshire_actions["council"].description not in page  # not the police's
    # Opened directly in its address, the restricted one is not there either: the same rule.
    restricted = northshire_actions["restricted"]
    address = f"/p/{restricted.agreement.board.slug}/actions/{restricted.pk}/"
    assert client.get(address).status_code == 404


def test_each_partnership_shows_what_the_persons_role_there_lists(
    client, officer_police, scb, northshire, northshire_actions
):
    """Coordinator of one, officer of the other: every action of the one (its restricted
    panel's too, as its coordinator sees everywhere), only the led ones of the other."""
    Role.objects.create(user=officer_police, board=northshire, kind=Role.Kind.COORDINATOR)
    client.force_login(officer_police)

    html = client.get(URL).content.decode()

    assert {a.pk for a in northshire_actions.values()} <= listed(html)
    assert listed(html) - {a.pk for a in northshire_actions.values()} == _police_led_in_scb()
    summary = text(re.search(r'<table[^>]*id="your-partnerships".*?</table>', html, re.S)[0])
    assert "you coordinate it" in summary and "your organisation" in summary


def test_inside_a_partnerships_address_it_stays_that_partnerships(
    client, in_two, scb, northshire, northshire_actions
):
    client.force_login(in_two)

    html = client.get(f"/p/{scb.slug}{URL}").content.decode()

    assert listed(html) == _police_led_in_scb()
    assert f'<a class="govuk-link" href="{URL}">{ACROSS_LINK}</a>' in html
    theirs = client.get(f"/p/{northshire.slug}{URL}").content.decode()
    assert listed(theirs) == {northshire_actions["police"].pk}
    assert ACROSS_LINK in theirs
    # Other pages of a partnership still ask which, outside any address.
    dashboard = client.get(reverse("actions:dashboard"))
    assert dashboard["Location"].startswith(reverse("people:partnership_choose"))


def test_a_person_in_one_partnership_keeps_the_page_they_had(
    client, officer_police, scb, scb_police
):
    client.force_login(officer_police)

    outside = client.get(URL)
    inside = client.get(f"/p/{scb.slug}{URL}")

    assert outside.status_code == inside.status_code == 200
    for response in (outside, inside):
        html = response.content.decode()
        assert listed(html) == _police_led_in_scb()
        assert ACROSS_LINK not in html and 'id="your-partnerships"' not in html
        assert "Update several actions with a spreadsheet" in html
    # Outside, its links are the addresses outside any partnership's, as before.
    pk = min(_police_led_in_scb())
    assert row_links(outside.content.decode(), Action.objects.get(pk=pk))[0] == f"/actions/{pk}/"


def test_the_filters_apply_across_partnerships(client, in_two, knife_crime, northshire_actions):
    client.force_login(in_two)
    page = client.get(URL).content.decode()
    # A theme is named with its partnership: two partnerships may each have a "Domestic abuse".
    assert f'value="{knife_crime.pk}">Knife crime (NCSP)</option>' in page
    assert re.search(r'<option value="\d+">Domestic Abuse[^<]*\(SCB\)</option>', page), page

    by_theme = client.get(URL, {"theme": knife_crime.pk}).content.decode()
    assert listed(by_theme) == {northshire_actions["police"].pk}
    assert "1 action match the filters." in text(by_theme)

    Action.objects.filter(pk=northshire_actions["police"].pk).update(status=Status.AT_RISK)
    at_risk = client.get(URL, {"status": Status.AT_RISK}).content.decode()
    assert northshire_actions["police"].pk in listed(at_risk)
    assert all(Action.objects.get(pk=pk).status == Status.AT_RISK for pk in listed(at_risk))

    refused = client.get(URL, {"theme": "999999"}).content.decode()
    assert "Choose a theme from the list" in refused


def test_paged_with_each_partnership_named_on_its_page(client, in_two, northshire, monkeypatch):
    monkeypatch.setattr("actions.officer.views.ACTIONS_PER_PAGE", 2)
    client.force_login(in_two)
    total = len(_police_led_in_scb()) + 1

    first = client.get(URL, {"status": ""}).content.decode()
    last_number = -(-total // 2)
    last = client.get(URL, {"status": "", "page": last_number}).content.decode()

    assert len(listed(first)) == 2 and f"{total} actions." in text(first)
    assert f"?status=&amp;page={last_number}" in first
    # The last page is Worcestershire's (after Northshire by name), and says so at its top.
    assert re.findall(r"<h2[^>]*>(.*?)</h2>", last, re.S)[0].strip().startswith("Worcestershire")


def test_the_spreadsheet_is_offered_in_each_partnership_not_across(client, in_two, scb):
    """The progress spreadsheet's pages are a partnership's (a file names one partnership's
    actions by reference): across partnerships the page sends to each one's My actions."""
    client.force_login(in_two)

    across = client.get(URL).content.decode()
    inside = client.get(f"/p/{scb.slug}{URL}").content.decode()

    assert "Update several actions with a spreadsheet" not in across
    assert reverse("actions:progress_upload") not in across
    assert "Update several actions with a spreadsheet" in inside


def test_an_update_from_the_page_goes_back_to_it(client, in_two, northshire_actions):
    client.force_login(in_two)
    police = northshire_actions["police"]
    html = client.get(URL).content.decode()
    update = row_links(html, police)[1].replace("&amp;", "&")

    form = client.get(update)
    saved = client.post(
        update,
        {
            "status": Status.ON_TRACK,
            "note": "The arches are in place at two stations.",
            "outcome": "",
            "date_0": str(today().day),
            "date_1": str(today().month),
            "date_2": str(today().year),
            "version": str(police.version),
            "next": URL,
        },
    )

    assert form.status_code == 200
    assert saved.status_code == 302 and saved["Location"] == URL
    police.refresh_from_db()
    assert police.status == Status.ON_TRACK
    assert "Update saved" in client.get(URL).content.decode()


def test_the_update_in_place_keeps_the_row_in_its_partnership(client, in_two, northshire):
    """htmx swaps the row for the form and back: the row it gets back is drawn in the action's
    partnership's address, so its links stay there."""
    client.force_login(in_two)
    police = Action.objects.get(description="Northshire police knife arches")
    update = row_links(client.get(URL).content.decode(), police)[1].replace("&amp;", "&")
    headers = {"HX-Request": "true", "HX-Target": f"action-{police.pk}"}

    form = client.get(update, headers=headers).content.decode()
    saved = client.post(
        update,
        {
            "status": Status.ON_TRACK,
            "note": "The arches are in place at two stations.",
            "outcome": "",
            "date_0": str(today().day),
            "date_1": str(today().month),
            "date_2": str(today().year),
            "version": str(police.version),
            "next": URL,
        },
        headers=headers,
    ).content.decode()

    assert f'action="/p/{northshire.slug}/actions/{police.pk}/update/"' in form
    assert "Update saved: " in saved
    assert row_links(saved, police)[0] == f"/p/{northshire.slug}/actions/{police.pk}/"
    assert f"next={URL}" in row_links(saved, police)[1]


def _more(count, northshire, scb):
    """More police-led actions in each partnership, each with an update."""
    for board in (northshire, scb):
        agreement = board.agreements.get(period_start="2018-04-01")
        for n in range(count):
            extra = ActionFactory(
                agreement=agreement, reference=f"Q{count}-{n}", theme=None, position=500 + n
            )
            ActionLead.objects.create(
                action=extra,
                position=1,
                organisation=Organisation.objects.get(short_name="WM Police"),
            )


def _queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries), listed(response.content.decode())


# Session, user, the data stamp; the access, worked out again after the data changed (the
# roles, person, memberships and hidden bodies, and the cache's read and writes where the
# cache is the database); the count, the page of actions, their leads, their latest updates,
# each partnership's count and the theme filter's choices. However many actions there are.
MAX_QUERIES = 16


@pytest.mark.parametrize("params", [{}, {"status": "on_track"}, {"plans": "all"}])
def test_a_fixed_number_of_queries_whatever_the_size(
    client, in_two, scb, northshire, django_assert_max_num_queries, params
):
    client.force_login(in_two)
    _more(1, northshire, scb)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(URL, params)
    small, small_rows = _queries(client, params)

    _more(20, northshire, scb)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(URL, params)
    large, large_rows = _queries(client, params)

    assert large == small
    if not params:
        assert len(large_rows) == len(small_rows) + 40
