"""The embedded store: a persistent Oxigraph database, one named graph per source.

Why Oxigraph and not rdflib's memory store: it is persistent, transactional and
orders of magnitude faster on real queries. Replacing a source is one SPARQL
Update (``DROP GRAPH`` + ``INSERT DATA``), which Oxigraph runs in a single
transaction, so readers see the old source or the new one, never half of it.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from stancegraph.errors import QueryError, StoreError
from stancegraph.model.namespaces import PREFIXES, SG
from stancegraph.model.records import SourceInfo
from stancegraph.sparql.terms import term_to_python
from stancegraph.store.base import SOURCES_QUERY, Term, source_infos

__all__ = ["EXPORT_FORMATS", "Store"]

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

    @property
    def location(self) -> str:
        """The store's folder, or ``:memory:``."""
        return str(self.path) if self.path is not None else ":memory:"

    def __repr__(self) -> str:
        return f"Store({self.location!r}, read_only={self.read_only})"

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
        """Whether a named graph of that name exists."""
        return self.ox.contains_named_graph(ox.NamedNode(graph))

    def named_graphs(self) -> list[str]:
        """The IRIs of every named graph."""
        return [g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode)]

    def add(self, quads: Sequence[ox.Quad]) -> None:
        """Add quads in one transaction (Oxigraph's ``extend`` is all-or-nothing)."""
        self._writable()
        try:
            self.ox.extend(quads)
        except OSError as exc:
            raise StoreError(f"could not write to the store: {exc}") from exc

    def bulk_load(self, graph: str, chunks: Iterable[bytes]) -> None:
        """Stream N-Triples chunks into ``graph`` through Oxigraph's bulk loader.

        The loader reads a file-like object; the chunks are handed to it as they
        come, so a producer (a parsing worker) and the loader overlap. An error
        raised by the producer surfaces as itself, not as the loader's parse error.
        """
        self._writable()
        reader = _ChunkReader(chunks)
        try:
            self.ox.bulk_load(
                input=cast(IO[bytes], reader),
                format=ox.RdfFormat.N_TRIPLES,
                to_graph=ox.NamedNode(graph),
            )
        except BaseException:
            if reader.error is not None:
                raise reader.error from None
            raise

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
        bindings: Mapping[str, Term] | None = None,
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
        bindings: Mapping[str, Term] | None = None,
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
        """Every quad of one named graph, or of the whole store."""
        g = ox.NamedNode(graph) if graph else None
        return iter(self.ox.quads_for_pattern(None, None, None, g))


class _ChunkReader(io.RawIOBase):
    """A readable binary stream over an iterable of byte chunks, for ``bulk_load``.

    An exception raised while producing the chunks is kept in ``error`` before it
    propagates, so that :meth:`Store.bulk_load` re-raises the producer's own error
    instead of the loader's complaint about a truncated document.
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        super().__init__()
        self._chunks = iter(chunks)
        self._buffer = memoryview(b"")
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        while not self._buffer:
            try:
                data = next(self._chunks)
            except StopIteration:
                return False
            except BaseException as exc:
                self.error = exc
                raise
            self._buffer = memoryview(data)
        return True

    def readinto(self, b: Any) -> int:
        if not self._fill():
            return 0
        n = min(len(b), len(self._buffer))
        b[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    def read(self, size: int | None = -1) -> bytes:
        if not self._fill():
            return b""
        if size is None or size < 0 or size >= len(self._buffer):
            data = bytes(self._buffer)
            self._buffer = memoryview(b"")
            return data
        data = bytes(self._buffer[:size])
        self._buffer = self._buffer[size:]
        return data
