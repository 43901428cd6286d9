"""Reads for the officer's pages: "my actions", one action, and the action's timeline.

Every function here plans its queries up front (select_related / prefetch / one query per
history table), so that a page costs the same number of queries however many actions and
updates there are.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field
from enum import Enum

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from csa.models import Agreement, Theme
from governance.access import access_for, can_update, can_view_body_data
from governance.history import history_rows
from governance.models import Body, Meeting
from governance.selectors import bodies_below
from governance.services import partnership_lines

from .models import (
    Action,
    ActionLead,
    DueDateMove,
    ProgressUpdate,
    leads_in_order,
    user_display_name,
)
from .reporting import theme_descendant_ids
from .rows import ActionRow, action_rows

# Fields of an action whose changes mean nothing to a reader of the timeline: the version only
# counts writes (it changes with every progress update, which is shown on its own).
TIMELINE_IGNORED_FIELDS = {"version", "loaded_version"}
# The fields that progress_update_create writes on the action. Their history row repeats the
# progress update, which the timeline already shows: it is left out (see _is_update_echo).
FIELDS_SET_BY_PROGRESS_UPDATE = {"status", "version", "loaded_version"}
# Said instead of a related object (an action, a meeting) that the reader may not see.
HIDDEN_ITEM_LABEL = "(an item you cannot see)"


class Scope(Enum):
    """Which actions "my actions" lists, by what the user does."""

    LED = "led"  # an officer: the actions their organisation or bodies lead
    ALL_TO_UPDATE = "all_to_update"  # a coordinator or admin: every action they may change
    ALL_TO_READ = "all_to_read"  # a chair: every action of their partnership, read-only


def my_actions_scope(user) -> Scope:
    access = access_for(user)
    if access.manages_a_partnership:
        return Scope.ALL_TO_UPDATE
    if access.chair_board_ids:
        return Scope.ALL_TO_READ
    return Scope.LED


def _scope_in(access, board_id: int) -> Scope:
    """my_actions_scope in one partnership: by the user's role there."""
    if board_id in access.coordinator_board_ids:
        return Scope.ALL_TO_UPDATE
    if board_id in access.chair_board_ids:
        return Scope.ALL_TO_READ
    return Scope.LED


def my_actions_across(user) -> bool:
    """Does "my actions" span several partnerships? Outside any partnership's address a
    person in several holds them all (governance.access); an admin there sees every
    partnership's actions, as on one partnership's page."""
    access = access_for(user)
    return not access.spans_every_partnership and len(access.board_ids) > 1


def my_actions_elsewhere(user) -> bool:
    """Does the user, on one partnership's "my actions", also have it across several?"""
    return len(access_for(user).partnerships) > 1 and not my_actions_across(user)


# The partnership an action belongs to (Action.board), as columns: its plan's board, or the
# board of the meeting it arose at. Joined already by ActionQuerySet.rows().
_PARTNERSHIP = Coalesce(
    "agreement__board_id", "origin_meeting__body__partnership_id", "origin_meeting__body_id"
)
_PARTNERSHIP_NAME = Coalesce(
    "agreement__board__name",
    "origin_meeting__body__partnership__name",
    "origin_meeting__body__name",
)
# The lookups from an action to its partnership's board, for UserAccess.within.
_PARTNERSHIP_PATHS = (
    "agreement__board_id",
    "origin_meeting__body_id",
    "origin_meeting__body__partnership_id",
)


def _looked_after(queryset, user):
    """Kept to what "my actions" lists in each partnership, by the user's role there: every
    action of a partnership they coordinate or chair (everything, for an admin), and where
    they are an officer those that they lead (led_by_user). Which of them they may see at
    all is ActionQuerySet.visible_to's, applied before."""
    access = access_for(user)
    whole = access.coordinator_board_ids | access.chair_board_ids
    if access.spans_every_partnership or whole >= access.board_ids:
        return queryset
    led = Action.objects.led_by_user(user)
    if not whole:
        return queryset & led
    return queryset & (access.within(Action.objects.all(), *_PARTNERSHIP_PATHS, among=whole) | led)


def looked_after(
    user,
    *,
    as_of: datetime.date,
    status: str = "",
    theme: Theme | None = None,
    every_plan: bool = False,
):
    """The actions of "my actions", filtered, as a plain queryset (to count; my_actions gives
    them as rows): by default only those of each partnership's current plan (in force, else
    the latest agreed: AgreementQuerySet.current_for), where the actions arising of its
    meetings go too."""
    queryset = Action.objects.visible_to(user)
    if not every_plan:
        boards = access_for(user).within(Body.objects.filter(partnership__isnull=True), "pk")
        queryset = queryset.filter(agreement__in=Agreement.objects.current_ids_for(boards, as_of))
    queryset = _looked_after(queryset, user)
    if status:
        queryset = queryset.filter(status=status)
    if theme is not None:
        # Themes nest ("Harm Reduction – Hate Crime"): a theme includes its sub-themes, at any
        # depth, by the same rule as the chair's list.
        queryset = queryset.filter(theme_id__in=theme_descendant_ids(theme))
    return queryset


def my_actions(user, *, as_of: datetime.date, **filters):
    """The actions the user looks after (looked_after), ready for the rows of "my actions":
    by partnership, then plan and theme."""
    return (
        looked_after(user, as_of=as_of, **filters)
        .rows(as_of)
        .order_by(
            # Each partnership's together (one, in a partnership's address); in it the plans,
            # latest first, then the actions arising outside any plan.
            _PARTNERSHIP_NAME,
            _PARTNERSHIP,
            F("agreement__period_start").desc(nulls_last=True),
            "agreement_id",
            # Actions arising from meetings have no theme: they come after the plan's themes.
            F("theme__position").asc(nulls_last=True),
            "theme_id",
            "position",
            "reference",
        )
    )


@dataclass(frozen=True)
class PartnershipLine:
    """One of the user's partnerships on "my actions" across them: what it lists, how many."""

    name: str
    slug: str
    scope: Scope
    count: int


def my_partnerships(user, actions) -> list[PartnershipLine]:
    """The user's partnerships in scope, by name, each with what "my actions" lists there and
    how many of `actions` (looked_after, filtered) are its: one query."""
    access = access_for(user)
    counts = dict(
        actions.annotate(partnership=_PARTNERSHIP)
        .order_by()
        .values("partnership")
        .annotate(count=Count("pk"))
        .values_list("partnership", "count")
    )
    return [
        PartnershipLine(name, slug, _scope_in(access, pk), counts.get(pk, 0))
        for pk, name, slug in access.partnerships
        if pk in access.board_ids
    ]


def overseen_actions(body: Body, agreement):
    """The actions of `agreement` that `body` oversees.

    A board oversees its whole plan. Any other body oversees the actions that it leads or that
    bodies reporting to it (directly or through others) lead, and those arising from its own
    meetings.
    """
    qs = Action.objects.filter(agreement=agreement)
    if body.partnership_id is None and agreement.board_id == body.pk:
        return qs
    lines = list(partnership_lines(body.board))
    body_ids = {body.pk} | bodies_below(body, lines)
    led = ActionLead.objects.filter(body_id__in=body_ids).values("action_id")
    return qs.filter(Q(pk__in=led) | Q(origin_meeting__body=body))


def themes_for(user):
    """The themes the user may filter "my actions" by: those of their partnerships."""
    themes = Theme.objects.select_related("parent", "board").order_by(
        "board__name", "position", "name"
    )
    return access_for(user).within(themes, "board_id")


def may_update_row(user, action) -> bool:
    """May the reader record progress on this row's action? (A superseded year is the record
    of that year: its open actions were carried forward or closed at roll-over, so nothing
    offers to update them.) `action`: an ActionRow, or an Action with its leads prefetched."""
    leads = action.leads if isinstance(action, ActionRow) else action.leads.all()
    return action.plan_status != Agreement.Status.SUPERSEDED and can_update(
        user, action, lead_rows=list(leads)
    )


def rows_for(actions, user) -> list[ActionRow]:
    """The typed rows of ActionQuerySet.rows() actions, with the one thing a row shows that
    depends on the reader: may they update it. No query per row."""
    return [
        dataclasses.replace(row, user_can_update=may_update_row(user, row))
        for row in action_rows(actions)
    ]


@dataclass
class ThemeGroup:
    label: str
    actions: list = field(default_factory=list)


@dataclass
class AgreementGroup:
    """A plan's rows; or, with no agreement, a partnership's actions arising outside any plan."""

    agreement: object
    board: object
    themes: list[ThemeGroup] = field(default_factory=list)

    @property
    def key(self):
        return (self.agreement and self.agreement.pk, self.board.pk)


def group_by_agreement_and_theme(actions) -> list[AgreementGroup]:
    """Rows already ordered by agreement then theme, gathered under their headings."""
    groups: list[AgreementGroup] = []
    for action in actions:
        if not groups or groups[-1].key != (action.agreement_id, action.board.pk):
            groups.append(AgreementGroup(agreement=action.agreement, board=action.board))
        themes = groups[-1].themes
        label = str(action.theme) if action.theme else (action.theme_as_written or "No theme")
        if not themes or themes[-1].label != label:
            themes.append(ThemeGroup(label=label))
        themes[-1].actions.append(action)
    return groups


def action_for_page(user, pk: int, *, as_of: datetime.date) -> Action:
    """One visible action with everything its page shows; Action.DoesNotExist otherwise.

    The read model's row (ActionQuerySet.rows), with what only this page shows asked
    directly of the one action: for a single row, the rows' prefetches (a window function
    for the latest update) cost more to write out than these plain queries."""
    visible = Action.objects.visible_to(user)
    action = (
        visible.rows(as_of)
        .select_related("carries_forward__agreement", "origin_meeting__body")
        .prefetch_related(None)
        .prefetch_related(leads_in_order())
        .get(pk=pk)
    )
    # The latest update rows() found (latest_update_id), fetched with its author by id.
    action.latest_update_list = list(
        ProgressUpdate.objects.select_related("author__person").filter(pk=action.latest_update_id)
    )
    action.moves = list(
        DueDateMove.objects.filter(action=action)
        .select_related("recorded_by__person")
        .order_by("agreed_on", "pk")
    )
    # The actions it carries forward and is carried forward by are linked only if the user
    # may see them: asked of the visibility rule once, for all of them.
    previous = action.carries_forward
    later = list(Action.objects.filter(carries_forward=action).select_related("agreement"))
    related = [a.pk for a in later] + ([previous.pk] if previous is not None else [])
    seen = set(visible.filter(pk__in=related).values_list("pk", flat=True)) if related else set()
    action.visible_carries_forward = (
        previous if previous is not None and previous.pk in seen else None
    )
    action.visible_carried_forward_by = [a for a in later if a.pk in seen]
    action.user_can_update = may_update_row(user, action)
    return action


def latest_update(action) -> ProgressUpdate | None:
    """The most recently recorded progress update: the one someone else may just have saved."""
    update = action.updates.select_related("author__person").order_by("-recorded_at", "-pk").first()
    if update is not None:
        update.author_name = user_display_name(update.author)
    return update


# ------------------------------------------------------------------------------------------
# The timeline: progress updates and every recorded change, newest first.
# ------------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class TimelineEntry:
    kind: str  # "update", "change", "created", "lead_added", "lead_removed"
    recorded_at: datetime.datetime
    who: str
    title: str
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    update: ProgressUpdate | None = None
    sort_key: tuple = ()


def action_timeline(action, user) -> list[TimelineEntry]:
    """Progress updates plus the action's and its leads' history, newest recorded first, as
    `user` may read them: a related action or meeting they may not see is not named.

    Ordered by when each thing was recorded (the system's clock): that is the only clock that
    the updates and the history share. An update also says which day it is about.
    """
    entries = [_update_entry(update, user) for update in _updates(action)]
    entries += _action_history_entries(action, user)
    entries += _lead_history_entries(action)
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries


def _updates(action):
    return action.updates.select_related("author__person", "meeting__body__partnership").order_by(
        "recorded_at", "pk"
    )


def _update_entry(update, user) -> TimelineEntry:
    update.author_name = user_display_name(update.author)
    # The meeting that received it is named only if the user may see that body's meetings.
    meeting = update.meeting
    if meeting is None:
        update.meeting_label = ""
    elif can_view_body_data(user, meeting.body):
        update.meeting_label = str(meeting)
    else:
        update.meeting_label = HIDDEN_ITEM_LABEL
    return TimelineEntry(
        kind="update",
        recorded_at=update.recorded_at,
        who=update.author_name,
        title=f"Progress update: {update.get_status_display()}",
        update=update,
        sort_key=(update.recorded_at, 1, update.pk),
    )


def _action_history_entries(action, user) -> list[TimelineEntry]:
    records = list(
        history_rows(Action)
        .filter(id=action.pk)
        .select_related("history_user__person")
        .order_by("history_date", "history_id")
    )
    fields = [
        f
        for f in Action._meta.get_fields()
        if getattr(f, "concrete", False)
        and f.editable
        and not f.primary_key
        and f.name not in TIMELINE_IGNORED_FIELDS
    ]
    labels = _foreign_key_labels(records, fields, user)
    entries = []
    previous = None
    for record in records:
        common = {
            "recorded_at": record.history_date,
            "who": user_display_name(record.history_user),
            "reason": record.history_change_reason or "",
            "sort_key": (record.history_date, 2, record.history_id),
        }
        if record.history_type == "+" or previous is None:
            entries.append(TimelineEntry(kind="created", title="Added to the plan", **common))
        elif record.history_type == "-":
            entries.append(TimelineEntry(kind="change", title="Deleted", **common))
        else:
            changes = [
                FieldChange(
                    label=_field_label(f),
                    before=_display(f, getattr(previous, f.attname), labels),
                    after=_display(f, getattr(record, f.attname), labels),
                )
                for f in fields
                if getattr(previous, f.attname) != getattr(record, f.attname)
            ]
            # A save that changed only ignored fields (the version) says nothing to a reader;
            # nor does the status a progress update set: the update is on the timeline itself.
            if changes and not _is_update_echo(previous, record, fields):
                title = "Changed: " + ", ".join(c.label.lower() for c in changes)
                entries.append(TimelineEntry(kind="change", title=title, changes=changes, **common))
        previous = record
    return entries


def _lead_history_entries(action) -> list[TimelineEntry]:
    records = (
        history_rows(ActionLead)
        .filter(action_id=action.pk)
        .select_related("history_user__person", "organisation", "body")
        .order_by("history_date", "history_id")
    )
    entries = []
    last_party: dict[int, str] = {}
    for record in records:
        party = str(record.organisation or record.body or "a lead no longer recorded")
        common = {
            "recorded_at": record.history_date,
            "who": user_display_name(record.history_user),
            "reason": record.history_change_reason or "",
            "sort_key": (record.history_date, 0, record.history_id),
        }
        if record.history_type == "+":
            entries.append(TimelineEntry(kind="lead_added", title=f"Lead added: {party}", **common))
        elif record.history_type == "-":
            entries.append(
                TimelineEntry(kind="lead_removed", title=f"Lead removed: {party}", **common)
            )
        elif last_party.get(record.id) != party:
            entries.append(
                TimelineEntry(
                    kind="change",
                    title="Lead changed",
                    changes=[FieldChange("Lead", last_party.get(record.id, ""), party)],
                    **common,
                )
            )
        last_party[record.id] = party
    return entries


def _is_update_echo(previous, record, fields) -> bool:
    """The history row that progress_update_create writes: only the status and version
    changed (nothing else writes the status). Any other change in the same save is shown."""
    changed = {
        f.name
        for f in [*fields, Action._meta.get_field("version")]
        if getattr(previous, f.attname) != getattr(record, f.attname)
    }
    return changed <= FIELDS_SET_BY_PROGRESS_UPDATE


def _foreign_key_labels(records, fields, user) -> dict:
    """Names of every related object mentioned in the history: one query per related model.

    An action or a meeting the user may not see (a restricted body's) is not named: its
    text or title would tell them what the restricted body is doing.
    """
    labels = {}
    # Each built only when the history names one: most actions' history names no other
    # action, and that loader writes out the visibility rule.
    loaders = {
        Theme: lambda: Theme.objects.select_related("parent"),
        Action: lambda: Action.objects.select_related("agreement").annotate(
            user_may_see=Exists(Action.objects.visible_to(user).filter(pk=OuterRef("pk")))
        ),
        Meeting: lambda: Meeting.objects.select_related("body__partnership"),
    }
    for f in fields:
        if not f.is_relation:
            continue
        ids = {getattr(r, f.attname) for r in records} - {None}
        if not ids:
            continue
        model = f.related_model
        queryset = loaders[model]() if model in loaders else model._default_manager.all()
        found = queryset.order_by().in_bulk(ids)  # a dict: the model's ordering sorts nothing
        for pk in ids:
            if pk not in found:
                labels[(f.name, pk)] = f"(deleted, #{pk})"
            elif _user_may_see(user, found[pk]):
                labels[(f.name, pk)] = str(found[pk])
            else:
                labels[(f.name, pk)] = HIDDEN_ITEM_LABEL
    return labels


def _user_may_see(user, obj) -> bool:
    if isinstance(obj, Action):
        return obj.user_may_see
    if isinstance(obj, Meeting):
        return can_view_body_data(user, obj.body)
    return True


def _field_label(f) -> str:
    name = str(f.verbose_name)
    return name[:1].upper() + name[1:]


def _display(f, value, labels) -> str:
    if value in (None, ""):
        return "(empty)"
    if f.is_relation:
        return labels.get((f.name, value), str(value))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    return str(value)
