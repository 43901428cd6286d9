"""Who is in a partnership: its organisations and people.

An organisation belongs to a partnership's circle when it leads one of its actions, or one of
its people sits on, chairs or works in the partnership. Leads make this a read above the
actions, which is why it lives here and not in governance.
"""

from django.db.models import Q

from governance.models import Body, Chair, Membership, Organisation, Person, Role
from governance.selectors import bodies_of

from .models import ActionLead


def organisations_of(board_ids):
    """The partner organisations of the boards' partnerships: leads, members, chairs, users.

    Forms and pages offer these rather than every organisation in the installation, which
    holds other partnerships' councils too. Each source is its own subquery (no joins across
    them, no DISTINCT), so the database reads only these partnerships' rows.
    """
    board_ids = list(board_ids)
    bodies = bodies_of(board_ids).values("pk")
    return Organisation.objects.filter(
        Q(
            pk__in=ActionLead.objects.filter(action__agreement__board__in=board_ids).values(
                "organisation_id"
            )
        )
        | Q(pk__in=Membership.objects.filter(body__in=bodies).values("person__organisation_id"))
        | Q(pk__in=Chair.objects.filter(body__in=bodies).values("person__organisation_id"))
        | Q(pk__in=Role.objects.filter(board__in=board_ids).values("user__person__organisation_id"))
    )


def people_of(board_ids, *, staff: bool = True):
    """The people of the boards' partnerships: members, chairs, users and partner staff.

    Without `staff`, only those with a place in the partnerships (members, chairs, users):
    a national organisation's staff are partner staff of every partnership it is in.
    """
    board_ids = list(board_ids)
    bodies = bodies_of(board_ids).values("pk")
    involved = (
        Q(pk__in=Membership.objects.filter(body__in=bodies).values("person_id"))
        | Q(pk__in=Chair.objects.filter(body__in=bodies).values("person_id"))
        | Q(pk__in=Role.objects.filter(board__in=board_ids).values("user__person"))
    )
    if staff:
        involved |= Q(organisation__in=organisations_of(board_ids).values("pk"))
    return Person.objects.filter(involved)


def partnership_organisations(board: Body):
    """The partner organisations of a board's partnership (see organisations_of)."""
    return organisations_of([board.pk])


def partnership_people(board: Body):
    """The people of a board's partnership (see people_of)."""
    return people_of([board.pk])
