"""Forms of the governance pages. They check the shape of the input; the rules are in services."""

from django import forms
from django.core.exceptions import ValidationError

from actions.models import Status
from actions.partners import partnership_organisations, partnership_people
from governance.models import Body, Organisation, Person
from governance.selectors import partnership_bodies
from governance.services import date_out_of_range_message

from .services import NO_LEAD_MESSAGE, NO_WHEN_MESSAGE

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
DATE_HINT = "For example, 31/7/2019"


class DateField(forms.DateField):
    """A day written the British way, with a message saying how to write it."""

    def __init__(self, *, what="the date", **kwargs):
        self.what = what
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault(
            "error_messages",
            {
                "required": f"Enter {what}.",
                "invalid": f"Enter {what} as day/month/year, for example 31/7/2019.",
            },
        )
        kwargs.setdefault("widget", forms.DateInput(format="%d/%m/%Y"))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None and (message := date_out_of_range_message(self.what, value)):
            raise ValidationError(message, code="out_of_range")


class GovukFormMixin:
    """GOV.UK classes and error state on every widget, so that templates stay simple."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            widget = bound.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            css = {forms.Textarea: "govuk-textarea", forms.Select: "govuk-select"}.get(
                type(widget), "govuk-input"
            )
            if isinstance(widget, forms.DateInput):
                css += " govuk-input--width-10"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        self.mark_errors()

    def mark_errors(self):
        """The error state of the fields with errors (after validation, and after a service
        refused the input). Not in __init__: reading self.errors there would validate the
        form before subclasses have set their querysets."""
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            base = widget.attrs.get("class", "govuk-input").split()[0]
            if f"{base}--error" not in widget.attrs["class"]:
                widget.attrs["class"] += f" {base}--error"
            # Django links the hint by itself, but only when nothing else is described.
            described = [f"id_{name}_helptext"] if self.fields[name].help_text else []
            widget.attrs["aria-describedby"] = " ".join([*described, f"id_{name}_error"])

    def add_service_errors(self, error: ValidationError, field_map=None):
        """Put a service's ValidationError on the fields it names (or on the form)."""
        field_map = field_map or {}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = field_map.get(key, key)
            for message in ValidationError(errors).messages:
                self.add_error(name if name in self.fields else None, message)
        self.mark_errors()


class MeetingForm(GovukFormMixin, forms.Form):
    date = DateField(what="the date of the meeting", help_text=DATE_HINT)
    title = forms.CharField(
        max_length=300,
        error_messages={"required": "Enter the title of the meeting, for example the agenda item."},
        help_text="For example, “Annual Community Safety Report”.",
    )
    attendees = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="As the minutes record them, for example “Director of Public Health, WCC”.",
    )
    attendee_people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Members who attended",
    )
    minutes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Separate paragraphs with a blank line.",
    )
    papers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Papers received",
        help_text="One paper on each line.",
    )

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendee_people"].queryset = Person.objects.filter(
            memberships__body=body
        ).order_by("name")


class ActionArisingForm(GovukFormMixin, forms.Form):
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What was agreed",
        error_messages={"required": "Enter what was agreed: the action arising."},
    )
    lead_organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Lead organisations",
    )
    lead_bodies = forms.ModelMultipleChoiceField(
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Lead partnership bodies",
    )
    due_date = DateField(what="the due date", required=False, help_text=DATE_HINT)
    timescale = forms.CharField(
        required=False,
        max_length=200,
        label="Or the timescale as agreed",
        help_text="For example, “March 2020”, “Spring 2020” or “TBC”.",
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the partnership's own: the installation holds every other partnership's too.
        self.fields["lead_organisations"].queryset = partnership_organisations(board).order_by(
            "short_name"
        )
        self.fields["lead_bodies"].queryset = partnership_bodies(board).order_by("name")

    def clean(self):
        # The service checks these too; checking here as well shows every problem at once,
        # even when another field (a mistyped date) stops the service from being called.
        data = super().clean()
        if not self.leads:
            self.add_error("lead_organisations", NO_LEAD_MESSAGE)
        if not data.get("timescale") and not data.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", NO_WHEN_MESSAGE)
        return data

    @property
    def leads(self):
        return list(self.cleaned_data.get("lead_organisations") or []) + list(
            self.cleaned_data.get("lead_bodies") or []
        )


class ProgressLinkForm(GovukFormMixin, forms.Form):
    updates = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Progress updates received",
        error_messages={
            "required": "Choose at least one progress update.",
            "invalid_choice": (
                "One of the chosen progress updates cannot be linked to this meeting."
            ),
        },
    )

    def __init__(self, *args, updates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["updates"].queryset = updates
        self.fields["updates"].label_from_instance = lambda u: (
            f"{u.action.reference} {u.action.description[:80]}: "
            f"{u.get_status_display()} on {u.date:%-d %B %Y}"
        )


class ProgressRecordForm(GovukFormMixin, forms.Form):
    action = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose an action",
        error_messages={"required": "Choose the action the progress is about."},
    )
    status = forms.ChoiceField(
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status reported at the meeting."},
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Progress note",
        help_text="What the meeting heard. Needed when the action is at risk, off track, "
        "deferred, cancelled or overdue.",
    )
    outcome = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the action achieved, when it is completed.",
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = actions
        self.fields["action"].label_from_instance = lambda a: f"{a.reference} {a.description[:90]}"


class ChairChangeForm(GovukFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="New chair",
        empty_label="Choose a person",
        error_messages={"required": "Choose the person who takes the chair."},
    )
    start = DateField(
        what="the date the new chair takes over",
        label="Takes the chair on",
        help_text=DATE_HINT + ". The current chair’s period ends the day before.",
    )
    reason = forms.CharField(
        required=False,
        max_length=200,
        label="Reason for the change (optional)",
        help_text="Kept in the history, for example “elected at the AGM”.",
    )

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        # The people of the body's partnership, not every person in the installation.
        self.fields["person"].queryset = (
            partnership_people(body.board).select_related("organisation").order_by("name")
        )


class AgendaForm(GovukFormMixin, forms.Form):
    date = DateField(
        what="the date of the next meeting", label="Date of the next meeting", help_text=DATE_HINT
    )
