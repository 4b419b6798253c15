"""Benchmark: exporting and opening big network pages.

Measures, in one run:

- the layout: :func:`stancegraph.share.network.fast_layout` against the baseline
  ``networkx.spring_layout`` on the same graph (default 1,000 nodes, where
  the baseline still finishes);
- the export of a 5,000-node projection-shaped graph (time, file size, nodes
  and edges drawn, notes);
- time to interactive in headless Chromium (``window.stancegraph.ready``),
  for that page and for a 300-node page that vis-network lays out itself
  (physics on, the small-graph path).

Prints the numbers and the ratios; asserts nothing.

Usage::

    python -m bench.viz [--nodes 5000] [--layout-nodes 1000] [--seed 3] [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]


def _graph(n: int, seed: int):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from test_browser import large_graph

    return large_graph(n, seed=seed)


def _time_to_interactive(page_path: Path) -> float | None:
    exe = os.environ.get("STANCEGRAPH_CHROMIUM") or shutil.which("chromium")
    if exe is None:
        return None
    from playwright.sync_api import sync_playwright

    from stancegraph.share.network import HEADLESS_CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=HEADLESS_CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
        )
        start = time.perf_counter()
        page.goto(page_path.resolve().as_uri())
        page.wait_for_function(
            "() => Boolean(window.stancegraph && window.stancegraph.ready)", timeout=600_000
        )
        elapsed = time.perf_counter() - start
        browser.close()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    import networkx as nx

    from stancegraph.share.network import fast_layout, write_network_html

    parser = argparse.ArgumentParser(prog="python -m bench.viz", description=__doc__)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--layout-nodes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)

    small = nx.Graph(_graph(args.layout_nodes, args.seed).to_undirected())
    t = time.perf_counter()
    fast_layout(small, seed=args.seed)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    try:
        nx.spring_layout(small, seed=args.seed)
        base: float | None = time.perf_counter() - t
    except ImportError as exc:  # its sparse path (>= 500 nodes) needs SciPy
        base = None
        print(f"baseline networkx.spring_layout unavailable: {exc}")
    print(f"layout, {small.number_of_nodes()} nodes: fast_layout {ours:.2f} s", end="")
    print(f"; spring_layout {base:.2f} s; ratio {base / ours:.1f}x" if base else "")

    graph = _graph(args.nodes, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "big.html"
        t = time.perf_counter()
        export = write_network_html(graph, out, title=f"{args.nodes} actors", seed=args.seed)
        took = time.perf_counter() - t
        print(
            f"export, {graph.number_of_nodes()} nodes / {graph.number_of_edges()} evidence edges: "
            f"{took:.2f} s, {export.size / 1e6:.2f} MB, drawn {export.nodes} nodes / "
            f"{export.edges} edges"
        )
        for note in export.notes:
            print(f"  note: {note}")
        if args.no_browser:
            return 0
        small_out = Path(tmp) / "small.html"
        write_network_html(_graph(300, args.seed), small_out, seed=args.seed)
        big_tti = _time_to_interactive(out)
        small_tti = _time_to_interactive(small_out)
        if big_tti is None or small_tti is None:
            print("no Chromium: skipped time to interactive")
            return 0
        print(
            f"time to interactive, {args.nodes} nodes (precomputed, physics off): {big_tti:.2f} s"
        )
        print(f"time to interactive, 300 nodes (vis-network physics): {small_tti:.2f} s")
        print(f"ratio big / small: {big_tti / small_tti:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
