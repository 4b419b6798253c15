"""Bulk import of coded event data (GDELT 1.0/2.0 and ICEWS) straight into Oxigraph.

Why a path of its own: a GDELT file holds millions of rows, and building one
pyoxigraph ``Quad`` per triple in Python (what :func:`stancegraph.rdf.mapping.event_quads`
does for a handful of records) costs about 150 µs per event. Here each row is
parsed and written as N-Triples *text* from templates, and Oxigraph's bulk loader
parses that text in Rust while a worker process prepares the next chunk, so
both cores work and memory stays bounded (a few chunks in flight).

The mapping is not written twice: the templates are *derived* from
:func:`~stancegraph.rdf.mapping.event_quads` by running it once on a probe record whose
fields carry distinctive values and reading off which predicate carries which
field with which datatype (:func:`event_template`). A self-check renders the
probe through the fast path and compares it with ``event_quads``' quads, and the
tests compare both paths on real fixture rows.

Atomicity (see ``docs/decisions/20261123-bulk-events.md``): Oxigraph's bulk
loader is fast but not transactional, and deleting is slow (tens of µs per
quad). So nothing is written before the import is known to succeed:

* ``on_error="fail"`` validates the whole file first (a parse-only pass), so a
  malformed row stops the import with the store untouched;
* the source's provenance (``sg:Source``, checksum, time) is written last, in
  one transaction: it is the commit marker. A graph under ``graph/source/``
  without it is a torn load (a crash mid-import) and is dropped by
  :func:`recover_torn_sources`, which every import runs first;
* replacing a changed file drops the old graph first, then loads the new one.

Examples
--------
>>> from stancegraph.store import Store
>>> store = Store(None)
>>> report = ingest_events(store, "tests/fixtures/events/gdelt2.export.CSV",
...                        fmt="gdelt", progress=False)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing as mp
import re
import sys
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from stancegraph.errors import IngestError, ParseError
from stancegraph.model import vocab
from stancegraph.model.namespaces import GRAPH, ID, RDF, SG, SKOS
from stancegraph.model.records import ActorRef, EventRecord, SourceInfo
from stancegraph.model.text import slugify
from stancegraph.rdf.mapping import (
    actor_quads,
    event_quads,
    source_graph_iri,
    source_quads,
)
from stancegraph.resolve.registry import Actor, Registry, load_registry
from stancegraph.store.base import GraphStore

__all__ = [
    "GDELT_LAYOUTS",
    "ICEWS_COLUMNS",
    "EventIngestReport",
    "RowError",
    "event_template",
    "ingest_events",
    "iter_event_records",
    "recover_torn_sources",
    "render_event_nquads",
]

FORMATS = ("gdelt", "icews")
MAX_ERRORS_IN_FULL = 20
DEFAULT_CHUNK_ROWS = 5000
_INLINE_MAX_BYTES = 4 * 1024 * 1024  # smaller files are parsed in-process (no worker start-up)


# -- column layouts ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GdeltLayout:
    """Where the fields this importer reads sit in one GDELT event-table layout.

    The first 35 columns (GLOBALEVENTID ... AvgTone) are the same in GDELT 1.0
    and 2.0; 2.0 adds ADM2Code to each of the three geo blocks and, like the
    1.0 daily files from April 2013 on, ends with DATEADDED and SOURCEURL.
    """

    name: str
    columns: int
    source_url: int | None


GDELT_LAYOUTS: dict[int, GdeltLayout] = {
    61: GdeltLayout("gdelt-2.0", 61, 60),
    58: GdeltLayout("gdelt-1.0", 58, 57),
    57: GdeltLayout("gdelt-1.0-nourl", 57, None),
}
# Shared positions (0-based) of the GDELT 1.0/2.0 event codebooks.
_G_ID, _G_DATE = 0, 1
_G_A1CODE, _G_A1NAME, _G_A1COUNTRY = 5, 6, 7
_G_A2CODE, _G_A2NAME, _G_A2COUNTRY = 15, 16, 17
_G_CODE, _G_BASE, _G_ROOT, _G_QUAD, _G_GOLD = 26, 27, 28, 29, 30
_G_MENTIONS, _G_SOURCES, _G_ARTICLES, _G_TONE = 31, 32, 33, 34

ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country",
    "Event Text", "CAMEO Code", "Intensity", "Target Name", "Target Sectors",
    "Target Country", "Story ID", "Sentence Number", "Publisher", "City", "District",
    "Province", "Country", "Latitude", "Longitude",
)  # fmt: skip

_CAMEO = re.compile(r"[0-9]{2,4}\Z")
_ROOTS = frozenset(f"{n:02d}" for n in range(1, 21))


# -- report --------------------------------------------------------------------


@dataclass(slots=True)
class RowError:
    """One malformed row: where it is, which field, what is wrong."""

    line: int
    field: str
    message: str
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message, "text": self.text}

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass(slots=True)
class EventIngestReport:
    """What one event-file import did: the ``ingest --json`` record."""

    path: str
    kind: str
    graph: str
    status: str = "pending"  # added | replaced | unchanged
    layout: str = ""
    rows: int = 0
    events: int = 0
    skipped: int = 0
    triples: int = 0
    actors: int = 0
    codes: int = 0
    pairs: int = 0
    pair_months: int = 0
    seconds: float = 0.0
    checksum: str = ""
    on_error: str = "fail"
    errors: list[RowError] = field(default_factory=list)
    error_counts: dict[str, int] = field(default_factory=dict)
    resolved: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "graph": self.graph,
            "status": self.status,
            "layout": self.layout,
            "rows": self.rows,
            "events": self.events,
            "skipped": self.skipped,
            "triples": self.triples,
            "actors": self.actors,
            "cameo_codes": self.codes,
            "pairs": self.pairs,
            "pair_months": self.pair_months,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
            "checksum": self.checksum,
            "on_error": self.on_error,
            "errors": [e.as_dict() for e in self.errors],
            "error_counts": dict(self.error_counts),
            "actor_resolution": dict(self.resolved),
        }

    def summary(self) -> str:
        """A few lines for people: status, counts, speed, and the malformed rows."""
        head = f"{self.status:<10} {self.kind:<6} {self.path}"
        if self.status == "unchanged":
            return f"{head}  (unchanged; {self.triples} triples)"
        lines = [
            f"{head}  ({self.layout}; {self.events} events from {self.rows} rows, "
            f"{self.triples} triples, {self.actors} actors, {self.codes} CAMEO codes, "
            f"{self.pairs} pair and {self.pair_months} pair-month summaries; "
            f"{self.seconds:.1f} s, {self.rows_per_second:,.0f} rows/s)"
        ]
        if self.resolved:
            how = ", ".join(f"{k} {v}" for k, v in sorted(self.resolved.items()))
            lines.append(f"           actors: {how}")
        if self.skipped:
            lines.append(f"           skipped {self.skipped} malformed rows:")
            lines.extend(f"             {e}" for e in self.errors)
            shown = len(self.errors)
            if self.skipped > shown:
                counts = ", ".join(f"{k} {v}" for k, v in sorted(self.error_counts.items()))
                lines.append(f"             ... and {self.skipped - shown} more ({counts})")
        return "\n".join(lines)


class _FieldError(Exception):
    def __init__(self, fld: str, message: str) -> None:
        super().__init__(message)
        self.field = fld
        self.message = message


# -- the template derived from rdf.event_quads ----------------------------------

_PROBE_GRAPH = "urn:x-stancegraph-probe:graph"
_PROBE_DATASET = "probe"
_PROBE_VALUES: dict[str, Any] = {
    "event_id": "PROBE-EVENT-ID",
    "date": dt.date(1999, 12, 31),
    "source": "urn:x-stancegraph-probe:source",
    "target": "urn:x-stancegraph-probe:target",
    "cameo_code": "0999",
    "cameo_root": "09",
    "quad_class": 3,
    "goldstein": -7.25,
    "avg_tone": 2.125,
    "num_mentions": 101,
    "num_sources": 102,
    "num_articles": 103,
    "source_url": "urn:x-stancegraph-probe:url",
}
# Order of the values tuple the fast path renders from.
FIELDS: tuple[str, ...] = tuple(_PROBE_VALUES)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _probe_record() -> EventRecord:
    v = _PROBE_VALUES
    return EventRecord(
        event_id=v["event_id"],
        date=v["date"],
        line=0,
        source=ActorRef("source", iri=v["source"]),
        target=ActorRef("target", iri=v["target"]),
        cameo_code=v["cameo_code"],
        cameo_root=v["cameo_root"],
        quad_class=v["quad_class"],
        goldstein=v["goldstein"],
        avg_tone=v["avg_tone"],
        num_mentions=v["num_mentions"],
        num_sources=v["num_sources"],
        num_articles=v["num_articles"],
        source_url=v["source_url"],
    )


@dataclass(frozen=True, slots=True)
class _Slot:
    """One line of an event's N-Quads: predicate, and where its object comes from."""

    predicate: str  # N-Triples form, with surrounding spaces
    field: int | None  # index into FIELDS, or None for a constant object
    kind: str  # "const" | "graph" | "iri" | "cameo" | "literal"
    constant: str = ""  # the object when kind == "const"
    datatype: str = ""  # "^^<...>" suffix for literals ("" for xsd:string)


def event_template() -> tuple[_Slot, ...]:
    """The per-event N-Quads template, read off :func:`~stancegraph.rdf.mapping.event_quads`.

    Every quad ``event_quads`` makes for the probe record is matched to the
    probe field whose value it carries; quads that carry none are constants
    (``rdf:type``, the date precision). Raises if ``event_quads`` grows a quad
    this importer cannot place, so the two can never silently drift apart.
    """
    record = _probe_record()
    quads = list(event_quads([record], _PROBE_GRAPH, _PROBE_DATASET))
    node = ox.NamedNode(str(ID[f"event/{_PROBE_DATASET}/{slugify(record.event_id)}"]))
    v = _PROBE_VALUES
    by_iri = {
        v["source"]: ("iri", "source"),
        v["target"]: ("iri", "target"),
        vocab.cameo_iri(v["cameo_code"]): ("cameo", "cameo_code"),
        vocab.cameo_iri(v["cameo_root"]): ("cameo", "cameo_root"),
    }
    by_lexical = {
        v["event_id"]: "event_id",
        v["date"].isoformat(): "date",
        str(v["quad_class"]): "quad_class",
        repr(v["goldstein"]): "goldstein",
        repr(v["avg_tone"]): "avg_tone",
        str(v["num_mentions"]): "num_mentions",
        str(v["num_sources"]): "num_sources",
        str(v["num_articles"]): "num_articles",
        v["source_url"]: "source_url",
    }
    slots: list[_Slot] = []
    for q in quads:
        if q.subject != node:
            raise IngestError(f"event_quads made a quad about another node: {q}")
        pred = f" {q.predicate} "
        obj = q.object
        if isinstance(obj, ox.NamedNode) and obj.value == _PROBE_GRAPH:
            slots.append(_Slot(pred, None, "graph"))
        elif isinstance(obj, ox.NamedNode) and obj.value in by_iri:
            kind, name = by_iri[obj.value]
            slots.append(_Slot(pred, FIELDS.index(name), kind))
        elif isinstance(obj, ox.Literal) and obj.value in by_lexical:
            dtype = obj.datatype.value
            suffix = "" if dtype == _XSD_STRING else f"^^<{dtype}>"
            index = FIELDS.index(by_lexical[obj.value])
            slots.append(_Slot(pred, index, "literal", datatype=suffix))
        elif isinstance(obj, ox.NamedNode):
            slots.append(_Slot(pred, None, "const", constant=str(obj)))
        else:
            raise IngestError(f"cannot place {q} from event_quads in the bulk template")
    return tuple(slots)


_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}


def _lit(value: str) -> str:
    return value.translate(_ESCAPES)


class _Renderer:
    """Renders value tuples to N-Quads (or N-Triples) text from the template."""

    def __init__(self, graph: str, dataset: str, *, triples: bool = False) -> None:
        self.tail = " .\n" if triples else f" <{graph}> .\n"
        self.prefix = f"<{ID}event/{dataset}/"
        cameo_base = vocab.cameo_iri("01")[: -len("01")]
        parts: list[tuple[int | None, str, str, str]] = []
        for slot in event_template():
            if slot.kind == "const":
                parts.append((None, slot.predicate + slot.constant + self.tail, "", ""))
            elif slot.kind == "graph":
                parts.append((None, f"{slot.predicate}<{graph}>{self.tail}", "", ""))
            elif slot.kind == "iri":
                parts.append((slot.field, slot.predicate + "<", ">" + self.tail, "iri"))
            elif slot.kind == "cameo":
                pre = slot.predicate + "<" + cameo_base
                parts.append((slot.field, pre, ">" + self.tail, "iri"))
            else:
                parts.append(
                    (slot.field, slot.predicate + '"', '"' + slot.datatype + self.tail, "lit")
                )
        self.parts = tuple(parts)

    def render(self, slug: str, values: tuple[Any, ...], out: list[str]) -> None:
        """Append one event's lines; ``values`` are lexical strings (or None) in FIELDS order."""
        subject = self.prefix + slug + ">"
        for idx, pre, post, kind in self.parts:
            if idx is None:
                out.append(subject + pre)
                continue
            value = values[idx]
            if value is None:
                continue
            if kind == "lit":
                out.append(subject + pre + _lit(value) + post)
            else:
                out.append(subject + pre + value + post)


def render_event_nquads(
    records: list[EventRecord], graph: str, dataset: str, *, triples: bool = False
) -> str:
    """Records through the fast path, as N-Quads text (what the bulk loader reads).

    Used by the self-check and the tests to show that the fast path and
    :func:`~stancegraph.rdf.mapping.event_quads` make the same quads.
    """
    renderer = _Renderer(graph, dataset, triples=triples)
    out: list[str] = []
    for ev in records:
        renderer.render(slugify(ev.event_id), _values_of(ev), out)
    return "".join(out)


def _values_of(ev: EventRecord) -> tuple[Any, ...]:
    def num(x: float | None) -> str | None:
        return None if x is None else repr(float(x))

    def integer(x: int | None) -> str | None:
        return None if x is None else str(int(x))

    return (
        ev.event_id,
        ev.date.isoformat(),
        ev.source.iri if ev.source is not None and ev.source.iri else None,
        ev.target.iri if ev.target is not None and ev.target.iri else None,
        ev.cameo_code,
        ev.cameo_root,
        integer(ev.quad_class),
        num(ev.goldstein),
        num(ev.avg_tone),
        integer(ev.num_mentions),
        integer(ev.num_sources),
        integer(ev.num_articles),
        ev.source_url or None,
    )


def _self_check() -> None:
    probe = _probe_record()
    text = render_event_nquads([probe], _PROBE_GRAPH, _PROBE_DATASET)
    fast = set(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    slow = set(event_quads([probe], _PROBE_GRAPH, _PROBE_DATASET))
    if fast != slow:
        raise IngestError(
            "the bulk event template and rdf.event_quads disagree: "
            f"{sorted(map(str, fast ^ slow))[:3]}"
        )


# -- pair-month summaries ------------------------------------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"


class _Summaries:
    """Per actor pair, and per pair and month: event count, Goldstein sum and scored count.

    Why: the analyst queries (a pair's timeline and monthly Goldstein, an
    actor's top counterparts, the actor network) aggregate over every event
    of the busiest actors, which costs seconds on a million events however
    the query is planned. Summing while streaming costs about a microsecond
    a row, and the number of keys grows with actors × months, not with
    events. Each event also links to its pair-month (``sg:countedIn``), so a
    pair's events in a date window are reached through the pair's months
    instead of through every event of either actor.
    """

    def __init__(self, graph: str, dataset: str) -> None:
        self.graph = graph
        self.pairs: dict[tuple[str, str], list[Any]] = {}
        self.months: dict[tuple[str, str, str], list[Any]] = {}
        self.salt = graph.encode("utf-8") + b"\n"
        self.pair_prefix = f"<{ID}pair/{dataset}/"
        self.month_prefix = f"<{ID}pairmonth/{dataset}/"

    def _digest(self, key: str) -> str:
        return hashlib.blake2b(self.salt + key.encode("utf-8"), digest_size=10).hexdigest()

    def add(self, actor: str, counterpart: str, month: str, goldstein: str | None) -> str:
        """Count one event; returns the N-Triples IRI of its pair-month node."""
        acc = self.months.get((actor, counterpart, month))
        if acc is None:
            pair = self.pairs.get((actor, counterpart))
            if pair is None:
                iri = self.pair_prefix + self._digest(f"{actor}\t{counterpart}") + ">"
                pair = self.pairs[(actor, counterpart)] = [0, 0.0, 0, iri]
            iri = self.month_prefix + self._digest(f"{actor}\t{counterpart}\t{month}") + ">"
            acc = self.months[(actor, counterpart, month)] = [0, 0.0, 0, iri, pair]
        pair = acc[4]
        acc[0] += 1
        pair[0] += 1
        if goldstein is not None:
            g = float(goldstein)
            acc[1] += g
            acc[2] += 1
            pair[1] += g
            pair[2] += 1
        return acc[3]  # type: ignore[no-any-return]

    def render(self, *, triples: bool = False, per_chunk: int = 5000) -> Iterator[str]:
        """N-Quads (or N-Triples) text of the summaries, ``per_chunk`` nodes at a time.

        The node IRIs hash the source graph with the key, so two files of the
        same dataset never share a summary node (their counts add up in queries).
        """
        tail = " .\n" if triples else f" <{self.graph}> .\n"
        ns = str(SG)
        p_type = f" <{RDF.type}> "
        t_pair, t_month = f"<{ns}Pair>{tail}", f"<{ns}PairMonth>{tail}"
        p_actor, p_counter = f" <{ns}pairActor> <", f" <{ns}pairCounterpart> <"
        p_pair = f" <{ns}pair> "
        p_month, p_count = f' <{ns}month> "', f' <{ns}eventCount> "'
        p_sum, p_scored = f' <{ns}goldsteinSum> "', f' <{ns}goldsteinCount> "'
        p_mean = f' <{ns}goldsteinMean> "'
        d_int = f'"^^<{_XSD}integer>{tail}'
        d_double = f'"^^<{_XSD}double>{tail}'
        d_month = f'"^^<{_XSD}gYearMonth>{tail}'
        out: list[str] = []
        n = 0

        def numbers(s: str, count: int, total: float, scored: int) -> None:
            out.append(s + p_count + str(count) + d_int)
            out.append(s + p_sum + repr(float(total)) + d_double)
            out.append(s + p_scored + str(scored) + d_int)
            if scored:
                out.append(s + p_mean + repr(total / scored) + d_double)

        for (actor, counterpart), (count, total, scored, s) in self.pairs.items():
            out.append(s + p_type + t_pair)
            out.append(s + p_actor + actor + ">" + tail)
            out.append(s + p_counter + counterpart + ">" + tail)
            numbers(s, count, total, scored)
            n += 1
            if n >= per_chunk:
                yield "".join(out)
                out, n = [], 0
        for (_a, _b, month), (count, total, scored, s, pair) in self.months.items():
            out.append(s + p_type + t_month)
            out.append(s + p_pair + pair[3] + tail)
            out.append(s + p_month + month + d_month)
            numbers(s, count, total, scored)
            n += 1
            if n >= per_chunk:
                yield "".join(out)
                out, n = [], 0
        if out:
            yield "".join(out)


# -- actors --------------------------------------------------------------------


class _ActorResolver:
    """Event-data actors to IRIs, deterministically, with a cache per distinct mention.

    Rule (documented in the decision record):

    1. the name, then the actor code, is one of a registry actor's ``codes``
       (``VLADIMIR PUTIN``/``PUTIN`` → Vladimir Putin), or the name is a
       registry actor's exact name or alias → that actor;
    2. the actor *is* a country (GDELT: its code equals its country code;
       ICEWS: its name equals its country), or only a country is given → the
       registry actor with that country code, else a ``State`` minted as
       ``actor/<slug of the name or code>``;
    3. otherwise a ``Group`` minted as ``actor/<slug of "name country">``
       (``actor/police-fra``): event-data names are often roles, so the
       country keeps France's police apart from Mexico's.
    """

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.cache: dict[tuple[str, str, str], str | None] = {}
        self.used: dict[str, Actor] = {}
        self.methods: Counter[str] = Counter()
        self._method_of: dict[str, str] = {}

    def _registry_actor(self, *keys: str) -> Actor | None:
        for key in keys:
            if not key:
                continue
            actor = self.registry.by_code(key)
            if actor is not None:
                return actor
        return None

    def resolve(self, name: str, code: str, country: str, *, is_state: bool) -> str | None:
        key = (name, code, country)
        hit = self.cache.get(key, False)
        if hit is not False:
            if isinstance(hit, str):
                self.methods[self._method_of[hit]] += 1
            return hit if isinstance(hit, str) else None
        iri, method = self._resolve(name, code, country, is_state=is_state)
        self.cache[key] = iri
        if iri is not None:
            self._method_of[iri] = method
            self.methods[method] += 1
        return iri

    def _resolve(
        self, name: str, code: str, country: str, *, is_state: bool
    ) -> tuple[str | None, str]:
        name = " ".join(name.split())
        if name:
            actor = self._registry_actor(name)
            if actor is None:
                found = self.registry.lookup(name, fuzzy=False)
                actor = self.registry.actors[found.iri] if found is not None else None
            if actor is None and not is_state and code and code != country:
                actor = self._registry_actor(code)
            if actor is not None and not actor.topic:
                self.used[actor.iri] = actor
                return actor.iri, "registry"
        if is_state or (not name and country):
            actor = self._registry_actor(country, name)
            if actor is not None:
                self.used[actor.iri] = actor
                return actor.iri, "registry"
            label = name.title() if name else country
            minted = Actor(name=label, type="State", iri=str(ID[f"actor/{slugify(label)}"]))
            self.used.setdefault(minted.iri, minted)
            return minted.iri, "state"
        if not name:
            return None, "none"
        label = name.title()
        qualified = f"{label} ({country})" if country else label
        iri = str(ID[f"actor/{slugify(f'{name} {country}' if country else name)}"])
        self.used.setdefault(iri, Actor(name=qualified, type="Group", iri=iri))
        return iri, "minted"


# -- parsing -------------------------------------------------------------------


def _open_lines(path: Path) -> tuple[IO[bytes], Any]:
    """The file's bytes, unzipping a ``.zip`` that holds one ``.CSV`` member."""
    if zipfile.is_zipfile(path):
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ParseError(f"the zipped event file is damaged: {exc}", path=path) from None
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) != 1:
            zf.close()
            raise ParseError(
                f"a zipped event file must hold exactly one file, found {len(members)}", path=path
            )
        try:
            return zf.open(members[0]), zf
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
            zf.close()  # RuntimeError: an encrypted member
            raise ParseError(f"the zipped event file is damaged: {exc}", path=path) from None
    return path.open("rb"), None


class _Parser:
    """Rows of one file to value tuples, with the validation the report needs."""

    def __init__(self, path: Path, fmt: str, resolver: _ActorResolver) -> None:
        self.path = path
        self.fmt = fmt
        self.resolver = resolver
        self.layout: GdeltLayout | None = None
        self.layout_name = "icews" if fmt == "icews" else ""
        self.icews_index: dict[str, int] = {}
        self.dates: dict[str, str | None] = {}
        self.codes: set[str] = set()
        self.seen: set[Any] = set()

    def header(self, cells: list[str], line: int) -> None:
        names = [c.strip().lstrip("\ufeff") for c in cells]
        index = {n.lower(): i for i, n in enumerate(names)}
        missing = [c for c in ICEWS_COLUMNS if c.lower() not in index]
        if missing:
            raise ParseError(
                f"not an ICEWS header: missing columns {missing}",
                path=self.path,
                line=line,
                field="header",
            )
        self.icews_index = {c: index[c.lower()] for c in ICEWS_COLUMNS}
        self.columns = len(names)

    def _date(self, raw: str, fld: str) -> str:
        iso = self.dates.get(raw, False)
        if iso is False:
            iso = None
            s = raw.strip()
            try:
                if len(s) == 8 and s.isdigit():
                    iso = dt.date(int(s[:4]), int(s[4:6]), int(s[6:])).isoformat()
                elif len(s) == 10 and s[4] == "-" and s[7] == "-":
                    iso = dt.date.fromisoformat(s).isoformat()
            except ValueError:
                iso = None
            self.dates[raw] = iso
        if iso is None:
            raise _FieldError(fld, f"not a date (YYYYMMDD or YYYY-MM-DD): {raw!r}")
        return iso  # type: ignore[return-value]

    def _code(self, code: str, root: str | None, fld: str) -> tuple[str, str]:
        code = code.strip()
        if not _CAMEO.match(code) or code[:2] not in _ROOTS:
            raise _FieldError(fld, f"not a CAMEO event code (a string of 2-4 digits): {code!r}")
        if root is not None:
            root = root.strip()
            if root != code[:2]:
                raise _FieldError("EventRootCode", f"{root!r} is not the root of code {code!r}")
        self.codes.add(code)
        return code, code[:2]

    @staticmethod
    def _float(raw: str, fld: str, lo: float | None = None, hi: float | None = None) -> str | None:
        s = raw.strip()
        if not s:
            return None
        try:
            x = float(s)
        except ValueError:
            raise _FieldError(fld, f"not a number: {raw!r}") from None
        if x != x or x in (float("inf"), float("-inf")):
            raise _FieldError(fld, f"not a finite number: {raw!r}")
        if lo is not None and hi is not None and not lo <= x <= hi:
            raise _FieldError(fld, f"{x:g} is outside {lo:g}..{hi:g}")
        return repr(x)

    @staticmethod
    def _int(raw: str, fld: str, lo: int = 0, hi: int | None = None) -> str | None:
        s = raw.strip()
        if not s:
            return None
        if not (s.isascii() and s.isdigit()) or len(s) > 18:  # int() limits, "²".isdigit()
            raise _FieldError(fld, f"not a whole number: {raw[:40]!r}")
        n = int(s)
        if n < lo or (hi is not None and n > hi):
            raise _FieldError(fld, f"{n} is outside {lo}..{hi}")
        return str(n)

    def row(self, cells: list[str]) -> tuple[str, tuple[Any, ...]]:
        """(slug, values) for one row, or raises :class:`_FieldError`."""
        if self.fmt == "gdelt":
            return self._gdelt(cells)
        return self._icews(cells)

    def _gdelt(self, c: list[str]) -> tuple[str, tuple[Any, ...]]:
        layout = self.layout
        assert layout is not None
        if len(c) != layout.columns:
            raise _FieldError(
                "columns", f"expected {layout.columns} columns ({layout.name}), found {len(c)}"
            )
        eid = c[_G_ID].strip()
        if not (eid.isascii() and eid.isdigit()) or len(eid) > 18:
            raise _FieldError("GLOBALEVENTID", f"not an event id: {c[_G_ID][:40]!r}")
        key = int(eid)
        if key in self.seen:
            raise _FieldError("GLOBALEVENTID", f"event {eid} appears twice in the file")
        date = self._date(c[_G_DATE], "SQLDATE")
        code, root = self._code(c[_G_CODE], c[_G_ROOT], "EventCode")
        quad = self._int(c[_G_QUAD], "QuadClass", 1, 4)
        gold = self._float(c[_G_GOLD], "GoldsteinScale", -10.0, 10.0)
        tone = self._float(c[_G_TONE], "AvgTone", -100.0, 100.0)
        nm = self._int(c[_G_MENTIONS], "NumMentions")
        ns = self._int(c[_G_SOURCES], "NumSources")
        na = self._int(c[_G_ARTICLES], "NumArticles")
        url = c[layout.source_url].strip() if layout.source_url is not None else ""
        r = self.resolver
        a1code, a1country = c[_G_A1CODE].strip(), c[_G_A1COUNTRY].strip()
        a2code, a2country = c[_G_A2CODE].strip(), c[_G_A2COUNTRY].strip()
        state1 = bool(a1code) and a1code == a1country
        state2 = bool(a2code) and a2code == a2country
        src = r.resolve(c[_G_A1NAME], a1code, a1country, is_state=state1)
        tgt = r.resolve(c[_G_A2NAME], a2code, a2country, is_state=state2)
        self.seen.add(key)
        values = (eid, date, src, tgt, code, root, quad, gold, tone, nm, ns, na, url or None)
        return eid, values

    def _icews(self, c: list[str]) -> tuple[str, tuple[Any, ...]]:
        ix = self.icews_index
        if len(c) != self.columns:
            raise _FieldError("columns", f"expected {self.columns} columns, found {len(c)}")
        raw_id = c[ix["Event ID"]].strip()
        if not raw_id:
            raise _FieldError("Event ID", "empty event id")
        date = self._date(c[ix["Event Date"]], "Event Date")
        key = (raw_id, date)
        if key in self.seen:
            raise _FieldError("Event ID", f"event ({raw_id}, {date}) appears twice in the file")
        code, root = self._code(c[ix["CAMEO Code"]], None, "CAMEO Code")
        gold = self._float(c[ix["Intensity"]], "Intensity", -10.0, 10.0)
        r = self.resolver
        sname, scountry = c[ix["Source Name"]].strip(), c[ix["Source Country"]].strip()
        tname, tcountry = c[ix["Target Name"]].strip(), c[ix["Target Country"]].strip()
        src = r.resolve(sname, "", scountry, is_state=bool(sname) and sname == scountry)
        tgt = r.resolve(tname, "", tcountry, is_state=bool(tname) and tname == tcountry)
        quad = str(vocab.CAMEO_ROOT_QUADCLASS[root])
        eid = f"{raw_id}-{date}"
        self.seen.add(key)
        values = (eid, date, src, tgt, code, root, quad, gold, None, None, None, None, None)
        return slugify(eid), values


def _decode_lines(block: bytes) -> list[str] | None:
    try:
        return block.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return None


@dataclass(slots=True)
class _Chunk:
    data: bytes
    rows: int
    events: int
    errors: list[RowError]
    error_counts: Counter[str]


@dataclass(slots=True)
class _Tail:
    """What the stream learns only at its end: layout, actors and codes used."""

    layout: str
    actors: list[Actor]
    codes: list[str]
    resolved: dict[str, int]
    seen: int
    pairs: int = 0
    pair_months: int = 0


def _iter_rows(path: Path, parser: _Parser) -> Iterator[tuple[int, list[str] | None, str]]:
    """(line number, cells or None if undecodable, raw text) for every non-empty line."""
    fh, zf = _open_lines(path)
    try:
        lineno = 0
        first = True
        while True:
            block = fh.read(1 << 20)
            if not block:
                break
            nl = block.rfind(b"\n")
            if nl == -1 or nl < len(block) - 1:
                rest = fh.readline()
                block += rest
            lines = _decode_lines(block)
            raw_lines: list[bytes] | None = None
            if lines is None:
                raw_lines = block.split(b"\n")
                lines = [ln.decode("utf-8", errors="replace") for ln in raw_lines]
            if lines and lines[-1] == "":
                lines.pop()
            for i, text in enumerate(lines):
                lineno += 1
                text = text.rstrip("\r")
                if not text.strip():
                    continue
                if raw_lines is not None:
                    try:
                        raw_lines[i].decode("utf-8")
                    except UnicodeDecodeError:
                        yield lineno, None, text
                        continue
                cells = text.split("\t")
                if first:
                    first = False
                    if parser.fmt == "icews":
                        parser.header(cells, lineno)
                        continue
                    layout = GDELT_LAYOUTS.get(len(cells))
                    if layout is None:
                        raise ParseError(
                            f"not a GDELT event table: {len(cells)} tab-separated columns; "
                            "expected 61 (GDELT 2.0), 58 or 57 (GDELT 1.0)",
                            path=path,
                            line=lineno,
                            field="columns",
                        )
                    parser.layout = layout
                    parser.layout_name = layout.name
                yield lineno, cells, text
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ParseError(f"the zipped event file is damaged: {exc}", path=path) from None
    finally:
        fh.close()
        if zf is not None:
            zf.close()
    if first:
        raise ParseError("the event file has no rows", path=path, line=1)


def _stream(
    path: Path,
    fmt: str,
    graph: str,
    registry: Registry,
    *,
    on_error: str,
    chunk_rows: int,
    render: bool = True,
    triples: bool = False,
) -> Iterator[_Chunk | _Tail]:
    """Parse and render a file chunk by chunk; the last item is a :class:`_Tail`."""
    resolver = _ActorResolver(registry)
    parser = _Parser(path, fmt, resolver)
    renderer = _Renderer(graph, fmt, triples=triples) if render else None
    summaries = _Summaries(graph, fmt)
    add_event = summaries.add
    counted_in = f" <{SG.countedIn}> "
    out: list[str] = []
    errors: list[RowError] = []
    counts: Counter[str] = Counter()
    rows = events = 0
    shown = 0
    for lineno, cells, text in _iter_rows(path, parser):
        rows += 1
        try:
            if cells is None:
                raise _FieldError("encoding", "not UTF-8 text")
            slug, values = parser.row(cells)
        except _FieldError as exc:
            if on_error == "fail":
                raise ParseError(exc.message, path=path, line=lineno, field=exc.field) from None
            counts[exc.field] += 1
            if shown < MAX_ERRORS_IN_FULL:
                errors.append(RowError(lineno, exc.field, exc.message, text[:200]))
                shown += 1
        else:
            events += 1
            if renderer is not None:
                renderer.render(slug, values, out)
                if values[2] is not None and values[3] is not None:
                    pm = add_event(values[2], values[3], values[1][:7], values[7])
                    out.append(renderer.prefix + slug + ">" + counted_in + pm + renderer.tail)
        if rows >= chunk_rows:
            yield _Chunk("".join(out).encode("utf-8"), rows, events, errors, counts)
            out, errors, counts = [], [], Counter()
            rows = events = 0
    yield _Chunk("".join(out).encode("utf-8"), rows, events, errors, counts)
    if renderer is not None:
        # The summaries go through the same loader, before the commit marker:
        # a torn import loses them with the events.
        for text in summaries.render(triples=triples, per_chunk=chunk_rows):
            yield _Chunk(text.encode("utf-8"), 0, 0, [], Counter())
    yield _Tail(
        layout=parser.layout_name,
        actors=list(resolver.used.values()),
        codes=sorted(parser.codes),
        resolved=dict(resolver.methods),
        seen=len(parser.seen),
        pairs=len(summaries.pairs),
        pair_months=len(summaries.months),
    )


def _worker(
    path: str,
    fmt: str,
    graph: str,
    registry: Registry,
    on_error: str,
    chunk_rows: int,
    triples: bool,
    queue: Any,
) -> None:
    """Worker process: parse and render, hand chunks to the loading process."""
    try:
        for item in _stream(
            Path(path),
            fmt,
            graph,
            registry,
            on_error=on_error,
            chunk_rows=chunk_rows,
            triples=triples,
        ):
            queue.put(item)
    except BaseException as exc:  # every failure must reach the parent
        queue.put(exc)
    queue.put(None)


def _chunks(
    path: Path,
    fmt: str,
    graph: str,
    registry: Registry,
    *,
    on_error: str,
    chunk_rows: int,
    workers: int,
    triples: bool,
) -> Iterator[_Chunk | _Tail]:
    """Chunks from a worker process (``workers >= 1``) or from this process."""
    if workers <= 0:
        yield from _stream(
            path, fmt, graph, registry, on_error=on_error, chunk_rows=chunk_rows, triples=triples
        )
        return
    # fork: the child only parses (it never touches the store), and unlike spawn it does
    # not re-import the caller's main module (scripts without a __main__ guard work).
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    queue = ctx.Queue(maxsize=4)
    proc = ctx.Process(  # type: ignore[attr-defined]
        target=_worker,
        args=(str(path), fmt, graph, registry, on_error, chunk_rows, triples, queue),
        daemon=True,
    )
    proc.start()
    try:
        while True:
            item = queue.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(timeout=10)


# -- writing -------------------------------------------------------------------


def _cameo_quads(codes: list[str], graph: str) -> list[ox.Quad]:
    """CAMEO codes as SKOS concepts in the dataset graph: each code, its root, ``broader``."""
    g = ox.NamedNode(graph)
    scheme = ox.NamedNode(vocab.VOCAB + "cameo")
    a, concept = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SKOS.Concept))
    notation, broader = ox.NamedNode(str(SKOS.notation)), ox.NamedNode(str(SKOS.broader))
    in_scheme = ox.NamedNode(str(SKOS.inScheme))
    out: list[ox.Quad] = []
    for code in sorted({*codes, *(c[:2] for c in codes)}):
        node = ox.NamedNode(vocab.cameo_iri(code))
        out.append(ox.Quad(node, a, concept, g))
        out.append(ox.Quad(node, notation, ox.Literal(code), g))
        out.append(ox.Quad(node, in_scheme, scheme, g))
        if len(code) > 2:
            out.append(ox.Quad(node, broader, ox.NamedNode(vocab.cameo_iri(code[:2])), g))
    return out


def _checksum(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            h.update(block)
    return "sha256:" + h.hexdigest()


def recover_torn_sources(store: GraphStore, graph: str | None = None) -> list[str]:
    """Drop source graphs that hold data but no provenance: imports cut off by a crash.

    Every import writes a source's provenance last, in one transaction, so a
    graph under ``graph/source/`` without ``sg:Source`` was never finished.
    With ``graph``, only that graph is checked (cheap on a remote endpoint).
    """
    prefix = str(GRAPH["source/"])
    if graph is not None:
        candidates = [graph] if store.has_graph(graph) else []
    else:
        candidates = [g for g in store.named_graphs() if g.startswith(prefix)]
    dropped: list[str] = []
    for g in candidates:
        if store.source_checksum(g) is None and store.count(g) > 0:
            store.drop_graph(g)
            dropped.append(g)
    return dropped


def _progress_bar(enabled: bool, desc: str) -> Any:
    if not enabled or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    return tqdm(desc=desc, unit=" rows", unit_scale=True, file=sys.stderr, smoothing=0.1)


def ingest_events(
    store: GraphStore,
    path: str | Path,
    *,
    fmt: str,
    on_error: str = "fail",
    progress: bool = True,
    registry: Registry | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    workers: int | None = None,
    force: bool = False,
    source_id: str | None = None,
) -> EventIngestReport:
    """Import one GDELT or ICEWS event file as one source graph.

    Parameters
    ----------
    store
        The embedded :class:`~stancegraph.store.embedded.Store` (bulk-loaded through
        Oxigraph), or a :class:`~stancegraph.store.remote.RemoteStore` (N-Triples
        chunks POSTed to the Graph Store Protocol endpoint of the source graph).
    path
        The event file: GDELT's tab-separated event table (61, 58 or 57
        columns, no header) or an ICEWS file (tab-separated, with header),
        plain or as a ``.zip`` holding one file.
    fmt
        ``"gdelt"`` or ``"icews"``.
    on_error
        ``"fail"``: the first malformed row stops the import with the store
        unchanged (the file is validated before anything is written).
        ``"skip"``: malformed rows are left out and reported (line, field,
        reason; the first 20 in full, then counts per field).
    progress
        A tqdm bar with rows per second on stderr (only on a terminal).
    registry
        Actor registry for resolving event-data names (``codes``); default:
        the project registry plus the actors already in the store.
    chunk_rows
        Rows per chunk handed from the parsing worker to the loader.
    workers
        Parsing processes: 1 (parse in a worker while Oxigraph loads) or 0
        (parse in this process). Default: 1 for files over 4 MiB, else 0.
    force
        Re-import even when the file's checksum is unchanged.
    source_id
        Name of the source graph (default: the file name).

    Returns
    -------
    EventIngestReport
        Counts, speed, the malformed rows and how actors were resolved.

    Raises
    ------
    ParseError
        A malformed row with ``on_error="fail"``, or a file that is not an
        event table at all (names file, line and field).
    """
    started = time.perf_counter()
    if fmt not in FORMATS:
        raise IngestError(f"unknown event format {fmt!r}; use one of {list(FORMATS)}")
    if on_error not in {"fail", "skip"}:
        raise IngestError(f"on_error must be 'fail' or 'skip', not {on_error!r}")
    path = Path(path)
    if not path.is_file():
        raise ParseError("no such file", path=path)
    if store.read_only:
        raise IngestError("the store was opened read-only")
    graph = source_graph_iri(source_id or path.name)
    report = EventIngestReport(path=str(path), kind=fmt, graph=graph, on_error=on_error)
    report.checksum = _checksum(path)

    recover_torn_sources(store, graph)
    old = store.source_checksum(graph)
    if old == report.checksum and not force:
        report.status = "unchanged"
        report.triples = store.count(graph)
        report.seconds = time.perf_counter() - started
        return report
    if registry is None:
        registry = load_registry(store)
    if workers is None:
        workers = 1 if path.stat().st_size > _INLINE_MAX_BYTES else 0
    _self_check()

    if on_error == "fail":
        # Validate everything before the first write: deleting a half-loaded
        # graph from Oxigraph costs far more than reading the file twice.
        for _item in _stream(
            path, fmt, graph, registry, on_error="fail", chunk_rows=chunk_rows, render=False
        ):
            pass
    if old is not None:
        store.drop_graph(graph)

    bar = _progress_bar(progress, f"{fmt} {path.name}")
    error_counts: Counter[str] = Counter()

    def on_chunk(chunk: _Chunk) -> None:
        report.rows += chunk.rows
        report.events += chunk.events
        error_counts.update(chunk.error_counts)
        room = MAX_ERRORS_IN_FULL - len(report.errors)
        if room > 0:
            report.errors.extend(chunk.errors[:room])
        if bar is not None:
            bar.update(chunk.rows)

    chunks = _chunks(
        path,
        fmt,
        graph,
        registry,
        on_error=on_error,
        chunk_rows=chunk_rows,
        workers=workers,
        triples=True,  # the graph goes in once, as to_graph: a fifth less text to parse
    )
    tails: list[_Tail] = []

    def payload() -> Iterator[bytes]:
        for item in chunks:
            if isinstance(item, _Tail):
                tails.append(item)
                continue
            on_chunk(item)
            if item.data:
                yield item.data

    try:
        store.bulk_load(graph, payload())
        tail = tails[0] if tails else None
        if tail is None:
            raise IngestError(f"the event stream of {str(path)!r} ended early")
        report.layout = tail.layout
        report.resolved = tail.resolved
        report.actors = len(tail.actors)
        report.codes = len(tail.codes)
        report.pairs = tail.pairs
        report.pair_months = tail.pair_months
        extra: list[ox.Quad] = []
        for actor in tail.actors:
            extra.extend(actor_quads(actor, graph))
        extra.extend(_cameo_quads(tail.codes, graph))
        info = SourceInfo(
            graph=graph,
            kind=fmt,
            path=str(path),
            checksum=report.checksum,
            ingested_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            title=f"{fmt.upper()} events: {path.name}",
        )
        extra.extend(source_quads(info))
        # The commit marker: provenance goes last, in one transaction.
        store.add(extra)
    except BaseException:
        if bar is not None:
            bar.close()
        recover_torn_sources(store, graph)
        raise
    if bar is not None:
        bar.close()
    report.skipped = sum(error_counts.values())
    report.error_counts = dict(error_counts)
    report.status = "replaced" if old is not None else "added"
    report.triples = store.count(graph)
    report.seconds = time.perf_counter() - started
    return report


def iter_event_records(
    path: str | Path, *, fmt: str, registry: Registry | None = None, on_error: str = "skip"
) -> Iterator[EventRecord]:
    """The rows of an event file as :class:`~stancegraph.model.records.EventRecord` (slow path).

    For tests and small files: the same parsing and resolution as the bulk
    path, as records that :func:`~stancegraph.rdf.mapping.event_quads` maps.
    """
    path = Path(path)
    resolver = _ActorResolver(registry if registry is not None else Registry())
    parser = _Parser(path, fmt, resolver)
    for lineno, cells, _text in _iter_rows(path, parser):
        try:
            if cells is None:
                raise _FieldError("encoding", "not UTF-8 text")
            _slug, v = parser.row(cells)
        except _FieldError as exc:
            if on_error == "fail":
                raise ParseError(exc.message, path=path, line=lineno, field=exc.field) from None
            continue

        def num(x: str | None) -> float | None:
            return None if x is None else float(x)

        def integer(x: str | None) -> int | None:
            return None if x is None else int(x)

        yield EventRecord(
            event_id=v[0],
            date=dt.date.fromisoformat(v[1]),
            line=lineno,
            source=ActorRef(v[2], iri=v[2]) if v[2] else None,
            target=ActorRef(v[3], iri=v[3]) if v[3] else None,
            cameo_code=v[4],
            cameo_root=v[5],
            quad_class=integer(v[6]),
            goldstein=num(v[7]),
            avg_tone=num(v[8]),
            num_mentions=integer(v[9]),
            num_sources=integer(v[10]),
            num_articles=integer(v[11]),
            source_url=v[12],
        )
