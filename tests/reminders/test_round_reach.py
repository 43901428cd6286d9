"""Update rounds say who is asked about each action, and which actions reach no one (issue 27,
item 3): the round page said "1 lead emailed" where 8 of 12 actions reached nobody.

Before the round opens (its form) and after (its page) the coordinator sees each action with
the people asked about it and their addresses, and the actions no one can be asked about,
each lead with why and what to do. The rule is one function (reminders.reach.who_is_asked):
the emails go to exactly the people the form named.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ActionLead, UpdateRound
from governance.models import Body, Organisation, Role
from tests.actions.factories import ActionFactory
from tests.governance.factories import make_user
from tests.mailbox import free_port
from tests.reminders.conftest import with_email
from tests.reminders.test_rounds import action_2018, open_round, refs
from tests.served import served

# The 2018-19 plan's twelve open actions; with the WCC PH officer and the Domestic Abuse
# Forum's officer signed up, these are led only by parties no one with a role speaks for.
NOBODY = {"A6", "A9", "A11", "A12"}


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def card(html: str, action) -> str:
    """The words of the not-reached card of `action`."""
    after = html.split(f'id="not-reached-{action.pk}"')[1]
    return words(re.split(r'class="govuk-summary-card"|<h2|</main>', after)[0])


def form_url(meeting):
    return reverse("reminders:round_create", args=[meeting.pk])


def asked_column(table):
    return {row.reference: row.cells[3] for row in table.rows}


def test_the_form_names_who_will_be_asked_and_what_reaches_no_one(
    client, coordinator, scb_meeting, wcc_ph_officer, daf_officer
):
    client.force_login(coordinator)
    response = client.get(form_url(scb_meeting))
    page = served(response)

    asked = asked_column(page.table(id="round-preview"))
    assert len(asked) == 12
    assert "officer-wcc-ph person" in asked["A1"]
    assert "officer-wcc-ph@example.org" in asked["A1"]
    assert "officer-daf@example.org" in asked["A2"] and "officer-wcc-ph" not in asked["A2"]
    assert {ref for ref, cell in asked.items() if cell.startswith("No one")} == NOBODY
    assert page.headings["not-reached"] == "No one can be asked about 4 actions"
    html = response.content.decode()
    a6 = action_2018("A6")
    assert (
        "No member of the Worcestershire Reducing Re-Offending Strategy Group has an account "
        "in this partnership." in card(html, a6)
    )
    assert "Invite someone for A6 as a member of the Worcestershire Reducing" in card(html, a6)
    group = a6.leads.get().body
    invite = f"{reverse('people:invite')}?kind=member&body={group.pk}"
    assert (invite, "Invite someone") in page.links
    # The link opens the invite form with the role and the group already chosen.
    form = client.get(invite).content.decode()
    assert re.search(r'<option value="member"\s+selected>', form)
    assert re.search(rf'<option value="{group.pk}"\s+selected>', form)
    # Nothing is sent by looking.
    assert not UpdateRound.objects.exists()


def test_each_kind_of_gap_says_how_to_fix_it(client, coordinator, scb, scb_meeting, channel_action):
    # A6: its group's only member has no email address.
    group = action_2018("A6").leads.get().body
    make_user(username="rosg-member", board=scb, kind=Role.Kind.OFFICER, bodies=[group])
    # A9: no lead at all.
    ActionLead.objects.filter(action=action_2018("A9")).delete()
    # The Channel Panel's action: WCC PH's officer has an address but may not see it.
    with_email(
        make_user(
            username="wcc-ph-2",
            board=scb,
            kind=Role.Kind.OFFICER,
            organisation=Organisation.objects.get(short_name="WCC PH"),
        )
    )
    client.force_login(coordinator)
    response = client.get(form_url(scb_meeting))
    html = response.content.decode()
    page = served(response)

    assert "rosg-member person (" in card(html, action_2018("A6"))
    assert "has no email address. Ask an administrator to add it" in card(html, action_2018("A6"))
    assert "It has no lead. Add a lead to A9" in card(html, action_2018("A9"))
    assert (reverse("actions:action_edit", args=[action_2018("A9").pk]), "Add a lead to A9") in (
        page.links
    )
    secret = card(html, channel_action)
    assert "wcc-ph-2 person (WCC PH) may not see this action" in secret
    assert "No member of the Worcestershire Channel Panel has an account" in secret
    assert (
        "wcc-ph-2@example.org"
        not in asked_column(page.table(id="round-preview"))[channel_action.reference]
    )


@pytest.fixture
def channel_action(scb):
    """A 2018-19 action the Channel Panel leads with WCC PH: only the panel's members see it."""
    action = ActionFactory(
        agreement=action_2018("A1").agreement,
        theme=None,
        reference="A13",
        position=13,
        description="Channel Panel case review",
        due_date=datetime.date(2019, 3, 31),
    )
    ActionLead.objects.create(
        action=action, position=1, organisation=Organisation.objects.get(short_name="WCC PH")
    )
    ActionLead.objects.create(
        action=action, position=2, body=Body.objects.get(short_name="Channel Panel")
    )
    return action


def test_the_emails_go_to_exactly_whom_the_form_named(
    client, smtp, coordinator, scb, scb_meeting, wcc_ph_officer, daf_officer, channel_action
):
    member = with_email(
        make_user(
            username="channel-member",
            board=scb,
            kind=Role.Kind.OFFICER,
            organisation=Organisation.objects.get(short_name="WCC PH"),
            bodies=[Body.objects.get(short_name="Channel Panel")],
        )
    )
    client.force_login(coordinator)
    asked = asked_column(served(client.get(form_url(scb_meeting))).table(id="round-preview"))
    named = {
        user.email: {ref for ref, cell in asked.items() if user.email in cell}
        for user in (wcc_ph_officer, daf_officer, member)
    }
    assert "A13" in named[member.email] and "A13" not in named[wcc_ph_officer.email]

    open_round(client, coordinator, scb_meeting)

    received = {address: refs(smtp.to(address)[0]) for address in smtp.recipients}
    assert received == named


def test_the_round_page_says_who_was_emailed_and_what_reached_no_one(
    client, smtp, coordinator, scb_meeting, wcc_ph_officer, daf_officer
):
    response = open_round(client, coordinator, scb_meeting)
    update_round = UpdateRound.objects.get()

    page = client.get(response["Location"])
    html = page.content.decode()
    served_page = served(page)
    assert (
        "Update round opened: 2 leads emailed about 8 of 12 actions. 4 actions reached no one: "
        "see below." in served_page.main
    )
    rows = {row.reference: row for row in served_page.table(id="round-actions").rows}
    assert "officer-wcc-ph@example.org" in rows["A1"].cells[3]
    assert "Emailed" in rows["A1"].tags
    assert {ref for ref, row in rows.items() if "No one" in row.tags} == NOBODY
    assert "8 of 12 actions have someone to ask; 4 reached no one" in served_page.main
    assert served_page.headings["not-reached"] == "No one can be asked about 4 actions"
    assert "there is nobody to email about them" in html
    assert update_round.sends.count() == 2


def test_a_failed_email_is_shown_as_failed(
    client, coordinator, scb_meeting, wcc_ph_officer, settings
):
    # A mail server that is not there: the round opens, the email is kept as failed.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    response = open_round(client, coordinator, scb_meeting)
    page = served(client.get(response["Location"]))
    rows = {row.reference: row for row in page.table(id="round-actions").rows}
    assert "Email failed" in rows["A1"].tags
    assert (
        "Update round opened: 0 leads emailed about 0 of 12 actions. 1 email could not be "
        "sent: see who on the round's page. 6 actions reached no one: see below." in page.main
    )


def test_only_the_coordinator_sees_who_is_asked(
    client, smtp, coordinator, chair, scb_meeting, wcc_ph_officer
):
    open_round(client, coordinator, scb_meeting)
    update_round = UpdateRound.objects.get()
    client.force_login(chair)
    html = client.get(reverse("reminders:round_detail", args=[update_round.pk])).content.decode()
    assert "officer-wcc-ph@example.org" not in html
    assert 'id="not-reached"' not in html


def _grow(scb, n):
    """n more actions in the plan, each led by its own organisation with its own officer
    (with an address), and n more led by an organisation with no one."""
    agreement = action_2018("A1").agreement
    for i in range(n):
        organisation = Organisation.objects.create(name=f"Grown org {i}", short_name=f"G{i}")
        with_email(
            make_user(
                username=f"grown-{i}", board=scb, kind=Role.Kind.OFFICER, organisation=organisation
            )
        )
        for j, led in enumerate(
            (organisation, Organisation.objects.create(name=f"Empty {i}", short_name=f"E{i}"))
        ):
            action = ActionFactory(
                agreement=agreement,
                theme=None,
                reference=f"G{i}-{j}",
                position=100 + 2 * i + j,
                due_date=datetime.date(2019, 3, 31),
            )
            ActionLead.objects.create(action=action, position=1, organisation=led)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_form_and_the_page_take_the_same_queries_however_many_actions_and_people(
    client, smtp, coordinator, scb, scb_meeting, wcc_ph_officer, daf_officer, channel_action
):
    with_email(
        make_user(
            username="channel-member",
            board=scb,
            kind=Role.Kind.OFFICER,
            organisation=Organisation.objects.get(short_name="WCC PH"),
            bodies=[Body.objects.get(short_name="Channel Panel")],
        )
    )
    client.force_login(coordinator)
    small_form = _queries(client, form_url(scb_meeting))
    open_round(client, coordinator, scb_meeting)
    first = UpdateRound.objects.get()
    small_page = _queries(client, reverse("reminders:round_detail", args=[first.pk]))

    _grow(scb, 6)
    big_form = _queries(client, form_url(scb_meeting))
    open_round(client, coordinator, scb_meeting)
    second = UpdateRound.objects.exclude(pk=first.pk).get()
    assert second.actions.count() == 13 + 12
    big_page = _queries(client, reverse("reminders:round_detail", args=[second.pk]))

    assert (big_form, big_page) == (small_form, small_page)
