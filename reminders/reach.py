"""Who is asked about each action of an update round, and why no one is asked about some.

One rule for the round's emails (services.round_send, through round_recipients) and for the
pages that show them before and after sending (the round's form and its page): a person is
asked about an action when they have an active account with an email address and a role in
the round's partnership, lead the action (their organisation, or a body they belong to,
leads it: the rule of ActionQuerySet.led_by_user) and may see it (ActionQuerySet.visible_to).

Worked out for every action and person at once, in a fixed number of queries however many
actions and people there are, plus one for each person who leads an action that a
restricted body leads or led: whether they may see it is asked of visible_to itself, so the
restricted rule stays in one place.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Prefetch

from actions.models import Action, ActionLead, restricted_from
from actions.rounds import answered
from governance.access import Reader
from governance.models import Membership

from .selectors import people_in_partnerships


class GapKind(StrEnum):
    NO_LEAD = "no-lead"  # the action has no lead at all
    NO_ONE = "no-one"  # no account of the lead with a role in the partnership
    NO_ADDRESS = "no-address"  # the lead's people have no email address
    MAY_NOT_SEE = "may-not-see"  # those with an address may not see the (restricted) action


@dataclass(frozen=True)
class Gap:
    """A lead of an action through whom no one is asked, and why."""

    kind: GapKind
    party: object = None  # the lead Organisation or Body; None when there is no lead
    people: tuple = ()  # the accounts concerned: those without an address, or not allowed

    @property
    def is_organisation(self) -> bool:
        return self.party is not None and self.party._meta.model_name == "organisation"


@dataclass
class Reach:
    """One action of a round, the people asked about it, and the leads that reach no one."""

    action: Action
    asked: list = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


LEADS = Prefetch(
    "leads", queryset=ActionLead.objects.select_related("organisation", "body").order_by("position")
)


def _people_of(board):
    """Everyone who could be asked in `board`'s partnership, with or without an address, with
    the bodies they belong to."""
    return list(
        people_in_partnerships()
        .filter(partnership_roles__board=board)
        .distinct()
        .select_related("person")
        .prefetch_related(
            Prefetch("person__memberships", queryset=Membership.objects.only("person", "body"))
        )
        .order_by("person__name", "pk")
    )


def _by_party(people) -> dict[tuple[str, int], list]:
    """led_by_user's rule turned round: the people through whom each party leads, keyed
    ("organisation", id) for their organisation and ("body", id) for each body they belong
    to (memberships prefetched)."""
    by_party = defaultdict(list)
    for user in people:
        if user.person.organisation_id is not None:
            by_party["organisation", user.person.organisation_id].append(user)
        for membership in user.person.memberships.all():
            by_party["body", membership.body_id].append(user)
    return by_party


def _party_key(lead) -> tuple[str, int]:
    if lead.organisation_id is not None:
        return ("organisation", lead.organisation_id)
    return ("body", lead.body_id)


def who_is_asked(actions, board) -> dict[int, Reach]:
    """By action id, the Reach of each of `actions` (of `board`'s partnership, with their
    leads prefetched, e.g. by ActionQuerySet.rows or LEADS)."""
    actions = list(actions)
    by_party = _by_party(_people_of(board))
    # The actions a restricted body leads, led or agreed: only some people may see them.
    reader = Reader()
    restricted = set(
        Action.objects.filter(pk__in=[a.pk for a in actions])
        .filter(restricted_from(reader, "pk"))
        .values_list("pk", flat=True)
    )
    leading = {
        action.pk: {lead.pk: by_party.get(_party_key(lead), []) for lead in action.leads.all()}
        for action in actions
    }
    hidden_from = defaultdict(set)  # user id -> restricted actions they lead but may not see
    if restricted:
        led_by = defaultdict(set)
        for action_id in restricted:
            for users in leading[action_id].values():
                for user in users:
                    if user.email:
                        led_by[user].add(action_id)
        for user, action_ids in led_by.items():
            seen = set(
                Action.objects.visible_to(user)
                .filter(pk__in=action_ids)
                .values_list("pk", flat=True)
            )
            hidden_from[user.pk] = action_ids - seen

    reach = {}
    for action in actions:
        result = Reach(action=action)
        leads = list(action.leads.all())
        if not leads:
            result.gaps.append(Gap(GapKind.NO_LEAD))
        for lead in leads:
            users = leading[action.pk][lead.pk]
            with_address = [user for user in users if user.email]
            allowed = [user for user in with_address if action.pk not in hidden_from[user.pk]]
            for user in allowed:
                if user not in result.asked:
                    result.asked.append(user)
            if allowed:
                continue
            if not users:
                result.gaps.append(Gap(GapKind.NO_ONE, lead.party))
            elif not with_address:
                result.gaps.append(Gap(GapKind.NO_ADDRESS, lead.party, tuple(users)))
            else:
                result.gaps.append(Gap(GapKind.MAY_NOT_SEE, lead.party, tuple(with_address)))
        reach[action.pk] = result
    return reach


def round_recipients(update_round, *, unanswered_only: bool = False) -> list[tuple]:
    """(user, [actions]) for everyone asked about an action of the round (who_is_asked), by
    account: the actions of the round they are asked about (only those not answered yet, if
    asked), in plan order."""
    actions = update_round.actions.all()
    if unanswered_only:
        actions = actions.exclude(answered(update_round))
    actions = list(
        actions.select_related("agreement__board")
        .prefetch_related(LEADS)
        .order_by("position", "reference")
    )
    by_user = {}
    reach = who_is_asked(actions, update_round.meeting.body.board)
    for action in actions:
        for user in reach[action.pk].asked:
            by_user.setdefault(user, []).append(action)
    return sorted(by_user.items(), key=lambda pair: pair[0].pk)


@dataclass(frozen=True)
class Asked:
    """A person asked about an action, as a round's pages show them."""

    user: object
    # The ReminderSend state of the round's opening email that listed the action ("sent",
    # "failed", "sending"), "" if none did (they lead it since); None before the round opens.
    email_state: str | None = None


def mark_rows(rows, board, *, emailed: dict | None = None) -> list:
    """Give each row (an action with its leads prefetched) `asked`, a list of Asked, and `gaps`,
    its leads that reach no one, by who_is_asked; `emailed` is
    selectors.round_opening_emails once the round is open. Returns the rows no one is asked
    about."""
    rows = list(rows)
    reach = who_is_asked(rows, board)
    for row in rows:
        found = reach[row.pk]
        row.asked = [
            Asked(user, None if emailed is None else emailed.get((user.pk, row.pk), ""))
            for user in found.asked
        ]
        row.gaps = found.gaps
    return [row for row in rows if not row.asked]
