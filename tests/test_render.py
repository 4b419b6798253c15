"""Stance cards and briefs from the graph; a card survives ingest → render → parse."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from click.testing import CliRunner

from stancegraph.cli import cli
from stancegraph.errors import ResolutionError
from stancegraph.ingest.pipeline import ingest
from stancegraph.model.records import ActionRecord, CardRecord
from stancegraph.parse.card import parse_card
from stancegraph.share.render import (
    evidence_brief,
    format_date,
    render_brief,
    render_card,
    stance_card,
    strip_source_marks,
)
from stancegraph.store import Store

REPO = Path(__file__).resolve().parents[1]
SEED_CARD = (
    Path(__file__).resolve().parents[2] / "shared" / "seeds" / "stance-card_trump-on-putin.txt"
)
YAML_CARD = REPO / "graph" / "sources" / "trump-on-putin.yaml"
YAML_FACTCHECK = REPO / "graph" / "sources" / "putin-trump-rapport.yaml"


def _quotes(texts: list[str]) -> list[str]:
    return sorted(q.strip().rstrip(".,;:").strip() for q in texts)


def _facts(card: CardRecord, names: dict[str, str] | None = None) -> dict[str, object]:
    """The facts a card states, with the Markdown form's source links taken off.

    ``names`` maps names as written to the actors they resolved to at ingest
    ("... lawmakers (including some Republicans)" is the registry's "...
    lawmakers"): the graph keeps the actor, not the spelling.
    """
    names = names or {}
    return {
        "stance": (card.polarity, card.kind, card.strength, card.flip),
        "timeline": [
            (
                t.date.lexical() if t.date else None,
                t.date.precision.value if t.date else None,
                _quotes([q.text for q in t.quotes]),
            )
            for t in card.timeline
        ],
        "actions": [
            (
                a.category,
                _undated(strip_source_marks(a.text), a),
                a.date.lexical() if a.date else None,
            )
            for a in card.actions
        ],
        "critics": [
            (names.get(c.critic.text, c.critic.text), strip_source_marks(c.text))
            for c in card.criticism
        ],
    }


@pytest.mark.parametrize("source", [SEED_CARD, YAML_CARD], ids=["seed-card", "yaml-card"])
def test_card_round_trip(source: Path) -> None:
    """Ingest a card, render it as Markdown, parse that again: the same facts come back."""
    store = Store(None)
    report = ingest(store, [source])
    original = _original(source)
    card = stance_card(store, "Donald Trump", "Vladimir Putin")
    text = render_card(card, fmt="md")
    again = parse_card(text)
    assert again.holder.text == "Donald Trump" and again.target.text == "Vladimir Putin"
    names = {m.mention: m.label for m in report.sources[0].mentions}
    assert _facts(again) == _facts(original, names)
    # The texts come back too: each timeline item still holds its original words.
    for before, after in zip(original.timeline, again.timeline, strict=True):
        assert " ".join(before.text.split()) in after.text
    assert report.sources[0].counts["timeline"] == len(again.timeline)
    # Every fact line names its source.
    assert text.count("[source:") == len(again.timeline) + len(again.actions) + len(again.criticism)


def _undated(text: str, record: ActionRecord) -> str:
    """The text without the date the Markdown form leads with (it is compared as the date)."""
    if record.date is None:
        return text
    return text.removeprefix(f"{format_date(record.date.lexical(), record.date.precision.value)}: ")


def _original(source: Path) -> CardRecord:
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".txt":
        return parse_card(text, path=source)
    from stancegraph.parse.yamlcard import parse_yaml

    return next(r for r in parse_yaml(text, path=source) if isinstance(r, CardRecord))


def test_card_html_escapes_and_is_offline() -> None:
    store = Store(None)
    ingest(store, [YAML_CARD])
    card = stance_card(store, "Trump", "Putin")
    card.summary = '<img src=x onerror=alert(1)> "quoted" & more'
    card.source.url = "javascript:alert(1)"
    page = render_card(card, fmt="html", generated="2025-01-01")
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "javascript:" not in page
    assert "script-src 'none'" in html.unescape(page)
    assert "<script" not in page and "http://" not in page.split("</head>")[0]
    assert "Mixed Relationship Stance (strong) Flip" in page


def test_brief_sections_and_limits() -> None:
    store = Store(None)
    ingest(store, [YAML_CARD, YAML_FACTCHECK])
    brief = evidence_brief(store, "Donald Trump", "Vladimir Putin")
    assert len(brief.contacts) == 2
    assert brief.statements_ab and not brief.statements_ba
    assert brief.claims and all(c.citations for c in brief.claims)
    assert any("one-sided" in lim for lim in brief.limitations)
    text = render_brief(brief, fmt="md", generated="2025-01-01")
    for heading in (
        "## Declared stances",
        "## Contacts",
        "## Statements by Donald Trump about Vladimir Putin",
        "## Claims",
        "## Limitations",
        "## Sources",
    ):
        assert heading in text
    assert "Mixed Relationship Stance (strong) Flip" in text
    page = render_brief(brief, fmt="html")
    assert "Limitations" in page and "<script" not in page


def test_unknown_actor_is_a_resolution_error() -> None:
    store = Store(None)
    ingest(store, [YAML_CARD])
    with pytest.raises(ResolutionError):
        stance_card(store, "Nobody Known", "Vladimir Putin")


def test_cli_card_and_brief(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")
    result = runner.invoke(cli, ["--store", store, "ingest", str(YAML_CARD), str(YAML_FACTCHECK)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--store", store, "card", "Donald Trump", "Vladimir Putin"])
    assert result.exit_code == 0, result.output
    assert parse_card(result.output).polarity == "mixed"
    out = tmp_path / "brief.html"
    result = runner.invoke(cli, ["--store", store, "brief", "Trump", "Putin", "--format", "html",
                                 "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = runner.invoke(cli, ["--store", store, "card", "Nobody Known", "Putin"])
    assert result.exit_code == 2
    assert "Nobody Known" in result.output
