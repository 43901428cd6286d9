"""Changing an action's wording, timescale, theme and leads; who may, and with what reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actions.editing.services import action_update_details
from actions.models import Action
from actions.services import ActionChangedError
from csa.models import Agreement
from governance.models import Body, Organisation
from tests.csa.factories import ThemeFactory
from tests.governance.factories import BoardFactory, OrganisationFactory


@pytest.fixture
def blue_light(worcestershire):
    return Action.objects.get(
        agreement__board=worcestershire, agreement__period_start="2018-04-01", reference="A4"
    )


def _post_data(action, **changes):
    data = {
        "description": action.description,
        "timescale": action.timescale,
        "theme": action.theme_id,
        "lead_organisations": [
            lead.organisation_id for lead in action.leads.all() if lead.organisation_id
        ],
        "lead_bodies": [lead.body_id for lead in action.leads.all() if lead.body_id],
        "target": action.target,
        "reason": "",
        "version": action.version,
    }
    data.update(changes)
    return data


def _state(action):
    action.refresh_from_db()
    leads = [(lead.organisation_id, lead.body_id) for lead in action.leads.order_by("position")]
    return (action.description, action.timescale, action.version, leads, action.history.count())


def test_officer_cannot_edit_an_adopted_agreements_action(client, blue_light, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    url = reverse("actions:action_edit", args=[blue_light.pk])
    before = _state(blue_light)
    assert client.get(url).status_code == 403
    response = client.post(url, _post_data(blue_light, description="Changed", reason="Because"))
    assert response.status_code == 403
    assert _state(blue_light) == before


def test_coordinator_edits_with_a_reason_kept_in_history(client, blue_light, coordinator):
    client.force_login(coordinator)
    url = reverse("actions:action_edit", args=[blue_light.pk])
    assert client.get(url).status_code == 200
    pcc = Organisation.objects.get(short_name="PCC")
    response = client.post(
        url,
        _post_data(
            blue_light,
            description="Blue Light Project extended to Redditch and Bromsgrove",
            timescale="Feb 2019",
            lead_organisations=[blue_light.leads.first().organisation_id, pcc.pk],
            reason="Agreed at the board meeting of 5 June",
            agreed_on="2018-06-05",
        ),
    )
    assert response.status_code == 302
    blue_light.refresh_from_db()
    assert blue_light.description == "Blue Light Project extended to Redditch and Bromsgrove"
    assert blue_light.due_date == datetime.date(2019, 2, 28)
    assert [str(lead) for lead in blue_light.leads.order_by("position")] == ["Swanswell", "PCC"]
    latest = blue_light.history.first()
    assert latest.history_change_reason == "Agreed at the board meeting of 5 June"
    assert latest.history_user == coordinator
    assert latest.prev_record.description.endswith("(Alcohol Concern) extended to Redditch")
    lead_history = blue_light.leads.model.history.filter(action_id=blue_light.pk)
    assert lead_history.filter(history_type="-").exists()
    assert (
        lead_history.filter(history_type="+").first().history_change_reason
        == "Agreed at the board meeting of 5 June"
    )


def test_adopted_agreement_needs_a_reason(client, blue_light, coordinator):
    client.force_login(coordinator)
    before = _state(blue_light)
    response = client.post(
        reverse("actions:action_edit", args=[blue_light.pk]),
        _post_data(blue_light, description="Reworded without saying why"),
    )
    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert 'href="#id_reason"' in response.text
    assert "Enter the reason for the change" in response.text
    assert "Reworded without saying why" in response.text  # nothing typed is lost
    assert _state(blue_light) == before


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"description": "  "}, "description", "Enter what the action will do."),
        ({"lead_organisations": [], "lead_bodies": []}, "lead_organisations", "at least one lead"),
        ({"timescale": "x" * 201}, "timescale", "200 characters or fewer"),
        ({"lead_organisations": ["not-a-number"]}, "lead_organisations", ""),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    client, blue_light, coordinator, changes, field, message
):
    client.force_login(coordinator)
    before = _state(blue_light)
    response = client.post(
        reverse("actions:action_edit", args=[blue_light.pk]),
        _post_data(blue_light, reason="Tidying", **changes),
    )
    assert response.status_code == 400
    assert f'href="#id_{field}' in response.text
    assert message in response.text
    assert _state(blue_light) == before


def test_a_theme_of_another_partnership_is_refused(blue_light, coordinator):
    other = ThemeFactory()
    before = _state(blue_light)
    with pytest.raises(ValidationError) as error:
        action_update_details(
            action=blue_light,
            user=coordinator,
            description="x",
            timescale="",
            leads=[Organisation.objects.get(short_name="PCC")],
            theme=other,
            reason="Moving it",
            expected_version=blue_light.version,
        )
    assert error.value.message_dict["theme"] == ["Choose a theme of this partnership's plan."]
    assert _state(blue_light) == before


def test_someone_elses_change_in_between_is_refused(blue_light, coordinator):
    before = _state(blue_light)
    with pytest.raises(ActionChangedError):
        action_update_details(
            action=blue_light,
            user=coordinator,
            description="Late change",
            timescale=blue_light.timescale,
            leads=[Organisation.objects.get(short_name="PCC")],
            reason="Late",
            expected_version=blue_light.version - 1,
        )
    assert _state(blue_light) == before


def test_service_refuses_an_officer_on_an_adopted_plan(blue_light, officer_wcc_ph):
    with pytest.raises(PermissionDenied):
        action_update_details(
            action=blue_light,
            user=officer_wcc_ph,
            description="x",
            timescale="",
            leads=[Organisation.objects.get(short_name="PCC")],
            reason="x",
            expected_version=blue_light.version,
        )


def test_superseded_year_cannot_be_edited_even_by_the_coordinator(
    client, worcestershire, coordinator
):
    old = Action.objects.get(agreement__period_start="2017-04-01", reference="A4")
    client.force_login(coordinator)
    assert client.get(reverse("actions:action_edit", args=[old.pk])).status_code == 403


def test_in_a_draft_a_lead_officer_may_reword_without_a_reason(client, blue_light, officer_wcc_ph):
    Agreement.objects.filter(pk=blue_light.agreement_id).update(status=Agreement.Status.DRAFT)
    client.force_login(officer_wcc_ph)
    response = client.post(
        reverse("actions:action_edit", args=[blue_light.pk]),
        _post_data(
            blue_light,
            description="Draft wording",
            lead_bodies=[Body.objects.get(short_name="NWCSP").pk],
        ),
    )
    assert response.status_code == 302
    blue_light.refresh_from_db()
    assert blue_light.description == "Draft wording"
    assert blue_light.leads_as_written == "Swanswell / WCC PH / NWCSP"
    assert blue_light.history.first().history_change_reason == "Action details updated"


def test_an_officer_of_another_organisation_cannot_edit_a_draft(client, blue_light, officer_police):
    Agreement.objects.filter(pk=blue_light.agreement_id).update(status=Agreement.Status.DRAFT)
    client.force_login(officer_police)
    assert client.get(reverse("actions:action_edit", args=[blue_light.pk])).status_code == 403


# --- the version check cannot be skipped, and a refused change can be made again -------------


@pytest.mark.parametrize("version", ["", "0", "-3", "abc"])
def test_a_missing_or_bad_version_is_refused(client, blue_light, coordinator, version):
    client.force_login(coordinator)
    before = _state(blue_light)
    data = _post_data(blue_light, description="Sneaked past the check", reason="Because")
    data["version"] = version
    response = client.post(reverse("actions:action_edit", args=[blue_light.pk]), data)
    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert "reload it and make your change again" in response.text
    assert _state(blue_light) == before


def test_no_post_without_the_version_field_at_all(client, blue_light, coordinator):
    client.force_login(coordinator)
    before = _state(blue_light)
    data = _post_data(blue_light, description="Sneaked past the check", reason="Because")
    del data["version"]
    response = client.post(reverse("actions:action_edit", args=[blue_light.pk]), data)
    assert response.status_code == 400
    assert _state(blue_light) == before


def test_the_service_needs_the_expected_version(blue_light, coordinator):
    before = _state(blue_light)
    with pytest.raises(TypeError):
        action_update_details(  # no expected_version: a caller cannot skip the check
            action=blue_light,
            user=coordinator,
            description="No version given",
            timescale="",
            leads=[Organisation.objects.get(short_name="PCC")],
            reason="x",
        )
    with pytest.raises(ActionChangedError):
        action_update_details(
            action=blue_light,
            user=coordinator,
            description="No version given",
            timescale="",
            leads=[Organisation.objects.get(short_name="PCC")],
            reason="x",
            expected_version=None,
        )
    assert _state(blue_light) == before


def test_after_someone_elses_change_the_form_can_be_saved_again(
    client, blue_light, coordinator, admin_user
):
    client.force_login(coordinator)
    url = reverse("actions:action_edit", args=[blue_light.pk])
    # Their change moves the deadline; saving mine puts it back, which is a move too.
    opened = _post_data(
        blue_light,
        description="My own wording of Blue Light",
        reason="Board asked for it",
        agreed_on="2019-02-02",
    )
    # Someone else saves first.
    action_update_details(
        action=blue_light,
        user=admin_user,
        description="Their wording of Blue Light",
        timescale="March 2019",
        leads=[Organisation.objects.get(short_name="PCC")],
        reason="Their reason for it",
        expected_version=blue_light.version,
        agreed_on=datetime.date(2019, 2, 1),
    )
    blue_light.refresh_from_db()
    response = client.post(url, opened)
    assert response.status_code == 400
    html = response.text
    assert "changed by someone else" in html
    # Their change is shown, with who and why; what I typed is kept.
    assert "Their wording of Blue Light" in html
    assert "Their reason for it" in html
    assert "My own wording of Blue Light" in html
    assert f'name="version" value="{blue_light.version}"' in html
    assert blue_light.description == "Their wording of Blue Light"

    # Saving again, with the version the page now carries, goes through.
    again = dict(opened, version=blue_light.version)
    assert client.post(url, again).status_code == 302
    blue_light.refresh_from_db()
    assert blue_light.description == "My own wording of Blue Light"


# --- only the partnership's own organisations and bodies ---------------------------------------


def test_only_the_partnerships_organisations_and_bodies_are_offered(
    client, blue_light, coordinator
):
    stranger = OrganisationFactory(name="Far Away Borough Council", short_name="FABC")
    other_board = BoardFactory(name="Far Away Safer Communities Board", short_name="FASCB")
    client.force_login(coordinator)
    url = reverse("actions:action_edit", args=[blue_light.pk])
    html = client.get(url).text
    assert "Swanswell" in html and "PCC" in html
    assert "Far Away Borough Council" not in html and "FABC" not in html
    assert "Far Away Safer Communities Board" not in html

    before = _state(blue_light)
    for changes in ({"lead_organisations": [stranger.pk]}, {"lead_bodies": [other_board.pk]}):
        response = client.post(url, _post_data(blue_light, reason="Moving it", **changes))
        assert response.status_code == 400
        assert "Select a valid choice" in response.text
    assert _state(blue_light) == before


def test_the_service_refuses_a_lead_of_another_partnership(blue_light, coordinator):
    stranger = OrganisationFactory(name="Far Away Borough Council", short_name="FABC")
    before = _state(blue_light)
    with pytest.raises(ValidationError) as error:
        action_update_details(
            action=blue_light,
            user=coordinator,
            description="x",
            timescale="",
            leads=[Organisation.objects.get(short_name="PCC"), stranger],
            reason="Moving it",
            expected_version=blue_light.version,
        )
    assert "FABC is not part of this partnership" in error.value.message_dict["leads"][0]
    assert _state(blue_light) == before


def test_the_coordinator_changes_an_action_arising_outside_any_plan(
    client, arising_in_july_2019, coordinator
):
    """Its edit page was a 500 (a link back to a plan it has not); a new timescale is read
    from the meeting that agreed it, there being no plan year to read it from."""
    target = arising_in_july_2019[0]
    client.force_login(coordinator)
    url = reverse("actions:action_edit", args=[target.pk])

    page = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Arising at the SCB meeting of 31 July 2019" in html
    assert "The action arose at a meeting, outside any plan: say why it changes." in html
    assert f'href="{reverse("actions:action_detail", args=[target.pk])}"' in html

    response = client.post(
        url,
        _post_data(
            target,
            theme="",  # actions arising at a meeting have none
            timescale="By December",
            reason="The board asked for it before the new year",
            agreed_on="2019-08-01",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("actions:action_detail", args=[target.pk])
    assert "Action M190731-1 was changed." in client.get(response["Location"]).content.decode()
    target.refresh_from_db()
    assert target.timescale == "By December"
    assert target.due_date == datetime.date(2019, 12, 31)
