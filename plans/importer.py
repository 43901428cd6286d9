"""Load a year's agreement from a fixture file, checking everything before anything is kept.

The file is a Django fixture with natural keys (so `manage.py loaddata` reads it too): a JSON
list of {"model": "app.model", "fields": {...}} records that name other records by their
natural keys ("WCC PH", ["SCB", "2017-04-01", "A3"]) rather than by primary key.

Unlike loaddata, this loader:
- names the record and the field of every problem, and writes nothing when there is one;
- writes a history row for every record it creates or changes, marked history_source="file"
  (governance.history) and with the reason "loaded from 2018-19.json" for people to read
  and none for records that are already as the file says, so loading twice changes nothing;
- derives an action's due date from its timescale when the file does not give one.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import F
from django.utils import timezone

from actions.editing.services import reason_required
from actions.models import Action, ActionLead, Status
from actions.services import (
    LeadsChange,
    action_create,
    action_leads_set,
    apply_timescale,
    progress_update_create,
)
from actions.timescales import parse_timescale
from csa.models import Agreement, Obligation
from governance.history import FROM_A_FILE, save_recorded
from governance.models import Body, Chair, Membership, Organisation, Person
from governance.services import (
    chair_period_check,
    check_reporting_line,
    meeting_check,
    partnership_lines,
)
from governance.text import remove_control_characters

from .rules import plan_problems

# The models a year's file may hold, in an order where each only names those before it.
LOADABLE_MODELS = [
    "governance.organisation",
    "governance.person",
    "governance.body",
    "governance.reportingline",
    "governance.chair",
    "governance.membership",
    "governance.meeting",
    "csa.obligation",
    "csa.theme",
    "csa.agreement",
    "csa.section",
    "actions.action",
    "actions.actionlead",
]

# The fields that make up each model's natural key, to find the same record twice in a file.
NATURAL_KEY_FIELDS = {
    "governance.organisation": ["short_name"],
    "governance.person": ["name"],
    "governance.body": ["short_name"],
    "governance.reportingline": ["from_body", "to_body"],
    "governance.chair": ["body", "person", "start"],
    "governance.membership": ["person", "body"],
    "governance.meeting": ["body", "date", "title"],
    "csa.obligation": ["board", "name"],
    "csa.theme": ["board", "key"],
    "csa.agreement": ["board", "period_start"],
    "csa.section": ["agreement", "position"],
    "actions.action": ["agreement", "reference"],
    "actions.actionlead": ["action", "position"],
}

MAX_REPORTED_PROBLEMS = 50
# A year's agreement is a few hundred kilobytes (Worcestershire's 2017-18 file is about 60 kB):
# anything far larger is a mistake, or an attempt to fill the database, and is refused unread.
MAX_FILE_BYTES = 5 * 1024 * 1024
# The longest text one field may hold (a narrative section is a few thousand characters).
MAX_TEXT_LENGTH = 100_000


# Organisations and people may serve several partnerships (a police force, probation): a
# file may name them, and change one only when no other partnership uses it. Everything else
# belongs to one partnership, the board at its head.
SHARED_MODELS = {"governance.organisation", "governance.person"}

# An action's status and write counter are the tracker's, set by progress updates.
TRACKER_OWNED_ACTION_FIELDS = {"status", "version", "loaded_version"}
# Set by the tracker, never by a file (a status a file gives becomes a progress update).
NOT_IN_FILES = {
    "actions.action": {"version", "loaded_version"},
    "governance.body": {"slug"},  # made from the short name when the body is created
}
# What a record may hold besides its fields: nothing else is silently ignored.
RECORD_KEYS = {"model", "fields"}


def file_fields(label) -> list:
    """The fields a record of the model may give, in the model's order: its own columns, and
    many-to-manys that have no model of their own (Body.reports_to is ReportingLine's, which
    has its own records and checks). Never the id: records are named by natural keys."""
    return [
        f
        for f in apps.get_model(label)._meta.get_fields()
        if not f.auto_created
        and (f.concrete or (f.many_to_many and f.remote_field.through._meta.auto_created))
        and f.name not in NOT_IN_FILES.get(label, ())
    ]


class AgreementFileError(Exception):
    """The file was refused. `problems` lists every problem found, each naming its place."""

    def __init__(self, path, problems):
        self.path = path
        self.problems = problems
        listed = "\n".join(f"  - {p}" for p in problems[:MAX_REPORTED_PROBLEMS])
        more = len(problems) - MAX_REPORTED_PROBLEMS
        if more > 0:
            listed += f"\n  - ... and {more} more"
        super().__init__(f"{path}: nothing was loaded, because:\n{listed}")


@dataclass
class FieldChange:
    """One field a load changes: what it says now and what the file would make it."""

    name: str
    before: str
    after: str


@dataclass
class RecordOutcome:
    """What a load does to one record of the file: created, changed, unchanged or kept
    (not applied: people changed it in the tracker), with the fields a change changes."""

    number: int
    model: str
    key: str
    outcome: str
    changes: list[FieldChange] = field(default_factory=list)
    why: str = ""  # why a record is not applied

    @property
    def model_name(self) -> str:
        return apps.get_model(self.model)._meta.verbose_name


@dataclass
class LeadChange:
    """One lead of one action, and what the load does to it: added, kept, removed, or not
    applied (people changed the action's leads in the tracker since the last load)."""

    action: str  # the action's reference
    lead: str  # the organisation's or body's short name
    change: str
    why: str = ""

    @property
    def slug(self) -> str:
        return self.change.replace(" ", "-")


@dataclass
class LoadReport:
    path: str
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    kept: int = 0
    removed: int = 0
    by_model: dict = field(default_factory=dict)
    # One line per record the file would change but people changed in the tracker since.
    not_applied: list = field(default_factory=list)
    # Every record of the file, in order, with what the load does to it (for the preview).
    records: list[RecordOutcome] = field(default_factory=list)
    # The partnership the file is for (its board's short name) and the agreements it names.
    board: str | None = None
    agreement_ids: list[int] = field(default_factory=list)
    # Every lead of every action whose leads the file names, with what the load does to it.
    lead_changes: list[LeadChange] = field(default_factory=list)

    def outcomes(self, outcome: str) -> list[RecordOutcome]:
        return [record for record in self.records if record.outcome == outcome]

    @property
    def total(self):
        return self.created + self.changed + self.unchanged + self.kept

    def summary(self) -> str:
        return (
            f"{self.path}: {self.total} records, {self.created} created, {self.changed} changed, "
            f"{self.unchanged} already up to date, {self.removed} removed"
            + (f", {self.kept} not applied (changed in the tracker since)" if self.kept else "")
        )


def load_agreement_file(path, *, dry_run: bool = False, user=None, boards=None) -> LoadReport:
    """Check and load one file in one transaction. Raises AgreementFileError, writing nothing.

    `boards`, when given, are the short names of the partnerships' boards the file may be for
    (a coordinator's own); a file for any other is refused."""
    path = Path(path)
    return load_agreement_data(
        _read_bytes(path), name=path.name, path=path, dry_run=dry_run, user=user, boards=boards
    )


def load_agreement_data(
    data: bytes, *, name: str, path=None, dry_run: bool = False, user=None, boards=None
) -> LoadReport:
    """load_agreement_file for a file's bytes (an upload): `name` is the file's name."""
    path = Path(path) if path is not None else Path(Path(name).name or "upload.json")
    if len(data) > MAX_FILE_BYTES:
        raise AgreementFileError(path, [too_big(len(data))])
    records = _parse_records(data, path)
    reason = f"loaded from {path.name}"
    loader = _Loader(path=path, reason=reason, user=user, boards=boards)
    with transaction.atomic():
        loader.load(records)
        if loader.problems:
            transaction.set_rollback(True)
            raise AgreementFileError(path, loader.problems)
        if dry_run:
            transaction.set_rollback(True)
    return loader.report


def too_big(size: int) -> str:
    return (
        f"the file is {size / 1024 / 1024:.1f} MB, larger than the limit of "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB for a year's agreement"
    )


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise AgreementFileError(path, [too_big(size)])
        return path.read_bytes()
    except FileNotFoundError:
        raise AgreementFileError(path, ["the file does not exist"]) from None
    except OSError as error:
        raise AgreementFileError(path, [f"the file cannot be read: {error}"]) from None


def _parse_records(data: bytes, path: Path) -> list[dict]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise AgreementFileError(path, [f"the file cannot be read: {error}"]) from None
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise AgreementFileError(
            path, [f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"]
        ) from None
    except RecursionError:
        raise AgreementFileError(
            path, ["the JSON is nested too deeply to be a year's file: a list of records"]
        ) from None
    if not isinstance(records, list):
        raise AgreementFileError(path, ["the file must hold a JSON list of records"])
    problems = []
    seen = {}
    for number, record in enumerate(records, 1):
        where = f"record {number}"
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            problems.append(f'{where}: must be an object with "model" and "fields"')
            continue
        label = str(record.get("model", ""))
        if label not in LOADABLE_MODELS:
            problems.append(
                f'{where}: unknown model "{record.get("model")}"; expected one of '
                + ", ".join(LOADABLE_MODELS)
            )
            continue
        if "pk" in record:
            problems.append(f'{where} ({label}): remove "pk": records are named by natural keys')
        for other in sorted(set(record) - RECORD_KEYS - {"pk"}):
            problems.append(
                f'{where} ({label}): "{other}" is not part of a record: a record holds only '
                '"model" and "fields"'
            )
        key = _natural_key_of(label, record["fields"])
        if None in key:
            missing = [f for f, v in zip(NATURAL_KEY_FIELDS[label], key, strict=True) if v is None]
            problems.append(f"{where} ({label}): field '{missing[0]}' is required")
        elif (label, key) in seen:
            problems.append(
                f"{where} ({label} {_show(key)}): duplicate of record {seen[(label, key)]}"
            )
        else:
            seen[(label, key)] = number
    if problems:
        raise AgreementFileError(path, problems)
    return records


def _natural_key_of(label, fields):
    if label == "actions.action" and fields.get("agreement") is None and fields.get("reference"):
        # An action arising outside any plan is named by its meeting's body: (body, null, ref).
        meeting = fields.get("origin_meeting")
        body = meeting[0] if isinstance(meeting, list) and meeting else None
        if body is not None:
            return (json.dumps(body), json.dumps(None), json.dumps(fields["reference"]))
    return tuple(
        json.dumps(fields.get(name)) if fields.get(name) is not None else None
        for name in NATURAL_KEY_FIELDS[label]
    )


def _show(key) -> str:
    def flat(value):
        return " ".join(map(str, value)) if isinstance(value, list) else str(value)

    return " ".join(flat(json.loads(part)) for part in key if part is not None)


class _Loader:
    def __init__(self, *, path, reason, user, boards=None):
        self.path = path
        self.reason = reason
        self.user = user
        self.boards = None if boards is None else sorted(boards)
        self.current: tuple[int, str, str] | None = None
        self.problems: list[str] = []
        self.report = LoadReport(path=str(path))
        # The leads the file gives each action, merged with the tracker's once all are read.
        self.leads_in_file: dict[int, list[_LeadInFile]] = {}
        self.created_bodies: set[int] = set()
        self.created_actions: set[int] = set()
        # Agreements this load creates as adopted or superseded, checked once their actions
        # and leads are in: (agreement, where).
        self.created_plans: list[tuple[Agreement, str]] = []
        self.file_agreement_start = None
        # The partnership this file is for: the board the first record that names one names.
        self.board_name = None
        self.board_record = ""
        self.history_date = None

    def load(self, records):
        agreements = [r["fields"] for r in records if r["model"].lower() == "csa.agreement"]
        starts = [f.get("period_start") for f in agreements]
        self.file_agreement_start = min(starts) if starts else None
        self.history_date = _document_moment(agreements)
        self.board_name, self.board_record = _file_board(records)
        self.report.board = self.board_name
        if self.boards is not None and self.board_name not in self.boards:
            self.problems.append(self._not_yours())
            return
        for number, record in enumerate(records, 1):
            label = record["model"].lower()
            model = apps.get_model(label)
            key = _show(_natural_key_of(label, record["fields"]))
            where = f"record {number} ({label} {key})"
            self.current = (number, label, key)
            try:
                with transaction.atomic():
                    self._load_one(model, label, record["fields"], where)
            except ValidationError as error:
                self.problems.extend(_describe(where, error))
        if not self.problems:
            self._merge_leads()
        if not self.problems:
            self._check_created_plans()

    def _not_yours(self) -> str:
        yours = ", ".join(self.boards) if self.boards else "none"
        if self.board_name is None:
            return (
                "the file names no partnership (no body, theme, agreement or action of one): "
                f"you may load files only for your own partnership ({yours})"
            )
        return (
            f"{self.board_record}: this file is for the {self.board_name}'s partnership, but you "
            f"may load files only for your own partnership ({yours})"
        )

    def _load_one(self, model, label, fields, where):
        fields = _without_control_characters(fields)
        if label == "governance.person" and fields.pop("user", None) is not None:
            raise ValidationError({"user": "a file never links sign-in accounts: leave 'user' out"})
        self._check_fields(model, fields)
        self._check_key_text(label, fields)
        if label == "actions.action":
            self._check_action(fields)
        try:
            (deserialized,) = serializers.deserialize(
                "json", json.dumps([{"model": label, "fields": fields}])
            )
        except DeserializationError as error:
            raise ValidationError(str(error.__cause__ or error)) from None
        obj = deserialized.object
        existing = model._default_manager.filter(pk=obj.pk).first() if obj.pk else None
        if label == "actions.actionlead":
            self._check_scope(label, obj, None, where)
            self._read_lead(obj, where)
            return
        named = _named_fields(model, fields)
        if label == "actions.actionlead" and named & {"organisation_id", "body_id"}:
            named |= {"organisation_id", "body_id"}  # a lead is one party: naming one names it
        status_in_file = None
        if label == "actions.action":
            # The stored status is written by progress updates only (progress_update_create):
            # a status the file gives a new action becomes one, dated the start of the plan.
            status_in_file, obj.status = obj.status, Status.NOT_STARTED
            named -= TRACKER_OWNED_ACTION_FIELDS
            if (existing is None or "timescale" in fields) and "due_date" not in fields:
                apply_timescale(obj)
                named |= {"due_date", "timescale_kind"}
        if existing is not None:
            # A field the file does not name is left as it is.
            # A second copy, sharing no cached related objects with `existing`.
            merged = model._default_manager.get(pk=existing.pk)
            for name in named:
                setattr(merged, name, getattr(obj, name))
            obj = merged
        self._check_scope(label, obj, existing, where)
        if existing is not None and label == "csa.theme" and self._file_is_older_than(obj):
            # An older year's file must not rename a theme back to last year's name.
            self._count(label, "unchanged")
            return
        if existing is not None:
            self._merge_with_tracker(label, model, existing, obj, named, where)
        obj.full_clean()
        self._check_rules(label, obj, existing, fields)
        if existing is not None and label in SHARED_MODELS:
            self._check_shared(label, existing, obj, named)
        if existing is not None and _same_values(existing, obj, named):
            self._count(label, "unchanged")
        else:
            changes = _field_changes(existing, obj, named) if existing is not None else []
            moment = self._moment_for(label, obj) if existing is None else None
            if label == "actions.action" and existing is None:
                action_create(
                    action=obj,
                    reason=self.reason,
                    user=self.user,
                    source=FROM_A_FILE,
                    history_date=moment,
                )
                self.created_actions.add(obj.pk)
            else:
                save_recorded(
                    obj, reason=self.reason, user=self.user, source=FROM_A_FILE, date=moment
                )
            self._count(label, "changed" if existing is not None else "created", changes)
            if label == "csa.agreement":
                self.report.agreement_ids.append(obj.pk)
                if existing is None and obj.status != Agreement.Status.DRAFT:
                    self.created_plans.append((obj, where))
            if label == "governance.body" and existing is None:
                self.created_bodies.add(obj.pk)
            if label == "actions.action" and existing is None:
                self._record_status_as_given(obj, status_in_file)
            if label == "actions.action":
                # The version this load left (Action.changed_since_loaded).
                Action.objects.filter(pk=obj.pk).update(loaded_version=F("version"))
        if deserialized.m2m_data:
            for name, values in deserialized.m2m_data.items():
                if name == "obligations":  # an action's or a theme's: its partnership's own
                    _check_obligations(obj, values)
                getattr(obj, name).set(values)

    # --- Merging with what people did in the tracker -----------------------------------------

    def _merge_with_tracker(self, label, model, existing, obj, named, where):
        """Three ways: what the last load wrote, what is there now, what the file says.

        A field people changed since the last load keeps their value when the file says what
        the last load said (the file did not change) and is reported, not applied, when the
        file says something else too. A field people did not touch takes the file's value.
        """
        loaded = _as_last_loaded(model, existing.pk)
        conflicts = []
        for name in sorted(named):
            now, wanted = getattr(existing, name), getattr(obj, name)
            then = getattr(loaded, name, None) if loaded is not None else now
            if now in (then, wanted):
                continue
            setattr(obj, name, now)
            if wanted != then:
                conflicts.append(name)
        if conflicts:
            fields = ", ".join(f"'{name}'" for name in conflicts)
            self._not_applied(
                label,
                where,
                f"field {fields}: changed in the tracker since it was loaded; "
                "the tracker's value is kept",
            )

    def _moment_for(self, label, obj):
        """The history of a record a load creates starts when the document says, so that the
        year can be seen as it stood; an action arising starts at its meeting."""
        if label == "governance.meeting":
            return _start_of(obj.date)
        if label == "actions.action" and obj.origin_meeting_id:
            return _start_of(obj.origin_meeting.date)
        if label == "actions.actionlead" and obj.action.origin_meeting_id:
            return _start_of(obj.action.origin_meeting.date)
        return self.history_date

    def _not_applied(self, label, where, why):
        self.report.not_applied.append(f"{where}: not applied: {why}")
        self._count(label, "kept", why=why)

    # --- Checks --------------------------------------------------------------------------------

    def _check_key_text(self, label, fields):
        for name in NATURAL_KEY_FIELDS[label]:
            value = fields.get(name)
            if isinstance(value, str) and value != value.strip():
                raise ValidationError(
                    {name: f"write it without spaces around it: {value!r} is not {value.strip()!r}"}
                )

    def _check_scope(self, label, obj, existing, where):
        """A file may create and change only its own partnership's records."""
        if label in SHARED_MODELS:
            return
        owners = [_board_name_of(label, obj)]
        if existing is not None:
            owners.append(_board_name_of(label, existing))
        for owner in owners:
            if owner != self.board_name:
                raise ValidationError(
                    f"this belongs to the {owner}'s partnership, but this file is for the "
                    f"{self.board_name}'s ({self.board_record}): a file may create and change "
                    "only its own partnership's records"
                )

    def _check_shared(self, label, existing, obj, named):
        """Organisations and people may serve several partnerships: a file may name them,
        but change one only when no other partnership uses it."""
        if _same_values(existing, obj, named):
            return
        others = sorted(name for name in _boards_using(label, existing) if name != self.board_name)
        if others:
            raise ValidationError(
                f"{existing} is shared with the {', '.join(others)} partnership(s): a file may "
                "refer to it but not change it"
            )

    def _check_rules(self, label, obj, existing, fields):
        """The rules the pages apply, through the same services, and what a file may not do
        at all (each message says where it is done instead)."""
        if existing is None:
            if label == "governance.membership":
                body = obj.body
                if body.restricted and body.pk not in self.created_bodies:
                    raise ValidationError({"body": restricted_members_message(body)})
        elif label == "governance.body" and obj.restricted != existing.restricted:
            raise ValidationError({"restricted": RESTRICTION_MESSAGE})
        elif label == "csa.agreement" and obj.status != existing.status:
            raise ValidationError({"status": STATUS_MESSAGE})
        elif (
            label == "actions.action"
            and obj.due_date != existing.due_date
            and reason_required(existing)
        ):
            name = "due_date" if "due_date" in fields else "timescale"
            raise ValidationError({name: deadline_message(existing, obj.due_date)})
        if label == "governance.chair":
            chair_period_check(chair=obj)
        elif label == "governance.reportingline" and existing is None:
            from_body, to_body = obj.from_body, obj.to_body
            check_reporting_line(
                from_body=from_body,
                to_body=to_body,
                lines=partnership_lines(from_body.board, to_body.board),
            )
        elif label == "governance.meeting":
            meeting_check(
                body=obj.body,
                date=obj.date,
                title=obj.title,
                exclude_pk=existing.pk if existing else None,
            )

    def _record_status_as_given(self, action, status):
        """A file may give a status: it becomes a progress update, where statuses come from."""
        if status == Status.NOT_STARTED:
            return
        note = f"Status as given in {self.path.name}."
        progress_update_create(
            action=action,
            author=self.user,
            status=status,
            note=note,
            outcome=note if status == Status.COMPLETED else "",
            date=action.starts_on,
        )

    def _check_fields(self, model, fields):
        """Name the field of every unknown field, bad value and unknown natural key."""
        errors = {}
        allowed_fields = {f.name: f for f in file_fields(model._meta.label_lower)}
        for name, value in fields.items():
            model_field = allowed_fields.get(name)
            if model_field is None:
                errors[name] = (
                    f"'{name}' is not a field a file may give for {model._meta.label_lower}"
                )
                continue
            if isinstance(model_field, models.ForeignKey) and value is not None:
                related = model_field.related_model
                if not isinstance(value, list):
                    errors[name] = (
                        f"name the {related._meta.verbose_name} by its natural key, as a list: "
                        f"{json.dumps([value])}"
                    )
                    continue
                key = value
                try:
                    related._default_manager.get_by_natural_key(*key)
                except (ObjectDoesNotExist, TypeError, ValueError, ValidationError):
                    errors[name] = (
                        f"no {related._meta.verbose_name} {' '.join(map(str, key))!r} "
                        "(it must be in this file, before this record, or already loaded)"
                    )
            elif isinstance(model_field, models.ManyToManyField):
                problem = _check_many(model_field, value)
                if problem:
                    errors[name] = problem
            elif isinstance(value, str) and len(value) > MAX_TEXT_LENGTH:
                errors[name] = f"the text must be {MAX_TEXT_LENGTH:,} characters or fewer"
            elif isinstance(model_field, models.IntegerField) and value is not None:
                low, high = BaseDatabaseOperations.integer_field_ranges[
                    model_field.get_internal_type()
                ]
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int)
                    or not low <= value <= high
                ):
                    errors[name] = (
                        f"must be a whole number from {low:,} to {high:,} (the file says {value!r})"
                    )
            elif value is not None and not model_field.is_relation:
                try:
                    model_field.to_python(value)
                except ValidationError as error:
                    errors[name] = " ".join(error.messages) + f" (the file says {value!r})"
                    continue
                allowed = [str(choice) for choice, _ in model_field.flatchoices]
                if allowed and str(value) not in allowed:
                    errors[name] = f"{value!r} is not one of the allowed values: " + ", ".join(
                        allowed
                    )
        if errors:
            raise ValidationError(errors)

    def _check_action(self, fields):
        errors = {}
        if not fields.get("theme") and not fields.get("origin_meeting"):
            errors["theme"] = "every action of a plan needs a theme"
        if not str(fields.get("description") or "").strip():
            errors["description"] = "every action needs a description"
        if errors:
            raise ValidationError(errors)

    # --- Leads: the set of an action's leads is merged like a field ---------------------------

    def _read_lead(self, lead, where):
        """Check one lead record and keep it for the action's merge; nothing is written yet."""
        # Its position is only its place in the file's order: another lead may hold it now.
        lead.full_clean(validate_unique=False, validate_constraints=False)
        read = self.leads_in_file.setdefault(lead.action_id, [])
        party = lead.organisation or lead.body
        for other in read:
            if other.party == party:
                raise ValidationError(
                    {
                        "organisation" if lead.organisation_id else "body": (
                            f"{party.short_name} is already a lead of this action "
                            f"(record {other.number})"
                        )
                    }
                )
        number, _, key = self.current
        read.append(
            _LeadInFile(number=number, key=key, where=where, position=lead.position, party=party)
        )

    def _merge_leads(self):
        """Three ways, as for fields, over the set of each action's leads: what the last load
        gave, what the tracker has now, what the file says. Leads people changed since the last
        load stay as they left them when the file says what the last load said, and are
        reported, not applied, when the file says something else too."""
        for action_id, read in self.leads_in_file.items():
            action = Action.objects.select_related("agreement", "origin_meeting").get(pk=action_id)
            read.sort(key=lambda lead: lead.position)
            wanted = [lead.party for lead in read]
            now = [lead.party for lead in action.leads.select_related("organisation", "body")]
            then = _loaded_leads(action_id)
            if _keys(now) == _keys(wanted):
                self._leads_outcome(action, read, "unchanged", LeadsChange(kept=_names(now)))
            elif then is None or _keys(now) == then:
                moment = self._moment_for("actions.action", action)
                change = action_leads_set(
                    action=action,
                    parties=wanted,
                    reason=self.reason,
                    user=self.user,
                    source=FROM_A_FILE,
                    history_date=moment if action_id in self.created_actions else None,
                )
                self.report.removed += len(change.removed)
                self._leads_outcome(action, read, "created", change)
            elif _keys(wanted) == then:
                # The file says what the last load said: the tracker's leads stand.
                self._leads_outcome(action, read, "unchanged", LeadsChange(kept=_names(now)))
            else:
                why = (
                    f"the leads of {action.reference} were changed in the tracker since the "
                    f"file was last loaded (now {', '.join(_names(now)) or 'none'}; the file "
                    f"says {', '.join(_names(wanted))}); the tracker's leads are kept"
                )
                self.report.not_applied.append(f"{read[0].where}: not applied: {why}")
                for lead in read:
                    self.current = (lead.number, "actions.actionlead", lead.key)
                    self._count("actions.actionlead", "kept", why=why)
                self.report.lead_changes.extend(
                    LeadChange(action.reference, name, "not applied", why)
                    for name in _names(wanted)
                )
                self.report.lead_changes.extend(
                    LeadChange(action.reference, name, "kept", "changed in the tracker")
                    for name in _names(now)
                )
        self.current = None

    def _leads_outcome(self, action, read, added_outcome, change: LeadsChange):
        for lead in read:
            self.current = (lead.number, "actions.actionlead", lead.key)
            added = lead.party.short_name in change.added
            self._count("actions.actionlead", added_outcome if added else "unchanged")
        for kind in ("added", "kept", "removed"):
            self.report.lead_changes.extend(
                LeadChange(action.reference, name, kind) for name in getattr(change, kind)
            )

    def _check_created_plans(self):
        """An agreement a file creates as adopted (or superseded, a past year) meets the checks
        of adoption once its actions and leads are in."""
        for agreement, where in self.created_plans:
            for problem in plan_problems(agreement):
                self.problems.append(
                    f"{where}: field 'status': the file gives the status "
                    f"{agreement.get_status_display().lower()}, but {problem[:1].lower()}"
                    f"{problem[1:]}"
                )

    def _file_is_older_than(self, theme) -> bool:

        if self.file_agreement_start is None:
            return False
        return (
            Agreement.objects.filter(board_id=theme.board_id)
            .filter(period_start__gt=self.file_agreement_start)
            .exists()
        )

    def _count(self, label, outcome, changes=(), why=""):
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        if self.current is not None:
            number, model, key = self.current
            self.report.records.append(
                RecordOutcome(
                    number=number,
                    model=model,
                    key=key,
                    outcome=outcome,
                    changes=list(changes),
                    why=why,
                )
            )
        per_model = self.report.by_model.setdefault(label, {})
        per_model[outcome] = per_model.get(outcome, 0) + 1


@dataclass
class _LeadInFile:
    number: int
    key: str
    where: str
    position: int
    party: Organisation | Body


def _keys(parties) -> set[tuple[str, int]]:
    return {(type(p).__name__, p.pk) for p in parties}


def _names(parties) -> list[str]:
    return [p.short_name for p in parties]


def _loaded_leads(action_id) -> set[tuple[str, int]] | None:
    """The leads the last loads of files left the action, or None when no file gave it any.

    Each lead row's last history row written by a file says what a file left it: there, or
    (a "-") removed by a file. Rows people removed since still count as loaded."""
    last = {}
    rows = ActionLead.history.filter(action_id=action_id, history_source=FROM_A_FILE)
    for row in rows.order_by("history_date", "history_id"):
        last[row.id] = row
    if not last:
        return None
    return {
        ("Organisation", row.organisation_id) if row.organisation_id else ("Body", row.body_id)
        for row in last.values()
        if row.history_type != "-"
    }


def _without_control_characters(value):
    """The record's fields with control characters removed from every text, however nested:
    no one means them, and exports (XML) cannot hold them."""
    if isinstance(value, str):
        return remove_control_characters(value)
    if isinstance(value, list):
        return [_without_control_characters(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_control_characters(item) for key, item in value.items()}
    return value


RESTRICTION_MESSAGE = (
    "a year's file may not lift or set the restriction of a body that exists: an admin "
    "changes it, with the reason, on the body's page in the admin"
)
STATUS_MESSAGE = (
    "a year's file may not change the status of an agreement that exists: a draft is adopted "
    "on its page, which checks its plan first, and an adopted plan is superseded when the "
    "next year's is adopted"
)


def restricted_members_message(body) -> str:
    return (
        f"the {body.short_name} is restricted: a year's file may not add to its members; "
        "the coordinator adds them on the People page, where the change is recorded"
    )


def deadline_message(action, new_due) -> str:
    status = action.agreement.status if action.agreement_id else Agreement.Status.ADOPTED
    old = f"{action.due_date:%-d %B %Y}" if action.due_date else "none"
    new = f"{new_due:%-d %B %Y}" if new_due else "none"
    return (
        f"this moves the due date of an action of an {Agreement.Status(status).label.lower()} "
        f"plan from {old} to {new}: a year's file may not; move it on the action's page, with "
        "the reason and the day it was agreed, so that the ledger of slipped deadlines keeps it"
    )


def _same_values(existing, obj, named=None) -> bool:
    return all(
        getattr(existing, f.attname) == getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and (named is None or f.attname in named)
    )


def _field_changes(existing, obj, named) -> list[FieldChange]:
    """The named fields whose values the load changes, before and after, as people read them."""
    return [
        FieldChange(name=f.name, before=_shown(existing, f), after=_shown(obj, f))
        for f in obj._meta.concrete_fields
        if not f.primary_key
        and f.attname in named
        and getattr(existing, f.attname) != getattr(obj, f.attname)
    ]


def _shown(obj, model_field) -> str:
    value = getattr(obj, model_field.attname)
    if value is None:
        return ""
    if model_field.is_relation:
        return str(getattr(obj, model_field.name))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _named_fields(model, fields) -> set[str]:
    """The attribute names of the concrete fields a record names."""
    named = set()
    for name in fields:
        model_field = model._meta.get_field(name)
        if model_field.concrete and not model_field.many_to_many:
            named.add(model_field.attname)
    return named


def _as_last_loaded(model, pk):
    """The history row the last load wrote for this record, or None when no load wrote one."""
    rows = model.history.filter(id=pk).order_by("-history_date", "-history_id")
    return rows.filter(history_source=FROM_A_FILE).first()


def _check_many(model_field, value) -> str:
    """People (a meeting's attendees) are named by their natural keys, never by id."""
    related = model_field.related_model
    if not isinstance(value, list):
        return "must be a list"
    for item in value:
        key = item if isinstance(item, list) else None
        found = None
        if key is not None:
            try:
                found = related._default_manager.get_by_natural_key(*key)
            except (ObjectDoesNotExist, TypeError, ValueError, ValidationError):
                found = None
        if found is None:
            return (
                f"no {related._meta.verbose_name} {item!r}: name each by its natural key, "
                f'for example ["Jane Smith"] (it must be in this file or already loaded)'
            )
    return ""


def _check_obligations(obj, obligation_ids) -> None:
    """The duties and objectives a file tags an action or a theme with are its partnership's."""
    board = obj.board
    strangers = Obligation.objects.filter(pk__in=obligation_ids).exclude(board=board)
    names = [f"{o.board.short_name}'s {o.name!r}" for o in strangers.select_related("board")]
    if names:
        raise ValidationError(
            {
                "obligations": f"{', '.join(names)} is not one of the {board.short_name}'s duties "
                "or objectives: name the partnership's own (csa.obligation records)"
            }
        )


def _board_name_of(label, obj) -> str:
    """The short name of the board whose partnership the record belongs to."""
    if label == "governance.body":
        return obj.partnership.short_name if obj.partnership_id else obj.short_name
    if label == "governance.reportingline":
        return obj.from_body.board.short_name
    if label in ("governance.chair", "governance.membership", "governance.meeting"):
        return obj.body.board.short_name
    if label in ("csa.obligation", "csa.theme", "csa.agreement"):
        return obj.board.short_name
    if label == "csa.section":
        return obj.agreement.board.short_name
    if label == "actions.action":
        return obj.board.short_name
    return obj.action.board.short_name  # actions.actionlead


def _file_board(records) -> tuple[str | None, str]:
    """The board the file's first own-partnership record names, and where."""
    bodies = {}
    for number, record in enumerate(records, 1):
        label, fields = record["model"].lower(), record["fields"]
        if label in SHARED_MODELS:
            continue
        name = _first_key(fields, _BOARD_KEY_FIELD.get(label, ""))
        if label == "actions.action" and not fields.get("agreement"):
            name = _board_of_body(_first_key(fields, "origin_meeting"), bodies)
        if label == "governance.body":
            short_name = fields.get("short_name")
            if "partnership" in fields:
                partnership = fields.get("partnership")
                name = _first_key(fields, "partnership") if partnership else short_name
            else:  # a body already loaded keeps its partnership; a new one is a board
                name = _board_of_body(short_name, bodies) or short_name
            bodies[short_name] = name
        elif label in ("governance.chair", "governance.membership", "governance.meeting"):
            name = _board_of_body(_first_key(fields, "body"), bodies)
        elif label == "governance.reportingline":
            name = _board_of_body(_first_key(fields, "from_body"), bodies)
        if name:
            where = f"record {number} ({label} {_show(_natural_key_of(label, fields))})"
            return str(name), where
    return None, ""


_BOARD_KEY_FIELD = {
    "csa.obligation": "board",
    "csa.theme": "board",
    "csa.agreement": "board",
    "csa.section": "agreement",
    "actions.action": "agreement",
    "actions.actionlead": "action",
}


def _first_key(fields, name):
    value = fields.get(name)
    if isinstance(value, list) and value:
        return value[0]
    return value if isinstance(value, str) else None


def _board_of_body(short_name, bodies):
    if short_name in bodies:
        return bodies[short_name]
    body = Body.objects.filter(short_name=short_name).select_related("partnership").first()
    return body.board.short_name if body else None


def _boards_using(label, obj) -> set[str]:
    """The partnerships (their boards' short names) that use a shared organisation or person."""
    if label == "governance.organisation":
        people = Person.objects.filter(organisation=obj)
        leads = ActionLead.objects.filter(organisation=obj).select_related(
            "action__agreement__board",
            "action__origin_meeting__body__partnership",
        )
        # Action.board: an action arising outside any plan is its meeting's body's board's.
        names = {lead.action.board.short_name for lead in leads}
    else:
        people = Person.objects.filter(pk=obj.pk)
        names = set()
    for through in (Chair, Membership):
        for body in Body.objects.filter(
            pk__in=through.objects.filter(person__in=people).values("body")
        ).select_related("partnership"):
            names.add(body.board.short_name)
    return names


def _document_moment(agreements) -> datetime.datetime | None:
    """When the year's document says it stood: its date ("March 2017", read as that month's
    end), else the start of its period; never later than now."""
    days = []
    for fields in agreements:
        written = str(fields.get("document_date") or "")
        day = parse_timescale(written).due_date if written else None
        if day is None:
            try:
                day = datetime.date.fromisoformat(str(fields.get("period_start")))
            except ValueError:
                continue
        days.append(day)
    if not days:
        return None
    return _start_of(min(days))


def _start_of(day: datetime.date) -> datetime.datetime | None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return moment if moment < timezone.now() else None


def _describe(where, error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{where}: field '{name}': {' '.join(ValidationError(errors).messages)}"
            if name != "__all__"
            else f"{where}: {' '.join(ValidationError(errors).messages)}"
            for name, errors in error.error_dict.items()
        ]
    return [f"{where}: {' '.join(error.messages)}"]
