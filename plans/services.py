"""Writes about agreements: the yearly roll-over into a draft, adopting a draft, and loading a
year's file uploaded in the browser (kept between its preview and its confirmation).

Views, the `rollover` command and tests all come through here. Every function checks
everything first and writes nothing when anything is wrong, naming the action and the field.
"""

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.models import Action
from actions.services import action_create, apply_timescale
from csa.models import Agreement, Section, financial_year_label
from governance.access import agreement_file_boards
from governance.history import save_recorded
from governance.text import clean_text

from .importer import (
    MAX_FILE_BYTES,
    AgreementFileError,
    LoadReport,
    load_agreement_data,
    too_big,
)
from .models import PendingLoad, RolloverDecision
from .rules import plan_problems
from .rules import short_text as _short

Outcome = RolloverDecision.Outcome

DESCRIPTION_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 2000
TIMESCALE_MAX_LENGTH = Action._meta.get_field("timescale").max_length


@dataclass
class ActionChoice:
    """What the coordinator decided for one of last year's actions."""

    action: Action
    outcome: str = ""
    description: str = ""
    timescale: str = ""
    reason: str = ""


def choice_field(action_pk: int, name: str) -> str:
    """The name of a roll-over choice's field, shared by the form and the service's errors."""
    return f"a{action_pk}-{name}"


def next_period(agreement: Agreement) -> tuple[datetime.date, datetime.date]:
    """The financial year after the one the agreement starts in: 1 April to 31 March."""
    start_year = agreement.period_start.year - (1 if agreement.period_start.month < 4 else 0)
    return datetime.date(start_year + 1, 4, 1), datetime.date(start_year + 2, 3, 31)


def rollover_problems(agreement: Agreement) -> list[str]:
    """Why this agreement cannot be rolled over at all, before any choice is made."""
    problems = []
    if agreement.status == Agreement.Status.DRAFT:
        problems.append(
            f"The {agreement.year_label} agreement is a draft: adopt it before rolling it over "
            "into next year."
        )
    start, _ = next_period(agreement)
    existing = (
        Agreement.objects.filter(board_id=agreement.board_id, period_start=start)
        .only("title", "period_start")
        .first()
    )
    if existing is not None:
        problems.append(
            f"The board already has an agreement for {financial_year_label(start)} "
            f"({existing.title}): open and edit that one instead of rolling over again."
        )
    elif Agreement.objects.filter(previous=agreement).exists():
        problems.append(
            f"The {agreement.year_label} agreement has already been rolled over into a later "
            "agreement."
        )
    return problems


def agreement_rollover(*, agreement: Agreement, user, choices: list[ActionChoice]) -> Agreement:
    """Start next year's draft from an adopted agreement.

    Copies the narrative sections for editing; carries forward the chosen actions (new actions
    linked to last year's, with the wording and timescale as edited, the same theme, leads and
    target) and records why each other action is closed. Last year's agreement and its actions
    are not changed: it becomes superseded only when the new one is adopted.
    """
    with transaction.atomic():
        # Lock the agreement so that two coordinators cannot roll it over at the same time.
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("board")
            .get(pk=agreement.pk)
        )
        problems = rollover_problems(agreement)
        if problems:
            raise ValidationError(problems)
        old_actions = list(
            Action.objects.filter(agreement=agreement)
            .select_related("theme__parent")
            .prefetch_related("leads")
            .order_by("position", "reference")
        )
        choices = _checked_choices(old_actions, choices)
        start, end = next_period(agreement)
        reason = f"rolled over from {agreement.year_label}"

        new = Agreement(
            board=agreement.board,
            title=f"Community Safety Agreement {start.year} to {end.year}",
            period_start=start,
            period_end=end,
            status=Agreement.Status.DRAFT,
            version="0.1",
            contact=agreement.contact,
            introduction=agreement.introduction,
            previous=agreement,
        )
        new.full_clean()
        save_recorded(new, reason=reason, user=user)
        for section in agreement.sections.order_by("position"):
            copy = Section(
                agreement=new,
                position=section.position,
                number=section.number,
                heading=section.heading,
                theme_id=section.theme_id,
                text=section.text,
            )
            save_recorded(copy, reason=reason, user=user)

        position = 0
        for old in old_actions:
            choice = choices[old.pk]
            if choice.outcome == Outcome.CARRIED:
                position += 1
                _carry_forward(old, choice, new=new, position=position, reason=reason, user=user)
            decision = RolloverDecision(
                agreement=new, action=old, outcome=choice.outcome, reason=choice.reason
            )
            save_recorded(decision, reason=reason, user=user)
    return new


def _checked_choices(old_actions, choices) -> dict[int, ActionChoice]:
    by_pk = {}
    errors: dict[str, list[str]] = {}
    known = {a.pk for a in old_actions}
    for choice in choices:
        if choice.action.pk not in known:
            errors.setdefault("__all__", []).append(
                f"Action {choice.action.reference} is not part of this agreement."
            )
            continue
        choice.outcome = clean_text(choice.outcome)
        choice.description = " ".join((choice.description or "").split())
        choice.timescale = " ".join((choice.timescale or "").split())
        choice.reason = clean_text(choice.reason)
        by_pk[choice.action.pk] = choice
    for old in old_actions:
        name = f"{old.reference} ({_short(old.description)})"
        choice = by_pk.get(old.pk)
        if choice is None or not choice.outcome:
            errors.setdefault(choice_field(old.pk, "outcome"), []).append(
                f"{name}: choose whether to carry it forward, or close it as completed or dropped."
            )
            continue
        if choice.outcome not in Outcome.values:
            errors.setdefault(choice_field(old.pk, "outcome"), []).append(
                f"{name}: choose carry forward, completed or dropped."
            )
            continue
        if choice.outcome == Outcome.CARRIED:
            if not choice.description:
                errors.setdefault(choice_field(old.pk, "description"), []).append(
                    f"{name}: enter the wording of the action for next year."
                )
            elif len(choice.description) > DESCRIPTION_MAX_LENGTH:
                errors.setdefault(choice_field(old.pk, "description"), []).append(
                    f"{name}: the wording must be {DESCRIPTION_MAX_LENGTH} characters or fewer."
                )
            if len(choice.timescale) > TIMESCALE_MAX_LENGTH:
                errors.setdefault(choice_field(old.pk, "timescale"), []).append(
                    f"{name}: the timescale must be {TIMESCALE_MAX_LENGTH} characters or fewer."
                )
            if old.theme_id is None:
                errors.setdefault(choice_field(old.pk, "outcome"), []).append(
                    f"{name}: it has no theme, so it cannot be carried into a plan; give it a "
                    "theme first or close it."
                )
        else:
            label = Outcome(choice.outcome).label.lower()
            if not choice.reason:
                errors.setdefault(choice_field(old.pk, "reason"), []).append(
                    f"{name}: enter why it is {label} rather than carried forward."
                )
        if len(choice.reason) > REASON_MAX_LENGTH:
            errors.setdefault(choice_field(old.pk, "reason"), []).append(
                f"{name}: the reason must be {REASON_MAX_LENGTH} characters or fewer."
            )
    if errors:
        raise ValidationError(errors)
    return by_pk


def _carry_forward(old: Action, choice: ActionChoice, *, new, position, reason, user):
    action = Action(
        agreement=new,
        theme_id=old.theme_id,
        # The theme's name this year: a theme renamed since keeps its key, not its old name.
        theme_as_written=str(old.theme) if old.theme_id else old.theme_as_written,
        reference=f"A{position}",
        position=position,
        description=choice.description,
        timescale=choice.timescale,
        leads_as_written=old.leads_as_written,
        target=old.target,
        carries_forward=old,
    )
    apply_timescale(action)
    parties = [lead.party for lead in old.leads.select_related("organisation", "body")]
    action_create(action=action, leads=parties, reason=reason, user=user)
    return action


def adoption_problems(agreement: Agreement) -> list[str]:
    """Why the agreement cannot be adopted now; empty when it can. Three queries at most."""
    if agreement.status != Agreement.Status.DRAFT:
        return [
            f"The {agreement.year_label} agreement is {agreement.get_status_display().lower()}, "
            "not a draft: only a draft can be adopted."
        ]
    return plan_problems(agreement)


def agreement_adopt(*, agreement: Agreement, user) -> Agreement:
    """Adopt a draft; the agreement it revises becomes superseded."""
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        problems = adoption_problems(locked)
        if problems:
            raise ValidationError(problems)
        locked.status = Agreement.Status.ADOPTED
        save_recorded(locked, reason="adopted", user=user)
        if locked.previous_id:
            previous = Agreement.objects.select_for_update().get(pk=locked.previous_id)
            if previous.status == Agreement.Status.ADOPTED:
                previous.status = Agreement.Status.SUPERSEDED
                save_recorded(
                    previous, reason=f"superseded by the {locked.year_label} agreement", user=user
                )
    agreement.status = locked.status
    return locked


# --- A year's file uploaded in the browser ---------------------------------------------------

PENDING_LOAD_KEPT_FOR = datetime.timedelta(days=2)


class PendingLoadChangedError(Exception):
    """The confirmation names a file other than one the user previewed (or one since expired)."""


def agreement_file_store(*, user, data: bytes, filename: str = "") -> PendingLoad:
    """Keep an uploaded year's file until the user confirms it, by its SHA-256 and the user;
    and forget files left unconfirmed for two days."""
    if len(data) > MAX_FILE_BYTES:
        raise AgreementFileError(Path(filename or "upload.json"), [too_big(len(data))])
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        PendingLoad.objects.filter(uploaded_at__lt=timezone.now() - PENDING_LOAD_KEPT_FOR).delete()
        pending, _ = PendingLoad.objects.update_or_create(
            user=user,
            sha256=sha256,
            defaults={
                "filename": Path(filename).name[:200],
                "data": data,
                "uploaded_at": timezone.now(),
            },
        )
    return pending


def pending_load_for(*, user, sha256: str) -> PendingLoad:
    """The user's own file of that hash, still waiting; PendingLoadChangedError otherwise."""
    pending = PendingLoad.objects.filter(
        user=user,
        sha256=sha256,
        uploaded_at__gte=timezone.now() - PENDING_LOAD_KEPT_FOR,
    ).first()
    if pending is None or hashlib.sha256(bytes(pending.data)).hexdigest() != sha256:
        raise PendingLoadChangedError(
            "This is not the file you previewed: it changed since, was loaded already, or was "
            "uploaded more than two days ago. Upload it again and check the new preview."
        )
    return pending


def agreement_file_preview(*, user, pending: PendingLoad) -> LoadReport:
    """What loading the file would do, the checks of `load_agreement --dry-run`, writing
    nothing. AgreementFileError names every problem by record and field."""
    return load_agreement_data(
        bytes(pending.data),
        name=pending.filename or "upload.json",
        dry_run=True,
        user=user,
        boards=agreement_file_boards(user),
    )


def agreement_file_load(*, user, sha256: str) -> LoadReport:
    """Load the file the user previewed, in one transaction, with the user as the history's
    author; the pending file is forgotten once loaded. The checks run again: the database may
    have changed since the preview."""
    with transaction.atomic():
        pending = pending_load_for(user=user, sha256=sha256)
        report = load_agreement_data(
            bytes(pending.data),
            name=pending.filename or "upload.json",
            user=user,
            boards=agreement_file_boards(user),
        )
        pending.delete()
    return report
