"""Coverage: for each duty or objective a partnership's plan answers to (csa.Obligation), the
actions of the plan that serve it on a day, their leads and state, and the responsible
authorities that lead nothing under it.

An action serves an obligation when it is tagged with it, or its theme (or the theme's parent)
is. Rows come from reporting.plan_on_day, so restricted actions stay hidden from whoever may not
see them, and each action's state is the one on the day. Here, not in plans, so that the
board report (actions.dashboard) reads it too.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from csa.models import Obligation, Theme
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
    Four queries, however many actions and obligations."""
    board_id = agreement.board_id
    obligations = list(Obligation.objects.filter(board_id=board_id).order_by("position", "name"))
    if not obligations:
        return []
    by_action = defaultdict(set)
    for action_id, obligation_id in Action.obligations.through.objects.filter(
        action__agreement=agreement
    ).values_list("action_id", "obligation_id"):
        by_action[action_id].add(obligation_id)
    by_theme = defaultdict(set)
    for theme_id, obligation_id in Theme.obligations.through.objects.filter(
        theme__board_id=board_id
    ).values_list("theme_id", "obligation_id"):
        by_theme[theme_id].add(obligation_id)
    authorities = list(
        partnership_organisations(agreement.board)
        .filter(kind__in=RESPONSIBLE_AUTHORITY_KINDS)
        .order_by("short_name")
    )
    serving = defaultdict(list)
    direct = defaultdict(set)
    for row in rows:
        through_theme = set()
        if row.theme is not None:
            through_theme = by_theme[row.theme.pk] | by_theme.get(row.theme.parent_id, set())
        for obligation_id in by_action[row.pk] | through_theme:
            serving[obligation_id].append(row)
        for obligation_id in by_action[row.pk]:
            direct[obligation_id].add(row.pk)
    coverage = []
    for obligation in obligations:
        its_rows = serving[obligation.pk]
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
    """coverage_of the plan as the user may see it on the day. Six queries."""
    return coverage_of(agreement, plan_on_day(user, agreement, as_of))
