"""Forms of the reminders pages: the shape of the input; the rules are in services."""

from django import forms

from govuk.forms import GovukDateField, GovukForm

from .models import Frequency, Weekday


class PreferenceForm(GovukForm, forms.Form):
    frequency = forms.ChoiceField(
        label="How often do you want reminders about the actions you lead?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often you want reminders."},
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week for weekly reminders",
        choices=Weekday.choices,
        coerce=int,
        help_text="Only used when you choose a weekly reminder.",
        error_messages={"invalid_choice": "Choose a day of the week."},
    )


class RoundForm(GovukForm, forms.Form):
    deadline = GovukDateField(
        what="the deadline for updates",
        label="Deadline for updates",
        help_text="Leads are asked to record their progress by this day. For example, 20 7 2026.",
    )
    message = forms.CharField(
        label="Message to the leads",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. It is put at the top of the email.",
    )
    actions = forms.ModelMultipleChoiceField(
        label="Actions in the round",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="The plan's open actions that this body oversees. Untick any to leave out.",
        error_messages={"required": "Choose at least one action for the round."},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = candidates
        self.fields["actions"].label_from_instance = lambda a: (
            f"{a.reference}: {a.description[:120]}"
        )
