"""The coordinator opens an update round in a real Chromium and watches it fill in."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.models import Action, Status
from actions.services import progress_update_create
from governance.clock import today
from governance.models import Meeting

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coordinator_opens_a_round_and_sees_it_fill_in(
    live_server, sign_in, assert_accessible, coordinator, officer_wcc_ph, scb, settings
):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    officer_wcc_ph.email = "officer@example.org"
    officer_wcc_ph.save()
    meeting = Meeting.objects.create(
        body=scb, date=today() + datetime.timedelta(days=21), title="Quarterly performance"
    )
    page = sign_in(coordinator)
    meeting_page = reverse("meetings:meeting_detail", args=[meeting.pk])
    page.goto(f"{live_server.url}/p/{scb.slug}{meeting_page}")
    page.get_by_role("link", name="Open an update round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open an update round")
    # Before anything is sent: who will be asked about each action, and what reaches no one
    # (issue 27, item 3).
    a1, a2 = (
        Action.objects.get(agreement__period_start=datetime.date(2018, 4, 1), reference=ref)
        for ref in ("A1", "A2")
    )
    expect(page.locator(f"#preview-action-{a1.pk}")).to_contain_text("officer@example.org")
    expect(page.locator(f"#preview-action-{a2.pk}")).to_contain_text("No one")
    expect(page.locator("#not-reached")).to_have_text("No one can be asked about 6 actions")
    # The link from the row goes to the reason, and the reason to the People page.
    page.locator(f"#preview-action-{a2.pk}").get_by_role("link").click()
    reason = page.locator(f"#not-reached-{a2.pk}")
    expect(reason).to_contain_text(
        "No member of the Worcestershire Domestic Abuse Forum has an account in this partnership."
    )
    daf = a2.leads.get().body
    expect(reason.get_by_role("link", name="Invite someone for A2")).to_have_attribute(
        "href", f"/p/{scb.slug}{reverse('people:invite')}?kind=member&body={daf.pk}"
    )
    reason.get_by_role("link", name="Invite someone for A2").click()
    expect(page.get_by_label("Role")).to_have_value("member")
    expect(page.get_by_label("Body (for a member)")).to_have_value(str(daf.pk))
    page.go_back()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})

    # Without a deadline: the error summary, accessible too.
    page.get_by_role("button", name="Open the round and email the leads").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the deadline for updates")
    assert_accessible(page)

    deadline = meeting.date - datetime.timedelta(days=7)
    group = page.get_by_role("group", name="Deadline for updates")
    group.get_by_label("Day").fill(str(deadline.day))
    group.get_by_label("Month").fill(str(deadline.month))
    group.get_by_label("Year").fill(str(deadline.year))
    page.get_by_label("Message to the leads").fill("Please update before the board.")
    page.get_by_role("button", name="Open the round and email the leads").click()
    expect(page.locator("main")).to_contain_text(
        "Update round opened: 1 lead emailed about 6 of 12 actions. 6 actions reached no one"
    )
    expect(page.locator("#round-progress")).to_have_text("0 of 12 actions")
    expect(page.locator(f"#round-action-{a1.pk}")).to_contain_text("officer@example.org")
    expect(page.locator(f"#round-action-{a1.pk}")).to_contain_text("Emailed")
    expect(page.locator(f"#round-action-{a2.pk}")).to_contain_text("No one")
    expect(page.locator("#round-reach")).to_contain_text("6 of 12 actions have someone to ask")
    expect(page.locator("#not-reached")).to_have_text("No one can be asked about 6 actions")
    assert_accessible(page)
    # On a 320 px phone the round's table stacks: nothing scrolls sideways, the addresses
    # included.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})

    a7 = Action.objects.get(agreement__period_start=datetime.date(2018, 4, 1), reference="A7")
    progress_update_create(
        action=a7, author=officer_wcc_ph, status=Status.ON_TRACK, note="CTLP refreshed."
    )
    page.reload()
    expect(page.locator("#round-progress")).to_have_text("1 of 12 actions")
    expect(page.locator(f"#round-action-{a7.pk}")).to_contain_text("Answered")

    page.get_by_role("button", name="Remind the leads who have not answered").click()
    expect(page.locator("main")).to_contain_text("Reminder sent to 1 lead.")
    expect(page.locator("main")).to_contain_text("were reminded today")
    assert_accessible(page)


def test_the_account_page_is_accessible(live_server, sign_in, assert_accessible, officer_wcc_ph):
    page = sign_in(officer_wcc_ph)
    page.get_by_role("link", name="Reminders and calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your reminders and calendar")
    page.get_by_role("button", name="Create my calendar address").click()
    expect(page.locator("main")).to_contain_text("Your calendar address is ready.")
    page.get_by_label("Once a week, on a day I choose").check()
    page.get_by_label("Day of the week for weekly reminders").select_option("Thursday")
    page.get_by_role("button", name="Save my choice").click()
    expect(page.locator("main")).to_contain_text("Your reminder preference is saved.")
    assert_accessible(page)
