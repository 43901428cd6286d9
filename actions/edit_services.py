"""Changing an action itself: its wording, timescale, theme, target and leads.

Once its agreement is adopted, the plan is what the board agreed: only a coordinator (or an
admin) may change it, and must say why; the reason is kept as the history's change reason.
Officers keep recording progress through actions.services.progress_update_create.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from csa.models import Agreement
from governance.access import can_edit, can_update
from governance.models import Body, Organisation
from governance.selectors import partnership_bodies
from governance.text import clean_text

from .models import Action, ActionLead
from .partners import partnership_organisations
from .services import action_lock, apply_timescale, check_version

DESCRIPTION_MAX_LENGTH = 2000
TARGET_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500
TIMESCALE_MAX_LENGTH = Action._meta.get_field("timescale").max_length


def may_edit_details(user, action) -> bool:
    """A draft's actions may be reworded by their leads too; an adopted plan's only by the
    coordinator; a superseded year's by nobody (it is the record of that year)."""
    # An action arising outside any plan is edited as an adopted plan's is.
    status = action.agreement.status if action.agreement_id else Agreement.Status.ADOPTED
    if status == Agreement.Status.SUPERSEDED:
        return False
    if can_edit(user, action):
        return True
    return status == Agreement.Status.DRAFT and can_update(user, action)


def reason_required(action) -> bool:
    return action.agreement_id is None or action.agreement.status != Agreement.Status.DRAFT


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
) -> Action:
    """Change what the action says. `leads` is a list of Organisation and Body instances, in
    order; they replace the action's lead rows (each removal and addition has its history).
    `expected_version` is the action's version when the user opened it: required, since a
    change made by someone else in between must never be overwritten unseen."""
    description = " ".join(clean_text(description).split())
    timescale = " ".join(clean_text(timescale).split())
    target = clean_text(target)
    reason = " ".join(clean_text(reason).split())
    with transaction.atomic():
        locked = action_lock(action)
        if not may_edit_details(user, locked):
            if locked.agreement_id and locked.agreement.status == Agreement.Status.SUPERSEDED:
                raise PermissionDenied(
                    "This action belongs to a superseded agreement, which is kept as it was."
                )
            raise PermissionDenied(
                "Only the partnership coordinator can change the wording, timescale or leads "
                "of an action in an adopted agreement."
            )
        check_version(
            locked,
            expected_version,
            "This action was changed by someone else after you opened it. "
            "Check the action as it is now, then make your change again if it still stands.",
        )
        _validate(
            locked,
            description=description,
            timescale=timescale,
            target=target,
            theme=theme,
            leads=leads,
            reason=reason,
        )
        history_reason = reason or "Action details updated"
        new_parties = [_party_key(p) for p in leads]
        old_leads = list(locked.leads.order_by("position"))
        leads_changed = [(lead.organisation_id, lead.body_id) for lead in old_leads] != new_parties

        locked.description = description
        locked.target = target
        if locked.timescale != timescale:
            locked.timescale = timescale
            apply_timescale(locked)
        if theme is not None and theme.pk != locked.theme_id:
            locked.theme = theme
            locked.theme_as_written = str(theme)
        if leads_changed:
            locked.leads_as_written = " / ".join(_short_name(p) for p in leads)
            for lead in old_leads:
                lead._change_reason = history_reason
                lead._history_user = user
                lead.delete()
            for position, party in enumerate(leads, 1):
                row = ActionLead(action=locked, position=position)
                if isinstance(party, Organisation):
                    row.organisation = party
                else:
                    row.body = party
                row._change_reason = history_reason
                row._history_user = user
                row.save()
        locked.version += 1
        locked._change_reason = history_reason
        locked._history_user = user
        locked.save()
    action.refresh_from_db()
    return locked


def _validate(action, *, description, timescale, target, theme, leads, reason):
    errors = {}
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
    if theme is None and action.theme_id is None:
        errors["theme"] = "Choose the theme of the action."
    elif theme is not None and theme.board_id != board_id:
        errors["theme"] = "Choose a theme of this partnership's plan."
    if not leads:
        errors["leads"] = "Choose at least one lead organisation or body."
    else:
        keys = [_party_key(p) for p in leads]
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


def _party_key(party):
    if isinstance(party, Organisation):
        return (party.pk, None)
    return (None, getattr(party, "pk", None))


def _short_name(party) -> str:
    return party.short_name
