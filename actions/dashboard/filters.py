"""The filters of the list of actions, its exports and the dashboard's links into it.

Everything is in the URL (GET), so that a filtered list can be shared or bookmarked. Every
choice offered is limited to what the user may see: an agreement of another partnership is
"not one of the choices", exactly as one that does not exist.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, Value, When

from csa.models import Theme
from governance.access import access_for
from governance.models import Body
from govuk.forms import GovukDateField, GovukForm

from .. import reporting
from ..models import Action, ActionLead, today
from ..timescales import TimescaleKind

FLAG_CHOICES = [
    ("overdue", "Overdue"),
    ("due_soon", "Due soon"),
    ("stale", "Stale (no recent update)"),
    ("slipped", "Slipped (due date moved later)"),
    ("exception", "Exceptions (on track, but red or amber)"),
    ("needs_date", "Timescale not understood or approximate: needs a date"),
    ("tbc", "To be confirmed"),
]

SORT_CHOICES = [
    ("due", "Due date, soonest first"),
    ("-due", "Due date, latest first"),
    ("status", "Status, off track first"),
    ("theme", "Theme"),
    ("reference", "Reference"),
]

# One past the largest id a database holds (a 64-bit signed integer).
LARGEST_ID = 2**63

_STATUS_RANK = Case(
    *(When(status_on=status, then=Value(i)) for i, status in enumerate(reporting.STATUS_ORDER)),
    default=Value(len(reporting.STATUS_ORDER)),
    output_field=IntegerField(),
)

# Each ends with the id, so that rows equal on every other key keep one order from one page
# to the next (two years' A1 can share a due date, a position and a reference).
SORTS = {
    # The due date in force on the list's day (due_on), the one each row shows.
    "due": [F("due_on").asc(nulls_last=True), "position", "reference", "pk"],
    "-due": [F("due_on").desc(nulls_last=True), "position", "reference", "pk"],
    "status": [_STATUS_RANK, F("due_on").asc(nulls_last=True), "position", "pk"],
    "theme": ["theme__position", "theme__name", "position", "reference", "pk"],
    "reference": [
        "agreement__board__name", "-agreement__period_start", "position", "reference", "pk"
    ],
}  # fmt: skip

# Short enough for one line beside another field: a longer hint wrapped to three lines.
AS_OF_HELP = "Statuses on that day, for example 1 4 2019"
# Days outside these are typing mistakes, and would overflow the date arithmetic.
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)


def check_day(value: datetime.date | None, what: str) -> datetime.date | None:
    if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise forms.ValidationError(
            f"Enter {what} between {EARLIEST_DAY:%Y} and {LATEST_DAY:%Y}, for example 1 4 2019."
        )
    return value


class DayFilter(django_filters.Filter):
    """A day typed in the GOV.UK date input (govuk.forms.GovukDateField); ?name=2019-04-01 as
    well, as links write it."""

    field_class = GovukDateField


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.board.short_name} {obj.year_label}: {obj.title}"


class ActionFilterForm(GovukForm, forms.Form):
    def clean_as_of(self):
        return check_day(self.cleaned_data.get("as_of"), "the “status as of” date")


class PlanDayForm(GovukForm, forms.Form):
    """Which plan, on which day: the dashboard's and the board report's header."""

    agreement = AgreementChoiceField(
        queryset=None,
        required=False,
        label="Agreement",
        empty_label=None,
        error_messages={
            "invalid_choice": "Choose an agreement from the list: that agreement does not "
            "exist or is not one you can see."
        },
    )
    board = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Board",
        error_messages={
            "invalid_choice": "Choose a board from the list: that board does not exist or is "
            "not one you can see."
        },
    )
    as_of = GovukDateField(
        required=False,
        label="As of",
        what="the “as of” date",
        help_text=AS_OF_HELP,
        error_messages={
            "invalid_text": "Enter the “as of” date as a real date, for example 1 4 2019."
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        agreements = reporting.agreements_visible_to(user)
        self.fields["agreement"].queryset = agreements
        self.fields["board"].queryset = reporting.boards_visible_to(user)

    def clean_as_of(self):
        return check_day(self.cleaned_data.get("as_of"), "the “as of” date")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not cleaned.get("as_of"):
            cleaned["as_of"] = today()
        if not cleaned.get("agreement"):
            board = cleaned.get("board")
            cleaned["agreement"] = reporting.default_agreement(
                self.user, on=cleaned["as_of"], board_id=board.pk if board else None
            )
        return cleaned


class BoardReportForm(PlanDayForm):
    since = GovukDateField(
        required=False,
        label="Last meeting",
        what="the last meeting date",
        help_text="Actions completed after this day are listed. "
        "Leave it empty for the board's last meeting before the “as of” day.",
        error_messages={
            "invalid_text": "Enter the last meeting date as a real date, for example 15 1 2019."
        },
    )

    def clean_since(self):
        return check_day(self.cleaned_data.get("since"), "the last meeting date")

    def clean(self):
        cleaned = super().clean()
        since, as_of = cleaned.get("since"), cleaned.get("as_of")
        if since and as_of and since > as_of:
            self.add_error("since", "The last meeting date must be on or before the “as of” date.")
        return cleaned


class AgreementFilter(django_filters.ModelChoiceFilter):
    field_class = AgreementChoiceField


class ActionFilter(django_filters.FilterSet):
    """Filters over Action.objects.visible_to(user), annotated as of the `as_of` day."""

    agreement = AgreementFilter(
        queryset=None,
        label="Agreement",
        empty_label="All agreements",
        error_messages={
            "invalid_choice": "Choose an agreement from the list: that agreement does not "
            "exist or is not one you can see."
        },
    )
    board = django_filters.ModelChoiceFilter(
        queryset=Body.objects.none(),
        label="Partnership",
        method="filter_board",
        empty_label="All partnerships",
        help_text="Choose one to filter by its agreements, themes and leads.",
        error_messages={"invalid_choice": "Choose a partnership from the list."},
    )
    as_of = DayFilter(
        label="Status as of",
        method="filter_nothing",
        what="the “status as of” date",
        help_text=AS_OF_HELP,
        error_messages={
            "invalid_text": "Enter the “status as of” date as a real date, for example 1 4 2019."
        },
    )
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        help_text="Words in the reference, action, leads or timescale.",
        max_length=200,
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.none(),
        label="Theme",
        method="filter_theme",
        empty_label="All themes",
        help_text="A theme includes its sub-themes.",
        error_messages={"invalid_choice": "Choose a theme from the list."},
    )
    lead = django_filters.ChoiceFilter(
        label="Lead organisation or body",
        method="filter_lead",
        empty_label="All leads",
        error_messages={"invalid_choice": "Choose a lead organisation or body from the list."},
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        field_name="status_on",
        choices=[(s.value, s.label) for s in reporting.STATUS_ORDER],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "app-checkboxes-inline"}),
        error_messages={"invalid_choice": "Choose statuses from the list."},
    )
    flag = django_filters.ChoiceFilter(
        label="Only actions that are",
        method="filter_flag",
        choices=FLAG_CHOICES,
        empty_label="Any",
        error_messages={
            "invalid_choice": "Choose overdue, due soon, stale, slipped, exceptions, needs a "
            "date or to be confirmed."
        },
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        method="filter_nothing",
        choices=SORT_CHOICES,
        empty_label=None,
        error_messages={"invalid_choice": "Choose a sort order from the list."},
    )

    class Meta:
        fields = []
        form = ActionFilterForm

    def __init__(self, data=None, *args, user, **kwargs):
        self.user = user
        super().__init__(data, *args, **kwargs)
        access = access_for(user)
        visible = reporting.agreements_visible_to(user)
        self.boards = self._boards_in_scope(visible, access)
        # Every choice is of the boards in scope, never of the whole installation: an admin
        # chooses a partnership first (with 350 of them, every agreement and lead of the
        # country would be a page of <option>s).
        agreements = visible.filter(board_id__in=self.boards)
        self.filters["agreement"].queryset = agreements
        self.form.fields["agreement"].queryset = agreements
        themes = (
            Theme.objects.filter(board_id__in=self.boards)
            .select_related("parent")
            .order_by("board__name", "position", "name")
        )
        self.form.fields["theme"].queryset = themes
        # A callable: worked out only when the list is drawn or a lead is asked for, so a page
        # served from the cache (governance.freshness) never works it out.
        self.form.fields["lead"].choices = self._lead_choices
        if access.spans_every_partnership:
            self.form.fields["board"].queryset = reporting.boards_visible_to(user)
        else:
            # One partnership at a time (the one in the address): nothing to choose.
            del self.form.fields["board"]
            del self.filters["board"]

    @property
    def spans_partnerships(self) -> bool:
        """An admin's list of every partnership's actions: too long to count (actions.paging)."""
        return not self.boards

    def _requested(self, name) -> int | None:
        """The id asked for, when it can be one: a number past any id's range (2**63) would
        fail in the database rather than find nothing."""
        try:
            value = int((self.data or {}).get(name) or "")
        except (TypeError, ValueError):
            return None
        return value if 0 < value < LARGEST_ID else None

    def _boards_in_scope(self, visible, access) -> list[int]:
        """The boards whose agreements, themes and leads the filters offer: the requested
        agreement's, else the requested board's (across partnerships), else the user's
        partnership's."""
        agreement_id = self._requested("agreement")
        if agreement_id is not None:
            board_id = visible.filter(pk=agreement_id).values_list("board_id", flat=True).first()
            if board_id is not None:
                return [board_id]
        board_id = self._requested("board")
        if access.spans_every_partnership:
            return [board_id] if board_id is not None else []
        return sorted(access.board_ids)

    def _lead_choices(self):
        """The organisations and bodies that lead actions the user can see in scope: of the
        requested agreement when there is one, else of the boards in scope."""
        actions = Action.objects.visible_to(self.user)
        agreement_id = self._requested("agreement")
        if agreement_id is not None:
            actions = actions.filter(agreement_id=agreement_id, agreement__board_id__in=self.boards)
        else:
            actions = actions.filter(agreement__board_id__in=self.boards)
        # One query, so that the visibility rule's SQL is written out once, not once for the
        # organisations and again for the bodies.
        leads = (
            ActionLead.objects.filter(action__in=actions.values("pk"))
            .values_list(
                "organisation_id",
                "organisation__short_name",
                "body_id",
                "body__short_name",
                "body__name",
            )  # fmt: skip
            .order_by()
            .distinct()
        )
        organisations, bodies = {}, {}
        for organisation_id, short_name, body_id, body_short_name, body_name in leads:
            if organisation_id is not None:
                organisations[organisation_id] = short_name
            if body_id is not None:
                bodies[body_id] = (body_short_name, body_name)
        # In the models' own orders: organisations by short name, bodies by name.
        by_short_name = sorted(organisations.items(), key=lambda item: (item[1], item[0]))
        by_name = sorted(bodies.items(), key=lambda item: (item[1][1], item[0]))
        return [
            ("Organisations", [(f"org:{pk}", name) for pk, name in by_short_name]),
            ("Bodies", [(f"body:{pk}", f"{short} ({name})") for pk, (short, name) in by_name]),
        ]

    def filter_board(self, queryset, name, value):
        return queryset.filter(agreement__board=value)

    # The day and the order are not filters: they shape the whole queryset (below).
    def filter_nothing(self, queryset, name, value):
        return queryset

    @property
    def as_of_date(self) -> datetime.date:
        cleaned = getattr(self.form, "cleaned_data", {}) or {}
        return cleaned.get("as_of") or today()

    @property
    def agreement_chosen(self):
        cleaned = getattr(self.form, "cleaned_data", {}) or {}
        return cleaned.get("agreement")

    def filter_queryset(self, queryset):
        # Status, flags and the latest note are all "as of" the chosen day, so the annotations
        # go on before any filter that reads them.
        as_of = self.as_of_date
        queryset = super().filter_queryset(queryset.rows(as_of))
        sort = self.form.cleaned_data.get("sort") or "due"
        return queryset.order_by(*SORTS[sort])

    def filter_search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(description__icontains=word)
                | Q(leads_as_written__icontains=word)
                | Q(timescale__icontains=word)
            )
        return queryset

    def filter_theme(self, queryset, name, value):
        return queryset.filter(theme_id__in=reporting.theme_descendant_ids(value))

    def filter_lead(self, queryset, name, value):
        kind, _, pk = value.partition(":")
        party = {"org": "organisation_id", "body": "body_id"}[kind]
        leading = ActionLead.objects.filter(**{party: int(pk)}).values("action_id")
        return queryset.filter(pk__in=leading)

    def filter_flag(self, queryset, name, value):
        as_of = self.as_of_date
        if value == "overdue":
            return queryset.overdue(as_of=as_of)
        if value == "due_soon":
            return queryset.due_within(as_of=as_of)
        if value == "slipped":
            return queryset.slipped(as_of=as_of)
        if value == "exception":
            return queryset.exceptions(as_of=as_of)
        if value == "needs_date":
            return queryset.filter(
                due_date__isnull=True, timescale_kind__in=reporting.NEEDS_A_DATE_KINDS
            )
        if value == "tbc":
            return queryset.filter(timescale_kind=TimescaleKind.TO_BE_CONFIRMED.value)
        return queryset.stale(as_of=as_of)
