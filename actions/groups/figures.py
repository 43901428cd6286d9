"""A group's figures: overdue, at risk and stale actions of its partnerships as of a day, by
partnership, by theme and by lead organisation.

Every figure starts from Action.objects.visible_to(user) in the group's scope
(governance.access.enter_group), so the group's boundary and the restricted rule are the
access module's; the time rules are the read model's (ActionQuerySet.with_progress, .overdue
and .stale, as of the day). Two GROUP BY queries however many partnerships and actions (plan
and theme; lead organisation), each flag a subquery of ids asked once.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from csa.models import Agreement
from governance.access import access_for
from governance.models import Body, Organisation

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


def plans_in_scope(user, as_of: datetime.date, *, board=None, organisation=None):
    """The actions the user may see of the plan each partnership works to on the day (in
    force, else the latest agreed: as My actions reads it), kept to one partnership or to
    what one organisation leads when asked."""
    boards = group_boards(user)
    if board is not None:
        boards = boards.filter(pk=board.pk)
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


def _split(actions, as_of: datetime.date, *keys: str, joined=None):
    """Rows of (keys..., total, overdue, at_risk, stale): one GROUP BY query. Each flag is the
    read model's own rule (ActionQuerySet.overdue, .stale, the status on the day), asked once
    as a subquery of ids, never per row or per key. `joined` is `actions` with the join the
    keys need, when they cross a relation."""
    on_day = actions.with_progress(as_of)
    at_risk = on_day.filter(status_on__in=AT_RISK_STATUSES)
    return (
        (joined if joined is not None else actions)
        .with_progress(as_of)
        .order_by()
        .values(*keys)
        .annotate(
            total=Count("pk", distinct=True),
            overdue=Count("pk", distinct=True, filter=Q(pk__in=on_day.overdue(as_of).values("pk"))),
            at_risk=Count("pk", distinct=True, filter=Q(pk__in=at_risk.values("pk"))),
            stale=Count(
                "pk", distinct=True, filter=Q(pk__in=on_day.stale(as_of=as_of).values("pk"))
            ),
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
