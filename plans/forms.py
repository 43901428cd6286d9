from django import forms
from django.utils import timezone

from govuk.forms import GovukForm

from .history import FIRST_YEAR, LAST_YEAR, MomentOutOfRange, parse_moment
from .importer import MAX_FILE_BYTES
from .models import RolloverDecision
from .services import ActionChoice, choice_field

MOMENT_HINT = "For example, 2019-03-31, or 2019-03-31T18:00 for a time on that day."


class MomentField(forms.CharField):
    """A date, or a date and time, as typed: "2019-03-31" or "2019-03-31T18:00"."""

    def __init__(self, *, label, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-20"}))
        super().__init__(label=label, max_length=40, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            moment = parse_moment(value)
        except MomentOutOfRange:
            raise forms.ValidationError(
                f"{self.label} must be between 1 January {FIRST_YEAR} and 31 December {LAST_YEAR}."
            ) from None
        if moment is None:
            raise forms.ValidationError(
                f"{self.label} must be a real date like 2019-03-31, or a date and time like "
                "2019-03-31T18:00."
            )
        return moment


class AsOfForm(GovukForm, forms.Form):
    at = MomentField(label="Show as it stood on", required=False, help_text=MOMENT_HINT)

    def clean_at(self):
        moment = self.cleaned_data["at"]
        if moment is None:
            return None
        # A bare date means the end of that day, later than now when it is today: today is
        # allowed, and shows the plan as it stands now.
        if timezone.localtime(moment).date() > timezone.localdate():
            raise forms.ValidationError("Show as it stood on must be today or earlier.")
        return min(moment, timezone.now())


class CompareDatesForm(GovukForm, forms.Form):
    from_ = MomentField(label="From", help_text=MOMENT_HINT)
    to = MomentField(label="To", help_text=MOMENT_HINT)

    def add_prefix(self, field_name):
        # "from" is a Python keyword: the field is from_, but the query string says from=.
        return "from" if field_name == "from_" else super().add_prefix(field_name)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from_"), cleaned.get("to")
        if start and end and start >= end:
            self.add_error("to", "To must be later than From.")
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
