"""Every model is in the admin, with its list, filters, search and history."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from actions.models import Action
from csa.models import Agreement

OUR_APPS = {"governance", "csa", "actions", "plans", "meetings"}


def _our_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        and not model.__name__.startswith("Historical")
        # Bookkeeping, not data anyone manages: the stamp that says a cached page is stale,
        # and the cached parts themselves.
        and model.__name__ not in ("DataStamp", "PageCacheEntry")
    ]


def test_every_model_is_registered():
    missing = [m.__name__ for m in _our_models() if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.parametrize("model", _our_models(), ids=lambda m: m.__name__)
def test_changelist_change_and_history_pages_open(client, admin_user, model):
    client.force_login(admin_user)
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "WCC"}).status_code == 200
    obj = model._default_manager.first()
    if obj is None:
        return
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    assert client.get(change).status_code == 200
    history = reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk])
    assert client.get(history).status_code == 200


def test_actions_filter_by_overdue_and_agreement(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:actions_action_changelist")
    agreement = Agreement.objects.get(period_start="2018-04-01")
    response = client.get(url, {"due": "overdue", "agreement__id__exact": agreement.pk})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 12  # all overdue today, in 2026


def test_agreement_page_shows_its_actions_inline(client, admin_user):
    client.force_login(admin_user)
    agreement = Agreement.objects.get(period_start="2018-04-01")
    response = client.get(reverse("admin:csa_agreement_change", args=[agreement.pk]))
    assert "Implement the Drive Domestic Abuse perpetrator project" in response.content.decode()


def test_admin_edit_rederives_due_date_and_keeps_history(client, admin_user):
    client.force_login(admin_user)
    action = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    url = reverse("admin:actions_action_change", args=[action.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: (value if value is not None else "")
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        {
            "timescale": "Sept 2018",
            "reason": "Agreed at the board in July",
            "agreed_on": "2018-07-10",
            "leads-TOTAL_FORMS": "0",
            "leads-INITIAL_FORMS": "0",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        }
    )
    # Keep the existing leads by posting them back unchanged.
    leads = list(action.leads.all())
    data["leads-TOTAL_FORMS"] = str(len(leads))
    data["leads-INITIAL_FORMS"] = str(len(leads))
    for i, lead in enumerate(leads):
        data.update(
            {
                f"leads-{i}-id": lead.pk,
                f"leads-{i}-action": action.pk,
                f"leads-{i}-position": lead.position,
                f"leads-{i}-organisation": lead.organisation_id or "",
                f"leads-{i}-body": lead.body_id or "",
            }
        )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    action.refresh_from_db()
    assert action.due_date.isoformat() == "2018-09-30"
    latest = action.history.latest("history_date")
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "Agreed at the board in July"
    assert action.version == form.initial["expected_version"] + 1


def _admin_form_data(client, action, **changes):
    url = reverse("admin:actions_action_change", args=[action.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"leads-TOTAL_FORMS": "0", "leads-INITIAL_FORMS": "0"})
    data.update({"updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0"})
    data.update(changes)
    return url, data


def test_an_admin_edit_goes_through_the_same_checks_as_the_page(client, admin_user):
    """No reason for an adopted plan, or a version someone else has moved on: refused with
    the message, what was typed kept, nothing written."""
    client.force_login(admin_user)
    action = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    before = (action.description, action.version, action.history.count())

    url, data = _admin_form_data(client, action, description="Typed by the admin")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Enter the reason for the change" in response.content.decode()
    assert "Typed by the admin" in response.content.decode()

    url, data = _admin_form_data(client, action, description="Typed again", reason="Why")
    Action.objects.filter(pk=action.pk).update(version=action.version + 1)  # someone else saved
    response = client.post(url, data)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    action.refresh_from_db()
    assert (action.description, action.history.count()) == (before[0], before[2])


def test_a_superseded_years_action_cannot_be_changed_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    action = Action.objects.get(agreement__period_start="2017-04-01", reference="A1")
    url, data = _admin_form_data(client, action, description="Rewritten", reason="Why")
    response = client.post(url, data)
    assert "superseded agreement" in response.content.decode()
    action.refresh_from_db()
    assert action.description != "Rewritten"


def test_an_agreement_cannot_be_adopted_in_the_admin(client, admin_user):
    """Adoption has checks of its own (its page and agreement_adopt): status is read-only."""
    client.force_login(admin_user)
    agreement = Action.objects.get(agreement__period_start="2018-04-01", reference="A1").agreement
    form = (
        client.get(reverse("admin:csa_agreement_change", args=[agreement.pk]))
        .context["adminform"]
        .form
    )
    assert "status" not in form.fields


def test_the_admin_is_named_after_the_service(client, admin_user, settings):
    client.force_login(admin_user)

    page = client.get(reverse("admin:index")).content.decode()

    assert f"<title>Records | {settings.SITE_NAME} administration</title>" in page
    assert f"{settings.SITE_NAME}: administration" in page


def test_admins_have_a_link_to_the_admin_in_the_header(client, admin_user, chair):
    client.force_login(admin_user)
    assert (
        f'href="{reverse("admin:index")}"'
        in client.get(reverse("actions:dashboard")).content.decode()
    )

    client.force_login(chair)
    assert (
        f'href="{reverse("admin:index")}"'
        not in client.get(reverse("actions:dashboard")).content.decode()
    )
