"""`manage.py send_reminders` through a real SMTP server, with the Worcestershire plans."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from actions.models import Action, ActionLead
from governance.models import Body, Organisation
from reminders.models import Frequency, ReminderPreference, ReminderSend
from tests.actions.factories import ActionFactory
from tests.reminders.conftest import html_of, text_of

AS_OF = "2018-06-20"  # a Wednesday
PREVENT = "Review, update and continue to implement the Prevent Action Plan"


def run(*args):
    call_command("send_reminders", *args)


def action_2018(reference):
    return Action.objects.get(
        agreement__period_start=datetime.date(2018, 4, 1), reference=reference
    )


def references_in(text):
    return {line.split()[1] for line in text.splitlines() if line.startswith("- ")}


def test_the_wcc_ph_officer_is_mailed_about_the_2018_19_actions_they_lead(
    smtp, wcc_ph_officer, police_officer
):
    run("--as-of", AS_OF)

    assert smtp.recipients == [wcc_ph_officer.email]  # nobody about a plan they do not lead
    [message] = smtp.to(wcc_ph_officer.email)
    text = text_of(message)
    # What WCC PH leads in 2018-19 and is open: A7 is due within 30 days, all are stale (no
    # update since the plan began). A2, A3 (DAF), A6 (RROSG) and the 2017-18 plan are not.
    assert references_in(text) == {"A1", "A4", "A5", "A7", "A8", "A10"}
    assert PREVENT in text
    assert "June 2018 (New CTLP), due 30 June 2018" in text
    assert "2017-18" not in text and "2017 to 2018" not in text
    assert "Community Safety Agreement 2018 to 2019" in text
    # The service, why, a link to change it and one to each update form, all absolute, in
    # the partnership's own address.
    assert message["Subject"].startswith("Community Safety Action Plans: 6 actions")
    assert "Why you receive this: you lead these actions" in text
    assert "https://tracker.example.org/account/reminders/" in text
    a7 = action_2018("A7")
    assert f"https://tracker.example.org/p/scb/actions/{a7.pk}/update/" in text
    html = html_of(message)
    assert f'href="https://tracker.example.org/p/scb/actions/{a7.pk}/update/"' in html
    assert 'href="https://tracker.example.org/account/reminders/"' in html
    assert message["Auto-Submitted"] == "auto-generated"

    send = ReminderSend.objects.get()
    assert (send.user, send.kind, send.day, send.state) == (
        wcc_ph_officer,
        ReminderSend.Kind.DIGEST,
        datetime.date(2018, 6, 20),
        ReminderSend.State.SENT,
    )
    assert {a.reference for a in send.actions.all()} == {"A1", "A4", "A5", "A7", "A8", "A10"}


def test_a_second_run_the_same_day_sends_nothing(smtp, wcc_ph_officer, capsys):
    run("--as-of", AS_OF)
    run("--as-of", AS_OF)

    assert len(smtp.messages) == 1
    assert ReminderSend.objects.count() == 1
    assert "sent: 0, failed: 0, skipped: 1" in capsys.readouterr().out.splitlines()[-1]
    # The next day is another day.
    run("--as-of", "2018-06-21")
    assert len(smtp.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_started_at_the_same_moment_send_each_email_once(
    smtp, wcc_ph_officer, daf_officer
):
    """Two runs in two threads, each with its own database connection, on PostgreSQL: they
    race for real (an insert of the same claim waits for the other's commit, then fails on
    the constraint). SQLite's in-memory test database is shared between threads through a
    shared cache, which reports "table is locked" at once instead of waiting: there the two
    runs go one after the other, and the constraint test below shows the database refusing."""
    if connection.vendor != "postgresql":
        run("--as-of", AS_OF)
        run("--as-of", AS_OF)
        assert sorted(smtp.recipients) == sorted([wcc_ph_officer.email, daf_officer.email])
        return
    start = threading.Barrier(2)
    errors = []

    def one_run():
        try:
            start.wait(timeout=10)
            run("--as-of", AS_OF)
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(smtp.recipients) == sorted([wcc_ph_officer.email, daf_officer.email])
    assert ReminderSend.objects.filter(state=ReminderSend.State.SENT).count() == 2


def test_the_database_refuses_a_second_digest_for_the_same_person_and_day(smtp, wcc_ph_officer):
    from django.db import IntegrityError, transaction

    run("--as-of", AS_OF)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSend.objects.create(
            user=wcc_ph_officer,
            kind=ReminderSend.Kind.DIGEST,
            day=datetime.date(2018, 6, 20),
            email=wcc_ph_officer.email,
            subject="again",
        )


def test_a_weekly_person_gets_nothing_on_other_days(smtp, wcc_ph_officer):
    ReminderPreference.objects.create(
        user=wcc_ph_officer, frequency=Frequency.WEEKLY, weekday=0
    )  # Mondays

    run("--as-of", AS_OF)  # a Wednesday
    run("--as-of", "2018-06-24")  # a Sunday
    assert smtp.messages == []

    run("--as-of", "2018-06-25")  # a Monday
    assert smtp.recipients == [wcc_ph_officer.email]
    assert "a weekly reminder on Mondays" in text_of(smtp.messages[0][1])


def test_a_person_who_chose_rounds_only_gets_no_daily_reminder(smtp, wcc_ph_officer):
    ReminderPreference.objects.create(user=wcc_ph_officer, frequency=Frequency.ROUNDS_ONLY)
    run("--as-of", AS_OF)
    assert smtp.messages == []


def test_no_email_when_there_is_nothing_to_say(smtp, wcc_ph_officer):
    # Before the 2018-19 plan is stale or due, there is nothing to chase (1 April 2018).
    run("--as-of", "2018-04-02")
    assert smtp.messages == []
    assert not ReminderSend.objects.exists()


def test_a_restricted_action_is_mailed_only_to_those_who_may_see_it(
    smtp, wcc_ph_officer, officer_channel_member
):
    """An action the Channel Panel leads with WCC PH: both officers are WCC PH, only the
    panel's member may read it."""
    from tests.reminders.conftest import with_email

    with_email(officer_channel_member)
    secret = ActionFactory(
        agreement=action_2018("A1").agreement,
        theme=None,
        description="Channel Panel case review process",
        due_date=datetime.date(2018, 6, 10),
    )
    ActionLead.objects.create(
        action=secret, position=1, organisation=Organisation.objects.get(short_name="WCC PH")
    )
    ActionLead.objects.create(
        action=secret, position=2, body=Body.objects.get(short_name="Channel Panel")
    )

    run("--as-of", AS_OF)

    assert "Channel Panel case review" not in text_of(smtp.to(wcc_ph_officer.email)[0])
    assert "Channel Panel case review" in text_of(smtp.to(officer_channel_member.email)[0])
    mailed = ReminderSend.objects.get(user=wcc_ph_officer)
    assert secret not in mailed.actions.all()


def test_a_dry_run_says_who_would_be_mailed_and_sends_nothing(smtp, wcc_ph_officer, capsys):
    run("--as-of", AS_OF, "--dry-run")
    out = capsys.readouterr().out
    assert f"would email {wcc_ph_officer.email}: 2018-19 A1" in out
    assert "Dry run, nothing sent." in out
    assert smtp.messages == []
    assert not ReminderSend.objects.exists()


def test_a_failed_send_is_recorded_and_tried_again_on_the_next_run(smtp, settings, wcc_ph_officer):
    from tests.mailbox import free_port

    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    # It says so with a non-zero exit, so that a scheduler alerts (issue 27).
    with pytest.raises(CommandError, match="1 email could not be sent") as failed:
        run("--as-of", AS_OF)
    assert failed.value.returncode == 1
    send = ReminderSend.objects.get()
    assert send.state == ReminderSend.State.FAILED
    assert "Connection" in send.error or "refused" in send.error.lower()

    settings.MAILERS = working
    run("--as-of", AS_OF)
    send.refresh_from_db()
    assert (send.state, send.attempts, send.error) == (ReminderSend.State.SENT, 2, "")
    assert smtp.recipients == [wcc_ph_officer.email]


@pytest.mark.parametrize("bad", ["2018-02-30", "yesterday", "20/06/2018"])
def test_a_bad_day_is_refused(bad, db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--as-of", bad)
