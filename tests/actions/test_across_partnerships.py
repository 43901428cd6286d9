"""The list of actions for those who see more than one partnership (issue 17): an admin
chooses a partnership among the filters, never scrolls through every agreement and
organisation of the installation, and the list of every partnership's actions is paged
without a count."""

import datetime
import re

from django.urls import reverse

from actions.models import Action
from actions.paging import OpenEndedPaginator
from csa.models import Agreement
from governance.models import Organisation
from tests.governance.factories import BoardFactory
from tests.governance.helpers import make_action
from tests.served import served

URL = reverse("actions:action_list")


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1)) if select else []


def _other_partnership(n: int, actions: int = 1):
    board = BoardFactory(short_name=f"OP{n}", name=f"Other partnership {n}")
    agreement = Agreement.objects.create(
        board=board,
        title=f"Other plan {n}",
        period_start=datetime.date(2018, 4, 1),
        period_end=datetime.date(2019, 3, 31),
        status=Agreement.Status.ADOPTED,
    )
    for i in range(actions):
        make_action(
            agreement=agreement,
            lead=Organisation.objects.get(short_name="WCC PH"),
            description=f"Other partnership {n} action {i}",
            due_date=datetime.date(2018, 6, 1),
        )
    return board, agreement


def test_an_admin_chooses_a_partnership_and_sees_only_its_choices(client, scb, admin_user):
    other, other_plan = _other_partnership(1)
    client.force_login(admin_user)

    page = client.get(URL, {"board": other.pk, "agreement": ""}).content.decode()

    assert "Other partnership 1" in _options(page, "board")
    # "All agreements" and the chosen partnership's one plan: no other partnership's.
    agreements = _options(page, "agreement")
    assert len(agreements) == 2 and "Other plan 1" in agreements[1], agreements
    assert "Other partnership 1 action 0" in page
    assert "Implement the Drive Domestic Abuse perpetrator project" not in page


def test_other_people_have_no_partnership_to_choose(client, chair):
    client.force_login(chair)
    page = client.get(URL).content.decode()
    assert len(_options(page, "agreement")) == 3  # "All agreements" and Worcestershire's two
    assert _options(page, "board") == []
    assert 'name="board"' not in page


def test_every_partnerships_list_is_paged_without_a_count(client, scb, admin_user):
    _other_partnership(1, actions=30)
    _other_partnership(2, actions=30)
    client.force_login(admin_user)
    query = {"agreement": "", "flag": "overdue", "as_of": "2019-04-01"}

    first = client.get(URL, query)
    page = first.content.decode()

    assert first.status_code == 200
    # Not counted: the heading says which of them, never how many in all.
    assert served(first).headings["results"] == "Actions 1 to 50, and more on the next page"
    first_rows = served(first).table(id="action-list").rows
    assert len(first_rows) == 50
    assert 'rel="next"' in page and 'rel="prev"' not in page
    assert 'aria-label="Page ' not in page  # no numbered pages: there is no last one to show
    # Both partnerships are on the pages, in due-date order across them.
    second = client.get(URL, {**query, "page": 2})
    second_rows = served(second).table(id="action-list").rows
    shown = [i for row in first_rows + second_rows for i in row.action_ids]
    assert len(shown) == len(first_rows) + len(second_rows)
    assert len(shown) == len(set(shown))
    overdue = Action.objects.visible_to(admin_user).overdue(as_of=datetime.date(2019, 4, 1))
    assert len(shown) == min(100, overdue.count())
    assert 'rel="prev"' in second.content.decode()


def test_a_page_past_the_end_is_the_first():
    paginator = OpenEndedPaginator(list(range(7)), 5)
    assert list(paginator.get_page(1)) == [0, 1, 2, 3, 4]
    assert paginator.get_page(1).has_next()
    last = paginator.get_page(2)
    assert list(last) == [5, 6] and not last.has_next() and last.has_previous()
    assert (last.start_index(), last.end_index()) == (6, 7)
    assert list(paginator.get_page(9)) == [0, 1, 2, 3, 4]
    assert list(paginator.get_page("not a number")) == [0, 1, 2, 3, 4]
