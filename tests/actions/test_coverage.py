"""Coverage (actions.coverage): for each duty or objective, the actions serving it on a day,
their leads and state, the responsible authorities leading none; on its page and in the board
report, as each role may see it."""

import datetime

import pytest
from django.urls import reverse

from actions.models import Action, Status
from actions.services import progress_update_create
from csa.models import Agreement, Obligation, Theme
from csa.services import obligations_ensure_defaults
from governance.models import Body, Organisation
from plans.importer import load_agreement_file
from tests.actions.factories import ActionFactory, ActionLeadFactory
from tests.actions.test_dashboard import agreement_of, make_plan, queries_for
from tests.conftest import WATFORD
from tests.served import served

pytestmark = pytest.mark.django_db

AS_OF = {"as_of": "2019-04-01"}


def coverage_url(agreement) -> str:
    return f"/p/{agreement.board.slug}" + reverse("plans:coverage", args=[agreement.pk])


def summary(page) -> dict[str, list[str]]:
    """The coverage table: {duty or objective: its cells}."""
    table = page.table(caption="Actions serving each duty or objective")
    return {row.attrs["data-obligation"]: row.cells for row in table.rows}


@pytest.fixture
def tagged(scb, officer_wcc_ph):
    """SCB's list and tags as shipped (fixtures/worcestershire: the Domestic Abuse theme serves
    the domestic abuse duty, Prevent's theme Prevent, Violence the Serious Violence Duty...);
    A7 is tagged Prevent itself too, and a Channel Panel action C1 (restricted) serves Prevent
    too."""
    obligations_ensure_defaults(board=scb)
    agreement = agreement_of(2018)
    named = {o.name: o for o in Obligation.objects.filter(board=scb)}
    Theme.objects.get(board=scb, key="domestic-abuse").obligations.add(named["Domestic abuse"])
    Action.objects.get(agreement=agreement, reference="A7").obligations.add(named["Prevent"])
    secret = ActionFactory(
        agreement=agreement,
        theme=None,
        reference="C1",
        description="Channel Panel case review",
        due_date=datetime.date(2019, 6, 30),
    )
    ActionLeadFactory(
        action=secret, organisation=None, body=Body.objects.get(short_name="Channel Panel")
    )
    secret.obligations.add(named["Prevent"])
    progress_update_create(
        action=Action.objects.get(agreement=agreement, reference="A1"),
        author=officer_wcc_ph,
        status=Status.COMPLETED,
        date=datetime.date(2019, 1, 20),
        outcome="Drive is running",
    )
    return agreement


def test_the_page_shows_each_duty_its_actions_leads_state_and_the_authorities_leading_none(
    client, chair, tagged
):
    client.force_login(chair)
    response = client.get(coverage_url(tagged), AS_OF)
    assert response.status_code == 200
    page = served(response)
    rows = summary(page)
    assert list(rows) == [
        "Crime and disorder reduction",
        "Reducing reoffending",
        "Substance misuse",
        "Serious Violence Duty",
        "Prevent",
        "Domestic abuse",
        "PCC's Police and Crime Plan",
    ]
    # A1 to A3 through their theme: A1 completed in January, A2 and A3 overdue on the day.
    assert rows["Domestic abuse"][1:3] == ["3", "2"]
    assert "WM Police" in rows["Domestic abuse"][3] and "WCC PH" not in rows["Domestic abuse"][3]
    detail = page.table(
        caption="Actions serving Domestic abuse, led by WCC PH, PCC, DAF",
    )
    assert detail.references == ["A1", "A2", "A3"]
    assert detail.rows[0].tags == ["Completed"]
    assert detail.rows[0].cells[-1] == "Through its theme, Domestic Abuse"
    # The chair does not see the Channel Panel's action: Prevent has A7, tagged itself (and
    # through its theme), and A8 through its theme.
    (prevent,) = [t for t in page.tables if t.caption.startswith("Actions serving Prevent")]
    assert prevent.references == ["A7", "A8"]
    assert prevent.rows[0].cells[-1] == "Tagged itself"
    assert prevent.rows[1].cells[-1] == "Through its theme, Prevent"
    assert "Channel Panel case review" not in response.content.decode()


def test_duties_no_action_serves_stand_out(client, chair, tagged):
    client.force_login(chair)
    page = served(client.get(coverage_url(tagged), AS_OF))
    rows = summary(page)
    assert rows["Crime and disorder reduction"][1] == "No action serves this duty"
    assert rows["Domestic abuse"][1] == "3"
    assert (
        "No action serves 2 of the 7: Crime and disorder reduction, "
        "PCC's Police and Crime Plan." in page.main
    )


@pytest.mark.parametrize("insider", ["coordinator", "officer_channel_member"])
def test_the_restricted_action_counts_for_those_who_may_see_it(client, tagged, insider, request):
    client.force_login(request.getfixturevalue(insider))
    page = served(client.get(coverage_url(tagged), AS_OF))
    (prevent,) = [t for t in page.tables if t.caption.startswith("Actions serving Prevent")]
    assert sorted(prevent.references) == ["A7", "A8", "C1"]
    assert summary(page)["Prevent"][1] == "3"


def test_an_outsider_gets_404_and_the_page_is_linked_from_the_dashboard_and_agreement(
    client, chair, outsider, tagged
):
    client.force_login(outsider)
    assert client.get(coverage_url(tagged)).status_code == 404
    client.force_login(chair)
    url = coverage_url(tagged)
    dashboard = served(client.get("/p/scb/dashboard/", {"agreement": tagged.pk, **AS_OF}))
    assert any(href.startswith(url) for href, _ in dashboard.links)
    agreement_page = served(client.get(f"/p/scb/agreements/{tagged.pk}/"))
    assert (url, "Duties and objectives it serves") in agreement_page.links


def test_a_bad_day_is_refused_with_its_message(client, chair, tagged):
    client.force_login(chair)
    response = client.get(coverage_url(tagged), {"as_of": "31 February"})
    assert response.status_code == 400
    assert "Enter the “as of” date as a real date" in response.content.decode()


def test_the_board_report_has_the_coverage_section(client, chair, coordinator, tagged):
    params = {"agreement": tagged.pk, **AS_OF}
    client.force_login(chair)
    page = served(client.get("/p/scb/report/", params))
    assert page.headings["coverage"].startswith("Duties and objectives")
    table = page.table(section="coverage")
    cells = {row.attrs["data-obligation"]: row.cells for row in table.rows}
    assert cells["Prevent"][1] == "2" and cells["Domestic abuse"][1] == "3"
    assert cells["Crime and disorder reduction"][1] == "No action serves this duty"
    client.force_login(coordinator)
    page = served(client.get("/p/scb/report/", params))
    cells = {row.attrs["data-obligation"]: row.cells for row in page.table(section="coverage").rows}
    assert cells["Prevent"][1] == "3"  # the Channel Panel's action too


def _coverage_queries(client, size) -> int:
    agreement, coordinator = make_plan(size)
    obligations_ensure_defaults(board=agreement.board)
    first, second = Obligation.objects.filter(board=agreement.board)[:2]
    for theme in Theme.objects.filter(board=agreement.board):
        theme.obligations.add(first)
    for action in agreement.actions.all():
        action.obligations.add(second)
    for lead in Organisation.objects.filter(leads__action__agreement=agreement):
        lead.kind = Organisation.Kind.COUNCIL
        lead.save()
    client.force_login(coordinator)
    return queries_for(client, coverage_url(agreement) + "?as_of=2019-04-01")


def test_the_coverage_page_costs_the_same_queries_at_two_sizes(client, db):
    assert _coverage_queries(client, 3) == _coverage_queries(client, 24)


# --- The shipped plans, tagged as their documents say (fixtures/worcestershire, watford) ------


def serving_refs(page, name) -> list[str] | None:
    """The references the coverage page lists under a duty; None when it lists none."""
    found = [t for t in page.tables if t.caption.startswith(f"Actions serving {name}, led by")]
    return found[0].references if found else None


def test_the_shipped_plans_duties_list_the_actions_their_documents_give_them(
    client, chair, admin_user
):
    """The 2017-18 agreement's themes meet the duties its sections name: domestic abuse (3),
    substance misuse (4), reducing reoffending (5.1), Prevent (6.7, 6.8), and cyber crime the
    PCC's plan (6.3, 6.4); 2018-19 adds Violence, the Serious Violence Strategy."""
    client.force_login(chair)
    later = agreement_of(2018)
    page = served(client.get(coverage_url(later), {"as_of": "2019-03-31"}))
    assert serving_refs(page, "Reducing reoffending") == ["A6"]
    assert serving_refs(page, "Domestic abuse") == ["A1", "A2", "A3"]
    assert serving_refs(page, "Substance misuse") == ["A4", "A5"]
    assert serving_refs(page, "Prevent") == ["A7", "A8"]
    assert serving_refs(page, "Serious Violence Duty") == ["A12"]
    assert serving_refs(page, "PCC's Police and Crime Plan") is None  # no cyber action this year
    assert (
        "No action serves 2 of the 7: Crime and disorder reduction, PCC's Police and Crime Plan."
        in page.main
    )
    (reoffending,) = [
        t for t in page.tables if t.caption.startswith("Actions serving Reducing reoffending")
    ]
    assert reoffending.rows[0].cells[-1] == "Through its theme, Reducing Reoffending"
    assert "Reducing Offending Strategy finalised." in reoffending.rows[0].cells[1]

    first = served(client.get(coverage_url(agreement_of(2017)), {"as_of": "2018-03-31"}))
    assert serving_refs(first, "Reducing reoffending") == ["A5"]
    assert serving_refs(first, "PCC's Police and Crime Plan") == ["A8"]  # cyber security
    assert serving_refs(first, "Prevent") == ["A6"]
    assert serving_refs(first, "Serious Violence Duty") is None
    assert "Safer West Mercia Plan" in first.main  # the PCC objective's description

    report = served(client.get("/p/scb/report/", {"agreement": later.pk, "as_of": "2019-03-31"}))
    cells = {r.attrs["data-obligation"]: r.cells for r in report.table(section="coverage").rows}
    assert cells["Reducing reoffending"][1] == "1" and cells["Prevent"][1] == "2"

    # Watford's Prevent theme: its task A4, maintaining the Prevent strategy.
    load_agreement_file(WATFORD / "2016-17.json")
    client.force_login(admin_user)
    watford = Agreement.objects.get(board__short_name="Watford CSP")
    page = served(client.get(coverage_url(watford), {"as_of": "2017-03-31"}))
    assert serving_refs(page, "Prevent") == ["A4"]
    assert serving_refs(page, "Reducing reoffending") is None
