"""The chair's pages: the dashboard, the filtered list, its exports and the board report.

Read-only: nothing here writes to the database. Every figure comes from actions/reporting.py
or ActionFilter, which start from Action.objects.visible_to(user). A bad parameter (an unknown
status, a date such as 2018-02-30, an agreement that does not exist or is not the user's)
shows the page's error summary with status 400, never an unfiltered page.
"""

import datetime
import functools
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property

from csa.models import Agreement
from governance.freshness import lazy_context, page_key, read_parts, remembered

from .. import exports, reporting
from ..coverage import coverage_of
from ..forms import ProgressFileForm
from ..models import Action, today
from ..paging import CountedPaginator, OpenEndedPaginator
from ..rounds import round_marks
from ..rows import action_rows
from ..spreadsheet import services as upload_services
from . import charts
from .filters import ActionFilter, BoardReportForm, PlanDayForm
from .year import year_of
from .year_chart import year_chart

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")

# Said on every page that shows a plan "as of" a day: which of the two clocks it is.
CLOCK_EXPLANATION = (
    "the status each action had on that day in the world: the one set by its latest "
    "progress update dated on or before it, whenever that update was recorded"
)


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _plan_context(user, form, agreement, as_of):
    """What every as-of page shares: the header form, the clock and the list's base query."""
    return {
        "form": form,
        "agreement": agreement,
        "as_of": as_of,
        "is_today": as_of == today(),
        "clock_explanation": CLOCK_EXPLANATION,
        "before_period": agreement is not None and as_of < agreement.period_start,
        "after_period": agreement is not None and as_of > agreement.period_end,
        "base_query": _query(agreement=agreement.pk, as_of=as_of.isoformat()) if agreement else "",
        "boards": list(reporting.boards_visible_to(user)),
        "due_soon_days": settings.DUE_SOON_DAYS,
        "stale_after_days": settings.STALE_AFTER_DAYS,
        "statuses": reporting.STATUS_ORDER,
    }


class DashboardFigures:
    """Every figure of the dashboard, each worked out on first use, so that a page whose
    figures are cached (governance.freshness) runs none of their queries."""

    def __init__(self, user, agreement, as_of):
        self.user, self.agreement, self.as_of = user, agreement, as_of

    @cached_property
    def actions(self):
        # Fetched once; every figure and table of the page is worked out from these rows.
        return reporting.plan_on_day(self.user, self.agreement, self.as_of)

    @cached_property
    def theme_rows(self):
        return reporting.theme_matrix(self.actions)

    @cached_property
    def counts(self):
        return reporting.headline_counts(self.actions)

    @cached_property
    def overdue(self):
        return reporting.overdue_in(self.actions)

    @cached_property
    def exceptions(self):
        return reporting.exceptions_in(self.actions)

    @cached_property
    def action_ids(self):
        """The plan's actions the user may see, as plan_on_day read them: the other figures
        ask their queries of these, not of the visibility rule again."""
        return [row.pk for row in self.actions]

    @cached_property
    def slips(self):
        return reporting.slips(self.user, self.agreement, self.as_of, action_ids=self.action_ids)

    @cached_property
    def lead_rows(self):
        return reporting.lead_matrix(self.actions)

    @cached_property
    def chart(self):
        return charts.status_by_theme(self.theme_rows)

    @cached_property
    def year(self):
        """Open, overdue and at-risk actions month by month (year.py), from the plan's rows
        and two queries of their own (the rows' updates and moves)."""
        return year_chart(year_of(self.user, self.agreement, self.as_of, plan_rows=self.actions))

    @cached_property
    def arising(self):
        return reporting.arising_outside_plans(self.user, self.agreement.board, self.as_of)


# What the dashboard's template reads: _plan_context's names and the figures.
DASHBOARD_NAMES = (
    "form", "agreement", "as_of", "is_today", "clock_explanation", "before_period",
    "after_period", "base_query", "boards", "due_soon_days", "stale_after_days", "statuses",
    "figures",
)  # fmt: skip


def dashboard(request):
    user = request.user

    @functools.cache
    def worked_out():
        """(context, status): only when the page's parts are not cached."""
        form = PlanDayForm(request.GET, user=user)
        if not form.is_valid():
            return _plan_context(user, form, None, today()), 400
        agreement, as_of = form.cleaned_data["agreement"], form.cleaned_data["as_of"]
        context = _plan_context(user, form, agreement, as_of)
        if agreement is not None:
            context["figures"] = DashboardFigures(user, agreement, as_of)
        return context, 200

    # The same viewer and URL show the same page until the data or the day changes
    # (governance.freshness): the title and the content are cached parts, and the context
    # behind them is worked out only when one of them is missing.
    cache_key = page_key(user, "dashboard", request.GET.urlencode())
    read_parts(cache_key, ("dashboard_title", "dashboard"), [f"dashboard-status:{cache_key}"])
    status = remembered(f"dashboard-status:{cache_key}", lambda: worked_out()[1])
    context = lazy_context(worked_out, DASHBOARD_NAMES)
    return render(
        request,
        "actions/dashboard/dashboard.html",
        {**context, "cache_key": cache_key},
        status=status,
    )


def _action_filter(request):
    """The list's filters from the URL; no agreement given means the user's current one."""
    data = request.GET.copy()
    data.pop("page", None)
    if "agreement" not in data:
        current = reporting.default_agreement(request.user)
        if current is not None:
            data["agreement"] = str(current.pk)
    return ActionFilter(data, queryset=Action.objects.visible_to(request.user), user=request.user)


def _list_context(filterset):
    data = filterset.data.copy()
    return {
        "filter": filterset,
        "form": filterset.form,
        "querystring_without_page": data.urlencode(),
        "statuses": reporting.STATUS_ORDER,
        "clock_explanation": CLOCK_EXPLANATION,
    }


# What the list's template reads: _list_context's names and the results (the progress form
# is drawn outside the cached parts, below).
LIST_NAMES = (
    "filter", "form", "querystring_without_page", "statuses", "clock_explanation", "page_obj",
    "actions", "as_of", "agreement", "is_today", "export_query",
)  # fmt: skip


def action_list(request):
    user = request.user

    @functools.cache
    def worked_out():
        """(context, status): only when the page's parts are not cached."""
        filterset = _action_filter(request)
        context = _list_context(filterset)
        if not filterset.is_valid():
            return context, 400
        as_of = filterset.as_of_date
        agreement = filterset.agreement_chosen
        if filterset.spans_partnerships:
            page = OpenEndedPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
            rows = SimpleLazyObject(lambda: action_rows(page.object_list))
        else:
            page = CountedPaginator(filterset.qs, PAGE_SIZE, agreements=(agreement,)).get_page(
                request.GET.get("page")
            )
            rows = page.object_list  # ActionRows already
        context.update(
            page_obj=page,
            actions=rows,
            as_of=as_of,
            agreement=agreement,
            is_today=as_of == today(),
            export_query=filterset.data.urlencode(),
            progress_form=_plan_progress_form(user, agreement),
            progress_download_url=agreement
            and f"{reverse('actions:progress_download')}?agreement={agreement.pk}",
        )
        return context, 200

    # As the dashboard: the same filters, page and viewer show the same parts until the data
    # or the day changes, and nothing behind them is worked out when they are cached.
    cache_key = page_key(user, "action_list", request.GET.urlencode())
    read_parts(
        cache_key,
        ("action_list_title", "action_list", "action_list_rows"),
        [f"action-list-outcome:{cache_key}"],
    )

    def outcome():
        context, status = worked_out()
        # The progress form carries the viewer's CSRF token, so it is drawn every time,
        # outside the cached parts: kept here is only which plan it is for.
        plan = context.get("agreement") if context.get("progress_form") else None
        return status, plan.pk if plan else None

    status, plan_id = remembered(f"action-list-outcome:{cache_key}", outcome)
    context = lazy_context(worked_out, LIST_NAMES)
    plan = Agreement.objects.filter(pk=plan_id).first() if plan_id else None
    context["progress_form"] = _plan_progress_form(user, plan)
    context["progress_download_url"] = (
        plan and f"{reverse('actions:progress_download')}?agreement={plan.pk}"
    )
    return render(
        request,
        "actions/dashboard/action_list.html",
        {**context, "cache_key": cache_key, "invalid": status == 400},
        status=status,
    )


def _plan_progress_form(user, agreement):
    """The plan's progress spreadsheet form, for its coordinator; else None."""
    if agreement is None or not upload_services.may_use_plan_spreadsheet(user, agreement):
        return None
    return ProgressFileForm(initial={"scope": upload_services.agreement_scope(agreement)})


def action_export(request, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404("We can export the list as CSV or XLSX.")
    filterset = _action_filter(request)
    if not filterset.is_valid():
        return render(
            request, "actions/dashboard/action_list.html", _list_context(filterset), status=400
        )
    as_of = filterset.as_of_date
    agreement = filterset.agreement_chosen
    scope = f"{agreement.board.short_name}-{agreement.year_label}" if agreement else "all"
    filename = f"actions-{scope}-as-of-{as_of:%Y-%m-%d}".replace(" ", "-")
    respond = exports.csv_response if fmt == "csv" else exports.xlsx_response
    return respond(filterset.qs, as_of=as_of, filename=filename)


# --- The board report ------------------------------------------------------------------------


def _board_report_context(request):
    """The report's context, or (None, context with the form's errors)."""
    form = BoardReportForm(request.GET, user=request.user)
    if not form.is_valid():
        return False, _plan_context(request.user, form, None, today())
    agreement, as_of = form.cleaned_data["agreement"], form.cleaned_data["as_of"]
    context = _plan_context(request.user, form, agreement, as_of)
    if agreement is None:
        return True, context
    since = form.cleaned_data.get("since")
    meeting = None
    if since is None:
        meeting = reporting.last_meeting_before(agreement, as_of)
        since = meeting.date if meeting else agreement.period_start - datetime.timedelta(days=1)
    user = request.user
    actions = reporting.plan_on_day(user, agreement, as_of)
    action_ids = [row.pk for row in actions]  # the figures below ask of these, as read
    context.update(
        since=since,
        since_meeting=meeting,
        counts=reporting.headline_counts(actions),
        overdue=reporting.overdue_in(actions),
        exceptions=reporting.exceptions_in(actions),
        slips=reporting.slips(user, agreement, as_of, since=since, action_ids=action_ids),
        at_risk=reporting.at_risk_in(actions),
        completed=reporting.completed_in(actions, since),
        report_query=_query(
            agreement=agreement.pk,
            as_of=as_of.isoformat(),
            since=form.cleaned_data.get("since") and since.isoformat(),
        ),
        pdf_available=pdf_available(),
        # The update round for the board's meeting on the report's day, if one was opened.
        update_round=round_marks(body=agreement.board, meeting_date=as_of, user=user),
        generated_on=today(),
    )
    context["coverage"] = coverage_of(agreement, actions)  # the duties and objectives
    # Month by month.
    context["year"] = year_chart(year_of(user, agreement, as_of, plan_rows=actions))
    context["coverage_uncovered"] = [item for item in context["coverage"] if item.is_uncovered]
    return True, context


def board_report(request):
    ok, context = _board_report_context(request)
    return render(request, "actions/dashboard/report.html", context, status=200 if ok else 400)


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the Python package without Pango
        return False
    return True


def board_report_pdf(request):
    if not pdf_available():
        raise Http404("PDF output needs WeasyPrint, which is not installed here.")
    ok, context = _board_report_context(request)
    if not ok or context.get("agreement") is None:
        return render(
            request, "actions/dashboard/report.html", context, status=400 if not ok else 200
        )
    html = render_to_string("actions/dashboard/report.html", {**context, "for_pdf": True}, request)
    agreement = context["agreement"]
    response = HttpResponse(exports.html_to_pdf(html), content_type="application/pdf")
    filename = (
        f"board-report-{agreement.board.short_name}-{agreement.year_label}"
        f"-as-of-{context['as_of']:%Y-%m-%d}.pdf"
    ).replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
