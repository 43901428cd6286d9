"""An officer records progress: the form, its errors, and two people updating at once."""

import datetime
import re

import pytest
from django.urls import reverse

from actions.models import Action, ProgressUpdate, Status, today


@pytest.fixture
def drive(worcestershire):
    """2018-19 A1, "Implement the Drive Domestic Abuse perpetrator project", led by WCC PH."""
    return Action.objects.get(agreement__period_start=datetime.date(2018, 4, 1), reference="A1")


def update_url(action):
    return reverse("actions:action_update", args=[action.pk])


def form_data(action, **overrides):
    day = today()
    data = {
        "status": Status.AT_RISK,
        "note": "The provider has not yet been appointed.",
        "outcome": "",
        "date_0": str(day.day),
        "date_1": str(day.month),
        "date_2": str(day.year),
        "version": str(action.version),
    }
    data.update(overrides)
    return data


def snapshot(action):
    """Everything that a refused update must leave alone."""
    action.refresh_from_db()
    return (
        ProgressUpdate.objects.count(),
        ProgressUpdate.history.count(),
        action.status,
        action.version,
        Action.history.filter(id=action.pk).count(),
    )


def page_text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def hidden_version(response):
    match = re.search(
        r'<input type="hidden" name="version" value="(\d+)"', response.content.decode()
    )
    assert match, "the form has no hidden version"
    return int(match.group(1))


def test_the_form_starts_from_the_action_as_it_is(client, officer_wcc_ph, drive):
    client.force_login(officer_wcc_ph)

    response = client.get(update_url(drive))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<title>Update A1 (2018-19)" in html
    assert "Implement the Drive Domestic Abuse perpetrator project" in html
    assert re.search(r'value="not_started" checked', html)
    assert hidden_version(response) == drive.version
    day = today()
    assert f'name="date_0" type="text" inputmode="numeric" value="{day.day}"' in html
    assert f'name="date_2" type="text" inputmode="numeric" value="{day.year}"' in html
    for label in ("Status", "Progress note", "Outcome (when completed)", "Day", "Month", "Year"):
        assert f">{label}<" in html


def test_an_update_is_saved_and_shown_with_a_confirmation(client, officer_wcc_ph, drive):
    client.force_login(officer_wcc_ph)

    response = client.post(update_url(drive), form_data(drive), follow=True)

    assert response.redirect_chain == [(reverse("actions:action_detail", args=[drive.pk]), 302)]
    update = ProgressUpdate.objects.get()
    assert (update.action, update.author, update.status) == (drive, officer_wcc_ph, "at_risk")
    assert update.note == "The provider has not yet been appointed."
    assert update.date == today()
    drive.refresh_from_db()
    assert (drive.status, drive.version) == (Status.AT_RISK, 2)
    text = page_text(response)
    assert "Success" in text
    assert "Update saved: A1 is now At risk." in text
    assert "The provider has not yet been appointed." in text


def test_completing_records_the_outcome(client, officer_wcc_ph, drive):
    client.force_login(officer_wcc_ph)

    response = client.post(
        update_url(drive),
        form_data(drive, status="completed", note="", outcome="Drive launched in all districts."),
    )

    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.status, update.outcome) == ("completed", "Drive launched in all districts.")


def test_an_earlier_date_can_be_given(client, officer_wcc_ph, drive):
    client.force_login(officer_wcc_ph)

    client.post(update_url(drive), form_data(drive, date_0="14", date_1="6", date_2="2018"))

    assert ProgressUpdate.objects.get().date == datetime.date(2018, 6, 14)


def test_after_saving_it_goes_back_to_a_local_next_page(client, officer_wcc_ph, drive):
    client.force_login(officer_wcc_ph)

    response = client.post(
        update_url(drive), {**form_data(drive), "next": "/my-actions/?status=at_risk"}
    )

    assert response["Location"] == "/my-actions/?status=at_risk"


@pytest.mark.parametrize(
    "next_url", ["https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)"]
)
def test_a_next_page_elsewhere_is_ignored(client, officer_wcc_ph, drive, next_url):
    client.force_login(officer_wcc_ph)

    response = client.post(update_url(drive), {**form_data(drive), "next": next_url})

    assert response["Location"] == reverse("actions:action_detail", args=[drive.pk])


LONG_NOTE = "x" * 2001


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"status": "nearly_done"}, "id_status_0", "Choose a status from the list"),
        ({"status": ""}, "id_status_0", "Choose the status of the action"),
        (
            {"date_0": "1", "date_1": "1", "date_2": "2099"},
            "id_date_0",
            "The date of the update cannot be in the future.",
        ),
        (
            {"date_0": "31", "date_1": "3", "date_2": "2018"},
            "id_date_0",
            "The date of the update must be on or after the start of the agreement, 1 April 2018.",
        ),
        (
            {"date_0": "31", "date_1": "2", "date_2": "2019"},
            "id_date_0",
            "The date the update is about must be a real date, for example 27 3 2019",
        ),
        (
            {"date_0": "3", "date_1": "", "date_2": "2019"},
            "id_date_0",
            "The date the update is about must include a month",
        ),
        (
            {"date_0": "", "date_1": "", "date_2": ""},
            "id_date_0",
            "Enter the date the update is about",
        ),
        (
            {"date_0": "a", "date_1": "b", "date_2": "c"},
            "id_date_0",
            "The date the update is about must be a real date, for example 27 3 2019",
        ),
        (
            {"note": ""},
            "id_note",
            "Enter a progress note saying why the action is at risk.",
        ),
        (
            {"status": "cancelled", "note": "   "},
            "id_note",
            "Enter a progress note saying why the action is cancelled.",
        ),
        (
            # The Drive action was due in July 2018: overdue, so even "on track" needs a note.
            {"status": "on_track", "note": ""},
            "id_note",
            "Enter a progress note: the action is overdue.",
        ),
        (
            {"note": LONG_NOTE},
            "id_note",
            "The progress note must be 2000 characters or fewer.",
        ),
        (
            {"status": "completed", "note": "", "outcome": ""},
            "id_outcome",
            "Enter the outcome: what the action achieved.",
        ),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_written(
    client, officer_wcc_ph, drive, overrides, field_id, message
):
    client.force_login(officer_wcc_ph)
    before = snapshot(drive)
    data = form_data(drive, **overrides)

    response = client.post(update_url(drive), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Update A1" in html
    assert 'class="govuk-error-summary"' in html
    # The error summary links to the field, and the field shows the same message.
    summary = html.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    assert f'<a href="#{field_id}">{message}</a>' in summary
    assert html.count(message) >= 2
    assert f'id="{field_id}"' in html
    # What was typed is still there.
    if data["note"].strip() and data["note"] != LONG_NOTE:
        assert data["note"] in html
    if data["date_2"]:
        assert f'value="{data["date_2"]}"' in html
    assert snapshot(drive) == before


def test_a_missing_version_is_refused_with_a_message(client, officer_wcc_ph, drive):
    client.force_login(officer_wcc_ph)
    before = snapshot(drive)
    data = form_data(drive)
    del data["version"]

    response = client.post(update_url(drive), data)

    assert response.status_code == 200
    assert "The form was missing its version: open the action again" in page_text(response)
    assert snapshot(drive) == before


def test_a_get_writes_nothing(client, officer_wcc_ph, drive):
    client.force_login(officer_wcc_ph)
    before = snapshot(drive)

    client.get(update_url(drive), form_data(drive))

    assert snapshot(drive) == before


class TestTwoOfficersAtOnce:
    """Both open the form, both submit: the second one is told, and loses nothing."""

    def test_the_second_is_told_and_keeps_their_note(
        self, client, officer_wcc_ph, officer_wcc_ph_colleague, drive
    ):
        opened_at = drive.version
        client.force_login(officer_wcc_ph_colleague)
        first = client.post(
            update_url(drive),
            form_data(drive, status="on_track", note="Provider appointed last week."),
        )
        assert first.status_code == 302

        client.force_login(officer_wcc_ph)
        mine = form_data(
            drive,
            status="off_track",
            note="Funding has fallen through.",
            date_0="3",
            date_1="9",
            date_2="2018",
            version=str(opened_at),
        )
        response = client.post(update_url(drive), mine)

        assert response.status_code == 200
        html = response.content.decode()
        assert html.startswith("<!DOCTYPE html>")
        assert "<title>Error: Update A1" in html
        text = page_text(response)
        assert "This action was updated by someone else after you opened it." in text
        # The other update is on the page...
        assert "Provider appointed last week." in text
        assert "officer-wcc-ph-2 person" in text
        # ...the typed update is still in the form...
        assert "Funding has fallen through." in html
        assert re.search(r'value="off_track" checked', html)
        assert 'name="date_1" type="text" inputmode="numeric" value="9"' in html
        # ...and nothing of it was written.
        assert list(ProgressUpdate.objects.values_list("note", flat=True)) == [
            "Provider appointed last week."
        ]
        drive.refresh_from_db()
        assert drive.status == Status.ON_TRACK
        # The form now carries the version the officer has seen, so resubmitting works.
        assert hidden_version(response) == drive.version == opened_at + 1

        resubmitted = client.post(
            update_url(drive), {**mine, "version": hidden_version(response)}, follow=True
        )

        assert resubmitted.redirect_chain[0][1] == 302
        mine_saved = ProgressUpdate.objects.get(author=officer_wcc_ph)
        assert (mine_saved.status, mine_saved.date) == ("off_track", datetime.date(2018, 9, 3))
        assert ProgressUpdate.objects.count() == 2
        # Hers is about today, mine about September 2018: the status is the latest in the world.
        drive.refresh_from_db()
        assert drive.status == Status.ON_TRACK
        assert "Update saved: A1 is now On track." in page_text(resubmitted)
        assert "Update saved: A1 is now On track." in page_text(resubmitted)

    def test_a_clash_with_yourself_in_a_second_tab_says_saved_by_you(
        self, client, officer_wcc_ph, drive
    ):
        client.force_login(officer_wcc_ph)
        first_tab = form_data(drive, note="Typed in the first tab.")
        client.post(update_url(drive), form_data(drive, note="Saved in the second tab."))

        response = client.post(update_url(drive), first_tab)

        text = page_text(response)
        assert "Saved by you, in another tab or window, since you opened this form" in text
        assert "You saved an update to this action in another tab or window" in text
        assert "someone else" not in text
        assert "officer-wcc-ph person since" not in text
        assert "Saved in the second tab." in text
        assert ProgressUpdate.objects.count() == 1

    def test_a_stale_form_resubmitted_blindly_is_refused_again(
        self, client, officer_wcc_ph, officer_wcc_ph_colleague, drive
    ):
        stale = form_data(drive)
        client.force_login(officer_wcc_ph_colleague)
        client.post(update_url(drive), form_data(drive, note="First."))
        client.post(update_url(drive), form_data(drive, note="Second.", version="2"))

        client.force_login(officer_wcc_ph)
        response = client.post(update_url(drive), stale)

        assert "updated by someone else" in page_text(response)
        assert "Second." in page_text(response)
        assert ProgressUpdate.objects.count() == 2


class TestInPlaceWithHtmx:
    """With htmx, "my actions" swaps the row for the form and back without a reload."""

    def headers(self, action):
        return {"HX-Request": "true", "HX-Target": f"action-{action.pk}"}

    def test_the_form_comes_as_the_actions_table_body(self, client, officer_wcc_ph, drive):
        client.force_login(officer_wcc_ph)

        response = client.get(update_url(drive) + "?next=/my-actions/", headers=self.headers(drive))

        html = response.content.decode().strip()
        assert response.status_code == 200
        assert html.startswith(f'<tbody class="govuk-table__body" id="action-{drive.pk}">')
        # What the update is about stays in view: wording, due date, current status.
        text = page_text(response)
        assert drive.description in text
        assert "due 31 July 2018" in text
        assert "Status now Not started" in text
        assert "<html" not in html
        assert f'hx-post="{update_url(drive)}"' in html
        assert 'name="next" value="/my-actions/"' in html
        # Ids are per action, so that two open forms in one page do not collide.
        assert f'id="action-{drive.pk}-note"' in html
        assert "HX-Request" in response["Vary"]

    def test_a_successful_update_returns_the_new_row_and_the_result_under_it(
        self, client, officer_wcc_ph, drive
    ):
        client.force_login(officer_wcc_ph)

        response = client.post(
            update_url(drive),
            {**form_data(drive), "next": "/my-actions/"},
            headers=self.headers(drive),
        )

        assert response.status_code == 200
        html = response.content.decode().strip()
        assert html.startswith(f'<tbody class="govuk-table__body" id="action-{drive.pk}">')
        row = html.split("</tr>")[0]
        assert f'id="action-row-{drive.pk}"' in row
        assert "At risk" in row
        assert f"{today():%-d %b %Y}" in row
        assert "officer-wcc-ph person" in row
        # The result is told next to the row, in a status region that takes the focus.
        result = html.split("</tr>")[1]
        assert 'role="status"' in result
        assert "autofocus" in result
        assert "Update saved: A1 is now At risk." in result
        assert "hx-swap-oob" not in html
        assert ProgressUpdate.objects.count() == 1
        # The confirmation was given in place: it must not come back on the next page.
        assert "Update saved" not in client.get(reverse("actions:my_actions")).content.decode()

    def test_errors_come_back_in_the_inline_form(self, client, officer_wcc_ph, drive):
        client.force_login(officer_wcc_ph)

        response = client.post(
            update_url(drive), form_data(drive, note=""), headers=self.headers(drive)
        )

        html = response.content.decode().strip()
        assert html.startswith("<tbody")
        assert "There is a problem" in html
        assert f'<a href="#action-{drive.pk}-note">' in html
        assert ProgressUpdate.objects.count() == 0

    def test_htmx_aiming_elsewhere_gets_the_whole_page(self, client, officer_wcc_ph, drive):
        client.force_login(officer_wcc_ph)

        response = client.get(
            update_url(drive), headers={"HX-Request": "true", "HX-Target": "main-content"}
        )

        assert response.content.decode().startswith("<!DOCTYPE html>")
