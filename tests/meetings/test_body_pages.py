"""A page per body, the list of bodies and the organisation page."""

import datetime

import pytest
from django.urls import reverse

from governance.models import Body, Chair, Organisation
from governance.services import chair_change
from tests.governance.factories import PersonFactory
from tests.governance.helpers import make_action, make_meeting


def _page(client, user, body):
    client.force_login(user)
    response = client.get(reverse("meetings:body_detail", args=[body.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_page_shows_who_it_is_and_who_reports_to_it(client, scb, officer_wcc_ph):
    page = _page(client, officer_wcc_ph, scb)
    assert "<h1" in page and page.count("<h1") == 1
    assert "Worcestershire Safer Communities Board" in page
    assert "Board" in page and "Yes, a statutory body" in page and "Worcestershire" in page
    assert "Provide strategic co-ordination and support to community safety" in page
    assert "Membership is comprised of the Chairs of the 2 CSPs" in page
    assert "Dr Frances Howie, Director of Public Health" in page
    assert "Worcestershire County Council Public Health" in page  # the chair's organisation
    for name in ("Worcestershire Prevent Strategy Group", "Substance Misuse Strategic"):
        assert name in page
    peg = Body.objects.get(short_name="PEG")
    assert reverse("meetings:body_detail", args=[peg.pk]) in page  # it reports to the PEG
    # The actions it leads in the current plan (2018-19: A11 and A12 are the SCB's).
    assert "Develop Worcestershire partnership arrangements" in page
    assert "Implement the Drive Domestic Abuse perpetrator project" not in page  # led by others


def test_a_body_reporting_to_two_boards_lists_both(client, scb, officer_wcc_ph):
    smsog = Body.objects.get(short_name="SMSOG")
    page = _page(client, officer_wcc_ph, smsog)
    reports_to = page.split("Reports to")[1].split("Reported to by")[0]
    assert "Worcestershire Safer Communities Board" in reports_to
    assert "Worcestershire Health &amp; Well-Being Board" in reports_to


def test_past_chairs_are_listed_with_their_dates(client, scb, officer_wcc_ph, coordinator):
    psg = Body.objects.get(short_name="PSG")
    newcomer = PersonFactory(
        name="Jane Newchair",
        post="Head of Safer Communities",
        organisation=Organisation.objects.get(short_name="WM Police"),
    )
    chair_change(body=psg, person=newcomer, start=datetime.date(2019, 1, 1), user=coordinator)
    page = _page(client, officer_wcc_ph, psg)
    chair_row = page.split(">Chair</dt>")[1].split("</dd>")[0]
    assert "Jane Newchair, Head of Safer Communities" in chair_row
    assert "West Mercia Police" in chair_row
    chairs = page.split('id="actions"')[0].split(">Chairs<")[1]
    assert "Tim Rice" in chairs and "1 March 2017" in chairs and "31 December 2018" in chairs


def test_an_outsider_cannot_open_the_partnerships_bodies(client, scb, outsider):
    client.force_login(outsider)
    response = client.get(reverse("meetings:body_detail", args=[scb.pk]))
    assert response.status_code == 404
    listing = client.get(reverse("meetings:body_list")).content.decode()
    assert "Worcestershire Safer Communities Board" not in listing


def test_the_list_shows_every_body_with_its_chair(client, scb, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    page = client.get(reverse("meetings:body_list")).content.decode()
    assert "14 bodies" in page
    assert "Paul Kinsella" in page and "Restricted" in page


def test_the_organisation_page_shows_its_actions_and_chairs(client, scb, officer_police):
    client.force_login(officer_police)
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    page = client.get(reverse("meetings:organisation_detail", args=[wcc_ph.pk])).content.decode()
    assert "Worcestershire County Council Public Health" in page
    assert "Dr Frances Howie chairs the" in page
    assert "Implement the Drive Domestic Abuse perpetrator project" in page  # 2018-19 A1
    assert "Completion of revised Domestic Abuse Strategy" not in page  # 2017-18: not current


@pytest.mark.parametrize("short_name", ["SCB", "PSG"])
def test_the_body_page_takes_a_fixed_number_of_queries(
    client, scb, coordinator, short_name, django_assert_max_num_queries
):
    body = Body.objects.get(short_name=short_name)
    client.force_login(coordinator)
    url = reverse("meetings:body_detail", args=[body.pk])

    def grow(n):
        for i in range(n):
            make_action(lead=body)
            make_meeting(body, date=datetime.date(2018, 5, 1) + datetime.timedelta(days=i))
            Chair.objects.create(
                body=body,
                person=PersonFactory(),
                start=datetime.date(2000 + i, 1, 1),
                end=datetime.date(2000 + i, 12, 31),
            )

    grow(2)
    client.get(url)
    with django_assert_max_num_queries(16) as small:
        assert client.get(url).status_code == 200
    grow(15)
    small_count = len(small.captured_queries)  # before the next request resets the log
    client.get(url)  # warm again: access is cached under the data stamp
    with django_assert_max_num_queries(small_count):
        page = client.get(url)
    assert page.content.decode().count("Test action number") == 17
