"""SHACL validation of the store, reported in words an analyst can act on.

pySHACL needs an rdflib graph; we export the union of the source graphs (not the
ontology graph, which pySHACL receives as ``ont_graph`` for class inference)
and map each violation back to the source document that stated the focus node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SH

from stancegraph.errors import ValidationError
from stancegraph.model.namespaces import PREFIXES
from stancegraph.store import ONTOLOGY_GRAPH, GraphStore

__all__ = ["ValidationReport", "Violation", "validate_graph", "validate_store"]


@dataclass(slots=True)
class Violation:
    focus: str
    path: str | None
    message: str
    value: str | None
    severity: str
    source: str | None = None
    label: str | None = None

    def text(self) -> str:
        who = f"{self.label} <{self.focus}>" if self.label else f"<{self.focus}>"
        where = f"{self.source}: " if self.source else ""
        path = f" [{_short(self.path)}]" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{where}{who}{path}: {self.message}{value}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "focus": self.focus,
            "label": self.label,
            "path": self.path,
            "message": self.message,
            "value": self.value,
            "severity": self.severity,
            "source": self.source,
        }


@dataclass(slots=True)
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    triples: int = 0

    def text(self) -> str:
        if self.conforms:
            return f"conforms: {self.triples} triples checked against the shapes, no violations"
        lines = [f"{len(self.violations)} violation(s) in {self.triples} triples:"]
        lines.extend("  " + v.text() for v in self.violations)
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "triples": self.triples,
            "violations": [v.as_dict() for v in self.violations],
        }


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def validate_graph(data: Graph) -> ValidationReport:
    """Validate an rdflib graph against the project's shapes."""
    import pyshacl

    from stancegraph.model.vocab import load_ontology_graph, shapes_graph

    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=load_ontology_graph(),
        inference="rdfs",
        abort_on_first=False,
        allow_warnings=True,
    )
    violations: list[Violation] = []
    for result in results.subjects(predicate=SH.focusNode):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        label = data.value(focus, RDFS.label) if isinstance(focus, URIRef) else None
        violations.append(
            Violation(
                focus=str(focus),
                path=str(path) if path is not None else None,
                message=str(message) if message is not None else "does not conform",
                value=str(value) if value is not None else None,
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                label=str(label) if label is not None else None,
            )
        )
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return ValidationReport(bool(conforms), violations, len(data))


def validate_store(store: GraphStore, *, source: str | None = None) -> ValidationReport:
    """Validate every source graph of the store (or one), naming the file of each violation."""
    graphs = [
        info
        for info in store.sources()
        if info.graph != ONTOLOGY_GRAPH and (source is None or source in {info.graph, info.path})
    ]
    if source is not None and not graphs:
        raise ValidationError(f"no source {source!r} in the store")
    # The vocabularies travel with the data: facts point at their concepts, and the
    # shapes check those concepts (labels, schemes) as part of the graph.
    from stancegraph.model.vocab import load_ontology_graph

    data = load_ontology_graph()
    for info in graphs:
        quads = store.iter_quads(info.graph)
        nt = ox.serialize(
            (ox.Triple(q.subject, q.predicate, q.object) for q in quads),
            format=ox.RdfFormat.N_TRIPLES,
        )
        data.parse(data=(nt or b"").decode("utf-8"), format="nt")
    report = validate_graph(data)
    if report.violations:
        where: dict[str, str] = {}
        located = "SELECT ?s ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"
        for info in graphs:
            for v in report.violations:
                if v.focus in where:
                    continue
                try:
                    node = ox.NamedNode(v.focus)
                except ValueError:
                    continue
                if store.select(located, {"s": node, "g": ox.NamedNode(info.graph)}):
                    where[v.focus] = info.path
        for v in report.violations:
            v.source = where.get(v.focus)
    return report
