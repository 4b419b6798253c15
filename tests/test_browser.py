"""Exported pages in a real headless Chromium: they draw, stay offline and run no document text.

One browser for the module; every page load routes all requests and fails the
test on anything that is not ``file://`` or ``data:``; ``dialog`` events and
console errors are collected and must stay empty.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml

from stancegraph.ingest.pipeline import ingest
from stancegraph.project.graph import to_networkx
from stancegraph.share.network import HEADLESS_CHROMIUM_ARGS, source_index, write_network_html
from stancegraph.share.render import evidence_brief, render_brief, render_card, stance_card
from stancegraph.store import Store

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
YAML_CARD = REPO / "graph" / "sources" / "trump-on-putin.yaml"
XSS = [
    line for line in (FIXTURES / "xss.txt").read_text(encoding="utf-8").split("\n") if line.strip()
]


def _chromium() -> str | None:
    return os.environ.get("STANCEGRAPH_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = _chromium()
    if exe is None:
        pytest.skip("no Chromium: run 'make browser' or set STANCEGRAPH_CHROMIUM")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=HEADLESS_CHROMIUM_ARGS)
        yield b
        b.close()


class Watched:
    """A page that records dialogs, console errors, page errors and outbound requests."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 800})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.route("**/*", self._route)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, msg: Any) -> None:
        if msg.type in {"error", "warning"}:
            self.errors.append(f"{msg.type}: {msg.text}")

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, path: Path) -> Any:
        self.page.goto(path.resolve().as_uri())
        return self.page

    def assert_clean(self) -> None:
        assert self.dialogs == [], self.dialogs
        assert self.blocked == [], self.blocked
        assert self.errors == [], self.errors

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.close()


def _wait_ready(page: Any, timeout: float = 120_000) -> None:
    page.wait_for_function(
        "window.stancegraph && window.stancegraph.ready === true", timeout=timeout
    )


def _counts(page: Any) -> tuple[int, int]:
    return tuple(
        page.evaluate("[window.stancegraph.nodes.length, window.stancegraph.edges.length]")
    )


def test_demo_network_draws_offline(watched: Watched, tmp_path: Path) -> None:
    store = Store(None)
    ingest(store, [YAML_CARD])
    graph = to_networkx(store)
    out = tmp_path / "network.html"
    export = write_network_html(graph, out, title="Trump and Putin", sources=source_index(store))
    page = watched.open(out)
    _wait_ready(page)
    assert _counts(page) == (graph.number_of_nodes(), graph.number_of_edges())
    assert (export.nodes, export.edges) == _counts(page)
    # Clicking an edge (through the page's own handler) shows its evidence as text.
    first = page.evaluate("window.stancegraph.edges.getIds()[0]")
    page.evaluate("id => window.stancegraph.showEdge(id)", first)
    assert "Source:" in page.inner_text("#details")
    png = page.locator("#network").screenshot()
    from io import BytesIO

    from PIL import Image, ImageStat

    stat = ImageStat.Stat(Image.open(BytesIO(png)).convert("L"))
    assert stat.var[0] > 50, "the network drawing is blank"
    watched.assert_clean()


def _xss_yaml(path: Path) -> Path:
    """A YAML file of cards with a payload in every name, text, quote, category and URL."""
    cards = []
    n = len(XSS)
    for i, payload in enumerate(XSS):
        other = XSS[(i + 1) % n]
        previous = XSS[(i - 1) % n]  # an actor already (or soon) named: resolves exactly
        cards.append(
            {
                "type": "stance-card",
                "holder": payload,
                "holder_role": other,
                "target": {"name": "Ada Lovelace", "kind": "person"},
                "stance": {"polarity": "mixed", "kind": "relationship", "strength": "strong"},
                "summary": payload,
                "context": other,
                "timeline": [
                    {"text": f"Said {payload}", "date": "2024-05-01", "quote": other},
                    {"text": other, "quote": payload},
                ],
                "actions": [
                    {"category": "Bilateral Summit", "text": payload, "date": "2024-06-02"},
                    {"category": payload, "text": other},
                ],
                "criticism": [{"critic": previous, "text": payload}],
                "source": {"title": payload, "url": payload},
            }
        )
    path.write_text(yaml.safe_dump({"cards": cards}, allow_unicode=True), encoding="utf-8")
    return path


def test_xss_corpus_runs_nothing(browser: Any, tmp_path: Path) -> None:
    assert len(XSS) >= 20
    store = Store(None)
    ingest(store, [_xss_yaml(tmp_path / "xss-cards.yaml")])
    graph = to_networkx(store)
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    # Resolution may fold near-identical names into one actor; most stay apart.
    named = [p for p in XSS if p in labels]
    assert len(named) >= 20, sorted(set(XSS) - labels)

    pages: list[tuple[Path, str]] = []
    net = tmp_path / "xss-network.html"
    write_network_html(graph, net, title=XSS[0], sources=source_index(store))
    ada = next(n for n, d in graph.nodes(data=True) if d["label"] == "Ada Lovelace")
    for i, payload in enumerate(named):
        holder = next(n for n, d in graph.nodes(data=True) if d["label"] == payload)
        card = tmp_path / f"card-{i}.html"
        card.write_text(
            render_card(stance_card(store, f"<{holder}>", f"<{ada}>"), fmt="html"), encoding="utf-8"
        )
        pages.append((card, payload))
    brief = tmp_path / "brief.html"
    first = next(n for n, d in graph.nodes(data=True) if d["label"] == XSS[0])
    brief.write_text(
        render_brief(evidence_brief(store, f"<{first}>", f"<{ada}>", graph=graph), fmt="html"),
        encoding="utf-8",
    )

    w = Watched(browser)
    try:
        page = w.open(net)
        _wait_ready(page)
        node_labels = page.evaluate(
            "Object.values(window.stancegraph.info.nodes).map(n => n.label)"
        )
        assert set(named) <= set(node_labels)
        # Show every edge's evidence and every node in the panel; hover a node for its tooltip.
        page.evaluate(
            "() => { for (const id of window.stancegraph.edges.getIds()) "
            "window.stancegraph.showEdge(id); }"
        )
        page.evaluate(
            "() => { for (const id of window.stancegraph.nodes.getIds()) "
            "window.stancegraph.showNode(id); }"
        )
        assert page.inner_text("#details").strip()
        assert page.locator("#details a").count() == 0 or all(
            href.startswith(("http:", "https:"))
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        )
        assert page.inner_text("#sg-title") == XSS[0]
        for card, payload in pages:
            page = w.open(card)
            body = page.inner_text("body")
            assert payload.replace("\u2028", " ") in body.replace("\u2028", " ")
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            assert all(h.startswith(("http:", "https:")) for h in hrefs), hrefs
        page = w.open(brief)
        assert XSS[0] in page.inner_text("h1")
        page.wait_for_timeout(200)
        w.assert_clean()
    finally:
        w.close()


def test_card_and_brief_pages_load_offline(watched: Watched, tmp_path: Path) -> None:
    store = Store(None)
    ingest(store, [YAML_CARD])
    card = tmp_path / "card.html"
    card.write_text(
        render_card(stance_card(store, "Donald Trump", "Vladimir Putin"), fmt="html"),
        encoding="utf-8",
    )
    page = watched.open(card)
    text = page.inner_text("body")
    assert "Mixed Relationship Stance (strong) Flip" in text
    assert page.locator("ol li").count() >= 7 + 4
    brief = tmp_path / "brief.html"
    brief.write_text(
        render_brief(evidence_brief(store, "Trump", "Putin"), fmt="html"), encoding="utf-8"
    )
    page = watched.open(brief)
    assert "Limitations" in page.inner_text("body")
    watched.assert_clean()


def test_five_thousand_nodes_become_interactive(watched: Watched, tmp_path: Path) -> None:
    graph = large_graph(5000, seed=3)
    out = tmp_path / "big.html"
    export = write_network_html(graph, out, title="5,000 actors", seed=1)
    assert not export.physics and export.aggregated
    page = watched.open(out)
    _wait_ready(page, timeout=240_000)
    nodes, edges = _counts(page)
    assert nodes == 5000 and edges == export.edges
    assert page.evaluate("window.stancegraph.network.physics.options.enabled") is False
    watched.assert_clean()


def large_graph(n: int, *, seed: int = 0) -> nx.MultiDiGraph:
    """A projection-shaped multigraph of ``n`` actors in communities, with parallel edges."""
    import random

    rng = random.Random(seed)
    base = nx.powerlaw_cluster_graph(n, 2, 0.3, seed=seed)
    graph = nx.MultiDiGraph()
    types = ["Person", "Organization", "State", "Group"]
    for i in base.nodes:
        graph.add_node(
            f"https://w3id.org/stancegraph/id/actor/a{i}",
            label=f"Actor {i}",
            type=types[i % 4],
            wikidata=None,
            iri=f"https://w3id.org/stancegraph/id/actor/a{i}",
        )
    polarities = {"positive": 1, "negative": -1, "mixed": 0, "neutral": 0}
    k = 0
    for u, v in base.edges:
        for _ in range(rng.choice([1, 1, 2])):
            pol = rng.choice(list(polarities))
            a, b = (u, v) if rng.random() < 0.5 else (v, u)
            graph.add_edge(
                f"https://w3id.org/stancegraph/id/actor/a{a}",
                f"https://w3id.org/stancegraph/id/actor/a{b}",
                key=f"https://w3id.org/stancegraph/id/statement/{k}",
                kind=rng.choice(["statement", "contact", "action", "event"]),
                sign=polarities[pol],
                polarity=pol,
                weight=1.0,
                date=f"20{10 + k % 15}-0{1 + k % 9}",
                precision="month",
                text=f"Evidence {k}",
                quote=None,
                evidence=[f"https://w3id.org/stancegraph/id/statement/{k}"],
                sources=["https://w3id.org/stancegraph/graph/source/bench"],
            )
            k += 1
    return graph
