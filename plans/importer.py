"""Load a year's agreement from a fixture file, checking everything before anything is kept.

The file is a Django fixture with natural keys (so `manage.py loaddata` reads it too): a JSON
list of {"model": "app.model", "fields": {...}} records that name other records by their
natural keys ("WCC PH", ["SCB", "2017-04-01", "A3"]) rather than by primary key.

Unlike loaddata, this loader:
- names the record and the field of every problem, and writes nothing when there is one;
- writes a history row for every record it creates or changes ("loaded from 2018-19.json")
  and none for records that are already as the file says, so loading twice changes nothing;
- derives an action's due date from its timescale when the file does not give one.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import models, transaction
from django.db.models import F

from actions.models import Action, ActionLead, Status
from actions.services import apply_timescale, progress_update_create
from csa.models import Agreement

# The models a year's file may hold, in an order where each only names those before it.
LOADABLE_MODELS = [
    "governance.organisation",
    "governance.person",
    "governance.body",
    "governance.reportingline",
    "governance.chair",
    "governance.membership",
    "governance.meeting",
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
class LoadReport:
    path: str
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    kept: int = 0
    removed: int = 0
    by_model: dict = field(default_factory=dict)

    @property
    def total(self):
        return self.created + self.changed + self.unchanged + self.kept

    def summary(self) -> str:
        return (
            f"{self.path}: {self.total} records, {self.created} created, {self.changed} changed, "
            f"{self.unchanged} already up to date, {self.removed} removed"
            + (f", {self.kept} kept as changed in the tracker since" if self.kept else "")
        )


def load_agreement_file(path, *, dry_run: bool = False, user=None) -> LoadReport:
    """Check and load one file in one transaction. Raises AgreementFileError, writing nothing."""
    path = Path(path)
    records = _read_records(path)
    reason = f"loaded from {path.name}"
    loader = _Loader(path=path, reason=reason, user=user)
    with transaction.atomic():
        loader.load(records)
        if loader.problems:
            transaction.set_rollback(True)
            raise AgreementFileError(path, loader.problems)
        if dry_run:
            transaction.set_rollback(True)
    return loader.report


def _read_records(path: Path) -> list[dict]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise AgreementFileError(
                path,
                [
                    f"the file is {size / 1024 / 1024:.1f} MB, larger than the limit of "
                    f"{MAX_FILE_BYTES // 1024 // 1024} MB for a year's agreement"
                ],
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AgreementFileError(path, ["the file does not exist"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise AgreementFileError(path, [f"the file cannot be read: {error}"]) from None
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise AgreementFileError(
            path, [f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"]
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
        label = str(record.get("model", "")).lower()
        if label not in LOADABLE_MODELS:
            problems.append(
                f'{where}: unknown model "{record.get("model")}"; expected one of '
                + ", ".join(LOADABLE_MODELS)
            )
            continue
        if "pk" in record:
            problems.append(f'{where} ({label}): remove "pk": records are named by natural keys')
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
    return tuple(
        json.dumps(fields.get(name)) if fields.get(name) is not None else None
        for name in NATURAL_KEY_FIELDS[label]
    )


def _show(key) -> str:
    def flat(value):
        return " ".join(map(str, value)) if isinstance(value, list) else str(value)

    return " ".join(flat(json.loads(part)) for part in key if part is not None)


class _Loader:
    def __init__(self, *, path, reason, user):
        self.path = path
        self.reason = reason
        self.user = user
        self.problems: list[str] = []
        self.report = LoadReport(path=str(path))
        self.leads_in_file: dict[int, set[int]] = {}
        # Actions that people have changed in the tracker since a load: the file leaves them be.
        self.kept_action_ids: set[int] = set()
        self.file_agreement_start = None

    def load(self, records):
        starts = [
            r["fields"].get("period_start")
            for r in records
            if r["model"].lower() == "csa.agreement"
        ]
        self.file_agreement_start = min(starts) if starts else None
        for number, record in enumerate(records, 1):
            label = record["model"].lower()
            model = apps.get_model(label)
            where = f"record {number} ({label} {_show(_natural_key_of(label, record['fields']))})"
            try:
                with transaction.atomic():
                    self._load_one(model, label, record["fields"], where)
            except ValidationError as error:
                self.problems.extend(_describe(where, error))
        if not self.problems:
            self._remove_leads_not_in_file()

    def _load_one(self, model, label, fields, where):
        self._check_fields(model, fields)
        if label == "actions.action":
            self._check_action(fields)
        try:
            (deserialized,) = serializers.deserialize(
                "json", json.dumps([{"model": label, "fields": fields}])
            )
        except DeserializationError as error:
            raise ValidationError(str(error.__cause__ or error)) from None
        obj = deserialized.object
        status_in_file = None
        if label == "actions.action":
            # The stored status is written by progress updates only (progress_update_create):
            # a status the file gives becomes one, dated the start of the plan.
            status_in_file, obj.status = obj.status, Status.NOT_STARTED
            if "due_date" not in fields:
                apply_timescale(obj)
        existing = model._default_manager.filter(pk=obj.pk).first() if obj.pk else None
        if existing is not None:
            obj._state.adding = False  # an update: the uniqueness checks must not see itself
        obj.full_clean()
        if existing is not None and label == "csa.theme" and self._file_is_older_than(obj):
            # An older year's file must not rename a theme back to last year's name.
            self._count(label, "unchanged")
            return
        if existing is not None and label == "actions.action":
            # Status and version are the tracker's own, set by progress updates.
            obj.status, obj.version = existing.status, existing.version
            obj.loaded_version = existing.loaded_version
            if existing.changed_since_loaded:
                self.kept_action_ids.add(existing.pk)
                self._count(label, "kept")
                return
        if label == "actions.actionlead" and obj.action_id in self.kept_action_ids:
            self._count(label, "kept")
            return
        if existing is not None and _same_values(existing, obj):
            self._count(label, "unchanged")
        else:
            obj._change_reason = self.reason
            if self.user is not None:
                obj._history_user = self.user
            obj.save()
            self._count(label, "changed" if existing is not None else "created")
            if label == "actions.action" and existing is None:
                self._record_status_as_given(obj, status_in_file)
        if label == "actions.action":
            # What this load left: a later reload may change it until people do.
            Action.objects.filter(pk=obj.pk).update(loaded_version=F("version"))
        if deserialized.m2m_data:
            for name, values in deserialized.m2m_data.items():
                getattr(obj, name).set(values)
        if label == "actions.actionlead":
            self.leads_in_file.setdefault(obj.action_id, set()).add(obj.pk)

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
            date=action.agreement.period_start,
        )

    def _check_fields(self, model, fields):
        """Name the field of every unknown field, bad value and unknown natural key."""
        errors = {}
        for name, value in fields.items():
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                errors[name] = f"'{name}' is not a field of {model._meta.label_lower}"
                continue
            if isinstance(model_field, models.ForeignKey) and value is not None:
                related = model_field.related_model
                key = value if isinstance(value, list) else [value]
                try:
                    related._default_manager.get_by_natural_key(*key)
                except (ObjectDoesNotExist, TypeError, ValueError, ValidationError):
                    errors[name] = (
                        f"no {related._meta.verbose_name} {' '.join(map(str, key))!r} "
                        "(it must be in this file, before this record, or already loaded)"
                    )
            elif isinstance(model_field, models.ManyToManyField):
                continue
            elif isinstance(value, str) and len(value) > MAX_TEXT_LENGTH:
                errors[name] = f"the text must be {MAX_TEXT_LENGTH:,} characters or fewer"
            elif value is not None and not model_field.is_relation:
                try:
                    model_field.to_python(value)
                except ValidationError as error:
                    errors[name] = " ".join(error.messages) + f" (the file says {value!r})"
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

    def _file_is_older_than(self, theme) -> bool:

        if self.file_agreement_start is None:
            return False
        return (
            Agreement.objects.filter(board_id=theme.board_id)
            .filter(period_start__gt=self.file_agreement_start)
            .exists()
        )

    def _remove_leads_not_in_file(self):

        for action_id, kept in self.leads_in_file.items():
            for lead in ActionLead.objects.filter(action_id=action_id).exclude(pk__in=kept):
                lead._change_reason = self.reason
                lead.delete()
                self.report.removed += 1

    def _count(self, label, outcome):
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        per_model = self.report.by_model.setdefault(label, {})
        per_model[outcome] = per_model.get(outcome, 0) + 1


def _same_values(existing, obj) -> bool:
    return all(
        getattr(existing, f.attname) == getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key
    )


def _describe(where, error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{where}: field '{name}': {' '.join(ValidationError(errors).messages)}"
            if name != "__all__"
            else f"{where}: {' '.join(ValidationError(errors).messages)}"
            for name, errors in error.error_dict.items()
        ]
    return [f"{where}: {' '.join(error.messages)}"]
