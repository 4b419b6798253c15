"""Typed records that parsers return and ``rdf.to_quads`` consumes.

Parsers know nothing of RDF and ``rdf`` knows nothing of file formats: these
dataclasses are the contract between them. Every record keeps the line it came
from, so that errors and provenance can point back into the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "POLARITIES",
    "STRENGTHS",
    "ActionRecord",
    "ActorRef",
    "CardRecord",
    "CitationRecord",
    "CriticismRecord",
    "DateValue",
    "EventRecord",
    "FactCheckRecord",
    "FindingRecord",
    "Precision",
    "QuoteRecord",
    "Record",
    "SourceInfo",
    "TimelineRecord",
]

POLARITIES = ("positive", "negative", "mixed", "neutral")
STRENGTHS = ("weak", "moderate", "strong")
STANCE_KINDS = ("relationship", "policy")
ACTOR_TYPES = ("Person", "Organization", "State", "Group")


class Precision(StrEnum):
    """How much of a date is known; ``order`` means only a position in a timeline."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    ORDER = "order"


@dataclass(frozen=True, slots=True)
class DateValue:
    """A date and how precisely it is known.

    ``value`` is the first day of the period (2014-01-01 for "January 2014"),
    so that values sort; ``precision`` says how to read it and how to type it
    in RDF (``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``).
    """

    value: dt.date
    precision: Precision

    def lexical(self) -> str:
        if self.precision is Precision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()


@dataclass(slots=True)
class ActorRef:
    """A mention of an actor or topic as written in a document, before resolution.

    ``kind`` is a hint from the document (``person``, ``issue``, ``organization``...)
    or ``None``; resolution fills ``iri``, ``label`` and ``score``.
    """

    text: str
    line: int | None = None
    kind: str | None = None
    iri: str | None = None
    label: str | None = None
    score: float | None = None
    method: str | None = None


@dataclass(slots=True)
class QuoteRecord:
    """Words in quotation marks inside a timeline item: a Statement by the holder."""

    text: str
    line: int | None = None
    polarity: str | None = None
    polarity_value: float | None = None


@dataclass(slots=True)
class TimelineRecord:
    """One numbered timeline item of a stance card, dated or only ordered."""

    position: int
    text: str
    line: int
    date: DateValue | None = None
    quotes: list[QuoteRecord] = field(default_factory=list)
    polarity: str | None = None
    polarity_value: float | None = None


@dataclass(slots=True)
class ActionRecord:
    """A policy act listed under "Actions Taken": a category line and a description."""

    position: int
    category: str
    text: str
    line: int
    date: DateValue | None = None


@dataclass(slots=True)
class CriticismRecord:
    """A named critic (an actor or a group) and what they say."""

    position: int
    critic: ActorRef
    text: str
    line: int


@dataclass(slots=True)
class FindingRecord:
    """A numbered finding of a fact-check brief, with its citation markers ``[n]``."""

    number: int
    title: str
    text: str
    line: int
    citations: list[int] = field(default_factory=list)
    mentions: list[ActorRef] = field(default_factory=list)


@dataclass(slots=True)
class CardRecord:
    """A stance card: who stands where toward whom, with the evidence behind it."""

    holder: ActorRef
    target: ActorRef
    kind: str
    polarity: str
    strength: str
    flip: bool
    line: int = 1
    holder_role: str | None = None
    target_kind: str | None = None
    summary: str = ""
    context: str = ""
    timeline: list[TimelineRecord] = field(default_factory=list)
    actions: list[ActionRecord] = field(default_factory=list)
    criticism: list[CriticismRecord] = field(default_factory=list)
    valid_from: DateValue | None = None
    valid_until: DateValue | None = None
    title: str | None = None
    published: DateValue | None = None
    url: str | None = None


@dataclass(slots=True)
class CitationRecord:
    """A numbered source of a fact-check brief (``[n]`` in its text), where given."""

    number: int
    url: str | None = None
    title: str | None = None
    line: int | None = None


@dataclass(slots=True)
class FactCheckRecord:
    """A fact-check brief: a question, when it was checked, findings and their citations."""

    question: str
    checked_on: dt.date
    line: int = 1
    summary: str = ""
    summary_citations: list[int] = field(default_factory=list)
    findings: list[FindingRecord] = field(default_factory=list)
    limitations: str = ""
    questions: list[str] = field(default_factory=list)
    mentions: list[ActorRef] = field(default_factory=list)
    disclaimer: str = ""
    verdict: str | None = None
    url: str | None = None
    publisher: str | None = None
    sources: list[CitationRecord] = field(default_factory=list)

    @property
    def citations(self) -> list[int]:
        """Every citation number used anywhere in the brief, sorted, once each."""
        nums = set(self.summary_citations)
        for finding in self.findings:
            nums.update(finding.citations)
        return sorted(nums)


@dataclass(slots=True)
class EventRecord:
    """One coded event (GDELT / ICEWS row) between two actors."""

    event_id: str
    date: dt.date
    line: int
    source: ActorRef | None
    target: ActorRef | None
    cameo_code: str
    cameo_root: str
    quad_class: int | None = None
    goldstein: float | None = None
    avg_tone: float | None = None
    num_mentions: int | None = None
    num_sources: int | None = None
    num_articles: int | None = None
    source_url: str | None = None
    source_country: str | None = None
    target_country: str | None = None


@dataclass(slots=True)
class SourceInfo:
    """What the store records about a source document: the provenance of its graph."""

    graph: str
    kind: str
    path: str
    checksum: str
    ingested_at: dt.datetime
    title: str | None = None


Record = CardRecord | FactCheckRecord
