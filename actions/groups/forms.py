"""The group dashboard's question: which day, and optionally one partnership or one lead
organisation. Every choice is of the group's own partnerships and leads."""

from django import forms

from govuk.forms import GovukDateField, GovukForm

from ..dashboard.filters import AS_OF_HELP, check_day
from ..models import today
from . import figures


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.short_name} ({obj.name})" if obj.name != obj.short_name else obj.name


class GroupDayForm(GovukForm, forms.Form):
    as_of = GovukDateField(
        required=False,
        label="As of",
        what="the “as of” date",
        help_text=AS_OF_HELP,
        error_messages={
            "invalid_text": "Enter the “as of” date as a real date, for example 1 4 2019."
        },
    )
    partnership = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Partnership",
        empty_label="Every partnership in the group",
        error_messages={
            "invalid_choice": "Choose a partnership of this group from the list: that one is "
            "not in the group."
        },
    )
    lead = OrganisationChoiceField(
        queryset=None,
        required=False,
        label="Lead organisation",
        empty_label="Every lead organisation",
        error_messages={
            "invalid_choice": "Choose a lead organisation from the list: that one leads no "
            "action in the group's plans."
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = figures.group_boards(user)
        day = self._day_asked() or today()
        self.fields["lead"].queryset = figures.lead_organisations(user, day)

    def _day_asked(self):
        """The day in the query, when it is one, for the lead choices of that day's plans."""
        field = self.fields["as_of"]
        try:
            value = field.clean(field.widget.value_from_datadict(self.data, {}, "as_of"))
        except forms.ValidationError:
            return None
        try:
            return check_day(value, "the day")
        except forms.ValidationError:
            return None

    def clean_as_of(self):
        return check_day(self.cleaned_data.get("as_of"), "the “as of” date") or today()
