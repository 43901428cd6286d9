"""The forms of the People pages, invitations and password reset. Shapes only: the rules
(who may give what) are in people.services."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.timesince import timeuntil

from actions.partners import partnership_organisations
from governance import mail
from governance.models import Role
from governance.selectors import partnership_bodies
from govuk.forms import GovukForm

from .models import Invitation

REASON_HELP = "Kept in the history with your name and the date."


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations by their full names, with the short name a plan uses beside it."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.short_name})" if obj.name != obj.short_name else obj.name


class InviteForm(GovukForm, forms.Form):
    email = forms.CharField(
        label="Email address",
        max_length=254,
        help_text="The invitation is sent here; it is also how they will sign in.",
        error_messages={"required": "Enter their email address."},
    )
    kind = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *Invitation.Kind.choices],
        error_messages={"required": "Choose the role they will have."},
    )
    organisation = OrganisationChoiceField(
        queryset=None,
        required=False,
        label="Organisation (for an officer)",
        help_text="They can update the actions this organisation leads in the partnership.",
        empty_label="None",
        error_messages={"invalid_choice": "Choose an organisation from the list."},
    )
    body = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Body (for a member)",
        help_text="They can update the actions this body leads, and see its restricted data.",
        empty_label="None",
        error_messages={"invalid_choice": "Choose a body from the list."},
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partnership_organisations(board).order_by("name")
        self.fields["body"].queryset = partnership_bodies(board).order_by("name")


class AcceptForm(GovukForm, forms.Form):
    name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name, as colleagues know you."},
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput,
        help_text="At least 8 characters; not only numbers, nor a common password.",
        error_messages={"required": "Choose a password."},
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Type the password again."},
    )

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords are not the same.")
        return cleaned


class ReasonForm(GovukForm, forms.Form):
    reason = forms.CharField(
        label="Why",
        max_length=500,
        help_text=REASON_HELP,
        error_messages={"required": "Say why, for the history."},
    )


class RoleChangeForm(ReasonForm):
    kind = forms.ChoiceField(
        label="New role",
        choices=[("", "Choose a role"), *Role.Kind.choices],
        error_messages={"required": "Choose the new role."},
    )
    field_order = ["kind", "reason"]


class PartnershipForm(GovukForm, forms.Form):
    short_name = forms.CharField(
        label="Short name",
        max_length=60,
        help_text="How everyone writes it, for example SCP.",
        error_messages={"required": "Enter the partnership's short name, for example SCP."},
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the partnership's name."},
    )
    coordinator_email = forms.CharField(
        label="First coordinator's email address",
        max_length=254,
        help_text="They are sent an invitation, and then invite the partnership's people.",
        error_messages={"required": "Enter the coordinator's email address."},
    )


class ResetForm(GovukForm, PasswordResetForm):
    """Django's password reset, sent through governance.mail like every other email."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address of your account.",
            "invalid": "Enter an email address in the right format, like name@example.org.",
        },
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        mail.send(
            to=to_email,
            subject="Reset your password",
            template="password_reset",
            reason=(
                f"someone asked to reset the password of the {settings.SITE_NAME} account "
                "with this email address."
            ),
            context={
                **context,
                "valid_for": timeuntil_words(settings.PASSWORD_RESET_TIMEOUT),
            },
        )


def timeuntil_words(seconds: int) -> str:
    """ "1 day", "2 hours": how long a link works, in the email's words."""
    now = datetime.datetime(2000, 1, 1)
    return timeuntil(now + datetime.timedelta(seconds=seconds), now).replace("\xa0", " ")
