"""The reminders pages: a person's preference and calendar addresses, the calendar feeds,
update rounds, and the list of emails sent.

Objects come through helpers that check access (governance.selectors.get_meeting_for_user,
_get_round_for_user); every write goes through reminders.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.models import Action, UpdateRound
from governance.access import access_for, can_manage_body
from governance.clock import today
from governance.middleware import address_outside
from governance.selectors import get_meeting_for_user

from . import calendar, selectors, services
from .forms import PreferenceForm, RoundForm
from .models import ReminderPreference, ReminderSend
from .reach import LEADS, mark_rows

SENDS_PER_PAGE = 50


def _add_service_errors(form, error: ValidationError):
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        for message in ValidationError(errors).messages:
            form.add_error(key if key in form.fields else None, message)


# --- The person's own page -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def preferences(request):
    preference = selectors.preference_of(request.user)
    initial = {"frequency": preference.frequency, "weekday": preference.weekday}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_save(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, "Your reminder preference is saved.")
            return redirect("reminders:preferences")
    saved = preference.pk is not None
    feeds = []
    if saved:
        token = preference.feed_token
        feeds.append(
            (
                "The actions you lead",
                # Outside any partnership's address: a calendar program does not sign in.
                request.build_absolute_uri(address_outside("reminders:person_feed", token)),
            )
        )
        for board in selectors.partnership_feed_boards(request.user).order_by("name"):
            url = address_outside("reminders:partnership_feed", token, board.pk)
            feeds.append((f"The whole plan of the {board.name}", request.build_absolute_uri(url)))
    return render(
        request,
        "reminders/preferences.html",
        {"form": form, "preference": preference, "has_token": saved, "feeds": feeds},
    )


@require_POST
def feed_reset(request):
    had_one = ReminderPreference.objects.filter(user=request.user).exists()
    services.feed_token_reset(user=request.user)
    messages.success(
        request,
        "Your calendar address is changed: the old one no longer works. Subscribe again with "
        "the new one."
        if had_one
        else "Your calendar address is ready.",
    )
    return redirect(reverse("reminders:preferences") + "#calendar")


# --- Calendar feeds: no session, the secret in the address is the key ------------------------


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _preference_or_404(token):
    preference = selectors.preference_by_token(token)
    if preference is None:
        raise Http404("No such calendar.")
    return preference


@login_not_required
@require_GET
def person_feed(request, token):
    user = _preference_or_404(token).user
    actions = selectors.feed_actions(user, today())
    return _ics(calendar.feed(name="Actions I lead", actions=actions), "my-actions.ics")


@login_not_required
@require_GET
def partnership_feed(request, token, board_pk):
    user = _preference_or_404(token).user
    board = selectors.partnership_feed_boards(user).filter(pk=board_pk).first()
    if board is None:
        raise Http404("No such calendar.")
    actions = selectors.partnership_feed_actions(user, board, today())
    name = f"{board.short_name} action plan"
    return _ics(calendar.feed(name=name, actions=actions), f"{board.short_name}-actions.ics")


# --- Update rounds ---------------------------------------------------------------------------


def _get_round_for_user(user, pk) -> UpdateRound:
    update_round = (
        UpdateRound.objects.select_related("meeting__body__partnership", "agreement", "opened_by")
        .filter(pk=pk)
        .first()
    )
    if update_round is None:
        raise Http404("No such update round.")
    get_meeting_for_user(user, update_round.meeting_id)  # 404 unless the user may see it
    return update_round


@require_http_methods(["GET", "POST"])
def round_create(request, meeting_pk):
    meeting = get_meeting_for_user(request.user, meeting_pk)
    if not can_manage_body(request.user, meeting.body):
        raise PermissionDenied("Only the partnership's coordinator opens an update round.")
    agreement = selectors.round_agreement(meeting)
    candidates = (
        selectors.round_candidate_actions(meeting, agreement, request.user, today())
        if agreement is not None
        else Action.objects.none()
    )
    # Before anything is sent: who each action will be asked of, and those asked of no one.
    preview = list(candidates.select_related("agreement__board").prefetch_related(LEADS))
    not_reached = mark_rows(preview, meeting.body.board)
    initial = {"actions": preview}
    form = RoundForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_round = services.round_open(
                meeting=meeting, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _opened_message(update_round))
            return redirect("reminders:round_detail", pk=update_round.pk)
    return render(
        request,
        "reminders/round_form.html",
        {
            "meeting": meeting,
            "agreement": agreement,
            "form": form,
            "rows": preview,
            "not_reached": not_reached,
        },
    )


def _opened_message(update_round) -> str:
    """How many were emailed, about how many of the round's actions, and how many actions
    had no one to ask: "1 lead emailed" alone hid that most actions reached no one."""
    sends = update_round.sends.all()
    sent = sends.filter(state=ReminderSend.State.SENT)
    failed = sends.filter(state=ReminderSend.State.FAILED).count()
    total = update_round.actions.count()
    covered = update_round.actions.filter(reminder_sends__in=sent).distinct().count()
    asked = update_round.actions.filter(reminder_sends__in=sends).distinct().count()
    count = sent.count()
    message = (
        f"Update round opened: {count} lead{'s' if count != 1 else ''} emailed about "
        f"{covered} of {total} action{'s' if total != 1 else ''}."
    )
    if failed:
        message += (
            f" {failed} email{'s' if failed != 1 else ''} could not be sent: see who on the "
            "round's page."
        )
    if asked < total:
        missed = total - asked
        message += f" {missed} action{'s' if missed != 1 else ''} reached no one: see below."
    return message


def round_detail(request, pk):
    update_round = _get_round_for_user(request.user, pk)
    rows = selectors.round_rows(update_round, request.user, today())
    answered = sum(1 for row in rows if row.round_answered_at)
    can_manage = can_manage_body(request.user, update_round.meeting.body)
    # Who was asked about each action, and what became of their email: for the coordinator,
    # who chases the leads and can fix what reaches no one.
    not_reached = (
        mark_rows(
            rows,
            update_round.meeting.body.board,
            emailed=selectors.round_opening_emails(update_round),
        )
        if can_manage
        else []
    )
    return render(
        request,
        "reminders/round_detail.html",
        {
            "round": update_round,
            "meeting": update_round.meeting,
            "rows": rows,
            "answered": answered,
            "unanswered": len(rows) - answered,
            "can_manage": can_manage,
            "not_reached": not_reached,
            "reached": len(rows) - len(not_reached),
            "reminded_today": update_round.sends.filter(
                kind=ReminderSend.Kind.ROUND_REMINDER, day=today()
            ).exists(),
        },
    )


@require_POST
def round_remind(request, pk):
    update_round = _get_round_for_user(request.user, pk)
    counts = services.round_remind(update_round=update_round, user=request.user)
    if counts["sent"]:
        plural = "s" if counts["sent"] != 1 else ""
        messages.success(request, f"Reminder sent to {counts['sent']} lead{plural}.")
    elif counts["skipped"]:
        messages.info(request, "The leads who have not answered were already reminded today.")
    elif not counts["failed"]:
        messages.info(request, "Every lead has answered: nobody to remind.")
    if counts["failed"]:
        messages.error(
            request, f"{counts['failed']} reminder(s) could not be sent: see the emails sent."
        )
    return redirect("reminders:round_detail", pk=update_round.pk)


# --- What was sent ---------------------------------------------------------------------------


def send_list(request):
    if not access_for(request.user).manages_a_partnership:
        raise PermissionDenied("Only a partnership's coordinator sees the emails sent.")
    page_obj = Paginator(selectors.sends_for(request.user), SENDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reminders/send_list.html",
        {"page_obj": page_obj, "sends": list(page_obj.object_list), "querystring_without_page": ""},
    )
