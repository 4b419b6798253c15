"""Stance trajectories and network analysis, on real documents in a real store.

The fixture cards (``tests/fixtures/analysis/``) hold two blocs that support
each other within and criticise each other across (Alder Party and Aspen
Union against Birch League and Beech Front) and a mediator, the Meridian
Council, friendly to Alder and to Birch. Counting by hand: the signed pairs
are Alder–Aspen +, Birch–Beech +, the four cross pairs -, Meridian–Alder + and
Meridian–Birch +. The triangles are the four bloc triads (+ - -, balanced) and
Meridian–Alder–Birch (+ + -, unbalanced): 5 triads, 1 unbalanced, ratio 0.8.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner
from test_project import ALDER, ASPEN, BEECH, BIRCH, MERIDIAN, build_fixture

from stancegraph.analysis import (
    balance,
    centrality,
    communities,
    ego,
    paths,
    trajectory,
)
from stancegraph.cli import cli
from stancegraph.errors import QueryError
from stancegraph.project.graph import to_networkx
from stancegraph.store import Store

SOURCE = "https://w3id.org/stancegraph/graph/source/"


@pytest.fixture(scope="module")
def blocs_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("blocs") / "store")


@pytest.fixture(scope="module")
def blocs(blocs_path: Path) -> Iterator[Store]:
    store = Store(blocs_path, read_only=True)
    yield store
    store.close()


@pytest.fixture(scope="module")
def graph(blocs: Store) -> nx.MultiDiGraph:
    return to_networkx(blocs)


def run(store_path: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--store", str(store_path), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if "--json" in args else result.output


# -- stance over time ------------------------------------------------------------
def test_demo_stance_declared_vs_derived(demo_store_path: Path) -> None:
    d = run(demo_store_path, "stance", "Donald Trump", "Vladimir Putin", "--json")
    [declared] = d["declared"]
    assert (declared["polarity"], declared["strength"], declared["flip"]) == (
        "mixed",
        "strong",
        True,
    )
    assert declared["source"] == SOURCE + "trump-on-putin"
    assert d["derived"]["flip"] is True and d["derived"]["polarity"] == "mixed"
    assert d["agreement"] == [{"stance": declared["iri"], "polarity": True, "flip": True}]
    assert d["flips"], "the derived trajectory has flips"
    for flip in d["flips"]:
        assert flip["before"] and flip["after"]
        for e in flip["before"] + flip["after"]:
            assert e["iri"].startswith("https://w3id.org/stancegraph/id/statement/")
            assert e["quote"] and e["source"] == SOURCE + "trump-on-putin"
    crazy = next(
        f for f in d["flips"] if "gone absolutely CRAZY" in [e["quote"] for e in f["after"]]
    )
    assert crazy["direction"] == "to-negative"
    assert [e["quote"] for e in crazy["before"]] == ["lasting peace"]
    assert crazy["before"][0]["date"] == "2025-03-18" and crazy["after"][0]["date"] == "2025-05-25"
    # the year-only "2025" item sorts after the months of 2025
    keys = [p["period"] for p in d["periods"]]
    assert keys[-1] == "2025" and keys.index("2025-05") < keys.index("2025")


def test_demo_stance_text_output(demo_store_path: Path) -> None:
    out = run(demo_store_path, "stance", "Trump", "Putin", "--freq", "period")
    assert "declared: mixed, strong, flip true" in out
    assert "derived:  mixed, flip true" in out
    assert "flip 2025-03-18 → 2025-05-25" in out


def test_trajectory_places_undated_items_and_finds_both_flips(blocs: Store) -> None:
    t = trajectory(blocs, "Meridian Council", "Birch League")
    assert [(p.key, p.polarity) for p in t.periods] == [
        ("2024-01", "positive"), ("2024-03", "negative"), ("2024-07", "positive"),
        ("2024", "positive"),
    ]  # fmt: skip
    placed = [p for per in t.periods for p in per.points if p.placed == "order"]
    assert [(p.quote, p.period, p.date) for p in placed] == [("still shameful", "2024-03", None)]
    assert [(f.before.key, f.after.key) for f in t.flips] == [("2024-01", "2024-03"),
                                                              ("2024-03", "2024-07")]  # fmt: skip
    d = t.as_dict()
    assert d["flips"][0]["before"][0]["quote"] == "admirable restraint"
    assert {e["quote"] for e in d["flips"][0]["after"]} == {
        "a shameful spectacle",
        "still shameful",
    }
    assert d["declared"][0]["flip"] is True and d["derived"]["flip"] is True
    # by year, both signs meet in one period: mixed, and no flip
    y = trajectory(blocs, "Meridian", "Birch", freq="year")
    assert [(p.key, p.mixed_reason) for p in y.periods] == [("2024", "both-signs")]
    assert not y.flips and y.as_dict()["mixed"] == ["2024"]
    with pytest.raises(QueryError):
        trajectory(blocs, "Meridian", "Birch", freq="week")


def test_trajectory_without_flip(blocs: Store) -> None:
    t = trajectory(blocs, "Alder", "Aspen")
    assert t.derived["polarity"] == "positive" and not t.flips
    assert t.agreement == [{"stance": t.declared[0].iri, "polarity": True, "flip": True}]


# -- network analysis ------------------------------------------------------------
def test_balance_counts_the_triads_a_person_would(graph: nx.MultiDiGraph, blocs_path: Path) -> None:
    b = balance(graph)
    assert (b["triads"], b["balanced"], b["unbalanced"], b["ratio"]) == (5, 4, 1, 0.8)
    [bad] = b["unbalanced_triads"]
    assert set(bad["nodes"]) == {ALDER, BIRCH, MERIDIAN}
    assert sorted(bad["signs"]) == [-1, 1, 1]
    for e in bad["edges"]:
        assert e["evidence"] and e["sources"]
    cross = next(e for e in bad["edges"] if {e["from"], e["to"]} == {ALDER, BIRCH})
    assert set(cross["sources"]) == {SOURCE + "alder-on-aspen", SOURCE + "birch-on-beech"}
    assert run(blocs_path, "analyze", "balance", "--json") == b
    assert "1 unbalanced" in run(blocs_path, "analyze", "balance")


def test_communities_separate_the_blocs(graph: nx.MultiDiGraph, blocs_path: Path) -> None:
    c = communities(graph, seed=1)
    where = {n: x["id"] for x in c["communities"] for n in x["members"]}
    assert where[ALDER] == where[ASPEN]
    assert where[BIRCH] == where[BEECH]
    assert where[ALDER] != where[BIRCH]
    assert len(c["across_negative"]) == 4 and all(e["evidence"] for e in c["across_negative"])
    assert communities(graph, seed=1) == c  # same seed, same answer
    for seed in (0, 2, 3):
        w = {n: x["id"] for x in communities(graph, seed=seed)["communities"] for n in x["members"]}
        assert w[ALDER] == w[ASPEN] != w[BIRCH] == w[BEECH]
    out = run(blocs_path, "analyze", "communities", "--json", "--seed", "1")
    assert out["communities"] == c["communities"]


def test_centrality_is_traceable(graph: nx.MultiDiGraph, blocs_path: Path) -> None:
    c = centrality(graph)
    by = {r["node"]: r for r in c["nodes"]}
    assert set(by) == {ALDER, ASPEN, BIRCH, BEECH, MERIDIAN}
    assert by[ALDER]["negative"]["in_degree"] == 2  # criticised by Birch and Beech
    assert by[MERIDIAN]["negative"]["in_degree"] == 0
    assert by[ALDER]["positive"]["pagerank"] > by[MERIDIAN]["positive"]["pagerank"]
    for r in c["nodes"]:
        assert r["edges"] and all(e["evidence"] and e["sources"] for e in r["edges"])
    out = run(blocs_path, "analyze", "centrality", "--json", "--top", "2")
    assert len(out["nodes"]) == 2
    assert "Alder Party" in run(blocs_path, "analyze", "centrality")


def test_ego_and_path(graph: nx.MultiDiGraph, blocs: Store, blocs_path: Path) -> None:
    e = ego(graph, "Meridian", depth=1, store=blocs)
    assert {n["node"] for n in e["nodes"]} == {MERIDIAN, ALDER, BIRCH}
    assert all(x["evidence"] and x["sources"] for x in e["edges"])
    assert len(ego(graph, "Meridian", depth=2)["nodes"]) == 5
    p = paths(graph, "Aspen", "Meridian")
    assert p["length"] == 2
    assert sorted(x["labels"][1] for x in p["paths"]) == ["Alder Party", "Birch League"]
    via_birch = next(x for x in p["paths"] if x["labels"][1] == "Birch League")
    assert [s["sign"] for s in via_birch["steps"]] == [-1, 1] and via_birch["sign"] == -1
    for step in via_birch["steps"]:
        for ev in step["evidence"]:
            assert ev["kind"] and ev["sources"] and ev["evidence"][0] == ev["key"]
            assert ev["kind"] == "stance" or ev["quote"] or ev["text"]
    out = run(blocs_path, "analyze", "path", "Aspen", "Meridian", "--json")
    assert out["length"] == 2
    out = run(blocs_path, "analyze", "ego", "Meridian", "--depth", "1", "--json")
    assert len(out["nodes"]) == 3
    out = run(blocs_path, "analyze", "ego", "Alder", "--json", "--kind", "criticism")
    assert {x["kind"] for x in out["edges"]} == {"criticism"} and len(out["edges"]) == 4
    # criticism is undated: a slice leaves Meridian without relationships, which is said
    args = ["analyze", "ego", "Meridian", "--kind", "criticism", "--since", "2024-01-01"]
    result = CliRunner().invoke(cli, ["--store", str(blocs_path), *args])
    assert result.exit_code == 2 and "no relationship" in result.output


def test_unknown_actor_is_an_error(blocs_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--store", str(blocs_path), "analyze", "path", "Aspen", "Zorro"]
    )
    assert result.exit_code == 2
    assert "Zorro" in result.output
