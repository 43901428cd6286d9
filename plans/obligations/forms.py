from django import forms

from actions.dashboard.filters import check_day
from csa.models import Obligation
from csa.services import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from govuk.forms import GovukDateField, GovukForm


class ObligationForm(GovukForm, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text="As the partnership writes it, for example “Serious Violence Duty” or "
        "“Objective 2: putting victims and survivors first”.",
    )
    kind = forms.ChoiceField(
        label="What it is",
        choices=Obligation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether it is a statutory duty, an objective of the PCC's "
            "plan or another commitment."
        },
    )
    description = forms.CharField(
        label="Where it comes from (optional)",
        help_text="The Act and section, or the plan and objective, in a sentence or two.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = (
            "Enter the name of the duty or objective, for example Prevent."
        )


class ThemeObligationsForm(GovukForm, forms.Form):
    obligations = forms.ModelMultipleChoiceField(
        label="Duties and objectives every action of the theme serves",
        queryset=Obligation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label="Reason for the change (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )

    def __init__(self, *args, theme, **kwargs):
        initial = {"obligations": list(theme.obligations.values_list("pk", flat=True))}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["obligations"].queryset = Obligation.objects.filter(
            board_id=theme.board_id
        ).order_by("position", "name")


class CoverageDayForm(GovukForm, forms.Form):
    as_of = GovukDateField(
        required=False,
        label="As of",
        what="the “as of” date",
        help_text="The plan as it stood on this day. Leave it empty for today. "
        "For example, 31 3 2019.",
        error_messages={
            "invalid_text": "Enter the “as of” date as a real date, for example 1 4 2019."
        },
    )

    def clean_as_of(self):
        return check_day(self.cleaned_data.get("as_of"), "the “as of” date")
