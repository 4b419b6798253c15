"""The Python API analysts use: open a graph, run library queries, get DataFrames.

Examples
--------
>>> import stancegraph
>>> store = stancegraph.open_store(":memory:")  # an empty in-memory store
>>> stancegraph.query("actors", store=store).empty
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from stancegraph.errors import QueryError
from stancegraph.resolve.names import NameResolver
from stancegraph.sparql.library import QueryDef, bind_params, load_query, uses_service
from stancegraph.sparql.results import QueryResult
from stancegraph.store import GraphStore, open_store

__all__ = ["QueryResult", "query", "run_query"]


def run_query(
    store: GraphStore,
    qd: QueryDef,
    params: Mapping[str, Any] | None = None,
    *,
    resolver: NameResolver | None = None,
    allow_service: bool = False,
) -> QueryResult:
    """Run a library query with its parameters bound as RDF terms.

    Works on the embedded :class:`Store` and on a
    :class:`stancegraph.store.remote.RemoteStore` alike; CONSTRUCT results are
    de-duplicated (a union default graph repeats a triple once per graph).
    Pass ``resolver`` (a :class:`~stancegraph.resolve.names.NameResolver`) to resolve many queries'
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
        resolver = NameResolver.for_store(store)
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
    name: str, *, store: GraphStore | str | None = None, endpoint: str | None = None, **params: Any
) -> Any:
    """Run a library query and return a DataFrame (a bool for ASK).

    ``store`` is a :class:`Store` or :class:`~stancegraph.store.remote.RemoteStore`,
    a path, or ``None`` for the default store; ``endpoint`` (or
    ``$STANCEGRAPH_ENDPOINT``) names a SPARQL server instead. Parameters are
    keyword arguments: names or aliases for actors, dates, numbers, ``<IRI>``.

    A CONSTRUCT query returns a DataFrame of ``s``, ``p``, ``o`` columns.
    """
    own = not isinstance(store, GraphStore)
    st = (
        store
        if isinstance(store, GraphStore)
        else open_store(store, endpoint=endpoint, read_only=True)
    )
    try:
        result = run_query(st, load_query(name), params)
    finally:
        if own:
            st.close()
    if result.form == "ASK":
        return result.boolean
    return result.to_dataframe()
