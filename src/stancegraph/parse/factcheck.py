"""Fact-check briefs as published in plain text.

A brief looks like this (only the question and the "Checked on" line are
required)::

    Are A and B close friends                <- the question ("?" may be missing)
    Checked on December 8, 2025              <- required, a day date
    Disclaimer: ...                          <- optional
    Executive summary                        <- heading, then paragraphs with [n]
    1. Finding title                         <- numbered findings
    <paragraphs with citation markers [1] [2], [1][2] or [1, 2]>
    Verdict: ...                             <- optional paragraph
    Limitations: ...                         <- optional paragraph
    Want to dive deeper?                     <- or "Follow-up questions"
    <one question per line>

Rules chosen here
-----------------
- A finding starts at a line "N. Title" (or "N) Title") at the start of a
  paragraph whose N is the next number expected (1, 2, 3...); any other
  numbered line is ordinary text, so a list inside a finding stays inside it.
- Citation markers: ``[3]``, ``[1][2]``, ``[1, 2]``, ``[1; 2]`` and ranges
  ``[1-3]`` (ranges longer than :data:`MAX_CITATION_RANGE` are not expanded).
  Text keeps its markers as written.
- Mentions (:func:`name_candidates`) are cheap candidates for the resolver,
  which keeps only what matches its registry: runs of one to three
  capitalised words (abbreviations like "U.S." count), a possessive "’s"
  dropped, stop words (:data:`STOP_WORDS`: question words, auxiliaries,
  pronouns, determiners, months, weekdays, the brief's own headings) trimmed
  from either end. A single capitalised word opening a sentence (or a title,
  or a paragraph) is skipped (it is capitalised for grammar, not as a name)
  unless another capitalised word that is not a stop word follows it ("Simon
  Tisdall said..."; but "Easing By August" gives nothing). Longer runs (titles in Title
  Case) are skipped, and so is a lone adjective of place (:data:`DEMONYMS`:
  "Russian", "Western"). "Kremlin" is kept: it is the usual metonym for an actor.
  ``FactCheckRecord.mentions`` holds the question's candidates; each finding's
  own are in ``FindingRecord.mentions``.
"""

from __future__ import annotations

import re
from pathlib import Path

from stancegraph.errors import ParseError
from stancegraph.model.records import ActorRef, FactCheckRecord, FindingRecord, Precision
from stancegraph.parse.card import (
    _check_dates,
    _join_paragraphs,
    _Joined,
    _paragraphs,
    _prepare,
    _read_text,
)
from stancegraph.parse.dates import parse_date_text

__all__ = [
    "DEMONYMS",
    "MAX_CITATION_RANGE",
    "STOP_WORDS",
    "citation_numbers",
    "looks_like_factcheck",
    "name_candidates",
    "parse_factcheck",
    "read_factcheck",
]

MAX_CITATION_RANGE = 50
"""A range marker ``[a-b]`` spanning more numbers than this is not expanded."""

STOP_WORDS: frozenset[str] = frozenset(
    """
    a an the this that these those it its they them their there here he him his she
    her hers we us our you your i me my mine who whom whose which what when where why
    how whether if then than and or but nor so yet as at by for from in into of off on
    onto out over per to up upon via with within without about after before during
    since until while is are was were be been being am do does did done have has had
    can could will would shall should may might must not no yes all any both each few
    many more most much other others some such only own same also just very too
    available according conversely however meanwhile moreover furthermore overall
    sources source reporting reports journalists analysts critics proponents editorial
    opinion executive summary limitations limitation disclaimer checked verdict want
    findings finding follow-up questions question note notes
    january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday
    """.split()
)
"""Lower-case words never taken as (the edge of) a name candidate."""

DEMONYMS: frozenset[str] = frozenset(
    """
    american british chinese european french german indian iranian israeli japanese
    korean polish russian soviet syrian turkish ukrainian western eastern northern
    southern atlantic transatlantic
    """.split()
)
"""Adjectives of place that are not a name on their own ("Russian statements")."""

_CHECKED = re.compile(r"^checked\s+on\b\s*:?\s*(?P<date>.*)$", re.IGNORECASE)
_DISCLAIMER = re.compile(r"^disclaimer\s*:\s*(?P<text>.*)$", re.IGNORECASE)
_LABELLED = re.compile(r"^(?P<label>limitations|verdict)\s*:\s*(?P<text>.*)$", re.IGNORECASE)
_SUMMARY_HEADINGS = frozenset({"executive summary", "summary"})
_QUESTION_HEADINGS = frozenset(
    {
        "want to dive deeper?",
        "want to dive deeper",
        "follow-up questions",
        "follow up questions",
        "followup questions",
        "further questions",
        "related questions",
    }
)
_FINDING = re.compile(r"^\s*(?P<num>\d{1,3})[.)]\s+(?P<title>\S.*?)\s*$")
_BULLET = re.compile(r"^(?:[-*•]|\d{1,3}[.)])\s+")
_CITE = re.compile(r"\[\s*(\d{1,4}(?:\s*[,;–-]\s*\d{1,4})*)\s*\]")
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_][\w'’]*")
_SENTENCE_END = re.compile(r"(?<![A-Z]\.[A-Z]\.)(?<=[.!?])[\"”’)]*\s+")


def citation_numbers(text: str) -> list[int]:
    """The citation numbers in ``text``'s markers, sorted, once each.

    Examples
    --------
    >>> citation_numbers("as reported [2] [1][4] and [5, 6] or [7-9]")
    [1, 2, 4, 5, 6, 7, 8, 9]
    """
    found: set[int] = set()
    for match in _CITE.finditer(text):
        parts = re.split(r"\s*([,;–-])\s*", match.group(1))
        numbers = [int(p) for p in parts[::2]]
        seps = parts[1::2]
        found.update(n for n in numbers if n >= 1)
        for sep, low, high in zip(seps, numbers, numbers[1:], strict=False):
            if sep in "–-" and 0 < high - low <= MAX_CITATION_RANGE:
                found.update(range(max(low, 1), high + 1))
    return sorted(found)


def _sentence_starts(text: str) -> set[int]:
    starts = {0}
    starts.update(m.end() for m in _SENTENCE_END.finditer(text))
    return starts


def name_candidates(text: str) -> list[tuple[str, int]]:
    """Cheap name candidates in ``text``: (span text, start offset), first occurrence each.

    See the module documentation for the rules; the resolver decides which
    candidates are actors.

    Examples
    --------
    >>> [t for t, _ in name_candidates("Are Putain and Trump close friends")]
    ['Putain', 'Trump']
    >>> text = "Reporting in the U.S. cites Simon Tisdall at The Guardian."
    >>> [t for t, _ in name_candidates(text)]
    ['U.S.', 'Simon Tisdall', 'Guardian']
    """
    starts = _sentence_starts(text)
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    # Words that begin a sentence: the first token at or after each start.
    first_tokens: set[int] = set()
    pointer = 0
    for start in sorted(starts):
        while pointer < len(tokens) and tokens[pointer][1] < start:
            pointer += 1
        if pointer < len(tokens):
            first_tokens.add(pointer)

    runs: list[list[int]] = []
    current: list[int] = []
    for index, (word, begin, _end) in enumerate(tokens):
        capital = word[0].isupper()
        joined = (
            current
            and text[tokens[current[-1]][2] : begin].isspace()
            and not tokens[current[-1]][0].endswith(("'s", "’s"))
            and index not in first_tokens
        )
        if capital and joined:
            current.append(index)
            continue
        if current:
            runs.append(current)
        current = [index] if capital else []
    if current:
        runs.append(current)

    seen: set[str] = set()
    result: list[tuple[str, int]] = []
    for run in runs:
        if run[0] in first_tokens and len(run) == 1:
            continue
        words = [tokens[i][0] for i in run]
        words = [w[:-2] if w.endswith(("'s", "’s")) else w for w in words]
        lo, hi = 0, len(words)
        while lo < hi and words[lo].lower() in STOP_WORDS:
            lo += 1
        while hi > lo and words[hi - 1].lower() in STOP_WORDS:
            hi -= 1
        kept = words[lo:hi]
        if not kept or len(kept) > 3 or (len(kept) == 1 and len(kept[0]) < 2):
            continue
        if len(kept) == 1 and run[lo] in first_tokens:
            continue
        if len(kept) == 1 and kept[0].lower() in DEMONYMS:
            continue
        span = " ".join(kept)
        if span not in seen:
            seen.add(span)
            result.append((span, tokens[run[lo]][1]))
    return result


def _mentions(joined: _Joined) -> list[ActorRef]:
    return [
        ActorRef(text=span, line=joined.line_at(offset), kind=None)
        for span, offset in name_candidates(joined.text)
    ]


def _is_heading(line: str, headings: frozenset[str]) -> bool:
    return line.strip().rstrip(":").strip().lower() in headings or line.strip().lower() in headings


def parse_factcheck(text: str, *, path: str | Path | None = None) -> FactCheckRecord:
    """Parse the text of a fact-check brief.

    Parameters
    ----------
    text : str
        The brief's content (not a file name: see :func:`read_factcheck`).
    path : str or Path, optional
        Where the text came from, used only in error messages.

    Returns
    -------
    FactCheckRecord
        Question, checked-on date, summary and its citations, findings with
        their citations and name candidates, limitations, follow-up questions.

    Raises
    ------
    ParseError
        For an empty or binary document, a missing question (field
        ``question``), a missing or impossible "Checked on" date
        (``checked_on``), a repeated summary heading, or an impossible date in
        the text (``date``).

    Examples
    --------
    >>> brief = parse_factcheck("Is rail freight growing\\nChecked on 2 May 2024\\n\\n"
    ...                         "1. Volumes rose\\n\\nTonnage grew in 2023 [1][2].\\n")
    >>> brief.checked_on.isoformat(), brief.findings[0].citations
    ('2024-05-02', [1, 2])
    """
    lines = _prepare(text, path=path)
    numbered = [(i, raw.strip()) for i, raw in enumerate(lines, start=1) if raw.strip()]
    question_no, question = numbered[0]
    if _CHECKED.match(question) or _is_heading(question, _SUMMARY_HEADINGS):
        raise ParseError(
            "the brief must start with its question", path=path, line=question_no, field="question"
        )

    checked: tuple[int, str] | None = None
    disclaimer = ""
    verdict: str | None = None
    summary: list[tuple[int, str]] = []
    limitations: list[tuple[int, str]] = []
    verdict_lines: list[tuple[int, str]] = []
    questions: list[str] = []
    findings: list[tuple[int, str, list[tuple[int, str]]]] = []  # (line, title, body)
    state = "pre"
    seen_summary = False
    previous_blank = True

    for number in range(question_no + 1, len(lines) + 1):
        raw = lines[number - 1]
        stripped = raw.strip()
        if not stripped:
            previous_blank = True
            for bucket in (summary, limitations, verdict_lines):
                if bucket and bucket[-1][1]:
                    bucket.append((number, ""))
            if findings and findings[-1][2] and findings[-1][2][-1][1]:
                findings[-1][2].append((number, ""))
            continue
        at_paragraph = previous_blank
        previous_blank = False
        if state == "questions":
            questions.append(_BULLET.sub("", stripped))
            continue
        if checked is None and state == "pre" and _CHECKED.match(stripped):
            checked = (number, stripped)
            continue
        disclaimer_match = _DISCLAIMER.match(stripped)
        if disclaimer_match and state == "pre":
            disclaimer = disclaimer_match.group("text").strip()
            continue
        if _is_heading(stripped, _QUESTION_HEADINGS):
            state = "questions"
            continue
        if _is_heading(stripped, _SUMMARY_HEADINGS) and not findings:
            if seen_summary:
                raise ParseError(
                    "the summary heading appears twice", path=path, line=number, field="summary"
                )
            seen_summary = True
            state = "summary"
            continue
        labelled = _LABELLED.match(stripped) if at_paragraph else None
        if labelled:
            state = labelled.group("label").lower()
            target = limitations if state == "limitations" else verdict_lines
            target.append((number, labelled.group("text")))
            continue
        finding = _FINDING.match(raw) if at_paragraph else None
        if finding and int(finding.group("num")) == len(findings) + 1:
            findings.append((number, finding.group("title"), []))
            state = "finding"
            continue
        if state in ("pre", "summary"):
            summary.append((number, stripped))
        elif state == "finding":
            findings[-1][2].append((number, stripped))
        elif state == "limitations":
            limitations.append((number, stripped))
        else:
            verdict_lines.append((number, stripped))

    if checked is None:
        where = numbered[1][0] if len(numbered) > 1 else question_no
        raise ParseError(
            "missing 'Checked on <date>' line after the question",
            path=path,
            line=where,
            field="checked_on",
        )
    checked_no, checked_line = checked
    checked_text = _CHECKED.match(checked_line).group("date").strip()  # type: ignore[union-attr]
    try:
        checked_value = parse_date_text(checked_text)
    except ValueError as exc:
        raise ParseError(str(exc), path=path, line=checked_no, field="checked_on") from None
    if checked_value.precision is not Precision.DAY:
        raise ParseError(
            f"'Checked on' needs a full date, got {checked_text!r}",
            path=path,
            line=checked_no,
            field="checked_on",
        )

    _check_dates(summary, path=path)
    summary_text = _join_paragraphs(summary)
    records: list[FindingRecord] = []
    for finding_no, title, body in findings:
        _check_dates([(finding_no, title), *body], path=path)
        body_text = _join_paragraphs(body)
        mentions = _mentions(_Joined.of([(finding_no, title)]))
        for para in _paragraphs(body):
            known = {m.text for m in mentions}
            mentions += [m for m in _mentions(_Joined.of(para)) if m.text not in known]
        records.append(
            FindingRecord(
                number=len(records) + 1,
                title=title,
                text=body_text,
                line=finding_no,
                citations=citation_numbers(title + " " + body_text),
                mentions=mentions,
            )
        )
    if verdict_lines:
        verdict = _join_paragraphs(verdict_lines) or None

    return FactCheckRecord(
        question=question,
        checked_on=checked_value.value,
        line=question_no,
        summary=summary_text,
        summary_citations=citation_numbers(summary_text),
        findings=records,
        limitations=_join_paragraphs(limitations),
        questions=[q for q in questions if q],
        mentions=_mentions(_Joined.of([(question_no, question)])),
        disclaimer=disclaimer,
        verdict=verdict,
    )


def read_factcheck(path: str | Path) -> FactCheckRecord:
    """Read and parse a fact-check brief file (strict UTF-8).

    Raises
    ------
    ParseError
        As :func:`parse_factcheck`, and if the file cannot be read or is not
        UTF-8 (the error names the line of the first undecodable byte).
    """
    return parse_factcheck(_read_text(path), path=path)


def looks_like_factcheck(text: str) -> bool:
    """Guess cheaply whether ``text`` is a fact-check brief: a "Checked on" line near the top.

    Never raises.

    Examples
    --------
    >>> looks_like_factcheck("Is rail freight growing?\\nChecked on May 2, 2024")
    True
    """
    if not isinstance(text, str):
        return False
    count = 0
    for raw in text[:20_000].splitlines():
        line = raw.strip()
        if not line:
            continue
        count += 1
        if count > 4:
            return False
        if count > 1 and _CHECKED.match(line):
            return True
    return False
