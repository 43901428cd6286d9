"""The partnership boundary is written once (issue 24): UserAccess.within and
spans_every_partnership in governance.access, asked by every selector, view and report.

Before, `is_admin or board_ids` branches were typed out in about 20 places in 11 modules, and
the plan spreadsheet's permission repeated can_manage_agreement word for word.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from actions.spreadsheet.services import may_use_plan_spreadsheet
from csa.models import Agreement
from governance.access import access_for, can_manage_agreement
from governance.middleware import PartnershipMiddleware
from governance.models import Body
from tests.actions.factories import AgreementFactory
from tests.governance.factories import BodyFactory

ROOT = Path(__file__).resolve().parent.parent.parent
IS_ADMIN = re.compile(r"\bis_admin\b")


def _may_ask_is_admin(relative: Path) -> bool:
    """The access module decides; the admin is the admin's own business; tests may name it."""
    return (
        relative == Path("governance/access.py")
        or relative.name == "admin.py"
        or "admin" in relative.parts[:-1]
        or relative.parts[0] == "tests"
    )


def _asking_is_admin(root: Path) -> list[str]:
    """Each line of a module under `root` that asks is_admin where it may not."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if any(part.startswith(".") or part == "node_modules" for part in relative.parts):
            continue  # the virtualenv, caches
        if _may_ask_is_admin(relative):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if IS_ADMIN.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_module_but_the_access_module_and_the_admin_asks_is_admin():
    found = _asking_is_admin(ROOT)
    assert found == [], "Ask UserAccess.within / spans_every_partnership: " + "; ".join(found)


def test_the_check_finds_a_branch_like_the_old_ones(tmp_path):
    (tmp_path / "governance").mkdir()
    (tmp_path / "governance" / "access.py").write_text("is_admin: bool = False\n")
    (tmp_path / "governance" / "admin.py").write_text("if access.is_admin:\n    pass\n")
    (tmp_path / "reports.py").write_text(
        "def boards(access):\n    if access.is_admin or access.board_ids:\n        pass\n"
    )
    assert _asking_is_admin(tmp_path) == ["reports.py:2: if access.is_admin or access.board_ids:"]


# --- within(), as each kind of viewer gets it through the door --------------------------------


@pytest.fixture
def northshire(scb):
    """A second partnership: its board, a sub-group and a plan."""
    agreement = AgreementFactory(period_start=datetime.date(2018, 4, 1))
    BodyFactory(short_name="NORTH-SG", partnership=agreement.board)
    return agreement.board


def _access_at(user, address):
    """The user's access as a view at `address` gets it: through PartnershipMiddleware."""
    request = RequestFactory().get(address)
    request.user = get_user_model().objects.get(pk=user.pk)  # nothing left from before
    seen = {}

    def view(request):
        seen["access"] = access_for(request.user)
        return HttpResponse()

    PartnershipMiddleware(view)(request)
    return seen["access"]


def _bodies(access):
    return set(access.within(Body.objects, "pk", "partnership_id").values_list("pk", flat=True))


def _partnership_bodies(board):
    return {board.pk} | set(Body.objects.filter(partnership=board).values_list("pk", flat=True))


def test_an_officer_is_kept_to_their_partnership(scb, northshire, officer_wcc_ph):
    access = _access_at(officer_wcc_ph, f"/p/{scb.slug}/")
    assert not access.spans_every_partnership
    assert _bodies(access) == _partnership_bodies(scb)
    assert northshire.pk not in _bodies(access)
    # What an officer coordinates: nothing.
    assert not access.within(Body.objects, "pk", among=access.coordinator_board_ids).exists()
    assert not access.manages_a_partnership


def test_a_coordinator_is_kept_to_their_partnership(scb, northshire, coordinator):
    access = _access_at(coordinator, f"/p/{scb.slug}/")
    assert not access.spans_every_partnership
    assert _bodies(access) == _partnership_bodies(scb)
    coordinated = access.within(Body.objects, "pk", among=access.coordinator_board_ids)
    assert list(coordinated) == [scb]
    assert access.manages_a_partnership


def test_an_admin_in_a_partnerships_address_is_kept_to_that_partnership(
    scb, northshire, admin_user
):
    access = _access_at(admin_user, f"/p/{northshire.slug}/")
    assert not access.spans_every_partnership
    assert _bodies(access) == _partnership_bodies(northshire)
    assert access.manages_a_partnership  # its coordinator there
    access = _access_at(admin_user, f"/p/{scb.slug}/")
    assert _bodies(access) == _partnership_bodies(scb)


def test_an_admin_outside_any_partnerships_address_spans_every_partnership(
    scb, northshire, admin_user
):
    access = _access_at(admin_user, "/account/")
    assert access.spans_every_partnership
    assert _bodies(access) == set(Body.objects.values_list("pk", flat=True))
    # `among` narrows a partnership's people, not an access that spans them all.
    assert access.within(Body.objects, "pk", among=frozenset()).count() == Body.objects.count()


def test_within_needs_a_path(scb, officer_wcc_ph):
    with pytest.raises(TypeError):
        _access_at(officer_wcc_ph, f"/p/{scb.slug}/").within(Body.objects)


# --- The pages that ask it ---------------------------------------------------------------------


def test_the_plans_page_lists_one_partnership_in_its_address_and_every_one_outside(
    client, scb, northshire, admin_user, coordinator
):
    theirs = Agreement.objects.get(board=northshire)
    page = reverse("plans:agreement_list")
    link = f'{reverse("plans:agreement_detail", args=[theirs.pk])}"'
    client.force_login(admin_user)
    outside = client.get(page).content.decode()
    assert link in outside and northshire.name in outside and scb.name in outside
    for viewer in (admin_user, coordinator):
        client.force_login(viewer)
        inside = client.get(f"/p/{scb.slug}{page}").content.decode()
        assert scb.name in inside
        assert link not in inside and northshire.name not in inside


def test_the_plan_spreadsheet_is_for_whoever_manages_the_plan(
    scb, officer_wcc_ph, coordinator, chair, admin_user
):
    agreement = Agreement.objects.filter(board=scb).first()
    for user in (officer_wcc_ph, coordinator, chair, admin_user):
        fresh = get_user_model().objects.get(pk=user.pk)
        assert may_use_plan_spreadsheet(fresh, agreement) == can_manage_agreement(fresh, agreement)
    assert may_use_plan_spreadsheet(get_user_model().objects.get(pk=coordinator.pk), agreement)
    assert not may_use_plan_spreadsheet(
        get_user_model().objects.get(pk=officer_wcc_ph.pk), agreement
    )
