"""The analysts' YAML format: stance cards and fact-check briefs written by hand.

One document per file, either a single card (``type: stance-card`` or
``type: fact-check``) or several under ``cards:``. The format is described by
the JSON Schema shipped as ``stancegraph/parse/schema/card.schema.json``
(draft 2020-12); every file is validated against it, and a failure names the
field (``cards[1].timeline[0].date``) and its line.

Safety
------
- Only safe YAML: the loader is :class:`yaml.SafeLoader` (a subclass that
  refuses more, never less: see below), so no Python objects are built.
- **Anchors and aliases are refused outright** (``&x`` / ``*x``, and with them
  ``<<`` merge keys): a card never needs them, and refusing them removes the
  "billion laughs" expansion and shared-object surprises at once.
- Documents larger than :data:`MAX_YAML_BYTES` or nested deeper than
  :data:`MAX_DEPTH` are refused; so are duplicate keys and keys that are not
  text (YAML 1.1 reads an unquoted ``on:`` or ``no:`` key as a boolean).
- Dates are kept as the text written: unquoted ``2025-02-12`` is not turned
  into a Python date by YAML, so an impossible ``2025-02-30`` is reported with
  its field and line instead of crashing the loader.

Explicit fields win over heuristics: a ``polarity`` given is used as is, a
``date`` given is used as is, ``quotes``/``quote`` given (even ``quotes: []``)
are the item's quotes. Without them, quotes are taken from the "..." / “...”
spans of the text as in text cards, the item's quotes (or, lacking
quotes, its text) are scored with
:func:`~stancegraph.parse.polarity.score_polarity`, and a date written in the
text is found with :func:`~stancegraph.parse.dates.item_date`. A
``polarity_value`` without ``polarity`` gives the label by its sign (within
±0.15: neutral). Citations of a fact-check finding, when not listed, are read
from the ``[n]`` markers in its text.
"""

from __future__ import annotations

import functools
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from stancegraph.errors import ParseError
from stancegraph.model.records import (
    ActionRecord,
    ActorRef,
    CardRecord,
    CitationRecord,
    CriticismRecord,
    DateValue,
    FactCheckRecord,
    FindingRecord,
    Precision,
    QuoteRecord,
    TimelineRecord,
)
from stancegraph.parse.card import _prepare, quoted_spans
from stancegraph.parse.dates import item_date, parse_date_text
from stancegraph.parse.factcheck import citation_numbers, name_candidates
from stancegraph.parse.polarity import score_polarity

__all__ = [
    "MAX_DEPTH",
    "MAX_YAML_BYTES",
    "card_schema",
    "parse_yaml",
    "read_yaml",
]

MAX_YAML_BYTES = 1_000_000
"""YAML documents larger than this (bytes in a file, characters in text) are refused."""

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted (a card needs about five)."""

_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

Path_ = tuple[str | int, ...]


class _SafeCardLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that also refuses anchors, aliases and deep nesting.

    It constructs nothing :class:`yaml.SafeLoader` would not; timestamps are
    left as the text written.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise ComposerError(
                None,
                None,
                "YAML anchors (&name) and aliases (*name) are not allowed in stancegraph files",
                event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_SafeCardLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SafeCardLoader.add_constructor(_TIMESTAMP_TAG, yaml.SafeLoader.construct_yaml_str)  # type: ignore[type-var]


@functools.cache
def card_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the analysts' YAML format, as a dict."""
    source = resources.files("stancegraph.parse").joinpath("schema/card.schema.json")
    return json.loads(source.read_text(encoding="utf-8"))


@functools.cache
def _validator(definition: str) -> jsonschema.Draft202012Validator:
    schema = card_schema()
    return jsonschema.Draft202012Validator(
        {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    )


def _field(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# ---------------------------------------------------------------- loading


def _index(node: Node, path: Path_, lines: dict[Path_, int], *, where: str | Path | None) -> None:
    """Map every JSON path of the document to the 1-based line it is written on."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            line = key.start_mark.line + 1
            if not isinstance(key, ScalarNode) or key.tag != _STR_TAG:
                shown = key.value if isinstance(key, ScalarNode) else "<complex key>"
                raise ParseError(
                    f"mapping keys must be text, got {shown!r} (quote it)",
                    path=where,
                    line=line,
                    field=_field(path) or None,
                )
            if key.value in seen:
                raise ParseError(
                    f"duplicate key {key.value!r}",
                    path=where,
                    line=line,
                    field=_field((*path, key.value)),
                )
            seen.add(key.value)
            lines[(*path, key.value)] = line
            _index(value, (*path, key.value), lines, where=where)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*path, i), lines, where=where)


def _load(text: str, *, path: str | Path | None) -> tuple[Any, dict[Path_, int]]:
    if isinstance(text, str) and len(text) > MAX_YAML_BYTES:
        raise ParseError(f"YAML document is larger than {MAX_YAML_BYTES} characters", path=path)
    _prepare(text, path=path)  # type, binary and empty checks with line numbers
    loader: _SafeCardLoader | None = None
    try:
        loader = _SafeCardLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise ParseError("empty document", path=path, line=1)
        lines: dict[Path_, int] = {}
        _index(node, (), lines, where=path)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = "; ".join(p for p in (exc.context, exc.problem) if p) or "not YAML"
        raise ParseError(
            f"invalid YAML: {problem}", path=path, line=mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
        raise ParseError(f"invalid YAML: {exc}", path=path, line=line) from None
    except RecursionError:
        raise ParseError("YAML document is nested too deeply", path=path) from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ParseError(f"invalid YAML: {exc}", path=path) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines


def _line(lines: dict[Path_, int], path: Path_) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _describe(error: jsonschema.ValidationError, lines: dict[Path_, int]) -> tuple[Path_, str]:
    """The most useful (path, message) for one validation error."""
    if error.context:
        # anyOf/oneOf: report the branch whose type matched the value, if any.
        typed = [e for e in error.context if e.validator not in ("type", "anyOf", "oneOf")]
        deeper = jsonschema.exceptions.best_match(typed or error.context)
        if deeper is not None:
            return _describe(deeper, lines)
    path: Path_ = tuple(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        if missing:
            return (*path, missing[0]), f"missing required field {missing[0]!r}"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        extra = [k for k in error.instance if k not in known]
        if extra:
            return (*path, extra[0]), (
                f"unknown field {extra[0]!r}; expected one of {sorted(known)}"
            )
    message = error.message
    if len(message) > 200:
        message = message[:197] + "..."
    return path, message


def _validate(data: Any, lines: dict[Path_, int], *, path: str | Path | None) -> None:
    if not isinstance(data, dict):
        raise ParseError(
            f"expected a mapping with 'type:' (or 'cards:'), got {type(data).__name__}",
            path=path,
            line=lines.get((), 1),
        )
    definition = "collection" if "cards" in data else "document"
    problems = []
    for error in _validator(definition).iter_errors(data):
        where, message = _describe(error, lines)
        problems.append((_line(lines, where) or 0, _field(where), message))
    if problems:
        problems.sort()
        line, field, message = problems[0]
        more = len(problems) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ParseError(message, path=path, line=line or None, field=field or None)


# ---------------------------------------------------------------- conversion


class _Doc:
    """Conversion context: the document's base path, its line map and its file."""

    def __init__(self, base: Path_, lines: dict[Path_, int], path: str | Path | None) -> None:
        self.base = base
        self.lines = lines
        self.path = path

    def line(self, *parts: str | int) -> int:
        return _line(self.lines, (*self.base, *parts)) or 1

    def field(self, *parts: str | int) -> str:
        return _field((*self.base, *parts))

    def date(self, value: Any, *parts: str | int) -> DateValue | None:
        if value is None:
            return None
        try:
            return parse_date_text(str(value))
        except ValueError as exc:
            raise ParseError(
                str(exc), path=self.path, line=self.line(*parts), field=self.field(*parts)
            ) from None

    def prose_date(self, text: str, *parts: str | int) -> DateValue | None:
        try:
            return item_date(text, path=self.path, line=self.line(*parts))
        except ParseError as exc:
            raise ParseError(
                exc.message, path=self.path, line=exc.line, field=self.field(*parts)
            ) from None

    def value(self, number: Any, *parts: str | int) -> float | None:
        if number is None:
            return None
        if not math.isfinite(float(number)):
            raise ParseError(
                f"polarity_value must be a number in [-1, 1], got {number!r}",
                path=self.path,
                line=self.line(*parts),
                field=self.field(*parts),
            )
        return float(number)

    def actor(self, value: Any, *parts: str | int, kind: str | None = None) -> ActorRef:
        if isinstance(value, dict):
            return ActorRef(
                text=value["name"], line=self.line(*parts), kind=value.get("kind") or kind
            )
        return ActorRef(text=value, line=self.line(*parts), kind=kind)


def _label(value: float | None) -> str | None:
    if value is None:
        return None
    if abs(value) < 0.15:
        return "neutral"
    return "positive" if value > 0 else "negative"


def _quote(doc: _Doc, raw: Any, *parts: str | int) -> QuoteRecord:
    if isinstance(raw, dict):
        text = raw["text"]
        polarity = raw.get("polarity")
        value = doc.value(raw.get("polarity_value"), *parts, "polarity_value")
        if polarity is None and value is None:
            polarity, value = score_polarity(text)
        elif polarity is None:
            polarity = _label(value)
    else:
        text = raw
        polarity, value = score_polarity(text)
    return QuoteRecord(text, line=doc.line(*parts), polarity=polarity, polarity_value=value)


def _card(data: dict[str, Any], doc: _Doc) -> CardRecord:
    stance = data["stance"]
    target_raw = data["target"]
    target_kind = data.get("target_kind")
    if target_kind is None and isinstance(target_raw, dict):
        target_kind = target_raw.get("kind")
    timeline = []
    for i, item in enumerate(data.get("timeline", [])):
        text = item["text"].strip()
        quotes = [
            _quote(doc, q, "timeline", i, "quotes", j) for j, q in enumerate(item.get("quotes", []))
        ]
        if "quote" in item:
            quotes.append(_quote(doc, item["quote"], "timeline", i, "quote"))
        if "quotes" not in item and "quote" not in item:
            quotes = [_quote(doc, q, "timeline", i, "text") for q in quoted_spans(text)]
        polarity = item.get("polarity")
        value = doc.value(item.get("polarity_value"), "timeline", i, "polarity_value")
        if polarity is None and value is None:
            basis = ". ".join(q.text for q in quotes) if quotes else text
            polarity, value = score_polarity(basis)
        elif polarity is None:
            polarity = _label(value)
        date = doc.date(item.get("date"), "timeline", i, "date")
        if date is None:
            date = doc.prose_date(text, "timeline", i, "text")
        timeline.append(
            TimelineRecord(
                position=i + 1,
                text=text,
                line=doc.line("timeline", i),
                date=date,
                quotes=quotes,
                polarity=polarity,
                polarity_value=value,
            )
        )
    actions = []
    for i, item in enumerate(data.get("actions", [])):
        text = item.get("text", "").strip()
        date = doc.date(item.get("date"), "actions", i, "date")
        if date is None and text:
            date = doc.prose_date(text, "actions", i, "text")
        actions.append(
            ActionRecord(
                position=i + 1,
                category=item["category"],
                text=text,
                line=doc.line("actions", i),
                date=date,
            )
        )
    criticism = [
        CriticismRecord(
            position=i + 1,
            critic=doc.actor(item["critic"], "criticism", i, "critic"),
            text=item["text"].strip(),
            line=doc.line("criticism", i),
        )
        for i, item in enumerate(data.get("criticism", []))
    ]
    source = data.get("source", {})
    return CardRecord(
        holder=doc.actor(data["holder"], "holder"),
        target=doc.actor(target_raw, "target", kind=target_kind),
        kind=stance["kind"],
        polarity=stance["polarity"],
        strength=stance["strength"],
        flip=bool(stance.get("flip", False)),
        line=doc.line(),
        holder_role=data.get("holder_role"),
        target_kind=target_kind,
        summary=data.get("summary", "").strip(),
        context=data.get("context", "").strip(),
        timeline=timeline,
        actions=actions,
        criticism=criticism,
        valid_from=doc.date(stance.get("valid_from"), "stance", "valid_from"),
        valid_until=doc.date(stance.get("valid_until"), "stance", "valid_until"),
        title=source.get("title"),
        published=doc.date(source.get("published"), "source", "published"),
        url=source.get("url"),
    )


def _mentions(doc: _Doc, text: str, *parts: str | int) -> list[ActorRef]:
    return [ActorRef(span, line=doc.line(*parts)) for span, _ in name_candidates(text)]


def _factcheck(data: dict[str, Any], doc: _Doc) -> FactCheckRecord:
    checked = doc.date(data["checked_on"], "checked_on")
    assert checked is not None  # required by the schema
    if checked.precision is not Precision.DAY:  # pragma: no cover - the schema requires a day
        raise ParseError("checked_on needs a full date", path=doc.path, line=doc.line("checked_on"))
    summary = data.get("summary", "").strip()
    findings = []
    for i, item in enumerate(data.get("findings", [])):
        title, text = item["title"].strip(), item.get("text", "").strip()
        citations = item.get("citations")
        mentions = _mentions(doc, title, "findings", i, "title")
        known = {m.text for m in mentions}
        mentions += [m for m in _mentions(doc, text, "findings", i, "text") if m.text not in known]
        findings.append(
            FindingRecord(
                number=item.get("number", i + 1),
                title=title,
                text=text,
                line=doc.line("findings", i),
                citations=sorted(set(citations))
                if citations is not None
                else citation_numbers(f"{title} {text}"),
                mentions=mentions,
            )
        )
    summary_citations = data.get("summary_citations")
    return FactCheckRecord(
        question=data["question"],
        checked_on=checked.value,
        line=doc.line(),
        summary=summary,
        summary_citations=sorted(set(summary_citations))
        if summary_citations is not None
        else citation_numbers(summary),
        findings=findings,
        limitations=data.get("limitations", "").strip(),
        questions=list(data.get("questions", [])),
        mentions=_mentions(doc, data["question"], "question"),
        disclaimer=data.get("disclaimer", "").strip(),
        verdict=data.get("verdict"),
        url=data.get("url"),
        publisher=data.get("publisher"),
        sources=[
            CitationRecord(
                number=c["number"],
                url=c.get("url"),
                title=c.get("title"),
                line=doc.line("citations", j),
            )
            for j, c in enumerate(data.get("citations", []))
        ],
    )


# ---------------------------------------------------------------- public API


def parse_yaml(text: str, *, path: str | Path | None = None) -> list[CardRecord | FactCheckRecord]:
    """Parse an analysts' YAML document into records.

    Parameters
    ----------
    text : str
        The YAML content (not a file name: see :func:`read_yaml`).
    path : str or Path, optional
        Where the text came from, used only in error messages.

    Returns
    -------
    list of CardRecord or FactCheckRecord
        One record per document (a file with ``cards:`` gives several), in
        file order, each with the line it starts on.

    Raises
    ------
    ParseError
        For invalid YAML, anchors or aliases, an oversized or too deeply nested
        document, duplicate or non-text keys, a schema violation (``field`` is
        the failing path, e.g. ``cards[1].stance.polarity``, ``line`` where it
        is written) or an impossible date.

    Examples
    --------
    >>> [card] = parse_yaml('''
    ... type: stance-card
    ... holder: Anna Berg
    ... target: {name: Rail Freight, kind: issue}
    ... stance: {polarity: positive, kind: policy, strength: moderate}
    ... timeline:
    ...   - text: Called the new freight corridor "a great step"
    ...     date: 2023-04
    ... ''')
    >>> card.target.kind, card.timeline[0].date.lexical(), card.timeline[0].polarity
    ('issue', '2023-04', 'positive')
    """
    data, lines = _load(text, path=path)
    _validate(data, lines, path=path)
    documents: list[tuple[Path_, Any]]
    if "cards" in data:
        documents = [(("cards", i), doc) for i, doc in enumerate(data["cards"])]
    else:
        documents = [((), data)]
    records: list[CardRecord | FactCheckRecord] = []
    for base, document in documents:
        doc = _Doc(base, lines, path)
        if document["type"] == "stance-card":
            records.append(_card(document, doc))
        else:
            records.append(_factcheck(document, doc))
    return records


def read_yaml(path: str | Path) -> list[CardRecord | FactCheckRecord]:
    """Read and parse an analysts' YAML file (strict UTF-8, at most :data:`MAX_YAML_BYTES`).

    Raises
    ------
    ParseError
        As :func:`parse_yaml`, and if the file cannot be read, is too large or
        is not UTF-8.
    """
    from stancegraph.parse.card import _read_text

    text = _read_text(path, max_bytes=MAX_YAML_BYTES)
    return parse_yaml(text, path=path)
