# ruff: noqa: N803, N806 - graphs are G, D, U as in NetworkX itself
"""Network analysis of the projection: centrality, communities, balance, ego, paths.

Every function takes the evidence multigraph of
:func:`stancegraph.project.graph.to_networkx` first and returns plain dicts (ready
for JSON) in which every edge carries its evidence IRIs and source graphs, so
that any number or line of a report can be traced to the statements behind it.

Signed graphs
-------------
:func:`~stancegraph.project.graph.to_signed_digraph` gives one edge per ordered
pair with the sign of its weighted evidence. Its **positive part** keeps the
edges of sign +1 and its **negative part** those of sign -1 (weights are the
positive or negative evidence weight). Pairs whose evidence cancels out (or is
only neutral, e.g. meetings) are in neither part.

The **undirected signed graph** (for balance and communities) joins both
directions of a pair: its sign is the sign of the summed net weight of
``u → v`` and ``v → u``; pairs that sum to zero are unsigned and left out.

Choices
-------
- Centrality: degree (in/out, on the whole evidence graph and on each part),
  betweenness (unweighted shortest paths) on each part, PageRank (weighted,
  on each directed part) and eigenvector centrality (weighted, on each part
  taken undirected, because directed eigenvector centrality is undefined for
  the acyclic graphs such evidence often forms).
- Communities: Louvain (``networkx.community.louvain_communities``, with
  ``seed=``) on the positive part taken undirected. Negative ties then serve
  as a check rather than an input: the report lists negative edges *inside* a
  community and positive edges *across* communities (the frustration of the
  partition), so a reader sees where the blocs do not fit.
- Balance: a triad of three signed pairs is balanced when the product of its
  signs is positive (+++ and +--), per Cartwright–Harary.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import networkx as nx

from stancegraph.errors import ResolutionError
from stancegraph.project.graph import resolve_node, to_signed_digraph
from stancegraph.resolve.names import NameResolver
from stancegraph.store.base import GraphStore

__all__ = [
    "balance",
    "centrality",
    "communities",
    "ego",
    "paths",
    "signed_parts",
    "undirected_signed",
]


# -- building blocks -------------------------------------------------------------
def _label(G: nx.Graph, n: str) -> str:
    return str(G.nodes[n].get("label", n)) if n in G else n


def _evidence_edge(
    G: nx.MultiDiGraph, u: str, v: str, key: str, d: dict[str, Any]
) -> dict[str, Any]:
    return {
        "from": u,
        "to": v,
        "from_label": _label(G, u),
        "to_label": _label(G, v),
        "key": key,
        "kind": d.get("kind"),
        "sign": d.get("sign"),
        "polarity": d.get("polarity"),
        "weight": d.get("weight"),
        "date": d.get("date"),
        "quote": d.get("quote"),
        "text": d.get("text"),
        "evidence": list(d.get("evidence", [key])),
        "sources": list(d.get("sources", [])),
    }


def _pair_edge(G: nx.Graph, u: str, v: str, d: dict[str, Any]) -> dict[str, Any]:
    return {
        "from": u,
        "to": v,
        "from_label": _label(G, u),
        "to_label": _label(G, v),
        "sign": d.get("sign"),
        "net": d.get("net"),
        "weight": d.get("weight"),
        "count": d.get("count"),
        "evidence": list(d.get("evidence", [])),
        "sources": list(d.get("sources", [])),
    }


def signed_parts(G: nx.MultiDiGraph | nx.DiGraph) -> tuple[nx.DiGraph, nx.DiGraph]:
    """The positive and negative parts of the signed digraph (all nodes in both).

    Weights: the positive (resp. negative) evidence weight of the pair, so a
    pair with much warm evidence weighs more in PageRank than one with little.
    """
    D = to_signed_digraph(G) if G.is_multigraph() else G
    pos, neg = nx.DiGraph(), nx.DiGraph()
    for part in (pos, neg):
        part.add_nodes_from(D.nodes(data=True))
    for u, v, d in D.edges(data=True):
        if d["sign"] > 0:
            pos.add_edge(u, v, **{**d, "weight": d.get("positive", 0.0) or d["weight"]})
        elif d["sign"] < 0:
            neg.add_edge(u, v, **{**d, "weight": d.get("negative", 0.0) or d["weight"]})
    return pos, neg


def undirected_signed(G: nx.MultiDiGraph | nx.DiGraph) -> nx.Graph:
    """Both directions of each pair joined; sign of the summed net; zero-sum pairs left out."""
    D = to_signed_digraph(G) if G.is_multigraph() else G
    U = nx.Graph()
    U.add_nodes_from(D.nodes(data=True))
    for u, v, d in D.edges(data=True):
        if u == v:
            continue
        if U.has_edge(u, v):
            e = U.edges[u, v]
            e["net"] += d["net"]
            e["weight"] += d["weight"]
            e["count"] += d["count"]
            e["evidence"] = [*e["evidence"], *[x for x in d["evidence"] if x not in e["evidence"]]]
            e["sources"] = sorted(set(e["sources"]) | set(d["sources"]))
        else:
            U.add_edge(
                u, v, net=d["net"], weight=d["weight"], count=d["count"],
                evidence=list(d["evidence"]), sources=list(d["sources"]),
            )  # fmt: skip
    for _u, _v, e in list(U.edges(data=True)):
        e["net"] = round(e["net"], 12)
        e["sign"] = (e["net"] > 0) - (e["net"] < 0)
    U.remove_edges_from([(u, v) for u, v, e in U.edges(data=True) if e["sign"] == 0])
    return U


def _pagerank(D: nx.DiGraph, *, alpha: float = 0.85, tol: float = 1e-10) -> dict[str, float]:
    """Weighted PageRank; NetworkX's own when SciPy is there, else the same power iteration."""
    if D.number_of_nodes() == 0:
        return {}
    try:
        return dict(nx.pagerank(D, alpha=alpha, weight="weight", tol=tol, max_iter=1000))
    except (ImportError, ModuleNotFoundError, nx.PowerIterationFailedConvergence):
        pass  # the power iteration below damps to a result on any graph
    nodes = list(D)
    n = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / n)
    out_w = {u: sum(d.get("weight", 1.0) for *_, d in D.out_edges(u, data=True)) for u in nodes}
    for _ in range(1000):
        dangling = sum(rank[u] for u in nodes if out_w[u] == 0)
        new = dict.fromkeys(nodes, (1.0 - alpha) / n + alpha * dangling / n)
        for u, v, d in D.edges(data=True):
            new[v] += alpha * rank[u] * d.get("weight", 1.0) / out_w[u]
        err = sum(abs(new[x] - rank[x]) for x in nodes)
        rank = new
        if err < n * tol:
            break
    return rank


def _eigenvector(G: nx.Graph) -> dict[str, float | None]:
    U = G.to_undirected() if G.is_directed() else G
    if U.number_of_edges() == 0:
        return dict.fromkeys(U, 0.0)
    try:
        return dict(nx.eigenvector_centrality(U, max_iter=2000, tol=1e-8, weight="weight"))
    except nx.PowerIterationFailedConvergence:
        return dict.fromkeys(U, None)


# -- analyses --------------------------------------------------------------------
def centrality(G: nx.MultiDiGraph, *, top: int | None = None) -> dict[str, Any]:
    """Degree, betweenness, PageRank and eigenvector centrality on each signed part.

    Returns
    -------
    dict
        ``nodes``: one entry per actor, sorted by positive PageRank, with
        ``degree`` (evidence edges in/out), ``positive`` and ``negative``
        (in/out degree, betweenness, pagerank, eigenvector of that part) and
        the signed pair edges behind the numbers (``edges``, with evidence and
        sources).
    """
    D = to_signed_digraph(G)
    pos, neg = signed_parts(D)
    measures: dict[str, dict[str, Any]] = {}
    for name, part in (("positive", pos), ("negative", neg)):
        between = nx.betweenness_centrality(part, normalized=True) if len(part) else {}
        pr = _pagerank(part)
        eig = _eigenvector(part)
        for n in D:
            measures.setdefault(n, {})[name] = {
                "in_degree": part.in_degree(n),
                "out_degree": part.out_degree(n),
                "betweenness": round(between.get(n, 0.0), 6),
                "pagerank": round(pr.get(n, 0.0), 6),
                "eigenvector": None if (e := eig.get(n)) is None else round(float(e), 6),
            }
    nodes = []
    for n in D:
        edges = [_pair_edge(G, u, v, d) for u, v, d in D.in_edges(n, data=True)]
        edges += [_pair_edge(G, u, v, d) for u, v, d in D.out_edges(n, data=True)]
        nodes.append(
            {
                "node": n,
                "label": _label(G, n),
                "degree": {"in": G.in_degree(n), "out": G.out_degree(n)},
                **measures[n],
                "edges": edges,
                "sources": sorted({s for e in edges for s in e["sources"]}),
            }
        )
    nodes.sort(key=lambda r: (-r["positive"]["pagerank"], -r["negative"]["pagerank"], r["label"]))
    return {
        "nodes": nodes[:top] if top else nodes,
        "graph": {
            "nodes": D.number_of_nodes(),
            "evidence_edges": G.number_of_edges(),
            "pairs": D.number_of_edges(),
            "positive_pairs": pos.number_of_edges(),
            "negative_pairs": neg.number_of_edges(),
        },
    }


def communities(G: nx.MultiDiGraph, *, seed: int = 0, resolution: float = 1.0) -> dict[str, Any]:
    """Louvain communities of the positive part, with the ties that do not fit them.

    Parameters
    ----------
    G
        The evidence multigraph.
    seed
        Seed of Louvain's random node order (same seed, same partition).
    resolution
        Louvain's resolution (above 1: smaller communities).

    Returns
    -------
    dict
        ``communities`` (members and labels, largest first), ``modularity`` of
        the positive part, ``within_positive`` (the positive pairs holding
        each community together), ``across_negative`` (negative pairs between
        communities) and ``frustration`` (negative pairs inside, positive
        across), each pair with its evidence and sources.
    """
    D = to_signed_digraph(G)
    U = undirected_signed(D)
    P = nx.Graph()
    P.add_nodes_from(U.nodes(data=True))
    P.add_edges_from((u, v, d) for u, v, d in U.edges(data=True) if d["sign"] > 0)
    if P.number_of_edges():
        parts = nx.community.louvain_communities(
            P, weight="weight", resolution=resolution, seed=seed
        )
        modularity: float | None = nx.community.modularity(P, parts, weight="weight")
    else:
        parts = [{n} for n in P]
        modularity = None
    parts = sorted((sorted(c) for c in parts), key=lambda c: (-len(c), c))
    member = {n: i for i, c in enumerate(parts) for n in c}
    within_pos, across_neg, frustration = [], [], []
    for u, v, d in sorted(U.edges(data=True), key=lambda e: (e[0], e[1])):
        edge = {**_pair_edge(G, u, v, d), "community": [member[u], member[v]]}
        same = member[u] == member[v]
        if d["sign"] > 0 and same:
            within_pos.append(edge)
        elif d["sign"] < 0 and not same:
            across_neg.append(edge)
        else:
            frustration.append(edge)
    return {
        "method": "louvain on the positive part (undirected)",
        "seed": seed,
        "resolution": resolution,
        "modularity": None if modularity is None else round(modularity, 6),
        "communities": [
            {"id": i, "members": c, "labels": [_label(G, n) for n in c]}
            for i, c in enumerate(parts)
        ],
        "within_positive": within_pos,
        "across_negative": across_neg,
        "frustration": frustration,
    }


def balance(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Structural balance of the signed triads of the undirected signed graph.

    Returns
    -------
    dict
        ``triads`` (how many triangles of signed pairs), ``balanced``,
        ``unbalanced`` (count), ``ratio`` (balanced / triads, ``None`` without
        triads) and ``unbalanced_triads``: each with its three actors, their
        labels, the signs and the three pairs with evidence and sources.
    """
    U = undirected_signed(G)
    order = {n: i for i, n in enumerate(sorted(U))}
    total = good = 0
    bad: list[dict[str, Any]] = []
    for u in sorted(U):
        later = [v for v in U[u] if order[v] > order[u]]
        for v, w in itertools.combinations(sorted(later, key=order.__getitem__), 2):
            if not U.has_edge(v, w):
                continue
            total += 1
            trio = [(u, v), (u, w), (v, w)]
            signs = [U.edges[a, b]["sign"] for a, b in trio]
            if signs[0] * signs[1] * signs[2] > 0:
                good += 1
                continue
            bad.append(
                {
                    "nodes": [u, v, w],
                    "labels": [_label(G, x) for x in (u, v, w)],
                    "signs": signs,
                    "edges": [_pair_edge(G, a, b, U.edges[a, b]) for a, b in trio],
                    "sources": sorted({s for a, b in trio for s in U.edges[a, b]["sources"]}),
                }
            )
    return {
        "triads": total,
        "balanced": good,
        "unbalanced": total - good,
        "ratio": round(good / total, 6) if total else None,
        "unbalanced_triads": bad,
        "signed_pairs": U.number_of_edges(),
    }


def ego(
    G: nx.MultiDiGraph, actor: str, *, depth: int = 1, store: GraphStore | None = None
) -> dict[str, Any]:
    """The actors within ``depth`` steps of ``actor`` (either direction) and all their evidence."""
    names = NameResolver.for_store(store) if store is not None else None
    center = resolve_node(G, actor, names)
    if depth < 0:
        raise ResolutionError(f"depth must be 0 or more, not {depth!r}")
    dist = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), center, depth)
    sub = G.subgraph(dist)
    return {
        "center": center,
        "label": _label(G, center),
        "depth": depth,
        "nodes": [
            {"node": n, "label": _label(G, n), "distance": dist[n], "type": G.nodes[n].get("type")}
            for n in sorted(dist, key=lambda x: (dist[x], _label(G, x)))
        ],
        "edges": [
            _evidence_edge(G, u, v, k, d)
            for u, v, k, d in sorted(sub.edges(keys=True, data=True), key=lambda e: e[:3])
        ],
    }


def _steps(G: nx.MultiDiGraph, path: Iterable[str]) -> list[dict[str, Any]]:
    nodes = list(path)
    out = []
    for a, b in itertools.pairwise(nodes):
        ev = [
            _evidence_edge(G, a, b, k, d)
            for k, d in sorted(
                (G.get_edge_data(a, b, default={}) or {}).items(), key=lambda t: t[0]
            )
        ]
        ev += [
            _evidence_edge(G, b, a, k, d)
            for k, d in sorted(
                (G.get_edge_data(b, a, default={}) or {}).items(), key=lambda t: t[0]
            )
        ]
        net = sum((e["sign"] or 0) * (e["weight"] or 0.0) for e in ev)
        out.append(
            {
                "from": a,
                "to": b,
                "from_label": _label(G, a),
                "to_label": _label(G, b),
                "sign": (net > 0) - (net < 0),
                "evidence": ev,
            }
        )
    return out


def paths(
    G: nx.MultiDiGraph, a: str, b: str, *, limit: int = 10, store: GraphStore | None = None
) -> dict[str, Any]:
    """The shortest chains of relationships between two actors, each step with its evidence.

    Direction is ignored (a criticises b and b praises a both relate them);
    each step lists the evidence edges in both directions with kind, sign,
    date, quote or text and sources, and the sign of their weighted sum.
    """
    names = NameResolver.for_store(store) if store is not None else None
    src, dst = resolve_node(G, a, names), resolve_node(G, b, names)
    U = G.to_undirected(as_view=True)
    try:
        found = list(itertools.islice(nx.all_shortest_paths(U, src, dst), limit))
    except nx.NetworkXNoPath:
        found = []
    chains = []
    for p in found:
        steps = _steps(G, p)
        sign = 1
        for s in steps:
            sign *= s["sign"]
        chains.append(
            {"nodes": p, "labels": [_label(G, n) for n in p], "sign": sign, "steps": steps}
        )
    return {
        "from": src,
        "to": dst,
        "from_label": _label(G, src),
        "to_label": _label(G, dst),
        "length": len(found[0]) - 1 if found else None,
        "paths": chains,
    }
