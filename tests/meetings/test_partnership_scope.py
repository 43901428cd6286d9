"""Each partnership sees its own organisations, people and reporting lines, not the country's."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import today
from csa.models import Agreement
from governance.models import Body, Chair, Organisation, ReportingLine
from governance.services import reporting_line_create
from meetings.selectors import overseen_actions
from tests.governance.factories import (
    BoardFactory,
    BodyFactory,
    ChairFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.governance.helpers import agreement_2018, make_action, make_meeting


@pytest.fixture
def elsewhere(scb):
    """Another partnership: its board, a sub-group, a council of its own and its people."""
    board = BoardFactory(short_name="NBOARD", name="Northshire Safer Communities Board")
    group = BodyFactory(short_name="NGROUP", name="Northshire Prevent Group", partnership=board)
    council = OrganisationFactory(short_name="NCC", name="Northshire County Council")
    chair = PersonFactory(name="Norah Northshire", organisation=council)
    ChairFactory(body=group, person=chair, start=datetime.date(2017, 1, 1))
    return {"board": board, "group": group, "council": council, "chair": chair}


@pytest.fixture
def psg(scb):
    return Body.objects.get(short_name="PSG")


def test_another_partnerships_organisation_page_is_not_found(client, elsewhere, officer_police):
    url = reverse("meetings:organisation_detail", args=[elsewhere["council"].pk])
    client.force_login(officer_police)
    assert client.get(url).status_code == 404
    own = Organisation.objects.get(short_name="WCC PH")
    own_url = reverse("meetings:organisation_detail", args=[own.pk])
    assert client.get(own_url).status_code == 200


def test_the_admin_opens_any_organisation(client, elsewhere, admin_user):
    client.force_login(admin_user)
    url = reverse("meetings:organisation_detail", args=[elsewhere["council"].pk])
    page = client.get(url).content.decode()
    assert "Norah Northshire" in page


def test_a_shared_organisation_lists_only_its_people_in_the_partnership(
    client, elsewhere, officer_police
):
    police = Organisation.objects.get(short_name="WM Police")
    # A West Mercia officer who chairs only the other partnership's group.
    away = PersonFactory(name="Officer Faraway", organisation=police)
    Chair.objects.filter(body=elsewhere["group"]).update(end=datetime.date(2017, 12, 31))
    ChairFactory(body=elsewhere["group"], person=away, start=datetime.date(2018, 1, 1))
    client.force_login(officer_police)
    page = client.get(reverse("meetings:organisation_detail", args=[police.pk])).content.decode()
    assert "officer-wm-police person" in page  # the signed-in user: a user of the partnership
    assert "Officer Faraway" not in page
    assert "Northshire" not in page


def test_the_chair_form_offers_only_the_partnerships_people(client, elsewhere, psg, coordinator):
    client.force_login(coordinator)
    url = reverse("meetings:chair_change", args=[psg.pk])
    page = client.get(url).content.decode()
    assert "Tim Rice" in page
    assert "Norah Northshire" not in page
    response = client.post(url, {"person": elsewhere["chair"].pk, "start": "1/9/2018"})
    assert "Select a valid choice" in response.content.decode()
    assert not Chair.objects.filter(body=psg, person=elsewhere["chair"]).exists()


def test_the_action_arising_form_offers_only_the_partnerships_organisations(
    client, elsewhere, psg, coordinator
):
    meeting = make_meeting(psg)
    client.force_login(coordinator)
    url = reverse("meetings:meeting_action_create", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "WCC PH" in page and "WM Police" in page
    assert "NCC" not in page and "Northshire" not in page
    response = client.post(
        url,
        {
            "description": "Share the Northshire plan",
            "lead_organisations": [elsewhere["council"].pk],
            "due_date": "31/3/2019",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not meeting.actions_arising.exists()


def test_a_line_from_another_partnership_does_not_widen_what_a_body_oversees(elsewhere, psg):
    # A data slip: the other partnership's group is recorded as reporting to our PSG, and one
    # of our actions names it as lead. The PSG oversees its own partnership's bodies only.
    ReportingLine.objects.create(from_body=elsewhere["group"], to_body=psg)
    stray = make_action(lead=elsewhere["group"])
    own = make_action(lead=psg)
    overseen = set(overseen_actions(psg, agreement_2018()).values_list("pk", flat=True))
    assert own.pk in overseen
    assert stray.pk not in overseen


def _reporting_line_selects(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and "governance_reportingline" in q["sql"]
        and "historical" not in q["sql"]
    ]


def test_adding_a_line_reads_only_the_partnerships_lines(elsewhere, psg):
    daf = Body.objects.get(short_name="DAF")
    with CaptureQueriesContext(connection) as ctx:
        reporting_line_create(from_body=daf, to_body=psg)
    selects = _reporting_line_selects(ctx.captured_queries)
    assert selects, "the service reads the existing lines"
    assert all("WHERE" in sql for sql in selects), selects
    # And the check still works across the partnership's lines.
    assert ReportingLine.objects.filter(from_body=daf, to_body=psg).exists()


def _board_with_plan(n, *, in_force=True):
    """A board whose plan has one action led by WCC PH: in force today, or an old one."""
    board = BoardFactory(short_name=f"XB{n}", name=f"Extra board {n}")
    start = datetime.date(today().year - (0 if in_force else 5), 1, 1)
    if in_force and today() < start:
        start = start.replace(year=start.year - 1)
    agreement = Agreement.objects.create(
        board=board,
        title=f"Extra plan {n}",
        period_start=start,
        period_end=start + datetime.timedelta(days=364),
        status=Agreement.Status.ADOPTED,
    )
    make_action(
        agreement=agreement,
        lead=Organisation.objects.get(short_name="WCC PH"),
        description=f"Extra board {n} action",
    )
    return board


def test_the_organisation_page_takes_a_fixed_number_of_queries(
    client, scb, admin_user, django_assert_max_num_queries
):
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    url = reverse("meetings:organisation_detail", args=[wcc_ph.pk])
    client.force_login(admin_user)
    _board_with_plan(1)
    _board_with_plan(2, in_force=False)  # only an old adopted plan: the fallback
    client.get(url)
    # One more than before the rows were one read model: the latest update of each row.
    with django_assert_max_num_queries(11) as small:
        page = client.get(url).content.decode()
    assert "Extra board 1 action" in page and "Extra board 2 action" in page
    for n in range(3, 12):
        _board_with_plan(n, in_force=n % 2 == 0)
    small_count = len(small.captured_queries)  # before the next request resets the log
    client.get(url)  # warm again: access is cached under the data stamp
    with django_assert_max_num_queries(small_count):
        page = client.get(url).content.decode()
    assert all(f"Extra board {n} action" in page for n in range(1, 12))
    # The Worcestershire plan is still there: the 2018-19 plan, its latest adopted one.
    assert "Implement the Drive Domestic Abuse perpetrator project" in page
