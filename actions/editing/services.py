"""Changing an action itself: its wording, timescale, theme, target and leads.

Once its agreement is adopted, the plan is what the board agreed: only a coordinator (or an
admin) may change it, and must say why; the reason is kept as the history's change reason.
Officers keep recording progress through actions.services.progress_update_create.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from csa.models import Agreement
from csa.services import obligations_check_board, tags_replace
from governance.access import can_edit, can_update
from governance.history import save_recorded
from governance.models import Body, Organisation
from governance.selectors import partnership_bodies
from governance.text import clean_text

from ..models import Action, DueDateMove, today
from ..partners import partnership_organisations
from ..services import action_leads_set, action_lock, apply_timescale, check_version, party_key
from ..timescales import TimescaleKind, parse_timescale

DESCRIPTION_MAX_LENGTH = 2000
TARGET_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500
TIMESCALE_MAX_LENGTH = Action._meta.get_field("timescale").max_length


def may_edit_details(user, action) -> bool:
    """A draft's actions may be reworded by their leads too; an adopted plan's only by the
    coordinator; a superseded year's by nobody (it is the record of that year)."""
    status = action.plan_status
    if status == Agreement.Status.SUPERSEDED:
        return False
    if can_edit(user, action):
        return True
    return status == Agreement.Status.DRAFT and can_update(user, action)


def edit_refusal(action) -> str:
    """Why someone whom may_edit_details refuses may not change the action."""
    if action.plan_status == Agreement.Status.SUPERSEDED:
        return "This action belongs to a superseded agreement, which is kept as it was."
    return (
        "Only the partnership coordinator can change the wording, timescale or leads of an "
        "action in an adopted agreement."
    )


def reason_required(action) -> bool:
    return action.plan_status != Agreement.Status.DRAFT


def action_update_details(
    *,
    action: Action,
    user,
    description: str,
    timescale: str,
    leads: list,
    target: str = "",
    theme=None,
    reason: str = "",
    expected_version: int,
    due_date: datetime.date | None = None,
    agreed_on: datetime.date | None = None,
    obligations=None,
) -> Action:
    """Change what the action says. `leads` is a list of Organisation and Body instances, in
    order; they replace the action's lead rows (each removal and addition has its history).
    `expected_version` is the action's version when the user opened it: required, since a
    change made by someone else in between must never be overwritten unseen.

    The due date follows the timescale, unless `due_date` sets it. In an adopted plan a
    changed due date is a move of the deadline: it needs the reason and `agreed_on`, the day
    the move was agreed, and is written to the ledger (DueDateMove), whose first move keeps
    the original due date and by whose agreed days the as-of pages read the due date then.

    `obligations`, when given, replace the duties and objectives the action is tagged with
    (the partnership's own only); None leaves them as they are."""
    description = " ".join(clean_text(description).split())
    timescale = " ".join(clean_text(timescale).split())
    target = clean_text(target)
    reason = " ".join(clean_text(reason).split())
    with transaction.atomic():
        locked = action_lock(action)
        if not may_edit_details(user, locked):
            raise PermissionDenied(edit_refusal(locked))
        check_version(
            locked,
            expected_version,
            "This action was changed by someone else after you opened it. "
            "Check the action as it is now, then make your change again if it still stands.",
        )
        new_due = _new_due_date(locked, timescale, due_date)
        moves_deadline = new_due != locked.due_date and reason_required(locked)
        _validate(
            locked,
            description=description,
            timescale=timescale,
            target=target,
            theme=theme,
            leads=leads,
            reason=reason,
            agreed_on=agreed_on if moves_deadline else None,
            moves_deadline=moves_deadline,
        )
        if obligations is not None:
            obligations = list(obligations)
            obligations_check_board(locked.board, obligations)
        history_reason = reason or "Action details updated"
        new_parties = [party_key(p) for p in leads]
        old_leads = list(locked.leads.order_by("position"))
        leads_changed = [(lead.organisation_id, lead.body_id) for lead in old_leads] != new_parties

        old_due, old_timescale = locked.due_date, locked.timescale
        locked.description = description
        locked.target = target
        if locked.timescale != timescale:
            locked.timescale = timescale
            apply_timescale(locked)
        if due_date is not None and due_date != locked.due_date:
            locked.due_date = due_date
            locked.timescale_kind = TimescaleKind.BY_DATE.value
        if moves_deadline:
            move = DueDateMove(
                action=locked,
                from_date=old_due,
                to_date=locked.due_date,
                from_timescale=old_timescale,
                to_timescale=locked.timescale,
                agreed_on=agreed_on,
                reason=reason,
                recorded_by=user,
            )
            save_recorded(move, reason=history_reason, user=user)
        if theme is not None and theme.pk != locked.theme_id:
            locked.theme = theme
            locked.theme_as_written = str(theme)
        if leads_changed:
            locked.leads_as_written = " / ".join(_short_name(p) for p in leads)
            action_leads_set(action=locked, parties=leads, reason=history_reason, user=user)
        if obligations is not None:
            tags_replace(locked, obligations)  # kept in the history row of the save below
        locked.version += 1
        save_recorded(locked, reason=history_reason, user=user)
    action.refresh_from_db()
    return locked


def _new_due_date(action, timescale, due_date):
    """The due date the change leaves: the one typed, else the new timescale's."""
    if due_date is not None:
        return due_date
    if timescale != action.timescale:
        return parse_timescale(timescale, reference_date=action.starts_on).due_date
    return action.due_date


def _validate(
    action, *, description, timescale, target, theme, leads, reason, agreed_on, moves_deadline
):
    errors = {}
    if moves_deadline:
        if agreed_on is None:
            errors["agreed_on"] = (
                "Enter the date the new due date was agreed: the ledger of slipped deadlines "
                "keeps it, and the dashboard reads the due date in force by it."
            )
        elif agreed_on > today():
            errors["agreed_on"] = "The date the move was agreed must be today or in the past."
        else:
            last = action.due_date_moves.order_by("-agreed_on").first()
            if last is not None and agreed_on < last.agreed_on:
                errors["agreed_on"] = (
                    "The date the move was agreed must be on or after the last move's, "
                    f"{last.agreed_on:%-d %B %Y}."
                )
    if not description:
        errors["description"] = "Enter what the action will do."
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = (
            f"What the action will do must be {DESCRIPTION_MAX_LENGTH} characters or fewer."
        )
    if len(timescale) > TIMESCALE_MAX_LENGTH:
        errors["timescale"] = f"The timescale must be {TIMESCALE_MAX_LENGTH} characters or fewer."
    if len(target) > TARGET_MAX_LENGTH:
        errors["target"] = f"The target must be {TARGET_MAX_LENGTH} characters or fewer."
    board_id = action.board.pk
    # An action arising at a meeting has no theme (meetings.services.meeting_action_create).
    if theme is None and action.theme_id is None and action.origin_meeting_id is None:
        errors["theme"] = "Choose the theme of the action."
    elif theme is not None and theme.board_id != board_id:
        errors["theme"] = "Choose a theme of this partnership's plan."
    if not leads:
        errors["leads"] = "Choose at least one lead organisation or body."
    else:
        keys = [party_key(p) for p in leads]
        if len(set(keys)) != len(keys):
            errors["leads"] = "Each lead can be named only once."
        elif any(not isinstance(p, Organisation | Body) for p in leads):
            errors["leads"] = "A lead must be an organisation or a body."
        elif outsiders := _outside_partnership(action.board, leads):
            errors["leads"] = (
                f"{', '.join(outsiders)} {'is' if len(outsiders) == 1 else 'are'} not part of "
                "this partnership: choose its own organisations and bodies."
            )
    if reason_required(action) and not reason:
        errors["reason"] = (
            "Enter the reason for the change: the agreement is adopted, so the history keeps why "
            "its plan was changed."
        )
        if moves_deadline:
            errors["reason"] = "Enter the reason the due date moves: the ledger keeps why."
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = f"The reason must be {REASON_MAX_LENGTH} characters or fewer."
    if errors:
        raise ValidationError(errors)


def _outside_partnership(board, leads) -> list[str]:
    """Short names of the chosen leads that are not the partnership's own. Two queries."""
    org_ids = {p.pk for p in leads if isinstance(p, Organisation)}
    body_ids = {p.pk for p in leads if isinstance(p, Body)}
    ours_org = set(
        partnership_organisations(board).filter(pk__in=org_ids).values_list("pk", flat=True)
    )
    ours_body = set(partnership_bodies(board).filter(pk__in=body_ids).values_list("pk", flat=True))
    return [
        p.short_name
        for p in leads
        if (isinstance(p, Organisation) and p.pk not in ours_org)
        or (isinstance(p, Body) and p.pk not in ours_body)
    ]


def _short_name(party) -> str:
    return party.short_name
