"""Progress by spreadsheet, against the database: which rows of an uploaded file would record
an update, which are unchanged, and what is wrong with the others, by row and column; and the
confirmation, which records the updates through progress_update_create in one transaction.

The file is read by actions.spreadsheet.workbook. Between the preview and the confirmation its rows
are kept in the database (PendingUpload), keyed by a hash of the file and the uploader, so
that any app process can confirm it.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from csa.models import Agreement
from governance.access import can_manage_agreement, can_update

from ..models import Action, PendingUpload, ProgressUpdate, Status, today, user_display_name
from ..selectors import latest_update, my_actions
from ..services import ActionChangedError, progress_update_create, validate_update
from .workbook import Row, SpreadsheetError, read_workbook

MY_ACTIONS = "my-actions"
PENDING_KEPT_FOR = datetime.timedelta(days=2)

# Which column of the sheet each error of the progress-update rules is about.
ERROR_COLUMNS = {
    "status": "New status",
    "note": "New note",
    "outcome": "New note",
    "date": "Date of update",
    "__all__": "Reference",
}


# --- Scopes: the page a file was downloaded from ---------------------------------------------


def agreement_scope(agreement) -> str:
    return f"agreement:{agreement.pk}"


def may_use_plan_spreadsheet(user, agreement) -> bool:
    """The plan's spreadsheet is for whoever manages the plan (its coordinator, an admin)."""
    return can_manage_agreement(user, agreement)


def scope_actions(user, scope: str):
    """The actions a file of `scope` is about, as the user may see them."""
    visible = Action.objects.visible_to(user)
    if scope == MY_ACTIONS:
        return visible
    agreement_id = int(scope.partition(":")[2])
    return visible.filter(agreement_id=agreement_id)


def scope_label(scope: str) -> str:
    if scope == MY_ACTIONS:
        return "My actions"
    agreement = (
        Agreement.objects.select_related("board").filter(pk=_agreement_id(scope) or 0).first()
    )
    if agreement is None:
        return "another plan"
    return f"the list of the {agreement.board.short_name} {agreement.year_label} plan"


def _agreement_id(scope: str) -> int | None:
    kind, _, pk = scope.partition(":")
    return int(pk) if kind == "agreement" and pk.isdigit() else None


def download_rows(user, scope: str):
    """The actions shown on the page of `scope`, as rows of the read model, for the file."""
    if scope == MY_ACTIONS:
        return my_actions(user, as_of=today())
    return scope_actions(user, scope).rows(today()).order_by("position", "reference")


# --- Upload and preview ----------------------------------------------------------------------


@dataclass
class Problem:
    row: int
    column: str
    message: str
    reference: str = ""
    theirs: ProgressUpdate | None = None  # the update recorded since the download
    yours: bool = False  # the uploader recorded it themselves (on a page, or another file)

    @property
    def anchor(self) -> str:
        return f"row-{self.row}"


@dataclass
class PlannedUpdate:
    row: Row
    action: Action

    @property
    def status_label(self) -> str:
        return Status(self.row.status).label

    @property
    def date(self) -> datetime.date:
        return self.row.date or today()


@dataclass
class Preview:
    pending: PendingUpload
    updates: list[PlannedUpdate] = field(default_factory=list)
    unchanged: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def progress_upload_store(*, user, scope: str, data: bytes, filename: str = "") -> PendingUpload:
    """Read an uploaded file and keep its rows until confirmed; SpreadsheetError when the file
    as a whole cannot be used (another plan's, a CSV, wrong columns, too big, not ours)."""
    parsed = read_workbook(data, filename=filename)
    if parsed.scope != scope:
        raise SpreadsheetError(
            f"This file was downloaded from {scope_label(parsed.scope)}, not from "
            f"{scope_label(scope)}. Upload it there, or download this page's spreadsheet "
            "and add your updates to it."
        )
    key = hashlib.sha256(f"{user.pk}:{scope}:".encode() + data).hexdigest()
    with transaction.atomic():
        PendingUpload.objects.filter(uploaded_at__lt=timezone.now() - PENDING_KEPT_FOR).delete()
        pending, _ = PendingUpload.objects.update_or_create(
            key=key,
            defaults={
                "user": user,
                "scope": scope,
                "filename": filename[:200],
                "rows": [row.as_dict() for row in parsed.rows],
                "uploaded_at": timezone.now(),
            },
        )
    return pending


def pending_for(user, key: str) -> PendingUpload:
    """The user's own pending upload, else PendingUpload.DoesNotExist."""
    return PendingUpload.objects.get(key=key, user=user)


def progress_upload_preview(*, user, pending: PendingUpload) -> Preview:
    """What confirming would do, row by row. Reads only."""
    preview = Preview(pending=pending)
    rows = [Row.from_dict(data) for data in pending.rows]
    actions = scope_actions(user, pending.scope).select_related("agreement__board")
    wanted_ids = {row.action_id for row in rows if row.action_id}
    by_id = {
        action.pk: action
        for action in actions.filter(pk__in=wanted_ids).prefetch_related(
            # The moves: validate_update reads the due date in force on each row's day.
            "leads__organisation",
            "leads__body",
            "due_date_moves",
        )
    }
    by_reference: dict[str, list[int]] = {}
    for pk, reference in actions.values_list("pk", "reference"):
        by_reference.setdefault(reference.lower(), []).append(pk)
    missing = {
        by_reference[row.reference.lower()][0]
        for row in rows
        if row.action_id not in by_id and len(by_reference.get(row.reference.lower(), [])) == 1
    }
    if missing:
        by_id.update(
            (action.pk, action)
            for action in actions.filter(pk__in=missing).prefetch_related(
                "leads__organisation", "leads__body", "due_date_moves"
            )
        )
    seen: set[int] = set()
    for row in rows:
        for column, message in row.problems:
            preview.problems.append(Problem(row.number, column, message, row.reference))
        if row.problems:
            continue
        action = _row_action(row, by_id, by_reference)
        if action is None:
            preview.problems.append(
                Problem(
                    row.number,
                    "Reference",
                    f"There is no action “{row.reference or 'without a reference'}” "
                    f"in {scope_label(pending.scope)} that you can see.",
                    row.reference,
                )
            )
            continue
        if row.is_blank:
            preview.unchanged.append(row)
            continue
        problem = _row_problem(user, row, action, seen)
        if problem is not None:
            preview.problems.append(problem)
            continue
        seen.add(action.pk)
        preview.updates.append(PlannedUpdate(row=row, action=action))
    preview.problems.sort(key=lambda p: p.row)
    return preview


def _row_action(row: Row, by_id: dict, by_reference: dict) -> Action | None:
    action = by_id.get(row.action_id)
    if action is not None and action.reference.lower() == row.reference.lower():
        return action
    # The id was cleared or belongs to another action: the reference decides, if unique.
    ids = by_reference.get(row.reference.lower(), [])
    return by_id.get(ids[0]) if len(ids) == 1 else None


def _row_problem(user, row: Row, action: Action, seen: set) -> Problem | None:
    ref = action.reference
    if not can_update(user, action, lead_rows=list(action.leads.all())):
        return Problem(
            row.number,
            "Reference",
            f"You may not update {ref}: only its lead organisation or body, or the "
            "partnership's coordinator, can.",
            ref,
        )
    if action.pk in seen:
        return Problem(
            row.number, "Reference", f"{ref} has an update in an earlier row already.", ref
        )
    if not row.status:
        return Problem(row.number, "New status", "Choose the new status from the list.", ref)
    if row.version is not None and row.version != action.version:
        return _changed_since_download(user, row, action)
    try:
        validate_update(
            action,
            status=row.status,
            note=row.note,
            outcome=_outcome(row),
            date=row.date or today(),
        )
    except ValidationError as error:
        field_name, messages = next(iter(error.message_dict.items()))
        return Problem(row.number, ERROR_COLUMNS.get(field_name, "Reference"), messages[0], ref)
    return None


def _changed_since_download(user, row: Row, action: Action) -> Problem:
    """Who changed the action since the file was downloaded, and when: its history rows of a
    later version than the file's. The uploader is "you"; anyone else is named."""
    ref = action.reference
    records = list(
        Action.history.filter(id=action.pk)
        .select_related("history_user__person")
        .order_by("history_date", "history_id")
    )
    since = [record for record in records if record.version > row.version]
    if not since:  # no history of the change (it cannot be told): say only that it changed
        return Problem(
            row.number,
            "Reference",
            f"{ref} was changed after you downloaded the file. Read the action as it is now, "
            "then download the spreadsheet again if this row still stands.",
            ref,
        )
    last = since[-1]
    downloaded = next((r for r in reversed(records) if r.version <= row.version), None)
    before_last = records[-2] if len(records) > 1 else None
    update = latest_update(action)
    if update is not None and downloaded is not None:
        update = update if update.recorded_at > downloaded.history_date else None
    # The last change is a progress update when the update was recorded with it.
    is_update = update is not None and (
        before_last is None or update.recorded_at > before_last.history_date
    )
    verb = "updated" if is_update else "changed"
    moment = timezone.localtime(last.history_date)
    when = f"on {date_format(moment, 'j F Y')} at {date_format(moment, 'H:i')}"
    if not is_update and last.history_change_reason:
        when += f" ({last.history_change_reason})"
    more = (
        f" That is the last of {len(since)} changes since the download." if len(since) > 1 else ""
    )
    yours = last.history_user_id == user.pk
    if yours:
        said = (
            f"{ref} was {verb} by you after you downloaded the file, {when}.{more} If this row "
            "still stands, download the spreadsheet again and enter it there."
        )
    else:
        who = user_display_name(last.history_user)
        said = (
            f"{ref} was {verb} by someone else after you downloaded the file: {who}, {when}."
            if who
            else f"{ref} was {verb} by loading a year's file or by a command after you "
            f"downloaded the file, {when}."
        )
        read = "their update" if is_update else "the action as it is now"
        said += f"{more} Read {read}, then download the spreadsheet again if yours still stands."
    return Problem(
        row.number,
        "Reference",
        said,
        ref,
        theirs=update,
        yours=update is not None and update.author_id == user.pk,
    )


def _outcome(row: Row) -> str:
    # The sheet has one note column: for a completed action, the note is the outcome too.
    return row.note if row.status == Status.COMPLETED else ""


# --- Confirm ---------------------------------------------------------------------------------


class UploadChangedError(ValidationError):
    """Between the preview and the confirmation something changed: nothing was recorded."""


def progress_upload_confirm(*, user, pending: PendingUpload) -> list[ProgressUpdate]:
    """Record every update of the preview, in one transaction, each through
    progress_update_create with the version the file was downloaded with. Rows with problems
    are not recorded. If any update is refused now (someone saved in between), none is, and
    UploadChangedError says so."""
    preview = progress_upload_preview(user=user, pending=pending)
    if not preview.updates:
        raise ValidationError("There is no update to record in this file.")
    created = []
    try:
        with transaction.atomic():
            for planned in preview.updates:
                row = planned.row
                created.append(
                    progress_update_create(
                        action=planned.action,
                        author=user,
                        status=row.status,
                        note=row.note,
                        outcome=_outcome(row),
                        date=planned.date,
                        expected_version=row.version,
                    )
                )
            pending.delete()
    except (ActionChangedError, ValidationError) as error:
        raise UploadChangedError(
            "An action in the file changed while you were checking the preview, so nothing "
            "was recorded. Check the preview again."
        ) from error
    return created
