"""A person in two partnerships is chased for both (issue 27, item 1).

On 6e68be9 (and until the partnership moved into the address) a person's access outside a
request was their first partnership's only, so their reminders, update rounds and calendar
feed left the other partnership out. What is personal covers every partnership they work in;
a partnership's own pages stay in its address.
"""

import datetime
import re

import pytest
from django.urls import reverse

from actions.models import Action, ActionLead
from governance.models import Organisation, Role
from reminders.selectors import digest_actions, feed_actions
from tests.actions.factories import ActionFactory, ActionLeadFactory, AgreementFactory

DAY = datetime.date(2018, 6, 20)


@pytest.fixture
def in_two(officer_wcc_ph):
    """The WCC PH officer is also an officer of Northshire, where WCC PH leads one action,
    due ten days after DAY."""
    agreement = AgreementFactory(period_start=datetime.date(2018, 4, 1), status="adopted")
    action = ActionFactory(
        agreement=agreement,
        theme=None,
        description="Northshire's own action on knife crime",
        due_date=datetime.date(2018, 6, 30),
    )
    ActionLeadFactory(
        action=action, organisation=Organisation.objects.get(short_name="WCC PH"), position=1
    )
    Role.objects.create(user=officer_wcc_ph, board=agreement.board, kind=Role.Kind.OFFICER)
    return officer_wcc_ph, action


def _worcestershire_led(user):
    led = ActionLead.objects.filter(organisation__short_name="WCC PH").values("action_id")
    return Action.objects.filter(pk__in=led, agreement__period_start="2018-04-01")


def test_the_daily_reminder_covers_both_partnerships(in_two):
    user, northshire = in_two
    chased = digest_actions(user, DAY)
    assert northshire.pk in {row.pk for row in chased}
    assert any(a.agreement.board.short_name == "SCB" for a in chased)


def test_the_calendar_feed_covers_both_partnerships(in_two):
    user, northshire = in_two
    fed = {row.pk for row in feed_actions(user, DAY)}
    assert northshire.pk in fed
    led = _worcestershire_led(user).exclude(due_date__isnull=True)
    assert set(led.values_list("pk", flat=True)) <= fed


def test_each_partnerships_pages_stay_in_its_address(client, in_two, scb):
    user, northshire = in_two
    client.force_login(user)
    ours = client.get(f"/p/{scb.slug}{reverse('actions:my_actions')}").content.decode()
    theirs = client.get(
        f"/p/{northshire.agreement.board.slug}{reverse('actions:my_actions')}"
    ).content.decode()
    link = f'/actions/{northshire.pk}/"'
    assert link in theirs
    assert link not in ours
    # An address without a partnership asks which (My actions is hers across both:
    # tests/actions/test_my_actions_across.py).
    response = client.get(reverse("actions:dashboard"))
    assert response["Location"].startswith(reverse("people:partnership_choose"))


def test_a_feed_address_shown_inside_a_partnership_works_without_signing_in(client, in_two, scb):
    user, _ = in_two
    client.force_login(user)
    page = f"/p/{scb.slug}{reverse('reminders:preferences')}"
    client.post(page, {"frequency": "weekly", "weekday": "3"})
    html = client.get(page).content.decode()
    feeds = re.findall(r"http://testserver(/[^\"<\s]+\.ics)", html)
    assert feeds and not any(feed.startswith("/p/") for feed in feeds)
    client.logout()
    assert all(client.get(feed).status_code == 200 for feed in feeds)
