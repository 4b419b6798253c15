"""Counts of what the store holds, for ``stancegraph stats``."""

from __future__ import annotations

from typing import Any

from stancegraph.model.namespaces import SG
from stancegraph.store.base import GraphStore

__all__ = ["store_stats"]

_CLASSES = {
    "actors": SG.Actor,
    "topics": SG.Topic,
    "stances": SG.Stance,
    "timeline_items": SG.TimelineItem,
    "statements": SG.Statement,
    "actions": SG.Action,
    "contacts": SG.Contact,
    "criticisms": SG.Criticism,
    "events": SG.Event,
    "fact_checks": SG.FactCheck,
    "findings": SG.Finding,
    "citations": SG.Citation,
}


def store_stats(store: GraphStore) -> dict[str, Any]:
    """Triples, sources with their provenance, and instances per class."""
    counts: dict[str, int] = {}
    values = " ".join(f'(<{iri}> "{name}")' for name, iri in _CLASSES.items())
    q = f"""SELECT ?name (COUNT(DISTINCT ?x) AS ?n) WHERE {{
              VALUES (?cls ?name) {{ {values} }}
              ?x a ?cls }} GROUP BY ?name"""
    for row in store.query(q):
        counts[row["name"].value] = int(row["n"].value)
    sources: list[dict[str, Any]] = []
    for info in store.sources():
        sources.append(
            {
                "path": info.path,
                "kind": info.kind,
                "graph": info.graph,
                "checksum": info.checksum,
                "ingested_at": info.ingested_at.isoformat(),
                "triples": store.count(info.graph),
            }
        )
    by_kind: dict[str, int] = {}
    for s in sources:
        by_kind[s["kind"]] = by_kind.get(s["kind"], 0) + 1
    return {
        "store": store.location,
        "triples": store.count(),
        "sources": sources,
        "sources_by_kind": by_kind,
        "counts": {name: counts.get(name, 0) for name in _CLASSES},
    }
