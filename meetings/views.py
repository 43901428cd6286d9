"""The governance pages: bodies, the partnership map, meetings, the agenda helper, chairs.

Every object is fetched through a helper that checks access (selectors.get_body_for_user,
get_meeting_for_user); every write goes through governance.services or meetings.services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from actions.models import Action
from actions.rounds import round_marks
from governance import graph
from governance import selectors as governance_selectors
from governance import services as governance_services
from governance.access import access_for, can_manage_body, can_view_body_data
from governance.clock import today
from governance.models import ReportingLine

from . import selectors, services
from .forms import (
    ActionArisingForm,
    AgendaForm,
    ChairChangeForm,
    MeetingForm,
    ProgressLinkForm,
    ProgressRecordForm,
)


def _restricted(request, body, status=403):
    return render(request, "meetings/restricted.html", {"body": body}, status=status)


def _require_manager(request, body):
    if not can_manage_body(request.user, body):
        raise PermissionDenied("Only the partnership's coordinator records this.")


def body_list(request):
    bodies = list(
        governance_selectors.visible_bodies(request.user)
        .prefetch_related("chairs__person")
        .order_by("name")
    )
    day = today()
    boards = [b for b in bodies if b.partnership_id is None]
    rows = []
    for body in bodies:
        chair = governance_services.current_chair_on(body.chairs.all(), day)
        rows.append({"body": body, "chair": chair})
    return render(request, "meetings/body_list.html", {"rows": rows, "boards": boards})


def body_detail(request, pk):
    body = governance_selectors.get_body_for_user(request.user, pk)
    page = selectors.body_page(body, request.user, today())
    return render(request, "meetings/body_detail.html", {"page": page, "body": body})


def organisation_detail(request, pk):
    organisation = selectors.get_organisation_for_user(request.user, pk)
    context = selectors.organisation_page(organisation, request.user, today())
    return render(
        request,
        "meetings/organisation_detail.html",
        {"organisation": organisation, **context},
    )


def partnership_map(request, board_pk=None):
    access = access_for(request.user)
    boards = governance_selectors.visible_bodies(request.user).filter(partnership__isnull=True)
    if board_pk is not None:
        board = boards.filter(pk=board_pk).first()
        if board is None:
            raise Http404("No such board in your partnership.")
    else:
        board = boards.order_by("name").first()
        if board is None:
            return render(request, "meetings/map.html", {"board": None, "access": access})
    bodies = list(governance_selectors.partnership_bodies(board).order_by("name"))
    lines = list(
        ReportingLine.objects.filter(from_body__in=bodies, to_body__in=bodies)
        .select_related("from_body", "to_body")
        .order_by("from_body__name", "to_body__name")
    )
    drawing = graph.layout(
        bodies, [(line.from_body_id, line.to_body_id, line.description) for line in lines]
    )
    with_lines = {line.from_body_id for line in lines} | {line.to_body_id for line in lines}
    return render(
        request,
        "meetings/map.html",
        {
            "board": board,
            "boards": list(boards.order_by("name")),
            "drawing": drawing,
            "lines": lines,
            "unconnected": [b for b in bodies if b.pk not in with_lines],
            "bodies": bodies,
        },
    )


def meeting_detail(request, pk):
    meeting = governance_selectors.get_meeting_for_user(request.user, pk)
    context = selectors.meeting_page(meeting, request.user)
    return render(request, "meetings/meeting_detail.html", {"meeting": meeting, **context})


@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    body = governance_selectors.get_body_for_user(request.user, pk)
    _require_manager(request, body)
    form = MeetingForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = governance_services.meeting_create(
                body=body, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Meeting of {meeting.date:%-d %B %Y} recorded.")
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"body": body, "form": form})


@require_http_methods(["GET", "POST"])
def meeting_action_create(request, pk):
    meeting = governance_selectors.get_meeting_for_user(request.user, pk)
    _require_manager(request, meeting.body)
    form = ActionArisingForm(request.POST or None, board=meeting.body.board)
    agreement = services.agreement_for_meeting(meeting)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_arising_create(
                meeting=meeting,
                description=form.cleaned_data["description"],
                leads=form.leads,
                due_date=form.cleaned_data["due_date"],
                timescale=form.cleaned_data["timescale"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error, {"leads": "lead_organisations"})
        else:
            messages.success(request, f"Action arising {action.reference} recorded.")
            return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#arising")
    return render(
        request,
        "meetings/meeting_action_form.html",
        {"meeting": meeting, "form": form, "agreement": agreement},
    )


@require_http_methods(["GET", "POST"])
def meeting_progress_link(request, pk):
    meeting = governance_selectors.get_meeting_for_user(request.user, pk)
    _require_manager(request, meeting.body)
    form = ProgressLinkForm(
        request.POST or None, updates=selectors.linkable_updates(meeting, request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            linked = services.progress_received_link(
                meeting=meeting, updates=form.cleaned_data["updates"], user=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            plural = "" if linked == 1 else "s"
            messages.success(request, f"{linked} progress update{plural} linked to the meeting.")
            return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#progress")
    return render(
        request, "meetings/meeting_progress_link.html", {"meeting": meeting, "form": form}
    )


@require_http_methods(["GET", "POST"])
def meeting_progress_create(request, pk):
    meeting = governance_selectors.get_meeting_for_user(request.user, pk)
    _require_manager(request, meeting.body)
    agreement = services.agreement_for_meeting(meeting)
    actions = (
        selectors.overseen_actions(meeting.body, agreement)
        .visible_to(request.user)
        .order_by("position", "reference")
        if agreement is not None
        else Action.objects.none()
    )
    form = ProgressRecordForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_received_record(
                meeting=meeting,
                action=form.cleaned_data["action"],
                user=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Progress received at the meeting recorded.")
            return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#progress")
    return render(
        request,
        "meetings/meeting_progress_form.html",
        {"meeting": meeting, "form": form, "agreement": agreement},
    )


def agenda(request, pk):
    body = governance_selectors.get_body_for_user(request.user, pk)
    if not can_view_body_data(request.user, body):
        return _restricted(request, body)
    form = AgendaForm(request.GET or {"date": today().isoformat()})
    context = {"body": body, "form": form, "items": None}
    if form.is_valid():
        meeting_date = form.cleaned_data["date"]
        agreement, last, items = selectors.agenda(body, request.user, meeting_date)
        context.update(
            meeting_date=meeting_date,
            agreement=agreement,
            previous=last,
            items=items,
            update_round=round_marks(body=body, meeting_date=meeting_date, user=request.user),
        )
    return render(request, "meetings/agenda.html", context)


@require_http_methods(["GET", "POST"])
def chair_change(request, pk):
    body = governance_selectors.get_body_for_user(request.user, pk)
    _require_manager(request, body)
    form = ChairChangeForm(request.POST or None, body=body)
    current = governance_services.current_chair_on(
        list(body.chairs.select_related("person__organisation")), today()
    )
    if request.method == "POST" and form.is_valid():
        try:
            chair = governance_services.chair_change(
                body=body, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"{chair.person.name} chairs the {body.short_name} from {chair.start:%-d %B %Y}.",
            )
            return redirect("meetings:body_detail", pk=body.pk)
    return render(
        request, "meetings/chair_form.html", {"body": body, "form": form, "current": current}
    )
