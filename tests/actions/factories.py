import datetime

import factory

from actions.models import Action, ActionLead, ProgressUpdate, Status
from tests.csa.factories import AgreementFactory, ThemeFactory
from tests.governance.factories import OrganisationFactory


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    agreement = factory.SubFactory(AgreementFactory)
    theme = factory.SubFactory(ThemeFactory, board=factory.SelfAttribute("..agreement.board"))
    # "T" for test: the shipped plans number their actions A1, A2..., and a factory action
    # added to one of them must never take a real reference.
    reference = factory.Sequence(lambda n: f"T{n}")
    position = factory.Sequence(lambda n: n)
    description = factory.Sequence(lambda n: f"Deliver the plan's action number {n}")
    timescale = "July 2018"
    timescale_kind = "by_date"
    due_date = datetime.date(2018, 7, 31)
    leads_as_written = ""
    status = Status.NOT_STARTED


class ActionLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionLead

    action = factory.SubFactory(ActionFactory)
    position = factory.Sequence(lambda n: n + 1)
    organisation = factory.SubFactory(OrganisationFactory)
    body = None


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    date = datetime.date(2018, 6, 1)
    status = Status.ON_TRACK
    note = "Progressing as planned."
