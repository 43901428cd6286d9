"""The forms of the table upload: the file, then how its table reads."""

from django import forms

from actions.spreadsheet.workbook import MAX_UPLOAD_BYTES
from govuk.forms import GovukForm

from . import mapping
from .mapping import NEW, Choices, Role
from .reading import data_size


class TableFileForm(GovukForm, forms.Form):
    file = forms.FileField(
        label="Upload the plan",
        help_text="The Word document (.docx) or Excel workbook (.xlsx) that holds your action "
        "plan as a table, with a header row naming its columns, up to "
        f"{data_size(MAX_UPLOAD_BYTES)}. Nothing is loaded until you have checked what it "
        "will do.",
        error_messages={
            "required": "Choose the Word or Excel file of the plan",
            "empty": "The file is empty. Choose the Word or Excel file of the plan.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file must be {data_size(MAX_UPLOAD_BYTES)} or smaller: remove pictures "
                "from it, or save the plan's table alone as a new file."
            )
        return upload


# The roles that decide which themes and leads the page asks about: a change to one of them
# redraws the page before anything is checked; a change to another does not need to.
SHAPING = (Role.ACTION, Role.THEME, Role.LEAD)


def columns_signature(columns: dict[str, str]) -> str:
    return ";".join(
        f"{key}={role if role in SHAPING else '-'}" for key, role in sorted(columns.items())
    )


class TableMappingForm(GovukForm, forms.Form):
    """Which year, which column holds what, which theme each theme as written is, and who each
    lead as written is (those not found by name). Built for the columns in effect: the themes
    and leads are the ones those columns give."""

    year = forms.IntegerField(
        label="The year the plan starts",
        help_text="Plans run from April to March: for 2017 to 2018, enter 2017.",
        min_value=2000,
        max_value=2099,
        error_messages={
            "required": "Enter the year the plan starts, for example 2017",
            "invalid": "Enter the year the plan starts as 4 numbers, for example 2017",
            "min_value": "The year the plan starts must be 2000 or later",
            "max_value": "The year the plan starts must be 2099 or earlier",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, data=None, *, tables, columns, themes, leads, parties, matched=(), initial=None
    ):
        """`columns`, `themes` and `leads` are those in effect, with what is proposed for
        each; `leads` those not found by name, `matched` those found, with their party (to
        change, when the name misleads)."""
        super().__init__(data, initial=initial)
        self.tables = tables
        self.column_list = mapping.columns_of(tables)
        self.theme_list = themes
        self.lead_list = leads
        self.matched_list = list(matched)
        self.fields["seen"].initial = columns_signature(columns)
        for column in self.column_list:
            where = ", ".join(f"table {n}" for n in column.tables)
            example = column.example[:80] + ("…" if len(column.example) > 80 else "")
            self.fields[mapping.field_key("column", column.header)] = forms.ChoiceField(
                label=f"“{column.header}”",
                choices=Role.choices,
                initial=columns.get(column.key, Role.IGNORE),
                help_text=f"In {where}." + (f" First row: “{example}”" if example else ""),
                widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
            )
        for text, proposed, theme_choices in themes:
            self.fields[mapping.field_key("theme", text)] = forms.ChoiceField(
                label=f"“{text}”",
                choices=[(NEW, f"A new theme called “{text[:80]}”"), *theme_choices],
                initial=proposed,
                widget=forms.Select(attrs={"class": "govuk-!-width-full"}),
                error_messages={"required": f"Choose which theme “{text[:80]}” is"},
            )
        lead_choices = [(party.value, party.label) for party in parties]
        for text, proposed in leads:
            self.fields[mapping.field_key("lead", text)] = forms.MultipleChoiceField(
                label=f"Who is “{text}”?",
                help_text="Choose one or more, or have a new organisation made.",
                choices=[(NEW, f"A new organisation called “{text[:60]}”"), *lead_choices],
                initial=proposed,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

        for text, party in self.matched_list:
            self.fields[mapping.field_key("lead", text)] = forms.MultipleChoiceField(
                label=f"Who is “{text}”?",
                help_text=f"Found by name: {party.label}.",
                choices=lead_choices,
                initial=[party.value],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def column_fields(self):
        return [
            (column, self[mapping.field_key("column", column.header)])
            for column in self.column_list
        ]

    def theme_fields(self):
        return [self[mapping.field_key("theme", text)] for text, _, _ in self.theme_list]

    def lead_fields(self):
        return [self[mapping.field_key("lead", text)] for text, _ in self.lead_list]

    def matched_fields(self):
        return [self[mapping.field_key("lead", text)] for text, _ in self.matched_list]

    def chosen_columns(self) -> dict[str, str] | None:
        """The columns as posted, when every one is a role; None otherwise."""
        chosen = {}
        for column in self.column_list:
            value = self.data.get(mapping.field_key("column", column.header))
            if value not in Role.values:
                return None
            chosen[column.key] = value
        return chosen

    def clean(self):
        data = super().clean()
        columns = {
            column.key: data.get(mapping.field_key("column", column.header), Role.IGNORE)
            for column in self.column_list
        }
        for problem in mapping.column_problems(self.tables, columns):
            self.add_error(None, problem[:1].upper() + problem[1:])
        return data

    def choices(self) -> Choices:
        data = self.cleaned_data
        leads = {}
        for text, _ in self.lead_list:
            said = data.get(mapping.field_key("lead", text)) or []
            if said:
                leads[mapping.normal(text)] = list(said)
        for text, party in self.matched_list:
            # Kept only when it is not what the name says: next year's file is asked again
            # only about what the coordinator had to say.
            said = data.get(mapping.field_key("lead", text)) or []
            if said and set(said) != {party.value}:
                leads[mapping.normal(text)] = list(said)
        return Choices(
            year=data["year"],
            columns={
                column.key: data[mapping.field_key("column", column.header)]
                for column in self.column_list
            },
            themes={
                mapping.normal(text): data[mapping.field_key("theme", text)]
                for text, _, _ in self.theme_list
            },
            leads=leads,
        )
