"""Coverage: for each duty or objective a partnership's plan answers to (csa.Obligation), the
actions of the plan that serve it on a day, their leads and state, and the responsible
authorities that lead nothing under it.

An action serves an obligation when it is tagged with it, or its theme (or the theme's parent)
is: SERVING_PATHS, read by served_by here and by serving in the group's figures
(actions.groups.figures). Rows come from reporting.plan_on_day, so restricted actions stay
hidden from whoever may not see them, and each action's state is the one on the day. Here,
not in plans, so that the board report (actions.dashboard) reads it too.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from csa.models import Obligation
from governance.models import Organisation

from .models import Action
from .partners import partnership_organisations
from .reporting import plan_on_day
from .rows import ActionRow

# The responsible authorities of a community safety partnership (Crime and Disorder Act 1998,
# section 5), by the kinds of organisation the tracker keeps.
RESPONSIBLE_AUTHORITY_KINDS = (
    Organisation.Kind.POLICE,
    Organisation.Kind.COUNCIL,
    Organisation.Kind.FIRE,
    Organisation.Kind.HEALTH,
    Organisation.Kind.PROBATION,
)

# The one rule of what serves an obligation, as relations of Action: tagged itself (the
# first), through its theme, through the theme's parent.
SERVING_PATHS = ("obligations", "theme__obligations", "theme__parent__obligations")


def serving(obligation) -> Q:
    """The actions that serve `obligation` (an Obligation, its pk, or an OuterRef to one).
    Its joins can meet an action more than once: count it distinct."""
    condition = Q()
    for path in SERVING_PATHS:
        condition |= Q(**{path: obligation})
    return condition


def served_by(actions) -> dict[int, tuple[set[int], set[int]]]:
    """{action id: (the obligations it serves, those of them it is tagged with itself)} for
    the actions of `actions` that serve any. One query."""
    served = defaultdict(lambda: (set(), set()))
    for action_id, tagged, *through_theme in actions.order_by().values_list("pk", *SERVING_PATHS):
        serves, direct = served[action_id]
        for obligation_id in (tagged, *through_theme):
            if obligation_id is not None:
                serves.add(obligation_id)
        if tagged is not None:
            direct.add(tagged)
    return served


@dataclass(frozen=True)
class ObligationCoverage:
    obligation: Obligation
    rows: tuple[ActionRow, ...]  # the actions serving it, in the plan's order
    tagged_directly: frozenset[int]  # the ids of those tagged themselves (else by theme)
    authorities_leading_nothing: tuple[Organisation, ...]

    @property
    def is_uncovered(self) -> bool:
        return not self.rows

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.rows if row.is_overdue)

    @property
    def lead_names(self) -> tuple[str, ...]:
        """The parties leading its actions, each once, in the order first met."""
        seen = {}
        for row in self.rows:
            for lead in row.leads:
                party = lead.organisation or lead.body
                seen.setdefault((type(party).__name__, party.pk), party.short_name)
        return tuple(seen.values())


def coverage_of(agreement, rows: list[ActionRow]) -> list[ObligationCoverage]:
    """The coverage of the plan's rows (plan_on_day's) by the partnership's obligations.
    Three queries, however many actions and obligations."""
    board_id = agreement.board_id
    obligations = list(Obligation.objects.filter(board_id=board_id).order_by("position", "name"))
    if not obligations:
        return []
    served = served_by(Action.objects.filter(agreement=agreement))
    authorities = list(
        partnership_organisations(agreement.board)
        .filter(kind__in=RESPONSIBLE_AUTHORITY_KINDS)
        .order_by("short_name")
    )
    serving_it = defaultdict(list)
    direct = defaultdict(set)
    for row in rows:
        serves, tagged = served.get(row.pk, ((), ()))
        for obligation_id in serves:
            serving_it[obligation_id].append(row)
        for obligation_id in tagged:
            direct[obligation_id].add(row.pk)
    coverage = []
    for obligation in obligations:
        its_rows = serving_it[obligation.pk]
        leading = {
            lead.organisation_id for row in its_rows for lead in row.leads if lead.organisation_id
        }
        coverage.append(
            ObligationCoverage(
                obligation=obligation,
                rows=tuple(sorted(its_rows, key=lambda row: (row.position, row.reference))),
                tagged_directly=frozenset(direct[obligation.pk]),
                authorities_leading_nothing=tuple(
                    org for org in authorities if org.pk not in leading
                ),
            )
        )
    return coverage


def plan_coverage(user, agreement, as_of: datetime.date) -> list[ObligationCoverage]:
    """coverage_of the plan as the user may see it on the day. Five queries."""
    return coverage_of(agreement, plan_on_day(user, agreement, as_of))
