"""The event benchmark runs end to end on a small generated file, server included.

Figures are never asserted (wall-clock time is the benchmark's business, not the
tests'); what is checked is that every system measured the same work: the same
rows for each analyst query, the same network, the same quads in the bulk loader.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.events import QUERIES, WINDOWS, run, table

pytestmark = pytest.mark.server


def test_events_benchmark_small(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = run(
        4000,
        baseline_events=4000,
        runs=1,
        server=True,
        kglab_ok=False,
        workdir=tmp_path / "work",
        results_dir=tmp_path / "results",
    )
    saved = json.loads((tmp_path / "results" / "events-4000.json").read_text(encoding="utf-8"))
    assert saved["events"] == 4000
    ours, bulk, base, server = (
        results["ours"],
        results["oxigraph_bulk"],
        results["rdflib"],
        results["server"],
    )
    for part in (ours, bulk, base, server):
        assert "error" not in part, part
    assert ours["events"] == 4000
    assert bulk["triples"] == ours["triples"]  # the loader read exactly our quads
    assert server["triples"] == ours["triples"]  # the server holds exactly our quads
    for q in (*QUERIES, *WINDOWS):
        # Summaries (ours, server) and per-event reading (rdflib) give the same rows.
        assert ours[f"q_{q}_rows"] == base[f"q_{q}_rows"] == server[f"q_{q}_rows"], q
    assert ours["q_pair_events_rows"] > ours["q_pair_events_year_rows"] > 0
    assert ours["projection_edges"] == base["projection_edges"] == server["projection_edges"]
    assert ours["projection_edges"] > 100
    printed = capsys.readouterr().out
    assert table(results) in printed
    assert "server (GSP, 127.0.0.1): import" in printed
