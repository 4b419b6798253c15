"""The glue the notebooks stand on: finding the repo, the demo store, the server, the plots."""

from __future__ import annotations

import math
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd
import pytest

import stancegraph
from stancegraph.analysis import trajectory
from stancegraph.errors import StancegraphError, StoreError
from stancegraph.notebook.helpers import (
    build_demo,
    degree_histogram,
    demo_store,
    diff_frames,
    find_repo_root,
    oxigraph_server,
    plot_trajectory,
    start_oxigraph,
    trajectory_frame,
)
from stancegraph.store import Store

from _helpers import snapshot

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = demo_store()
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


# -- finding the repository and building the demo -------------------------------------
def test_find_repo_root_from_notebooks_and_from_root() -> None:
    assert find_repo_root(REPO / "notebooks") == REPO
    assert find_repo_root(REPO) == REPO
    assert find_repo_root(REPO / "src" / "stancegraph") == REPO


def test_find_repo_root_prefers_the_checkout_around_start(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n", encoding="utf-8")
    (tmp_path / "graph").mkdir()
    (tmp_path / "notebooks").mkdir()
    assert find_repo_root(tmp_path / "notebooks") == tmp_path.resolve()


def test_find_repo_root_falls_back_to_the_installed_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_repo_root() == REPO  # editable install: the package's own checkout
    import stancegraph.paths

    monkeypatch.setattr(stancegraph.paths, "REPO_ROOT", None)
    with pytest.raises(StancegraphError, match="no stancegraph checkout"):
        find_repo_root()


def test_demo_store_matches_the_cli_build(store: Store, demo_store_path: Path) -> None:
    """The same graph as the conftest's build of graph/ (what `make demo` builds)."""
    with Store(demo_store_path, read_only=True) as reference:
        assert _facts(store) == _facts(reference)
    paths = {s.path for s in store.sources()}
    assert "graph/actors.yaml" in paths
    assert all(not p.startswith("/") for p in paths)  # no machine path recorded


def _facts(store: Store) -> list[str]:
    # the ingest run (its IRI and times) differs between two builds; the facts do not
    return [q for q in snapshot(store) if "/id/run/" not in q and "AtTime>" not in q]


def test_demo_store_on_disk_is_persistent_and_rebuild_is_a_noop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the working directory does not matter, and is restored
    folder = tmp_path / "store"
    first = demo_store(folder)
    count = first.count()
    report = build_demo(first)
    assert {s.status for s in report.sources} == {"unchanged"}
    first.close()
    with Store(folder, read_only=True) as again:
        assert again.count() == count > 0
    assert Path.cwd() == tmp_path


def test_demo_store_answers_the_library(store: Store) -> None:
    df = stancegraph.query("stance_between", store=store, holder="Trump", target="Putin")
    assert (df.loc[0, "polarity"], df.loc[0, "strength"]) == ("mixed", "strong")


# -- the local server -------------------------------------------------------------------
@pytest.mark.server
def test_start_oxigraph_serves_loopback_and_stops(tmp_path: Path, store: Store) -> None:
    server = start_oxigraph(tmp_path / "db")
    try:
        assert server.running and server.query_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.query_url + "?query=ASK%7B%7D", timeout=10) as r:
            assert r.status == 200
        remote = server.remote()
        build_demo(remote)
        assert remote.count() == store.count()
    finally:
        status = server.stop()
    assert not server.running and status is not None
    assert server.stop() == status  # stopping twice is harmless


@pytest.mark.server
def test_oxigraph_server_context_manager(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path / "db") as server:
        assert server.running
    assert not server.running


@pytest.mark.server
def test_start_oxigraph_reports_a_server_that_cannot_start(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match="oxigraph serve"):
        start_oxigraph(blocker / "db", timeout=20)


# -- comparing results ------------------------------------------------------------------
def test_diff_frames() -> None:
    a = pd.DataFrame({"x": [1, 2], "quote": ["a | b", None]})
    b = pd.DataFrame({"x": [1, 2], "quote": ["b | a", math.nan]})
    assert diff_frames(a, b, set_columns=["quote"]).empty
    assert list(diff_frames(a, b)["column"]) == ["quote"]  # order matters without set_columns
    c = pd.DataFrame({"x": [1, 3], "quote": ["a | b", None]})
    d = diff_frames(a, c, set_columns=["quote"])
    assert d.to_dict("records") == [{"row": 1, "column": "x", "left": 2, "right": 3}]
    assert list(diff_frames(a, a.iloc[:1])["column"]) == ["<shape>"]


# -- plots ------------------------------------------------------------------------------
def test_trajectory_frame_orders_periods_in_time(store: Store) -> None:
    traj = trajectory(store, "Donald Trump", "Vladimir Putin", freq="month")
    frame = trajectory_frame(traj)
    assert list(frame["period"]) == [p.key for p in traj.periods]
    assert (frame["mid"].diff().dropna() > pd.Timedelta(0)).all()
    assert frame["value"].between(-1, 1).all()
    assert frame["points"].sum() == sum(len(p.points) for p in traj.periods)


def test_plot_trajectory_draws_periods_and_flips(store: Store) -> None:
    traj = trajectory(store, "Donald Trump", "Vladimir Putin", freq="month")
    ax = plot_trajectory(traj)
    assert len(ax.collections) >= len(traj.periods)  # one marker (+ one span) per period
    flips = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(flips) == len(traj.flips) >= 1
    assert "Donald Trump" in ax.get_title() and "Vladimir Putin" in ax.get_title()
    _fig, given = plt.subplots()
    assert plot_trajectory(traj, ax=given) is given


def test_plot_trajectory_without_evidence(store: Store) -> None:
    traj = trajectory(store, "Viktor Orbán", "Kim Jong Un")
    ax = plot_trajectory(traj)
    assert not traj.periods and ax.get_ylim() == (-1.1, 1.1)


def test_degree_histogram_counts_distinct_neighbours() -> None:
    graph = nx.MultiDiGraph()
    graph.add_edges_from([("a", "b"), ("a", "b"), ("b", "a"), ("a", "c"), ("d", "a"), ("e", "e")])
    ax = degree_histogram(graph)
    heights = [int(p.get_height()) for p in ax.patches]
    # a: b, c, d -> 3; b, c, d: 1 each; e: only a self-loop -> 0
    assert heights == [1, 3, 0, 1]
    assert graph.number_of_edges() == 6  # the caller's graph is left as it was


def test_degree_histogram_on_the_demo_projection(store: Store) -> None:
    from stancegraph.project.graph import to_networkx

    graph = to_networkx(store)
    ax = degree_histogram(graph)
    assert sum(int(p.get_height()) for p in ax.patches) == graph.number_of_nodes()


def test_plots_use_a_headless_backend() -> None:
    assert matplotlib.get_backend().lower() == "agg" or os.environ.get("MPLBACKEND")
