"""Read the free-text timescale of a community safety action.

Action plans give every action a timescale in the author's own words: "July 2017",
"To March 2018", "Q3 2018/19", "TBC". We keep that wording exactly as written and derive
two things from it:

* a due date: the last day the wording allows, so "by July 2017" is 31 July 2017;
* a kind, saying how to read the due date: a deadline, ongoing until then, to be
  confirmed, approximate ("towards the end of 2017", "next year": no due date, since a
  deadline the plan does not set would be invented), or not understood (no due date; a
  person should look at it).

Conventions, chosen for UK action plans:

* Numeric dates are day first: 01/07/2017 is 1 July 2017.
* Two-digit years are in the 2000s: "Jul 17" is July 2017. A day of the month without a
  year looks the same, so "July 31" is read as July 2031; write "31 July 2018" instead.
* A month on its own means the end of that month, however it is qualified:
  "mid July 2018", "early July 2018" and "end of July 2018" are all 31 July 2018.
* Financial years run April to March: 2018/19 ends on 31 March 2019, and its quarters
  Q1-Q4 end on 30 June 2018, 30 September 2018, 31 December 2018 and 31 March 2019.
  A quarter without a financial year ("Q1 2018") could be a calendar or a financial
  quarter, so it is not understood.
* Seasons are meteorological and end with their last month: spring is the end of May,
  summer the end of August, autumn (or fall) the end of November. Winter 2018 is the winter
  that starts in December 2018, so it ends on the last day of February 2019.
* When the wording names several dates ("April - June 2018", "Jun-18 to Mar-19") the latest
  one is the due date, because it is the end of the range.

The parser is lenient about the words around a date and strict about the date itself: an
impossible date such as 31/02/2018 makes the whole timescale not understood, rather than
letting a nearby year stand in for it.
"""

import calendar
import datetime
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass


class TimescaleKind(enum.StrEnum):
    BY_DATE = "by_date"  # a deadline: "July 2017", "by June 2018"
    ONGOING = "ongoing"  # carries on, until the due date if there is one: "To March 2018"
    TO_BE_CONFIRMED = "tbc"  # "TBC", "To be confirmed", "TBA", or nothing written
    NOT_UNDERSTOOD = "unknown"  # no due date; flagged for a person to check
    # Only an approximate time: "towards the end of 2017", "next year", "over Christmas".
    # Kept as written with no firm due date, and flagged, like NOT_UNDERSTOOD, as needing one.
    APPROXIMATE = "approximate"


@dataclass(frozen=True)
class Timescale:
    written: str  # the original wording, unchanged
    due_date: datetime.date | None
    kind: TimescaleKind


# A timescale is a short phrase. Anything longer than this is not one, and refusing it
# up front keeps the work done on untrusted input small.
MAX_WRITTEN_LENGTH = 500

# Four-digit numbers outside this range are counts ("5000 leaflets"), not years.
_MIN_YEAR = 1900
_MAX_YEAR = 2099

# Month words, keyed by their first three letters, which is all the regular expressions
# below let through: "Sept", "Sep" and "September" all become "sep".
_MONTH_NUMBERS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

# Month words that are also everyday English ("this may slip", "march"). Standing alone
# without a year they only count as months when written with a capital letter.
_MONTHS_THAT_ARE_WORDS = {"may", "march"}

# (years after the named year, last month) for the end of each season; see module docs.
_SEASON_ENDS = {
    "spring": (0, 5),
    "summer": (0, 8),
    "autumn": (0, 11),
    "fall": (0, 11),
    "winter": (1, 2),
}

# (years after the financial year's first year, last month) for the end of each quarter.
_FINANCIAL_QUARTER_ENDS = {1: (0, 6), 2: (0, 9), 3: (0, 12), 4: (1, 3)}

# Every pattern is matched against text whose whitespace, dashes and quotes have been
# normalised (see _normalise). ASCII keeps \d to 0-9 so that other scripts' digits are not
# read as dates.
_FLAGS = re.IGNORECASE | re.ASCII

_MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
_SEASON_WORD = r"(?:spring|summer|autumn|fall|winter)"
# A year after a month or season: 2018, '18 or 18, not followed by more digits or by
# letters (so the "31" of "July 31st" is not a year).
_YEAR = r"(?P<year>\d{4}|'?\d{2})(?![0-9a-z])"
_ORDINAL = r"(?:st|nd|rd|th)?"

_TO_BE_CONFIRMED = re.compile(
    r"\bt\.?b\.?[acd]\b"  # TBC, TBA, TBD, T.B.C.
    r"|\bto\s+be\s+(?:confirmed|agreed|arranged|announced|advised|decided|determined|set)\b",
    _FLAGS,
)

# Wording that gives only an approximate time: no firm deadline can be read from it.
_APPROXIMATE = re.compile(
    r"\btowards?\b|\baround\b|\bapprox(?:imately|\.)?(?![a-z])|\bcirca\b|\bsome\s?time\b"
    r"|\b(?:next|this|later\s+this|in\s+the\s+coming)\s+(?:year|months?|few\s+months)\b"
    r"|\b(?:christmas|xmas|easter)\b|\bpeak\s+periods?\b",
    _FLAGS,
)

# Wording that starts with "to", "until", "through to" and then a date means the action
# carries on until that date ("To March 2018"). The date must follow straight away so that
# "To deliver training by June 2018" stays a deadline.
_ONGOING_START = re.compile(
    r"^(?:on[\s-]?going\b[\s,:;-]*)?"
    r"(?:to|until|till|through(?:\s+to)?|thru|throughout)\s+"
    r"(?:(?:the\s+)?end\s+(?:of\s+)?)?"
    r"(?=" + _MONTH_WORD + r"|" + _SEASON_WORD + r"\b|\d|q[1-4]\b|fy)",
    _FLAGS,
)
# Words anywhere in the text that say the action carries on or repeats.
_ONGOING_WORD = re.compile(
    r"\b(?:on[\s-]?going|continuous(?:ly)?|continuing|until|till|throughout"
    r"|annually|yearly|quarterly|monthly|fortnightly|weekly|daily)\b",
    _FLAGS,
)
# "From April 2018" names when the action starts, not when it is due.
_STARTING = re.compile(r"^(?:from|starting|commencing|beginning)\b", _FLAGS)

_ISO_DATE = re.compile(
    r"\b(?P<year>\d{4})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?![0-9])",
    _FLAGS,
)
_NUMERIC_DATE = re.compile(  # day first: 31/07/2017, 31.07.2017, 31-07-17
    r"\b(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![0-9])",
    _FLAGS,
)
_DAY_MONTH_YEAR = re.compile(  # 31 July 2017, 31st July 2017, 31-Jul-17
    r"\b(?P<day>\d{1,2})" + _ORDINAL + r"(?:\s+of)?[\s./-]*"
    r"(?P<month>" + _MONTH_WORD + r")[\s,./-]*" + _YEAR,
    _FLAGS,
)
_MONTH_DAY_YEAR = re.compile(  # July 31, 2017; a four-digit year, so "Jul 17" stays a month
    r"\b(?P<month>" + _MONTH_WORD + r")\s*(?P<day>\d{1,2})" + _ORDINAL + r",?\s+"
    r"(?P<year>\d{4})(?![0-9])",
    _FLAGS,
)
_SEASON_YEAR = re.compile(  # Spring 2017, summer of '18
    r"\b(?P<season>" + _SEASON_WORD + r")(?:\s+of)?[\s,/-]*" + _YEAR,
    _FLAGS,
)
_FINANCIAL_YEAR = re.compile(  # 2018/19, 2018-2019, FY 2018/19, Q3 2018/19, Q3 of 2018/19
    r"(?:\bq(?P<quarter>[1-4])[\s,]*(?:of\s+)?)?(?:\bfy\s*|\b)"
    r"(?P<start>\d{4})\s*[/-]\s*(?P<end>\d{4}|\d{2})(?![0-9])",
    _FLAGS,
)
_MONTH_YEAR = re.compile(  # July 2017, Sept 2018, Jul 17, July '18, Jul-18, July of 2018
    r"\b(?P<month>" + _MONTH_WORD + r")[\s,/-]*(?:of\s+)?" + _YEAR,
    _FLAGS,
)
_NUMERIC_MONTH_YEAR = re.compile(  # 07/2018
    r"\b(?P<month>\d{1,2})[/.-](?P<year>\d{4})(?![0-9])",
    _FLAGS,
)
_QUARTER_WITHOUT_FINANCIAL_YEAR = re.compile(r"\bq[1-4]\b", _FLAGS)
_BARE_YEAR = re.compile(r"\b(?P<year>(?:19|20)\d{2})\b", _FLAGS)  # 2018: the end of 2018
_BARE_MONTH = re.compile(r"\b(?P<month>" + _MONTH_WORD + r")", _FLAGS)  # needs reference_date


def parse_timescale(written: str, *, reference_date: datetime.date | None = None) -> Timescale:
    """Derive the due date and kind of a timescale; never raises for any wording.

    reference_date is only used for a month without a year ("July"): it becomes the first
    end of that month on or after reference_date. Without one such wording is not understood.
    """
    text = "" if written is None else str(written)
    kind, due_date = _interpret(text, reference_date)
    return Timescale(written=text, due_date=due_date, kind=kind)


def _interpret(
    text: str, reference_date: datetime.date | None
) -> tuple[TimescaleKind, datetime.date | None]:
    if len(text) > MAX_WRITTEN_LENGTH:
        return TimescaleKind.NOT_UNDERSTOOD, None
    text = _normalise(text)
    # "TBC - hopefully July 2018" is still to be confirmed: the hope is not a commitment.
    if not text or _TO_BE_CONFIRMED.search(text):
        return TimescaleKind.TO_BE_CONFIRMED, None

    dates, rest = _dates_mentioned(text)
    if None in dates:  # a date we recognised but which cannot exist, such as 31/02/2018
        return TimescaleKind.NOT_UNDERSTOOD, None
    if _APPROXIMATE.search(text):
        return TimescaleKind.APPROXIMATE, None
    if not dates:
        months = _months_without_year(rest)
        if months and reference_date is None:
            return TimescaleKind.NOT_UNDERSTOOD, None
        if months:
            # "April - June": the range ends with the last month written.
            date = _next_end_of_month(months[-1], reference_date)
            if date is None:
                return TimescaleKind.NOT_UNDERSTOOD, None
            dates = [date]

    ongoing = bool(_ONGOING_START.search(text) or _ONGOING_WORD.search(text))
    if not dates:
        if ongoing:  # "Ongoing", "Annually"
            return TimescaleKind.ONGOING, None
        return TimescaleKind.NOT_UNDERSTOOD, None
    if _STARTING.search(text) and len(dates) == 1:
        return TimescaleKind.ONGOING, None  # "From April 2018": started, with no end given
    kind = TimescaleKind.ONGOING if ongoing else TimescaleKind.BY_DATE
    return kind, max(dates)


def _normalise(text: str) -> str:
    """Fold the typographic variants word processors produce onto plain ASCII ones."""
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)  # hyphens, en and em dashes, minus
    text = re.sub(r"[\u2018\u2019\u2032`]", "'", text)  # curly apostrophes, primes
    return " ".join(text.split())  # every kind of whitespace, incl. non-breaking spaces


def _dates_mentioned(text: str) -> tuple[list[datetime.date | None], str]:
    """Every date in the text (None for an impossible one) and the text left over.

    The patterns run from the most specific to the least, and each blanks out what it
    matched, so that the "2017" of "31 July 2017" is not read again as the year 2017.
    """
    dates: list[datetime.date | None] = []
    for pattern, to_date in _DATE_PATTERNS:
        dates.extend(to_date(match) for match in pattern.finditer(text))
        text = pattern.sub(_blank, text)
    return dates, text


def _blank(match: re.Match[str]) -> str:
    # Spaces, not nothing, so the words either side cannot join up into a new match.
    return " " * len(match.group())


def _months_without_year(text: str) -> list[int]:
    months = []
    for match in _BARE_MONTH.finditer(text):
        word = match.group("month").rstrip(".")
        if word.islower() and word.lower() in _MONTHS_THAT_ARE_WORDS:
            continue
        months.append(_MONTH_NUMBERS[word[:3].lower()])
    return months


def _next_end_of_month(month: int, reference_date: datetime.date) -> datetime.date | None:
    if isinstance(reference_date, datetime.datetime):
        reference_date = reference_date.date()  # a datetime cannot be compared with a date
    year = reference_date.year
    if _end_of_month(year, month) < reference_date:
        year += 1
    return _end_of_month(year, month) if year <= datetime.MAXYEAR else None


def _end_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _year(digits: str) -> int | None:
    """A four-digit year in range, or a two-digit year in the 2000s; None otherwise."""
    digits = digits.lstrip("'")
    year = 2000 + int(digits) if len(digits) == 2 else int(digits)
    return year if _MIN_YEAR <= year <= _MAX_YEAR else None


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _MONTH_NUMBERS[text[:3].lower()]


def _safe_date(year: int | None, month: int, day: int) -> datetime.date | None:
    if year is None or not 1 <= month <= 12:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 31/02/2018, February 30 2018
        return None


def _full_date(match: re.Match[str]) -> datetime.date | None:
    return _safe_date(_year(match["year"]), _month(match["month"]), int(match["day"]))


def _month_end(match: re.Match[str]) -> datetime.date | None:
    year, month = _year(match["year"]), _month(match["month"])
    if year is None or not 1 <= month <= 12:
        return None
    return _end_of_month(year, month)


def _season_end(match: re.Match[str]) -> datetime.date | None:
    year = _year(match["year"])
    if year is None:
        return None
    years_after, month = _SEASON_ENDS[match["season"].lower()]
    return _end_of_month(year + years_after, month)


def _financial_year_end(match: re.Match[str]) -> datetime.date | None:
    start = _year(match["start"])
    # The two years of a financial year follow each other: 2018/19 or 2018/2019.
    # Anything else ("2017-2020") is a span whose meaning we will not guess.
    if start is None or not _is_year_after(match["end"], start):
        return None
    years_after, month = _FINANCIAL_QUARTER_ENDS[int(match["quarter"] or 4)]
    return _end_of_month(start + years_after, month)


def _is_year_after(written: str, year: int) -> bool:
    """Whether written ("19" or "2019") is the year after year."""
    return int(written) == (year + 1 if len(written) == 4 else (year + 1) % 100)


def _ambiguous_quarter(match: re.Match[str]) -> None:
    return None  # calendar or financial quarter? A person has to say.


def _year_end(match: re.Match[str]) -> datetime.date | None:
    return datetime.date(int(match["year"]), 12, 31)


_DATE_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], datetime.date | None]]] = [
    (_ISO_DATE, _full_date),
    (_NUMERIC_DATE, _full_date),
    (_DAY_MONTH_YEAR, _full_date),
    (_MONTH_DAY_YEAR, _full_date),
    (_SEASON_YEAR, _season_end),  # before financial years: "Winter 2018/19" is a winter
    (_FINANCIAL_YEAR, _financial_year_end),
    (_MONTH_YEAR, _month_end),
    (_NUMERIC_MONTH_YEAR, _month_end),
    (_QUARTER_WITHOUT_FINANCIAL_YEAR, _ambiguous_quarter),
    (_BARE_YEAR, _year_end),
]
