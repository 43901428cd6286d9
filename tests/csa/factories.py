import datetime

import factory

from csa.models import Agreement, Section, Theme
from tests.governance.factories import BoardFactory


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    board = factory.SubFactory(BoardFactory)
    title = factory.LazyAttribute(
        lambda o: f"Community Safety Agreement {o.period_start.year} to {o.period_start.year + 1}"
    )
    period_start = datetime.date(2018, 4, 1)
    period_end = factory.LazyAttribute(
        lambda o: o.period_start.replace(year=o.period_start.year + 1) - datetime.timedelta(days=1)
    )
    status = Agreement.Status.ADOPTED
    version = "1.0"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    board = factory.SubFactory(BoardFactory)
    key = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    agreement = factory.SubFactory(AgreementFactory)
    position = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: str(o.position))
    heading = factory.Sequence(lambda n: f"Section {n}")
    text = "First paragraph.\n\nSecond paragraph."
