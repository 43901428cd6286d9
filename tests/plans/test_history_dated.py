"""A year loaded from a document is recorded as of the document's date (issue 13)."""

import datetime

from django.utils import timezone

from actions.models import Action
from csa.models import Agreement


def test_the_2017_18_plan_as_it_stood_in_june_2017(worcestershire, coordinator, client):
    year = Agreement.objects.get(board=worcestershire, period_start="2017-04-01")
    client.force_login(coordinator)
    page = client.get(f"/agreements/{year.pk}/?at=2017-06-01").content.decode()
    assert "No record before" not in page
    for number in range(1, 14):
        assert f">A{number}<" in page or f"A{number} " in page
    row = Action.history.filter(agreement_id=year.pk).order_by("history_date").first()
    # Dated as the document ("March 2017"), and still visible as a load.
    assert timezone.localtime(row.history_date).date() == datetime.date(2017, 3, 31)
    assert row.history_change_reason == "loaded from 2017-18.json"


def test_an_action_page_links_to_as_it_stood_and_reads_at(worcestershire, coordinator, client):
    action = Action.objects.get(agreement__period_start="2017-04-01", reference="A1")
    client.force_login(coordinator)
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert f"/agreements/actions/{action.pk}/as-of/" in page
    moved = client.get(f"/actions/{action.pk}/?at=2017-06-01")
    assert moved.status_code == 302
    assert moved["Location"] == f"/agreements/actions/{action.pk}/as-of/?at=2017-06-01"
    then = client.get(moved["Location"]).content.decode()
    assert action.description[:40] in then
