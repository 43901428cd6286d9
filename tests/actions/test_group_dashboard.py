"""The force-area view (issue 26, item 3): a group of partnerships read by its overseers.

A group holds Worcestershire (the shipped board), Watford (its shipped plan) and Northshire,
a third partnership made here whose figures on two past days are known. What is asserted is
what the overseer is served: the dashboard's tables, its links into each partnership's own
list, and what stays hidden (a restricted body's actions) or out of reach (another
partnership's chair, any update).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import Action, ProgressUpdate, Status
from actions.selectors import my_actions
from csa.models import Obligation
from csa.services import obligations_ensure_defaults
from governance.models import Body, Membership, Organisation, Role
from governance.services import partnership_group_create
from plans.importer import load_agreement_file
from tests.actions.factories import ActionFactory, ActionLeadFactory, ProgressUpdateFactory
from tests.conftest import WATFORD
from tests.csa.factories import AgreementFactory, ThemeFactory
from tests.governance.factories import BoardFactory, BodyFactory, PersonFactory, UserFactory
from tests.served import served

DAY = datetime.date(2018, 9, 30)
EARLIER = datetime.date(2018, 8, 1)
NORTHSHIRE = "Northshire Community Safety Partnership"
SCB_NAME = "Worcestershire Safer Communities Board"
FIGURES = ("Overdue", "At risk or off track", "Stale", "Actions")


def _northshire_plan(board, *, police, theme_name="Domestic Abuse"):
    """A plan of four actions seen by all and one led by a restricted panel:
    N1 overdue since 31 May, never updated (so stale too); N2 at risk from 1 September;
    N3 completed in July; N4, the panel's, overdue. The partnership has the default duties;
    its theme serves Domestic abuse (so all four do) and N2 is tagged Reducing reoffending
    itself."""
    plan = AgreementFactory(board=board)
    theme = ThemeFactory(board=board, name=theme_name)
    n1 = ActionFactory(agreement=plan, theme=theme, reference="N1", due_date="2018-05-31")
    n2 = ActionFactory(agreement=plan, theme=theme, reference="N2", due_date="2018-12-31")
    n3 = ActionFactory(agreement=plan, theme=theme, reference="N3", due_date="2018-06-30")
    panel = BodyFactory(
        name=f"{board.short_name} Channel Panel", partnership=board, restricted=True
    )
    n4 = ActionFactory(
        agreement=plan,
        theme=theme,
        reference="N4",
        due_date="2018-05-31",
        description="The panel's confidential case work",
    )
    ActionLeadFactory(action=n1, organisation=police, position=1)
    ActionLeadFactory(action=n2, organisation=police, position=1)
    ActionLeadFactory(action=n3, position=1)
    ActionLeadFactory(action=n4, organisation=None, body=panel, position=1)
    ProgressUpdateFactory(action=n2, date=datetime.date(2018, 9, 1), status=Status.AT_RISK)
    ProgressUpdateFactory(action=n3, date=datetime.date(2018, 7, 1), status=Status.COMPLETED)
    obligations_ensure_defaults(board=board)
    theme.obligations.add(_duty(board, "Domestic abuse"))
    n2.obligations.add(_duty(board, "Reducing reoffending"))
    return plan, panel


def _duty(board, name):
    return Obligation.objects.get(board=board, name=name)


@pytest.fixture
def police(worcestershire):
    return Organisation.objects.get(short_name="WM Police")


@pytest.fixture
def force_area(worcestershire, police):
    """The group, and in Worcestershire's 2018-19 plan one action West Mercia Police leads
    and one the (real, restricted) Channel Panel leads, both overdue on DAY."""
    load_agreement_file(WATFORD / "2016-17.json")
    watford = Body.objects.get(short_name="Watford CSP")
    northshire = BoardFactory(name=NORTHSHIRE, short_name="Northshire CSP")
    _, panel = _northshire_plan(northshire, police=police)
    scb_plan = worcestershire.agreements.get(period_start="2018-04-01")
    policing = ActionFactory(agreement=scb_plan, theme=None, reference="T-police")
    ActionLeadFactory(action=policing, organisation=police, position=1)
    channel = ActionFactory(
        agreement=scb_plan, theme=None, reference="T-channel", description="Channel referrals"
    )
    ActionLeadFactory(
        action=channel,
        organisation=None,
        body=Body.objects.get(short_name="Channel Panel"),
        position=1,
    )
    obligations_ensure_defaults(board=worcestershire)  # none made yet, unless the file gave them
    policing.obligations.add(_duty(worcestershire, "Domestic abuse"))
    channel.obligations.add(_duty(worcestershire, "Prevent"))
    group = partnership_group_create(
        name="West Mercia force area",
        description="The partnerships the PCC's office looks across.",
        partnerships=[worcestershire, watford, northshire],
        by=None,
        reason="The liaison group's partnerships",
    )
    return group, panel


def _overseer(group, *, username, bodies=()):
    user = UserFactory(username=username)
    person = PersonFactory(
        name=f"{username} person",
        organisation=Organisation.objects.get(short_name="PCC"),
        user=user,
    )
    for body in bodies:
        Membership.objects.create(person=person, body=body)
    group.overseers.add(user)
    return user


@pytest.fixture
def overseer(force_area):
    return _overseer(force_area[0], username="pcc-office")


def _dashboard(client, user, group, **params):
    client.force_login(user)
    url = reverse("actions:group_dashboard", args=[group.slug])
    return client.get(url, params)


def _by_partnership(response):
    assert response.status_code == 200, response.content.decode()[:2000]
    return served(response).table(section="partnerships").by_label()


def _expected(board, day, user_sees_restricted=False):
    """The figures of a partnership's plan on the day, counted one action at a time with the
    read model's own rules: what the group's GROUP BY must agree with."""
    plan = board.agreements.exclude(status="draft").order_by("-period_start")
    plan = next(p for p in plan if p.period_start <= day) if plan else None
    actions = Action.objects.filter(agreement=plan)
    if not user_sees_restricted:
        restricted = Body.objects.filter(restricted=True)
        actions = actions.exclude(leads__body__in=restricted)
    ids = set(actions.values_list("pk", flat=True))
    return {
        "Overdue": len(ids & set(Action.objects.overdue(day).values_list("pk", flat=True))),
        "At risk or off track": len(
            ids
            & set(
                Action.objects.with_progress(day)
                .filter(status_on__in=[Status.AT_RISK, Status.OFF_TRACK])
                .values_list("pk", flat=True)
            )
        ),
        "Stale": len(ids & set(Action.objects.stale(as_of=day).values_list("pk", flat=True))),
        "Actions": len(ids),
    }


def test_the_overseer_sees_each_partnership_s_figures_as_of_a_past_day(
    client, force_area, overseer, worcestershire
):
    group, _ = force_area
    table = _by_partnership(_dashboard(client, overseer, group, as_of=DAY.isoformat()))
    watford = Body.objects.get(short_name="Watford CSP")
    assert set(table) == {worcestershire.name, watford.name, NORTHSHIRE}
    assert table[NORTHSHIRE] == {"Overdue": 1, "At risk or off track": 1, "Stale": 1, "Actions": 3}
    assert table[worcestershire.name] == _expected(worcestershire, DAY)
    assert table[watford.name] == _expected(watford, DAY)

    # On 1 August N2 had no update yet: not at risk, and stale since the plan began.
    earlier = _by_partnership(_dashboard(client, overseer, group, as_of=EARLIER.isoformat()))
    assert earlier[NORTHSHIRE] == {
        "Overdue": 1,
        "At risk or off track": 0,
        "Stale": 2,
        "Actions": 3,
    }
    assert earlier[worcestershire.name] == _expected(worcestershire, EARLIER)


def test_each_figure_opens_the_partnership_s_own_list_filtered_alike(client, force_area, overseer):
    group, _ = force_area
    response = _dashboard(client, overseer, group, as_of=DAY.isoformat())
    row = next(
        r for r in served(response).table(section="partnerships").rows if r.cells[0] == NORTHSHIRE
    )
    northshire = Body.objects.get(short_name="Northshire CSP")
    plan = northshire.agreements.get()
    overdue = next(link for link in row.links if "flag=overdue" in link)
    assert overdue.startswith(f"/p/{northshire.slug}/actions/?")
    assert f"agreement={plan.pk}" in overdue and "as_of=2018-09-30" in overdue
    # The overseer may open it: the partnership's list as of the day, read-only.
    listed = client.get(overdue)
    assert listed.status_code == 200
    n1 = Action.objects.get(reference="N1")
    page = served(listed)
    assert page.action_ids == {n1.pk}  # N4, the panel's, is not listed
    assert "confidential case work" not in page.main
    assert f"/actions/{n1.pk}/update/" not in listed.content.decode()


def test_restricted_actions_stay_hidden_unless_the_overseer_is_a_member(
    client, force_area, overseer, worcestershire
):
    group, panel = force_area
    day = {"as_of": DAY.isoformat()}
    hidden_page = _dashboard(client, overseer, group, **day)
    hidden = _by_partnership(hidden_page)
    member = _overseer(group, username="liaison-chair", bodies=[panel])
    shown_page = _dashboard(client, member, group, **day)
    shown = _by_partnership(shown_page)
    assert hidden[NORTHSHIRE]["Overdue"] == 1
    assert shown[NORTHSHIRE]["Overdue"] == 2
    assert shown[NORTHSHIRE]["Actions"] == 4
    # Worcestershire's Channel Panel's action: the member of Northshire's panel is not its
    # member, so it stays hidden from both.
    assert shown[SCB_NAME] == hidden[SCB_NAME]

    # By duty: Northshire's panel's N4 serves Domestic abuse through its theme, counted for
    # the panel's member only; the Channel Panel's Prevent action for neither.
    hidden_duties, shown_duties = _by_obligation(hidden_page), _by_obligation(shown_page)
    assert (
        shown_duties["Domestic abuse"]["Overdue"] == hidden_duties["Domestic abuse"]["Overdue"] + 1
    )
    assert (
        shown_duties["Domestic abuse"]["Actions"] == hidden_duties["Domestic abuse"]["Actions"] + 1
    )
    assert shown_duties["Prevent"] == hidden_duties["Prevent"]
    assert "confidential case work" not in served(hidden_page).main
    scb = {"partnership": worcestershire.pk, **day}
    assert (
        _by_obligation(_dashboard(client, member, group, **scb))["Prevent"]
        == (_by_obligation(_dashboard(client, overseer, group, **scb))["Prevent"])
    )


def test_by_lead_organisation_across_partnerships_and_filtered_by_it(
    client, force_area, overseer, police
):
    group, _ = force_area
    response = _dashboard(client, overseer, group, as_of=DAY.isoformat())
    leads = served(response).table(section="leads").by_label()
    # N1 and N2 in Northshire, T-police in Worcestershire: overdue N1 and T-police.
    assert leads["West Mercia Police (WM Police)"] == {
        "Overdue": 2,
        "At risk or off track": 1,
        "Stale": 2,
        "Actions": 3,
    }
    themes = served(response).table(section="themes").by_label()
    assert themes["Domestic Abuse"]["Actions"] >= 3  # Northshire's and Worcestershire's

    filtered = _dashboard(client, overseer, group, as_of=DAY.isoformat(), lead=police.pk)
    table = _by_partnership(filtered)
    assert set(table) == {SCB_NAME, NORTHSHIRE}
    assert table[NORTHSHIRE]["Actions"] == 2
    assert table[SCB_NAME]["Actions"] == 1
    row = served(filtered).table(section="partnerships").rows[0]
    assert all(f"lead=org%3A{police.pk}" in link for link in row.links)


def test_a_partnership_outside_the_group_and_a_bad_filter_are_refused_with_a_message(
    client, force_area, overseer
):
    group, _ = force_area
    other = BoardFactory(name="Elsewhere CSP", short_name="Elsewhere CSP")
    response = _dashboard(client, overseer, group, partnership=other.pk)
    assert response.status_code == 400
    page = served(response)
    assert page.title.startswith("Error: ")
    assert "that one is not in the group" in page.main
    bad_day = _dashboard(client, overseer, group, as_of="2018-02-30")
    assert bad_day.status_code == 400
    assert "There is a problem" in bad_day.content.decode()


def test_a_chair_of_one_partnership_who_oversees_nothing_gets_404(client, force_area, chair):
    group, _ = force_area
    assert _dashboard(client, chair, group).status_code == 404
    assert client.get(reverse("actions:group_list")).status_code == 404


def test_the_overseer_has_a_header_link_and_no_update_or_edit_anywhere(
    client, force_area, overseer
):
    group, _ = force_area
    client.force_login(overseer)
    page = client.get(reverse("actions:group_list")).content.decode()
    assert f'href="/groups/{group.slug}/"' in page
    northshire = Body.objects.get(short_name="Northshire CSP")
    action = Action.objects.get(reference="N1")
    inside = f"/p/{northshire.slug}"
    detail = client.get(f"{inside}/actions/{action.pk}/")
    assert detail.status_code == 200
    assert f'href="/groups/{group.slug}/"' in detail.content.decode()
    before = ProgressUpdate.objects.count()
    refused = client.post(
        f"{inside}/actions/{action.pk}/update/",
        {"status": "on_track", "note": "Not mine to say", "date": "2018-09-30"},
    )
    assert refused.status_code == 403
    assert ProgressUpdate.objects.count() == before
    assert client.get(f"{inside}/actions/{action.pk}/edit/").status_code in (403, 404)
    assert client.get(f"{inside}/people/").status_code in (403, 404)
    hidden = Action.objects.get(reference="N4")
    assert client.get(f"{inside}/actions/{hidden.pk}/").status_code == 404
    # A partnership outside the group does not exist for them.
    other = BoardFactory(name="Elsewhere CSP", short_name="Elsewhere CSP")
    assert client.get(f"/p/{other.slug}/dashboard/").status_code == 404


def _by_obligation(response):
    """{duty or objective: its figures}; {} when the partnerships shown list none."""
    assert response.status_code == 200, response.content.decode()[:2000]
    table = served(response).table(section="obligations", optional=True)
    if table is None:
        assert "No partnership here lists a duty or objective yet." in served(response).main
        return {}
    names = [row.cells[0] for row in table.rows]
    assert len(names) == len(set(names)), names  # one row a name, however many partnerships
    return table.by_label()


def test_by_duty_across_partnerships_matched_by_name(client, force_area, overseer, worcestershire):
    group, _ = force_area
    northshire = Body.objects.get(short_name="Northshire CSP")
    watford = Body.objects.get(short_name="Watford CSP")
    day = {"as_of": DAY.isoformat()}
    response = _dashboard(client, overseer, group, **day)
    page = served(response)
    assert page.headings["obligations"] == "By duty or objective"
    table = page.table(section="obligations")
    assert "matched by name across partnerships" in table.caption
    assert [row.cells[0] for row in table.rows][:2] == [
        "Crime and disorder reduction",
        "Reducing reoffending",
    ]
    whole = _by_obligation(response)

    # Northshire alone: N1 to N3 through their theme (N4 is the panel's), N2 tagged itself.
    alone = _dashboard(client, overseer, group, partnership=northshire.pk, **day)
    own = _by_obligation(alone)
    assert own["Domestic abuse"] == {
        "Overdue": 1,
        "At risk or off track": 1,
        "Stale": 1,
        "Actions": 3,
    }
    assert own["Reducing reoffending"] == {
        "Overdue": 0,
        "At risk or off track": 1,
        "Stale": 0,
        "Actions": 1,
    }
    assert own["Serious Violence Duty"] == dict.fromkeys(FIGURES, 0)
    assert (
        "serves 5 of the 7: Crime and disorder reduction, Substance misuse, Serious Violence"
        in (served(alone).main)
    )

    # The group's row is each partnership's own duty of that name, added up: Worcestershire's
    # T-police (overdue, tagged itself) is in Domestic abuse with Northshire's three.
    parts = [
        _by_obligation(_dashboard(client, overseer, group, partnership=board.pk, **day))
        for board in (northshire, worcestershire, watford)
    ]
    for name, figures in whole.items():
        assert figures == {f: sum(p.get(name, {}).get(f, 0) for p in parts) for f in FIGURES}
    assert parts[1]["Domestic abuse"]["Actions"] >= 1
    assert parts[1]["Domestic abuse"]["Overdue"] >= 1

    # Filtered by West Mercia Police: N1 and N2 in Northshire, T-police in Worcestershire.
    police = Organisation.objects.get(short_name="WM Police")
    led = _by_obligation(_dashboard(client, overseer, group, lead=police.pk, **day))
    assert led["Domestic abuse"] == {
        "Overdue": 2,
        "At risk or off track": 1,
        "Stale": 2,
        "Actions": 3,
    }


def test_each_partnership_s_coverage_page_is_linked_and_opens_for_the_overseer(
    client, force_area, overseer
):
    group, _ = force_area
    northshire = Body.objects.get(short_name="Northshire CSP")
    plan = northshire.agreements.get()
    response = _dashboard(client, overseer, group, as_of=DAY.isoformat())
    url = f"/p/{northshire.slug}/agreements/{plan.pk}/coverage/?as_of=2018-09-30"
    assert (url, f"Duties and objectives of the {NORTHSHIRE}") in served(response).links
    coverage = client.get(url)
    assert coverage.status_code == 200
    page = served(coverage)
    (duty,) = [t for t in page.tables if t.caption.startswith("Actions serving Domestic abuse")]
    assert sorted(duty.references) == ["N1", "N2", "N3"]  # not the panel's N4
    assert "confidential case work" not in page.main


def _queries(client, user, group):
    _dashboard(client, user, group, as_of=DAY.isoformat())  # the access, read once
    with CaptureQueriesContext(connection) as queries:
        response = _dashboard(client, user, group, as_of=DAY.isoformat())
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_s_queries_do_not_grow_with_partnerships_or_actions(
    client, force_area, overseer, police
):
    group, _ = force_area
    small = _queries(client, overseer, group)
    for number in range(3):
        board = BoardFactory(name=f"Southshire {number} CSP", short_name=f"Southshire {number}")
        _northshire_plan(board, police=police, theme_name=f"Theme of {number}")
        group.partnerships.add(board)
    big = _queries(client, overseer, group)
    assert big == small


# --- West Mercia Police's officer, in two of the group's partnerships ----------------------------


def test_the_police_officer_s_actions_of_both_partnerships_are_one_list(
    client, force_area, officer_police
):
    """What is personal covers every partnership a person works in (the reminder, the
    calendar feed: actions.selectors.my_actions outside a partnership's address); each
    partnership's My actions page lists its own, with its own Update links."""
    northshire = Body.objects.get(short_name="Northshire CSP")
    Role.objects.create(user=officer_police, board=northshire, kind=Role.Kind.OFFICER)
    rows = my_actions(officer_police, as_of=DAY)
    assert {row.reference for row in rows} == {"T-police", "N1", "N2"}
    assert {row.agreement.board.short_name for row in rows} == {"SCB", "Northshire CSP"}

    client.force_login(officer_police)
    n1 = Action.objects.get(reference="N1")
    theirs = client.get(f"/p/{northshire.slug}{reverse('actions:my_actions')}")
    assert f"/p/{northshire.slug}/actions/{n1.pk}/update/" in theirs.content.decode()
    assert served(theirs).action_ids == {n1.pk, Action.objects.get(reference="N2").pk}
    scb = served(client.get(f"/p/scb{reverse('actions:my_actions')}"))
    assert scb.action_ids == {Action.objects.get(reference="T-police").pk}


def test_an_admin_reads_any_group_restricted_actions_included(
    client, force_area, admin_user, overseer, worcestershire
):
    group, _ = force_area
    scb = {"partnership": worcestershire.pk, "as_of": DAY.isoformat()}
    admin_duties = _by_obligation(_dashboard(client, admin_user, group, **scb))
    overseer_duties = _by_obligation(_dashboard(client, overseer, group, **scb))
    # The Channel Panel's action, tagged Prevent: the admin counts it, the overseer does not.
    assert admin_duties["Prevent"]["Actions"] == overseer_duties["Prevent"]["Actions"] + 1
    table = _by_partnership(_dashboard(client, admin_user, group, as_of=DAY.isoformat()))
    assert table[NORTHSHIRE]["Overdue"] == 2  # N1 and the panel's N4
    assert (
        table[SCB_NAME]["Actions"]
        == _expected(Body.objects.get(short_name="SCB"), DAY, user_sees_restricted=True)["Actions"]
    )
