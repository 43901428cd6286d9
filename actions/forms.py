"""Forms of the officer's pages. They check the shape of the input (a status from the list, a
real date); the rules about what makes a valid update live in actions.services, once."""

from django import forms

from csa.models import Theme
from govuk.forms import GovukDateField, GovukForm, GovukTextarea

from .models import Status, today
from .services import NOTE_MAX_LENGTH


class ProgressUpdateForm(GovukForm, forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        widget=forms.RadioSelect,
        help_text="Where the action stands now. At risk, off track, deferred and cancelled need "
        "a progress note saying why.",
        error_messages={
            "required": "Choose the status of the action",
            "invalid_choice": "Choose a status from the list",
        },
    )
    note = forms.CharField(
        label="Progress note",
        required=False,
        widget=GovukTextarea(attrs={"rows": 5}, character_count=NOTE_MAX_LENGTH),
        help_text="What has happened since the last update. Needed when the action is overdue, "
        "at risk, off track, deferred or cancelled.",
    )
    outcome = forms.CharField(
        label="Outcome (when completed)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the action achieved. Needed when you set the status to completed.",
    )
    date = GovukDateField(
        label="Date the update is about",
        what="the date the update is about",
        help_text="Today, unless you are reporting where it stood on an earlier day (for "
        "example, at a board meeting). For example, 27 3 2019",
        error_messages={
            "invalid": "The date the update is about must be a real date, for example 27 3 2019"
        },
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

    @classmethod
    def initial_for(cls, action) -> dict:
        return {"status": action.status, "date": today(), "version": action.version}

    def show_version(self, version: int) -> None:
        """After a conflict: the user has now seen the latest update, so resubmitting the same
        form is a deliberate choice. The typed status, note and date are kept."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data


class MyActionsFilterForm(GovukForm, forms.Form):
    plans = forms.ChoiceField(
        label="Plans",
        required=False,
        choices=[
            ("current", "The plan in force"),
            ("all", "Every plan, earlier years too"),
        ],
        error_messages={"invalid_choice": "Choose which plans to show from the list"},
    )
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

    def __init__(self, *args, themes, with_partnership=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes
        if with_partnership:
            # Themes of several partnerships: two may each have a "Domestic abuse".
            self.fields["theme"].label_from_instance = lambda theme: (
                f"{theme} ({theme.board.short_name})"
            )

    def valid_value(self, name):
        """The value of a filter if it was valid, else no filter: the rest still applies."""
        if name in self.errors:
            return None
        return self.cleaned_data.get(name) or None


class ProgressFileForm(GovukForm, forms.Form):
    """The edited progress spreadsheet (actions.spreadsheet.workbook), uploaded for a preview."""

    file = forms.FileField(
        label="Upload your spreadsheet",
        help_text="The spreadsheet downloaded from this page, with your updates in the “New "
        "status”, “New note” and “Date of update” columns. Excel workbook (.xlsx), up to 10 MB.",
        error_messages={
            "required": "Choose the spreadsheet with your updates",
            "empty": "The file is empty. Choose the spreadsheet you filled in.",
        },
    )
    scope = forms.CharField(widget=forms.HiddenInput)
