"""Documents in, named graphs out: detect, parse, resolve, map, then write.

Every file of a batch is read, parsed, resolved and mapped to quads before the
first write, so one bad document stops the batch with the store unchanged.
Each source is then written in its own transaction: added, replaced, or left
alone when its checksum is unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from stancegraph.errors import IngestError, ParseError
from stancegraph.model.records import CardRecord, FactCheckRecord, SourceInfo
from stancegraph.parse.rdfdoc import parse_rdf, rdf_format_for
from stancegraph.paths import ONTOLOGY_DIR
from stancegraph.rdf.mapping import (
    actor_quads,
    card_quads,
    factcheck_quads,
    source_graph_iri,
    source_quads,
)
from stancegraph.resolve.registry import Registry, Resolution, load_registry, read_registry
from stancegraph.store import ONTOLOGY_GRAPH, GraphStore

__all__ = [
    "KINDS",
    "IngestReport",
    "ParsedSource",
    "SourceReport",
    "build",
    "detect_kind",
    "ensure_ontology",
    "ingest",
    "prepare",
    "retract",
]

KINDS = ("card", "factcheck", "yaml", "registry", "rdf", "gdelt", "icews")
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
_TEXT_SUFFIXES = {".txt", ".md", ".card", ".text", ""}


@dataclass(slots=True)
class SourceReport:
    """What happened to one source: the ``ingest --json`` record."""

    path: str
    kind: str
    graph: str
    status: str = "pending"  # added | replaced | unchanged | retracted
    triples: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    mentions: list[Resolution] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "kind": self.kind,
            "graph": self.graph,
            "status": self.status,
            "triples": self.triples,
            "counts": self.counts,
        }
        out.update(self.details)
        out["mentions"] = [m.as_dict() for m in self.mentions]
        return out


@dataclass(slots=True)
class IngestReport:
    sources: list[SourceReport] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        totals: dict[str, int] = {}
        for s in self.sources:
            totals[s.status] = totals.get(s.status, 0) + 1
        return {"sources": [s.as_dict() for s in self.sources], "totals": totals}


@dataclass(slots=True)
class ParsedSource:
    """A document read and mapped, ready to be written."""

    report: SourceReport
    checksum: str
    quads: list[ox.Quad]
    title: str | None = None


def _checksum(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _decode(data: bytes, path: Path) -> str:
    if not data.strip():
        raise ParseError("the document is empty", path=path, line=1)
    if b"\x00" in data[:8192]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ParseError(
            "binary content (NUL byte); expected a text document", path=path, line=line
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(
            f"not UTF-8 text (undecodable byte at offset {exc.start})", path=path, line=line
        ) from exc
    return text.removeprefix("\ufeff")


def detect_kind(path: Path, data: bytes) -> str:
    """The kind of a document, from its extension and, for text, its structure."""
    suffix = path.suffix.lower()
    if rdf_format_for(path) is not None:
        return "rdf"
    if suffix in {".yaml", ".yml"}:
        head = data[:4096].decode("utf-8", errors="replace")
        return "registry" if "\nactors:" in "\n" + head and "type:" not in head[:200] else "yaml"
    if suffix in {".csv", ".tsv", ".zip"} or path.name.lower().endswith(".export.csv"):
        raise ParseError(
            "event data needs its format: pass --format gdelt or --format icews", path=path
        )
    if suffix in _TEXT_SUFFIXES:
        from stancegraph.parse.card import looks_like_card
        from stancegraph.parse.factcheck import looks_like_factcheck

        text = _decode(data, path)
        if looks_like_card(text):
            return "card"
        if looks_like_factcheck(text):
            return "factcheck"
        raise ParseError(
            "cannot tell what kind of document this is: a stance card needs a 'HOLDER on "
            "TARGET' line and a stance line; a fact-check brief needs a 'Checked on' date",
            path=path,
            line=1,
        )
    raise ParseError(f"unknown document type {suffix!r}; pass --format", path=path)


def _card_details(card: CardRecord) -> tuple[dict[str, int], dict[str, Any]]:
    counts = {
        "timeline": len(card.timeline),
        "statements": sum(len(i.quotes) for i in card.timeline),
        "actions": len(card.actions),
        "critics": len(card.criticism),
    }
    details = {
        "holder": card.holder.label or card.holder.text,
        "target": card.target.label or card.target.text,
        "stance": {
            "polarity": card.polarity,
            "strength": card.strength,
            "kind": card.kind,
            "flip": card.flip,
        },
    }
    return counts, details


def _factcheck_details(fc: FactCheckRecord) -> tuple[dict[str, int], dict[str, Any]]:
    counts = {
        "findings": len(fc.findings),
        "citations": len(fc.citations),
        "questions": len(fc.questions),
    }
    return counts, {"checked_on": fc.checked_on.isoformat(), "citation_numbers": fc.citations}


def _mentions_of(record: CardRecord | FactCheckRecord) -> list[Resolution]:
    refs = []
    if isinstance(record, CardRecord):
        refs = [record.holder, record.target, *(c.critic for c in record.criticism)]
    else:
        refs = [*record.mentions, *(m for f in record.findings for m in f.mentions)]
    out: list[Resolution] = []
    seen: set[tuple[str, str]] = set()
    for ref in refs:
        if ref.iri is None or (ref.text, ref.iri) in seen:
            continue
        seen.add((ref.text, ref.iri))
        out.append(
            Resolution(
                ref.text,
                ref.iri,
                ref.label or ref.text,
                ref.score or 1.0,
                ref.method or "exact",
                ref.line,
            )
        )
    return out


def _merge_counts(into: dict[str, int], more: dict[str, int]) -> None:
    for k, v in more.items():
        into[k] = into.get(k, 0) + v


def prepare(
    path: Path,
    registry: Registry,
    *,
    kind: str | None = None,
    source_id: str | None = None,
) -> ParsedSource:
    """Read, parse, resolve and map one document, without touching the store."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or exc}", path=path) from exc
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ParseError(
            f"document is {len(data)} bytes, over the {MAX_DOCUMENT_BYTES}-byte limit", path=path
        )
    kind = kind or detect_kind(path, data)
    if kind not in KINDS:
        raise IngestError(f"unknown format {kind!r}; use one of {list(KINDS)}")
    graph = source_graph_iri(source_id or path.name)
    report = SourceReport(path=str(path), kind=kind, graph=graph)
    quads: list[ox.Quad] = []
    title: str | None = None
    if kind == "rdf":
        # An empty RDF document is a valid, empty graph (the W3C suites say so).
        fmt = rdf_format_for(path) or ox.RdfFormat.TURTLE
        quads = parse_rdf(data, graph=graph, fmt=fmt, path=path)
        report.counts = {"triples_in_document": len(quads)}
    elif kind == "registry":
        _decode(data, path)
        reg = read_registry(path)
        for actor in reg.actors.values():
            registry.add(actor)
            quads.extend(actor_quads(registry.actors[actor.iri], graph, full=True))
        report.counts = {"actors": len(reg)}
        title = "Actor registry"
    elif kind in {"gdelt", "icews"}:
        raise IngestError(
            f"{kind} files are loaded by the bulk importer: stancegraph ingest --format {kind} FILE"
        )
    else:
        text = _decode(data, path)
        records: list[CardRecord | FactCheckRecord]
        if kind == "card":
            from stancegraph.parse.card import parse_card

            records = [parse_card(text, path=path)]
        elif kind == "factcheck":
            from stancegraph.parse.factcheck import parse_factcheck

            records = [parse_factcheck(text, path=path)]
        else:
            from stancegraph.parse.yamlcard import parse_yaml

            records = list(parse_yaml(text, path=path))
        for record in records:
            if isinstance(record, CardRecord):
                quads.extend(card_quads(record, graph, registry))
                counts, details = _card_details(record)
                title = title or record.title
            else:
                quads.extend(factcheck_quads(record, graph, registry))
                counts, details = _factcheck_details(record)
                title = title or record.question
            _merge_counts(report.counts, counts)
            if len(records) == 1:
                report.details.update(details)
            else:
                report.details.setdefault("records", []).append(details)
            report.mentions.extend(_mentions_of(record))
    return ParsedSource(report=report, checksum=_checksum(data), quads=quads, title=title)


def _dedupe(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    return list(dict.fromkeys(quads))


def write_source(store: GraphStore, parsed: ParsedSource, *, force: bool = False) -> SourceReport:
    """Write one prepared source: unchanged if its checksum matches, else replace atomically."""
    report = parsed.report
    old = store.source_checksum(report.graph)
    if old == parsed.checksum and not force:
        report.status = "unchanged"
        report.triples = store.count(report.graph)
        return report
    info = SourceInfo(
        graph=report.graph,
        kind=report.kind,
        path=report.path,
        checksum=parsed.checksum,
        ingested_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        title=parsed.title,
    )
    quads = _dedupe([*parsed.quads, *source_quads(info)])
    store.replace_graph(report.graph, quads)
    report.status = "replaced" if old is not None else "added"
    report.triples = len(quads)
    return report


def ingest(
    store: GraphStore,
    paths: Sequence[str | Path],
    *,
    kind: str | None = None,
    registry: Registry | None = None,
    registry_path: Path | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest documents: all are parsed first, then each is written in its own transaction."""
    ensure_ontology(store)
    registry = registry if registry is not None else load_registry(store, registry_path)
    prepared: list[ParsedSource] = []
    seen: dict[str, str] = {}
    for p in paths:
        path = Path(p)
        parsed = prepare(path, registry, kind=kind)
        if parsed.report.graph in seen:
            raise IngestError(
                f"{str(path)!r} and {seen[parsed.report.graph]!r} map to the same source graph "
                f"{parsed.report.graph!r}; rename one of them"
            )
        seen[parsed.report.graph] = str(path)
        prepared.append(parsed)
    report = IngestReport()
    for parsed in prepared:
        report.sources.append(write_source(store, parsed, force=force))
        if progress is not None:
            progress(parsed.report.path)
    return report


def _collect(root: Path) -> list[Path]:
    files: list[Path] = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.name.startswith(".") or p.name.lower() in {"readme.md"}:
            continue
        if p.suffix.lower() in {".md", ".json"} and p.parent == root:
            continue
        files.append(p)
    return files


def build(
    store: GraphStore, root: str | Path, *, force: bool = False, prune: bool = True
) -> IngestReport:
    """Make the store hold exactly the documents under ``root`` (the project's ``graph/``).

    The registry (``actors.yaml``) goes first, so that every document resolves
    against it; with ``prune``, sources that an earlier build took from this
    folder and that are gone now are retracted.
    """
    root = Path(root)
    if not root.is_dir():
        raise IngestError(f"{str(root)!r} is not a folder")
    files = _collect(root)
    registry_files = [p for p in files if p.name in {"actors.yaml", "actors.yml"}]
    others = [p for p in files if p not in registry_files]
    registry_path = registry_files[0] if registry_files else None
    report = ingest(store, [*registry_files, *others], registry_path=registry_path, force=force)
    if prune:
        wanted = {s.graph for s in report.sources}
        prefix = str(root).rstrip("/") + "/"
        for info in store.sources():
            if info.graph not in wanted and info.path.startswith(prefix):
                n = store.drop_graph(info.graph)
                report.sources.append(
                    SourceReport(
                        path=info.path,
                        kind=info.kind,
                        graph=info.graph,
                        status="retracted",
                        triples=n,
                    )
                )
    return report


def retract(store: GraphStore, source: str) -> SourceReport:
    """Remove exactly one source's facts, by graph IRI, file name or path."""
    candidates = {source, source_graph_iri(Path(source).name), source_graph_iri(source)}
    for info in store.sources():
        if info.graph in candidates or info.path in {source, Path(source).name}:
            n = store.drop_graph(info.graph)
            return SourceReport(
                path=info.path, kind=info.kind, graph=info.graph, status="retracted", triples=n
            )
    raise IngestError(f"no source {source!r} in the store; see 'stancegraph stats'")


def _ontology_checksum(files: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return "sha256:" + h.hexdigest()


def ensure_ontology(store: GraphStore) -> bool:
    """Load the ontology and vocabularies into their own graph if they changed.

    Queries read concept labels and class hierarchies from the store, so the
    store carries the ontology it was built with.
    """
    files = sorted(p for p in ONTOLOGY_DIR.rglob("*.ttl") if p.name != "shapes.ttl")
    if not files or store.read_only:
        return False
    checksum = _ontology_checksum(files)
    if store.source_checksum(ONTOLOGY_GRAPH) == checksum:
        return False
    quads: list[ox.Quad] = []
    for f in files:
        quads.extend(
            parse_rdf(f.read_bytes(), graph=ONTOLOGY_GRAPH, fmt=ox.RdfFormat.TURTLE, path=f)
        )
    info = SourceInfo(
        graph=ONTOLOGY_GRAPH,
        kind="ontology",
        path="ontology",
        checksum=checksum,
        ingested_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        title="stancegraph ontology",
    )
    store.replace_graph(ONTOLOGY_GRAPH, _dedupe([*quads, *source_quads(info)]))
    return True
