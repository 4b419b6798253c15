"""Dates as documents write them: explicit date strings and dates inside prose.

Three entry points:

- :func:`parse_date_text` reads a string that *is* a date ("August 15, 2025",
  "2014-01", "2014") and raises :class:`ValueError` if it is not one.
- :func:`find_dates` finds the dates written *inside* a sentence
  ("... on August 15, 2025, to discuss ...").
- :func:`item_date` picks the one date a timeline item or action is about.

Rules for dates in prose
------------------------
- Day precision: "August 15, 2025", "Aug. 15, 2025", "August 15th 2025",
  "15 August 2025", "2025-08-15". A day date that cannot exist
  ("February 30, 2025") raises :class:`~stancegraph.errors.ParseError`
  rather than being skipped: a typo in a date must not silently undate a fact.
- Month precision: "January 2014", "Jan. 2014", "2014-01" is *not* looked for
  in prose (too easily part of a range or an identifier).
- Year precision only where the year is clearly the time of the item: right
  after one of *in, since, during, by, from, until, till, before, after, as of*
  ("in 2016", "since 2019"), or standing at the very start of the text and
  followed by a comma, colon or dash ("2016: ...", "In 2016, ..."). A bare
  year used as an adjective ("Russia's 2014 annexation", "the 2016 election")
  is not a date of the item, and neither is a range ("2017–2021",
  "in 2017-2021") nor a decade ("in 2010s").
- Month names are matched with a capital initial, so the verb "may" is never
  a month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

from stancegraph.errors import ParseError
from stancegraph.model.records import DateValue, Precision

__all__ = [
    "MONTHS",
    "find_dates",
    "item_date",
    "parse_date_text",
]

MONTHS: dict[str, int] = {}
"""Month names and abbreviations (lower case, without a trailing dot) to numbers."""
for _num in range(1, 13):
    MONTHS[calendar.month_name[_num].lower()] = _num
    MONTHS[calendar.month_abbr[_num].lower()] = _num
MONTHS["sept"] = 9

_MONTH_ALT = "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
# A month name with an optional abbreviation dot, capitalised (or all caps).
_MONTH = rf"(?P<{{g}}>(?:{_MONTH_ALT}|{_MONTH_ALT.upper()})\.?)"
_YEAR = r"(?P<{g}>\d{{4}})"
_DAY = r"(?P<{g}>\d{{1,2}})(?:st|nd|rd|th)?"

# Year lookahead shared by every pattern: no more digits, not a range, no "s".
_END = r"(?![\d\w])(?!\s*[–—-]\s*\d)(?!['’]s\b)"

_MDY = re.compile(
    r"\b"
    + _MONTH.format(g="m1")
    + r"\s+"
    + _DAY.format(g="d1")
    + r",?\s+"
    + _YEAR.format(g="y1")
    + _END
)
_DMY = re.compile(
    r"\b"
    + _DAY.format(g="d2")
    + r"\s+(?:of\s+)?"
    + _MONTH.format(g="m2")
    + r",?\s+"
    + _YEAR.format(g="y2")
    + _END
)
_ISO_DAY = re.compile(r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d-])")
_MY = re.compile(r"\b" + _MONTH.format(g="m") + r",?\s+" + _YEAR.format(g="y") + _END)
_YEAR_PREP = re.compile(
    r"\b(?:[Ii]n|[Ss]ince|[Dd]uring|[Bb]y|[Ff]rom|[Uu]ntil|[Tt]ill|[Bb]efore|[Aa]fter"
    r"|[Aa]s\s+of)\s+(?P<y>\d{4})" + _END
)
_YEAR_START = re.compile(r"^\s*(?P<y>\d{4})(?=\s*[,:–—-]\s*\D)(?!\s*[–—-]\s*\d)")

_EXPLICIT = [
    (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"), Precision.DAY),
    (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"), Precision.MONTH),
    (re.compile(r"^(?P<y>\d{4})$"), Precision.YEAR),
    (
        re.compile(r"^(?P<m>[A-Za-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})$"),
        Precision.DAY,
    ),
    (
        re.compile(
            r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>[A-Za-z]+)\.?,?\s+(?P<y>\d{4})$"
        ),
        Precision.DAY,
    ),
    (re.compile(r"^(?P<m>[A-Za-z]+)\.?,?\s+(?P<y>\d{4})$"), Precision.MONTH),
]


def _month_number(name: str) -> int | None:
    return MONTHS.get(name.rstrip(".").lower())


def _make(year: int, month: int, day: int, precision: Precision, shown: str) -> DateValue:
    """Build a DateValue or raise ValueError naming the impossible date."""
    if not 1 <= year <= 9999:
        raise ValueError(f"year out of range in date {shown!r}")
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month} in date {shown!r}")
    try:
        value = dt.date(year, month, day)
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        raise ValueError(
            f"impossible date {shown!r}: {calendar.month_name[month]} {year} has {last} days"
        ) from None
    return DateValue(value, precision)


def parse_date_text(s: str) -> DateValue:
    """Read a string that is exactly one date, at day, month or year precision.

    Parameters
    ----------
    s : str
        "August 15, 2025", "Aug. 15, 2025", "15 August 2025", "2025-08-15",
        "January 2014", "2014-01" or "2014" (surrounding blanks are ignored).

    Returns
    -------
    DateValue
        The first day of the period and its precision.

    Raises
    ------
    ValueError
        If ``s`` is not a date in one of these forms, names an unknown month,
        or names a day that does not exist ("February 30, 2025").

    Examples
    --------
    >>> parse_date_text("Aug. 15, 2025").lexical()
    '2025-08-15'
    >>> parse_date_text("January 2014").lexical()
    '2014-01'
    >>> parse_date_text("2014").precision.value
    'year'
    """
    if not isinstance(s, str):
        raise ValueError(f"expected a date string, got {type(s).__name__}")
    text = " ".join(s.split())
    for pattern, precision in _EXPLICIT:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groupdict()
        year = int(groups["y"])
        if "m" in groups:
            raw = groups["m"]
            month = int(raw) if raw.isdigit() else _month_number(raw)
            if month is None:
                raise ValueError(f"unknown month {raw!r} in date {s!r}")
        else:
            month = 1
        day = int(groups["d"]) if "d" in groups else 1
        return _make(year, month, day, precision, text)
    raise ValueError(
        f"not a date: {s!r} (expected e.g. 'August 15, 2025', '2025-08-15', "
        "'January 2014', '2014-01' or '2014')"
    )


Span = tuple[int, int]


def find_dates(
    text: str, *, path: str | Path | None = None, line: int | None = None
) -> list[tuple[DateValue, Span]]:
    """Find the dates written inside prose, in order of appearance.

    Parameters
    ----------
    text : str
        A sentence or paragraph.
    path, line : optional
        Where ``text`` came from; only used to locate a :class:`ParseError`.

    Returns
    -------
    list of (DateValue, (start, end))
        Each date with the character span it was read from. A year inside a
        day or month date is not reported again on its own.

    Raises
    ------
    ParseError
        (field ``"date"``) if a day date in the text cannot exist, such as
        "on February 30, 2025".

    Examples
    --------
    >>> text = "Talks began in January 2014 and ended on May 2, 2015."
    >>> [d.lexical() for d, _ in find_dates(text)]
    ['2014-01', '2015-05-02']
    >>> find_dates("after Russia's 2014 annexation of Crimea")
    []
    >>> [d.lexical() for d, _ in find_dates("Relations have cooled since 2019.")]
    ['2019']
    """
    found: list[tuple[DateValue, Span]] = []
    taken: list[Span] = []

    def free(span: Span) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    def add(value: DateValue, span: Span) -> None:
        found.append((value, span))
        taken.append(span)

    def fail(exc: ValueError) -> ParseError:
        return ParseError(str(exc), path=path, line=line, field="date")

    day_matches: list[tuple[int, int, int, Span, str]] = []
    for m in _MDY.finditer(text):
        month = _month_number(m.group("m1"))
        if month is not None:
            day_matches.append((int(m.group("y1")), month, int(m.group("d1")), m.span(), m[0]))
    for m in _DMY.finditer(text):
        month = _month_number(m.group("m2"))
        if month is not None:
            day_matches.append((int(m.group("y2")), month, int(m.group("d2")), m.span(), m[0]))
    for m in _ISO_DAY.finditer(text):
        day_matches.append(
            (int(m.group("y")), int(m.group("m")), int(m.group("d")), m.span(), m[0])
        )
    for year, month, day, span, shown in sorted(day_matches, key=lambda t: t[3]):
        if not free(span):
            continue
        try:
            add(_make(year, month, day, Precision.DAY, shown), span)
        except ValueError as exc:
            raise fail(exc) from None

    for m in _MY.finditer(text):
        month = _month_number(m.group("m"))
        if month is None or not free(m.span()):
            continue
        try:
            add(_make(int(m.group("y")), month, 1, Precision.MONTH, m[0]), m.span())
        except ValueError as exc:
            raise fail(exc) from None

    year_matches = list(_YEAR_PREP.finditer(text))
    start = _YEAR_START.match(text)
    if start:
        year_matches.append(start)
    for m in year_matches:
        span = m.span("y")
        if not free(span):
            continue
        year = int(m.group("y"))
        if year < 1:
            continue
        add(DateValue(dt.date(year, 1, 1), Precision.YEAR), span)

    found.sort(key=lambda item: item[1])
    return found


def item_date(
    text: str, *, path: str | Path | None = None, line: int | None = None
) -> DateValue | None:
    """The date a timeline item or an action is about, if the text gives one.

    The first day or month date in the text wins; failing that, the first
    year introduced as a time ("in 2016", "since 2019"); otherwise ``None``
    (the item is then known only by its position in the timeline).

    Raises
    ------
    ParseError
        If the text contains an impossible day date (see :func:`find_dates`).

    Examples
    --------
    >>> item_date("Held talks in 2016 and again on March 3, 2021.").lexical()
    '2021-03-03'
    >>> item_date("Lifted the tariffs imposed after the 2018 dispute.") is None
    True
    """
    dates = find_dates(text, path=path, line=line)
    for value, _span in dates:
        if value.precision in (Precision.DAY, Precision.MONTH):
            return value
    return dates[0][0] if dates else None
