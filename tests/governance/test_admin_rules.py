"""The admin is one more way in (issue 23): it meets the same named rules as the pages, with
the same words, asks why for every change it writes, and refuses what only a page with a
reason may do (ending a role or a membership). Each refusal is checked on the page served
and on the tables, which must not have moved."""

import datetime

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from actions.models import UpdateRound
from csa.models import Section, Theme
from governance import services
from governance.middleware import address_in
from governance.models import (
    Body,
    Chair,
    Meeting,
    Membership,
    Organisation,
    Person,
    ReportingLine,
    Role,
)
from reminders.models import ReminderPreference
from tests.governance.factories import ChairFactory, PersonFactory
from tests.governance.helpers import agreement_2018, make_meeting

pytestmark = pytest.mark.django_db

SAY_WHY = "Say why, for the history."
TABLES = [
    Organisation,
    Person,
    Body,
    ReportingLine,
    Chair,
    Membership,
    Role,
    Meeting,
    Theme,
    Section,
]


def _snapshot():
    """Every row of the tables the governance and agreement admins write, and their history."""
    rows = {}
    for model in TABLES:
        rows[model.__name__] = list(model.objects.order_by("pk").values())
        rows[f"history of {model.__name__}"] = model.history.count()
    rows["attendees"] = list(Meeting.attendee_people.through.objects.order_by("pk").values())
    rows["rounds"] = list(UpdateRound.objects.order_by("pk").values())
    rows["preferences"] = list(ReminderPreference.objects.order_by("pk").values())
    return rows


def _url(model, view, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def _put(data, bound):
    value = bound.value()
    if isinstance(bound.field, forms.BooleanField):
        if value:
            data[bound.html_name] = "on"
        return
    if isinstance(bound.field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
        if value:
            data[bound.html_name] = [str(v) for v in value]
        return
    if value is None:
        value = ""
    if isinstance(value, (list, tuple)):
        data[bound.html_name] = [str(v) for v in value]
    elif isinstance(value, datetime.date):
        data[bound.html_name] = value.isoformat()
    else:
        data[bound.html_name] = str(value)


def _form_data(response, **changes):
    """What a browser would post back from an admin add or change page, with `changes`."""
    assert response.status_code == 200
    data = {}
    for bound in response.context["adminform"].form:
        _put(data, bound)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        for bound in formset.management_form:
            _put(data, bound)
        for form in formset.forms:
            for bound in form:
                _put(data, bound)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _post(client, url, **changes):
    return client.post(url, _form_data(client.get(url), **changes))


def _assert_refused(response, message):
    assert response.status_code == 200, response.get("Location")
    html = response.content.decode()
    assert escape(message) in html, message
    return html


# --- Meetings: governance.services.meeting_check ------------------------------------------


def test_an_admin_meeting_that_repeats_another_is_refused_with_the_rule_s_words(
    client, admin_user, scb
):
    client.force_login(admin_user)
    first = make_meeting(scb, date=datetime.date(2018, 11, 1), title="Board")
    second = make_meeting(scb, date=datetime.date(2018, 12, 1), title="Board")
    before = _snapshot()
    duplicate = "The SCB already has a meeting called 'Board' on 1 November 2018."

    added = _post(
        client,
        _url(Meeting, "add"),
        body=str(scb.pk),
        date="2018-11-01",
        title="Board",
        reason="Minutes found",
    )
    _assert_refused(added, duplicate)

    changed = _post(client, _url(Meeting, "change", second.pk), date="2018-11-01", reason="Typo")
    _assert_refused(changed, duplicate)
    assert _snapshot() == before
    assert first.pk != second.pk


def test_an_admin_meeting_before_its_body_existed_is_refused(client, admin_user, scb):
    Body.objects.filter(pk=scb.pk).update(established=datetime.date(2010, 4, 1))
    meeting = make_meeting(scb, date=datetime.date(2018, 11, 1))
    client.force_login(admin_user)
    before = _snapshot()
    too_early = "The meeting cannot be before the SCB was established, on 1 April 2010."

    added = _post(
        client,
        _url(Meeting, "add"),
        body=str(scb.pk),
        date="2009-06-01",
        title="Inaugural",
        reason="From the archive",
    )
    _assert_refused(added, too_early)
    changed = _post(
        client, _url(Meeting, "change", meeting.pk), date="2009-06-01", reason="Wrong year"
    )
    _assert_refused(changed, too_early)
    far = _post(client, _url(Meeting, "change", meeting.pk), date="9999-12-31", reason="Typo")
    _assert_refused(far, "The date of the meeting must be between 1 January 2000")
    assert _snapshot() == before


def test_an_admin_meeting_is_recorded_with_its_reason_and_refused_without_one(
    client, admin_user, scb
):
    client.force_login(admin_user)
    before = _snapshot()
    fields = {"body": str(scb.pk), "date": "2018-10-01", "title": "Board\x0b meeting"}

    _assert_refused(_post(client, _url(Meeting, "add"), **fields), SAY_WHY)
    assert _snapshot() == before

    response = _post(client, _url(Meeting, "add"), reason="Minutes found in the archive", **fields)
    assert response.status_code == 302
    meeting = Meeting.objects.get(body=scb, date=datetime.date(2018, 10, 1))
    assert meeting.title == "Board\n meeting"  # a Word line break is a line break, not a byte
    record = meeting.history.latest("history_date")
    assert record.history_change_reason == "Minutes found in the archive"
    assert record.history_user == admin_user

    # Moving a meeting to another body would carry its minutes across the restricted rule.
    change = client.get(_url(Meeting, "change", meeting.pk))
    assert "body" not in change.context["adminform"].form.fields


# --- Roles and memberships: ended only with a reason, on the People page ------------------


def test_a_membership_or_role_cannot_be_ended_in_the_admin(
    client, admin_user, officer_channel_member, scb
):
    client.force_login(admin_user)
    membership = Membership.objects.get(person__user=officer_channel_member)
    role = Role.objects.get(user=officer_channel_member)
    before = _snapshot()

    for obj in (membership, role):
        delete = _url(type(obj), "delete", obj.pk)
        assert client.post(delete, {"post": "yes"}).status_code == 403
        page = client.get(_url(type(obj), "change", obj.pk)).content.decode()
        assert "People page" in page
    assert (
        'href="{}"'.format(address_in(scb.slug, "people:membership_end", membership.pk))
        in client.get(_url(Membership, "change", membership.pk)).content.decode()
    )
    assert 'href="{}"'.format(address_in(scb.slug, "people:role_end", role.pk)) in (
        client.get(_url(Role, "change", role.pk)).content.decode()
    )

    # Nor by the back door: the body's inline, or deleting what they hang from.
    channel = membership.body
    _post(
        client,
        _url(Body, "change", channel.pk),
        **{"memberships-0-DELETE": "on", "reason": "Tidying up"},
    )
    person = membership.person
    assert client.post(_url(Person, "delete", person.pk), {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert Role.objects.filter(pk=role.pk).exists()
    assert _snapshot()["Membership"] == before["Membership"]
    assert _snapshot()["Role"] == before["Role"]


def test_a_role_changes_kind_in_the_admin_only_with_a_reason(client, admin_user, officer_wcc_ph):
    client.force_login(admin_user)
    role = Role.objects.get(user=officer_wcc_ph)
    url = _url(Role, "change", role.pk)
    before = _snapshot()

    _assert_refused(_post(client, url, kind="chair"), SAY_WHY)
    _assert_refused(_post(client, url, reason="No change"), "They are already board officer.")
    assert _snapshot() == before

    assert _post(client, url, kind="chair", reason="Elected vice-chair").status_code == 302
    role.refresh_from_db()
    assert role.kind == Role.Kind.CHAIR
    record = role.history.latest("history_date")
    assert (record.history_change_reason, record.history_user) == ("Elected vice-chair", admin_user)


def test_a_role_added_in_the_admin_is_for_a_board(client, admin_user, officer_wcc_ph, scb):
    client.force_login(admin_user)
    panel = Body.objects.get(short_name="Channel Panel")
    before = _snapshot()
    fields = {"user": str(officer_wcc_ph.pk), "kind": "coordinator"}

    _assert_refused(_post(client, _url(Role, "add"), board=str(scb.pk), **fields), SAY_WHY)
    on_a_panel = _post(client, _url(Role, "add"), board=str(panel.pk), reason="Cover", **fields)
    _assert_refused(
        on_a_panel, "Choose the board at the head of a partnership: the Channel Panel is part of"
    )
    assert _snapshot() == before

    response = _post(
        client, _url(Role, "add"), board=str(scb.pk), reason="Covering leave", **fields
    )
    assert response.status_code == 302
    role = Role.objects.get(user=officer_wcc_ph, kind="coordinator")
    assert role.history.get().history_change_reason == "Covering leave"


# --- Reporting lines: reporting_line_check ----------------------------------------------


def test_a_reporting_line_added_in_the_admin_meets_the_service_s_check(client, admin_user, scb):
    client.force_login(admin_user)
    line = ReportingLine.objects.filter(to_body=scb).select_related("from_body").first()
    peg = Body.objects.get(short_name="PEG")
    before = _snapshot()
    add = _url(ReportingLine, "add")

    again = _post(client, add, from_body=line.from_body_id, to_body=scb.pk, reason="Again")
    _assert_refused(again, f"The {line.from_body.short_name} already reports to the SCB.")
    psg = Body.objects.get(short_name="PSG")
    circle = _post(client, add, from_body=peg.pk, to_body=psg.pk, reason="Circle")
    _assert_refused(circle, "PSG reports to SCB reports to PEG, so the lines would go round")
    assert _snapshot() == before

    daf = Body.objects.get(short_name="DAF")
    assert _post(client, add, from_body=daf.pk, to_body=psg.pk, reason="Agreed").status_code == 302
    added = ReportingLine.objects.get(from_body=daf, to_body=psg)
    assert added.history.get().history_change_reason == "Agreed"


# --- The restricted rule: the flag and the members of a restricted body -------------------


def test_a_body_s_restricted_flag_changes_in_the_admin_only_with_a_reason(client, admin_user):
    client.force_login(admin_user)
    panel = Body.objects.get(short_name="Channel Panel")
    assert panel.restricted
    url = _url(Body, "change", panel.pk)
    before = _snapshot()

    _assert_refused(_post(client, url, restricted=None), SAY_WHY)
    assert _snapshot() == before

    response = _post(client, url, restricted=None, reason="Agreed at the board, 3 May")
    assert response.status_code == 302
    panel.refresh_from_db()
    assert not panel.restricted
    record = panel.history.latest("history_date")
    assert record.restricted is False
    assert record.history_change_reason == "Agreed at the board, 3 May"
    assert record.history_user == admin_user


def test_a_restricted_body_s_member_is_added_in_the_admin_only_with_a_reason(
    client, admin_user, officer_channel_member
):
    client.force_login(admin_user)
    panel = Body.objects.get(short_name="Channel Panel")
    newcomer = PersonFactory(name="Newcomer to the panel")
    before = _snapshot()

    add = _url(Membership, "add")
    fields = {"person": str(newcomer.pk), "body": str(panel.pk)}
    _assert_refused(_post(client, add, **fields), SAY_WHY)
    inline = _form_data(client.get(_url(Body, "change", panel.pk)))
    n = int(inline["memberships-TOTAL_FORMS"])
    inline.update({"memberships-TOTAL_FORMS": str(n + 1), f"memberships-{n}-person": newcomer.pk})
    inline[f"memberships-{n}-body"] = str(panel.pk)
    _assert_refused(client.post(_url(Body, "change", panel.pk), inline), SAY_WHY)
    member = Membership.objects.get(person__user=officer_channel_member).person
    again = _post(client, add, person=str(member.pk), body=str(panel.pk), reason="Again")
    _assert_refused(again, f"{member.name} is already a member of the Channel Panel.")
    assert _snapshot() == before

    assert _post(client, add, reason="Joins for the Prevent duty", **fields).status_code == 302
    membership = Membership.objects.get(person=newcomer, body=panel)
    record = membership.history.get()
    assert (record.history_change_reason, record.history_user) == (
        "Joins for the Prevent duty",
        admin_user,
    )

    other = PersonFactory(name="Second newcomer")
    inline = _form_data(client.get(_url(Body, "change", panel.pk)), reason="Panel refreshed")
    n = int(inline["memberships-TOTAL_FORMS"])
    inline.update({"memberships-TOTAL_FORMS": str(n + 1), f"memberships-{n}-person": other.pk})
    inline[f"memberships-{n}-body"] = str(panel.pk)
    assert client.post(_url(Body, "change", panel.pk), inline).status_code == 302
    record = Membership.objects.get(person=other, body=panel).history.get()
    assert record.history_change_reason == "Panel refreshed"


def test_the_services_give_the_words_the_admin_shows(admin_user, coordinator, scb):
    panel = Body.objects.get(short_name="Channel Panel")
    person = PersonFactory(name="Someone new")
    with pytest.raises(ValidationError) as refused:
        services.body_restriction_change(body=panel, restricted=False, by=admin_user, reason=" ")
    assert refused.value.message_dict == {"reason": [SAY_WHY]}
    with pytest.raises(ValidationError) as refused:
        services.membership_create(person=person, body=panel, by=admin_user, reason="")
    assert refused.value.message_dict == {"reason": [SAY_WHY]}
    with pytest.raises(PermissionDenied):
        services.body_restriction_change(
            body=panel, restricted=False, by=_someone(scb), reason="Why"
        )
    assert Body.objects.get(pk=panel.pk).restricted
    assert not Membership.objects.filter(person=person).exists()

    # A body that is not restricted takes a member without a reason (an invitation accepted).
    open_body = Body.objects.filter(partnership=scb, restricted=False).first()
    joined = services.membership_create(person=person, body=open_body, by=coordinator, reason="")
    assert joined.history.get().history_change_reason == "Member added"
    services.body_restriction_change(body=panel, restricted=False, by=coordinator, reason="Agreed")
    assert panel.history.latest("history_date").history_change_reason == "Agreed"


def _someone(board):
    from tests.governance.factories import make_user

    return make_user(board=board, kind=Role.Kind.OFFICER, username="not-a-coordinator")


# --- Every change the admin writes says why ----------------------------------------------


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Organisation, {"short_name": "NEWORG", "name": "New organisation", "kind": "other"}),
        (Person, {"name": "A new person", "post": "Analyst"}),
        (Body, {"short_name": "NEWBODY", "name": "New task group", "kind": "task_group"}),
        (Theme, {"key": "new-theme", "name": "A new theme", "position": "9"}),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "",
)
def test_what_the_admin_adds_says_why_and_who(client, admin_user, scb, model, fields):
    client.force_login(admin_user)
    if model is Theme:
        fields = {**fields, "board": str(scb.pk)}
    before = _snapshot()
    _assert_refused(_post(client, _url(model, "add"), **fields), SAY_WHY)
    assert _snapshot() == before

    response = _post(client, _url(model, "add"), reason="Joined the partnership\x07", **fields)
    assert response.status_code == 302
    record = model.history.order_by("-history_id").first()
    assert record.history_change_reason == "Joined the partnership"
    assert record.history_user == admin_user


def test_what_the_admin_changes_says_why_and_loses_control_characters(client, admin_user, scb):
    client.force_login(admin_user)
    organisation = Organisation.objects.get(short_name="WCC PH")
    section = Section.objects.filter(agreement=agreement_2018()).first()
    before = _snapshot()
    url = _url(Organisation, "change", organisation.pk)
    _assert_refused(_post(client, url, name="Public Health"), SAY_WHY)
    _assert_refused(_post(client, _url(Section, "change", section.pk), heading="New"), SAY_WHY)
    assert _snapshot() == before

    assert _post(client, url, name="Public\x07 Health", reason="Renamed").status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Public Health"
    assert organisation.history.latest("history_date").history_change_reason == "Renamed"


def test_reading_a_record_s_history_is_not_a_way_to_write_it(client, admin_user, scb):
    """A read-only record cannot be "reverted" to an old version from its history page."""
    chair = ChairFactory(body=scb, start=datetime.date(2015, 1, 1), end=datetime.date(2015, 6, 1))
    chair.end = datetime.date(2016, 1, 1)
    chair.save()
    version = chair.history.earliest("history_date").history_id
    client.force_login(admin_user)
    before = _snapshot()
    url = reverse("admin:governance_chair_simple_history", args=[chair.pk, version])
    response = client.post(
        url,
        {"person": chair.person_id, "body": scb.pk, "start": "2015-01-01", "end": "2015-06-01"},
    )
    assert response.status_code == 403
    assert _snapshot() == before


def test_a_membership_ended_on_the_people_page_is_not_brought_back_from_its_history(
    client, admin_user, coordinator, officer_channel_member, scb
):
    membership = Membership.objects.get(person__user=officer_channel_member)
    pk = membership.pk
    services.membership_end(
        membership=membership, board=scb, by=coordinator, reason="Left the council"
    )
    version = Membership.history.filter(id=pk).earliest("history_date").history_id
    client.force_login(admin_user)
    before = _snapshot()
    url = reverse("admin:governance_membership_simple_history", args=[pk, version])
    posted = {"person": membership.person_id, "body": membership.body_id, "reason": "Undo"}
    assert client.post(url, posted).status_code == 403
    assert _snapshot() == before


def test_an_account_with_a_role_is_not_deleted_in_the_admin(client, admin_user, officer_wcc_ph):
    client.force_login(admin_user)
    before = _snapshot()
    url = reverse("admin:auth_user_delete", args=[officer_wcc_ph.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert _snapshot() == before


def test_update_rounds_and_reminder_preferences_are_read_only_in_the_admin(
    client, admin_user, officer_wcc_ph, scb
):
    meeting = make_meeting(scb, date=datetime.date(2018, 11, 1))
    round_ = UpdateRound.objects.create(
        meeting=meeting, agreement=agreement_2018(), deadline=datetime.date(2018, 10, 20)
    )
    preference = ReminderPreference.objects.create(user=officer_wcc_ph)
    client.force_login(admin_user)
    before = _snapshot()
    for obj, changes in (
        (round_, {"deadline": "2018-10-25", "message": "Changed"}),
        (preference, {"frequency": "weekly", "weekday": "2"}),
    ):
        url = _url(type(obj), "change", obj.pk)
        page = client.get(url).content.decode()
        assert 'name="_save"' not in page
        assert "Where to change it" in page
        assert client.post(url, changes).status_code == 403
    assert client.post(_url(UpdateRound, "delete", round_.pk), {"post": "yes"}).status_code == 403
    assert client.get(_url(UpdateRound, "add")).status_code == 403
    assert client.get(_url(ReminderPreference, "add")).status_code == 403
    assert _snapshot() == before
