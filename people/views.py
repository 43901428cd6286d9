"""People: invitations, the coordinator's People page, adding a partnership, choosing one.

Who may do what is asked of governance.access; what may be given is checked again in
people.services, so that a hand-made POST is refused (403) and writes nothing.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.access import access_for, can_manage_people
from governance.middleware import address_in, partnership_address
from governance.models import Body, Membership, Role
from governance.selectors import partnership_bodies
from govuk.forms import add_service_errors

from . import services
from .forms import AcceptForm, InviteForm, PartnershipForm, ReasonForm, RoleChangeForm
from .models import Invitation


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _board_for_manager(request) -> Body:
    """The partnership in the address (governance.middleware), whose people the user
    manages, or 403. Outside any address, a person's only partnership."""
    access = access_for(request.user)
    board_id = getattr(request, "partnership_id", None) or access.chosen_board_id
    board = Body.objects.filter(pk=board_id, partnership__isnull=True).first()
    if board is None or not can_manage_people(request.user, board):
        raise PermissionDenied("Only the partnership's coordinator or an admin manages its people.")
    return board


def _refuse_unless(condition: bool, message: str):
    if not condition:
        raise PermissionDenied(message)


# --- The People page -----------------------------------------------------------------------


def people(request):
    outside = getattr(request, "partnership_id", None) is None
    if outside and access_for(request.user).spans_every_partnership:
        # An admin across partnerships: which partnership's people?
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('people:partnership_choose')}?{query}")
    board = _board_for_manager(request)
    roles = list(
        Role.objects.filter(board=board)
        .select_related("user__person__organisation")
        .order_by("user__last_name", "user__first_name", "user__username", "kind")
    )
    bodies = partnership_bodies(board)
    memberships = list(
        Membership.objects.filter(body__in=bodies)
        .select_related("person__user", "body")
        .order_by("person__name", "body__name")
    )
    # One row per account with a role; members without an account are listed after.
    rows: dict[int, dict] = {}
    for role in roles:
        row = rows.setdefault(role.user_id, {"user": role.user, "roles": [], "memberships": []})
        row["roles"].append(role)
    members_without_role = []
    for membership in memberships:
        user_id = membership.person.user_id
        if user_id in rows:
            rows[user_id]["memberships"].append(membership)
        else:
            members_without_role.append(membership)
    now = timezone.now()
    invitations = list(
        Invitation.objects.filter(board=board)
        .pending()
        .select_related("organisation", "body", "invited_by")
        .order_by("email")
    )
    # An admin goes to another partnership's People page in that partnership's address.
    boards = (
        [
            (other, address_in(other.slug, "people:people"))
            for other in Body.objects.filter(partnership__isnull=True).order_by("name")
        ]
        if request.user.is_superuser
        else []
    )
    return render(
        request,
        "people/people.html",
        {
            "board": board,
            "rows": list(rows.values()),
            "members_without_role": members_without_role,
            "invitations": [(i, i.is_open(now)) for i in invitations],
            "boards": boards,
        },
    )


@require_http_methods(["GET", "POST"])
def invite(request):
    board = _board_for_manager(request)
    # A page that says who is missing (an update round's actions that reach no one) links
    # here with the role and the organisation or body already chosen.
    chosen = {
        key: request.GET[key] for key in ("kind", "organisation", "body") if key in request.GET
    }
    form = InviteForm(request.POST or None, board=board, initial=chosen)
    if request.method == "POST":
        body_id = request.POST.get("body") or None
        if body_id is not None:
            body = Body.objects.filter(pk=body_id).first() if str(body_id).isdigit() else None
            _refuse_unless(
                body is None or body.board.pk == board.pk,
                "That body belongs to another partnership.",
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = services.invitation_create(
                    board=board,
                    email=data["email"],
                    kind=data["kind"],
                    organisation=data["organisation"],
                    body=data["body"],
                    by=request.user,
                    base_url=_base_url(request),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("people:people")
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "board": board,
            "title": "Invite someone",
            "intro": (
                "They are sent a link that works once, for a limited time. Accepting it sets "
                "their password and gives them the role chosen here, in this partnership only."
            ),
            "button": "Send the invitation",
            "back": reverse("people:people"),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def resend(request, pk):
    board = _board_for_manager(request)
    invitation = Invitation.objects.filter(pk=pk, board=board).first()
    _refuse_unless(invitation is not None, "That invitation is not one of this partnership's.")
    try:
        services.invitation_resend(
            invitation=invitation, by=request.user, base_url=_base_url(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation sent again to {invitation.email}.")
    return redirect("people:people")


@require_http_methods(["GET", "POST"])
def role_change(request, pk):
    board = _board_for_manager(request)
    role = Role.objects.select_related("user").filter(pk=pk, board=board).first()
    _refuse_unless(role is not None, "That role is not one of this partnership's.")
    form = RoleChangeForm(request.POST or None, initial={"kind": role.kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.role_change(
                role=role,
                kind=form.cleaned_data["kind"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{_who(role.user)} is now {role.get_kind_display().lower()}."
            )
            return redirect("people:people")
    return _form_page(
        request,
        form,
        board,
        title=f"Change {_who(role.user)}'s role",
        intro=f"They are {role.get_kind_display().lower()} of {board.name}.",
        button="Change the role",
    )


@require_http_methods(["GET", "POST"])
def role_end(request, pk):
    board = _board_for_manager(request)
    role = Role.objects.select_related("user").filter(pk=pk, board=board).first()
    _refuse_unless(role is not None, "That role is not one of this partnership's.")
    return _reason_page(
        request,
        board,
        title=f"End {_who(role.user)}'s role",
        intro=f"They stop being {role.get_kind_display().lower()} of {board.name}. Their "
        "account and their roles elsewhere stay.",
        button="End the role",
        write=lambda reason: services.role_end(role=role, by=request.user, reason=reason),
        done=f"{_who(role.user)} is no longer {role.get_kind_display().lower()}.",
    )


@require_http_methods(["GET", "POST"])
def membership_end(request, pk):
    board = _board_for_manager(request)
    membership = Membership.objects.select_related("person", "body").filter(pk=pk).first()
    _refuse_unless(
        membership is not None and membership.body.board.pk == board.pk,
        "That membership is not one of this partnership's.",
    )
    return _reason_page(
        request,
        board,
        title=f"End {membership.person.name}'s membership of the {membership.body.short_name}",
        intro=f"They leave the {membership.body.name}: its actions and restricted data are "
        "no longer theirs.",
        button="End the membership",
        write=lambda reason: services.membership_end(
            membership=membership, board=board, by=request.user, reason=reason
        ),
        done=f"{membership.person.name} has left the {membership.body.short_name}.",
    )


@require_http_methods(["GET", "POST"])
def deactivate(request, user_id):
    board = _board_for_manager(request)
    user = get_user_model().objects.filter(pk=user_id).first()
    _refuse_unless(user is not None, "That account has no role in this partnership.")
    return _reason_page(
        request,
        board,
        title=f"Deactivate {_who(user)}'s account",
        intro="They can no longer sign in. Everything they recorded stays, with their name.",
        button="Deactivate the account",
        write=lambda reason: services.account_deactivate(
            user=user, board=board, by=request.user, reason=reason
        ),
        done=f"{_who(user)}'s account is deactivated.",
    )


def _who(user) -> str:
    return user.get_full_name() or user.get_username()


def _form_page(request, form, board, *, title, intro, button):
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "board": board,
            "title": title,
            "intro": intro,
            "button": button,
            "back": reverse("people:people"),
        },
        status=400 if form.errors else 200,
    )


def _reason_page(request, board, *, title, intro, button, write, done):
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("people:people")
    return _form_page(request, form, board, title=title, intro=intro, button=button)


# --- Adding a partnership (admins) ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def partnership_add(request):
    _refuse_unless(request.user.is_superuser, "Only an admin adds a partnership.")
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            board, invitation = services.partnership_create(
                **form.cleaned_data, by=request.user, base_url=_base_url(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{board.name} added. Its first coordinator, {invitation.email}, "
                "has been sent an invitation.",
            )
            return redirect("people:people")
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "title": "Add a partnership",
            "intro": (
                "This makes the partnership's board and invites its first coordinator. Then "
                "load its plan (see the README) and the coordinator invites its people."
            ),
            "button": "Add the partnership",
            "back": "/",
        },
        status=400 if form.errors else 200,
    )


# --- Accepting an invitation ---------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "people/invitation_unusable.html", status=404)
    existing = services.account_for_email(invitation.email)
    if existing is not None:
        signed_in_as_it = request.user.is_authenticated and request.user.pk == existing.pk
        if request.method == "POST" and signed_in_as_it:
            try:
                services.invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                return _welcome(request, request.user, invitation)
        return render(
            request,
            "people/accept_existing.html",
            {"invitation": invitation, "signed_in_as_it": signed_in_as_it},
        )
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            if "password" in getattr(error, "error_dict", {}):
                for message in ValidationError(error.error_dict["password"]).messages:
                    form.add_error("password1", message)
        else:
            return _welcome(request, user, invitation)
    return render(
        request,
        "people/accept.html",
        {"form": form, "invitation": invitation},
        status=400 if form.errors else 200,
    )


def _welcome(request, user, invitation):
    login(request, user, backend="governance.auth.SignInBackend")
    messages.success(
        request,
        f"Welcome to {invitation.board.name}. You sign in with your email address, {user.email}.",
    )
    # An officer's or a member's work is their actions; a chair's and a coordinator's, the
    # dashboard.
    updates_actions = invitation.kind in (Invitation.Kind.OFFICER, Invitation.Kind.MEMBER)
    landing = "actions:my_actions" if updates_actions else "actions:dashboard"
    return redirect(address_in(invitation.board.slug, landing))


# --- Choosing a partnership ----------------------------------------------------------------


@require_GET
def partnership_choose(request):
    """Which partnership: each has its own address (/p/<slug>/...). An old link to a
    partnership's page brings a person in several here, with the page to open in the one they
    choose; an admin may open any."""
    wanted = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(wanted, allowed_hosts=None) or not wanted.startswith(
        "/"
    ):
        wanted = "/"
    if request.user.is_superuser:
        boards = Body.objects.filter(partnership__isnull=True).order_by("name")
        choices = [(board.name, board.slug) for board in boards]
    else:
        choices = [(name, slug) for _, name, slug in access_for(request.user).partnerships]
    return render(
        request,
        "people/partnership_choose.html",
        {"choices": [(name, partnership_address(slug, wanted)) for name, slug in choices]},
    )
