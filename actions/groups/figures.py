"""A group's figures: overdue, at risk and stale actions of its partnerships as of a day, by
partnership, by theme, by obligation and by lead organisation.

Every figure starts from Action.objects.visible_to(user) in the group's scope
(governance.access.enter_group), so the group's boundary and the restricted rule are the
access module's; the time rules are the read model's (ActionQuerySet.with_progress, .overdue
and .stale, as of the day). Two GROUP BY queries however many partnerships and actions (plan
and theme; lead organisation), each flag a subquery of ids asked once, and one query of the
obligations with their counts (what serves one is actions.coverage's rule).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from csa.models import Agreement, Obligation
from governance.access import access_for
from governance.models import Body, Organisation

from ..coverage import serving
from ..models import Action, ActionLead, Status

# "At risk" on a group's page: what the officers say is at risk or off track on the day.
AT_RISK_STATUSES = (Status.AT_RISK.value, Status.OFF_TRACK.value)


def group_boards(user):
    """The boards of the partnerships in the group the user reads, by name."""
    boards = Body.objects.filter(partnership__isnull=True).order_by("name")
    return access_for(user).within(boards, "pk")


def lead_organisations(user, as_of: datetime.date):
    """The organisations that lead actions of the plans in scope: the lead filter's choices."""
    leads = ActionLead.objects.filter(action__in=plans_in_scope(user, as_of).values("pk"))
    return Organisation.objects.filter(pk__in=leads.values("organisation_id")).order_by(
        "short_name"
    )


def boards_in_scope(user, *, board=None):
    """The group's partnerships the user reads, or the one asked for."""
    boards = group_boards(user)
    return boards.filter(pk=board.pk) if board is not None else boards


def plans_in_scope(user, as_of: datetime.date, *, board=None, organisation=None):
    """The actions the user may see of the plan each partnership works to on the day (in
    force, else the latest agreed: as My actions reads it), kept to one partnership or to
    what one organisation leads when asked."""
    boards = boards_in_scope(user, board=board)
    actions = Action.objects.visible_to(user).filter(
        agreement__in=Agreement.objects.current_ids_for(boards, as_of)
    )
    if organisation is not None:
        led = ActionLead.objects.filter(organisation=organisation).values("action_id")
        actions = actions.filter(pk__in=led)
    return actions


def read_once(actions):
    """`actions` as the list of their ids, read in one query: the tables below then ask their
    rules of these ids rather than writing the boundary, the restricted rule and the plans in
    force into every copy of the read model's SQL, whose writing costs more than its running."""
    return Action.objects.filter(pk__in=list(actions.values_list("pk", flat=True)))


@dataclass
class Figures:
    """One row of a table: its key and name, and its counts on the day."""

    key: object
    name: str
    slug: str = ""
    agreement_id: int | None = None
    total: int = 0
    overdue: int = 0
    at_risk: int = 0
    stale: int = 0
    extra: dict = field(default_factory=dict)

    def add(self, row: dict) -> None:
        self.total += row["total"]
        self.overdue += row["overdue"]
        self.at_risk += row["at_risk"]
        self.stale += row["stale"]

    @property
    def needs_attention(self) -> int:
        return self.overdue + self.at_risk + self.stale


def _flags(actions, as_of: datetime.date) -> dict[str, Q]:
    """Each flag as a condition on an action: the read model's own rule (ActionQuerySet.overdue,
    .stale, the status on the day), asked once as a subquery of ids, never per row or per key."""
    on_day = actions.with_progress(as_of)
    return {
        "overdue": Q(pk__in=on_day.overdue(as_of).values("pk")),
        "at_risk": Q(pk__in=on_day.filter(status_on__in=AT_RISK_STATUSES).values("pk")),
        "stale": Q(pk__in=on_day.stale(as_of=as_of).values("pk")),
    }


def _split(actions, as_of: datetime.date, *keys: str, joined=None):
    """Rows of (keys..., total, overdue, at_risk, stale): one GROUP BY query. `joined` is
    `actions` with the join the keys need, when they cross a relation."""
    flags = _flags(actions, as_of)
    return (
        (joined if joined is not None else actions)
        .with_progress(as_of)
        .order_by()
        .values(*keys)
        .annotate(
            total=Count("pk", distinct=True),
            **{flag: Count("pk", distinct=True, filter=q) for flag, q in flags.items()},
        )
    )


def _tables(rows, key, make) -> list[Figures]:
    table: dict = {}
    for row in rows:
        k = key(row)
        if k not in table:
            table[k] = make(row)
        table[k].add(row)
    return list(table.values())


def by_partnership_and_theme(actions, as_of: datetime.date):
    """(by partnership, by theme): both tables from one GROUP BY of plan and theme. An action
    is in one plan and one theme, so adding up the groups counts each action once. Themes are
    matched by name across partnerships: each partnership has its own themes, and "Domestic
    Abuse" in one is "Domestic Abuse" in another."""
    rows = list(
        _split(
            actions,
            as_of,
            "agreement_id",
            "agreement__board__name",
            "agreement__board__slug",
            "theme__name",
        )
    )
    partnerships = _tables(
        rows,
        lambda row: row["agreement_id"],
        lambda row: Figures(
            key=row["agreement_id"],
            name=row["agreement__board__name"],
            slug=row["agreement__board__slug"],
            agreement_id=row["agreement_id"],
        ),
    )
    themes = _tables(
        rows,
        lambda row: row["theme__name"] or "",
        lambda row: Figures(key=row["theme__name"] or "", name=row["theme__name"] or "No theme"),
    )
    return (
        sorted(partnerships, key=lambda f: f.name),
        sorted(themes, key=lambda f: (-f.needs_attention, f.name.lower())),
    )


def by_lead_organisation(actions, as_of: datetime.date) -> list[Figures]:
    """By each organisation leading actions, across partnerships: an action led by several
    organisations counts once for each; bodies, which are each partnership's own, are left
    out."""
    rows = _split(
        actions,
        as_of,
        "leads__organisation_id",
        "leads__organisation__short_name",
        "leads__organisation__name",
        joined=actions.filter(leads__organisation__isnull=False),
    )
    table = _tables(
        rows,
        lambda row: row["leads__organisation_id"],
        lambda row: Figures(
            key=row["leads__organisation_id"],
            name=row["leads__organisation__name"],
            slug=row["leads__organisation__short_name"],
        ),
    )
    return sorted(table, key=lambda f: (-f.needs_attention, f.slug.lower()))


# Statutory duties first, then the PCC's objectives, then the rest: the default list's order.
KIND_ORDER = {kind: number for number, kind in enumerate(Obligation.Kind.values)}


def by_obligation(actions, as_of: datetime.date, boards) -> list[Figures]:
    """By each duty or objective of the partnerships in `boards`, matched by name across them
    (each partnership keeps its own list; the default duties have the same names in each),
    with the actions that serve it (actions.coverage.serving: tagged, or through the theme).
    One query, however many partnerships and actions: each partnership's obligation with a
    count subquery per figure, kept to that partnership's actions. One that no action serves
    is a row of noughts: the group's gap."""
    flags = _flags(actions, as_of)

    def serving_it(condition=None):
        its_actions = (
            actions.filter(serving(OuterRef("pk")), agreement__board=OuterRef("board"))
            .filter(condition or Q())
            .order_by()
            .values("agreement__board")
            .annotate(number=Count("pk", distinct=True))
            .values("number")
        )
        return Coalesce(Subquery(its_actions), 0)

    rows = (
        Obligation.objects.filter(board__in=boards.values("pk"))
        .annotate(
            total=serving_it(),
            **{flag: serving_it(q) for flag, q in flags.items()},
        )
        .values("name", "kind", "position", "total", *flags)
        .order_by("position", "name")  # so that a name's first row has its lowest position
    )
    table = _tables(
        rows,
        lambda row: row["name"],
        lambda row: Figures(
            key=row["name"],
            name=row["name"],
            extra={"order": (KIND_ORDER.get(row["kind"], len(KIND_ORDER)), row["position"])},
        ),
    )
    return sorted(table, key=lambda f: (*f.extra["order"], f.name.lower()))
