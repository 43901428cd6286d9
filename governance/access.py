"""Who may see and change what. Every view and export asks here; nothing else decides.

- An admin (superuser) sees and changes everything.
- A coordinator sees everything of their partnership and updates and edits any of its actions.
- A chair sees everything of their partnership (restricted bodies aside) and changes nothing.
- An officer sees their partnership's actions and updates those that their organisation, or a
  body they belong to, leads.
- A restricted body's data (its meetings, notes, and every action it leads or ever led) is
  seen only by its members, the coordinator of its partnership and admins: `hidden_bodies`
  names those bodies for a user, and ActionQuerySet.visible_to applies it to actions.

The partnership boundary is here once: UserAccess.within(queryset, *paths) is a queryset kept
to the viewer's partnerships, and spans_every_partnership says when it is not kept at all (an
admin at an address outside any partnership; in a partnership's address an admin is its
coordinator there). Selectors, views and reports ask these rather than who the user is.

An overseer of a group of partnerships (governance.models.PartnershipGroup: a PCC's office, a
liaison group's chair) reads the group's partnerships as a chair reads one, and changes
nothing: on the group's pages (enter_group) and in the address of each of its partnerships.
Being an overseer gives no role, so no update, edit or management right anywhere; a
restricted body's actions stay hidden from an overseer who is not its member (the same
hidden-bodies rule, with no coordinator's exception).

The predicates below take an action by duck typing (its agreement's board, its leads), so
that this module sits at the bottom of the layers and every app above can ask it.
"""

import dataclasses
import hashlib
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db.models import CharField, IntegerField, Q, Value

from .freshness import current_stamp
from .models import Body, Membership, PartnershipGroup, Person, Role


@dataclass(frozen=True)
class UserAccess:
    board_ids: frozenset[int] = frozenset()
    coordinator_board_ids: frozenset[int] = frozenset()
    officer_board_ids: frozenset[int] = frozenset()
    chair_board_ids: frozenset[int] = frozenset()
    organisation_id: int | None = None
    body_ids: frozenset[int] = frozenset()
    is_admin: bool = False
    board_names: tuple[str, ...] = field(default_factory=tuple)
    # Every partnership the user has a role in, as (board id, name, slug): the header's links.
    # The sets above hold one partnership only in a partnership's address (chosen_board_id);
    # elsewhere they hold every partnership of the user's (chosen_board_id is then the only
    # one, or None for a person in several).
    partnerships: tuple[tuple[int, str, str], ...] = field(default_factory=tuple)
    chosen_board_id: int | None = None
    # hidden_bodies(user), as ids: read once with the rest, so that the restricted rule is
    # a list of ids in each visibility check rather than a subquery to plan every time.
    hidden_body_ids: frozenset[int] = frozenset()
    # The boards the user reads as an overseer (of a group's partnerships), not by a role: in
    # scope now (a group's, on its pages; the one in the address; every one, elsewhere).
    overseen_board_ids: frozenset[int] = frozenset()
    # The groups the user oversees, as (name, slug): the header's links to their pages.
    groups: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # The group whose pages are being read (enter_group), or None.
    group_id: int | None = None

    @property
    def spans_every_partnership(self) -> bool:
        """Not kept to any partnership: an admin at an address outside a partnership's."""
        return self.is_admin

    @property
    def manages_a_partnership(self) -> bool:
        """Coordinates the partnership in scope, or spans them all: may see the People page,
        the emails sent, every action to update."""
        return self.is_admin or bool(self.coordinator_board_ids)

    def within(self, queryset, *paths: str, among: frozenset[int] | None = None):
        """`queryset` kept to the user's partnerships: the rows whose board id, read along any
        of `paths` (lookups such as "pk", "partnership_id", "agreement__board_id"), is one of
        them; or among the partnerships `among` (e.g. coordinator_board_ids). Unfiltered when
        the access spans every partnership."""
        if not paths:
            raise TypeError("within() needs at least one lookup path to a board id.")
        if self.spans_every_partnership:
            return queryset.all()  # a queryset, also when given a manager
        ids = self.board_ids if among is None else among
        boundary = Q()
        for path in paths:
            boundary |= Q(**{f"{path}__in": ids})
        return queryset.filter(boundary)


def access_for(user) -> UserAccess:
    """What a user may reach, computed once per request and kept on the user object."""
    cached = getattr(user, "_csa_access", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        result = UserAccess()
    else:
        # The same roles and memberships give the same access until the data changes.
        key = ":".join(
            (
                "access",
                current_stamp(shared_only=True),  # roles, memberships, bodies: shared data
                str(user.pk),
                str(getattr(user, "_csa_partnership_id", "")),
                str(getattr(user, "_csa_group_id", "")),
            )
        )
        result = caches["access"].get(key)
        if result is None:
            result = _work_out_access(user)
            caches["access"].set(key, result)
    user._csa_access = result
    return result


def access_key(user) -> str:
    """A digest of what the user may reach, the same in every process: the part of a cached
    page's key (governance.freshness.page_key) that says for whom it was drawn. Two people
    with the same access (two officers of one organisation, in one partnership) share it;
    anyone with other rights has another. An anonymous visitor has the empty access."""
    access = access_for(user)
    fields = []
    for field_ in dataclasses.fields(access):
        value = getattr(access, field_.name)
        # Sets in a fixed order: the order of a set of strings differs between processes.
        fields.append(sorted(value, key=repr) if isinstance(value, frozenset) else value)
    return hashlib.blake2b(repr(fields).encode(), digest_size=12).hexdigest()


def _work_out_access(user) -> UserAccess:
    """Read from the roles and the groups overseen, the person and their memberships: three
    queries."""
    rows, oversight = _roles_and_oversight_of(user)
    roles = [(board, kind, name) for board, kind, name, _ in rows]
    partnerships = tuple(sorted({(b, name, slug) for b, _, name, slug in rows}, key=_by_name))
    group_id = getattr(user, "_csa_group_id", None)
    if group_id is not None:
        return _group_access(user, group_id, partnerships, oversight)
    # One partnership at a time in a partnership's address (PartnershipMiddleware).
    chosen = getattr(user, "_csa_partnership_id", None)
    if user.is_superuser and chosen is not None:
        # An admin in a partnership's address sees and does there what its coordinator does;
        # across partnerships (addresses without one) they see everything.
        board = Body.objects.filter(pk=chosen).values_list("name", flat=True).first()
        return UserAccess(
            board_ids=frozenset({chosen}),
            coordinator_board_ids=frozenset({chosen}),
            board_names=(board or "",),
            partnerships=partnerships,
            chosen_board_id=chosen,
        )
    overseen = oversight.board_ids
    if chosen is None:
        # Outside any partnership's address (a command, a reminder, a calendar feed, an
        # account page) a person works in all their partnerships at once: what is personal
        # covers every one. A partnership's own pages are always in its address. What an
        # overseer reads is read on the group's pages and in each partnership's address.
        chosen = partnerships[0][0] if len(partnerships) == 1 else None
    else:
        roles = [role for role in roles if role[0] == chosen]
        overseen = overseen & {chosen}
    person = _person_of(user)
    body_ids = _memberships_of(person)
    # Overseen, a partnership is read in its address as its chair reads it: no role is given.
    read_in_address = overseen if chosen is not None and not roles else frozenset()
    result = UserAccess(
        board_ids=frozenset(board for board, _, _ in roles) | read_in_address,
        coordinator_board_ids=frozenset(b for b, kind, _ in roles if kind == Role.Kind.COORDINATOR),
        officer_board_ids=frozenset(b for b, kind, _ in roles if kind == Role.Kind.OFFICER),
        chair_board_ids=frozenset(b for b, kind, _ in roles if kind == Role.Kind.CHAIR),
        organisation_id=person.organisation_id if person else None,
        body_ids=body_ids,
        is_admin=user.is_superuser,
        board_names=tuple(sorted({name for _, _, name in roles})) or _names_of(read_in_address),
        partnerships=partnerships,
        chosen_board_id=chosen,
        overseen_board_ids=overseen,
        groups=oversight.groups,
    )
    if result.is_admin:
        return result
    hidden = frozenset(_hidden_bodies_of(result).values_list("pk", flat=True))
    return dataclasses.replace(result, hidden_body_ids=hidden)


def _by_name(partnership):
    return (partnership[1], partnership[0])


@dataclass(frozen=True)
class _Oversight:
    """The groups a user oversees, as (name, slug), and their partnerships' boards by group."""

    groups: tuple[tuple[str, str], ...]
    boards_by_group: dict

    @property
    def board_ids(self) -> frozenset[int]:
        return frozenset().union(*self.boards_by_group.values())


# In the roles' query, the rows of the groups overseen (Role.Kind has no such kind).
_OVERSEER = "overseer"


def _roles_and_oversight_of(user) -> tuple[list, _Oversight]:
    """One query: the user's roles as (board id, kind, board name, board slug), and each
    group the user oversees with each of its partnerships (a UNION of the two)."""
    roles = (
        Role.objects.filter(user=user)
        .order_by()
        .values_list(
            "board_id", "kind", "board__name", "board__slug", Value(0, output_field=IntegerField())
        )
    )
    overseen = (
        PartnershipGroup.objects.filter(overseers=user)
        .order_by()
        .values_list(
            "partnerships",
            Value(_OVERSEER, output_field=CharField()),
            "name",
            "slug",
            "pk",
        )
    )
    rows, groups, boards = [], set(), {}
    for board, kind, name, slug, group in roles.union(overseen, all=True):
        if kind != _OVERSEER:
            rows.append((board, kind, name, slug))
            continue
        groups.add((name, slug))
        boards.setdefault(group, set())
        if board is not None:
            boards[group].add(board)
    oversight = _Oversight(
        tuple(sorted(groups)), {pk: frozenset(ids) for pk, ids in boards.items()}
    )
    return rows, oversight


def _names_of(board_ids) -> tuple[str, ...]:
    if not board_ids:
        return ()
    return tuple(sorted(Body.objects.filter(pk__in=board_ids).values_list("name", flat=True)))


def _group_access(user, group_id: int, partnerships, oversight: _Oversight) -> UserAccess:
    """On a group's pages: its partnerships, read-only, whoever reads them (an admin too, who
    sees restricted bodies' data as everywhere). No role's rights reach these pages: an
    officer or coordinator of one of the partnerships reads it here as an overseer does."""
    if user.is_superuser:
        boards = frozenset(
            PartnershipGroup.partnerships.through.objects.filter(
                partnershipgroup_id=group_id
            ).values_list("body_id", flat=True)
        )
    else:
        boards = oversight.boards_by_group.get(group_id, frozenset())
    person = _person_of(user)
    result = UserAccess(
        board_ids=boards,
        organisation_id=person.organisation_id if person else None,
        body_ids=_memberships_of(person),
        partnerships=partnerships,
        overseen_board_ids=boards,
        groups=oversight.groups,
        group_id=group_id,
    )
    if user.is_superuser:
        return result
    hidden = frozenset(_hidden_bodies_of(result).values_list("pk", flat=True))
    return dataclasses.replace(result, hidden_body_ids=hidden)


def _memberships_of(person) -> frozenset[int]:
    if person is None:
        return frozenset()
    return frozenset(Membership.objects.filter(person=person).values_list("body_id", flat=True))


def enter_group(user, group_id: int) -> None:
    """The door to a group's pages (its view calls it once group_of_address let it in): what
    the request reads is the group's partnerships, read-only."""
    user._csa_group_id = group_id
    if hasattr(user, "_csa_access"):
        del user._csa_access


def group_of_address(user, slug: str) -> int | None:
    """The id of the group whose address part is `slug`, if the user may open it: they
    oversee it, or are an admin. None otherwise (a 404, as for a partnership)."""
    groups = PartnershipGroup.objects.filter(slug=slug)
    if not user.is_superuser:
        groups = groups.filter(overseers=user)
    return groups.values_list("pk", flat=True).first()


def groups_visible_to(user):
    """The groups whose pages the user may open: those they oversee; every one, for an admin."""
    groups = PartnershipGroup.objects.order_by("name")
    return groups if user.is_superuser else groups.filter(overseers=user)


def can_manage_groups(user) -> bool:
    """May make groups of partnerships and name their overseers: an admin, wherever they are
    (who reads which partnerships is not a partnership's to give)."""
    return user.is_superuser


def partnership_of_address(user, slug: str) -> int | None:
    """The id of the partnership (its board) whose address part is `slug`, if the user may open
    it: they have a role in it, or are an admin. None otherwise (a 404: whether another
    partnership exists is not the user's to know). Kept under the data stamp."""
    key = ":".join(("address", current_stamp(shared_only=True), str(user.pk), slug))
    found = caches["access"].get(key)
    if found is None:
        boards = Body.objects.filter(slug=slug, partnership__isnull=True)
        if not user.is_superuser:
            # A role in it, or overseeing a group that holds it (read-only, access_for).
            mine = Q(roles__user=user) | Q(partnership_groups__overseers=user)
            boards = boards.filter(mine)
        found = boards.values_list("pk", flat=True).first() or 0
        caches["access"].set(key, found)
    return found or None


class Reader:
    """Who a report made outside a request is for (a command's output, mailed round or left
    in a job's log): a reader of every partnership who belongs to no body, so that the
    restricted rule hides every restricted body's data; or, for an administrator's job that
    asks for it, an admin, who sees everything."""

    is_authenticated = True

    def __init__(self, *, sees_restricted: bool = False):
        self.is_superuser = sees_restricted
        boards = Body.objects.filter(partnership__isnull=True).values_list("pk", flat=True)
        access = UserAccess(board_ids=frozenset(boards), is_admin=sees_restricted)
        if not sees_restricted:
            hidden = _hidden_bodies_of(access).values_list("pk", flat=True)
            access = dataclasses.replace(access, hidden_body_ids=frozenset(hidden))
        self._csa_access = access


def _person_of(user):
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def hidden_bodies(user):
    """The bodies whose restricted data the user may not see (none, for an admin).

    Only the bodies of the user's own partnerships (and bodies of none) are looked at: other
    partnerships' data is out of reach anyway, and their restricted panels, hundreds of them
    nationally, would make every visibility check grow with the whole installation.
    """
    access = access_for(user)
    if access.is_admin:
        return Body.objects.none()
    return Body.objects.filter(pk__in=access.hidden_body_ids)


def _hidden_bodies_of(access: UserAccess):
    """The rule of hidden_bodies, on what access_for read of the user's roles and bodies."""
    return Body.objects.filter(
        Q(restricted=True)
        & (
            Q(partnership_id__in=access.board_ids)
            | Q(pk__in=access.board_ids)
            | Q(partnership__isnull=True)
        )
        & ~Q(pk__in=access.body_ids)
        & ~Q(partnership_id__in=access.coordinator_board_ids)
    )


def can_view_body_data(user, body) -> bool:
    """Meetings, notes and actions of a restricted body."""
    access = access_for(user)
    if access.is_admin or not body.restricted:
        return True
    return body.pk in access.body_ids or body.board.pk in access.coordinator_board_ids


def can_update(user, action, lead_rows=None) -> bool:
    """May record progress on the action. `lead_rows` avoids a query when leads are prefetched."""
    access = access_for(user)
    if access.is_admin:
        return True
    board_id = action.board.pk
    if board_id in access.coordinator_board_ids:
        return True
    # A chair reads; only an officer of the partnership records progress on what they lead.
    if board_id not in access.officer_board_ids:
        return False
    leads = lead_rows if lead_rows is not None else list(action.leads.all())
    return any(
        (lead.organisation_id and lead.organisation_id == access.organisation_id)
        or (lead.body_id and lead.body_id in access.body_ids)
        for lead in leads
    )


def can_view_agreement(user, agreement) -> bool:
    access = access_for(user)
    return access.is_admin or agreement.board_id in access.board_ids


def can_manage_agreement(user, agreement) -> bool:
    """May roll the agreement over and adopt it: the coordinator of its board, or an admin."""
    access = access_for(user)
    return access.is_admin or agreement.board_id in access.coordinator_board_ids


def agreement_file_boards(user) -> list[str] | None:
    """The partnerships (their boards' short names) whose year's file the user may load: a
    coordinator's own; None for an admin, who may load any; [] for everyone else."""
    access = access_for(user)
    if access.is_admin:
        return None
    return sorted(
        Body.objects.filter(pk__in=access.coordinator_board_ids).values_list(
            "short_name", flat=True
        )
    )


def can_load_agreement_files(user) -> bool:
    return access_for(user).manages_a_partnership


def can_manage_body(user, body) -> bool:
    """May record a body's meetings, progress received, actions arising and chair changes."""
    access = access_for(user)
    return access.is_admin or body.board.pk in access.coordinator_board_ids


def can_manage_people(user, board) -> bool:
    """May invite people to a partnership and change their roles: its coordinator, an admin.

    What they may give is bounded too (people.services): roles of this partnership only,
    and never an admin's rights, which only admins hand out."""
    access = access_for(user)
    return access.is_admin or board.pk in access.coordinator_board_ids


def can_edit(user, action) -> bool:
    """May change the action itself: wording, timescale, leads."""
    access = access_for(user)
    return access.is_admin or action.board.pk in access.coordinator_board_ids
