"""The store contract: what every caller may ask of a store, embedded or remote.

Why a :class:`typing.Protocol` and not a base class: the embedded Oxigraph
store and a SPARQL 1.1 server share no code worth inheriting (one talks to a
database in this process, the other speaks HTTP), but every caller above this
stage (ingest, projection, pages, the CLI) must be able to take either without
asking which it has. This module names the operations they may use; nothing
outside :mod:`stancegraph.store` touches a backend's internals.

The provenance of sources is read the same way on both: :data:`SOURCES_QUERY`
and :func:`source_infos` turn its rows into :class:`~stancegraph.model.records.SourceInfo`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox

from stancegraph.model.namespaces import GRAPH
from stancegraph.model.records import SourceInfo

__all__ = [
    "ONTOLOGY_GRAPH",
    "SOURCES_QUERY",
    "GraphStore",
    "QueryAnswer",
    "Term",
    "source_infos",
]

ONTOLOGY_GRAPH = str(GRAPH["ontology"])
"""The named graph holding the ontology and vocabularies the store was built with."""

Term = ox.NamedNode | ox.Literal | ox.BlankNode
"""An RDF term as the stores take and return it (pyoxigraph's classes)."""

QueryAnswer = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]
"""What :meth:`GraphStore.query` returns: rows with ``.variables``, a boolean, or triples."""

SOURCES_QUERY = """
    SELECT ?g ?kind ?path ?checksum ?at ?title WHERE {
      GRAPH ?g { ?g a sg:Source ; sg:sourceKind ?kind ; sg:sourcePath ?path ;
                    sg:checksum ?checksum ; prov:generatedAtTime ?at .
                 OPTIONAL { ?g dct:title ?title } }
    } ORDER BY ?path"""
"""Every source graph's provenance; the same text for the embedded store and servers."""


def source_infos(rows: Iterable[Any]) -> list[SourceInfo]:
    """Sources from the rows of :data:`SOURCES_QUERY` (embedded store or remote server)."""
    out: dict[str, SourceInfo] = {}
    for row in rows:
        g = row["g"].value
        if g in out:
            continue
        out[g] = SourceInfo(
            graph=g,
            kind=row["kind"].value,
            path=row["path"].value,
            checksum=row["checksum"].value,
            ingested_at=dt.datetime.fromisoformat(row["at"].value),
            title=row["title"].value if row["title"] is not None else None,
        )
    return list(out.values())


@runtime_checkable
class GraphStore(Protocol):
    """A stancegraph store: one named graph per source, read with SPARQL.

    Implemented by :class:`stancegraph.store.embedded.Store` (Oxigraph in this
    process) and :class:`stancegraph.store.remote.RemoteStore` (a SPARQL 1.1
    server and its Graph Store Protocol endpoint).
    """

    read_only: bool

    @property
    def location(self) -> str:
        """Where the data lives, for messages: a folder, ``:memory:`` or an endpoint URL."""
        ...

    # -- reading -------------------------------------------------------------
    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Any:
        """Run a query over the union of all graphs, ``bindings`` bound as RDF terms.

        Returns pyoxigraph solutions (rows indexable by variable name, with
        ``.variables``), a ``QueryBoolean``, or triples (see :data:`QueryAnswer`).
        """
        ...

    def select(
        self, sparql: str, bindings: Mapping[str, Term] | None = None
    ) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts of Python values (dates as dates, numbers as numbers)."""
        ...

    def sources(self) -> list[SourceInfo]:
        """Every source document in the store, with its provenance."""
        ...

    def source_checksum(self, graph: str) -> str | None:
        """The checksum recorded for a source graph, or ``None`` if it is absent."""
        ...

    def has_graph(self, graph: str) -> bool:
        """Whether a (non-empty) named graph of that name exists."""
        ...

    def named_graphs(self) -> list[str]:
        """The IRIs of every named graph."""
        ...

    def count(self, graph: str | None = None) -> int:
        """Quads in one graph, or in the whole store."""
        ...

    def iter_quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad of one named graph, or of all of them."""
        ...

    def export(self, path: str | Path, fmt: str) -> int:
        """Write the store to a file; returns how many quads (or triples) went out."""
        ...

    # -- writing ---------------------------------------------------------------
    def replace_graph(self, graph: str, quads: Sequence[ox.Quad]) -> None:
        """Make ``graph`` hold exactly ``quads``, atomically (old or new, never half)."""
        ...

    def drop_graph(self, graph: str) -> int:
        """Remove a graph and everything in it; returns how many quads went."""
        ...

    def add(self, quads: Sequence[ox.Quad]) -> None:
        """Add quads (to the graphs they name) in one transaction."""
        ...

    def bulk_load(self, graph: str, chunks: Iterable[bytes]) -> None:
        """Stream N-Triples chunks into ``graph`` with the backend's fast loader.

        Not atomic: a crash may leave part of the graph. Callers write the
        source's provenance last, with :meth:`add`, as the commit marker.
        """
        ...

    # -- lifetime ---------------------------------------------------------------
    def close(self) -> None:
        """Release the store (flush, free the write lock)."""
        ...

    def __enter__(self) -> GraphStore: ...

    def __exit__(self, *exc: object) -> None: ...
