"""Tests for reading free-text action timescales. Pure Python: no database needed."""

import dataclasses
import datetime
import random

import pytest

from actions.timescales import Timescale, TimescaleKind, parse_timescale

D = datetime.date
BY_DATE = TimescaleKind.BY_DATE
ONGOING = TimescaleKind.ONGOING
TBC = TimescaleKind.TO_BE_CONFIRMED
UNKNOWN = TimescaleKind.NOT_UNDERSTOOD


# (written, expected due date, expected kind)
CASES = [
    # Wording taken from real community safety action plans; these must come out exactly.
    ("July 2017", D(2017, 7, 31), BY_DATE),
    ("June 2017 (New CTLP)", D(2017, 6, 30), BY_DATE),
    ("Service to commence by July 2018", D(2018, 7, 31), BY_DATE),
    ("Sept 2018", D(2018, 9, 30), BY_DATE),
    ("Dec 2018", D(2018, 12, 31), BY_DATE),
    ("12 events by June 2017", D(2017, 6, 30), BY_DATE),
    ("To March 2018", D(2018, 3, 31), ONGOING),
    ("TBC", None, TBC),
    ("Spring 2017", D(2017, 5, 31), BY_DATE),
    ("April 2019", D(2019, 4, 30), BY_DATE),
    ("May 2018", D(2018, 5, 31), BY_DATE),
    ("June 2018 (New CTLP)", D(2018, 6, 30), BY_DATE),
    ("March 2019", D(2019, 3, 31), BY_DATE),
    ("Oct 2018", D(2018, 10, 31), BY_DATE),
    ("May 2017", D(2017, 5, 31), BY_DATE),
    ("March 2018", D(2018, 3, 31), BY_DATE),
    # Full dates keep their day.
    ("31/07/2017", D(2017, 7, 31), BY_DATE),
    ("31.07.2017", D(2017, 7, 31), BY_DATE),
    ("31-07-2017", D(2017, 7, 31), BY_DATE),
    ("01/07/2017", D(2017, 7, 1), BY_DATE),  # day first, UK style
    ("1/7/17", D(2017, 7, 1), BY_DATE),
    ("2017-07-31", D(2017, 7, 31), BY_DATE),
    ("31 July 2017", D(2017, 7, 31), BY_DATE),
    ("31st July 2017", D(2017, 7, 31), BY_DATE),
    ("2nd June 2018", D(2018, 6, 2), BY_DATE),
    ("3rd of March 2018", D(2018, 3, 3), BY_DATE),
    ("15-Jun-18", D(2018, 6, 15), BY_DATE),
    ("July 31, 2017", D(2017, 7, 31), BY_DATE),
    ("July 31 2017", D(2017, 7, 31), BY_DATE),
    ("by 29/02/2020", D(2020, 2, 29), BY_DATE),  # a real leap day
    # Month names in any case, full or abbreviated.
    ("JULY 2017", D(2017, 7, 31), BY_DATE),
    ("july 2017", D(2017, 7, 31), BY_DATE),
    ("Jan 2019", D(2019, 1, 31), BY_DATE),
    ("February 2019", D(2019, 2, 28), BY_DATE),
    ("Feb 2020", D(2020, 2, 29), BY_DATE),
    ("Sep 2018", D(2018, 9, 30), BY_DATE),
    ("September 2018", D(2018, 9, 30), BY_DATE),
    ("Sept. 2018", D(2018, 9, 30), BY_DATE),
    ("Nov 2018", D(2018, 11, 30), BY_DATE),
    ("aug 2018", D(2018, 8, 31), BY_DATE),
    ("July, 2018", D(2018, 7, 31), BY_DATE),
    ("July of 2018", D(2018, 7, 31), BY_DATE),
    ("07/2018", D(2018, 7, 31), BY_DATE),
    # Two-digit years.
    ("Jul 17", D(2017, 7, 31), BY_DATE),
    ("July '18", D(2018, 7, 31), BY_DATE),
    ("July \u201918", D(2018, 7, 31), BY_DATE),  # a curly apostrophe from a word processor
    ("Mar-19", D(2019, 3, 31), BY_DATE),
    # Seasons end with their last month; winter runs into the next year.
    ("Summer 2018", D(2018, 8, 31), BY_DATE),
    ("Autumn 2018", D(2018, 11, 30), BY_DATE),
    ("Fall 2018", D(2018, 11, 30), BY_DATE),
    ("Winter 2018", D(2019, 2, 28), BY_DATE),
    ("Winter 2019", D(2020, 2, 29), BY_DATE),
    ("Winter 2018/19", D(2019, 2, 28), BY_DATE),
    ("by spring '19", D(2019, 5, 31), BY_DATE),
    # UK financial years, April to March.
    ("Q1 2018/19", D(2018, 6, 30), BY_DATE),
    ("Q2 2018/19", D(2018, 9, 30), BY_DATE),
    ("Q3 2018/19", D(2018, 12, 31), BY_DATE),
    ("Q4 2018/19", D(2019, 3, 31), BY_DATE),
    ("q3 of 2018/2019", D(2018, 12, 31), BY_DATE),
    ("2018/19", D(2019, 3, 31), BY_DATE),
    ("2018-19", D(2019, 3, 31), BY_DATE),
    ("2018 - 2019", D(2019, 3, 31), BY_DATE),
    ("end of 2018/19", D(2019, 3, 31), BY_DATE),
    ("FY 2019/20", D(2020, 3, 31), BY_DATE),
    ("By the end of financial year 2018/19", D(2019, 3, 31), BY_DATE),
    # Whole years.
    ("end of year 2018", D(2018, 12, 31), BY_DATE),
    ("2018", D(2018, 12, 31), BY_DATE),
    ("by 2020", D(2020, 12, 31), BY_DATE),
    ("5000 leaflets by 2019", D(2019, 12, 31), BY_DATE),
    # Qualified months still mean the end of the month.
    ("Mid July 2018", D(2018, 7, 31), BY_DATE),
    ("early July 2018", D(2018, 7, 31), BY_DATE),
    ("end of July 2018", D(2018, 7, 31), BY_DATE),
    ("Late Nov 2018", D(2018, 11, 30), BY_DATE),
    # Ranges end at their latest date.
    ("April - June 2018", D(2018, 6, 30), BY_DATE),
    ("April to June 2018", D(2018, 6, 30), BY_DATE),
    ("April \u2013 June 2018", D(2018, 6, 30), BY_DATE),  # en dash
    ("Jun-18 to Mar-19", D(2019, 3, 31), BY_DATE),
    ("Dec 2018 - Jan 2019", D(2019, 1, 31), BY_DATE),
    ("01/04/2018 - 30/06/2018", D(2018, 6, 30), BY_DATE),
    ("From 1 April 2018 to 31 March 2019", D(2019, 3, 31), BY_DATE),
    ("Autumn/Winter 2018", D(2019, 2, 28), BY_DATE),
    # Ongoing, until a date or with none.
    ("Ongoing", None, ONGOING),
    ("ongoing", None, ONGOING),
    ("On-going", None, ONGOING),
    ("Ongoing to March 2019", D(2019, 3, 31), ONGOING),
    ("Ongoing - to March 2019", D(2019, 3, 31), ONGOING),
    ("Until March 2019", D(2019, 3, 31), ONGOING),
    ("Until Dec 2018", D(2018, 12, 31), ONGOING),
    ("Through to March 2019", D(2019, 3, 31), ONGOING),
    ("To March 2019", D(2019, 3, 31), ONGOING),
    ("to the end of March 2019", D(2019, 3, 31), ONGOING),
    ("Throughout 2018", D(2018, 12, 31), ONGOING),
    ("Funding in place until 31/03/2019", D(2019, 3, 31), ONGOING),
    ("Annually", None, ONGOING),
    ("Quarterly", None, ONGOING),
    ("Monthly meetings", None, ONGOING),
    ("From April 2018", None, ONGOING),  # when it starts, not when it is due
    # "To" followed by words rather than a date is not "ongoing to".
    ("To deliver training by June 2018", D(2018, 6, 30), BY_DATE),
    # To be confirmed, including nothing written at all; TBC wins over any date.
    ("", None, TBC),
    ("   ", None, TBC),
    ("tbc", None, TBC),
    ("T.B.C.", None, TBC),
    ("TBA", None, TBC),
    ("TBD", None, TBC),
    ("To be confirmed", None, TBC),
    ("Date to be agreed", None, TBC),
    ("TBC - hopefully July 2018", None, TBC),
    ("July 2018 (TBC)", None, TBC),
    # Not understood: no due date, for a person to check.
    ("asap", None, UNKNOWN),
    ("ASAP", None, UNKNOWN),
    ("as soon as possible", None, UNKNOWN),
    ("N/A", None, UNKNOWN),
    ("-", None, UNKNOWN),
    ("soon", None, UNKNOWN),
    ("Spring", None, UNKNOWN),
    ("July", None, UNKNOWN),  # a month without a year needs a reference date
    ("this may take a while", None, UNKNOWN),
    ("12", None, UNKNOWN),
    ("\U0001f680\U0001f525", None, UNKNOWN),
    ("July 2018 \U0001f389", D(2018, 7, 31), BY_DATE),
    # Impossible dates are not understood rather than replaced by a nearby year.
    ("31/02/2018", None, UNKNOWN),
    ("February 30 2018", None, UNKNOWN),
    ("30th February 2018", None, UNKNOWN),
    ("29/02/2019", None, UNKNOWN),
    ("2018-13-01", None, UNKNOWN),
    ("31/04/2018", None, UNKNOWN),
    ("13/2018", None, UNKNOWN),
    ("July 3000", None, UNKNOWN),
    ("Ongoing to 31/02/2019", None, UNKNOWN),
    # Ambiguous spans.
    ("Q1 2018", None, UNKNOWN),  # calendar or financial quarter?
    ("Q3", None, UNKNOWN),
    ("2017-2020", None, UNKNOWN),  # not a financial year
    ("2018/20", None, UNKNOWN),
]


@pytest.mark.parametrize(("written", "due_date", "kind"), CASES)
def test_parse_timescale(written, due_date, kind):
    assert parse_timescale(written) == Timescale(written=written, due_date=due_date, kind=kind)


def test_the_table_covers_each_wording_once():
    writtens = [written for written, _, _ in CASES]
    assert len(writtens) == len(set(writtens))
    assert len(writtens) >= 50


@pytest.mark.parametrize(
    ("written", "reference_date", "due_date", "kind"),
    [
        # The month's end in the reference year when that is on or after the reference...
        ("July", D(2018, 1, 15), D(2018, 7, 31), BY_DATE),
        ("July", D(2018, 7, 31), D(2018, 7, 31), BY_DATE),
        # ...otherwise in the next year.
        ("July", D(2018, 8, 1), D(2019, 7, 31), BY_DATE),
        ("by July", D(2018, 8, 1), D(2019, 7, 31), BY_DATE),
        ("Mid Feb", D(2019, 3, 1), D(2020, 2, 29), BY_DATE),
        ("Ongoing to July", D(2018, 1, 1), D(2018, 7, 31), ONGOING),
        ("April - June", D(2018, 1, 1), D(2018, 6, 30), BY_DATE),  # the range's last month
        ("Nov - Feb", D(2018, 10, 1), D(2019, 2, 28), BY_DATE),
        ("By May", D(2018, 1, 1), D(2018, 5, 31), BY_DATE),
        ("this may take a while", D(2018, 1, 1), None, UNKNOWN),  # "may" the verb
        # A reference date changes nothing when the year is written.
        ("July 2017", D(2018, 8, 1), D(2017, 7, 31), BY_DATE),
        ("April - June 2018", D(2019, 1, 1), D(2018, 6, 30), BY_DATE),
        ("asap", D(2018, 1, 1), None, UNKNOWN),
        ("TBC July", D(2018, 1, 1), None, TBC),
        # A datetime works as a reference date too.
        ("July", datetime.datetime(2018, 7, 31, 23, 59), D(2018, 7, 31), BY_DATE),
        ("July", datetime.datetime(2018, 8, 1, 0, 0), D(2019, 7, 31), BY_DATE),
        # No room after the last representable year: not understood, no exception.
        ("July", D(9999, 8, 1), None, UNKNOWN),
    ],
)
def test_month_without_year_uses_reference_date(written, reference_date, due_date, kind):
    result = parse_timescale(written, reference_date=reference_date)
    assert result == Timescale(written=written, due_date=due_date, kind=kind)


class _Wording:
    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


@pytest.mark.parametrize(
    ("value", "written", "due_date", "kind"),
    [
        (None, "", None, TBC),
        (2018, "2018", D(2018, 12, 31), BY_DATE),
        (12, "12", None, UNKNOWN),
        (D(2018, 7, 31), "2018-07-31", D(2018, 7, 31), BY_DATE),
        (3.5, "3.5", None, UNKNOWN),
        (_Wording("To March 2019"), "To March 2019", D(2019, 3, 31), ONGOING),
    ],
)
def test_input_that_is_not_a_string_is_read_as_its_str(value, written, due_date, kind):
    assert parse_timescale(value) == Timescale(written=written, due_date=due_date, kind=kind)


@pytest.mark.parametrize(
    "written",
    [
        "July 2018 " * 1000,
        "x" * 1_000_000,
        "1/" * 100_000,
        "2018 " + " " * 100_000 + "/19",
        "jul " * 100_000,
        "\U0001f600" * 10_000,
    ],
)
def test_huge_input_is_not_understood(written):
    assert parse_timescale(written) == Timescale(written=written, due_date=None, kind=UNKNOWN)


def test_written_is_kept_exactly_including_whitespace_and_typography():
    written = "  Ongoing\u00a0\u2013 to\tMarch  2019\n"
    assert parse_timescale(written) == Timescale(
        written=written, due_date=D(2019, 3, 31), kind=ONGOING
    )


def test_kinds_are_short_strings_for_a_char_field():
    assert {kind.value for kind in TimescaleKind} == {
        "by_date",
        "ongoing",
        "tbc",
        "unknown",
        "approximate",
    }
    assert TimescaleKind("tbc") is TBC
    assert str(UNKNOWN) == "unknown"


def test_timescale_is_immutable():
    timescale = parse_timescale("July 2017")
    with pytest.raises(dataclasses.FrozenInstanceError):
        timescale.due_date = D(2018, 1, 1)


def test_reference_date_is_keyword_only():
    with pytest.raises(TypeError):
        parse_timescale("July", D(2018, 1, 1))


_WORDS = [
    "July", "jul", "Sept", "sep", "May", "may", "March", "dec", "Spring", "winter", "Q1", "q4",
    "FY", "by", "to", "To", "until", "ongoing", "end of", "mid", "TBC", "tba", "asap", "and",
    "from", "of", "year", "around", "next", "\U0001f680", "\u2013", "\u00e9t\u00e9", "\u0663\u0660",
]  # fmt: skip
_PUNCTUATION = list("/-.,'() :;&") + ["\u2019", "\u00a0", "\n", "\t"]


def _random_wording(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 8)):
        choice = rng.random()
        if choice < 0.35:
            parts.append(rng.choice(_WORDS))
        elif choice < 0.7:
            parts.append(str(rng.choice([rng.randint(0, 40), rng.randint(1890, 2110), 0])))
        else:
            parts.append(rng.choice(_PUNCTUATION))
        parts.append(rng.choice(["", " ", " ", "/", "-"]))
    return "".join(parts)


_RANDOM_WORDINGS = [_random_wording(random.Random(f"timescales-{n}")) for n in range(2000)]


@pytest.mark.parametrize("reference_date", [None, D(2018, 6, 15)])
def test_any_wording_gives_a_consistent_timescale(reference_date):
    outcomes = set()
    for written in _RANDOM_WORDINGS:
        result = parse_timescale(written, reference_date=reference_date)
        assert result.written == written
        assert isinstance(result.kind, TimescaleKind)
        # A real calendar date, not a datetime, in the years action plans deal with.
        assert result.due_date is None or type(result.due_date) is datetime.date
        if result.due_date is not None:
            assert D(1900, 1, 1) <= result.due_date <= D(2100, 12, 31)
        # Only deadlines and ongoing actions have due dates (an approximate time has none),
        # and deadlines always do.
        if result.kind in (TBC, UNKNOWN, TimescaleKind.APPROXIMATE):
            assert result.due_date is None
        if result.kind is BY_DATE:
            assert result.due_date is not None
        outcomes.add(result.kind)
    # The generator is varied enough to reach every kind, so the checks above mean something.
    assert outcomes == set(TimescaleKind)


def test_random_wordings_are_varied():
    assert len(set(_RANDOM_WORDINGS)) > 1500


@pytest.mark.parametrize(
    "written",
    [
        "towards the end of 2017",
        "Toward the end of March 2018",
        "next year",
        "over Christmas and other peak periods",
        "Around March 2018",
        "approx. June 2018",
        "Sometime in 2018",
        "later this year",
    ],
)
def test_an_approximate_time_is_kept_as_written_with_no_firm_due_date(written):
    parsed = parse_timescale(written)
    assert parsed == Timescale(written=written, due_date=None, kind=TimescaleKind.APPROXIMATE)


@pytest.mark.parametrize("written", ["TBC - towards the end of 2017", "To be agreed next year"])
def test_to_be_confirmed_wins_over_approximate(written):
    assert parse_timescale(written).kind == TimescaleKind.TO_BE_CONFIRMED
