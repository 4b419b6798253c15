# ruff: noqa: N803, N806 - graphs are G, H, D as in NetworkX itself
"""The store as a NetworkX graph: SPARQL decides what goes in, NetworkX analyses it.

Why not ``rdflib_to_networkx_multidigraph``: it turns every literal into a node
and cannot choose predicates, so a relationship network would drown in dates,
quotes and type triples. Here two library queries (``queries/network_nodes.rq``
and ``queries/network_edges.rq``) select exactly the actors and the evidence
that relate them, and time slices are done by those queries with bound
parameters.

The projection
--------------
Nodes are actors and topics, keyed by IRI, with ``label``, ``type`` (Person,
Organization, State, Group or Topic), ``wikidata`` (the Q-id, or ``None``) and
``iri``. Only actors that take part in at least one projected edge become
nodes: an actor that no document relates to anyone would only add isolates.

Edges: one per piece of evidence, keyed by the IRI of the evidence node, with

``kind``
    ``stance`` (holder → target), ``statement`` (speaker → what they speak
    about; a timeline item without quotes stands for itself), ``action`` and
    ``contact`` (actor → counterpart; contacts are meetings, calls, summits,
    talks), ``criticism`` (critic → criticised), ``event`` (a coded
    GDELT/ICEWS event, actor → counterpart).
``polarity`` / ``sign``
    The polarity as recorded (``positive`` +1, ``negative`` -1, ``mixed`` and
    ``neutral`` 0). A statement without a label takes it from its
    ``sg:polarityValue`` (beyond ±0.15). Criticism is negative unless it says
    otherwise. Actions and contacts without a recorded polarity are neutral:
    meeting someone is not by itself warmth. Events take the sign of their
    Goldstein score (cooperation +, conflict -).
``weight``
    A stance's strength (weak 1, moderate 2, strong 3; 1 when not given);
    1.0 for a statement, action, contact or criticism; ``|goldstein| / 10``
    for an event, so the strongest coded event (±10) weighs as much as one
    statement and a Goldstein of 0 (or none) weighs 0.
``date`` / ``precision``
    The date as written (``2025``, ``2025-02``, ``2025-02-12``) and its
    precision (``year``, ``month``, ``day``; ``order`` when undated). For a
    stance, the start of its validity.
``text`` / ``quote`` / ``url``
    A short text (at most :data:`TEXT_LIMIT` characters), the quote for
    statements, the article URL for coded events (else ``None``).
``evidence`` / ``sources``
    The evidence IRIs (the edge's own node first, then the stance's evidence
    or the statement's timeline item) and the IRIs of the source graphs the
    fact comes from.

Files
-----
GraphML and GEXF cannot hold lists or ``None``. :func:`write_graphml` and
:func:`write_gexf` store any attribute whose values are not all of one plain
type (str, int, float, bool) as JSON text under the name ``<name>__json``;
:func:`read_graphml` and :func:`read_gexf` decode them back under ``<name>``.
Other tools (Gephi, yEd) see the JSON text, which stays readable. Graph-level
attributes travel in GraphML only (GEXF has no place for them).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from stancegraph.errors import QueryError, ResolutionError
from stancegraph.resolve.names import NameResolver
from stancegraph.sparql.library import QueryDef, load_query
from stancegraph.store.base import GraphStore

__all__ = [
    "EDGE_KINDS",
    "JSON_SUFFIX",
    "TEXT_LIMIT",
    "edge_records",
    "event_network",
    "read_gexf",
    "read_graphml",
    "resolve_node",
    "to_networkx",
    "to_signed_digraph",
    "write_gexf",
    "write_graphml",
]

EDGE_KINDS: tuple[str, ...] = ("stance", "statement", "action", "contact", "criticism", "event")
"""The kinds of edges the projection makes."""

TEXT_LIMIT = 280
"""Longest ``text`` an edge carries; the full text stays in the store."""

JSON_SUFFIX = "__json"
"""Suffix of attribute names whose values are JSON text in GraphML/GEXF files."""

_SIGN = {"positive": 1, "negative": -1, "mixed": 0, "neutral": 0}
_STRENGTH = {"weak": 1.0, "moderate": 2.0, "strong": 3.0}
_NEUTRAL_BAND = 0.15


def _short(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1].rstrip() + "…"


def _precision(date: str | None, recorded: str | None) -> str:
    if recorded:
        return recorded
    if not date:
        return "order"
    return {4: "year", 7: "month"}.get(len(date), "day")


def _polarity_sign_weight(row: Mapping[str, Any]) -> tuple[str, int, float]:
    """Polarity label, sign and weight of one edge row (the rules of the module doc)."""
    kind = row["kind"]
    polarity = row.get("polarity") or None
    if kind == "event":
        g = row.get("goldstein")
        g = float(g) if g is not None else 0.0
        if math.isnan(g):
            g = 0.0
        sign = (g > 0) - (g < 0)
        return {1: "positive", -1: "negative", 0: "neutral"}[sign], sign, abs(g) / 10.0
    if polarity is None and row.get("polarityValue") is not None:
        value = float(row["polarityValue"])
        if value > _NEUTRAL_BAND:
            polarity = "positive"
        elif value < -_NEUTRAL_BAND:
            polarity = "negative"
        else:
            polarity = "neutral"
    if polarity is None:
        polarity = "negative" if kind == "criticism" else "neutral"
    sign = _SIGN.get(polarity, 0)
    weight = _STRENGTH.get(row.get("strength") or "", 1.0) if kind == "stance" else 1.0
    return polarity, sign, weight


def _split(text: Any) -> list[str]:
    return sorted(set(str(text).split())) if text else []


def _plain(value: Any) -> Any:
    """A query value as the plain Python value an attribute holds (dates as ISO text)."""
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _run(store: GraphStore, qd: QueryDef, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    from stancegraph.api import run_query

    declared = {p.name for p in qd.params}
    given = {k: v for k, v in params.items() if v is not None}
    missing = sorted(set(given) - declared)
    if missing:
        raise QueryError(
            f"query {qd.name!r} takes no parameter {missing[0]!r}, so it cannot be sliced that way"
        )
    return [{k: _plain(v) for k, v in row.items()} for row in run_query(store, qd, given).values()]


def edge_records(
    store: GraphStore,
    *,
    since: Any = None,
    until: Any = None,
    kinds: Iterable[str] | None = None,
    query: str | Path | QueryDef | None = None,
) -> list[dict[str, Any]]:
    """The edge rows of the projection, one dict per evidence node, before NetworkX.

    Parameters
    ----------
    store
        A :class:`~stancegraph.store.embedded.Store` (or a remote store with the same
        ``query`` method).
    since, until
        Dates (``datetime.date`` or ISO text); bound as ``xsd:date`` terms.
    kinds
        Edge kinds to keep (see :data:`EDGE_KINDS`); ``None`` keeps all.
    query
        Another library query (name, ``.rq`` path or :class:`QueryDef`) whose
        rows have the columns of ``network_edges.rq`` (at least ``edge``,
        ``u``, ``v`` and ``kind``).

    Returns
    -------
    list of dict
        Keys ``key, u, v`` and the edge attributes of the module doc.
    """
    kind_list = None
    if kinds is not None:
        kind_list = [str(k) for k in kinds]
        bad = [k for k in kind_list if k not in EDGE_KINDS]
        if bad:
            raise QueryError(f"unknown edge kind {bad[0]!r}; use some of {list(EDGE_KINDS)}")
    qd = query if isinstance(query, QueryDef) else load_query(query or "network_edges")
    params: dict[str, Any] = {"since": since, "until": until}
    if kind_list is not None and any(p.name == "kinds" for p in qd.params):
        params["kinds"] = " ".join(kind_list) if kind_list else "none"
    rows = _run(store, qd, params)
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        if not row.get("edge") or not row.get("u") or not row.get("v"):
            continue
        if kind_list is not None and row.get("kind") not in kind_list:
            continue  # a custom query may not filter by kind itself
        key = (row["u"], row["v"], row["edge"])
        extra = _split(row.get("extra"))
        sources = _split(row.get("sources")) + _split(row.get("source"))
        if key in merged:  # the same node read twice (two texts, two sources): one edge
            rec = merged[key]
            more = [e for e in extra if e != row["edge"] and e not in rec["_seen"]]
            rec["_seen"].update(more)
            rec["evidence"].extend(more)
            if any(s not in rec["sources"] for s in sources):
                rec["sources"] = sorted(set(rec["sources"]) | set(sources))
            continue
        polarity, sign, weight = _polarity_sign_weight(row)
        date = row.get("date")
        merged[key] = {
            "key": row["edge"],
            "u": row["u"],
            "v": row["v"],
            "kind": row["kind"],
            "sign": sign,
            "polarity": polarity,
            "weight": float(weight),
            "date": str(date) if date is not None else None,
            "precision": _precision(date, row.get("precision")),
            "text": _short(row.get("text")),
            "quote": row.get("quote"),
            "url": row.get("url"),
            "evidence": [row["edge"], *[e for e in extra if e != row["edge"]]],
            "sources": sorted(set(sources)),
            "_seen": set(extra),
        }
    out = list(merged.values())
    for rec in out:
        del rec["_seen"]
        rec["evidence"] = [rec["evidence"][0], *sorted(rec["evidence"][1:])]
    return out


def _node_attrs(store: GraphStore) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in _run(store, load_query("network_nodes"), {}):
        wd = row.get("wikidata")
        out[row["node"]] = {
            "label": row.get("label") or row["node"].rsplit("/", 1)[-1],
            "type": row.get("type") or "Actor",
            "wikidata": str(wd).rsplit("/", 1)[-1] if wd else None,
            "iri": row["node"],
        }
    return out


def _fallback_node(iri: str) -> dict[str, Any]:
    return {"label": iri.rsplit("/", 1)[-1], "type": "Actor", "wikidata": None, "iri": iri}


def resolve_node(graph: nx.Graph, name: str, names: NameResolver | None = None) -> str:
    """The node a user means: an IRI in the graph, a label, or a registry name or alias.

    ``names`` (the store's :class:`~stancegraph.resolve.names.NameResolver`)
    resolves aliases and misspellings as ingestion did; without it only node
    IRIs and labels (whole, or a unique part) are matched.

    Raises
    ------
    ResolutionError
        When nothing matches, naming what was asked for.
    """
    text = name.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text in graph:
        return text
    folded = text.casefold()
    hits = [n for n, d in graph.nodes(data=True) if str(d.get("label", "")).casefold() == folded]
    if len(hits) == 1:
        return hits[0]
    if names is not None:
        iri = names.find(text, "actor")
        if iri is not None and iri in graph:
            return iri
        if iri is not None:
            raise ResolutionError(f"{name!r} is {iri!r}, which has no relationship in this graph")
    if not hits:  # no store to ask: a unique part of a label will do ("Meridian")
        hits = [
            n for n, d in graph.nodes(data=True) if folded in str(d.get("label", "")).casefold()
        ]
        if len(hits) == 1:
            return hits[0]
    if len(hits) > 1:
        raise ResolutionError(f"{name!r} names several actors: {sorted(hits)}")
    raise ResolutionError(f"no actor named {name!r} in the graph")


def to_networkx(
    store: GraphStore,
    *,
    since: Any = None,
    until: Any = None,
    kinds: Iterable[str] | None = None,
    focus: str | None = None,
    depth: int | None = None,
    query: str | Path | QueryDef | None = None,
) -> nx.MultiDiGraph:
    """Project the relationship network of the store into a NetworkX multigraph.

    Parameters
    ----------
    store
        The store to read (embedded or remote).
    since, until
        Keep what holds between these dates (either may be omitted: ``until``
        alone is "as of"). Done in SPARQL with bound ``xsd:date`` parameters;
        undated items are left out of a slice.
    kinds
        Edge kinds to keep, from :data:`EDGE_KINDS`.
    focus, depth
        Keep only the actors within ``depth`` steps (default 1) of ``focus``
        (an IRI, label or registry name), ignoring direction.
    query
        A library query to use instead of ``network_edges`` (same columns).

    Returns
    -------
    networkx.MultiDiGraph
        Nodes and edges as described in the module doc; ``G.graph`` records
        the slice (``since``, ``until``, ``kinds``, ``focus``, ``depth``).

    Examples
    --------
    >>> from stancegraph.store import Store
    >>> G = to_networkx(Store(None))
    >>> G.number_of_nodes(), G.number_of_edges()
    (0, 0)
    """
    records = edge_records(store, since=since, until=until, kinds=kinds, query=query)
    attrs = _node_attrs(store)
    G = nx.MultiDiGraph()
    G.graph.update(
        {
            "since": str(since) if since is not None else None,
            "until": str(until) if until is not None else None,
            "kinds": list(kinds) if kinds is not None else None,
            "focus": None,
            "depth": None,
        }
    )
    for rec in records:
        for n in (rec["u"], rec["v"]):
            if n not in G:
                G.add_node(
                    n,
                    **attrs.get(n, _fallback_node(n)),
                )
        data = {k: v for k, v in rec.items() if k not in {"u", "v", "key"}}
        G.add_edge(rec["u"], rec["v"], key=rec["key"], **data)
    if focus is not None:
        center = resolve_node(G, focus, NameResolver.for_store(store))
        radius = 1 if depth is None else int(depth)
        if radius < 0:
            raise QueryError(f"depth must be 0 or more, not {depth!r}")
        keep = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), center, radius)
        G = G.subgraph(keep).copy()
        G.graph.update({"focus": center, "depth": radius})
    return G


def _packed_pairs() -> str:
    """``queries/event_network.rq`` with one row per acting actor, its edges packed.

    Why packed: on a million events the cost is not the scans but handing 242,000
    rows of IRIs to Python (each IRI is decoded from the store's dictionary and
    becomes an object); one row per actor hands over each acting actor once
    (10.5 s -> 6.6 s on the 1M benchmark store). The library query is the inner
    select, so the two cannot drift apart. IRIs hold no spaces or newlines, so
    the split is exact.
    """
    text = load_query("event_network").text
    found = re.search(r"^SELECT\b", text, re.M)
    if found is None:  # pragma: no cover - the library file is part of the package
        raise QueryError("queries/event_network.rq has no SELECT line")
    at = found.start()
    return (
        text[:at]
        + 'SELECT ?a (GROUP_CONCAT(CONCAT(STR(?b), " ", STR(?events), " ", '
        + 'STR(?goldsteinSum), " ", STR(?goldsteinCount)); separator="\\n") AS ?edges)\n'
        + "WHERE {\n"
        + text[at:]
        + "\n}\nGROUP BY ?a"
    )


def _event_pair_totals(
    store: GraphStore, since: Any, until: Any
) -> dict[tuple[str, str], list[Any]]:
    """(actor, counterpart) -> [events, Goldstein sum, scored events], over every source."""
    acc: dict[tuple[str, str], list[Any]] = {}

    def add(a: str, b: str, n: int, gs: float, gc: int) -> None:
        x = acc.get((a, b))
        if x is None:
            acc[(a, b)] = [n, gs, gc]
        else:
            x[0] += n
            x[1] += gs
            x[2] += gc

    if since is None and until is None:
        for row in store.query(_packed_pairs()):
            a = row["a"].value
            for line in row["edges"].value.split("\n"):
                if line:
                    b, n, gs, gc = line.split(" ")
                    add(a, b, int(n), float(gs), int(gc))
        return acc
    qd = load_query("event_network_months")
    for r in _run(store, qd, {"since": since, "until": until}):
        add(r["a"], r["b"], int(r["events"]), float(r["goldsteinSum"]), int(r["goldsteinCount"]))
    return acc


def event_network(store: GraphStore, *, since: Any = None, until: Any = None) -> nx.DiGraph:
    """The actor network of coded event data (GDELT/ICEWS), one edge per ordered pair.

    Why a projection of its own: :func:`to_networkx` makes one edge per event,
    which for a million events means reading a million nodes. This reads the
    summaries written at import time instead (``sg:Pair``; ``sg:PairMonth``
    for a window), so its cost follows the number of actor pairs.

    Parameters
    ----------
    store
        The store to read (embedded or remote).
    since, until
        Keep only the months that overlap these dates (the summaries are
        monthly; for day-exact slices use ``to_networkx(kinds=["event"], ...)``).

    Returns
    -------
    networkx.DiGraph
        Nodes are actors (``label``, ``type``, ``wikidata``, ``iri``); each edge
        (actor → counterpart) has ``events`` (its weight), ``goldstein_sum``,
        ``goldstein_count``, ``goldstein`` (their mean, ``None`` when no event
        is scored) and ``sign`` (+1 cooperation, -1 conflict, 0 neither).
        Pairs found in several sources add up.

    Examples
    --------
    >>> from stancegraph.store import Store
    >>> event_network(Store(None)).number_of_edges()
    0
    """
    totals = _event_pair_totals(store, since, until)
    G = nx.DiGraph()
    G.graph.update(
        {
            "since": str(since) if since is not None else None,
            "until": str(until) if until is not None else None,
            "from": "event summaries",
        }
    )
    attrs = _node_attrs(store) if totals else {}
    G.add_nodes_from(
        (n, attrs.get(n) or _fallback_node(n)) for n in {n for pair in totals for n in pair}
    )
    G.add_edges_from(
        (
            a,
            b,
            {
                "events": n,
                "goldstein_sum": gs,
                "goldstein_count": gc,
                "goldstein": gs / gc if gc else None,
                "sign": (gs > 0) - (gs < 0) if gc else 0,
            },
        )
        for (a, b), (n, gs, gc) in totals.items()
    )
    return G


def to_signed_digraph(mg: nx.MultiDiGraph) -> nx.DiGraph:
    """Collapse the evidence multigraph into one signed edge per ordered actor pair.

    ``net`` is the weighted sum of signs (sum of ``sign * weight``) and
    ``sign`` its sign: the pair's balance of warm and hostile evidence.
    ``weight`` is the total weight of the evidence (how much is known, of
    either sign), ``positive`` and ``negative`` the weight on each side,
    ``count`` the number of evidence edges, ``kinds`` how many of each kind,
    ``evidence`` every evidence IRI and ``sources`` every source graph, so a
    signed edge can always be traced back.

    Examples
    --------
    >>> import networkx as nx
    >>> mg = nx.MultiDiGraph()
    >>> mg.add_edge("a", "b", key="e1", kind="statement", sign=1, weight=1.0,
    ...             evidence=["e1"], sources=["s"])
    'e1'
    >>> mg.add_edge("a", "b", key="e2", kind="criticism", sign=-1, weight=1.0,
    ...             evidence=["e2"], sources=["s"])
    'e2'
    >>> to_signed_digraph(mg).edges["a", "b"]["sign"]
    0
    """
    D = nx.DiGraph()
    D.graph.update(mg.graph)
    D.add_nodes_from(mg.nodes(data=True))
    for u, v, key, data in mg.edges(keys=True, data=True):
        w = float(data.get("weight", 1.0))
        s = int(data.get("sign", 0))
        if not D.has_edge(u, v):
            D.add_edge(
                u, v, net=0.0, weight=0.0, positive=0.0, negative=0.0, count=0,
                kinds={}, evidence=[], sources=[], edges=[],
            )  # fmt: skip
        e = D.edges[u, v]
        e["net"] += s * w
        e["weight"] += w
        if s > 0:
            e["positive"] += w
        elif s < 0:
            e["negative"] += w
        e["count"] += 1
        kind = data.get("kind", "?")
        e["kinds"][kind] = e["kinds"].get(kind, 0) + 1
        e["edges"].append(key)
        e["evidence"].extend(x for x in data.get("evidence", [key]) if x not in e["evidence"])
        e["sources"].extend(x for x in data.get("sources", []) if x not in e["sources"])
    for _u, _v, e in D.edges(data=True):
        e["net"] = round(e["net"], 12)
        e["sign"] = (e["net"] > 0) - (e["net"] < 0)
        e["sources"].sort()
    return D


# -- files ---------------------------------------------------------------------
_PLAIN = (str, int, float, bool)


def _json_keys(items: Iterable[Mapping[str, Any]]) -> set[str]:
    """Attributes that cannot be written as one plain GraphML/GEXF type."""
    types: dict[str, set[type]] = {}
    for data in items:
        for k, v in data.items():
            types.setdefault(k, set()).add(type(v))
    return {k for k, ts in types.items() if len(ts) != 1 or not ts <= set(_PLAIN)}


def _encode(data: Mapping[str, Any], keys: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k in keys:
            out[k + JSON_SUFFIX] = json.dumps(v, ensure_ascii=False)
        else:
            out[k] = v
    return out


def _decode(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k.endswith(JSON_SUFFIX):
            out[k[: -len(JSON_SUFFIX)]] = json.loads(v)
        else:
            out[k] = v
    return out


def _encoded_copy(G: nx.Graph, *, edge_ids: bool = False) -> nx.Graph:
    node_keys = _json_keys(d for _, d in G.nodes(data=True))
    if G.is_multigraph():
        edge_keys = _json_keys(d for *_, d in G.edges(keys=True, data=True))
    else:
        edge_keys = _json_keys(d for *_, d in G.edges(data=True))
    H = G.__class__()
    H.graph.update(_encode(G.graph, _json_keys([G.graph])))
    for n, d in G.nodes(data=True):
        H.add_node(n, **_encode(d, node_keys))
    if G.is_multigraph():
        for u, v, k, d in G.edges(keys=True, data=True):
            extra = {"id": str(k)} if edge_ids else {}
            H.add_edge(u, v, key=k, **_encode(d, edge_keys), **extra)
    else:
        for u, v, d in G.edges(data=True):
            H.add_edge(u, v, **_encode(d, edge_keys))
    return H


def _decoded(G: nx.Graph) -> nx.Graph:
    H = G.__class__()
    skip = {"mode", "node_default", "edge_default"}  # added by the NetworkX readers
    H.graph.update(_decode({k: v for k, v in G.graph.items() if k not in skip}))
    for n, d in G.nodes(data=True):
        H.add_node(n, **_decode(d))
    if G.is_multigraph():
        for u, v, k, d in G.edges(keys=True, data=True):
            d = {x: y for x, y in d.items() if x not in {"id", "key", "networkx_key"}}
            H.add_edge(u, v, key=k, **_decode(d))
    else:
        for u, v, d in G.edges(data=True):
            d = {x: y for x, y in d.items() if x not in {"id"}}
            H.add_edge(u, v, **_decode(d))
    return H


def write_graphml(G: nx.Graph, path: str | Path) -> None:
    """Write a projection (multi or simple graph) to GraphML, lists and ``None`` as JSON.

    Edge keys of a multigraph become GraphML edge ids, so evidence IRIs survive.
    """
    nx.write_graphml(_encoded_copy(G), str(path), encoding="utf-8", named_key_ids=False)


def read_graphml(path: str | Path) -> nx.Graph:
    """Read a GraphML file written by :func:`write_graphml`, decoding JSON attributes."""
    G = nx.read_graphml(str(path), node_type=str, force_multigraph=False)
    return _decoded(G)


def write_gexf(G: nx.Graph, path: str | Path) -> None:
    """Write a projection to GEXF 1.2 (Gephi), lists and ``None`` as JSON text."""
    nx.write_gexf(_encoded_copy(G, edge_ids=True), str(path), encoding="utf-8")


def read_gexf(path: str | Path) -> nx.Graph:
    """Read a GEXF file written by :func:`write_gexf`, decoding JSON attributes."""
    G = nx.read_gexf(str(path), node_type=str, relabel=False)
    return _decoded(G)
