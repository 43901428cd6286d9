"""GOV.UK forms: one mixin, one renderer, one date field, one mapping of service errors.

Every field of a GovukForm renders itself in GOV.UK Frontend markup with
`{{ form.name.as_field_group }}` (or `{{ form }}` for the whole form). One id scheme, the one
GOV.UK Frontend's own components use: the hint of a field is "<id>-hint", its error message
"<id>-error", and the input says so in aria-describedby (on the fieldset for radios, checkboxes
and the date input). The error summary (templates/includes/error_summary.html) links each
message to "<id>", or to "<id>_0" (the first option, or the day box) where a field has several
inputs.
"""

import copy
import datetime
import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

__all__ = [
    "GovukBoundField",
    "GovukDateField",
    "GovukDateWidget",
    "GovukForm",
    "GovukRenderer",
    "GovukTextarea",
    "add_service_errors",
]


class GovukRenderer(TemplatesSetting):
    """The project's templates (TEMPLATES), with GOV.UK field templates in govuk/templates."""

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/fields/text.html"


class GovukTextarea(forms.Textarea):
    """A textarea; with `character_count`, the GOV.UK character count under it."""

    def __init__(self, attrs=None, *, character_count=None):
        super().__init__(attrs)
        self.character_count = character_count


# --- The date input ----------------------------------------------------------------------------

PARTS = ("day", "month", "year")
# A single typed or linked value: 2019-04-01 (ISO, as in links), or 31/7/2019, 31 7 2019,
# 31-7-2019, 31.7.2019 (the British way).
ISO_DAY = re.compile(r"^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*$")
BRITISH_DAY = re.compile(r"^\s*(\d{1,2})\s*[/ .-]\s*(\d{1,2})\s*[/ .-]\s*(\d{1,4})\s*$")
NAMED_MONTH_FORMATS = ("%d %B %Y", "%d %b %Y")


def split_single_value(value: str) -> list[str] | None:
    """Day, month and year of a single value, or None when it is not a date written as one."""
    if match := ISO_DAY.match(value):
        year, month, day = match.groups()
        return [day, month, year]
    if match := BRITISH_DAY.match(value):
        return list(match.groups())
    for fmt in NAMED_MONTH_FORMATS:
        try:
            day = datetime.datetime.strptime(value.strip(), fmt).date()
        except (ValueError, OverflowError):
            continue
        return [str(day.day), str(day.month), str(day.year)]
    return None


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes, named <name>_0, <name>_1 and <name>_2.

    It also reads a single value under <name> itself (?as_of=2019-04-01): the links and query
    strings written before the three boxes keep working."""

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            parts = split_single_value(value) or ["", "", ""]
            return [part.lstrip("0") or part for part in parts]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        boxes = [f"{name}_{i}" for i in range(3)]
        if not any(box in data for box in boxes) and name in data:
            return data.get(name)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class GovukDateField(forms.Field):
    """A day, typed in the GOV.UK date input, with messages naming the date.

    `what` is the date as a message names it: "the date of the meeting" gives "Enter the date of
    the meeting", "The date of the meeting must be a real date", "The date of the meeting must
    include a month". `past_only` refuses days after today ("... must be today or in the past").
    Any message can be replaced through error_messages (codes: required, incomplete, invalid,
    invalid_text for a single value that is no date at all, year, past). Never raises anything
    but a ValidationError, whatever is typed.
    """

    widget = GovukDateWidget

    def __init__(self, *, what="the date", past_only=False, **kwargs):
        self.what = what
        self.past_only = past_only
        what_ = _sentence(what)
        messages = {
            "required": f"Enter {what}",
            "incomplete": f"{what_} must include a %(missing)s",
            "invalid": f"{what_} must be a real date",
            "invalid_text": f"Enter {what} as day/month/year, for example 27/3/2019",
            "year": f"{what_} must include a year with 4 numbers, for example 2019",
            "past": f"{what_} must be today or in the past",
        }
        messages.update(kwargs.pop("error_messages", None) or {})
        super().__init__(error_messages=messages, **kwargs)

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            # One typed or linked value: whatever is wrong with it, say how to write a date.
            if not value.strip():
                return None
            parts = split_single_value(value)
            try:
                if parts is None:
                    raise ValidationError("")
                return self._from_parts(parts)
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_text"], code="invalid_text"
                ) from None
        return self._from_parts(list(value or ["", "", ""])[:3])

    def _from_parts(self, parts):
        day, month, year = ((str(part) if part is not None else "").strip() for part in parts)
        if not (day or month or year):
            return None
        missing = [name for name, part in zip(PARTS, (day, month, year), strict=True) if not part]
        if missing:
            raise ValidationError(
                self.error_messages["incomplete"],
                code="incomplete",
                params={"missing": " and a ".join(missing)},
            )
        if not all(part.isascii() and part.isdigit() for part in (day, month, year)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(day) > 2 or len(month) > 2 or len(year) > 4:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(year) < 4:
            raise ValidationError(self.error_messages["year"], code="year")
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value and self.past_only and value > timezone.localdate():
            raise ValidationError(self.error_messages["past"], code="past")

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


# --- Rendering ---------------------------------------------------------------------------------


def _never_required(initial) -> bool:
    return False


class GovukBoundField(BoundField):
    """A bound field that knows its GOV.UK component, its ids and its classes."""

    @property
    def kind(self) -> str:
        widget = self.field.widget
        if isinstance(widget, GovukDateWidget):
            return "date"
        if widget.is_hidden:
            return "hidden"
        if isinstance(widget, forms.CheckboxSelectMultiple):  # a RadioSelect, to Django
            return "checkboxes"
        if isinstance(widget, forms.RadioSelect):
            return "radios"
        if isinstance(widget, forms.Textarea):
            return "textarea"
        if isinstance(widget, forms.Select):
            return "select"
        if isinstance(widget, forms.FileInput):
            return "file"
        return "text"

    @property
    def template_name(self):
        return self.field.template_name or f"govuk/fields/{self.kind}.html"

    @property
    def use_fieldset(self):
        return self.kind in ("radios", "checkboxes", "date")

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def character_count(self):
        return getattr(self.field.widget, "character_count", None)

    @property
    def aria_describedby(self):
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.character_count:
                ids.append(f"{self.auto_id}-info")
            if self.help_text:
                ids.append(self.hint_id)
            if self.errors:
                ids.append(self.error_id)
        return " ".join(ids) or None

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        if not self.form.use_required_attribute and isinstance(widget, forms.Select):
            # Django asks a select whether its first choice is empty before it asks the form
            # whether it wants a `required` attribute at all, and for a choice of rows that
            # question is a query. A GOV.UK form never wants one: a copy that says so.
            widget = copy.copy(widget)
            widget.use_required_attribute = _never_required
        attrs = super().build_widget_attrs(attrs, widget)
        kind = self.kind
        base = {
            "text": "govuk-input",
            "textarea": "govuk-textarea",
            "select": "govuk-select",
            "file": "govuk-file-upload",
        }
        if kind in base:
            classes = [base[kind], *self.field.widget.attrs.get("class", "").split()]
            if self.character_count:
                classes.append("govuk-js-character-count")
            if self.errors:
                classes.append(f"{base[kind]}--error")
            attrs["class"] = " ".join(dict.fromkeys(classes))
        attrs.pop("aria-invalid", None)  # GOV.UK says it with the message and the red border
        return attrs

    def date_parts(self) -> list[dict]:
        """The day, month and year boxes: label, id, name, value (as typed) and width."""
        widget = self.field.widget
        if self.form.is_bound:
            value = widget.value_from_datadict(self.form.data, self.form.files, self.html_name)
        else:
            value = self.initial
        values = value if isinstance(value, list | tuple) else widget.decompress(value)
        return [
            {
                "label": label.capitalize(),
                "id": f"{self.auto_id}_{i}",
                "name": f"{self.html_name}_{i}",
                "value": values[i] or "",
                "width": "govuk-input--width-4" if label == "year" else "govuk-input--width-2",
            }
            for i, label in enumerate(PARTS)
        ]


class GovukForm:
    """Mix in before forms.Form: GOV.UK markup for every field, one id scheme, and the errors
    of hidden fields (a version, say) shown at the top, where the user can read them."""

    bound_field_class = GovukBoundField
    default_renderer = GovukRenderer
    use_required_attribute = False  # GOV.UK: the server's messages, not the browser's

    def full_clean(self):
        super().full_clean()
        if not self._errors:
            return
        for name, field in self.fields.items():
            if field.widget.is_hidden and name in self._errors:
                errors = self._errors.pop(name)
                self._errors.setdefault(
                    NON_FIELD_ERRORS, self.error_class(error_class="nonfield")
                ).extend(errors)

    def add_service_errors(self, error: ValidationError, field_map=None) -> None:
        add_service_errors(self, error, field_map)


def add_service_errors(form, error: ValidationError, field_map: dict | None = None) -> None:
    """Put a service's ValidationError on the form: a dict's keys name fields (through
    `field_map`, {service name: form field}, where the form calls them something else); keys
    the form has no visible field for, and a plain list of messages, go on the form itself."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.error_dict.items():
        name = field_map.get(key, key)
        field = form.fields.get(name)
        target = name if field is not None and not field.widget.is_hidden else None
        for message in ValidationError(errors).messages:
            form.add_error(target, message)
