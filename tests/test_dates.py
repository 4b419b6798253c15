"""Dates as documents write them: explicit strings, dates in prose, the date of an item."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stancegraph.errors import ParseError
from stancegraph.model.records import Precision
from stancegraph.parse.dates import find_dates, item_date, parse_date_text


@pytest.mark.parametrize(
    ("text", "lexical", "precision"),
    [
        ("August 15, 2025", "2025-08-15", Precision.DAY),
        ("15 August 2025", "2025-08-15", Precision.DAY),
        ("2025-08-15", "2025-08-15", Precision.DAY),
        ("Aug. 15, 2025", "2025-08-15", Precision.DAY),
        ("Sept. 1, 2024", "2024-09-01", Precision.DAY),
        ("August 15th, 2025", "2025-08-15", Precision.DAY),
        ("  august 15 2025 ", "2025-08-15", Precision.DAY),
        ("January 2014", "2014-01", Precision.MONTH),
        ("Jan 2014", "2014-01", Precision.MONTH),
        ("2014-01", "2014-01", Precision.MONTH),
        ("2014", "2014", Precision.YEAR),
        ("February 29, 2024", "2024-02-29", Precision.DAY),
    ],
)
def test_parse_date_text_forms(text: str, lexical: str, precision: Precision) -> None:
    value = parse_date_text(text)
    assert value.lexical() == lexical
    assert value.precision is precision


def test_parse_date_text_month_value_is_first_day() -> None:
    assert parse_date_text("January 2014").value == dt.date(2014, 1, 1)
    assert parse_date_text("2014").value == dt.date(2014, 1, 1)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("February 30, 2025", "February 2025 has 28 days"),
        ("February 29, 2025", "February 2025 has 28 days"),
        ("2025-02-30", "impossible date '2025-02-30'"),
        ("April 31, 2024", "April 2024 has 30 days"),
        ("2025-13", "no month 13"),
        ("Smarch 3, 2025", "unknown month 'Smarch'"),
        ("next Tuesday", "not a date: 'next Tuesday'"),
        ("", "not a date"),
    ],
)
def test_parse_date_text_rejects(text: str, needle: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date_text(text)
    assert needle in str(info.value)


def _lex(text: str) -> list[str]:
    return [value.lexical() for value, _span in find_dates(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The summit took place on August 15, 2025, in a northern port.", ["2025-08-15"]),
        ("Talks resumed in January 2014 after a long pause.", ["2014-01"]),
        ("In February 2022, the dispute flared again.", ["2022-02"]),
        ("They spoke by phone on February 12, 2025.", ["2025-02-12"]),
        ("Relations have been frosty since 2019.", ["2019"]),
        ("The pact was signed in 2016 and renewed on 3 May 2021.", ["2016", "2021-05-03"]),
        ("In 2016, the minister resigned.", ["2016"]),
        ("2016: the minister resigned.", ["2016"]),
        ("By 2030 the grid must be carbon-free.", ["2030"]),
        ("The ISO form 2024-11-05 is read too.", ["2024-11-05"]),
        ("He served during 2009 and until 2012.", ["2009", "2012"]),
        # Years that are not the time of the item.
        ("It reversed Russia's 2014 annexation policy.", []),
        ("Investigations into the 2016 election continued.", []),
        ("During his first presidency (2017–2021) he rarely spoke of it.", []),
        ("It lasted from 2017-2021 in all.", []),
        ("A mood set in during the 1990s.", []),
        ("in 2016's budget", []),
        ("He may 2025 not know.", []),
        ("Nothing dated here.", []),
    ],
)
def test_find_dates_in_prose(text: str, expected: list[str]) -> None:
    assert _lex(text) == expected


def test_find_dates_spans_point_at_the_text() -> None:
    text = "Held a summit on August 15, 2025, to discuss the war."
    [(value, (start, end))] = find_dates(text)
    assert text[start:end] == "August 15, 2025"
    assert value.precision is Precision.DAY


def test_find_dates_does_not_repeat_the_year_of_a_day_date() -> None:
    assert _lex("on March 3, 2021 and in 2021 again") == ["2021-03-03", "2021"]
    assert len(find_dates("on March 3, 2021")) == 1


def test_impossible_date_in_prose_raises_parse_error_with_location() -> None:
    with pytest.raises(ParseError) as info:
        find_dates("They met on February 30, 2025, in secret.", path="card.txt", line=12)
    err = info.value
    assert (err.path, err.line, err.field) == ("card.txt", 12, "date")
    assert "'February 30, 2025'" in err.message


def test_impossible_day_first_and_iso_dates_raise_too() -> None:
    with pytest.raises(ParseError, match="31 April 2024"):
        find_dates("signed on 31 April 2024")
    with pytest.raises(ParseError, match="2023-02-29"):
        find_dates("filed 2023-02-29")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Held a summit on August 15, 2025, to discuss the war.", "2025-08-15"),
        ("Weakened the sanctions imposed after Russia's 2014 annexation of Crimea.", None),
        ("In 2016, he met the envoy; on March 3, 2021, they met again.", "2021-03-03"),
        ("Since 2019 she has campaigned against it.", "2019"),
        ("In January 2014 she praised the survey, and in 2015 she funded it.", "2014-01"),
        ("Withdrew from the treaty, citing noncompliance.", None),
    ],
)
def test_item_date(text: str, expected: str | None) -> None:
    value = item_date(text)
    assert (value.lexical() if value else None) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_find_dates_never_fails_otherwise(text: str) -> None:
    try:
        for value, (start, end) in find_dates(text):
            assert 0 <= start < end <= len(text)
            assert value.precision in (Precision.DAY, Precision.MONTH, Precision.YEAR)
    except ParseError as exc:
        assert exc.field == "date"


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_written_dates_round_trip(day: dt.date) -> None:
    written = f"{day:%B} {day.day}, {day.year}"
    assert parse_date_text(written).value == day
    [(value, _)] = find_dates(f"It happened on {written}.")
    assert value.value == day
