import datetime

import factory
from django.contrib.auth import get_user_model

from governance.models import Body, Chair, Membership, Organisation, Person, ReportingLine, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password("correct-horse-battery")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["short_name"]

    short_name = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.LazyAttribute(lambda o: f"{o.short_name} organisation")
    kind = Organisation.Kind.COUNCIL


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    post = "Officer"
    organisation = factory.SubFactory(OrganisationFactory)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ["short_name"]

    short_name = factory.Sequence(lambda n: f"BODY{n}")
    name = factory.LazyAttribute(lambda o: f"{o.short_name} group")
    kind = Body.Kind.SUB_GROUP


class BoardFactory(BodyFactory):
    short_name = factory.Sequence(lambda n: f"BOARD{n}")
    kind = Body.Kind.BOARD
    statutory = True


class ReportingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingLine

    from_body = factory.SubFactory(BodyFactory)
    to_body = factory.SubFactory(BoardFactory)


class ChairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chair

    body = factory.SubFactory(BodyFactory)
    person = factory.SubFactory(PersonFactory)
    start = datetime.date(2017, 3, 1)  # fixed: a test that fails must fail every time


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    body = factory.SubFactory(BodyFactory)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    board = factory.SubFactory(BoardFactory)
    kind = Role.Kind.OFFICER


def make_user(*, board, kind, organisation=None, bodies=(), username=None, superuser=False):
    """A signed-up user with a role in a board's partnership, a person and memberships."""
    user = UserFactory(**({"username": username} if username else {}))
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save()
    person = PersonFactory(name=f"{user.username} person", organisation=organisation, user=user)
    for body in bodies:
        MembershipFactory(person=person, body=body)
    if kind is not None:
        RoleFactory(user=user, board=board, kind=kind)
    return user
