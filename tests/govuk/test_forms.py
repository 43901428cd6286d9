"""The GOV.UK forms layer: the date field, the mapping of service errors, the rendering."""

import datetime
import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from governance.models import Body
from govuk.forms import GovukDateField, GovukForm, add_service_errors


class MeetingDateForm(GovukForm, forms.Form):
    date = GovukDateField(what="the date of the meeting", label="Date of the meeting")


class PastForm(GovukForm, forms.Form):
    date = GovukDateField(what="the date of the meeting", past_only=True)


def boxes(day, month, year, name="date"):
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


def error_of(data, form_class=MeetingDateForm):
    form = form_class(data)
    assert not form.is_valid()
    return form.errors["date"]


# --- The date field ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "day"),
    [
        (boxes("1", "4", "2019"), datetime.date(2019, 4, 1)),
        (boxes(" 01 ", "04", "2019"), datetime.date(2019, 4, 1)),
        (boxes("29", "2", "2020"), datetime.date(2020, 2, 29)),
        # One value, as the links and query strings written before the boxes send it.
        ({"date": "2019-04-01"}, datetime.date(2019, 4, 1)),
        ({"date": "31/7/2019"}, datetime.date(2019, 7, 31)),
        ({"date": "31 7 2019"}, datetime.date(2019, 7, 31)),
        ({"date": "31 July 2019"}, datetime.date(2019, 7, 31)),
    ],
)
def test_a_real_date_is_read(data, day):
    form = MeetingDateForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == day


def test_the_boxes_win_over_a_single_value():
    form = MeetingDateForm({"date": "2000-01-01", **boxes("2", "3", "2019")})
    assert form.is_valid()
    assert form.cleaned_data["date"] == datetime.date(2019, 3, 2)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the date of the meeting"),
        (boxes("", "", ""), "Enter the date of the meeting"),
        (boxes("3", "", "2019"), "The date of the meeting must include a month"),
        (boxes("", "4", ""), "The date of the meeting must include a day and a year"),
        (boxes("31", "2", "2019"), "The date of the meeting must be a real date"),
        (boxes("1", "13", "2019"), "The date of the meeting must be a real date"),
        (boxes("a", "b", "c"), "The date of the meeting must be a real date"),
        (boxes("-1", "4", "2019"), "The date of the meeting must be a real date"),
        (boxes("1", "4", "19"), "The date of the meeting must include a year with 4 numbers"),
        # Huge numbers are a message, never an OverflowError.
        (boxes("1", "1", "99999999999"), "The date of the meeting must be a real date"),
        (boxes("99999999999999999999", "1", "2019"), "The date of the meeting must be a real date"),
        (boxes("1", "1", "0000"), "The date of the meeting must be a real date"),
        ({"date": "yesterday"}, "Enter the date of the meeting as day/month/year"),
        ({"date": "2019-02-30"}, "Enter the date of the meeting as day/month/year"),
        ({"date": "99999999999-01-01"}, "Enter the date of the meeting as day/month/year"),
    ],
)
def test_a_wrong_date_says_what_is_wrong(data, message):
    errors = error_of(data)
    assert len(errors) == 1
    assert errors[0].startswith(message)


def test_a_future_date_is_refused_when_asked():
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    data = boxes(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year))
    assert error_of(data, PastForm) == ["The date of the meeting must be today or in the past"]
    assert MeetingDateForm(data).is_valid()
    assert PastForm(boxes("1", "4", "2019")).is_valid()


def test_a_message_can_be_replaced():
    class Form(GovukForm, forms.Form):
        date = GovukDateField(error_messages={"invalid": "Nope"})

    assert Form(boxes("31", "2", "2019")).errors["date"] == ["Nope"]


def test_an_optional_date_may_be_left_empty():
    class Form(GovukForm, forms.Form):
        date = GovukDateField(required=False)

    form = Form(boxes("", "", ""))
    assert form.is_valid()
    assert form.cleaned_data["date"] is None


# --- Rendering ---------------------------------------------------------------------------------


def test_the_date_input_keeps_what_was_typed_and_says_what_is_wrong():
    form = MeetingDateForm(boxes("31", "2", "2019"))
    form.is_valid()
    html = str(form["date"].as_field_group())
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_date-error">' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in html
    assert 'id="id_date-error"' in html and "Error:</span> The date of the meeting" in html
    for i, (label, value) in enumerate((("Day", "31"), ("Month", "2"), ("Year", "2019"))):
        assert (
            f'<label class="govuk-label govuk-date-input__label" for="id_date_{i}">{label}' in html
        )
        assert f'name="date_{i}" type="text" inputmode="numeric" value="{value}"' in html
    assert html.count("govuk-input--error") == 3


def test_a_single_value_is_shown_in_the_boxes():
    html = str(MeetingDateForm({"date": "2019-04-01"})["date"].as_field_group())
    assert 'name="date_0" type="text" inputmode="numeric" value="1"' in html
    assert 'name="date_2" type="text" inputmode="numeric" value="2019"' in html
    initial = MeetingDateForm(initial={"date": datetime.date(2018, 12, 25)})
    assert 'value="25"' in str(initial["date"].as_field_group())


class EverythingForm(GovukForm, forms.Form):
    title = forms.CharField(label="Title", help_text="What the meeting was about.")
    minutes = forms.CharField(label="Minutes", widget=forms.Textarea)
    colour = forms.ChoiceField(label="Colour", choices=[("", "Choose"), ("r", "Red")])
    size = forms.ChoiceField(
        label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect
    )
    extras = forms.MultipleChoiceField(
        label="Extras", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    date = GovukDateField(what="the date of the meeting", label="Date of the meeting")
    version = forms.IntegerField(widget=forms.HiddenInput)


def test_every_field_has_a_label_a_hint_and_its_error():
    form = EverythingForm({"title": "", "colour": "x", "size": "m"})
    form.is_valid()
    html = str(form)

    text = re.search(r"<input[^>]*name=\"title\"[^>]*>", html).group(0)
    assert 'class="govuk-input govuk-input--error"' in text
    assert 'aria-describedby="id_title-hint id_title-error"' in text
    assert '<label class="govuk-label" for="id_title">Title</label>' in html
    assert '<div id="id_title-hint" class="govuk-hint">What the meeting was about.</div>' in html
    assert '<p id="id_title-error" class="govuk-error-message">' in html
    assert 'class="govuk-textarea govuk-textarea--error"' in html
    assert 'class="govuk-select govuk-select--error"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Size</legend>' in html
    assert 'class="govuk-radios__input" id="id_size_0" name="size" type="radio"' in html
    assert 'class="govuk-checkboxes__input" id="id_extras_0" name="extras" type="checkbox"' in html
    assert html.count('<span class="govuk-visually-hidden">Error:</span>') == 6
    assert "aria-invalid" not in html


def test_a_hidden_fields_error_goes_on_the_form():
    form = EverythingForm({"version": "x"})
    form.is_valid()
    assert "version" not in form.errors
    assert form.non_field_errors() == ["Enter a whole number."]


def test_a_rendered_form_has_one_error_summary_linking_to_the_fields():
    form = EverythingForm({"title": "", "size": "m", "date_0": "31", "date_1": "2"})
    form.is_valid()
    form.add_error(None, "Someone else changed it.")
    html = render_to_string("includes/error_summary.html", {"form": form}) + str(form)
    assert html.count('class="govuk-error-summary"') == 1
    summary = html.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    assert "<li>Someone else changed it.</li>" in summary
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links == ["id_title", "id_minutes", "id_colour", "id_size_0", "id_extras_0", "id_date_0"]
    for target in links:
        assert f'id="{target}"' in html


# --- Service errors ----------------------------------------------------------------------------


class LeadForm(GovukForm, forms.Form):
    description = forms.CharField()
    lead_organisations = forms.CharField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def valid_lead_form():
    form = LeadForm({"description": "Do it"})
    assert form.is_valid()
    return form


def test_service_errors_go_on_the_fields_they_name():
    form = valid_lead_form()
    add_service_errors(
        form,
        ValidationError(
            {
                "description": ["Too long.", "Too vague."],
                "leads": "Choose at least one lead.",
                "budget": "Not in this form.",
                "version": "Changed since.",
            }
        ),
        {"leads": "lead_organisations"},
    )
    assert form.errors["description"] == ["Too long.", "Too vague."]
    assert form.errors["lead_organisations"] == ["Choose at least one lead."]
    assert form.non_field_errors() == ["Not in this form.", "Changed since."]
    assert "description" not in form.cleaned_data


def test_a_list_of_service_errors_goes_on_the_form():
    form = valid_lead_form()
    form.add_service_errors(ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]
    assert not form.is_valid()


class BodyChoiceForm(GovukForm, forms.Form):
    body = forms.ModelChoiceField(queryset=Body.objects.order_by("name"), empty_label=None)


@pytest.mark.django_db
def test_a_choice_of_rows_is_asked_once_when_drawn(django_assert_num_queries):
    """Django asks a select for its first choice to decide on a `required` attribute, which a
    GOV.UK form never has: for a choice of rows that was a second query for the same rows."""
    Body.objects.create(name="Safer Communities Board", short_name="SCB")
    form = BodyChoiceForm()
    with django_assert_num_queries(1):
        html = form["body"].as_field_group()
    assert "Safer Communities Board" in html
    assert "required" not in html
