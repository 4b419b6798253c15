"""The embedded store: a persistent Oxigraph database, one named graph per source.

Why Oxigraph and not rdflib's memory store: it is persistent, transactional and
orders of magnitude faster on real queries. Replacing a source is one SPARQL
Update (``DROP GRAPH`` + ``INSERT DATA``), which Oxigraph runs in a single
transaction, so readers see the old source or the new one, never half of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from stancegraph.errors import QueryError, StoreError
from stancegraph.model.namespaces import GRAPH, PREFIXES, SG
from stancegraph.rdf.mapping import SourceInfo

__all__ = [
    "ONTOLOGY_GRAPH",
    "SOURCES_QUERY",
    "Store",
    "open_store",
    "source_infos",
    "term_to_python",
]

ONTOLOGY_GRAPH = str(GRAPH["ontology"])
_LOCK_HINTS = ("lock", "resource temporarily unavailable", "already in use")

EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_DATASET_FORMATS = {ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD}


def _prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


SOURCES_QUERY = """
    SELECT ?g ?kind ?path ?checksum ?at ?title WHERE {
      GRAPH ?g { ?g a sg:Source ; sg:sourceKind ?kind ; sg:sourcePath ?path ;
                    sg:checksum ?checksum ; prov:generatedAtTime ?at .
                 OPTIONAL { ?g dct:title ?title } }
    } ORDER BY ?path"""


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


def _term(term: object) -> str:
    """A term in SPARQL syntax; blank node labels are renamed because N-Triples admits
    labels (e.g. with a leading digit or some letters) that SPARQL does not."""
    if isinstance(term, ox.BlankNode):
        return "_:b" + hashlib.sha1(term.value.encode("utf-8")).hexdigest()[:20]
    return str(term)


def _serialize_quads(quads: Iterable[ox.Quad], graph: str) -> str:
    lines = [f"INSERT DATA {{ GRAPH <{graph}> {{"]
    lines.extend(f"{_term(q.subject)} {q.predicate} {_term(q.object)} ." for q in quads)
    lines.append("} }")
    return "\n".join(lines)


class Store:
    """A stancegraph store on disk (or in memory with ``path=None``).

    Parameters
    ----------
    path
        Folder of the Oxigraph database; created if missing. ``None`` keeps
        everything in memory (tests, notebooks).
    read_only
        Open without taking the write lock, so that many readers can share a
        store; a read-only store sees the data as it was when opened.
    wait
        Seconds to keep retrying while another process holds the write lock,
        before failing with a clear :class:`StoreError`.
    """

    def __init__(
        self, path: str | Path | None = None, *, read_only: bool = False, wait: float = 0.0
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        deadline = time.monotonic() + max(wait, 0.0)
        races = 0
        while True:
            try:
                self.ox = self._open()
                break
            except RuntimeError as exc:
                # A read-only open can race a writer that just replaced a file RocksDB was
                # about to read ("Corruption: ... No such file"): the store is fine, open again.
                if self.read_only and races < 50 and "no such file" in str(exc).lower():
                    races += 1
                    time.sleep(0.02)
                    continue
                raise StoreError(f"cannot open store {str(self.path)!r}: {exc}") from exc
            except OSError as exc:
                locked = any(h in str(exc).lower() for h in _LOCK_HINTS)
                if locked and time.monotonic() < deadline:
                    time.sleep(0.2)
                    continue
                if locked:
                    raise StoreError(
                        f"store {str(self.path)!r} is in use by another writer; "
                        "wait for it to finish (or pass --wait SECONDS)"
                    ) from exc
                raise StoreError(f"cannot open store {str(self.path)!r}: {exc}") from exc

    def _open(self) -> ox.Store:
        if self.path is None:
            return ox.Store()
        if self.read_only:
            if not self.path.exists():
                raise StoreError(f"no store at {str(self.path)!r}; run 'stancegraph build' first")
            return ox.Store.read_only(str(self.path))
        self.path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(self.path))

    # -- context management ------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Flush and release the store (the write lock goes with the last reference)."""
        if not self.read_only and self.path is not None:
            try:
                self.ox.flush()
            except OSError:
                pass
        self.ox = None  # type: ignore[assignment]

    # -- sources -----------------------------------------------------------
    def sources(self) -> list[SourceInfo]:
        """Every source document in the store, with its provenance."""
        return source_infos(self._solutions(_prologue() + SOURCES_QUERY))

    def source_checksum(self, graph: str) -> str | None:
        """The checksum recorded for a source graph, or ``None`` if it is not in the store."""
        q = f"SELECT ?g ?c WHERE {{ GRAPH ?g {{ ?g <{SG.checksum}> ?c }} }}"
        for row in self._solutions(q, g=ox.NamedNode(graph)):
            return str(row["c"].value)
        return None

    def _solutions(self, sparql: str, **bindings: ox.NamedNode) -> ox.QuerySolutions:
        """Rows of an internal SELECT over the named graphs (no union default graph)."""
        subs = {ox.Variable(k): v for k, v in bindings.items()}
        result = self.ox.query(sparql, substitutions=subs or None)  # type: ignore[arg-type]
        assert isinstance(result, ox.QuerySolutions)
        return result

    def has_graph(self, graph: str) -> bool:
        return self.ox.contains_named_graph(ox.NamedNode(graph))

    def replace_graph(self, graph: str, quads: Sequence[ox.Quad]) -> None:
        """Make ``graph`` hold exactly ``quads``, atomically.

        One SPARQL Update, so a crash or a concurrent reader sees the old graph
        or the new one. Quads of other graphs are rejected: a source may only
        write its own graph.
        """
        self._writable()
        for q in quads:
            if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value != graph:
                raise StoreError(f"quad outside its source graph {graph!r}: {q}")
        text = f"DROP SILENT GRAPH <{graph}> ;\n" + _serialize_quads(quads, graph)
        try:
            self.ox.update(text)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"could not write graph {graph!r}: {exc}") from exc

    def drop_graph(self, graph: str) -> int:
        """Remove a graph and everything in it; returns how many quads went."""
        self._writable()
        n = self.count(graph)
        if self.has_graph(graph):
            self.ox.update(f"DROP SILENT GRAPH <{graph}>")
        return n

    def count(self, graph: str | None = None) -> int:
        """Quads in one graph, or in the whole store."""
        if graph is None:
            return len(self.ox)
        q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        for row in self._solutions(q, g=ox.NamedNode(graph)):
            return int(row["n"].value)
        return 0

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store was opened read-only")

    # -- queries -----------------------------------------------------------
    def query(
        self,
        sparql: str,
        bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode] | None = None,
        *,
        union: bool = True,
    ) -> Any:
        """Run a SPARQL query with parameters bound as RDF terms by Oxigraph itself.

        ``bindings`` maps variable names to terms; Oxigraph substitutes them
        into the parsed query, so no value is ever pasted into query text.
        The default graph is the union of all sources unless ``union=False``.
        """
        subs: dict[ox.Variable, Any] = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            return self.ox.query(
                sparql,
                use_default_graph_as_union=union,
                substitutions=subs or None,
                prefixes=PREFIXES,
            )
        except SyntaxError as exc:
            raise QueryError(f"the query is not valid SPARQL: {exc}") from exc
        except RuntimeError as exc:
            raise QueryError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(f"query failed reading the store: {exc}") from exc

    def select(
        self,
        sparql: str,
        bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode] | None = None,
    ) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts of Python values (see :func:`term_to_python`)."""
        result = self.query(sparql, bindings)
        names = [v.value for v in result.variables]
        return [{n: term_to_python(row[n]) for n in names} for row in result]

    # -- import / export ---------------------------------------------------
    def export(self, path: str | Path, fmt: str) -> int:
        """Write the whole store (datasets) or the union graph (triple formats) to a file."""
        fmt_key = fmt.lower().lstrip(".")
        if fmt_key not in EXPORT_FORMATS:
            raise StoreError(f"unknown export format {fmt!r}; use one of {sorted(EXPORT_FORMATS)}")
        rdf_format = EXPORT_FORMATS[fmt_key]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if rdf_format in _DATASET_FORMATS:
            self.ox.dump(str(path), rdf_format, prefixes=PREFIXES)
            return len(self.ox)
        triples = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in self.ox.quads_for_pattern(None, None, None)
        }
        ox.serialize(sorted(triples, key=str), str(path), rdf_format, prefixes=PREFIXES)
        return len(triples)

    def iter_quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return iter(self.ox.quads_for_pattern(None, None, None, g))


def open_store(
    path: str | Path | None = None, *, read_only: bool = False, wait: float = 0.0
) -> Store:
    """Open the store at ``path`` (default: ``$STANCEGRAPH_STORE`` or ``.stancegraph/``)."""
    from stancegraph.paths import default_store_path

    return Store(path if path is not None else default_store_path(), read_only=read_only, wait=wait)


def term_to_python(term: Any) -> Any:
    """A result term as the Python value an analyst expects.

    IRIs stay strings; xsd numbers become int/float; xsd:date a ``date``;
    xsd:dateTime a ``datetime``; booleans ``bool``; gYear/gYearMonth and
    everything else their lexical string.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value.rsplit("#", 1)[-1]
        v = term.value
        try:
            if dtype in {
                "integer",
                "int",
                "long",
                "short",
                "positiveInteger",
                "nonNegativeInteger",
                "negativeInteger",
                "nonPositiveInteger",
            }:
                return int(v)
            if dtype in {"decimal", "double", "float"}:
                return float(v)
            if dtype == "boolean":
                return v in {"true", "1"}
            if dtype == "date":
                return dt.date.fromisoformat(v)
            if dtype == "dateTime":
                return dt.datetime.fromisoformat(v)
        except ValueError:
            return v
        return v
    return str(term)
