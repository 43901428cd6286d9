"""The one way a write says who made it, why, when and where it came from: governance.history."""

import datetime

import pytest
from django.utils import timezone

from governance.history import (
    FROM_A_FILE,
    SHORT_REASON_LENGTH,
    delete_recorded,
    record_change,
    save_recorded,
)
from governance.models import Organisation
from tests.governance.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_who_why_when_and_where_from_land_in_the_history_row():
    coordinator = UserFactory()
    stood = timezone.make_aware(datetime.datetime(2018, 4, 1))
    organisation = Organisation(short_name="HIST ORG", name="History organisation")

    saved = save_recorded(
        organisation,
        reason="loaded from 2018-19.json",
        user=coordinator,
        source=FROM_A_FILE,
        date=stood,
    )

    assert saved is organisation and organisation.pk
    row = organisation.history.get()
    assert row.history_type == "+"
    assert row.history_change_reason == "loaded from 2018-19.json"
    assert row.history_user == coordinator
    assert row.history_source == FROM_A_FILE
    assert row.history_date == stood


def test_without_who_where_from_or_when_the_row_has_nobody_people_and_now():
    before = timezone.now()
    organisation = save_recorded(
        Organisation(short_name="HIST NOW", name="Now organisation"), reason="Joined"
    )

    row = organisation.history.get()
    assert row.history_change_reason == "Joined"
    assert row.history_user is None
    assert row.history_source == ""
    assert before <= row.history_date <= timezone.now()


def test_update_fields_saves_only_those_fields_with_the_reason():
    coordinator = UserFactory()
    organisation = OrganisationFactory(short_name="HIST UF", name="Old name")
    organisation.name = "New name"
    organisation.short_name = "NOT SAVED"

    save_recorded(organisation, reason="Renamed", user=coordinator, update_fields=["name"])

    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.name, stored.short_name) == ("New name", "HIST UF")
    row = organisation.history.latest("history_date")
    assert (row.history_type, row.history_change_reason, row.history_user) == (
        "~",
        "Renamed",
        coordinator,
    )


def test_a_delete_keeps_who_and_why_in_the_last_row():
    coordinator = UserFactory()
    organisation = OrganisationFactory(short_name="HIST DEL")
    pk = organisation.pk

    delete_recorded(organisation, reason="Merged into the council", user=coordinator)

    assert not Organisation.objects.filter(pk=pk).exists()
    row = Organisation.history.filter(id=pk).latest("history_date")
    assert (row.history_type, row.history_change_reason, row.history_user) == (
        "-",
        "Merged into the council",
        coordinator,
    )


def test_record_change_alone_marks_the_next_save():
    """What the admin does before its own save."""
    coordinator = UserFactory()
    organisation = OrganisationFactory(short_name="HIST ADMIN")
    organisation.name = "Renamed in the admin"

    record_change(organisation, reason="Agreed at the board", user=coordinator)
    organisation.save()

    row = organisation.history.latest("history_date")
    assert (row.history_change_reason, row.history_user) == ("Agreed at the board", coordinator)


def test_a_long_reason_is_cut_to_max_length_not_refused():
    long_reason = "Received at " + "a meeting with a very long title " * 10
    organisation = save_recorded(
        Organisation(short_name="HIST CUT", name="Cut organisation"),
        reason=long_reason,
        max_length=SHORT_REASON_LENGTH,
    )

    kept = organisation.history.get().history_change_reason
    assert kept == long_reason[:SHORT_REASON_LENGTH] and len(kept) == 100


def test_a_long_reason_without_max_length_is_kept_whole():
    """The reason column is a TextField: what a person typed is not lost, nor an error."""
    long_reason = "Agreed at the board after a long discussion. " * 100
    organisation = save_recorded(
        Organisation(short_name="HIST LONG", name="Long organisation"), reason=long_reason
    )

    assert organisation.history.get().history_change_reason == long_reason
