"""Parsers of stance cards, fact-check briefs and the analysts' YAML, on real documents.

The seeds are the published documents in ``../shared/seeds``; the variants in
``tests/fixtures/{cards,factchecks,yaml}`` are our own, about other actors.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stancegraph.errors import ParseError
from stancegraph.model.records import CardRecord, FactCheckRecord, Precision
from stancegraph.parse.card import looks_like_card, parse_card, quoted_spans, read_card
from stancegraph.parse.factcheck import (
    citation_numbers,
    looks_like_factcheck,
    name_candidates,
    parse_factcheck,
    read_factcheck,
)
from stancegraph.parse.polarity import explain_polarity, score_polarity
from stancegraph.parse.yamlcard import MAX_YAML_BYTES, card_schema, parse_yaml, read_yaml

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_CARD = SEEDS / "stance-card_trump-on-putin.txt"
SEED_FACTCHECK = SEEDS / "fact-check_putin-trump-friends.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CARDS = FIXTURES / "cards"
FACTCHECKS = FIXTURES / "factchecks"
YAMLS = FIXTURES / "yaml"

needs_seed_card = pytest.mark.skipif(
    not SEED_CARD.is_file(),
    reason=f"seed stance card not found at ../shared/seeds/{SEED_CARD.name}",
)
needs_seed_factcheck = pytest.mark.skipif(
    not SEED_FACTCHECK.is_file(),
    reason=f"seed fact-check not found at ../shared/seeds/{SEED_FACTCHECK.name}",
)

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# ======================================================================= seed card


@pytest.fixture(scope="module")
def seed_card() -> CardRecord:
    if not SEED_CARD.is_file():
        pytest.skip(f"seed stance card not found at ../shared/seeds/{SEED_CARD.name}")
    return read_card(SEED_CARD)


@needs_seed_card
def test_seed_card_header(seed_card: CardRecord) -> None:
    card = seed_card
    assert card.holder.text == "Donald Trump"
    assert card.target.text == "Vladimir Putin"
    assert card.target.kind == "person"
    assert card.holder.kind is None
    assert (card.holder.line, card.target.line) == (3, 3)
    assert card.holder_role == "Politician"
    assert card.target_kind == "person"
    assert (card.kind, card.polarity, card.strength, card.flip) == (
        "relationship",
        "mixed",
        "strong",
        True,
    )
    assert card.line == 1
    assert card.title == "Donald Trump on Vladimir Putin"


@needs_seed_card
def test_seed_card_sections(seed_card: CardRecord) -> None:
    card = seed_card
    assert card.summary.startswith("Donald Trump has maintained")
    assert card.summary.count("\n\n") == 2  # three paragraphs
    assert card.context.startswith("Donald Trump’s stance toward Vladimir Putin")
    assert "Timeline" not in card.context
    assert len(card.timeline) == 7
    assert [t.position for t in card.timeline] == list(range(1, 8))
    assert [t.line for t in card.timeline] == list(range(21, 28))


@needs_seed_card
def test_seed_card_quotes(seed_card: CardRecord) -> None:
    first, second = seed_card.timeline[0], seed_card.timeline[1]
    assert len(first.quotes) == 1
    assert first.quotes[0].text.startswith("I never met Putin")
    assert first.quotes[0].line == 21
    assert [q.text for q in second.quotes] == ["pretty smart", "rigged election"]
    assert [q.text for q in seed_card.timeline[6].quotes] == [
        "not thrilled with Putin",
        "Biden's war",
    ]


@needs_seed_card
def test_seed_card_timeline_is_ordered_not_dated(seed_card: CardRecord) -> None:
    # No timeline item of the seed carries a date: each is known by its order only.
    assert all(t.date is None for t in seed_card.timeline)


@needs_seed_card
def test_seed_card_timeline_polarity(seed_card: CardRecord) -> None:
    labels = [t.polarity for t in seed_card.timeline]
    assert labels[0] == "neutral"  # "I never met Putin ...": distance, not hostility
    assert labels[1] == "positive"  # "pretty smart"
    assert labels[4] == "positive"  # "lasting peace"
    assert labels[5] == "negative"  # "gone absolutely CRAZY"
    assert labels[6] == "negative"  # "not thrilled"
    assert all(t.polarity_value is None or -1 <= t.polarity_value <= 1 for t in seed_card.timeline)
    assert seed_card.timeline[1].quotes[0].polarity == "positive"


@needs_seed_card
def test_seed_card_actions(seed_card: CardRecord) -> None:
    actions = seed_card.actions
    assert [a.category for a in actions] == [
        "Foreign Policy Sanctions",
        "Treaty Withdrawal",
        "Bilateral Summit",
        "Diplomacy/Negotiation",
    ]
    assert actions[0].date is None  # "Russia's 2014 annexation" does not date the act
    assert actions[1].date is None
    assert actions[2].date is not None
    assert (actions[2].date.lexical(), actions[2].date.precision) == ("2025-08-15", Precision.DAY)
    assert actions[3].date is not None
    assert (actions[3].date.lexical(), actions[3].date.precision) == ("2025-02-12", Precision.DAY)
    assert actions[0].text.startswith("Weakened the toughest U.S. sanctions")
    assert [a.line for a in actions] == [31, 33, 35, 37]


@needs_seed_card
def test_seed_card_criticism(seed_card: CardRecord) -> None:
    critics = [c.critic.text for c in seed_card.criticism]
    assert critics == [
        "European allies and U.S. lawmakers (including some Republicans)",
        "Critics in general",
        "Volodymyr Zelenskyy",
    ]
    assert all(c.critic.kind is None for c in seed_card.criticism)
    assert [c.line for c in seed_card.criticism] == [42, 46, 50]
    assert seed_card.criticism[2].text.startswith("Has expressed frustration")


@needs_seed_card
def test_seed_card_detection() -> None:
    text = SEED_CARD.read_text(encoding="utf-8")
    assert looks_like_card(text)
    assert not looks_like_factcheck(text)


# ======================================================================= card variants


def test_topic_card_with_dated_and_undated_items() -> None:
    card = read_card(CARDS / "topic-card_kowalczyk-on-offshore-wind.txt")
    assert (card.holder.text, card.target.text) == ("Marta Kowalczyk", "Offshore Wind Energy")
    assert (card.holder_role, card.target_kind, card.target.kind) == (
        "Politician",
        "issue",
        "issue",
    )
    assert (card.kind, card.polarity, card.strength, card.flip) == (
        "policy",
        "positive",
        "moderate",
        False,
    )
    dates = [(t.date.lexical(), t.date.precision) if t.date else None for t in card.timeline]
    assert dates == [
        ("2014-01", Precision.MONTH),  # "In January 2014"
        None,
        ("2021-03-03", Precision.DAY),  # "On March 3, 2021"
        ("2022-02", Precision.MONTH),  # "In February 2022"
        None,
    ]
    # A continuation line joins its item, and its quotes keep their own line.
    third = card.timeline[2]
    assert third.line == 19
    assert 'describing the talks as "very productive"' in third.text
    assert [(q.text, q.line) for q in third.quotes] == [
        ("very productive", 20),
        ("a great relationship between our coasts", 20),
    ]
    assert card.timeline[0].quotes[0].text == "a genius piece of planning"
    assert card.timeline[0].polarity == "positive"
    assert card.timeline[1].polarity == "negative"  # "not welcome"
    # The context's range "(2012–2020)" and "the 2019 auction round" date nothing.
    assert "2012–2020" in card.context
    assert [a.date.lexical() if a.date else None for a in card.actions] == ["2022-05-12", None]
    assert [c.critic.text for c in card.criticism] == [
        "Coastal Fishers' Association",
        "Opposition councillors",
    ]
    assert card.criticism[1].text.startswith("Argue that")


def test_card_without_context_actions_criticism() -> None:
    card = read_card(CARDS / "minimal_varga-on-estmark.txt")
    assert (card.holder.text, card.target.text, card.target.kind) == (
        "Ilse Varga",
        "Estmark",
        "state",
    )
    assert card.holder_role == "Head of government"
    assert (card.polarity, card.kind, card.strength) == ("negative", "relationship", "weak")
    assert card.context == ""
    assert card.actions == [] and card.criticism == []
    assert len(card.timeline) == 3
    assert card.timeline[1].date is not None
    assert (card.timeline[1].date.lexical(), card.timeline[1].date.precision) == (
        "2016",
        Precision.YEAR,
    )
    assert card.timeline[0].quotes[0].text == "frustrating for commuters"


def test_card_with_twelve_items_and_dash_type_line() -> None:
    card = read_card(CARDS / "twelve-items_lind-on-harbour-council.txt")
    assert (card.holder_role, card.target_kind) == ("Mayor", "organization")
    assert (card.polarity, card.strength, card.flip) == ("negative", "strong", True)
    assert len(card.timeline) == 12
    assert [t.position for t in card.timeline] == list(range(1, 13))
    assert card.timeline[11].text.startswith("Since 2019")
    dated = {t.position: t.date.lexical() for t in card.timeline if t.date}
    assert dated == {
        1: "2015",
        3: "2016-04-04",
        4: "2016-09",
        6: "2017",
        8: "2017-11-09",
        10: "2018-03",
        12: "2019",
    }
    # The derived polarity turns from warm to cold, as the declared flip says.
    assert card.timeline[0].polarity == "positive"
    assert card.timeline[9].polarity == "negative"


@pytest.mark.parametrize(
    ("name", "holder", "target"),
    [
        (
            "ambiguous-on_senate-committee-on-energy.txt",
            "Senate Committee on Energy",
            "Grid Subsidies",
        ),
        ("ambiguous-on_left-party-on-sanctions.txt", "Left Party", "Sanctions on Estmark"),
    ],
)
def test_holder_target_split_uses_the_cards_own_text(name: str, holder: str, target: str) -> None:
    card = read_card(CARDS / name)
    assert (card.holder.text, card.target.text) == (holder, target)


def test_holder_target_split_falls_back_to_the_first_on() -> None:
    card = parse_card("Party of the Left on Climate Policy\nPositive Policy Stance (weak)\n")
    assert (card.holder.text, card.target.text) == ("Party of the Left", "Climate Policy")
    card = parse_card("Alpha on Beta on Gamma\nNeutral Policy Stance (weak)\n")
    assert (card.holder.text, card.target.text) == ("Alpha", "Beta on Gamma")
    assert card.holder_role is None and card.target_kind is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Supportive Policy Stance (moderate)", ("positive", "policy", "moderate", False)),
        ("Favorable Relationship Stance (weak)", ("positive", "relationship", "weak", False)),
        ("Opposed Policy Stance (strong)", ("negative", "policy", "strong", False)),
        ("Oppositional Relationship Stance (weak)", ("negative", "relationship", "weak", False)),
        (
            "Critical Relationship Stance (Strong) flip",
            ("negative", "relationship", "strong", True),
        ),
        ("NEUTRAL ISSUE STANCE (MODERATE)", ("neutral", "policy", "moderate", False)),
    ],
)
def test_stance_line_synonyms(line: str, expected: tuple[str, str, str, bool]) -> None:
    card = parse_card(f"Minister | person\nAnna Berg on Tomas Lind\n{line}\n")
    assert (card.polarity, card.kind, card.strength, card.flip) == expected


def test_crlf_bom_and_bullets() -> None:
    text = (
        "\ufeffPolitician · person\r\nAnna Berg on Ilse Varga\r\n"
        "Positive Relationship Stance (weak)\r\n\r\nTimeline\r\n"
        "- She called Varga \u201ca good partner.\u201d\r\n- In 2019, they met.\r\n"
    )
    card = parse_card(text)
    assert [t.line for t in card.timeline] == [6, 7]
    assert card.timeline[0].quotes[0].text == "a good partner"
    assert card.timeline[1].date is not None and card.timeline[1].date.lexical() == "2019"


# ======================================================================= bad cards


@pytest.mark.parametrize(
    ("name", "line", "field", "needle"),
    [
        ("bad_empty.txt", 1, None, "empty document"),
        ("bad_whitespace.txt", 1, None, "empty document"),
        ("bad_no-stance.txt", 5, "stance", "missing stance line"),
        ("bad_lukewarm.txt", 5, "stance.polarity", "unknown polarity 'Lukewarm'"),
        ("bad_february-30.txt", 10, "date", "'February 30, 2025'"),
        ("bad_no-holder-line.txt", 3, "holder", "'Ilse Varga and Tomas Lind'"),
        ("bad_binary.bin", 3, None, "byte 0x89 at offset 43"),
        ("bad_nul-bytes.txt", 5, None, "binary content"),
    ],
)
def test_bad_cards(name: str, line: int, field: str | None, needle: str) -> None:
    path = CARDS / name
    with pytest.raises(ParseError) as info:
        read_card(path)
    err = info.value
    assert err.path == str(path)
    assert (err.line, err.field) == (line, field)
    assert needle in err.message


@pytest.mark.parametrize(
    ("stance", "field", "needle"),
    [
        ("Mixed Friendship Stance (strong)", "stance.kind", "'Friendship'"),
        ("Mixed Relationship Stance (huge)", "stance.strength", "'huge'"),
        ("Mixed Relationship Stance", "stance.strength", "missing strength"),
        ("Mixed Relationship Stance (strong) Flop", "stance.flip", "'Flop'"),
        ("Stance (strong)", "stance", "malformed stance line"),
    ],
)
def test_bad_stance_lines(stance: str, field: str, needle: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_card(f"Anna Berg on Ilse Varga\n\n{stance}\n", path="inline.txt")
    assert (info.value.path, info.value.line, info.value.field) == ("inline.txt", 3, field)
    assert needle in info.value.message


def test_bad_card_structure() -> None:
    with pytest.raises(ParseError) as info:
        parse_card("A on B\nMixed Policy Stance (weak)\nTimeline\nnot an item\n")
    assert (info.value.line, info.value.field) == (4, "timeline")
    with pytest.raises(ParseError) as info:
        parse_card("A on B\nMixed Policy Stance (weak)\nCriticism\n\nSomeone\n")
    assert (info.value.line, info.value.field) == (5, "criticism")
    with pytest.raises(ParseError) as info:
        parse_card("A on B\nMixed Policy Stance (weak)\nContext\nx\nContext\ny\n")
    assert (info.value.line, info.value.field) == (5, "context")
    with pytest.raises(ParseError) as info:
        parse_card("Politician · person\n")
    assert info.value.field == "holder"
    with pytest.raises(ParseError):
        parse_card(b"A on B\nMixed Policy Stance (weak)\n")  # type: ignore[arg-type]


def test_read_card_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        read_card(tmp_path / "nope.txt")
    assert info.value.path == str(tmp_path / "nope.txt")


def test_format_detection_on_variants() -> None:
    for path in CARDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        if not path.name.startswith("bad_") or "stance" in path.name or "lukewarm" in path.name:
            assert looks_like_card(text), path.name
            assert not looks_like_factcheck(text), path.name
    for path in FACTCHECKS.glob("*.txt"):
        assert not looks_like_card(path.read_text(encoding="utf-8")), path.name


_card_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "Politician · person",
                "Anna Berg on Ilse Varga",
                "Mixed Relationship Stance (strong) Flip",
                "Lukewarm Policy Stance (weak)",
                "Context",
                "Timeline",
                "Actions Taken",
                "Criticism",
                '  1. In January 2014 she said "fine".',
                "  2. on February 30, 2025",
                "    A description line.",
                "",
            ]
        ),
        st.text(max_size=40),
    ),
    max_size=14,
)


@FUZZ
@given(_card_lines)
def test_parse_card_fuzz(lines: list[str]) -> None:
    try:
        card = parse_card("\n".join(lines))
    except ParseError:
        return
    assert card.holder.text and card.target.text


# ======================================================================= fact-checks


@pytest.fixture(scope="module")
def seed_factcheck() -> FactCheckRecord:
    if not SEED_FACTCHECK.is_file():
        pytest.skip(f"seed fact-check not found at ../shared/seeds/{SEED_FACTCHECK.name}")
    return read_factcheck(SEED_FACTCHECK)


@needs_seed_factcheck
def test_seed_factcheck(seed_factcheck: FactCheckRecord) -> None:
    brief = seed_factcheck
    assert brief.question == "Are Putain and Trump close friends"
    assert brief.checked_on.isoformat() == "2025-12-08"
    assert brief.disclaimer.startswith("Factually can make mistakes")
    assert brief.summary.startswith("Public reporting shows")
    assert brief.summary_citations == [1, 2, 3, 4]
    assert len(brief.findings) == 7
    assert [f.number for f in brief.findings] == list(range(1, 8))
    assert [f.line for f in brief.findings] == [10, 14, 18, 22, 26, 30, 34]
    assert brief.citations == list(range(1, 12))
    assert brief.findings[0].citations == [1, 2, 5]
    assert brief.findings[6].citations == [3, 4, 5, 7, 11]
    assert brief.limitations.startswith("sources provided are news reporting")
    assert len(brief.questions) == 5
    assert brief.questions[0] == "Have Putin and Trump met privately since 2016?"
    mentions = [m.text for m in brief.mentions]
    assert "Putain" in mentions and "Trump" in mentions
    assert "Are" not in mentions
    assert all(m.line == 1 and m.kind is None for m in brief.mentions)


@needs_seed_factcheck
def test_seed_factcheck_finding_mentions(seed_factcheck: FactCheckRecord) -> None:
    fourth = seed_factcheck.findings[3]
    texts = [m.text for m in fourth.mentions]
    assert "Simon Tisdall" in texts and "Trump" in texts and "NATO" in texts
    for finding in seed_factcheck.findings:
        for mention in finding.mentions:
            assert mention.text.lower() not in {"what", "the", "editorial", "sources"}
            assert finding.line <= (mention.line or 0) <= finding.line + 2


def test_factcheck_without_disclaimer_or_followups() -> None:
    brief = read_factcheck(FACTCHECKS / "no-disclaimer_rail-freight.txt")
    assert brief.question == "Is rail freight in Norland really growing?"
    assert brief.checked_on.isoformat() == "2024-03-15"
    assert brief.disclaimer == ""
    assert brief.questions == []
    assert brief.summary_citations == [1, 2, 3]  # from "[1][2]" and "[3]"
    assert [f.citations for f in brief.findings] == [[1, 2], [2, 4], []]
    assert brief.findings[2].title == "What the ministry says"
    assert brief.findings[2].text.startswith("The ministry describes")
    assert [m.text for m in brief.findings[1].mentions] == ["Port Avel", "Drossel"]
    assert [m.text for m in brief.mentions] == ["Norland"]
    assert brief.limitations.startswith("the statistics office revised")


def test_factcheck_with_followups_and_comma_citations() -> None:
    brief = read_factcheck(FACTCHECKS / "followup_estmark-border.txt")
    assert brief.question == "Did Estmark close its border with Norland"  # no "?"
    assert brief.checked_on.isoformat() == "2024-09-02"
    assert brief.disclaimer.startswith("This brief was drafted")
    assert brief.summary_citations == [1, 2, 3]  # "[1, 2]" and "[3]"
    assert [f.citations for f in brief.findings] == [[1, 2, 4], [3, 5], [6]]
    assert brief.questions == [
        "Why did Estmark add the checkpoints?",
        "How many commuters cross daily?",
        "Has the European Commission answered Norland?",
    ]
    assert {m.text for m in brief.mentions} == {"Estmark", "Norland"}
    second = [(m.text, m.line) for m in brief.findings[1].mentions]
    assert ("Ilse Varga", 15) in second and ("European Commission", 15) in second
    assert brief.findings[0].mentions == []  # "Checkpoints", "Government" open a sentence


@pytest.mark.parametrize(
    ("name", "line", "needle"),
    [
        ("bad_february-30.txt", 3, "'February 30, 2025'"),
        ("bad_no-checked-on.txt", 3, "missing 'Checked on <date>'"),
    ],
)
def test_bad_factchecks(name: str, line: int, needle: str) -> None:
    path = FACTCHECKS / name
    with pytest.raises(ParseError) as info:
        read_factcheck(path)
    assert (info.value.path, info.value.line, info.value.field) == (str(path), line, "checked_on")
    assert needle in info.value.message


def test_factcheck_other_errors() -> None:
    with pytest.raises(ParseError) as info:
        parse_factcheck("Checked on May 2, 2024\n")
    assert (info.value.line, info.value.field) == (1, "question")
    with pytest.raises(ParseError) as info:
        parse_factcheck("Is it late?\nChecked on May 2024\n")
    assert (info.value.line, info.value.field) == (2, "checked_on")
    with pytest.raises(ParseError) as info:
        parse_factcheck(
            "Is it late?\nChecked on May 2, 2024\n\n1. Title\n\nSeen on April 31, 2024.\n"
        )
    assert (info.value.line, info.value.field) == (6, "date")
    with pytest.raises(ParseError) as info:
        parse_factcheck("")
    assert info.value.line == 1


def test_numbered_lines_inside_a_finding_stay_inside() -> None:
    brief = parse_factcheck(
        "Q?\nChecked on 2024-05-02\n\n1. First\n\nSteps:\n\n1. one\n2. two\n\n2. Second\n\nText [9].\n"
    )
    assert [f.title for f in brief.findings] == ["First", "Second"]
    assert "1. one" in brief.findings[0].text
    assert brief.findings[1].citations == [9]


def test_citation_and_name_helpers() -> None:
    numbers = citation_numbers("[1][2] [3, 4] [5;6] [7-9] [0] [1-5000]")
    assert numbers == [*range(1, 10), 5000]  # a huge range keeps only its ends
    assert [t for t, _ in name_candidates("What the Kremlin said to Anna Berg’s aide.")] == [
        "Kremlin",
        "Anna Berg",
    ]
    assert [t for t, _ in name_candidates("Russian officials met the U.S. envoy.")] == ["U.S."]


_brief_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "Is it so?",
                "Checked on December 8, 2025",
                "Checked on February 30, 2025",
                "Disclaimer: careful.",
                "Executive summary",
                "1. A finding [1]",
                "2. Another [2, 3]",
                "Limitations: few sources.",
                "Want to dive deeper?",
                "Follow-up questions",
                "",
            ]
        ),
        st.text(max_size=40),
    ),
    max_size=14,
)


@FUZZ
@given(_brief_lines)
def test_parse_factcheck_fuzz(lines: list[str]) -> None:
    try:
        brief = parse_factcheck("\n".join(lines))
    except ParseError:
        return
    assert all(n >= 1 for n in brief.citations)


# ======================================================================= polarity


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("called him pretty smart", "positive"),
        ("a genius", "positive"),
        ("we have a great relationship", "positive"),
        ("the call was very productive", "positive"),
        ("a lasting peace", "positive"),
        ("he has gone absolutely CRAZY", "negative"),
        ("I am not thrilled with him", "negative"),
        ("Russia is somewhat weakened", "negative"),
        ("allies are frustrated", "negative"),
        ("they criticize him", "negative"),
        ("I never met him, I don't know who he is", "neutral"),
        ("not bad at all", "positive"),
        ("productive talks, but he was frustrated", "mixed"),
    ],
)
def test_polarity_labels(text: str, label: str) -> None:
    assert score_polarity(text)[0] == label


def test_polarity_is_explained_and_bounded() -> None:
    assert score_polarity("They met in a hotel.") == (None, None)
    assert score_polarity("") == (None, None)
    hits = explain_polarity("not thrilled but very productive")
    assert [(h.words, h.negated, h.weight) for h in hits] == [
        ("thrilled", True, -0.6),
        ("productive", False, 0.75),
    ]
    assert score_polarity("CRAZY CRAZY CRAZY evil evil") == ("negative", -1.0)
    # Emphasis in capitals weighs more than the same word in lower case.
    assert score_polarity("CRAZY")[1] < score_polarity("crazy")[1]  # type: ignore[operator]


@FUZZ
@given(st.text(max_size=200))
def test_polarity_fuzz(text: str) -> None:
    label, value = score_polarity(text)
    assert (label is None) == (value is None)
    if value is not None:
        assert label in ("positive", "negative", "mixed", "neutral")
        assert -1.0 <= value <= 1.0
    assert score_polarity(text) == (label, value)  # deterministic


def test_quoted_spans() -> None:
    assert quoted_spans('said "yes," then “no.” and "" nothing') == ["yes", "no"]


# ======================================================================= YAML


def test_schema_is_valid_and_shipped_with_the_package() -> None:
    shipped = resources.files("stancegraph.parse").joinpath("schema/card.schema.json")
    schema = json.loads(shipped.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == card_schema()
    assert schema["$schema"].endswith("/draft/2020-12/schema")


def test_yaml_card() -> None:
    [card] = read_yaml(YAMLS / "card-valid_varga-on-lind.yaml")
    assert isinstance(card, CardRecord)
    assert card.line == 2
    assert (card.holder.text, card.holder.line) == ("Ilse Varga", 3)
    assert (card.target.text, card.target.kind, card.target.line) == ("Tomas Lind", "person", 5)
    assert (card.holder_role, card.target_kind) == ("Head of government", "person")
    assert (card.polarity, card.kind, card.strength, card.flip) == (
        "mixed",
        "relationship",
        "moderate",
        True,
    )
    assert card.valid_from is not None and card.valid_from.lexical() == "2015"
    assert card.valid_until is not None and card.valid_until.lexical() == "2019-06"
    assert card.summary.startswith("Ilse Varga worked closely") and not card.summary.endswith("\n")
    first, second, third, fourth = card.timeline
    assert first.date is not None and first.date.lexical() == "2015-05-20"  # YAML date
    assert [q.text for q in first.quotes] == ["a genius at getting things built"]  # from text
    assert first.polarity == "positive"  # scored from the quote
    assert (second.polarity, second.polarity_value) == ("negative", -0.5)  # explicit wins
    assert second.quotes[0].text == "not thrilled" and second.quotes[0].line == 23
    assert third.date is not None and third.date.lexical() == "2018-03-03"  # from the text
    assert third.polarity is None
    assert [q.text for q in fourth.quotes] == ["no comment"]  # `quote:` form
    assert [t.line for t in card.timeline] == [20, 22, 26, 27]
    assert card.actions[0].date is not None and card.actions[0].date.lexical() == "2015"
    assert card.actions[1].date is not None
    assert card.actions[1].date.precision is Precision.MONTH
    assert card.criticism[1].critic.kind == "organization"
    assert card.criticism[1].line == 38
    assert card.title == "Varga on Lind, analyst card"
    assert card.url == "https://example.org/cards/varga-on-lind"
    assert card.published is not None and card.published.lexical() == "2019-07-01"


def test_yaml_collection_with_a_factcheck() -> None:
    card, brief = read_yaml(YAMLS / "collection-valid.yaml")
    assert isinstance(card, CardRecord) and isinstance(brief, FactCheckRecord)
    assert card.target.text == "Sanctions on Estmark" and card.target_kind == "issue"
    assert card.timeline[0].polarity == "negative"
    assert brief.line == 9
    assert brief.checked_on.isoformat() == "2024-01-09"
    assert brief.summary_citations == [1, 2]
    assert [f.citations for f in brief.findings] == [[1], [2, 3]]
    assert [f.line for f in brief.findings] == [14, 16]
    assert brief.citations == [1, 2, 3]
    assert [(s.number, s.url, s.line) for s in brief.sources] == [
        (1, "https://example.org/record/2022-14", 23),
        (2, None, 24),
    ]
    assert [m.text for m in brief.mentions] == ["Left Party"]
    assert [m.text for m in brief.findings[1].mentions] == ["Anna Berg"]


@pytest.mark.parametrize(
    ("name", "line", "field", "needle"),
    [
        ("invalid_polarity.yaml", 5, "stance.polarity", "'lukewarm'"),
        ("invalid_missing-target.yaml", 6, "cards[1].target", "missing required field 'target'"),
        ("invalid_timeline-date.yaml", 9, "timeline[1].date", "'2025-02-30'"),
        ("invalid_unknown-field.yaml", 7, "findings[0].verdikt", "unknown field 'verdikt'"),
        ("invalid_alias-in-card.yaml", 2, None, "anchors"),
        ("alias-bomb.yaml", 1, None, "aliases"),
    ],
)
def test_invalid_yaml_files(name: str, line: int, field: str | None, needle: str) -> None:
    path = YAMLS / name
    with pytest.raises(ParseError) as info:
        read_yaml(path)
    err = info.value
    assert (err.path, err.line, err.field) == (str(path), line, field)
    assert needle in err.message


@pytest.mark.parametrize(
    ("text", "line", "field", "needle"),
    [
        ("", 1, None, "empty document"),
        ("# only a comment\n", 1, None, "empty document"),
        ("- a\n- b\n", 1, None, "expected a mapping"),
        ("type: [\n", 2, None, "invalid YAML"),
        ("type: fact-check\ntype: stance-card\n", 2, "type", "duplicate key 'type'"),
        ("on: 1\n", 1, None, "keys must be text"),
        ("type: memo\n", 1, "type", "'memo'"),
        ("a: " + "[" * 60 + "]" * 60 + "\n", 1, None, "nested deeper"),
        ("a: !!python/object:os.system {}\n", 1, None, "invalid YAML"),
        ("---\ntype: memo\n---\ntype: memo\n", 3, None, "single document"),
        (
            "type: fact-check\nquestion: Q?\nchecked_on: 2024-05\n",
            3,
            "checked_on",
            "does not match",
        ),
        (
            "type: stance-card\nholder: A\ntarget: {nam: B}\n"
            "stance: {polarity: mixed, kind: policy, strength: weak}\n",
            3,
            "target.name",
            "missing required field 'name'",
        ),
        (
            "type: stance-card\nholder: A\ntarget: B\n"
            "stance: {polarity: mixed, kind: policy, strength: weak}\n"
            "timeline:\n  - text: x\n    polarity_value: .nan\n",
            7,
            "timeline[0].polarity_value",
            "nan",
        ),
        (
            "type: stance-card\nholder: A\ntarget: B\n"
            "stance: {polarity: mixed, kind: policy, strength: weak}\n"
            "actions:\n  - category: Talks\n    text: Met on February 30, 2025.\n",
            7,
            "actions[0].text",
            "'February 30, 2025'",
        ),
    ],
)
def test_invalid_yaml_text(text: str, line: int, field: str | None, needle: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_yaml(text, path="inline.yaml")
    err = info.value
    assert (err.path, err.line, err.field) == ("inline.yaml", line, field)
    assert needle in err.message


def test_yaml_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * MAX_YAML_BYTES + "\n", encoding="utf-8")
    with pytest.raises(ParseError, match="larger than") as info:
        read_yaml(big)
    assert info.value.path == str(big)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"type: stance-card\nholder: \xff\xfe\n")
    with pytest.raises(ParseError) as info:
        read_yaml(binary)
    assert info.value.line == 2


def test_yaml_polarity_value_alone_gives_the_label() -> None:
    [card] = parse_yaml(
        "type: stance-card\nholder: A\ntarget: B\n"
        "stance: {polarity: mixed, kind: policy, strength: weak}\n"
        "timeline:\n  - text: x\n    polarity_value: -0.7\n    quotes: []\n"
    )
    assert isinstance(card, CardRecord)
    assert (card.timeline[0].polarity, card.timeline[0].polarity_value) == ("negative", -0.7)
    assert card.timeline[0].quotes == []


_yaml_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "type: stance-card",
                "type: fact-check",
                "holder: A",
                "target: {name: B, kind: person}",
                "stance: {polarity: mixed, kind: policy, strength: weak}",
                "question: Q?",
                "checked_on: 2025-12-08",
                "timeline:",
                '  - text: in 2016 it was "great"',
                "    date: 2025-02-30",
                "cards:",
                "  - &a x",
                "  - *a",
                "",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=12,
)


@FUZZ
@given(_yaml_lines)
def test_parse_yaml_fuzz(lines: list[str]) -> None:
    try:
        records = parse_yaml("\n".join(lines))
    except ParseError:
        return
    assert all(isinstance(r, CardRecord | FactCheckRecord) for r in records)
