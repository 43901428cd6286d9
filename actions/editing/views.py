"""The page where an action's wording, timescale, theme and leads are changed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..models import Action
from ..services import ActionChangedError
from .forms import ActionEditForm
from .services import action_update_details, edit_refusal, may_edit_details, reason_required


def _get_action_for_user(request, pk):
    """The action if the user may see it (404 otherwise) and may edit it (403 otherwise)."""
    action = Action.objects.select_related("agreement__board", "theme__parent").get_visible(
        request.user, pk
    )
    leads = list(action.leads.select_related("organisation", "body").order_by("position"))
    action._prefetched_objects_cache = {"leads": leads}
    if not may_edit_details(request.user, action):
        raise PermissionDenied(edit_refusal(action))
    return action, leads


@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action, leads = _get_action_for_user(request, pk)
    needs_reason = reason_required(action)
    form = ActionEditForm(
        request.POST or None, action=action, leads=leads, reason_required=needs_reason
    )
    changed_by_someone = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action_update_details(
                action=action,
                user=request.user,
                description=data["description"],
                timescale=data["timescale"],
                leads=form.leads(),
                target=data["target"],
                theme=data["theme"],
                reason=data["reason"],
                expected_version=data["version"],
                due_date=form.due_date_typed(),
                agreed_on=data["agreed_on"],
                obligations=data["obligations"],
            )
        except ActionChangedError as error:
            form.add_error(None, error.messages[0])
            # Show what the other person changed, and carry the version that includes it, so
            # that the resubmitted form (everything typed kept) is checked against it.
            action, leads = _get_action_for_user(request, pk)
            changed_by_someone = action.history.select_related("history_user").first()
            data = form.data.copy()
            data["version"] = str(action.version)
            form.data = data
        except ValidationError as error:
            form.add_service_errors(error, {"leads": "lead_organisations"})
        else:
            messages.success(request, f"Action {action.reference} was changed.")
            if action.agreement_id is None:  # arising at a meeting, outside any plan
                return redirect("actions:action_detail", pk=action.pk)
            return redirect("plans:agreement_detail", pk=action.agreement_id)
    return render(
        request,
        "actions/action_edit.html",
        {
            "action": action,
            "form": form,
            "reason_required": needs_reason,
            "changed_by_someone": changed_by_someone,
            "current_leads": " / ".join(lead.party.short_name for lead in leads),
        },
        status=400 if form.errors else 200,
    )
