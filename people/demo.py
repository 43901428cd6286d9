"""Demo accounts for trying the tracker with the Worcestershire and Watford plans.

Worcestershire: one officer per lead organisation, the board's chair and coordinator, and
an admin. Watford (when its plan is loaded): a coordinator and an officer of Watford Borough
Council, so that two partnerships side by side are what a new user sees. The fictional
partnership's accounts are made with it (bench/demo.py, `seed_demo_partnership`) and enrolled
here. They all share one development password, which is printed on the console, and each
has an address at example.org (a domain reserved for examples, so no mail reaches anyone),
so that reminders, update rounds and password reset can be tried (see the sent mail at
/dev/mail/). They are members of the "Demo
accounts" group (governance.auth.DEMO_GROUP), and the sign-in refuses that group whenever
DEBUG is off. Seeding never touches an account it did not create: a real `admin` or `chair`
keeps its password, roles and person, and is reported as left alone.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from actions.models import ActionLead
from governance.auth import DEMO_GROUP, DEMO_PASSWORD, is_demo_account
from governance.history import save_recorded
from governance.models import Body, Organisation, Person, Role

# Reserved for documentation (RFC 2606): an address here reaches nobody.
DEMO_EMAIL_DOMAIN = "example.org"
LEFT_ALONE = "left alone: an account of this name exists and is not a demo account"
DEBUG_NEEDED = (
    "Demo accounts are only created when DEBUG is on, for development: run it with DEBUG=1 "
    "(make run does), never on a server people use."
)


class DemoRefused(Exception):
    pass


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def demo_account(username, *, first, last, superuser=False):
    """The demo account `username`, created if missing; None if an account of that name
    exists and was not created by this seeding: it is someone's, and stays as it is."""
    User = get_user_model()
    group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": demo_email(username)},
    )
    # An account with the demo password but not the group was seeded before the group existed.
    if not created and not is_demo_account(user) and not user.check_password(DEMO_PASSWORD):
        return None
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    # Named as its person is, so that every page names it one way (accounts seeded earlier
    # were "Demo officer WCC PH" in some places and "Demo officer (WCC PH)" in others).
    user.first_name, user.last_name = first, last
    # Accounts seeded before demo accounts had addresses get one.
    user.email = user.email or demo_email(username)
    user.is_staff = user.is_staff or superuser
    user.is_superuser = user.is_superuser or superuser
    user.save()
    user.groups.add(group)
    return user


def enrol_demo_accounts(users) -> None:
    """Accounts that the demo seeding has just made in bulk (the fictional partnership's, by
    the generator) become demo accounts: the group that DEBUG off refuses, the published
    password, and an address."""
    group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
    hashed = make_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
    people = {p.user_id: p.name for p in Person.objects.filter(user__in=list(users))}
    for user in users:
        user.password = hashed
        user.email = user.email or demo_email(user.username)
        # Named as its person is, so that every page names it one way.
        if user.pk in people:
            user.first_name, user.last_name = people[user.pk], ""
        user.save()
        user.groups.add(group)


def demo_person_for(user, *, name, post="", organisation=None):
    person, _ = Person.objects.get_or_create(
        name=name, defaults={"post": post, "organisation": organisation}
    )
    # A person already signed in as someone else's real account keeps that account.
    if person.user_id != user.pk and (person.user is None or is_demo_account(person.user)):
        person.user = user
        save_recorded(person, reason="demo account")
    return person


@transaction.atomic
def create_demo_accounts(board_short_name="SCB") -> list[tuple[str, str]]:
    """Create (or bring back) the demo accounts; returns (username, what they are) pairs."""
    if not settings.DEBUG:
        raise DemoRefused(DEBUG_NEEDED)
    board = Body.objects.get(short_name=board_short_name)
    made = []

    lead_organisations = {
        lead.organisation
        for lead in ActionLead.objects.filter(
            action__agreement__board=board, organisation__isnull=False
        ).select_related("organisation")
    }
    for organisation in sorted(lead_organisations, key=lambda o: o.short_name):
        username = f"officer-{slugify(organisation.short_name)}"
        user = demo_account(username, first="Demo officer", last=f"({organisation.short_name})")
        if user is None:
            made.append((username, LEFT_ALONE))
            continue
        demo_person_for(
            user,
            name=f"Demo officer ({organisation.short_name})",
            post="Board officer",
            organisation=organisation,
        )
        Role.objects.get_or_create(user=user, board=board, kind=Role.Kind.OFFICER)
        made.append((username, f"officer of {organisation.name}"))

    chair_person = board.chairs.filter(end__isnull=True).select_related("person").first()
    chair = demo_account("chair", first="Frances", last="Howie")
    if chair is None:
        made.append(("chair", LEFT_ALONE))
    else:
        if chair_person:
            demo_person_for(chair, name=chair_person.person.name)
        Role.objects.get_or_create(user=chair, board=board, kind=Role.Kind.CHAIR)
        made.append(("chair", f"chair of the {board.name}"))

    coordinator = demo_account("coordinator", first="Paul", last="Kinsella")
    if coordinator is None:
        made.append(("coordinator", LEFT_ALONE))
    else:
        demo_person_for(coordinator, name="Paul Kinsella")
        Role.objects.get_or_create(user=coordinator, board=board, kind=Role.Kind.COORDINATOR)
        made.append(("coordinator", f"partnership coordinator of the {board.name}"))

    admin = demo_account("admin", first="Demo administrator", last="", superuser=True)
    made.append(("admin", "administrator (Django admin too)" if admin else LEFT_ALONE))
    return made


WATFORD_BOARD = "Watford CSP"


@transaction.atomic
def create_watford_demo_accounts() -> list[tuple[str, str]]:
    """Watford's coordinator and an officer of WBC; nothing when Watford is not loaded."""
    if not settings.DEBUG:
        raise DemoRefused(DEBUG_NEEDED)
    board = Body.objects.filter(short_name=WATFORD_BOARD).first()
    council = Organisation.objects.filter(short_name="WBC").first()
    if board is None or council is None:
        return []
    made = []
    coordinator = demo_account("coordinator-watford", first="Community Safety", last="Coordinator")
    if coordinator is None:
        made.append(("coordinator-watford", LEFT_ALONE))
    else:
        demo_person_for(coordinator, name="Watford community safety coordinator (demo)")
        Role.objects.get_or_create(user=coordinator, board=board, kind=Role.Kind.COORDINATOR)
        made.append(("coordinator-watford", f"partnership coordinator of the {board.name}"))
    officer = demo_account("officer-watford-wbc", first="Demo officer", last="(WBC)")
    if officer is None:
        made.append(("officer-watford-wbc", LEFT_ALONE))
    else:
        demo_person_for(
            officer, name="Demo officer (WBC)", post="Partnership officer", organisation=council
        )
        Role.objects.get_or_create(user=officer, board=board, kind=Role.Kind.OFFICER)
        made.append(("officer-watford-wbc", f"officer of {council.name}"))
    return made
