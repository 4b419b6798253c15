"""The network page without a browser: escaping, CSP hashes, offline, cuts and notes."""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from stancegraph.cli import cli
from stancegraph.share.network import (
    NotebookHTML,
    build_network,
    fast_layout,
    network_html,
    safe_url,
    script_json,
    show_network,
    write_network_html,
)

REPO = Path(__file__).resolve().parents[1]
PAYLOAD = "</script><script>alert(1)</script><img src=x onerror=alert(2)>\u2028"


def small_graph() -> nx.MultiDiGraph:
    """A graph in the shape of stancegraph.project.graph.to_networkx, with hostile text."""
    g = nx.MultiDiGraph()
    g.add_node("a", label="Анна <b>Берг</b>", type="Person", wikidata="Q42", iri="a")
    g.add_node("b", label=PAYLOAD, type="State", wikidata=None, iri="b")
    g.add_node("c", label="Group C", type="Group", wikidata=None, iri="c")
    common = {"precision": "day", "evidence": ["ev"], "weight": 1.0}
    g.add_edge("a", "b", key="e1", kind="stance", polarity="mixed", sign=0, date="2025-01-02",
               text=PAYLOAD, quote=None, sources=["https://w3id.org/stancegraph/graph/source/s"],
               strength="strong", **common)  # fmt: skip
    g.add_edge("a", "b", key="e2", kind="statement", polarity="negative", sign=-1,
               date="2024-05-06", text="said", quote=PAYLOAD,
               sources=[{"iri": "s2", "title": PAYLOAD, "url": "javascript:alert(3)"}],
               **common)  # fmt: skip
    g.add_edge("b", "c", key="e3", kind="contact", polarity="neutral", sign=0, date=None,
               text="met", quote=None, sources=[], url="https://example.org/a", **common)  # fmt: skip
    return g


def _data(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="sg-data">(.*?)</script>', page, re.S)
    assert block is not None
    return json.loads(block.group(1))


def test_script_json_escapes_what_ends_a_script() -> None:
    text = script_json({"x": PAYLOAD + "&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text)["x"] == PAYLOAD + "&"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//example.org/x",
        "https:\\\\example.org",
        "http://",
        "",
        None,
    ],
)
def test_unsafe_urls_are_never_links(url: str | None) -> None:
    assert safe_url(url) is None


def test_page_is_escaped_offline_and_hash_locked() -> None:
    g = small_graph()
    before = copy.deepcopy(nx.node_link_data(g, edges="edges"))
    page = network_html(g, title=PAYLOAD, generated="2025-01-01")
    assert nx.node_link_data(g, edges="edges") == before, "the input graph must not change"
    # Nothing from the documents appears as markup.
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page
    # Offline: no external script, stylesheet, font or frame; no remote URL in the head.
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    head = page.split("<body", 1)[0]
    assert "http://" not in head.split("<style>")[0] and "https://" not in head.split("<style>")[0]
    # Every inline script and style is allowed by hash, and nothing else is.
    csp = html.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1]
    )
    assert "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert "connect-src 'none'" in csp
    for tag in ("script", "style"):
        for body in re.findall(rf"<{tag}>(.*?)</{tag}>", page, re.S):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in csp
    data = _data(page)
    assert data["meta"]["title"] == PAYLOAD.strip()[: len(data["meta"]["title"])]
    info = data["info"]["edges"]
    links = [s["url"] for e in info.values() for s in e["sources"]]
    assert links and all(u is None for u in links), "javascript: sources are not links"
    assert {e["url"] for e in info.values()} == {None, "https://example.org/a"}
    assert data["info"]["nodes"]["0"]["wikidataUrl"] == "https://www.wikidata.org/wiki/Q42"


def test_legend_style_and_arrows() -> None:
    data = _data(network_html(small_graph(), generated="2025-01-01"))
    edges = {e["id"]: e for e in data["edges"]}
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[0]["shape"] == "dot" and nodes[1]["shape"] == "diamond"
    assert edges["e0"]["color"] == "#7b3294" and edges["e1"]["dashes"] is True
    assert edges["e0"]["width"] > edges["e1"]["width"]  # strong stance is wider
    assert edges["e2"]["arrows"] == "" and edges["e0"]["arrows"] == "to"
    assert "\n" in edges["e1"]["title"]  # plain-text tooltip, one fact per line
    assert data["options"]["physics"]["enabled"] is True


def test_write_is_utf8_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "net.html"
    export = write_network_html(small_graph(), out, title="Берг")
    assert "Берг" in out.read_text(encoding="utf-8")
    assert export.nodes == 3 and export.edges == 3 and export.notes == []
    assert export.size == len(out.read_bytes())


def test_large_graph_precomputed_cut_and_aggregated() -> None:
    g = nx.MultiDiGraph()
    base = nx.connected_caveman_graph(40, 10)
    for n in base:
        g.add_node(n, label=f"n{n}", type="Person")
    for u, v in base.edges:
        for k in range(2):
            g.add_edge(u, v, key=f"{u}-{v}-{k}", kind="statement", polarity="positive", sign=1)
    export = build_network(g, max_nodes=350, physics_threshold=300, generated="2025-01-01")
    assert export.nodes == 350 and not export.physics and export.aggregated
    notes = " ".join(export.notes)
    assert "max_nodes=350" in notes and "aggregated" in notes and "physics off" in notes
    data = _data(export.html)
    assert all("x" in n and n["physics"] is False for n in data["nodes"])
    assert data["options"]["physics"]["enabled"] is False
    assert "aggregated" in export.html  # the page says so too


def test_fast_layout_is_seeded() -> None:
    g = nx.connected_caveman_graph(5, 4)
    assert fast_layout(g, seed=7) == fast_layout(g, seed=7)
    assert fast_layout(g, seed=7) != fast_layout(g, seed=8)


def test_notebook_object_is_a_sandboxed_srcdoc_iframe() -> None:
    shown = show_network(small_graph(), height=400)
    markup = shown._repr_html_() if isinstance(shown, NotebookHTML) else shown.data
    assert markup.startswith("<iframe srcdoc=")
    assert 'sandbox="allow-scripts allow-popups' in markup and "allow-same-origin" not in markup
    assert "<script" not in markup  # the whole page is inside the escaped attribute


def test_cli_viz_writes_the_demo_page(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")
    result = runner.invoke(cli, ["--store", store, "build", str(REPO / "graph")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out" / "network.html"
    result = runner.invoke(cli, ["--store", store, "viz", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and out.exists()
    result = runner.invoke(
        cli,
        ["--store", store, "viz", "--focus", "Vladimir Putin", "--depth", "1", "--kind",
         "statement,contact", "--since", "2025", "--title", "Putin", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = _data(out.read_text(encoding="utf-8"))
    kinds = {e["kind"] for e in data["info"]["edges"].values()}
    assert kinds <= {"statement", "contact"}
    assert all(e["date"] >= "2025" for e in data["info"]["edges"].values())
    result = runner.invoke(cli, ["--store", store, "viz", "--since", "2025-13", "-o", str(out)])
    assert result.exit_code == 2 and "not a date" in result.output
