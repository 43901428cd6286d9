"""Forms of the officer's pages. They check the shape of the input (a status from the list, a
real date); the rules about what makes a valid update live in actions.services, once."""

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from csa.models import Theme

from .models import Status, today


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (names date_0, date_1, date_2)."""

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class DateInputField(forms.MultiValueField):
    widget = DateInputWidget

    def __init__(self, *, label_for_messages: str, **kwargs):
        self.label_for_messages = label_for_messages
        parts = [forms.CharField(required=False) for _ in range(3)]
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def clean(self, value):
        day, month, year = ((part or "").strip() for part in (value or [None, None, None]))
        what = self.label_for_messages
        if not (day or month or year):
            if self.required:
                raise ValidationError(f"Enter {what}", code="required")
            return None
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise ValidationError(
                f"{what[:1].upper()}{what[1:]} must include a {' and a '.join(missing)}",
                code="incomplete",
            )
        try:
            parsed = datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # OverflowError: a year too long for a C long
            raise ValidationError(
                f"{what[:1].upper()}{what[1:]} must be a real date, for example 27 3 2019",
                code="invalid",
            ) from None
        if parsed.year < 1900:
            raise ValidationError(
                f"{what[:1].upper()}{what[1:]} must have a four-digit year, for example 2019",
                code="invalid",
            )
        return parsed

    def compress(self, data_list):  # clean() does the work; required by MultiValueField
        return data_list


class ProgressUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the status of the action",
            "invalid_choice": "Choose a status from the list",
        },
    )
    note = forms.CharField(label="Progress note", required=False, widget=forms.Textarea)
    outcome = forms.CharField(label="Outcome", required=False, widget=forms.Textarea)
    date = DateInputField(
        label="Date the update is about",
        label_for_messages="the date the update is about",
    )
    # The action's version when the form was opened: the service refuses the update if someone
    # else has saved one since, instead of silently overwriting it.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "The form was missing its version: open the action again",
            "invalid": "The form was missing its version: open the action again",
        },
    )

    def full_clean(self):
        super().full_clean()
        # The version is a hidden field: its error cannot point at anything the user sees.
        if self._errors and "version" in self._errors:
            errors = self._errors.pop("version")
            self._errors.setdefault(
                NON_FIELD_ERRORS, self.error_class(error_class="nonfield")
            ).extend(errors)

    @classmethod
    def initial_for(cls, action) -> dict:
        return {"status": action.status, "date": today(), "version": action.version}

    def date_parts(self) -> list[str]:
        """The day, month and year to show in the three boxes, as typed or as initially set."""
        bound = self["date"]
        if self.is_bound:
            values = bound.field.widget.value_from_datadict(self.data, self.files, bound.html_name)
        else:
            values = bound.field.widget.decompress(bound.initial)
        return [v or "" for v in values]

    def show_version(self, version: int) -> None:
        """After a conflict: the user has now seen the latest update, so resubmitting the same
        form is a deliberate choice. The typed status, note and date are kept."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data

    def apply_service_errors(self, error: ValidationError) -> None:
        """Put the service's messages on the fields they are about."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                target = name if name in self.fields else None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class MyActionsFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Status.choices],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    theme = forms.ModelChoiceField(
        label="Theme",
        required=False,
        queryset=Theme.objects.none(),
        empty_label="Any theme",
        error_messages={"invalid_choice": "Choose a theme from the list"},
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes

    def valid_value(self, name):
        """The value of a filter if it was valid, else no filter: the rest still applies."""
        if name in self.errors:
            return None
        return self.cleaned_data.get(name) or None
