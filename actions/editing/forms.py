from django import forms

from csa.models import Obligation, Theme
from governance.models import Body, Organisation
from governance.selectors import partnership_bodies
from govuk.forms import GovukDateField, GovukForm

from ..partners import partnership_organisations


class ActionEditForm(GovukForm, forms.Form):
    description = forms.CharField(
        label="What the action will do", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    timescale = forms.CharField(
        label="Timescale",
        help_text='As the plan writes it, for example "July 2019", "To March 2020" or "TBC". '
        "The due date is worked out from it.",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    due_date = GovukDateField(
        label="Due date",
        what="the due date",
        required=False,
        help_text="Leave it as it is to work it out from the timescale. For example, 31 3 2019.",
    )
    agreed_on = GovukDateField(
        label="Date the new due date was agreed",
        what="the date the new due date was agreed",
        past_only=True,
        required=False,
        help_text="Only when the due date moves: the day it was agreed, often a board "
        "meeting. For example, 1 2 2019.",
    )
    theme = forms.ModelChoiceField(label="Theme", queryset=Theme.objects.none(), required=False)
    lead_organisations = forms.ModelMultipleChoiceField(
        label="Lead organisations",
        help_text="Choose every lead: the organisations and the partnership bodies.",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    lead_bodies = forms.ModelMultipleChoiceField(
        label="Lead partnership bodies",
        queryset=Body.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    obligations = forms.ModelMultipleChoiceField(
        label="Duties and objectives it serves (optional)",
        help_text="Those its theme serves count already: choose any others it serves itself.",
        queryset=Obligation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    target = forms.CharField(
        label="Target or measure (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    # The action's version when the form was opened: always sent, so that a change made by
    # someone else in between is never silently overwritten.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "The page was missing the action's version: reload it and make your "
            "change again.",
            "invalid": "The page sent a wrong version of the action: reload it and make your "
            "change again.",
            "min_value": "The page sent a wrong version of the action: reload it and make your "
            "change again.",
        },
    )

    def __init__(self, *args, action, leads, reason_required, **kwargs):
        board = action.board
        initial = {
            "description": action.description,
            "timescale": action.timescale,
            "due_date": action.due_date,
            "theme": action.theme_id,
            "target": action.target,
            "lead_organisations": [lead.organisation_id for lead in leads if lead.organisation_id],
            "lead_bodies": [lead.body_id for lead in leads if lead.body_id],
            "version": action.version,
            "obligations": list(action.obligations.values_list("pk", flat=True)),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.action = action
        self.current_leads = leads
        self.fields["theme"].queryset = Theme.objects.filter(board=board).select_related("parent")
        # Only the partnership's own organisations and bodies: the installation holds other
        # partnerships' too, which are neither this plan's to name nor this user's to list.
        self.fields["lead_organisations"].queryset = partnership_organisations(board).order_by(
            "short_name"
        )
        self.fields["lead_bodies"].queryset = partnership_bodies(board).order_by("name")
        self.fields["obligations"].queryset = Obligation.objects.filter(board=board).order_by(
            "position", "name"
        )
        if reason_required:
            self.fields["reason"].label = "Reason for the change"
            self.fields[
                "reason"
            ].help_text = "The agreement is adopted: the history keeps why its plan was changed."
        else:
            self.fields["reason"].label = "Reason for the change (optional)"

    def leads(self) -> list:
        """The chosen leads, those already leading first in their order, new ones after."""
        chosen = list(self.cleaned_data.get("lead_organisations") or []) + list(
            self.cleaned_data.get("lead_bodies") or []
        )

        def key(party):
            return (type(party).__name__, party.pk)

        current_order = {key(lead.party): i for i, lead in enumerate(self.current_leads)}
        return sorted(chosen, key=lambda p: current_order.get(key(p), len(current_order)))

    def due_date_typed(self):
        """The due date the user typed, when it differs from the action's; else None, and
        the due date follows the timescale."""
        typed = self.cleaned_data.get("due_date")
        return typed if typed is not None and typed != self.action.due_date else None
