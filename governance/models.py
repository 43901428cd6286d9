"""Who: partner organisations, people, the partnership's bodies and how they report."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .history import HistorySource
from .minutes import tidy_minutes


class ShortNameManager(models.Manager):
    """Fixtures and imports name organisations and bodies as people write them: "WCC PH"."""

    def get_by_natural_key(self, short_name):
        return self.get(short_name=short_name)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Local authority"
        POLICE = "police", "Police"
        PCC = "pcc", "Police and Crime Commissioner"
        HEALTH = "health", "Health"
        PROBATION = "probation", "Probation"
        FIRE = "fire", "Fire and rescue"
        COMMISSIONED = "commissioned", "Commissioned service"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    history = HistoricalRecords(bases=[HistorySource])

    objects = ShortNameManager()

    class Meta:
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name

    def natural_key(self):
        return (self.short_name,)


class PersonManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Person(models.Model):
    name = models.CharField(max_length=200, unique=True)
    post = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The sign-in account of this person, if they use the tracker.",
    )
    history = HistoricalRecords(bases=[HistorySource])

    objects = PersonManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        parts = [self.name, self.post, self.organisation and self.organisation.short_name]
        return ", ".join(p for p in parts if p)

    def natural_key(self):
        return (self.name,)

    natural_key.dependencies = ["governance.organisation"]


class Body(models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", "Board"
        PARTNERSHIP = "partnership", "Partnership"
        SUB_GROUP = "sub_group", "Sub-group"
        FORUM = "forum", "Forum"
        PANEL = "panel", "Panel"
        TASK_GROUP = "task_group", "Task group"
        OFFICE = "office", "Office"

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, unique=True)
    # The partnership's part of its pages' addresses (/p/<slug>/...): made once from the short
    # name and never changed with it, so that a link stays good.
    slug = models.SlugField(max_length=70, blank=True, default="", editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    statutory = models.BooleanField(default=False)
    area = models.CharField(max_length=200, blank=True)
    remit = models.TextField(blank=True)
    membership = models.TextField(blank=True, help_text="The membership as described.")
    restricted = models.BooleanField(
        default=False,
        help_text="Only members, coordinators and admins see its actions, meetings and notes.",
    )
    established = models.DateField(null=True, blank=True)
    partnership = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnership_bodies",
        help_text="The board whose partnership this body belongs to (empty for the board).",
    )
    reports_to = models.ManyToManyField(
        "self",
        through="ReportingLine",
        symmetrical=False,
        related_name="reported_to_by",
        blank=True,
    )
    history = HistoricalRecords(bases=[HistorySource])

    objects = ShortNameManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=~Q(slug=""), name="body_unique_slug"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = free_slug(self.short_name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.short_name,)

    @property
    def board(self):
        """The board at the head of this body's partnership."""
        return self.partnership or self

    @property
    def board_id(self):
        return self.partnership_id or self.pk

    def clean(self):
        if self.partnership_id is None:
            return
        if self.pk and self.partnership_id == self.pk:
            raise ValidationError({"partnership": "A body cannot be its own partnership."})
        head = self.partnership
        if head.partnership_id is not None:
            raise ValidationError(
                {
                    "partnership": (
                        f"The {head.short_name} is part of the {head.partnership.short_name}'s "
                        "partnership: name the board at its head as the partnership."
                    )
                }
            )


def free_slug(short_name: str, *, exclude_pk=None) -> str:
    """A slug of the short name that no other body has ("watford-csp", then "watford-csp-2")."""
    base = slugify(short_name)[:60] or "partnership"
    taken = set(
        Body.objects.exclude(pk=exclude_pk)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


class ReportingLineManager(models.Manager):
    def get_by_natural_key(self, from_short_name, to_short_name):
        return self.get(from_body__short_name=from_short_name, to_body__short_name=to_short_name)


class ReportingLine(models.Model):
    from_body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="lines_up")
    to_body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="lines_down")
    description = models.CharField(
        max_length=200, blank=True, help_text='As written, e.g. "a subgroup of the SCB".'
    )
    history = HistoricalRecords(bases=[HistorySource])

    objects = ReportingLineManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_body", "to_body"], name="reporting_line_unique"),
            models.CheckConstraint(
                condition=~Q(from_body=models.F("to_body")), name="reporting_line_not_to_self"
            ),
        ]

    def __str__(self):
        return f"{self.from_body.short_name} reports to {self.to_body.short_name}"

    def natural_key(self):
        return (self.from_body.short_name, self.to_body.short_name)

    natural_key.dependencies = ["governance.body"]


class ChairManager(models.Manager):
    def get_by_natural_key(self, body_short_name, person_name, start):
        return self.get(body__short_name=body_short_name, person__name=person_name, start=start)


class Chair(models.Model):
    """A person chairing a body over a period. Chairs change; the past ones are kept."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="chairs")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="chairs")
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty while they are in the chair.")
    history = HistoricalRecords(bases=[HistorySource])

    objects = ChairManager()

    class Meta:
        ordering = ["body", "-start"]
        constraints = [
            models.UniqueConstraint(fields=["body", "person", "start"], name="chair_unique"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="chair_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person.name}, chair of {self.body.short_name} from {self.start}"

    def natural_key(self):
        return (self.body.short_name, self.person.name, self.start.isoformat())

    natural_key.dependencies = ["governance.body", "governance.person"]

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError(
                {"end": "The end of a chair's period cannot be before its start."}
            )


class MembershipManager(models.Manager):
    def get_by_natural_key(self, person_name, body_short_name):
        return self.get(person__name=person_name, body__short_name=body_short_name)


class Membership(models.Model):
    """A person belongs to a body: it gives them its actions and, if restricted, its data."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    history = HistoricalRecords(bases=[HistorySource])

    objects = MembershipManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "body"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.person.name} in {self.body.short_name}"

    def natural_key(self):
        return (self.person.name, self.body.short_name)

    natural_key.dependencies = ["governance.body", "governance.person"]


class Role(models.Model):
    """What a user does in a partnership (the board at its head). Admins are superusers."""

    class Kind(models.TextChoices):
        OFFICER = "officer", "Board officer"
        CHAIR = "chair", "Chair"
        COORDINATOR = "coordinator", "Partnership coordinator"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partnership_roles"
    )
    board = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "board", "kind"], name="role_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()} of {self.board.short_name}"


class MeetingManager(models.Manager):
    def get_by_natural_key(self, body_short_name, date, title):
        return self.get(body__short_name=body_short_name, date=date, title=title)


class Meeting(models.Model):
    """A body meets: it receives progress and agrees actions arising."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=300)
    attendees = models.TextField(blank=True, help_text="As recorded in the minutes.")
    attendee_people = models.ManyToManyField(Person, blank=True, related_name="meetings")
    minutes = models.TextField(blank=True)
    papers = models.TextField(blank=True, help_text="The papers received, one per line.")
    history = HistoricalRecords(bases=[HistorySource], m2m_fields=[attendee_people])

    objects = MeetingManager()

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["body", "date"], name="meeting_body_date")]

    def __str__(self):
        return f"{self.body.short_name} {self.date:%d %B %Y}: {self.title}"

    def natural_key(self):
        return (self.body.short_name, self.date.isoformat(), self.title)

    natural_key.dependencies = ["governance.body"]

    def clean(self):
        # Minutes pasted from Word, or loaded from a file, keep their bullets as "- " items.
        self.minutes = tidy_minutes(self.minutes)


class DataStamp(models.Model):
    """A token that changes after every committed change to what its scope covers: the part
    of a cached page's key that makes it miss once anything it shows may have changed
    (governance.freshness: `all`, `shared`, and `p:<slug>` for each partnership's own data).
    A random token rather than a counter, so that restoring a backup can never bring back a
    value that other data was cached under."""

    scope = models.CharField(max_length=80, unique=True)
    token = models.CharField(max_length=32)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.scope}: {self.token}"


class PageCacheEntry(models.Model):
    """A cached part of a page (governance.page_cache.PageCache): Django's database-cache
    table, made by `migrate` so that every database, a test's included, has it. Written and
    read in SQL by the cache only; no page shows it, so it moves no data stamp."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "page_cache"
        default_permissions = ()

    def __str__(self):
        return self.cache_key


class PartnershipGroupManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class PartnershipGroup(models.Model):
    """Partnerships looked at together: a police force area, or any liaison group (the West
    Mercia Community Safety Liaison Group). Its overseers (a PCC's office, the group's chair)
    read its partnerships' actions side by side and change nothing (governance.access)."""

    name = models.CharField(max_length=200)
    # The group's part of its pages' addresses (/groups/<slug>/), kept when the name changes.
    slug = models.SlugField(max_length=70, unique=True)
    description = models.TextField(blank=True)
    partnerships = models.ManyToManyField(
        Body,
        blank=True,
        related_name="partnership_groups",
        limit_choices_to={"partnership__isnull": True},
        help_text="The boards at the head of the partnerships in the group.",
    )
    overseers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="overseen_groups",
        help_text="Who reads the group's actions, read-only: a PCC's office, the group's chair.",
    )
    history = HistoricalRecords(bases=[HistorySource], m2m_fields=[partnerships, overseers])

    objects = PartnershipGroupManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
