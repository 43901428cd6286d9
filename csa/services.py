"""Writing a partnership's obligations (the duties and plan objectives its plan answers to) and
a theme's tags. Every write says who and why in its history; the coordinator's pages and the
year's file (plans.importer) reach the same rules.

Who may: the coordinator of the partnership, or an admin (governance.access.can_manage_body
asked of the board: the rule for changing what the partnership's plan is).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from governance.access import can_manage_body
from governance.history import delete_recorded, save_recorded
from governance.text import clean_text

from .models import Obligation, Theme

NAME_MAX_LENGTH = Obligation._meta.get_field("name").max_length
DESCRIPTION_MAX_LENGTH = 1000
NOT_YOURS = (
    "Only the partnership's coordinator can change the duties and objectives its plan answers to."
)


@dataclass(frozen=True)
class DefaultObligation:
    name: str
    kind: str
    description: str


# The statutory duties of a community safety partnership, and one objective of the PCC's plan
# for the coordinator to rename (and copy for each other objective).
DEFAULT_OBLIGATIONS = (
    DefaultObligation(
        "Crime and disorder reduction",
        Obligation.Kind.STATUTORY_DUTY,
        "Crime and Disorder Act 1998, section 6: the responsible authorities formulate and "
        "implement a strategy to reduce crime and disorder in the area.",
    ),
    DefaultObligation(
        "Reducing reoffending",
        Obligation.Kind.STATUTORY_DUTY,
        "Crime and Disorder Act 1998, section 6 (as amended in 2009): the strategy also "
        "reduces reoffending.",
    ),
    DefaultObligation(
        "Substance misuse",
        Obligation.Kind.STATUTORY_DUTY,
        "Crime and Disorder Act 1998, section 6: the strategy combats the misuse of drugs, "
        "alcohol and other substances.",
    ),
    DefaultObligation(
        "Serious Violence Duty",
        Obligation.Kind.STATUTORY_DUTY,
        "Police, Crime, Sentencing and Courts Act 2022, Part 2: the specified authorities work "
        "together to prevent and reduce serious violence, with a strategy for the area.",
    ),
    DefaultObligation(
        "Prevent",
        Obligation.Kind.STATUTORY_DUTY,
        "Counter-Terrorism and Security Act 2015, section 26: due regard to the need to "
        "prevent people from being drawn into terrorism.",
    ),
    DefaultObligation(
        "Domestic abuse",
        Obligation.Kind.STATUTORY_DUTY,
        "Domestic Abuse Act 2021, and the domestic homicide reviews the partnership "
        "commissions (Domestic Violence, Crime and Victims Act 2004, section 9).",
    ),
    DefaultObligation(
        "PCC's Police and Crime Plan",
        Obligation.Kind.PCC_OBJECTIVE,
        "Rename this to an objective of your Police and Crime Commissioner's plan, and add one "
        "for each other objective: the partnership has regard to the plan and co-operates "
        "with the PCC (Police Reform and Social Responsibility Act 2011).",
    ),
)


def _check_may(user, board) -> None:
    if user is not None and not can_manage_body(user, board):
        raise PermissionDenied(NOT_YOURS)


def obligations_ensure_defaults(*, board, user=None) -> int:
    """Give a partnership the default set, once: when it has never had an obligation (its
    history is empty), so that a list the coordinator emptied on purpose stays empty.
    Returns how many were made."""
    if (
        Obligation.objects.filter(board=board).exists()
        or Obligation.history.filter(board_id=board.pk).exists()
    ):
        return 0
    with transaction.atomic():
        for position, default in enumerate(DEFAULT_OBLIGATIONS, 1):
            save_recorded(
                Obligation(
                    board=board,
                    name=default.name,
                    kind=default.kind,
                    description=default.description,
                    position=position,
                ),
                reason="The default duties of a community safety partnership",
                user=user,
            )
    return len(DEFAULT_OBLIGATIONS)


def obligation_check(board, name, kind, description, *, exclude_pk=None) -> tuple[str, str]:
    """The name and description as kept; a ValidationError naming the field otherwise."""
    name = " ".join(clean_text(name or "").split())
    description = clean_text(description or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Enter the name of the duty or objective, for example Prevent."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"The name must be {NAME_MAX_LENGTH} characters or fewer."
    elif Obligation.objects.filter(board=board, name__iexact=name).exclude(pk=exclude_pk).exists():
        errors["name"] = f"The partnership already has “{name}”: choose another name."
    if kind not in Obligation.Kind.values:
        errors["kind"] = "Choose whether it is a statutory duty, an objective of the PCC's plan "
        "or another commitment."
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = (
            f"The description must be {DESCRIPTION_MAX_LENGTH} characters or fewer."
        )
    if errors:
        raise ValidationError(errors)
    return name, description


def obligation_create(*, board, name: str, kind: str, description: str = "", user) -> Obligation:
    _check_may(user, board)
    with transaction.atomic():
        name, description = obligation_check(board, name, kind, description)
        last = Obligation.objects.filter(board=board).aggregate(last=Max("position"))["last"]
        obligation = Obligation(
            board=board,
            name=name,
            kind=kind,
            description=description,
            position=(last or 0) + 1,
        )
        return save_recorded(obligation, reason="Obligation added", user=user)


def obligation_update(
    *, obligation: Obligation, name: str, kind: str, description: str = "", user
) -> Obligation:
    _check_may(user, obligation.board)
    with transaction.atomic():
        name, description = obligation_check(
            obligation.board, name, kind, description, exclude_pk=obligation.pk
        )
        obligation.name, obligation.kind, obligation.description = name, kind, description
        return save_recorded(obligation, reason="Obligation changed", user=user)


def obligation_move(*, obligation: Obligation, up: bool, user) -> None:
    """Swap the obligation with the one above (or below) it in the partnership's list."""
    _check_may(user, obligation.board)
    with transaction.atomic():
        ordered = list(
            Obligation.objects.select_for_update()
            .filter(board_id=obligation.board_id)
            .order_by("position", "name")
        )
        at = next(i for i, o in enumerate(ordered) if o.pk == obligation.pk)
        other = at - 1 if up else at + 1
        if not 0 <= other < len(ordered):
            return  # already first (or last): nothing to move
        ordered[at], ordered[other] = ordered[other], ordered[at]
        for position, item in enumerate(ordered, 1):
            if item.position != position:
                item.position = position
                save_recorded(item, reason="Obligations reordered", user=user)


def obligation_in_use(obligation: Obligation) -> bool:
    return obligation.actions.exists() or obligation.themes.exists()


def obligation_delete(*, obligation: Obligation, user) -> None:
    """Remove an obligation nothing is tagged with; refuse, saying what uses it, otherwise."""
    _check_may(user, obligation.board)
    with transaction.atomic():
        references = list(
            obligation.actions.order_by("agreement__period_start", "position").values_list(
                "reference", "agreement__title"
            )[:6]
        )
        themes = list(obligation.themes.values_list("name", flat=True)[:6])
        if references or themes:
            used = []
            if references:
                used.append(
                    "actions "
                    + ", ".join(f"{ref} ({title})" if title else ref for ref, title in references)
                )
            if themes:
                used.append("themes " + ", ".join(themes))
            raise ValidationError(
                f"“{obligation.name}” cannot be removed: it is used by {' and '.join(used)}. "
                "Take it off them first, or rename it."
            )
        delete_recorded(obligation, reason="Obligation removed", user=user)


def obligations_check_board(board, obligations) -> None:
    """Every tag must be one of the partnership's own obligations."""
    strangers = [o.name for o in obligations if o.board_id != board.pk]
    if strangers:
        raise ValidationError(
            {
                "obligations": f"{', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'}"
                " not one of this partnership's duties or objectives."
            }
        )


def tags_replace(obj, obligations) -> bool:
    """Replace the tags (`obligations`) of an action or a theme, writing no history row: the
    caller saves `obj` with its reason next (save_recorded), and that one row keeps the new
    tags with who and why, rather than one row for each removal and addition that the
    many-to-many signals would write. Returns whether they changed."""
    wanted = {o.pk for o in obligations}
    if wanted == set(obj.obligations.values_list("pk", flat=True)):
        return False
    obj.skip_history_when_saving = True
    try:
        obj.obligations.set(wanted)
    finally:
        del obj.skip_history_when_saving
    return True


def theme_obligations_set(*, theme: Theme, obligations, user, reason: str = "") -> bool:
    _check_may(user, theme.board)
    obligations = list(obligations)
    obligations_check_board(theme.board, obligations)
    with transaction.atomic():
        if not tags_replace(theme, obligations):
            return False
        save_recorded(
            theme,
            reason=reason.strip() or "Duties and objectives the theme serves changed",
            user=user,
        )
        return True
