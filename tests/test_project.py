"""The NetworkX projection: nodes, edges, time slices in SPARQL, signed digraph, GraphML/GEXF.

Runs on real documents in a real store: the YAML cards of
``tests/fixtures/analysis/`` (two invented blocs and a mediator) built with
the ingest pipeline, and the demo graph (``demo_store`` of conftest.py).
"""

# ruff: noqa: N803, N806 - graphs are G, D, H as in NetworkX
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from stancegraph.errors import QueryError, ResolutionError
from stancegraph.project.graph import (
    EDGE_KINDS,
    edge_records,
    read_gexf,
    read_graphml,
    to_networkx,
    to_signed_digraph,
    write_gexf,
    write_graphml,
)
from stancegraph.sparql.library import load_query
from stancegraph.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "analysis"
ACTOR = "https://w3id.org/stancegraph/id/actor/"
ALDER, ASPEN, BIRCH, BEECH, MERIDIAN = (
    ACTOR + s
    for s in ("alder-party", "aspen-union", "birch-league", "beech-front", "meridian-council")
)


def build_fixture(path: Path) -> Path:
    from stancegraph.ingest.pipeline import build

    with Store(path) as store:
        build(store, FIXTURES)
    return path


@pytest.fixture(scope="module")
def blocs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = build_fixture(tmp_path_factory.mktemp("blocs") / "store")
    store = Store(path, read_only=True)
    yield store
    store.close()


def test_nodes_are_actors_with_attributes(blocs: Store) -> None:
    G = to_networkx(blocs)
    assert isinstance(G, nx.MultiDiGraph)
    assert set(G) == {ALDER, ASPEN, BIRCH, BEECH, MERIDIAN}
    assert G.nodes[ALDER] == {"label": "Alder Party", "type": "Organization", "wikidata": None,
                              "iri": ALDER}  # fmt: skip
    assert G.nodes[MERIDIAN]["type"] == "Group"


def test_one_edge_per_evidence_node(blocs: Store) -> None:
    G = to_networkx(blocs)
    kinds = Counter(d["kind"] for *_, d in G.edges(keys=True, data=True))
    # 6 declared stances, 11 quotes (one statement each), 8 criticisms
    assert kinds == {"stance": 6, "statement": 11, "criticism": 8}
    for *_, key, d in G.edges(keys=True, data=True):
        assert d["evidence"][0] == key, "the edge key is the evidence node"
        assert d["sources"] and all(s.startswith("https://w3id.org/stancegraph/graph/source/")
                                    for s in d["sources"])  # fmt: skip
        assert d["kind"] in EDGE_KINDS
        assert d["sign"] in (-1, 0, 1)
        assert set(d) >= {"polarity", "weight", "date", "precision", "text", "quote"}
    stance = next(d for u, v, d in G.edges(data=True) if (u, v) == (ALDER, ASPEN)
                  and d["kind"] == "stance")  # fmt: skip
    assert stance["weight"] == 3.0 and stance["sign"] == 1 and stance["polarity"] == "positive"
    assert len(stance["evidence"]) == 1 + 2 + 2  # the stance, two items, two statements
    crit = [d for u, v, d in G.edges(data=True) if (u, v) == (BIRCH, ALDER)]
    assert [(d["kind"], d["sign"], d["date"]) for d in crit] == [("criticism", -1, None)]
    quote = next(d for u, v, d in G.edges(data=True) if d.get("quote") == "our natural partner")
    assert quote["date"] == "2024-01-10" and quote["precision"] == "day"
    assert quote["text"] == "The Alder Party welcomed the Aspen Union into its coalition."
    assert quote["sources"] == ["https://w3id.org/stancegraph/graph/source/alder-on-aspen"]


def test_time_slice_happens_in_the_query(blocs: Store) -> None:
    qd = load_query("network_edges")
    assert {p.name for p in qd.params} == {"since", "until", "kinds"}
    # as of February 2024: dated evidence up to then (a "2024" item overlaps),
    # stances without a validity period, no undated criticism
    G = to_networkx(blocs, until="2024-02-28")
    quotes = sorted(d["quote"] for *_, d in G.edges(data=True) if d["kind"] == "statement")
    assert quotes == ["a reliable partner", "admirable restraint", "our natural partner",
                      "steadfast friends"]  # fmt: skip
    assert not [d for *_, d in G.edges(data=True) if d["kind"] == "criticism"]
    # between two dates, statements only
    rows = edge_records(blocs, since="2024-06-01", until="2024-12-31", kinds=["statement"])
    assert sorted(r["quote"] for r in rows) == ["a reliable partner", "a sound plan",
                                               "an apology we accept"]  # fmt: skip
    # the same slice straight from the query with bound parameters: same rows
    from stancegraph.api import run_query

    direct = run_query(
        blocs, qd, {"since": "2024-06-01", "until": "2024-12-31", "kinds": "statement"}
    ).values()
    assert sorted(r["edge"] for r in direct) == sorted(r["key"] for r in rows)
    assert G.graph["until"] == "2024-02-28"


def test_undated_items_are_not_in_a_slice_and_kinds_filter(blocs: Store) -> None:
    G = to_networkx(blocs, kinds=["criticism"])
    assert G.number_of_edges() == 8
    G = to_networkx(blocs, since="2024-03-01", kinds=["criticism"])
    assert G.number_of_edges() == 0
    with pytest.raises(QueryError, match="unknown edge kind"):
        to_networkx(blocs, kinds=["gossip"])
    with pytest.raises(QueryError, match="date"):
        to_networkx(blocs, since="last spring")


def test_focus_and_depth(blocs: Store) -> None:
    G = to_networkx(blocs, focus="Meridian", depth=1)
    assert set(G) == {MERIDIAN, ALDER, BIRCH}
    assert G.graph["focus"] == MERIDIAN
    G0 = to_networkx(blocs, focus=f"<{ASPEN}>", depth=0)
    assert set(G0) == {ASPEN} and G0.number_of_edges() == 0
    with pytest.raises(ResolutionError):
        to_networkx(blocs, focus="Nobody At All")


def test_signed_digraph(blocs: Store) -> None:
    G = to_networkx(blocs)
    D = to_signed_digraph(G)
    assert isinstance(D, nx.DiGraph)
    assert D.number_of_edges() == len({(u, v) for u, v in G.edges()})
    e = D.edges[ALDER, ASPEN]
    assert e["sign"] == 1 and e["count"] == 3 and e["net"] == 5.0  # stance 3 + 2 statements
    assert set(e["evidence"]) == {x for d in G[ALDER][ASPEN].values() for x in d["evidence"]}
    assert D.edges[BIRCH, ALDER]["sign"] == -1
    assert D.nodes[ALDER]["label"] == "Alder Party"


def _same(G: Any, H: Any) -> None:
    assert type(G) is type(H)
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    if G.is_multigraph():
        assert sorted(G.edges(keys=True, data=True)) == sorted(H.edges(keys=True, data=True))
    else:
        assert sorted(G.edges(data=True)) == sorted(H.edges(data=True))


@pytest.mark.parametrize(("write", "read", "suffix"),
                         [(write_graphml, read_graphml, "graphml"), (write_gexf, read_gexf, "gexf")])  # fmt: skip
def test_files_round_trip(blocs: Store, tmp_path: Path, write: Any, read: Any, suffix: str) -> None:
    G = to_networkx(blocs)
    assert any(d["date"] is None for *_, d in G.edges(data=True))  # None must survive
    for graph in (G, to_signed_digraph(G)):
        path = tmp_path / f"g.{suffix}"
        write(graph, path)
        text = path.read_text(encoding="utf-8")
        assert "evidence__json" in text
        _same(graph, read(path))
    if suffix == "graphml":
        write(G, tmp_path / "again.graphml")
        assert read(tmp_path / "again.graphml").graph == G.graph


def test_demo_graph_projection(demo_store: Store, tmp_path: Path) -> None:
    G = to_networkx(demo_store)
    trump, putin = ACTOR + "donald-trump", ACTOR + "vladimir-putin"
    assert G.nodes[trump]["wikidata"] == "Q22686"
    stance = [d for d in G[trump][putin].values() if d["kind"] == "stance"]
    assert [(d["polarity"], d["weight"], d["date"]) for d in stance] == [("mixed", 3.0, "2016")]
    contacts = [d for d in G[trump][putin].values() if d["kind"] == "contact"]
    assert contacts and all(d["sign"] == 0 for d in contacts)
    write_gexf(G, tmp_path / "demo.gexf")
    _same(G, read_gexf(tmp_path / "demo.gexf"))


def test_empty_store() -> None:
    G = to_networkx(Store(None))
    assert G.number_of_nodes() == 0 and to_signed_digraph(G).number_of_edges() == 0
