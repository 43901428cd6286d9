"""A partnership's duties and objectives (csa.Obligation): the default set, the coordinator's
list (add, rename, reorder, remove one nothing uses), tagging an action and a theme by page and
by a year's file, and who may do what."""

import datetime
import json

import pytest
from django.urls import reverse

from actions.models import Action
from csa.models import Obligation, Theme
from csa.services import DEFAULT_OBLIGATIONS, obligations_ensure_defaults
from people.services import partnership_create
from plans.importer import AgreementFileError, load_agreement_data
from tests.actions.test_dashboard import agreement_of
from tests.served import served

pytestmark = pytest.mark.django_db

DEFAULT_NAMES = [d.name for d in DEFAULT_OBLIGATIONS]


def url(name, *args) -> str:
    return "/p/scb" + reverse(f"plans:{name}", args=args)


def names(board) -> list[str]:
    return list(
        Obligation.objects.filter(board=board).order_by("position").values_list("name", flat=True)
    )


def test_a_new_partnership_gets_the_default_duties_once(db, mailbox, admin_user):
    board, _ = partnership_create(
        short_name="SCP", name="Sometown CSP", coordinator_email="c@example.org", by=admin_user
    )
    assert names(board) == DEFAULT_NAMES
    kinds = set(Obligation.objects.filter(board=board).values_list("kind", flat=True))
    assert kinds == {Obligation.Kind.STATUTORY_DUTY, Obligation.Kind.PCC_OBJECTIVE}
    assert Obligation.history.filter(board_id=board.pk).count() == len(DEFAULT_NAMES)
    # Emptied on purpose, the list stays empty: the defaults come once.
    Obligation.objects.filter(board=board).delete()
    assert obligations_ensure_defaults(board=board) == 0
    assert names(board) == []


def test_everyone_in_the_partnership_reads_the_list_only_the_coordinator_changes_it(
    client, scb, chair, officer_wcc_ph, coordinator, outsider
):
    for reader in (chair, officer_wcc_ph):
        client.force_login(reader)
        response = client.get(url("obligation_list"))
        assert response.status_code == 200
        page = served(response)
        assert [
            row.attrs["data-obligation"]
            for row in page.table(caption="The partnership's duties and objectives, in order").rows
        ] == DEFAULT_NAMES
        assert "Add a duty or objective" not in page.main
        assert client.get(url("obligation_add")).status_code == 403
        response = client.post(url("obligation_add"), {"name": "X", "kind": "other"})
        assert response.status_code == 403
    assert "X" not in names(scb)
    client.force_login(outsider)
    assert client.get(url("obligation_list")).status_code == 404
    client.force_login(coordinator)
    assert "Add a duty or objective" in served(client.get(url("obligation_list"))).main


def test_the_coordinator_adds_renames_and_reorders(client, scb, coordinator):
    client.force_login(coordinator)
    client.get(url("obligation_list"))
    response = client.post(
        url("obligation_add"),
        {
            "name": "Objective 2: victims first",
            "kind": "pcc_objective",
            "description": "Safer West Mercia Plan",
        },
    )
    assert response.status_code == 302
    assert names(scb)[-1] == "Objective 2: victims first"
    pcc = Obligation.objects.get(board=scb, name="PCC's Police and Crime Plan")
    client.post(
        url("obligation_edit", pcc.pk),
        {"name": "Objective 1: safer communities", "kind": "pcc_objective", "description": ""},
    )
    pcc.refresh_from_db()
    assert pcc.name == "Objective 1: safer communities"
    assert pcc.history.first().history_change_reason == "Obligation changed"
    assert pcc.history.first().history_user == coordinator
    client.post(url("obligation_move", pcc.pk), {"direction": "up"})
    assert names(scb)[4:] == [
        "Prevent",
        "Objective 1: safer communities",
        "Domestic abuse",
        "Objective 2: victims first",
    ]


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(client, scb, coordinator):
    client.force_login(coordinator)
    client.get(url("obligation_list"))
    before = names(scb)
    response = client.post(url("obligation_add"), {"name": "  ", "kind": "nonsense"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Error: " in html and "Enter the name of the duty or objective" in html
    response = client.post(url("obligation_add"), {"name": "prevent", "kind": "other"})
    assert response.status_code == 400
    assert "The partnership already has “prevent”" in response.content.decode()
    assert names(scb) == before


def test_an_obligation_an_action_uses_is_not_removed(client, scb, coordinator):
    client.force_login(coordinator)
    client.get(url("obligation_list"))
    prevent = Obligation.objects.get(board=scb, name="Prevent")
    Action.objects.get(agreement=agreement_of(2018), reference="A7").obligations.add(prevent)
    response = client.post(url("obligation_delete", prevent.pk))
    assert response.status_code == 400
    assert "“Prevent” cannot be removed: it is used by actions A7" in response.content.decode()
    assert Obligation.objects.filter(pk=prevent.pk).exists()
    # A theme's tag holds it too: the shipped 2018-19 plan's Violence theme serves the duty.
    violence = Obligation.objects.get(board=scb, name="Serious Violence Duty")
    response = client.post(url("obligation_delete", violence.pk))
    assert response.status_code == 400
    assert "it is used by themes Violence" in response.content.decode()
    added = client.post(url("obligation_add"), {"name": "Unused", "kind": "other"})
    assert added.status_code == 302
    unused = Obligation.objects.get(board=scb, name="Unused")
    assert client.post(url("obligation_delete", unused.pk)).status_code == 302
    assert "Unused" not in names(scb)


def test_the_coordinator_tags_an_action_on_its_edit_page(client, scb, coordinator, officer_wcc_ph):
    obligations_ensure_defaults(board=scb)
    action = Action.objects.get(agreement=agreement_of(2018), reference="A7")
    prevent = Obligation.objects.get(board=scb, name="Prevent")
    edit = "/p/scb" + reverse("actions:action_edit", args=[action.pk])
    client.force_login(coordinator)
    page = client.get(edit).content.decode()
    assert "Duties and objectives it serves (optional)" in page and ">Prevent</label>" in page
    leads = list(action.leads.values_list("organisation_id", "body_id"))
    data = {
        "description": action.description,
        "timescale": action.timescale,
        "theme": action.theme_id,
        "lead_organisations": [o for o, _ in leads if o],
        "lead_bodies": [b for _, b in leads if b],
        "obligations": [prevent.pk],
        "reason": "Prevent duty",
        "version": action.version,
    }
    assert client.post(edit, data).status_code == 302
    assert list(action.obligations.all()) == [prevent]
    row = action.history.first()
    assert row.history_change_reason == "Prevent duty"
    assert [tag.obligation_id for tag in row.obligations.all()] == [prevent.pk]
    # What changed between two dates reads the tagged action's history (tags are not diffed).
    today = datetime.date.today()
    compare = client.get(
        url("agreement_compare", action.agreement_id),
        {"from": (today - datetime.timedelta(days=1)).isoformat(), "to": today.isoformat()},
    )
    assert compare.status_code == 200  # a changed tag is no column to diff (plans.history)
    # Another partnership's obligation is refused, and nothing changes.
    other = Obligation.objects.create(board=_other_board(), name="Elsewhere")
    data.update(obligations=[other.pk], version=action.version + 1)
    response = client.post(edit, data)
    assert response.status_code == 400
    assert list(action.obligations.all()) == [prevent]


def _other_board():
    from tests.governance.factories import BoardFactory

    return BoardFactory()


def test_the_coordinator_tags_a_theme(client, scb, coordinator, chair):
    obligations_ensure_defaults(board=scb)
    theme = Theme.objects.get(board=scb, key="hate-crime")  # not tagged in the shipped plan
    duty = Obligation.objects.get(board=scb, name="Crime and disorder reduction")
    client.force_login(chair)
    assert (
        client.post(url("theme_obligations", theme.pk), {"obligations": [duty.pk]}).status_code
        == 403
    )
    client.force_login(coordinator)
    response = client.post(
        url("theme_obligations", theme.pk), {"obligations": [duty.pk], "reason": "Hate crime"}
    )
    assert response.status_code == 302
    assert list(theme.obligations.all()) == [duty]
    assert theme.history.first().history_change_reason == "Hate crime"
    page = served(client.get(url("obligation_list")))
    assert "Hate Crime Crime and disorder reduction" in page.main


def a12_description() -> str:
    return Action.objects.get(agreement=agreement_of(2018), reference="A12").description


def test_a_year_file_gives_obligations_and_tags_by_name(scb, coordinator):
    obligations_ensure_defaults(board=scb)
    records = [
        {
            "model": "csa.obligation",
            "fields": {"board": ["SCB"], "name": "Objective 3", "kind": "pcc_objective"},
        },
        {
            "model": "csa.theme",
            "fields": {"board": ["SCB"], "key": "prevent", "obligations": [["SCB", "Prevent"]]},
        },
        {
            "model": "actions.action",
            "fields": {
                "agreement": ["SCB", "2018-04-01"],
                "reference": "A12",
                "theme": ["SCB", "violence"],
                "description": a12_description(),
                "obligations": [["SCB", "Serious Violence Duty"], ["SCB", "Objective 3"]],
            },
        },
    ]
    load_agreement_data(json.dumps(records).encode(), name="tags.json", user=coordinator)
    assert [o.name for o in Theme.objects.get(board=scb, key="prevent").obligations.all()] == [
        "Prevent"
    ]
    a12 = Action.objects.get(agreement=agreement_of(2018), reference="A12")
    assert sorted(o.name for o in a12.obligations.all()) == ["Objective 3", "Serious Violence Duty"]


def test_a_year_file_naming_an_unknown_or_another_partnerships_obligation_is_refused(
    scb, coordinator
):
    obligations_ensure_defaults(board=scb)
    other = _other_board()
    Obligation.objects.create(board=other, name="Theirs")
    for key in (["SCB", "Nonsense"], [other.short_name, "Theirs"]):
        records = [
            {
                "model": "actions.action",
                "fields": {
                    "agreement": ["SCB", "2018-04-01"],
                    "reference": "A12",
                    "theme": ["SCB", "violence"],
                    "description": a12_description(),
                    "obligations": [key],
                },
            }
        ]
        with pytest.raises(AgreementFileError) as refused:
            load_agreement_data(json.dumps(records).encode(), name="tags.json", user=coordinator)
        problems = " ".join(refused.value.problems)
        assert "record 1" in problems and "obligations" in problems
        assert not Action.objects.get(
            agreement=agreement_of(2018), reference="A12"
        ).obligations.exists()


def test_the_admin_meets_the_same_rules(client, scb, admin_user):
    obligations_ensure_defaults(board=scb)
    prevent = Obligation.objects.get(board=scb, name="Prevent")
    Action.objects.get(agreement=agreement_of(2018), reference="A7").obligations.add(prevent)
    client.force_login(admin_user)
    delete = reverse("admin:csa_obligation_delete", args=[prevent.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Obligation.objects.filter(pk=prevent.pk).exists()
    duty = Obligation.objects.get(board=scb, name="Serious Violence Duty")
    change = reverse("admin:csa_obligation_change", args=[duty.pk])
    fields = {"board": scb.pk, "kind": duty.kind, "description": "", "position": duty.position}
    response = client.post(change, {**fields, "name": "PREVENT", "reason": "Merge"})
    assert response.status_code == 200
    assert "The partnership already has “PREVENT”" in response.content.decode()
    response = client.post(change, {**fields, "name": "Serious violence", "reason": "Wording"})
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.name == "Serious violence"
    assert duty.history.first().history_change_reason == "Wording"
