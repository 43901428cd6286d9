"""A group's pages: the groups a person oversees, and a group's dashboard across its
partnerships, read-only. Nothing here writes.

A group's page is opened through one door, _enter: the group must be the user's to oversee
(or the user an admin), else 404; then the access module reads the request in the group's
scope, so every figure below comes from its within() and visible_to.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from governance.access import enter_group, group_of_address, groups_visible_to
from governance.middleware import address_in, address_outside
from governance.models import PartnershipGroup

from ..dashboard.views import CLOCK_EXPLANATION, _query
from ..models import today
from . import figures
from .forms import GroupDayForm

LEADS_PER_PAGE = 25


@require_GET
def group_list(request):
    if getattr(request, "partnership_id", None):
        return redirect(address_outside("actions:group_list"))
    groups = list(groups_visible_to(request.user).prefetch_related("partnerships"))
    if not groups:
        raise Http404("You oversee no group of partnerships.")
    return render(request, "actions/groups/group_list.html", {"groups": groups})


def _enter(request, slug) -> PartnershipGroup:
    group_id = group_of_address(request.user, slug)
    if group_id is None:
        raise Http404("No group of yours has this address.")
    enter_group(request.user, group_id)
    return PartnershipGroup.objects.get(pk=group_id)


@require_GET
def group_dashboard(request, slug):
    if getattr(request, "partnership_id", None):
        return redirect(address_outside("actions:group_dashboard", slug))
    user = request.user
    group = _enter(request, slug)
    form = GroupDayForm(request.GET or None, user=user)
    context = {"group": group, "form": form, "clock_explanation": CLOCK_EXPLANATION}
    if form.is_bound and not form.is_valid():
        return render(request, "actions/groups/group_dashboard.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    as_of = data.get("as_of") or today()
    partnership, lead = data.get("partnership"), data.get("lead")
    actions = figures.read_once(
        figures.plans_in_scope(user, as_of, board=partnership, organisation=lead)
    )
    partnerships, themes = figures.by_partnership_and_theme(actions, as_of)
    lead_query = {"lead": f"org:{lead.pk}"} if lead else {}
    for row in partnerships:
        # Each figure opens the partnership's own list, as of the same day, filtered alike.
        base = address_in(row.slug, "actions:action_list") + "?"
        base += _query(agreement=row.agreement_id, as_of=as_of.isoformat(), **lead_query)
        row.extra = {
            "all": base,
            "overdue": f"{base}&flag=overdue",
            "at_risk": f"{base}&status=at_risk&status=off_track",
            "stale": f"{base}&flag=stale",
        }
    obligations = figures.by_obligation(
        actions, as_of, figures.boards_in_scope(user, board=partnership)
    )
    # An obligation's row counts several partnerships' own duties: its way in is each
    # partnership's coverage page, which lists the actions under each duty on the same day.
    coverage_links = [
        (
            row.name,
            address_in(row.slug, "plans:coverage", row.agreement_id)
            + "?"
            + _query(as_of=as_of.isoformat()),
        )
        for row in partnerships
    ]
    leads = Paginator(figures.by_lead_organisation(actions, as_of), LEADS_PER_PAGE)
    leads_page = leads.get_page(request.GET.get("page"))
    others = request.GET.copy()
    others.pop("page", None)
    context.update(
        as_of=as_of,
        is_today=as_of == today(),
        partnership=partnership,
        lead=lead,
        partnerships=partnerships,
        totals=_totals(partnerships),
        themes=themes,
        obligations=obligations,
        unserved=[row.name for row in obligations if not row.total],
        coverage_links=coverage_links,
        page_obj=leads_page,
        querystring_without_page=others.urlencode(),
        day_query=_query(as_of=as_of.isoformat()),
    )
    return render(request, "actions/groups/group_dashboard.html", context)


def _totals(rows) -> figures.Figures:
    total = figures.Figures(key=None, name="All partnerships")
    for row in rows:
        total.total += row.total
        total.overdue += row.overdue
        total.at_risk += row.at_risk
        total.stale += row.stale
    return total
