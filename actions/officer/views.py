"""The officer's pages: my actions, an action, and the form that records progress on it.

Permissions are decided in governance.access only: an action the user cannot see is a 404, one
they can see but not update is a 403 on the update form, whatever the method.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from governance.access import can_update
from governance.freshness import page_key, part_is_cached
from governance.middleware import address_in, address_outside

from ..editing.services import may_edit_details
from ..forms import MyActionsFilterForm, ProgressFileForm, ProgressUpdateForm
from ..models import Action, today
from ..selectors import (
    Scope,
    action_for_page,
    action_timeline,
    group_by_agreement_and_theme,
    latest_update,
    looked_after,
    my_actions_across,
    my_actions_elsewhere,
    my_actions_scope,
    my_partnerships,
    rows_for,
    themes_for,
)
from ..selectors import my_actions as my_actions_queryset
from ..services import NOTE_MAX_LENGTH, ActionChangedError, progress_update_create
from ..spreadsheet.services import MY_ACTIONS

ACTIONS_PER_PAGE = 100
SAVED_BY_YOU = (
    "You saved an update to this action in another tab or window after you opened this form. "
    "Read it below, then submit this one again if it still stands."
)


@require_GET
def home(request):
    return redirect("actions:my_actions")


@require_GET
def my_actions(request):
    """The actions the user looks after: in a partnership's address, that partnership's;
    outside any, for a person in several, all of theirs at once, by partnership, each row
    linking to its action in its own partnership's address."""
    user = request.user
    as_of = today()
    across = my_actions_across(user)
    form = MyActionsFilterForm(
        request.GET or None, themes=themes_for(user), with_partnership=across
    )
    status = theme = None
    every_plan = False
    if form.is_bound:
        form.is_valid()
        status, theme = form.valid_value("status"), form.valid_value("theme")
        every_plan = form.valid_value("plans") == "all"
    filters = {"status": status or "", "theme": theme, "every_plan": every_plan}
    actions = my_actions_queryset(user, as_of=as_of, **filters)
    page_obj = Paginator(actions, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = rows_for(page_obj.object_list, user)
    other_params = request.GET.copy()
    other_params.pop("page", None)
    if across:
        partnerships = [
            (line, address_in(line.slug, "actions:my_actions"))
            for line in my_partnerships(user, looked_after(user, as_of=as_of, **filters))
        ]
        reads_only = all(line.scope is Scope.ALL_TO_READ for line, _ in partnerships)
    else:
        partnerships = []
        reads_only = my_actions_scope(user) is Scope.ALL_TO_READ
    response = render(
        request,
        "actions/my_actions.html",
        {
            "form": form,
            "scope": my_actions_scope(user).value,
            "across": across,
            "partnerships": partnerships,
            # In a partnership's address, for a person in several: the page across them.
            "across_url": address_outside("actions:my_actions")
            if my_actions_elsewhere(user)
            else "",
            "groups": group_by_agreement_and_theme(rows),
            "page_obj": page_obj,
            "querystring_without_page": other_params.urlencode(),
            "filtered": bool(status or theme),
            "show_update_column": not reads_only or any(row.user_can_update for row in rows),
            "as_of": as_of,
            "due_soon_days": settings.DUE_SOON_DAYS,
            "stale_after_days": settings.STALE_AFTER_DAYS,
            "list_url": request.get_full_path(),
            # The spreadsheet's pages (download, upload, preview) are a partnership's: outside
            # any address a person in several is asked which, and a reference (A1) names an
            # action in each partnership. Offered on each partnership's My actions only.
            "progress_form": None if across else ProgressFileForm(initial={"scope": MY_ACTIONS}),
        },
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def action_detail(request, pk):
    if request.GET.get("at"):
        # "As it stood" is the plan's history view (plans, above this app): by URL name only.
        query = request.GET.urlencode()
        return redirect(f"{reverse('plans:action_as_of', args=[pk])}?{query}")
    user = request.user

    @functools.cache
    def action_or_404():
        try:
            return action_for_page(user, pk, as_of=today())
        except Action.DoesNotExist:
            raise Http404("No action found") from None

    # Worked out only when the page's parts are not cached (governance.freshness); whether
    # the user may see the action is asked first, so that a 404 is a 404.
    action = SimpleLazyObject(action_or_404)
    cache_key = page_key(user, "action_detail", pk)
    if not part_is_cached("action_detail", cache_key):
        action_or_404()
    return render(
        request,
        "actions/action_detail.html",
        {
            "cache_key": cache_key,
            "action": action,
            "leads": SimpleLazyObject(lambda: list(action_or_404().leads.all())),
            "timeline": SimpleLazyObject(lambda: action_timeline(action_or_404(), user)),
            "user_can_update": SimpleLazyObject(lambda: action_or_404().user_can_update),
            # The edit page's own rule: a superseded year's actions are offered to nobody.
            "user_can_edit": SimpleLazyObject(lambda: may_edit_details(user, action_or_404())),
        },
    )


@require_http_methods(["GET", "POST"])
def action_update(request, pk):
    action = _get_action_for_user(request, pk)
    if not can_update(request.user, action, lead_rows=list(action.leads.all())):
        return render(request, "actions/cannot_update.html", {"action": action}, status=403)

    inline = _is_inline(request, action)
    next_url = _safe_next_url(request)
    changed_by_someone_else = None
    saved_by_you = False
    # Inline, several forms can be open in one page: their ids must not collide.
    auto_id = f"action-{action.pk}-%s" if inline else "id_%s"
    if request.method == "POST":
        form = ProgressUpdateForm(request.POST, auto_id=auto_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                progress_update_create(
                    action=action,
                    author=request.user,
                    status=data["status"],
                    note=data["note"],
                    outcome=data["outcome"],
                    date=data["date"],
                    expected_version=data["version"],
                )
            except ActionChangedError as error:
                action.refresh_from_db(fields=["status", "version"])
                form.show_version(action.version)
                changed_by_someone_else = latest_update(action)
                # The same person in a second tab is not "someone else": say it was them.
                saved_by_you = getattr(changed_by_someone_else, "author_id", None) == (
                    request.user.pk
                )
                if saved_by_you:
                    form.add_error(None, SAVED_BY_YOU)
                else:
                    form.add_service_errors(error)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                # The action's status, not the update's: an update about an earlier day does
                # not replace a later one.
                confirmation = (
                    f"Update saved: {action.reference} is now {action.get_status_display()}."
                )
                if inline:
                    return _updated_row(request, action, confirmation, next_url)
                messages.success(request, confirmation)
                return redirect(next_url or reverse("actions:action_detail", args=[action.pk]))
    else:
        form = ProgressUpdateForm(initial=ProgressUpdateForm.initial_for(action), auto_id=auto_id)

    context = {
        "action": action,
        "form": form,
        "next_url": next_url,
        "cancel_url": next_url or reverse("actions:action_detail", args=[action.pk]),
        "latest_update": changed_by_someone_else or latest_update(action),
        "changed_by_someone_else": changed_by_someone_else,
        "saved_by_you": saved_by_you,
        "note_max_length": NOTE_MAX_LENGTH,
        "inline": inline,
    }
    template = "actions/action_update.html"
    if inline:
        template = "actions/my_actions.html#inline_update_form"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _get_action_for_user(request, pk) -> Action:
    return (
        Action.objects.select_related("agreement__board", "theme__parent")
        .prefetch_related("leads__organisation", "leads__body")
        .get_visible(request.user, pk)
    )


def _is_inline(request, action) -> bool:
    """htmx asked for the form in place of the action's rows (its <tbody>) in "my actions"."""
    return bool(request.htmx) and request.htmx.target == f"action-{action.pk}"


def _updated_row(request, action, confirmation, list_url):
    row = rows_for(Action.objects.filter(pk=action.pk).rows(today()), request.user)[0]
    response = render(
        request,
        "actions/my_actions.html#updated_row",
        {
            "action": row,
            "show_update_column": True,
            "confirmation": confirmation,
            "list_url": list_url or reverse("actions:my_actions"),
        },
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _safe_next_url(request) -> str:
    """Where to go back to after saving: a page of this site only, never somewhere else."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""
