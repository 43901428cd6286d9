"""Reads for reminders, rounds, the sends list and the calendar feeds.

Every list of actions here starts from Action.objects.visible_to(user) for the person the
email or feed is for, so that a restricted body's action never reaches someone who may not
read it; and "led by" is ActionQuerySet.led_by_user, the rule of "my actions".
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery

from actions.models import (
    CLOSED_STATUSES,
    Action,
    ProgressUpdate,
    due_soon_rule,
    overdue_rule,
    stale_rule,
)
from actions.rows import ActionRow, action_rows
from actions.selectors import overseen_actions
from csa.models import Agreement
from governance.access import access_for
from governance.models import Body, Role

from .models import Frequency, ReminderPreference, ReminderSend

# --- Who is reminded, and when --------------------------------------------------------------


def people_in_partnerships():
    """Every active account with a person and a role in a partnership."""
    User = get_user_model()
    return User.objects.filter(is_active=True, person__isnull=False).filter(
        Exists(Role.objects.filter(user=OuterRef("pk")))
    )


def people_to_remind():
    """Every active account with a person, an email address and a role in a partnership."""
    return (
        people_in_partnerships()
        .exclude(email="")
        .select_related("person__organisation", "reminder_preference")
        .order_by("pk")
    )


def people_without_address():
    """Those whom people_to_remind leaves out only for want of an email address."""
    return people_in_partnerships().filter(email="").select_related("person").order_by("pk")


def preference_of(user) -> ReminderPreference:
    """The user's saved preference, or the default one (daily), unsaved."""
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(user=user)


def wants_digest_on(preference: ReminderPreference, day: datetime.date) -> bool:
    if preference.frequency == Frequency.DAILY:
        return True
    if preference.frequency == Frequency.WEEKLY:
        return day.weekday() == preference.weekday
    return False  # rounds only


def current_plans_of(user, day: datetime.date):
    """The ids of the agreements that the user's partnerships work to on `day`: superseded
    years and drafts are left out (AgreementQuerySet.current_for, once per board)."""
    boards = Body.objects.filter(pk__in=access_for(user).board_ids)
    return Agreement.objects.current_ids_for(boards, day)


def digest_actions(user, day: datetime.date) -> list[ActionRow]:
    """The actions to chase `user` about on `day`: those they lead in their partnerships'
    current plans that are overdue, due soon or stale on that day (the read model's flags),
    in plan order."""
    return action_rows(
        Action.objects.visible_to(user)
        .led_by_user(user)
        .filter(agreement_id__in=current_plans_of(user, day))
        .rows(day)
        .filter(overdue_rule(day).q() | due_soon_rule(day).q() | stale_rule(day).q())
        .order_by(
            "agreement__board__name",
            "-agreement__period_start",
            F("theme__position").asc(nulls_last=True),
            "position",
            "reference",
        )
    )


@dataclass
class PlanGroup:
    agreement: Agreement
    actions: list = field(default_factory=list)


def group_by_plan(actions) -> list[PlanGroup]:
    """Rows already ordered by plan, gathered under their plan."""
    groups: list[PlanGroup] = []
    for action in actions:
        if not groups or groups[-1].agreement.pk != action.agreement_id:
            groups.append(PlanGroup(agreement=action.agreement))
        groups[-1].actions.append(action)
    return groups


# --- Update rounds ---------------------------------------------------------------------------


def round_agreement(meeting) -> Agreement | None:
    """The plan a meeting's round asks about: the board's current one on the meeting day."""
    return Agreement.objects.current_for(meeting.body.board, meeting.date)


def round_candidate_actions(meeting, agreement, user, day: datetime.date):
    """What a round may ask about: the actions of the plan that the meeting's body oversees,
    open on `day`, that the coordinator may see, in plan order."""
    return (
        overseen_actions(meeting.body, agreement)
        .visible_to(user)
        .with_progress(day)
        .exclude(status_on__in=CLOSED_STATUSES)
        .order_by("position", "reference")
    )


def round_rows(update_round, user, day: datetime.date) -> list[Action]:
    """The round's actions as rows on `day`, each with `round_answered_at`: when the first
    progress update since the round opened was recorded, or None."""
    first_answer = (
        ProgressUpdate.objects.filter(
            action=OuterRef("pk"), recorded_at__gte=update_round.opened_at
        )
        .order_by("recorded_at")
        .values("recorded_at")[:1]
    )
    return list(
        update_round.actions.visible_to(user)
        .rows(day)
        .annotate(round_answered_at=Subquery(first_answer))
        .order_by("position", "reference")
    )


def round_opening_emails(update_round) -> dict[tuple[int, int], str]:
    """What became of the round's opening email to each person about each action: the
    ReminderSend state by (user id, action id)."""
    listed = ReminderSend.actions.through.objects.filter(
        remindersend__update_round=update_round,
        remindersend__kind=ReminderSend.Kind.ROUND_OPENED,
    ).values_list("remindersend__user_id", "action_id", "remindersend__state")
    return {(user_id, action_id): state for user_id, action_id, state in listed}


# --- What was sent ---------------------------------------------------------------------------


def sends_for(user):
    """The emails sent about the partnerships the user coordinates (all, across partnerships),
    newest first, with the actions of those partnerships that each listed."""
    access = access_for(user)
    sends = ReminderSend.objects.select_related(
        "user__person", "update_round__meeting__body"
    ).order_by("-claimed_at", "-pk")
    ours = access.within(Action.objects, "agreement__board_id", among=access.coordinator_board_ids)
    if not access.spans_every_partnership:
        # Only the emails that listed an action of theirs (an admin's list has every email,
        # those that listed none too).
        sends = sends.filter(
            Exists(
                ReminderSend.actions.through.objects.filter(
                    remindersend_id=OuterRef("pk"), action__in=ours
                )
            )
        )
    actions = ours.select_related("agreement").order_by("agreement_id", "position")
    return sends.prefetch_related(Prefetch("actions", queryset=actions, to_attr="listed"))


def digest_sends_on(day: datetime.date) -> dict[int, ReminderSend]:
    """The day's reminder to each person already claimed (sent, being sent or failed), by
    user id: what services.send_claim finds when a run comes to them."""
    sends = ReminderSend.objects.filter(kind=ReminderSend.Kind.DIGEST, day=day)
    return {send.user_id: send for send in sends}


# --- Calendar feeds --------------------------------------------------------------------------


def preference_by_token(token: str) -> ReminderPreference | None:
    return (
        ReminderPreference.objects.filter(feed_token=token, user__is_active=True)
        .select_related("user")
        .first()
    )


def feed_actions(user, day: datetime.date) -> list[ActionRow]:
    """The actions in a person's feed: those they lead and may see, with a due date, in their
    partnerships' current plans on `day` (current_plans_of, as My actions and the daily
    reminder read them: not a superseded year, not a draft), with their status on `day`."""
    actions = (
        Action.objects.visible_to(user)
        .led_by_user(user)
        .filter(agreement_id__in=current_plans_of(user, day), due_date__isnull=False)
        .rows(day)
        .order_by("due_date", "reference")
    )
    return action_rows(actions)


def partnership_feed_boards(user):
    """The boards whose whole plan the user may subscribe to: where they chair or coordinate."""
    access = access_for(user)
    return access.within(
        Body.objects.filter(partnership__isnull=True),
        "pk",
        among=access.chair_board_ids | access.coordinator_board_ids,
    )


def partnership_feed_actions(user, board, day: datetime.date) -> list[ActionRow]:
    return action_rows(
        Action.objects.visible_to(user)
        .filter(agreement__board=board, due_date__isnull=False)
        .exclude(agreement__status=Agreement.Status.DRAFT)
        .rows(day)
        .order_by("due_date", "reference")
    )
