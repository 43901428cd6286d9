import datetime
import re

from django import forms
from django.utils import timezone

from govuk.forms import GovukDateField, GovukForm

from .history import FIRST_YEAR, LAST_YEAR, MomentOutOfRange, parse_moment
from .importer import MAX_FILE_BYTES
from .models import RolloverDecision
from .services import ActionChoice, choice_field

# A time is optional: without one, a day means the end of that day.
TIME_HINT = "For example, 18:00 or 6pm. Leave it empty for the end of the day."
TIME = re.compile(
    r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m?\.?\s*$|^\s*(\d{1,2})[:.](\d{2})\s*$", re.I
)
BAD_TIME = "Enter the time as hours and minutes, for example 18:00 or 6pm"


def parse_time(text: str) -> datetime.time | None:
    """ "18:00", "18.00", "6pm", "6.30 pm": that time; None when it is not one."""
    match = TIME.match(text or "")
    if not match:
        return None
    if match[4] is not None:  # 24-hour clock
        hour, minute = int(match[4]), int(match[5])
    else:
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[3].lower() == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def _time_field(label="Time (optional)"):
    return forms.CharField(
        label=label,
        required=False,
        max_length=20,
        help_text=TIME_HINT,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )


class MomentForm(GovukForm, forms.Form):
    """Moments typed as the GOV.UK date input with an optional time under it: the field
    <name> (a GovukDateField) and <name>_time. clean() puts the moment, an aware datetime, in
    cleaned_data[<name>]: the end of the day without a time.

    A link written before the date boxes (?at=2019-03-31T18:00) still works: its day goes to
    the date field and its time to the time field."""

    moments: tuple[str, ...] = ()

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        if self.is_bound:
            self.data = self._with_single_values_split(self.data)

    def _with_single_values_split(self, data):
        data = data.copy()
        for name in self.moments:
            key = self.add_prefix(name)
            value = (data.get(key) or "").strip()
            if not value or "T" not in value or any(f"{key}_{i}" in data for i in range(3)):
                continue
            try:
                moment = parse_moment(value)
            except MomentOutOfRange:
                moment = None
            if moment is None:
                # Its day alone, so that the date field says what is wrong with it.
                data[key] = value.split("T")[0]
                continue
            local = timezone.localtime(moment)
            data[key] = local.date().isoformat()
            data.setdefault(f"{key}_time", f"{local:%H:%M}")
        return data

    def clean(self):
        cleaned = super().clean()
        for name in self.moments:
            cleaned[name] = self._moment(name, cleaned.get(name), cleaned.get(f"{name}_time"))
        return cleaned

    def _moment(self, name, day, time_text):
        if name in self.errors or f"{name}_time" in self.errors:
            return None
        what = self.fields[name].what
        if day is None:
            if time_text:
                self.add_error(name, f"Enter {what} as well as the time")
            return None
        time = None
        if time_text:
            time = parse_time(time_text)
            if time is None:
                self.add_error(f"{name}_time", BAD_TIME)
                return None
        typed = f"{day.isoformat()}T{time:%H:%M}" if time else day.isoformat()
        try:
            return parse_moment(typed)
        except MomentOutOfRange:
            self.add_error(
                name,
                f"{what[:1].upper()}{what[1:]} must be between 1 January {FIRST_YEAR} and "
                f"31 December {LAST_YEAR}",
            )
            return None


class AsOfForm(MomentForm):
    moments = ("at",)

    at = GovukDateField(
        label="Show as it stood on",
        what="the date",
        required=False,
        past_only=True,
        help_text="For example, 31 3 2019",
    )
    at_time = _time_field()

    def clean(self):
        cleaned = super().clean()
        moment = cleaned.get("at")
        if moment is None:
            return cleaned
        now = timezone.now()
        # A day alone means the end of that day: today is allowed, and shows the plan as it
        # stands now. A time later than now is refused, as a day after today is.
        if cleaned.get("at_time") and moment > now:
            self.add_error(
                "at_time",
                f"The time must be in the past: it is {timezone.localtime(now):%H:%M} now",
            )
            return cleaned
        cleaned["at"] = min(moment, now)
        return cleaned


class CompareDatesForm(MomentForm):
    moments = ("from_", "to")

    from_ = GovukDateField(label="From", what="the start date", help_text="For example, 1 5 2018")
    from_time = _time_field("Start time (optional)")
    to = GovukDateField(label="To", what="the end date", help_text="For example, 2 6 2018")
    to_time = _time_field("End time (optional)")

    @classmethod
    def asked_in(cls, query) -> bool:
        """The query asks for a comparison: any of the boxes, or a single ?from= or ?to=."""
        return any(key in ("from", "to") or key.startswith(("from_", "to_")) for key in query)

    def add_prefix(self, field_name):
        # "from" is a Python keyword: the field is from_, but the query string says from=.
        if field_name == "from_":
            return "from"
        return super().add_prefix(field_name)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from_"), cleaned.get("to")
        if start and end and start >= end:
            self.add_error("to", "The end date must be later than the start date")
        return cleaned


class RolloverForm(GovukForm, forms.Form):
    """One row per action of last year's plan: carry forward (with its wording) or close."""

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        for action in self.actions:
            name = f"{action.reference}"
            self.fields[choice_field(action.pk, "outcome")] = forms.ChoiceField(
                label=f"What happens to {name}",
                choices=RolloverDecision.Outcome.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[choice_field(action.pk, "description")] = forms.CharField(
                label=f"Wording of {name} next year",
                initial=action.description,
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                strip=True,
            )
            self.fields[choice_field(action.pk, "timescale")] = forms.CharField(
                label=f"Timescale of {name} next year",
                initial=action.timescale,
                widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
                required=False,
                strip=True,
            )
            self.fields[choice_field(action.pk, "reason")] = forms.CharField(
                label=f"Why {name} is closed",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                strip=True,
            )

    def rows(self):
        for action in self.actions:
            yield {
                "action": action,
                "outcome": self[choice_field(action.pk, "outcome")],
                "description": self[choice_field(action.pk, "description")],
                "timescale": self[choice_field(action.pk, "timescale")],
                "reason": self[choice_field(action.pk, "reason")],
            }

    def choices(self) -> list[ActionChoice]:
        data = self.cleaned_data
        return [
            ActionChoice(
                action=action,
                outcome=data.get(choice_field(action.pk, "outcome")) or "",
                description=data.get(choice_field(action.pk, "description")) or "",
                timescale=data.get(choice_field(action.pk, "timescale")) or "",
                reason=data.get(choice_field(action.pk, "reason")) or "",
            )
            for action in self.actions
        ]


class AgreementFileForm(GovukForm, forms.Form):
    """A year's agreement file (the format in the README), uploaded for a preview."""

    file = forms.FileField(
        label="Upload the year's agreement file",
        help_text="The JSON file of one year's agreement, in the format the README describes, "
        f"up to {MAX_FILE_BYTES // 1024 // 1024} MB. Nothing is loaded until you have checked "
        "what it will do.",
        error_messages={
            "required": "Choose the agreement file to upload",
            "empty": "The file is empty. Choose the year's agreement file.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file must be {MAX_FILE_BYTES // 1024 // 1024} MB or smaller: a year's "
                "agreement is a few hundred kilobytes."
            )
        return upload
