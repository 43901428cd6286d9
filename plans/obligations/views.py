"""The duties and objectives a partnership's plan answers to (csa.Obligation): the list that
everyone in the partnership reads and its coordinator changes, a theme's tags, and the plan's
coverage on a day (actions.coverage)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from actions.coverage import RESPONSIBLE_AUTHORITY_KINDS, plan_coverage
from csa import services
from csa.models import Agreement, Obligation, Theme
from governance.access import access_for, can_manage_body, can_view_agreement
from governance.clock import today
from governance.middleware import address_in
from governance.models import Body, Organisation

from .forms import CoverageDayForm, ObligationForm, ThemeObligationsForm

REFUSED = "Only the partnership's coordinator can change its duties and objectives."


def _board(request) -> Body:
    """The partnership of the address (or the user's only one); 404 for anyone outside it."""
    access = access_for(request.user)
    board_id = getattr(request, "partnership_id", None) or access.chosen_board_id
    if board_id is None:
        raise Http404("Open this page from a partnership's own pages.")
    board = access.within(Body.objects.filter(pk=board_id, partnership__isnull=True), "pk")
    board = board.first()
    if board is None:
        raise Http404("No partnership of yours has this address.")
    return board


def _managed_board(request) -> Body:
    board = _board(request)
    if not can_manage_body(request.user, board):
        raise PermissionDenied(REFUSED)
    return board


def _obligation(request, pk) -> Obligation:
    board = _managed_board(request)
    return get_object_or_404(Obligation.objects.select_related("board"), pk=pk, board=board)


def obligation_list(request):
    board = _board(request)
    # A partnership made before the list existed, or by a year's file, gets the default set
    # the first time anyone looks (once: see obligations_ensure_defaults).
    services.obligations_ensure_defaults(board=board)
    obligations = list(
        Obligation.objects.filter(board=board)
        .annotate(action_count=Count("actions", distinct=True))
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("position")))
        .order_by("position", "name")
    )
    themes = list(
        Theme.objects.filter(board=board)
        .select_related("parent")
        .prefetch_related(
            Prefetch("obligations", queryset=Obligation.objects.order_by("position", "name"))
        )
        .order_by("position", "name")
    )
    agreements = [
        a
        for a in Agreement.objects.filter(board=board).order_by("-period_start")
        if can_view_agreement(request.user, a)
    ]
    return render(
        request,
        "plans/obligations/obligation_list.html",
        {
            "board": board,
            "obligations": obligations,
            "themes": themes,
            "agreements": agreements,
            "may_manage": can_manage_body(request.user, board),
        },
    )


@require_http_methods(["GET", "POST"])
def obligation_add(request):
    board = _managed_board(request)
    form = ObligationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obligation = services.obligation_create(
                board=board, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"“{obligation.name}” was added.")
            return redirect("plans:obligation_list")
    return render(
        request,
        "plans/obligations/obligation_form.html",
        {"board": board, "form": form, "obligation": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def obligation_edit(request, pk):
    obligation = _obligation(request, pk)
    initial = {
        "name": obligation.name,
        "kind": obligation.kind,
        "description": obligation.description,
    }
    form = ObligationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.obligation_update(
                obligation=obligation, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"“{obligation.name}” was changed.")
            return redirect("plans:obligation_list")
    return render(
        request,
        "plans/obligations/obligation_form.html",
        {"board": obligation.board, "form": form, "obligation": obligation},
        status=400 if form.errors else 200,
    )


@require_POST
def obligation_move(request, pk):
    obligation = _obligation(request, pk)
    services.obligation_move(
        obligation=obligation, up=request.POST.get("direction") == "up", user=request.user
    )
    return redirect("plans:obligation_list")


@require_http_methods(["GET", "POST"])
def obligation_delete(request, pk):
    obligation = _obligation(request, pk)
    problem = ""
    if request.method == "POST":
        try:
            services.obligation_delete(obligation=obligation, user=request.user)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            messages.success(request, f"“{obligation.name}” was removed.")
            return redirect("plans:obligation_list")
    return render(
        request,
        "plans/obligations/obligation_delete.html",
        {"obligation": obligation, "problem": problem},
        status=400 if problem else 200,
    )


@require_http_methods(["GET", "POST"])
def theme_obligations(request, pk):
    board = _managed_board(request)
    theme = get_object_or_404(Theme.objects.select_related("board", "parent"), pk=pk, board=board)
    form = ThemeObligationsForm(request.POST or None, theme=theme)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_obligations_set(
                theme=theme,
                obligations=form.cleaned_data["obligations"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"The duties and objectives of {theme} were saved.")
            return redirect("plans:obligation_list")
    return render(
        request,
        "plans/obligations/theme_obligations.html",
        {"theme": theme, "form": form},
        status=400 if form.errors else 200,
    )


def coverage(request, pk):
    agreement = get_object_or_404(Agreement.objects.select_related("board"), pk=pk)
    if not can_view_agreement(request.user, agreement):
        raise Http404("No such agreement.")
    services.obligations_ensure_defaults(board=agreement.board)  # as obligation_list does
    form = CoverageDayForm(request.GET or None)
    as_of = today()
    if form.is_bound and form.is_valid() and form.cleaned_data["as_of"]:
        as_of = form.cleaned_data["as_of"]
    covered = plan_coverage(request.user, agreement, as_of) if not form.errors else []
    return render(
        request,
        "plans/obligations/coverage.html",
        {
            "agreement": agreement,
            "form": form,
            "as_of": as_of,
            "coverage": covered,
            "uncovered": [c for c in covered if c.is_uncovered],
            "authority_kinds": [Organisation.Kind(k).label for k in RESPONSIBLE_AUTHORITY_KINDS],
            "may_manage": can_manage_body(request.user, agreement.board),
            # In the partnership's address, as the list needs one (an admin may be outside).
            "obligations_url": address_in(agreement.board.slug, "plans:obligation_list"),
        },
        status=400 if form.errors else 200,
    )
