"""The recorded history of an agreement: what the system held at a moment, and what changed.

These read django-simple-history's tables by their recording time ("what the system showed on
a date"), not by the dates the facts are about. Each selector runs a fixed number of queries:
the latest row per object up to a moment comes from one correlated subquery that the composite
(id, history_date) index serves, never from one query per object.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from actions.models import Action, ActionLead
from csa.models import Agreement, Section

HistoricalAgreement = Agreement.history.model
HistoricalSection = Section.history.model
HistoricalAction = Action.history.model
HistoricalActionLead = ActionLead.history.model


# The years a moment may name: the tracker's records start after 2000, and datetimes near the
# ends of Python's range overflow when moved between time zones (a 500, not an answer).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class MomentOutOfRange(ValueError):
    """A real date or time, but outside FIRST_YEAR..LAST_YEAR."""


def parse_moment(value: str) -> datetime.datetime | None:
    """ "2019-03-31" is the end of that day (the plan as it stood that day, after its changes);
    "2019-03-31T18:00" is that minute, in the site's time zone. None when it is not a date;
    MomentOutOfRange when it is one, but outside FIRST_YEAR..LAST_YEAR."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if "T" in value or " " in value:
            moment = datetime.datetime.fromisoformat(value.replace(" ", "T"))
            if moment.tzinfo is None:
                moment = timezone.make_aware(moment)
        else:
            day = datetime.date.fromisoformat(value)
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
        # Moving it to UTC (as the database will) is where 0001-01-01T00:00+05:00 overflows.
        utc_year = moment.astimezone(datetime.UTC).year
        local_year = timezone.localtime(moment).year
    except OverflowError:
        raise MomentOutOfRange(value) from None
    except ValueError:
        return None
    if not all(FIRST_YEAR <= year <= LAST_YEAR for year in (moment.year, utc_year, local_year)):
        raise MomentOutOfRange(value)
    return moment


def _latest_rows(historical_model, moment, **filters):
    """The latest history row of each object recorded at or before `moment`, deletions out."""
    latest = (
        historical_model.objects.filter(id=OuterRef("id"), history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        historical_model.objects.filter(history_date__lte=moment, **filters)
        .filter(history_id=Subquery(latest))
        .exclude(history_type="-")
    )


def first_recorded(agreement: Agreement) -> datetime.datetime | None:
    """When the system first recorded anything of this agreement."""
    return HistoricalAgreement.objects.filter(id=agreement.pk).aggregate(first=Min("history_date"))[
        "first"
    ]


@dataclass
class ActionThen:
    """An action as the history recorded it at a moment, with its leads of that moment."""

    record: object  # a HistoricalAction row
    leads: list = field(default_factory=list)  # HistoricalActionLead rows, in order

    @property
    def pk(self):
        return self.record.id

    @property
    def leads_text(self) -> str:
        return " / ".join(_party(lead).short_name for lead in self.leads)


@dataclass
class AgreementThen:
    moment: datetime.datetime
    agreement: object | None  # the HistoricalAgreement row, None if not recorded yet
    sections: list = field(default_factory=list)
    actions: list[ActionThen] = field(default_factory=list)
    first_recorded: datetime.datetime | None = None

    @property
    def before_records(self) -> bool:
        return self.agreement is None


def _party(lead):
    return lead.organisation if lead.organisation_id else lead.body


def agreement_as_of(agreement: Agreement, moment, *, hidden_action_ids=()) -> AgreementThen:
    """The agreement, its sections, actions and leads as recorded at `moment`. Five queries."""
    then = AgreementThen(moment=moment, agreement=None, first_recorded=first_recorded(agreement))
    then.agreement = _latest_rows(HistoricalAgreement, moment, id=agreement.pk).first()
    if then.agreement is None:
        return then
    then.sections = list(
        _latest_rows(HistoricalSection, moment, agreement_id=agreement.pk)
        .select_related("theme__parent")
        .order_by("position")
    )
    records = list(
        _latest_rows(HistoricalAction, moment, agreement_id=agreement.pk)
        .exclude(id__in=list(hidden_action_ids))
        .select_related("theme__parent")
        .order_by("position", "reference")
    )
    leads = leads_as_of([r.id for r in records], moment)
    then.actions = [ActionThen(record=r, leads=leads.get(r.id, [])) for r in records]
    return then


def leads_as_of(action_ids, moment) -> dict[int, list]:
    """The leads of each action as recorded at `moment`, from ActionLead's own history."""
    rows = (
        _latest_rows(HistoricalActionLead, moment, action_id__in=list(action_ids))
        .select_related("organisation", "body")
        .order_by("action_id", "position")
    )
    by_action: dict[int, list] = {}
    for row in rows:
        by_action.setdefault(row.action_id, []).append(row)
    return by_action


def action_as_of(action: Action, moment) -> ActionThen | None:
    record = (
        _latest_rows(HistoricalAction, moment, id=action.pk)
        .select_related("theme__parent", "agreement")
        .first()
    )
    if record is None:
        return None
    return ActionThen(record=record, leads=leads_as_of([action.pk], moment).get(action.pk, []))


def action_records(action: Action, until):
    """Every recorded change of one action up to `until`, newest first, with who made it."""
    return list(
        HistoricalAction.objects.filter(id=action.pk, history_date__lte=until)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


# ---------------------------------------------------------------------------------------------
# What changed between two moments: every recorded change, with who, when, what and why.
# ---------------------------------------------------------------------------------------------

# Fields that are bookkeeping rather than something a reader of the plan would call a change.
IGNORED_FIELDS = {"version", "position"}


@dataclass
class RecordedChange:
    when: datetime.datetime
    who: object  # a user or None (a command, a load)
    why: str
    kind: str  # "Created", "Changed", "Deleted"
    what: str  # "Action A4", "Section 6", "Lead of A4", "Agreement"
    changes: list = field(default_factory=list)  # (field label, old, new), as shown
    raw: list = field(default_factory=list)  # (label, old, new, related model or None)


def changes_between(agreement: Agreement, start, end, *, hidden_action_ids=()) -> list:
    """The recorded changes to an agreement, its sections, actions and leads in (start, end].

    Each change is compared with the row before it, which for the first change in the window
    is the row current at `start`: two queries per table however many changes there are.
    """
    hidden = set(hidden_action_ids)
    action_refs = {}
    tables = [
        (HistoricalAgreement, {"id": agreement.pk}, lambda r: "The agreement"),
        (
            HistoricalSection,
            {"agreement_id": agreement.pk},
            lambda r: f"Section {r.number or r.position}: {r.heading}",
        ),
        (HistoricalAction, {"agreement_id": agreement.pk}, lambda r: f"Action {r.reference}"),
    ]
    result = []
    for model, filters, describe in tables:
        rows = _rows_in_window(model, start, end, filters)
        if model is HistoricalAction:
            rows = [r for r in rows if r.id not in hidden]
            action_refs.update({r.id: r.reference for r in rows})
        result.extend(_describe_rows(model, rows, start, describe))
    # Leads are named by their action; an action unchanged in the window still needs its name.
    # By the agreement's actions in the history, so that a deleted action's leads count too.
    ever_here = HistoricalAction.objects.filter(agreement_id=agreement.pk).values("id")
    lead_rows = [
        r
        for r in _rows_in_window(HistoricalActionLead, start, end, {"action_id__in": ever_here})
        if r.action_id not in hidden
    ]
    missing = {r.action_id for r in lead_rows} - set(action_refs)
    if missing:
        # The latest recorded reference of each, which a deleted action still has.
        for pk, reference in (
            HistoricalAction.objects.filter(id__in=missing)
            .order_by("id", "history_date", "history_id")
            .values_list("id", "reference")
        ):
            action_refs[pk] = reference
    result.extend(
        _describe_rows(
            HistoricalActionLead,
            lead_rows,
            start,
            lambda r: f"Lead of action {action_refs.get(r.action_id, '?')}: {_party(r)}",
        )
    )
    _name_related(result)
    result.sort(key=lambda c: c.when)
    return result


def _name_related(changes: list) -> None:
    """Replace the ids of changed foreign keys (a theme, a meeting) by what they name: one query
    per kind of related object, however many changes there are."""
    wanted: dict = {}
    for change in changes:
        for _, old, new, related in change.raw:
            if related is not None:
                wanted.setdefault(related, set()).update(v for v in (old, new) if v is not None)
    names = {}
    for related, ids in wanted.items():
        # Their names may use their own foreign keys (a theme's parent): joined, not fetched.
        joins = [f.name for f in related._meta.concrete_fields if f.is_relation]
        found = related._base_manager.filter(pk__in=ids).select_related(*joins)
        names[related] = {obj.pk: str(obj) for obj in found}
    for change in changes:
        change.changes = [
            (
                label,
                _named(names.get(related), old),
                _named(names.get(related), new),
            )
            for label, old, new, related in change.raw
        ]


def _named(names, value):
    if names is None or value is None:
        return value
    return names.get(value, f"(deleted, id {value})")


def _rows_in_window(model, start, end, filters):
    related = ["history_user"]
    if model is HistoricalActionLead:
        related += ["organisation", "body"]
    return list(
        model.objects.filter(history_date__gt=start, history_date__lte=end, **filters)
        .select_related(*related)
        .order_by("history_date", "history_id")
    )


def _describe_rows(model, rows, start, describe) -> list[RecordedChange]:
    if not rows:
        return []
    previous_rows = _latest_rows(model, start, id__in={r.id for r in rows})
    if model is HistoricalActionLead:
        previous_rows = previous_rows.select_related("organisation", "body")
    before = {r.id: r for r in previous_rows}
    kinds = dict(model._meta.get_field("history_type").choices)
    changes = []
    for row in rows:
        previous = before.get(row.id)
        entry = RecordedChange(
            when=row.history_date,
            who=row.history_user,
            why=row.history_change_reason or "",
            kind=kinds.get(row.history_type, row.history_type),
            what=describe(row),
        )
        if row.history_type == "~" and previous is not None:
            # Tags (an action's or a theme's obligations) are kept in the history's own rows,
            # not diffed here: each would cost queries per row, and they are not columns.
            delta = row.diff_against(
                previous, excluded_fields={"obligations"}, foreign_keys_are_objs=False
            )
            for change in delta.changes:
                if change.field in IGNORED_FIELDS:
                    continue
                model_field = model._meta.get_field(change.field)
                label = str(model_field.verbose_name).capitalize()
                old, new, related = change.old, change.new, None
                if model_field.is_relation:
                    related = model_field.related_model  # named later, all in one query
                elif model_field.choices:
                    shown = dict(model_field.flatchoices)
                    old, new = shown.get(old, old), shown.get(new, new)
                entry.raw.append((label, old, new, related))
            if not entry.raw:
                continue
        changes.append(entry)
        before[row.id] = row
    return changes
