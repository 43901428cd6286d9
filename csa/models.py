"""The agreement itself: a board's annual Community Safety Agreement, its themes and narrative."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from governance.history import HistorySource
from governance.models import Body

# The years an agreement may cover: the tracker's records start after 2000 (and the "as it
# stood" views read no further than 2100), and an agreement covers a year, or a few.
FIRST_YEAR, LAST_YEAR = 2000, 2100
LONGEST_PERIOD_DAYS = 5 * 366


def same_board_error(field: str, what: str, board, other_board) -> ValidationError:
    return ValidationError(
        {
            field: (
                f"{what} belongs to the {other_board.short_name}'s partnership, not the "
                f"{board.short_name}'s: a partnership's records name only its own."
            )
        }
    )


def financial_year_label(start: datetime.date) -> str:
    """ "2017-18" for the year that starts in April 2017."""
    return f"{start.year}-{(start.year + 1) % 100:02d}"


class AgreementQuerySet(models.QuerySet):
    """Which agreement is "current": decided here once, for every page, command and service."""

    def in_force_on(self, day: datetime.date):
        return self.filter(period_start__lte=day, period_end__gte=day)

    def working(self):
        """Agreed plans: adopted, or adopted then superseded. A draft may never be agreed."""
        return self.exclude(status=Agreement.Status.DRAFT)

    def current_for(self, board, day: datetime.date):
        """The agreement a board works to on a day: the one in force (not a draft), else the
        latest agreed one (the plan a board still works to between a year's end and the
        adoption of the next), else None. `board` is a Body or its id."""
        mine = self.filter(board=board).working()
        return (
            mine.in_force_on(day).order_by("-period_start").first()
            or mine.order_by("-period_start").first()
        )

    def current_ids_for(self, boards, day: datetime.date):
        """The id of current_for(board, day) for each board of `boards` (a queryset of
        bodies), as a subquery: one query whatever the number of boards."""
        mine = self.filter(board=OuterRef("pk")).working().order_by("-period_start")
        return (
            boards.annotate(
                agreement_id=Coalesce(
                    Subquery(mine.in_force_on(day).values("pk")[:1]),
                    Subquery(mine.values("pk")[:1]),
                )
            )
            .filter(agreement_id__isnull=False)
            .values("agreement_id")
        )


class AgreementManager(models.Manager.from_queryset(AgreementQuerySet)):
    def get_by_natural_key(self, board_short_name, period_start):
        return self.get(board__short_name=board_short_name, period_start=period_start)


class Agreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ADOPTED = "adopted", "Adopted"
        SUPERSEDED = "superseded", "Superseded"

    board = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(max_length=200)
    period_start = models.DateField(help_text="The first day of the financial year, 1 April.")
    period_end = models.DateField(help_text="The last day of the period, usually 31 March.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.CharField(max_length=20, blank=True, help_text='As written, e.g. "0.1".')
    document_date = models.CharField(max_length=60, blank=True, help_text='e.g. "March 2017".')
    contact = models.CharField(max_length=200, blank=True)
    introduction = models.TextField(
        blank=True, help_text="The words that introduce the action plan, as written."
    )
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next",
        help_text="Last year's agreement, of which this one is the revision.",
    )
    history = HistoricalRecords(bases=[HistorySource])

    objects = AgreementManager()

    class Meta:
        ordering = ["board", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "period_start"], name="agreement_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="agreement_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year_label})"

    def partnership_slug(self) -> str:
        return self.board.slug  # governance.freshness: whose cached pages its changes touch

    def natural_key(self):
        return (self.board.short_name, self.period_start.isoformat())

    natural_key.dependencies = ["governance.body"]

    @property
    def year_label(self) -> str:
        return financial_year_label(self.period_start)

    def clean(self):
        errors = {}
        for name in ("period_start", "period_end"):
            day = getattr(self, name)
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                errors[name] = f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}."
        if errors:
            raise ValidationError(errors)
        if self.period_start and self.period_end:
            if self.period_end <= self.period_start:
                raise ValidationError({"period_end": "The period must end after it starts."})
            if (self.period_end - self.period_start).days > LONGEST_PERIOD_DAYS:
                raise ValidationError(
                    {"period_end": "An agreement covers a year, or at most five."}
                )
        if self.previous_id and self.board_id and self.previous.board_id != self.board_id:
            raise same_board_error(
                "previous", f"Agreement {self.previous}", self.board, self.previous.board
            )


class ObligationManager(models.Manager):
    def get_by_natural_key(self, board_short_name, name):
        return self.get(board__short_name=board_short_name, name=name)


class Obligation(models.Model):
    """What a partnership's plan answers to: a statutory duty of a community safety
    partnership, an objective of its Police and Crime Commissioner's plan, or another
    commitment. Actions and themes are tagged with them, so that the coverage page can say
    which duty has no action. Each partnership keeps its own list (csa.services)."""

    class Kind(models.TextChoices):
        STATUTORY_DUTY = "statutory_duty", "Statutory duty"
        PCC_OBJECTIVE = "pcc_objective", "Police and Crime Plan objective"
        OTHER = "other", "Other commitment"

    board = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="obligations")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(
        blank=True, help_text="Where it comes from and what it asks, in a sentence or two."
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(bases=[HistorySource])

    objects = ObligationManager()

    class Meta:
        ordering = ["board", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="obligation_unique_name"),
        ]

    def __str__(self):
        return self.name

    def partnership_slug(self) -> str:
        return self.board.slug  # governance.freshness: whose cached pages its changes touch

    def natural_key(self):
        return (self.board.short_name, self.name)

    natural_key.dependencies = ["governance.body"]


class ThemeManager(models.Manager):
    def get_by_natural_key(self, board_short_name, key):
        return self.get(board__short_name=board_short_name, key=key)


class Theme(models.Model):
    """A priority that persists across years, so it can be followed when it is renamed."""

    board = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="themes")
    key = models.SlugField(
        max_length=80, help_text="A stable name that does not change when the theme is renamed."
    )
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    obligations = models.ManyToManyField(
        Obligation,
        blank=True,
        related_name="themes",
        help_text="The duties and plan objectives that every action of the theme serves.",
    )
    # The tags are kept with each history row, so that who tagged what, and why, is kept.
    history = HistoricalRecords(bases=[HistorySource], m2m_fields=[obligations])

    objects = ThemeManager()

    class Meta:
        ordering = ["board", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "key"], name="theme_unique_key"),
        ]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.name} – {self.name}"
        return self.name

    def partnership_slug(self) -> str:
        return self.board.slug  # governance.freshness: whose cached pages its changes touch

    def natural_key(self):
        return (self.board.short_name, self.key)

    natural_key.dependencies = ["governance.body"]

    def clean(self):
        if self.parent_id and self.board_id and self.parent.board_id != self.board_id:
            raise same_board_error(
                "parent", f"Theme {self.parent.key!r}", self.board, self.parent.board
            )
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": "A theme cannot be its own parent or ancestor."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class SectionManager(models.Manager):
    def get_by_natural_key(self, board_short_name, period_start, position):
        return self.get(
            agreement__board__short_name=board_short_name,
            agreement__period_start=period_start,
            position=position,
        )


class Section(models.Model):
    """A numbered section of the narrative, paragraphs separated by blank lines."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    number = models.CharField(max_length=20, blank=True, help_text='As written: "6".')
    heading = models.CharField(max_length=300)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="sections"
    )
    text = models.TextField(blank=True)
    history = HistoricalRecords(bases=[HistorySource])

    objects = SectionManager()

    class Meta:
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "position"], name="section_unique_pos"),
        ]

    def __str__(self):
        return f"{self.number}. {self.heading}" if self.number else self.heading

    def partnership_slug(self) -> str:
        return self.agreement.board.slug  # governance.freshness

    def natural_key(self):
        return (*self.agreement.natural_key(), self.position)

    natural_key.dependencies = ["csa.agreement", "csa.theme"]

    def clean(self):
        if self.theme_id and self.agreement_id:
            board = self.agreement.board
            if self.theme.board_id != board.pk:
                raise same_board_error(
                    "theme", f"Theme {self.theme.key!r}", board, self.theme.board
                )

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]
