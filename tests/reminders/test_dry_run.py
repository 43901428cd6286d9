"""`send_reminders --dry-run` says what a real run would do now: not "would email" for someone
already emailed that day, and why nobody would be emailed (issue 27, item 6)."""

import io

import pytest
from django.core.management import CommandError, call_command

from reminders.models import Frequency, ReminderPreference, ReminderSend

AS_OF = "2018-06-20"  # a Wednesday


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--as-of", AS_OF, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def would_email_lines(out):
    return [line for line in out.splitlines() if line.startswith("would email")]


def test_after_a_real_run_the_dry_run_names_nobody_as_would_email(
    smtp, wcc_ph_officer, daf_officer
):
    run()
    assert sorted(smtp.recipients) == sorted([wcc_ph_officer.email, daf_officer.email])

    out = run("--dry-run")

    assert would_email_lines(out) == []
    for officer in (wcc_ph_officer, daf_officer):
        assert f"emailed already on 2018-06-20, not again: {officer.email}" in out
    assert "would email: 0, emailed already: 2" in out
    assert "Nobody would be emailed: 2 people were emailed already that day." in out
    # Nothing sent, nothing recorded.
    assert len(smtp.messages) == 2
    assert ReminderSend.objects.count() == 2


def test_the_dry_run_says_why_nobody_would_be_emailed(
    smtp, wcc_ph_officer, daf_officer, police_officer, officer_wcc_ph_colleague
):
    ReminderPreference.objects.create(user=wcc_ph_officer, frequency=Frequency.ROUNDS_ONLY)
    ReminderPreference.objects.create(user=daf_officer, frequency=Frequency.WEEKLY, weekday=0)
    # officer_wcc_ph_colleague leads what wcc_ph_officer leads, and has no email address;
    # police_officer leads nothing overdue, due soon or stale on the day.

    out = run("--dry-run")

    assert would_email_lines(out) == []
    assert f"no email address: {officer_wcc_ph_colleague.username}" in out
    [why] = [line for line in out.splitlines() if line.startswith("Nobody would be emailed")]
    assert "1 person has no email address" in why
    assert "1 person chose update rounds only" in why
    assert "1 person is reminded weekly on another day" in why
    assert "1 person has nothing overdue, due soon or stale" in why
    assert "emailed already" not in why  # a reason with nobody in it is left out
    assert smtp.messages == []
    assert not ReminderSend.objects.exists()

    # The real run sends nothing either, and keeps its summary.
    real = run()
    assert "sent: 0, failed: 0, skipped: 0, not today: 2, nothing to say: 1." in real
    assert smtp.messages == []


def test_a_failed_email_would_be_sent_again(smtp, settings, wcc_ph_officer):
    from tests.mailbox import free_port

    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    with pytest.raises(CommandError):
        run()
    assert ReminderSend.objects.get().state == ReminderSend.State.FAILED
    settings.MAILERS = working

    out = run("--dry-run")

    [line] = would_email_lines(out)
    assert line.startswith(f"would email {wcc_ph_officer.email} again (the earlier try failed):")
    assert "2018-19 A1" in line
    assert "Nobody would be emailed" not in out
    assert smtp.messages == []


def test_an_email_claimed_but_not_sent_is_named_and_not_counted_as_would_email(
    smtp, wcc_ph_officer
):
    run()
    # A run that died between its claim and the send: the row stays "sending" all day.
    ReminderSend.objects.update(state=ReminderSend.State.SENDING, sent_at=None)

    out = run("--dry-run")

    assert would_email_lines(out) == []
    assert f"being sent by another run, or stopped while sending: {wcc_ph_officer.email}" in out
    assert "see the emails sent" in out
    assert "Nobody would be emailed: 1 person is being emailed by another run" in out


def test_a_person_without_an_address_is_named(smtp, officer_wcc_ph):
    out = run("--dry-run")

    assert f"no email address: {officer_wcc_ph.username}" in out
    assert "no email address: 1." in out
    assert "Nobody would be emailed: 1 person has no email address." in out
