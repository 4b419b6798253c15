"""Stance cards as published in plain text.

A card looks like this (every section after the stance line may be missing,
and sections may hold any number of items)::

    Politician · person                      <- type line: holder role · target kind
    Donald Trump on Vladimir Putin           <- HOLDER on TARGET
    Mixed Relationship Stance (strong) Flip  <- polarity, kind, strength, flip
    <summary paragraphs>
    Context
    <context paragraphs>
    Timeline
      1. <item; "quotes" in it become statements>
    Actions Taken
      1. <category>
        <description>
    Criticism
    <critic name>
    <what the critic says>

Rules chosen here
-----------------
- The type line is optional; its separator may be "·", "|" or a dash. The part
  after the last separator is the target kind ("person", "issue",
  "organization"...), the part before it the holder's role.
- **Splitting "HOLDER on TARGET".** Every " on " that leaves two non-empty
  sides is a candidate. The card's own text decides: a side counts, with its
  length, if it occurs again (ignoring case) in the rest of the card, and the
  candidate with the largest count wins. A card that names "Committee on
  Foreign Affairs" and "Iran" in its summary thus splits "Committee on Foreign
  Affairs on Iran" after "Affairs", and one that speaks of "Sanctions on
  Russia" splits "Left Party on Sanctions on Russia" after "Party". If nothing
  decides, the first " on " wins (names of holders rarely contain " on ").
- The stance line is the first non-blank line after the HOLDER on TARGET line.
  Polarity synonyms: :data:`POLARITY_WORDS`; kinds: :data:`KIND_WORDS`;
  strengths: weak, moderate, strong. A trailing "Flip" sets ``flip``.
- Section headings are lines that read exactly "Context", "Timeline",
  "Actions Taken" (or "Actions"), "Criticism" (or "Criticisms"), in any case,
  with or without a colon.
- Items are numbered ("1." or "1)") or bulleted ("-", "*", "•"); following
  lines that are not items continue the item. ``position`` is the item's order
  in its section, not the number written.
- Quotes are the text between "..." or “...” in a timeline item; trailing
  punctuation inside the marks is dropped.
- Criticism is read as pairs of paragraphs: a one-line paragraph naming the
  critic, then what they say. A paragraph of several lines with no critic
  pending is read as critic (first line) and text (the rest).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from stancegraph.errors import ParseError
from stancegraph.model.records import (
    ActionRecord,
    ActorRef,
    CardRecord,
    CriticismRecord,
    QuoteRecord,
    TimelineRecord,
)
from stancegraph.parse.dates import find_dates, item_date
from stancegraph.parse.polarity import score_polarity

__all__ = [
    "KIND_WORDS",
    "MAX_DOCUMENT_BYTES",
    "POLARITY_WORDS",
    "STRENGTH_WORDS",
    "looks_like_card",
    "parse_card",
    "quoted_spans",
    "read_card",
]

MAX_DOCUMENT_BYTES = 5_000_000
"""Text documents larger than this are refused (a card is a few kilobytes)."""

POLARITY_WORDS: dict[str, str] = {
    "positive": "positive",
    "supportive": "positive",
    "favorable": "positive",
    "favourable": "positive",
    "friendly": "positive",
    "negative": "negative",
    "opposed": "negative",
    "oppositional": "negative",
    "critical": "negative",
    "hostile": "negative",
    "adversarial": "negative",
    "mixed": "mixed",
    "ambivalent": "mixed",
    "neutral": "neutral",
}
"""Words a stance line may use for its polarity, to the four polarities."""

KIND_WORDS: dict[str, str] = {
    "relationship": "relationship",
    "relational": "relationship",
    "policy": "policy",
    "issue": "policy",
}
"""Words a stance line may use for its kind, to ``relationship`` / ``policy``."""

STRENGTH_WORDS: dict[str, str] = {"weak": "weak", "moderate": "moderate", "strong": "strong"}
"""Strengths a stance line may give."""

_SECTIONS = {
    "summary": "summary",
    "context": "context",
    "timeline": "timeline",
    "actions taken": "actions",
    "actions": "actions",
    "criticism": "criticism",
    "criticisms": "criticism",
}
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")
_TYPE_SEPARATORS = ("·", "|", " – ", " — ", " - ", "–", "—", "-")
_KIND_WORD = re.compile(r"^[^\W\d_][\w -]{0,39}$")
_ON = re.compile(r"\s+on\s+")
_STANCE_WORD = re.compile(r"\bstance\b", re.IGNORECASE)
_STANCE = re.compile(
    r"^(?P<pol>\S+)\s+(?P<kind>\S+)\s+stance\b\s*"
    r"(?:\(\s*(?P<strength>[^()]*?)\s*\))?\s*(?P<rest>.*?)\s*$",
    re.IGNORECASE,
)
_ITEM = re.compile(r"^\s*(?:(?P<num>\d{1,4})[.)]|[-*•])\s+(?P<text>\S.*?)\s*$")
_QUOTE = re.compile(r"\"(?P<a>[^\"]*)\"|“(?P<b>[^“”]*)”")


# ---------------------------------------------------------------- shared helpers


def _read_text(path: str | Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """Read a file as strict UTF-8; every failure becomes a ParseError naming the file.

    Reads at most ``max_bytes + 1`` bytes, so an oversized file is refused
    without being loaded whole.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    if len(data) > max_bytes:
        raise ParseError(f"file is larger than {max_bytes} bytes", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(
            f"not UTF-8 text: byte {data[exc.start]:#04x} at offset {exc.start} "
            "cannot be decoded (binary file?)",
            path=path,
            line=line,
        ) from None


def _prepare(text: str, *, path: str | Path | None) -> list[str]:
    """Check that ``text`` is a non-empty text document and split it into lines.

    Line endings ``\\r\\n`` and ``\\r`` count as one line break each; other
    Unicode separators do not, so line numbers agree with editors.
    """
    if not isinstance(text, str):
        raise ParseError(
            f"expected the document's text (str), got {type(text).__name__}; "
            "use the read_* function for files",
            path=path,
        )
    if len(text) > MAX_DOCUMENT_BYTES:
        raise ParseError(f"document is larger than {MAX_DOCUMENT_BYTES} characters", path=path)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = _BAD_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise ParseError(
            f"binary content: control character {bad.group()!r} is not allowed in a text document",
            path=path,
            line=line,
        )
    if not text.strip():
        raise ParseError("empty document", path=path, line=1)
    return text.split("\n")


Line = tuple[int, str]
"""A 1-based line number and the line's text."""


def _paragraphs(block: list[Line]) -> list[list[Line]]:
    """Split lines into paragraphs at blank lines; lines are stripped."""
    paras: list[list[Line]] = []
    current: list[Line] = []
    for number, raw in block:
        stripped = raw.strip()
        if stripped:
            current.append((number, stripped))
        elif current:
            paras.append(current)
            current = []
    if current:
        paras.append(current)
    return paras


def _join_paragraphs(block: list[Line]) -> str:
    return "\n\n".join(" ".join(t for _, t in para) for para in _paragraphs(block))


@dataclass(slots=True)
class _Joined:
    """Lines joined with spaces, remembering where each source line starts."""

    text: str
    starts: list[int]
    numbers: list[int]

    @classmethod
    def of(cls, lines: list[Line]) -> _Joined:
        parts: list[str] = []
        starts: list[int] = []
        numbers: list[int] = []
        offset = 0
        for number, raw in lines:
            piece = raw.strip()
            if not piece:
                continue
            if parts:
                offset += 1
            starts.append(offset)
            numbers.append(number)
            parts.append(piece)
            offset += len(piece)
        return cls(" ".join(parts), starts, numbers)

    def line_at(self, offset: int) -> int:
        index = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.numbers[index]


def _check_dates(lines: list[Line], *, path: str | Path | None) -> None:
    """Raise on an impossible date with the exact line it is written on."""
    for number, raw in lines:
        find_dates(raw, path=path, line=number)


def _items(block: list[Line], *, path: str | Path | None, field: str) -> list[list[Line]]:
    """Group a section's lines into items: an item line and its continuation lines."""
    items: list[list[Line]] = []
    for number, raw in block:
        if not raw.strip():
            continue
        match = _ITEM.match(raw)
        if match:
            items.append([(number, match.group("text"))])
        elif items:
            items[-1].append((number, raw.strip()))
        else:
            raise ParseError(
                f"expected a numbered item ('1. ...'), got {raw.strip()!r}",
                path=path,
                line=number,
                field=field,
            )
    return items


def quoted_spans(text: str) -> list[str]:
    """The words between "..." or “...” in ``text``, trailing punctuation dropped.

    Examples
    --------
    >>> quoted_spans('He called it “a fine plan,” then "a mistake."')
    ['a fine plan', 'a mistake']
    """
    return [q for q, _ in _quotes_at(text)]


def _quotes_at(text: str) -> list[tuple[str, int]]:
    found = []
    for match in _QUOTE.finditer(text):
        raw = match.group("a") if match.group("a") is not None else match.group("b")
        quoted = raw.strip().rstrip(".,;:").strip()
        if quoted:
            found.append((quoted, match.start()))
    return found


# ---------------------------------------------------------------- header


def _type_line(line: str) -> tuple[str, str] | None:
    """Split "<Role> · <kind>" into (role, kind), or None if ``line`` is not a type line."""
    if _ON.search(line):
        return None
    for sep in _TYPE_SEPARATORS:
        if sep in line:
            role, _, kind = line.rpartition(sep)
            role, kind = role.strip(), kind.strip()
            if role and _KIND_WORD.match(kind):
                return role, kind.lower()
            return None
    return None


def _split_holder_target(line: str, body: str) -> tuple[str, str] | None:
    """Split "HOLDER on TARGET" by the rule in the module documentation."""
    candidates: list[tuple[str, str]] = []
    for match in _ON.finditer(line):
        holder, target = line[: match.start()].strip(), line[match.end() :].strip()
        if holder and target:
            candidates.append((holder, target))
    if not candidates:
        return None
    haystack = " ".join(body.lower().split())

    def evidence(pair: tuple[str, str]) -> int:
        return sum(len(side) for side in pair if " ".join(side.lower().split()) in haystack)

    best = max(evidence(c) for c in candidates)
    return next(c for c in candidates if evidence(c) == best)


def _stance(line: str, number: int, *, path: str | Path | None) -> tuple[str, str, str, bool]:
    match = _STANCE.match(line)
    if not match:
        raise ParseError(
            f"malformed stance line {line!r}; expected '<Polarity> <Kind> Stance (<strength>)' "
            "optionally followed by 'Flip'",
            path=path,
            line=number,
            field="stance",
        )
    raw_pol, raw_kind = match.group("pol"), match.group("kind")
    raw_strength, rest = match.group("strength"), match.group("rest")
    polarity = POLARITY_WORDS.get(raw_pol.lower())
    if polarity is None:
        raise ParseError(
            f"unknown polarity {raw_pol!r}; expected one of {sorted(POLARITY_WORDS)}",
            path=path,
            line=number,
            field="stance.polarity",
        )
    kind = KIND_WORDS.get(raw_kind.lower())
    if kind is None:
        raise ParseError(
            f"unknown stance kind {raw_kind!r}; expected one of {sorted(KIND_WORDS)}",
            path=path,
            line=number,
            field="stance.kind",
        )
    if raw_strength is None:
        raise ParseError(
            "missing strength: expected '(weak)', '(moderate)' or '(strong)' after 'Stance'",
            path=path,
            line=number,
            field="stance.strength",
        )
    strength = STRENGTH_WORDS.get(raw_strength.lower())
    if strength is None:
        raise ParseError(
            f"unknown strength {raw_strength!r}; expected one of {sorted(STRENGTH_WORDS)}",
            path=path,
            line=number,
            field="stance.strength",
        )
    if rest and rest.lower() not in ("flip", "(flip)"):
        raise ParseError(
            f"unexpected text {rest!r} after the stance; only 'Flip' may follow",
            path=path,
            line=number,
            field="stance.flip",
        )
    return polarity, kind, strength, bool(rest)


# ---------------------------------------------------------------- sections


def _timeline(block: list[Line], *, path: str | Path | None) -> list[TimelineRecord]:
    records = []
    for position, item in enumerate(_items(block, path=path, field="timeline"), start=1):
        _check_dates(item, path=path)
        joined = _Joined.of(item)
        first_line = item[0][0]
        quotes = []
        for quoted, offset in _quotes_at(joined.text):
            label, value = score_polarity(quoted)
            quotes.append(
                QuoteRecord(
                    quoted, line=joined.line_at(offset), polarity=label, polarity_value=value
                )
            )
        label, value = score_polarity(joined.text)
        records.append(
            TimelineRecord(
                position=position,
                text=joined.text,
                line=first_line,
                date=item_date(joined.text, path=path, line=first_line),
                quotes=quotes,
                polarity=label,
                polarity_value=value,
            )
        )
    return records


def _actions(block: list[Line], *, path: str | Path | None) -> list[ActionRecord]:
    records = []
    for position, item in enumerate(_items(block, path=path, field="actions"), start=1):
        _check_dates(item, path=path)
        (number, category), description = item[0], item[1:]
        text = _Joined.of(description).text
        line = description[0][0] if description else number
        records.append(
            ActionRecord(
                position=position,
                category=category,
                text=text,
                line=number,
                date=item_date(text, path=path, line=line) if text else None,
            )
        )
    return records


def _criticism(block: list[Line], *, path: str | Path | None) -> list[CriticismRecord]:
    records: list[CriticismRecord] = []
    pending: Line | None = None

    def add(critic: Line, text_lines: list[Line]) -> None:
        number, name = critic
        records.append(
            CriticismRecord(
                position=len(records) + 1,
                critic=ActorRef(text=name, line=number, kind=None),
                text=" ".join(t for _, t in text_lines),
                line=number,
            )
        )

    for para in _paragraphs(block):
        if pending is not None:
            add(pending, para)
            pending = None
        elif len(para) == 1:
            pending = para[0]
        else:
            add(para[0], para[1:])
    if pending is not None:
        raise ParseError(
            f"critic {pending[1]!r} is not followed by what they say",
            path=path,
            line=pending[0],
            field="criticism",
        )
    return records


# ---------------------------------------------------------------- public API


def parse_card(text: str, *, path: str | Path | None = None) -> CardRecord:
    """Parse the text of a stance card.

    Parameters
    ----------
    text : str
        The card's content (not a file name: see :func:`read_card`).
    path : str or Path, optional
        Where the text came from, used only in error messages.

    Returns
    -------
    CardRecord
        Holder and target as unresolved :class:`~stancegraph.model.records.ActorRef`,
        the declared stance, and every section found, each with its line.

    Raises
    ------
    ParseError
        For an empty or binary document, a missing "HOLDER on TARGET" line
        (field ``holder``), a missing or malformed stance line (``stance``,
        ``stance.polarity``, ``stance.kind``, ``stance.strength``), a duplicated
        section, an item outside the numbered list, a critic without text, or
        an impossible date (``date``).

    Examples
    --------
    >>> card = parse_card("Minister · issue\\nAnna Berg on Rail Freight\\n"
    ...                   "Supportive Policy Stance (moderate)\\n")
    >>> card.holder.text, card.target.text, card.target.kind, card.polarity
    ('Anna Berg', 'Rail Freight', 'issue', 'positive')
    """
    lines = _prepare(text, path=path)
    numbered = [(i, raw.strip()) for i, raw in enumerate(lines, start=1) if raw.strip()]
    index = 0
    holder_role = target_kind = None
    split = _type_line(numbered[0][1])
    if split is not None:
        holder_role, target_kind = split
        index = 1
    if index >= len(numbered):
        raise ParseError(
            "expected a 'HOLDER on TARGET' line after the type line",
            path=path,
            line=numbered[0][0],
            field="holder",
        )
    title_no, title = numbered[index]
    body = "\n".join(lines[title_no:])
    pair = _split_holder_target(title, body)
    if pair is None:
        raise ParseError(
            f"expected a 'HOLDER on TARGET' line, got {title!r}",
            path=path,
            line=title_no,
            field="holder",
        )
    holder, target = pair
    index += 1
    if index >= len(numbered) or not _STANCE_WORD.search(numbered[index][1]):
        where = numbered[index][0] if index < len(numbered) else title_no
        raise ParseError(
            f"missing stance line ('<Polarity> <Kind> Stance (<strength>)') after {title!r}",
            path=path,
            line=where,
            field="stance",
        )
    stance_no, stance_line = numbered[index]
    polarity, kind, strength, flip = _stance(stance_line, stance_no, path=path)

    sections: dict[str, list[Line]] = {"summary": []}
    current = "summary"
    for number in range(stance_no + 1, len(lines) + 1):
        raw = lines[number - 1]
        heading = _SECTIONS.get(raw.strip().rstrip(":").strip().lower())
        if heading is not None and not raw[:1].isspace():
            if heading in sections and (heading != "summary" or sections["summary"]):
                raise ParseError(
                    f"section {raw.strip()!r} appears twice",
                    path=path,
                    line=number,
                    field=heading,
                )
            sections[heading] = []
            current = heading
            continue
        sections[current].append((number, raw))

    for name in ("summary", "context"):
        _check_dates(sections.get(name, []), path=path)

    return CardRecord(
        holder=ActorRef(text=holder, line=title_no, kind=None),
        target=ActorRef(text=target, line=title_no, kind=target_kind),
        kind=kind,
        polarity=polarity,
        strength=strength,
        flip=flip,
        line=numbered[0][0],
        holder_role=holder_role,
        target_kind=target_kind,
        summary=_join_paragraphs(sections["summary"]),
        context=_join_paragraphs(sections.get("context", [])),
        timeline=_timeline(sections.get("timeline", []), path=path),
        actions=_actions(sections.get("actions", []), path=path),
        criticism=_criticism(sections.get("criticism", []), path=path),
        title=title,
    )


def read_card(path: str | Path) -> CardRecord:
    """Read and parse a stance card file (strict UTF-8).

    Raises
    ------
    ParseError
        As :func:`parse_card`, and if the file cannot be read or is not UTF-8
        (the error names the line of the first undecodable byte).
    """
    return parse_card(_read_text(path), path=path)


def looks_like_card(text: str) -> bool:
    """Guess cheaply whether ``text`` is a stance card (for format detection).

    True when one of the first lines is a stance line ("... Stance (...)")
    after a line reading "X on Y", or when the document opens with a type line
    ("Politician · person") followed by an "X on Y" line (so that a card
    missing its stance line still reaches :func:`parse_card` and gets its
    precise error). Never raises.

    Examples
    --------
    >>> looks_like_card("Anna Berg on Rail Freight\\nSupportive Policy Stance (weak)")
    True
    >>> looks_like_card("Minister · issue\\nAnna Berg on Rail Freight\\n")
    True
    >>> looks_like_card("Is rail freight growing?\\nChecked on May 2, 2024")
    False
    """
    if not isinstance(text, str):
        return False
    lines = [raw.strip() for raw in text[:20_000].splitlines() if raw.strip()][:6]
    if len(lines) >= 2 and _type_line(lines[0]) is not None and _ON.search(lines[1]):
        return True
    seen_on = False
    for line in lines:
        if seen_on and _STANCE_WORD.search(line) and "(" in line:
            return True
        if _ON.search(line):
            seen_on = True
    return False
