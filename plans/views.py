"""The agreement pages: the plan, the plan as it stood, a year against the last, roll-over."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.editing.services import may_edit_details
from actions.models import Action, Status, restricted_from
from csa.models import Agreement
from governance.access import (
    access_for,
    can_load_agreement_files,
    can_manage_agreement,
    can_view_agreement,
)
from governance.clock import today

from . import history, services
from .compare import compare_states, compare_years
from .forms import AgreementFileForm, AsOfForm, CompareDatesForm, RolloverForm
from .history import HistoricalAction
from .importer import AgreementFileError
from .services import adoption_problems, rollover_problems

# ---------------------------------------------------------------------------------------------
# Access: who reaches an agreement is decided by governance.access; these only ask it.
# ---------------------------------------------------------------------------------------------


def _get_agreement_for_user(request, pk) -> Agreement:
    """The agreement, if the user belongs to its partnership; 404 otherwise (no leak)."""
    agreement = get_object_or_404(Agreement.objects.select_related("board", "previous"), pk=pk)
    if not can_view_agreement(request.user, agreement):
        raise Http404("No such agreement.")
    return agreement


def _visible(user):
    return lambda queryset: queryset.visible_to(user)


def _hidden_action_ids(user, agreement) -> set[int]:
    """Actions of the agreement that the restricted rule hides from the user, among those
    its history holds (deleted ones too), to keep them out of the as-it-stood views."""
    return set(
        HistoricalAction.objects.filter(agreement_id=agreement.pk)
        .filter(restricted_from(user, "id"))
        .values_list("id", flat=True)
        .distinct()
    )


# ---------------------------------------------------------------------------------------------
# The plan grouped by theme, for the page as it is now and as it stood.
# ---------------------------------------------------------------------------------------------


@dataclass
class PlanRow:
    pk: int
    reference: str
    description: str
    timescale: str
    leads: str
    target: str
    status: str
    may_edit: bool = False

    @property
    def status_label(self):
        return Status(self.status).label if self.status in Status.values else self.status


@dataclass
class ThemeGroup:
    name: str
    sort_key: tuple
    rows: list[PlanRow] = field(default_factory=list)


def _group_by_theme(items) -> list[ThemeGroup]:
    """`items` are (theme or None, theme as written, PlanRow); themes in the plan's order."""
    groups: dict = {}
    for theme, written, row in items:
        key = theme.pk if theme else None
        if key not in groups:
            if theme is None:
                sort_key = (10**9, 0)
            elif theme.parent_id:
                sort_key = (theme.parent.position, theme.position)
            else:
                sort_key = (theme.position, theme.position)
            groups[key] = ThemeGroup(
                name=written or (str(theme) if theme else "No theme"), sort_key=sort_key
            )
        groups[key].rows.append(row)
    return sorted(groups.values(), key=lambda g: g.sort_key)


def _current_plan(user, agreement):
    actions = (
        Action.objects.filter(agreement=agreement)
        .visible_to(user)
        .rows(today())
        .order_by("position", "reference")
    )
    items = []
    for action in actions:
        row = PlanRow(
            pk=action.pk,
            reference=action.reference,
            description=action.description,
            timescale=action.timescale,
            leads=action.leads_shown,
            target=action.target,
            status=action.status_on,
            may_edit=may_edit_details(user, action),
        )
        items.append((action.theme, action.theme_as_written, row))
    return _group_by_theme(items)


def _past_plan(then) -> list[ThemeGroup]:
    items = []
    for action in then.actions:
        record = action.record
        row = PlanRow(
            pk=record.id,
            reference=record.reference,
            description=record.description,
            timescale=record.timescale,
            leads=action.leads_text or record.leads_as_written,
            target=record.target,
            status=record.status,
        )
        items.append((record.theme if record.theme_id else None, record.theme_as_written, row))
    return _group_by_theme(items)


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def agreement_list(request):
    # Count only the actions the user may see (restricted bodies' are not theirs to count), in
    # one correlated subquery rather than a query per agreement.
    visible_count = (
        Action.objects.filter(agreement=OuterRef("pk"))
        .visible_to(request.user)
        .order_by()
        .values("agreement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    agreements = Agreement.objects.select_related("board", "previous").annotate(
        action_count=Coalesce(Subquery(visible_count, output_field=IntegerField()), 0)
    )
    agreements = access_for(request.user).within(agreements, "board_id")
    agreements = list(agreements.order_by("board__name", "-period_start"))
    rows = [
        {"agreement": a, "may_manage": can_manage_agreement(request.user, a)} for a in agreements
    ]
    return render(
        request,
        "plans/agreement_list.html",
        {"rows": rows, "may_upload": can_load_agreement_files(request.user)},
    )


def agreement_detail(request, pk):
    agreement = _get_agreement_for_user(request, pk)
    form = AsOfForm(request.GET or None)
    moment = None
    if form.is_bound and form.is_valid():
        moment = form.cleaned_data["at"]
    context = {
        "agreement": agreement,
        "form": form,
        "may_manage": can_manage_agreement(request.user, agreement),
        "moment": moment,
    }
    if moment is not None:
        then = history.agreement_as_of(
            agreement, moment, hidden_action_ids=_hidden_action_ids(request.user, agreement)
        )
        context.update(
            {
                "then": then,
                "past": then.agreement,
                "sections": then.sections,
                "groups": _past_plan(then) if then.agreement else [],
                # The typed moment as it came (the date boxes and the time, or a single ?at=),
                # for the links to each action's history to that moment.
                "at_query": urlencode(
                    [(k, v) for k, v in request.GET.items() if k == "at" or k.startswith("at_")]
                ),
            }
        )
    else:
        context.update(
            {
                "sections": list(agreement.sections.select_related("theme").order_by("position")),
                "groups": _current_plan(request.user, agreement),
                "next_agreement": Agreement.objects.filter(previous=agreement).first(),
                "rollover_refused": rollover_problems(agreement) if context["may_manage"] else [],
            }
        )
    return render(request, "plans/agreement_detail.html", context)


def agreement_compare(request, pk):
    agreement = _get_agreement_for_user(request, pk)
    if CompareDatesForm.asked_in(request.GET):
        return _compare_dates(request, agreement)
    context = {"agreement": agreement, "dates_form": CompareDatesForm()}
    if agreement.previous_id:
        previous = _get_agreement_for_user(request, agreement.previous_id)
        context["comparison"] = compare_years(previous, agreement, visible=_visible(request.user))
    return render(request, "plans/agreement_compare.html", context)


def _compare_dates(request, agreement):
    form = CompareDatesForm(request.GET)
    context = {"agreement": agreement, "dates_form": form}
    if form.is_valid():
        start, end = form.cleaned_data["from_"], form.cleaned_data["to"]
        hidden = _hidden_action_ids(request.user, agreement)
        before = history.agreement_as_of(agreement, start, hidden_action_ids=hidden)
        after = history.agreement_as_of(agreement, end, hidden_action_ids=hidden)
        context.update(
            {
                "start": start,
                "end": end,
                "before": before,
                "after": after,
                "differences": compare_states(before, after),
                "recorded": history.changes_between(
                    agreement, start, end, hidden_action_ids=hidden
                ),
            }
        )
    return render(request, "plans/agreement_compare_dates.html", context)


@require_http_methods(["GET", "POST"])
def agreement_rollover(request, pk):
    agreement = _get_agreement_for_user(request, pk)
    if not can_manage_agreement(request.user, agreement):
        raise PermissionDenied("Only the partnership's coordinator can roll the agreement over.")
    actions = list(
        Action.objects.filter(agreement=agreement)
        .select_related("theme__parent")
        .order_by("position", "reference")
    )
    refused = rollover_problems(agreement)
    form = RolloverForm(request.POST or None, actions=actions)
    if request.method == "POST" and not refused and form.is_valid():
        try:
            new = services.agreement_rollover(
                agreement=agreement, user=request.user, choices=form.choices()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"The {new.year_label} draft was started from {agreement.year_label}. "
                "Check its wording, then adopt it.",
            )
            return redirect("plans:agreement_detail", pk=new.pk)
    return render(
        request,
        "plans/agreement_rollover.html",
        {"agreement": agreement, "form": form, "refused": refused},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def agreement_adopt(request, pk):
    agreement = _get_agreement_for_user(request, pk)
    if not can_manage_agreement(request.user, agreement):
        raise PermissionDenied("Only the partnership's coordinator can adopt the agreement.")
    problems = adoption_problems(agreement)
    if request.method == "POST" and not problems:
        try:
            services.agreement_adopt(agreement=agreement, user=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, f"The {agreement.year_label} agreement is adopted.")
            return redirect("plans:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "plans/agreement_adopt.html",
        {"agreement": agreement, "problems": problems},
        status=400 if request.method == "POST" and problems else 200,
    )


def action_as_of(request, pk):
    action = Action.objects.select_related("agreement__board").get_visible(request.user, pk)
    # Its past may hold a restricted body's lead even when today's rows do not.
    hidden = HistoricalAction.objects.filter(id=action.pk).filter(
        restricted_from(request.user, "id")
    )
    if hidden.exists():
        raise Http404("No such action.")
    form = AsOfForm(request.GET or None)
    moment = None
    if form.is_bound and form.is_valid():
        moment = form.cleaned_data["at"]
    moment = moment or (None if form.errors else timezone.now())
    then = history.action_as_of(action, moment) if moment else None
    records = history.action_records(action, moment) if moment else []
    first = records[-1].history_date if records else None
    if moment and not records:
        first = (
            history.HistoricalAction.objects.filter(id=action.pk)
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
    return render(
        request,
        "plans/action_as_of.html",
        {
            "action": action,
            "form": form,
            "moment": moment,
            "then": then,
            "records": records,
            "first_recorded": first,
            "agreement_url": (
                reverse("plans:agreement_detail", args=[action.agreement_id])
                if action.agreement_id
                else ""
            ),
        },
    )


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for message in ValidationError(errors).messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# ---------------------------------------------------------------------------------------------
# A year's file uploaded in the browser: upload, preview (the dry run), confirm.
# ---------------------------------------------------------------------------------------------


_OUTCOME_HEADINGS = [
    ("created", "To create"),
    ("changed", "To change"),
    ("kept", "Not applied: changed in the tracker since it was loaded"),
    ("unchanged", "Left alone: already as the file says"),
]
_PROBLEM = re.compile(r"^(record \d+(?: \(.*?\))?)(?:: field '([^']+)')?: (.*)$", re.DOTALL)


@dataclass
class ProblemRow:
    record: str
    field: str
    message: str


def _problem_rows(problems) -> list[ProblemRow]:
    """The importer's problems ("record 3 (csa.theme SCB x): field 'name': ..."), split into
    the record, the field and what is wrong, for the table of the preview."""
    rows = []
    for problem in problems:
        match = _PROBLEM.match(problem)
        if match:
            rows.append(ProblemRow(match[1], match[2] or "", match[3]))
        else:
            rows.append(ProblemRow("The file", "", problem))
    return rows


def _may_upload(request):
    if not can_load_agreement_files(request.user):
        raise PermissionDenied(
            "Only a partnership's coordinator, or an administrator, can load a year's file."
        )


@require_http_methods(["GET", "POST"])
def agreement_upload(request):
    _may_upload(request)
    form = AgreementFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        pending = services.agreement_file_store(
            user=request.user, data=upload.read(), filename=upload.name
        )
        return redirect("plans:agreement_upload_preview", sha256=pending.sha256)
    return render(
        request,
        "plans/agreement_upload.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _preview_page(request, sha256, *, error="", status=200):
    try:
        pending = services.pending_load_for(user=request.user, sha256=sha256)
    except services.PendingLoadChangedError as changed:
        return render(
            request,
            "plans/agreement_upload.html",
            {"form": AgreementFileForm(), "error": str(changed)},
            status=409 if error else 404,
        )
    report, problems, groups = None, [], []
    try:
        report = services.agreement_file_preview(user=request.user, pending=pending)
    except AgreementFileError as refused:
        problems = refused.problems
    else:
        groups = [
            {"outcome": outcome, "heading": heading, "records": report.outcomes(outcome)}
            for outcome, heading in _OUTCOME_HEADINGS
        ]
    return render(
        request,
        "plans/agreement_upload_preview.html",
        {
            "pending": pending,
            "report": report,
            "problems": _problem_rows(problems),
            "groups": groups,
            "error": error,
            "form": AgreementFileForm(),
        },
        status=400 if problems and status == 200 else status,
    )


@require_GET
def agreement_upload_preview(request, sha256):
    _may_upload(request)
    return _preview_page(request, sha256)


@require_POST
def agreement_upload_confirm(request):
    _may_upload(request)
    sha256 = request.POST.get("sha256", "")
    try:
        report = services.agreement_file_load(user=request.user, sha256=sha256)
    except services.PendingLoadChangedError as changed:
        return render(
            request,
            "plans/agreement_upload.html",
            {"form": AgreementFileForm(), "error": str(changed)},
            status=409,
        )
    except AgreementFileError:
        # The database changed since the preview so that the file no longer loads: show why.
        return _preview_page(
            request,
            sha256,
            error="Nothing was loaded: the file no longer passes the checks (see below).",
            status=409,
        )
    messages.success(
        request,
        f"{report.path.rsplit('/', 1)[-1]} loaded: {report.created} created, "
        f"{report.changed} changed, {report.unchanged} already up to date"
        + (f", {report.kept} not applied" if report.kept else "")
        + ".",
    )
    if report.agreement_ids:
        return redirect("plans:agreement_detail", pk=report.agreement_ids[0])
    return redirect("plans:agreement_list")
