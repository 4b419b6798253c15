"""The Python API analysts use: open a graph, run library queries, get DataFrames.

Examples
--------
>>> import stancegraph
>>> store = stancegraph.open_store(None)  # an empty in-memory store
>>> stancegraph.query("actors", store=store).empty
True
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox

from stancegraph.errors import QueryError
from stancegraph.sparql.library import QueryDef, bind_params, load_query, uses_service
from stancegraph.store.embedded import open_store, term_to_python

__all__ = ["QueryResult", "QueryStore", "make_resolver", "query", "run_query"]


@runtime_checkable
class QueryStore(Protocol):
    """What :func:`run_query` needs from a store: the embedded one or a remote server.

    ``query`` binds ``bindings`` (variable name to RDF term) with the engine's
    own mechanism (Oxigraph substitutions, or a VALUES block of serialised
    terms for a remote server) and returns pyoxigraph solutions (rows indexable
    by variable name, with ``.variables``), a ``QueryBoolean``, or triples
    (``QueryTriples`` or a list of ``Triple``).
    """

    read_only: bool

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any: ...

    def close(self) -> None: ...


@dataclass(slots=True)
class QueryResult:
    """Rows of a SELECT (as RDF terms), or triples of a CONSTRUCT, or an ASK answer."""

    form: str
    variables: list[str]
    rows: list[dict[str, Any]]  # variable -> pyoxigraph term or None
    triples: list[ox.Triple] | None = None
    boolean: bool | None = None
    truncated: bool = False

    def values(self) -> list[dict[str, Any]]:
        """Rows as Python values: dates as dates, numbers as numbers."""
        return [{k: term_to_python(v) for k, v in row.items()} for row in self.rows]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame with typed columns."""
        import pandas as pd

        df = pd.DataFrame(self.values(), columns=self.variables)
        for col in df.columns:
            kinds = {type(v) for v in df[col] if v is not None}
            if kinds and kinds <= {int, float} and kinds != {bool}:
                df[col] = pd.to_numeric(df[col])
            elif kinds and all(k.__name__ == "date" for k in kinds):
                df[col] = pd.to_datetime(df[col])
        return df

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON."""
        if self.form == "ASK":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)})
        bindings = []
        for row in self.rows:
            b: dict[str, Any] = {}
            for k, term in row.items():
                if term is None:
                    continue
                if isinstance(term, ox.NamedNode):
                    b[k] = {"type": "uri", "value": term.value}
                elif isinstance(term, ox.BlankNode):
                    b[k] = {"type": "bnode", "value": term.value}
                else:
                    entry: dict[str, str] = {"type": "literal", "value": term.value}
                    if term.language:
                        entry["xml:lang"] = term.language
                    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                        entry["datatype"] = term.datatype.value
                    b[k] = entry
            bindings.append(b)
        return json.dumps(
            {"head": {"vars": self.variables}, "results": {"bindings": bindings}},
            ensure_ascii=False,
            indent=2,
        )

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV: terms in N-Triples syntax, so tabs and
        line breaks inside values stay escaped and the result parses back."""
        lines = ["\t".join("?" + v for v in self.variables)]
        for row in self.rows:
            lines.append(
                "\t".join("" if row.get(v) is None else str(row[v]) for v in self.variables)
            )
        return "\n".join(lines) + "\n"

    def to_csv(self, *, delimiter: str = ",") -> str:
        """CSV of plain values (dates ISO, IRIs in full), one header row."""
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
        writer.writerow(self.variables)
        for row in self.values():
            writer.writerow(["" if row[v] is None else row[v] for v in self.variables])
        return buf.getvalue()


def make_resolver(store: QueryStore) -> Callable[[str, str], str | None]:
    """Resolve names typed by a user to actor or topic IRIs, as ingestion does."""
    from stancegraph.ingest.pipeline import load_registry

    registry = load_registry(store)  # type: ignore[arg-type]

    def resolve(text: str, kind: str) -> str | None:
        found = registry.lookup(text)
        if found is None:
            return None
        if kind == "topic" and not registry.actors[found.iri].topic:
            return None
        return found.iri

    return resolve


def run_query(
    store: QueryStore,
    qd: QueryDef,
    params: Mapping[str, Any] | None = None,
    *,
    resolver: Callable[[str, str], str | None] | None = None,
    allow_service: bool = False,
) -> QueryResult:
    """Run a library query with its parameters bound as RDF terms.

    Works on the embedded :class:`Store` and on a
    :class:`stancegraph.store.remote.RemoteStore` alike; CONSTRUCT results are
    de-duplicated (a union default graph repeats a triple once per graph).
    Pass ``resolver`` (from :func:`make_resolver`) to resolve many queries'
    actor names against one registry load. A query with ``SERVICE`` is refused
    unless ``allow_service``: the engine would send requests to whatever server
    the query text names.
    """
    if not allow_service and uses_service(qd.text):
        raise QueryError(
            f"query {qd.name!r} calls another server (SERVICE); refused unless asked for "
            "(--allow-service, or allow_service=True). If 'service' is only part of a "
            "prefixed name, write that IRI in full."
        )
    params = dict(params or {})
    needs_resolver = any(p.type in {"actor", "topic"} for p in qd.params)
    if resolver is None and needs_resolver:
        resolver = make_resolver(store)
    bindings = bind_params(qd, params, resolver)
    result = store.query(qd.text, bindings)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ASK", [], [], boolean=bool(result))
    if isinstance(result, ox.QueryTriples | list):
        triples = _unique_triples(result)
        rows = [{"s": t.subject, "p": t.predicate, "o": t.object} for t in triples]
        return QueryResult("CONSTRUCT", ["s", "p", "o"], rows, triples=triples)
    names = [v.value for v in result.variables]
    rows = [{n: row[n] for n in names} for row in result]
    return QueryResult("SELECT", names, rows)


def _unique_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    return sorted(dict.fromkeys(triples), key=str)


def query(
    name: str, *, store: QueryStore | str | None = None, endpoint: str | None = None, **params: Any
) -> Any:
    """Run a library query and return a DataFrame (a bool for ASK).

    ``store`` is a :class:`Store` or :class:`~stancegraph.store.remote.RemoteStore`,
    a path, or ``None`` for the default store; ``endpoint`` (or
    ``$STANCEGRAPH_ENDPOINT``) names a SPARQL server instead. Parameters are
    keyword arguments: names or aliases for actors, dates, numbers, ``<IRI>``.

    A CONSTRUCT query returns a DataFrame of ``s``, ``p``, ``o`` columns.
    """
    import os

    own = not isinstance(store, QueryStore)
    endpoint = endpoint or (os.environ.get("STANCEGRAPH_ENDPOINT") if store is None else None)
    st: QueryStore
    if isinstance(store, QueryStore):
        st = store
    elif endpoint:
        from stancegraph.store.remote import RemoteStore

        st = RemoteStore(endpoint, read_only=True)
    else:
        st = open_store(store, read_only=True)
    try:
        result = run_query(st, load_query(name), params)
    finally:
        if own:
            st.close()
    if result.form == "ASK":
        return result.boolean
    return result.to_dataframe()
