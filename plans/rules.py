"""The rules of a year's plan that every way in meets: the adoption page and a year's file."""

from actions.models import Action, ActionLead
from csa.models import Agreement


def plan_problems(agreement: Agreement) -> list[str]:
    """Why the agreement's plan is not complete enough to be adopted (or loaded as adopted or
    superseded): every action needs a lead, and a theme unless it arose at a meeting. Empty
    when it is. Two queries."""
    problems = []
    actions = list(
        Action.objects.filter(agreement=agreement)
        .order_by("position", "reference")
        .only("pk", "reference", "description", "theme_id", "origin_meeting_id")
    )
    if not actions:
        problems.append("The agreement has no actions: add at least one before adopting it.")
    with_leads = set(
        ActionLead.objects.filter(action__agreement=agreement).values_list("action_id", flat=True)
    )
    for action in actions:
        name = f"{action.reference} ({short_text(action.description)})"
        # An action arising at a meeting joins the plan without a theme, as the page records it.
        if action.theme_id is None and action.origin_meeting_id is None:
            problems.append(f"{name} has no theme: give it one before adopting the agreement.")
        if action.pk not in with_leads:
            problems.append(f"{name} has no lead: name at least one before adopting.")
    return problems


def short_text(text: str, length: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
