"""The board officer in a real Chromium: sign in, update the Drive action, see the timeline;
with htmx in place, and again with JavaScript switched off. axe checks every page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from actions.models import Action, ProgressUpdate, Status, today
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DRIVE = "Implement the Drive Domestic Abuse perpetrator project"


def drive():
    return Action.objects.get(agreement__period_start=datetime.date(2018, 4, 1), reference="A1")


def test_sign_in_page_is_accessible(live_server, page, assert_accessible, db):
    page.goto(f"{live_server.url}/my-actions/")

    assert "/accounts/login/" in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)

    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_officer_updates_the_drive_action_in_place(
    live_server, page, sign_in, officer_wcc_ph, assert_accessible
):
    action = drive()
    console_errors = []
    page.on(
        "console",
        lambda m: console_errors.append(f"{m.text} {m.location}") if m.type == "error" else None,
    )
    sign_in(officer_wcc_ph)

    # Signing in lands on "my actions".
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    row = page.locator(f"#action-row-{action.pk}")
    expect(row).to_contain_text(DRIVE)
    expect(row).to_contain_text("Not started")
    expect(row).to_contain_text("Overdue")
    assert_accessible(page)

    # htmx puts the form in place of the row...
    page.get_by_role("link", name="Update A1 of 2018-19").click()
    form_row = page.locator(f"#action-row-{action.pk} form")
    expect(form_row).to_be_visible()
    assert page.url.endswith("/my-actions/")
    expect(form_row.get_by_role("heading", name=re.compile("^Update A1"))).to_be_focused()
    # What is being updated stays in view: the wording, the due date, the status now.
    expect(form_row).to_contain_text(DRIVE)
    expect(form_row).to_contain_text("due 31 July 2018")
    expect(form_row.locator(".app-action-summary")).to_contain_text("Not started")
    # The character count was started on the swapped-in form: it counts while typing.
    form_row.get_by_label("Progress note").fill("Twelve chars")
    expect(form_row.locator(".govuk-character-count__status")).to_have_text(
        "You have 1,988 characters remaining"
    )
    form_row.get_by_label("Progress note").fill("")

    # ...errors come back in place...
    form_row.get_by_role("radio", name="At risk").check()
    form_row.get_by_role("button", name="Save update").click()
    expect(form_row.locator(".govuk-error-summary")).to_contain_text(
        "Enter a progress note saying why the action is at risk."
    )
    assert_accessible(page)

    # ...and a good update swaps the row back, with a confirmation.
    form_row = page.locator(f"#action-row-{action.pk} form")
    form_row.get_by_label("Progress note").fill("Perpetrator places are not yet commissioned.")
    form_row.get_by_role("button", name="Save update").click()
    row = page.locator(f"#action-row-{action.pk}")
    expect(row).to_contain_text("At risk")
    expect(row).not_to_contain_text("Save update")
    # The result is told where the user is: under the row, in a status region, focused.
    result = page.locator(f"#action-{action.pk}").get_by_role("status")
    expect(result).to_have_text("Update saved: A1 is now At risk.")
    expect(result).to_be_focused()
    expect(page.locator(".govuk-notification-banner")).to_have_count(0)
    assert page.url.endswith("/my-actions/")
    assert_accessible(page)

    update = ProgressUpdate.objects.get()
    assert (update.action_id, update.status, update.author) == (
        action.pk,
        Status.AT_RISK,
        officer_wcc_ph,
    )

    # The action page shows it on the timeline.
    row.get_by_role("link", name="A1 of 2018-19", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(DRIVE)
    timeline = page.locator("#timeline ~ ol")
    expect(timeline).to_contain_text("Progress update: At risk")
    expect(timeline).to_contain_text("Perpetrator places are not yet commissioned.")
    expect(timeline).to_contain_text("by officer-wcc-ph person")
    assert_accessible(page)
    # htmx runs under the strict Content Security Policy without complaint. (The site has no
    # favicon yet: the browser's own request for one is not this page's doing.)
    assert [e for e in console_errors if "favicon.ico" not in e] == []


def test_officer_updates_the_drive_action_without_javascript(live_server, browser, officer_wcc_ph):
    # axe needs JavaScript, so it checks these same pages in the test below instead.
    action = drive()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(officer_wcc_ph.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My actions")

        # Without JavaScript the link is a plain link to the form's page.
        page.get_by_role("link", name="Update A1 of 2018-19").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Update A1")

        # An empty note for "at risk": the page comes back with the error summary.
        page.get_by_role("radio", name="At risk").check()
        page.get_by_role("button", name="Save update").click()
        expect(page).to_have_title(re.compile(r"^Error: Update A1"))
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Enter a progress note saying why the action is at risk.")
        expect(page.get_by_role("radio", name="At risk")).to_be_checked()
        assert ProgressUpdate.objects.count() == 0

        # The summary's link goes to the field.
        summary.get_by_role("link").click()
        assert page.url.endswith("#id_note")

        page.get_by_label("Progress note").fill("Perpetrator places are not yet commissioned.")
        page.get_by_role("button", name="Save update").click()

        # POST, redirect, GET: back to "my actions" with the banner.
        expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Update saved: A1 is now At risk."
        )
        expect(page.locator(f"#action-row-{action.pk}")).to_contain_text("At risk")

        page.get_by_role("link", name="A1 of 2018-19", exact=True).click()
        timeline = page.locator("#timeline ~ ol")
        expect(timeline).to_contain_text("Perpetrator places are not yet commissioned.")
        expect(timeline).to_contain_text("Progress update: At risk")
        expect(timeline).not_to_contain_text("Changed: status")
    finally:
        context.close()


def test_the_update_page_is_accessible_with_and_without_errors(
    live_server, page, sign_in, officer_wcc_ph, officer_wcc_ph_colleague, assert_accessible
):
    action = drive()
    sign_in(officer_wcc_ph)
    page.goto(f"{live_server.url}/actions/{action.pk}/update/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Update A1")
    assert_accessible(page)

    page.get_by_role("radio", name="Completed").check()
    page.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Save update").click()
    expect(page).to_have_title(re.compile(r"^Error: Update A1"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the outcome: what the action achieved.")
    expect(summary).to_contain_text("The date of the update cannot be in the future.")
    assert_accessible(page)

    # Someone else saves meanwhile: the page says so and shows their update.
    from actions.services import progress_update_create

    progress_update_create(
        action=action,
        author=officer_wcc_ph_colleague,
        status=Status.ON_TRACK,
        note="Provider appointed.",
    )
    page.get_by_role("radio", name="On track").check()
    page.get_by_label("Progress note").fill("My own note.")
    page.get_by_label("Year").fill(str(today().year))
    page.get_by_role("button", name="Save update").click()
    expect(summary).to_contain_text("updated by someone else")
    expect(page.locator("main")).to_contain_text("Provider appointed.")
    expect(page.get_by_label("Progress note")).to_have_value("My own note.")
    assert_accessible(page)
    page.get_by_role("button", name="Save update").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Update saved: A1 is now On track."
    )
    assert ProgressUpdate.objects.count() == 2


def test_officer_of_another_organisation_cannot_update_it(
    live_server, page, sign_in, officer_police, assert_accessible
):
    action = drive()
    sign_in(officer_police)

    page.goto(f"{live_server.url}/actions/{action.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(DRIVE)
    expect(page.get_by_role("button", name=re.compile("^Update"))).to_have_count(0)
    assert_accessible(page)

    response = page.goto(f"{live_server.url}/actions/{action.pk}/update/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot update this action")
    assert_accessible(page)
