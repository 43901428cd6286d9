"""Writes about people: partnerships, invitations, roles, memberships and accounts.

Every function is keyword-only, runs in one transaction, records who did it and why in the
history, and refuses with PermissionDenied (a 403, nothing written) what the person asking
may not give: rights in another partnership, or an admin's. Input that is merely wrong is a
ValidationError keyed to the field.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from actions.partners import partnership_organisations
from csa.services import obligations_ensure_defaults
from governance import mail
from governance import services as governance_services
from governance.history import save_recorded
from governance.middleware import address_outside
from governance.models import Body, Membership, Organisation, Person, Role
from governance.services import require_not_admin, require_people_manager, require_reason

from .models import Invitation, hash_token

Kind = Invitation.Kind
ROLE_OF_INVITATION = {
    Kind.OFFICER: Role.Kind.OFFICER,
    Kind.MEMBER: Role.Kind.OFFICER,  # a member updates what their body leads, as an officer
    Kind.CHAIR: Role.Kind.CHAIR,
    Kind.COORDINATOR: Role.Kind.COORDINATOR,
}


# Changing or ending a role and ending a membership are governance's, so that the admin and a
# year's file meet the same rules; the People page calls them through here.
role_change = governance_services.role_change
role_end = governance_services.role_end
membership_end = governance_services.membership_end


def _normalise_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter an email address in the right format, like name@example.org."}
        ) from None
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


# --- Partnerships --------------------------------------------------------------------------


@transaction.atomic
def partnership_create(
    *, short_name: str, name: str, coordinator_email: str, by=None, base_url: str | None = None
) -> tuple[Body, Invitation]:
    """A new partnership: its top body (a board of no other partnership) and an invitation to
    its first coordinator, sent by email. Only admins (or a command) start partnerships."""
    if by is not None and not by.is_superuser:
        raise PermissionDenied("Only an admin adds a partnership.")
    short_name, name = (short_name or "").strip(), (name or "").strip()
    errors = {}
    if not short_name:
        errors["short_name"] = "Enter the partnership's short name, for example SCP."
    elif len(short_name) > Body._meta.get_field("short_name").max_length:
        errors["short_name"] = "The short name must be 60 characters or fewer."
    elif Body.objects.filter(short_name__iexact=short_name).exists():
        errors["short_name"] = f"There is already a body called {short_name}: choose another."
    if not name:
        errors["name"] = "Enter the partnership's name, for example Watford Community Safety."
    elif len(name) > Body._meta.get_field("name").max_length:
        errors["name"] = "The name must be 200 characters or fewer."
    try:
        coordinator_email = _normalise_email(coordinator_email)
    except ValidationError:
        errors["coordinator_email"] = (
            "Enter the coordinator's email address in the right format, like name@example.org."
        )
    if errors:
        raise ValidationError(errors)
    board = Body(short_name=short_name, name=name, kind=Body.Kind.BOARD, partnership=None)
    board.full_clean()
    save_recorded(board, reason="Partnership added", user=by)
    obligations_ensure_defaults(board=board, user=by)  # the duties its plan answers to
    invitation = _invite(
        board=board,
        email=coordinator_email,
        kind=Kind.COORDINATOR,
        by=by,
        base_url=base_url,
        why="First coordinator of a new partnership",
    )
    return board, invitation


# --- Invitations ---------------------------------------------------------------------------


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS)
    return token


def invitation_link(token: str, base_url: str | None = None) -> str:
    # Outside any partnership's address: the invitee has no role in one yet.
    return (base_url or settings.SITE_URL).rstrip("/") + address_outside(
        "people:invitation_accept", token
    )


def _send_invitation(invitation: Invitation, token: str, base_url: str | None):
    inviter = invitation.invited_by
    mail.send(
        to=invitation.email,
        subject=f"You are invited to {invitation.board.name}",
        template="invitation",
        reason=(
            f"someone asked {invitation.board.name} to give this address an account "
            f"on {settings.SITE_NAME}."
        ),
        context={
            "invitation": invitation,
            "inviter_name": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
            "role_described": invitation.described,
            "link": invitation_link(token, base_url),
        },
    )


def _invite(*, board, email, kind, organisation=None, body=None, by, base_url, why):
    invitation = Invitation(
        board=board, email=email, kind=kind, organisation=organisation, body=body, invited_by=by
    )
    token = _new_token(invitation)
    save_recorded(invitation, reason=why, user=by)
    _send_invitation(invitation, token, base_url)
    return invitation


def _organisation_named(organisation: Organisation) -> str:
    return f"{organisation.name} ({organisation.short_name})"


def invitation_acceptable_check(*, board: Body, email: str, organisation: Organisation | None):
    """Refuse an invitation that its addressee could not accept, before it is sent.

    An account recorded as working for one organisation cannot become an officer of another
    (invitation_accept refuses it): the one who invites is told, not the one invited."""
    if organisation is None:
        return
    account = account_for_email(email)
    person = Person.objects.select_related("organisation").filter(user=account).first()
    if account is None or person is None or person.organisation is None:
        return
    if person.organisation_id == organisation.pk:
        return
    theirs = person.organisation
    said = (
        f"{email} is {person.name} of {_organisation_named(theirs)}, "
        f"not of {_organisation_named(organisation)}"
    )
    if partnership_organisations(board).filter(pk=theirs.pk).exists():
        said += (
            f": invite them as an officer of {theirs.short_name}, or ask an admin to change "
            "their organisation first."
        )
    else:
        said += (
            ", which is not a partner here: ask an admin to change their organisation first, "
            "or invite them to another role."
        )
    raise ValidationError({"email": said})


@transaction.atomic
def invitation_create(
    *,
    board: Body,
    email: str,
    kind: str,
    organisation: Organisation | None = None,
    body: Body | None = None,
    by,
    base_url: str | None = None,
    reason: str = "",
) -> Invitation:
    """Invite `email` to `board`'s partnership with a role, and send the link."""
    require_people_manager(by, board)
    if body is not None and body.board.pk != board.pk:
        raise PermissionDenied("That body belongs to another partnership.")
    errors = {}
    try:
        email = _normalise_email(email)
    except ValidationError as error:
        errors.update(error.error_dict)
    if kind not in Kind.values:
        errors["kind"] = "Choose the role they will have."
    if kind == Kind.OFFICER and organisation is None:
        errors["organisation"] = "Choose the organisation they are an officer of."
    if kind == Kind.MEMBER and body is None:
        errors["body"] = "Choose the body they are a member of."
    if errors:
        raise ValidationError(errors)
    if kind != Kind.OFFICER:
        organisation = None
    if kind != Kind.MEMBER:
        body = None
    invitation_acceptable_check(board=board, email=email, organisation=organisation)
    duplicate = (
        Invitation.objects.open_on(timezone.now())
        .filter(board=board, email__iexact=email, kind=kind, organisation=organisation, body=body)
        .exists()
    )
    if duplicate:
        raise ValidationError(
            {"email": f"{email} already has this invitation waiting: resend it instead."}
        )
    return _invite(
        board=board,
        email=email,
        kind=kind,
        organisation=organisation,
        body=body,
        by=by,
        base_url=base_url,
        why=(reason or "").strip() or "Invited",
    )


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by, base_url: str | None = None) -> Invitation:
    """A fresh link (the old one stops working) and a fresh expiry."""
    require_people_manager(by, invitation.board)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(
            {"invitation": "This invitation has been used: there is nothing to resend."}
        )
    # Their account may have been given an organisation since it was first sent.
    invitation_acceptable_check(
        board=invitation.board, email=invitation.email, organisation=invitation.organisation
    )
    token = _new_token(invitation)
    save_recorded(invitation, reason="Invitation sent again", user=by)
    _send_invitation(invitation, token, base_url)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation that a link names, or None (unknown, used, withdrawn, expired)."""
    invitation = (
        Invitation.objects.select_related("board", "organisation", "body")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if invitation is None or not invitation.is_open():
        return None
    return invitation


def account_for_email(email: str):
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


def _give_role(*, invitation: Invitation, user, person: Person, why: str):
    kind = ROLE_OF_INVITATION[invitation.kind]
    if not Role.objects.filter(user=user, board=invitation.board, kind=kind).exists():
        save_recorded(Role(user=user, board=invitation.board, kind=kind), reason=why, user=user)
    joins_body = invitation.kind == Kind.MEMBER
    if joins_body and not Membership.objects.filter(person=person, body=invitation.body).exists():
        save_recorded(Membership(person=person, body=invitation.body), reason=why, user=user)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, name: str = "", password: str = "", user=None):
    """Use the invitation up: a new account with `name` and `password`, or, for someone who
    already has an account (and is signed in as it), the new role on that account.

    Returns the user, to be signed in.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open():
        raise ValidationError(
            {"invitation": "This invitation has been used or has expired. Ask for a new one."}
        )
    why = f"Accepted the invitation to {invitation.board.short_name}"
    organisation = invitation.organisation if invitation.kind == Kind.OFFICER else None
    if user is None:
        User = get_user_model()
        name = " ".join((name or "").split())
        errors = {}
        if not name:
            errors["name"] = "Enter your full name, as colleagues know you."
        elif len(name) > Person._meta.get_field("name").max_length:
            errors["name"] = "Your name must be 200 characters or fewer."
        elif Person.objects.filter(name__iexact=name).exists():
            errors["name"] = (
                f"Someone called {name} is already recorded. Add a middle initial or your "
                "organisation, for example “Sam Jones (WBC)”."
            )
        if (
            account_for_email(invitation.email) is not None
            or User.objects.filter(username__iexact=invitation.email).exists()
        ):
            errors["invitation"] = "There is already an account for this address: sign in first."
        first, _, last = name.rpartition(" ") if " " in name else (name, "", "")
        candidate = User(
            username=invitation.email.lower(),
            email=invitation.email,
            first_name=first[:150],
            last_name=last[:150],
        )
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as error:
            errors["password"] = error.messages
        if errors:
            raise ValidationError(errors)
        candidate.set_password(password)
        user = save_recorded(candidate, reason=why)
        person = save_recorded(
            Person(name=name, organisation=organisation, user=user), reason=why, user=user
        )
    else:
        if user.email.lower() != invitation.email.lower():
            raise PermissionDenied("This invitation was sent to another address.")
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = Person(
                name=user.get_full_name() or user.get_username(),
                organisation=organisation,
                user=user,
            )
            save_recorded(person, reason=why, user=user)
        elif organisation is not None and person.organisation_id != organisation.pk:
            if person.organisation_id is not None:
                raise ValidationError(
                    {
                        "invitation": (
                            f"Your account is recorded as working for "
                            f"{person.organisation.name}, not {organisation.name}. Ask the "
                            "coordinator who invited you."
                        )
                    }
                )
            person.organisation = organisation
            save_recorded(person, reason=why, user=user)
    _give_role(invitation=invitation, user=user, person=person, why=why)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    save_recorded(invitation, reason="Accepted", user=user)
    return user


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by, reason: str = "") -> Invitation:
    require_people_manager(by, invitation.board)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError({"invitation": "This invitation has been used already."})
    invitation.withdrawn_at = timezone.now()
    save_recorded(invitation, reason=(reason or "").strip() or "Withdrawn", user=by)
    return invitation


# --- Roles, memberships, accounts ----------------------------------------------------------


@transaction.atomic
def account_deactivate(*, user, board: Body, by, reason: str) -> None:
    """Stop an account signing in. A coordinator may do it only to an account that has
    roles in their partnership and no other: elsewhere it is not theirs to end."""
    require_people_manager(by, board)
    require_not_admin(by, user)
    boards = set(Role.objects.filter(user=user).values_list("board_id", flat=True))
    if board.pk not in boards and not (by is None or by.is_superuser):
        raise PermissionDenied("That account has no role in this partnership.")
    if boards - {board.pk} and not (by is None or by.is_superuser):
        raise PermissionDenied(
            "That account has roles in other partnerships too: end their roles here instead."
        )
    if by is not None and user.pk == by.pk:
        raise ValidationError({"user": "You cannot deactivate your own account."})
    why = require_reason(reason)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError({"user": "That account is already deactivated."})
    user.is_active = False
    save_recorded(user, reason=why, user=by, update_fields=["is_active"])
