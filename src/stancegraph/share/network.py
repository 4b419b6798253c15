"""Interactive relationship networks as one self-contained, shareable HTML file.

Why our own page and not pyvis's: pyvis 0.3.2 links Bootstrap and vis-network
from CDNs (even with ``cdn_resources="in_line"``), its Jinja environment does
not autoescape, and its template sets ``innerHTML`` from titles. Analysts mail
these files around, so the page here

- carries every script and style inline (vis-network 9.1.2 as shipped inside
  the pyvis package) and makes no request at all;
- escapes every piece of document text: HTML text through Jinja2 with
  autoescape, the data as JSON inside a non-executed ``application/json``
  block with ``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\\uXXXX``;
  the page's script builds the side panel with ``textContent`` only, and
  vis-network 9 shows string tooltips as plain text (``innerText``);
- links only ``http``/``https`` URLs (checked here and again in the page),
  with ``rel="noopener noreferrer"``;
- sets a Content-Security-Policy that allows exactly its own inline scripts
  and styles (by SHA-256 hash), data: images, and nothing else: no inline
  event handlers, no remote loads, no connections.

pyvis stays the network builder (:class:`pyvis.network.Network` nodes, edges
and options); only the page around them is ours.

Large graphs: past ``physics_threshold`` nodes the layout is computed here
(:func:`fast_layout`, a sampled Fruchterman–Reingold in NumPy: about a second
for 5,000 nodes, where ``networkx.spring_layout`` takes minutes without
SciPy and vis-network's physics several minutes in the browser), physics is
switched off and parallel edges are aggregated per ordered pair. Every cut
or aggregation is reported in :attr:`NetworkExport.notes`, on the page and by
the CLI.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import networkx as nx
import numpy as np

from stancegraph.store.base import GraphStore

__all__ = [
    "ACTOR_STYLES",
    "HEADLESS_CHROMIUM_ARGS",
    "POLARITY_COLOURS",
    "NetworkExport",
    "NotebookHTML",
    "build_network",
    "csp_header",
    "fast_layout",
    "inline_asset",
    "network_html",
    "page_environment",
    "safe_url",
    "script_json",
    "show_network",
    "source_index",
    "write_network_html",
]

# Flags for opening an exported page in headless Chromium the way a recipient's
# offline machine would: no sandbox helper, no GPU, and none of the browser's own
# background connections (which a closed network refuses, and which tests must not
# mistake for the page reaching out).
HEADLESS_CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

POLARITY_COLOURS: dict[str, str] = {
    "positive": "#1a9850",
    "negative": "#d73027",
    "mixed": "#7b3294",
    "neutral": "#8c8c8c",
}
"""Edge colour per polarity (green, red, purple, grey: distinct for common colour blindness
together with the dashes that mark negative edges)."""

ACTOR_STYLES: dict[str, tuple[str, str]] = {
    "Person": ("dot", "#4e79a7"),
    "Organization": ("square", "#f28e2b"),
    "State": ("diamond", "#59a14f"),
    "Group": ("triangle", "#b07aa1"),
    "Topic": ("hexagon", "#9c755f"),
    "Actor": ("dot", "#bab0ac"),
}
"""vis-network shape and colour per actor type."""

_STRENGTH_WIDTH = {"weak": 1.5, "moderate": 3.0, "strong": 4.5}
_UNDIRECTED_KINDS = {"contact"}
_TEXT_SHORT = 160
_DETAIL_ITEMS = 25
_STANCEGRAPH_BASE = "https://w3id.org/stancegraph/"
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")
_URL_BAD = re.compile(r"[\x00-\x20\x7f\\]")


# -- safety helpers -------------------------------------------------------------
def script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element of an HTML page.

    ``json.dumps`` alone is not: a string holding ``</script>`` ends the
    element, and U+2028/U+2029 end lines in older JavaScript. Those
    characters are written as ``\\uXXXX`` escapes, which JSON reads back as
    the same text.

    Examples
    --------
    >>> script_json({"q": "</script><b>&"})
    '{"q": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    >>> json.loads(script_json({"q": "</script>"}))["q"]
    '</script>'
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group()], text)


def safe_url(url: Any) -> str | None:
    """``url`` if it may become a link (absolute ``http``/``https`` with a host), else None.

    ``javascript:``, ``data:``, ``vbscript:``, ``file:``, relative URLs and
    anything with spaces, control characters or backslashes never become
    links: browsers strip such characters before reading the scheme, so a
    "harmless" looking URL could otherwise hide one.

    Examples
    --------
    >>> safe_url("https://example.org/a?b=1")
    'https://example.org/a?b=1'
    >>> safe_url("javascript:alert(1)") is None, safe_url(" java\\tscript:x") is None
    (True, True)
    """
    if not isinstance(url, str) or not url or len(url) > 4096 or _URL_BAD.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def _sha256(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def csp_header(scripts: Iterable[str], styles: Iterable[str]) -> str:
    """The Content-Security-Policy of a page with exactly these inline scripts and styles.

    Hashes instead of ``'unsafe-inline'``: a page opened from ``file://`` has
    no origin that ``'self'`` could name, and hashes still forbid inline
    event handlers (``onerror=...``) and any script or style the page did not
    ship with.
    """
    script_src = " ".join(_sha256(s) for s in scripts) or "'none'"
    style_src = " ".join(_sha256(s) for s in styles) or "'none'"
    return (
        "default-src 'none'; "
        f"script-src {script_src}; "
        f"style-src {style_src}; "
        "img-src data:; font-src data:; connect-src 'none'; media-src 'none'; "
        "object-src 'none'; frame-src 'none'; worker-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


@functools.cache
def inline_asset(name: str) -> str:
    """The text of a script or style that pages inline, checked to be inline-safe.

    ``vis-network.min.js`` and ``vis-network.css`` come from the pyvis
    package (``pyvis/templates/lib/vis-9.1.2/``); the rest from
    ``stancegraph/templates/``.
    """
    if name.startswith("vis-network"):
        import pyvis

        path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / name
        text = path.read_text(encoding="utf-8")
    else:
        text = resources.files("stancegraph.share").joinpath("templates", name).read_text("utf-8")
    lowered = text.lower()
    for bad in ("</script", "</style", "<!--"):
        if bad in lowered:  # would end or confuse the inline element
            raise ValueError(f"asset {name!r} contains {bad!r} and cannot be inlined")
    return text


@functools.cache
def page_environment() -> Any:
    """The Jinja2 environment of every page: package templates, autoescape always on.

    Its ``safe_url`` filter is how templates decide whether a URL becomes a link.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("stancegraph.share", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url  # templates link only what this lets through
    return env


# -- layout ---------------------------------------------------------------------
def fast_layout(
    G: nx.Graph,  # noqa: N803 - networkx convention
    *,
    seed: int | None = 0,
    iterations: int = 100,
    sample: int = 128,
) -> dict[Any, tuple[float, float]]:
    """Positions in the unit square by a sampled Fruchterman–Reingold, for big graphs.

    Why not ``networkx.spring_layout``: its exact repulsion is quadratic in
    the number of nodes per iteration (5,000 nodes: ~40 s even vectorised,
    several minutes in its sparse path) and its sparse path needs SciPy.
    Here each iteration pushes every node away from ``sample`` random nodes
    (scaled up to stand for all of them) and pulls it along its edges, so an
    iteration costs ``O(n * sample + m)``; communities still separate.

    Parameters
    ----------
    G
        Any NetworkX graph; direction and parallel edges are ignored.
    seed
        Seed of the start positions and of the samples (same seed, same picture).
    iterations, sample
        Cooling steps and repelling nodes drawn per step.

    Returns
    -------
    dict
        Node to ``(x, y)`` in ``[0, 1]``.

    Examples
    --------
    >>> pos = fast_layout(nx.path_graph(4), seed=1)
    >>> sorted(pos) == [0, 1, 2, 3] and all(0 <= c <= 1 for p in pos.values() for c in p)
    True
    """
    nodes = list(G)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.5, 0.5)}
    index = {v: i for i, v in enumerate(nodes)}
    rng = np.random.default_rng(seed)
    x, y = rng.random(n), rng.random(n)
    pairs = {(index[u], index[v]) for u, v in G.edges() if u != v}
    edges = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    k = math.sqrt(1.0 / n)
    m = min(sample, n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        pivots = rng.choice(n, m, replace=False)
        dx = x[:, None] - x[pivots][None, :]
        dy = y[:, None] - y[pivots][None, :]
        push = (k * k * n / m) / np.maximum(dx * dx + dy * dy, 1e-9)
        fx = (dx * push).sum(1)
        fy = (dy * push).sum(1)
        if len(edges):
            ex = x[edges[:, 0]] - x[edges[:, 1]]
            ey = y[edges[:, 0]] - y[edges[:, 1]]
            pull = np.sqrt(ex * ex + ey * ey) / k
            ax, ay = ex * pull, ey * pull
            fx -= np.bincount(edges[:, 0], ax, n) - np.bincount(edges[:, 1], ax, n)
            fy -= np.bincount(edges[:, 0], ay, n) - np.bincount(edges[:, 1], ay, n)
        length = np.maximum(np.sqrt(fx * fx + fy * fy), 1e-9)
        step = np.minimum(length, temperature) / length
        x += fx * step
        y += fy * step
        temperature -= cooling
    for arr in (x, y):
        arr -= arr.min()
        span = arr.max()
        if span > 0:
            arr /= span
    return {v: (float(x[i]), float(y[i])) for i, v in enumerate(nodes)}


# -- data preparation -------------------------------------------------------------
def _last(value: Any) -> str:
    text = str(value)
    return re.split(r"[#/]", text)[-1] if text.startswith(("http://", "https://")) else text


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _short(text: str | None, limit: int = _TEXT_SHORT) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _polarity(data: Mapping[str, Any]) -> str:
    raw = data.get("polarity")
    if raw:
        pol = _last(raw).lower()
        if pol in POLARITY_COLOURS:
            return pol
    sign = data.get("sign")
    try:
        s = float(sign) if sign is not None else 0.0
    except (TypeError, ValueError):
        s = 0.0
    return "positive" if s > 0 else "negative" if s < 0 else "neutral"


def source_index(store: GraphStore) -> dict[str, dict[str, str | None]]:
    """Title, URL and path of every source document, keyed by its graph IRI.

    Edges of :func:`stancegraph.project.graph.to_networkx` name their sources by
    graph IRI; the page shows them by title and links their URL.
    """
    q = """SELECT ?g ?title ?url ?path WHERE {
             ?g a sg:Source .
             OPTIONAL { ?g dct:title ?title }
             OPTIONAL { ?g schema:url ?url }
             OPTIONAL { ?g sg:sourcePath ?path } }"""
    out: dict[str, dict[str, str | None]] = {}
    for row in store.query(q):
        g = row["g"].value
        entry = out.setdefault(g, {"iri": g, "title": None, "url": None, "path": None})
        for key in ("title", "url", "path"):
            term = row[key]
            if term is not None and entry[key] is None:
                entry[key] = term.value
    return out


def _source(item: Any, index: Mapping[str, Mapping[str, Any]]) -> dict[str, str | None]:
    if isinstance(item, Mapping):
        iri = _text(item.get("iri") or item.get("graph"))
        known = dict(index.get(iri or "", {}))
        known.update({k: v for k, v in item.items() if v is not None})
        item = known
    else:
        iri = str(item)
        item = dict(index.get(iri, {"iri": iri}))
        if "url" not in item and not iri.startswith(_STANCEGRAPH_BASE):
            item["url"] = iri
    title = _text(item.get("title")) or _text(item.get("path"))
    if title is None and iri:
        title = _last(iri)
    return {
        "title": _short(title, 300),
        "url": safe_url(item.get("url")),
        "path": _text(item.get("path")),
        "iri": iri,
    }


def _evidence(item: Any) -> dict[str, str | None]:
    if isinstance(item, Mapping):
        return {
            k: _short(_text(item.get(k)), 600)
            for k in ("iri", "text", "quote", "date")
            if item.get(k) is not None
        }
    return {"iri": _text(item)}


def _detail(
    u_label: str, v_label: str, data: Mapping[str, Any], index: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    sources = data.get("sources") or []
    evidence = data.get("evidence") or []
    if isinstance(sources, str | Mapping):
        sources = [sources]
    if isinstance(evidence, str | Mapping):
        evidence = [evidence]
    return {
        "from": u_label,
        "to": v_label,
        "kind": _text(data.get("kind")) or "link",
        "polarity": _polarity(data),
        "strength": _text(data.get("strength")),
        "date": _text(data.get("date")),
        "precision": _text(data.get("precision")),
        "text": _short(_text(data.get("text")), 600),
        "quote": _short(_text(data.get("quote")), 600),
        "url": safe_url(data.get("url")),
        "evidence": [_evidence(e) for e in list(evidence)[:_DETAIL_ITEMS]],
        "sources": [_source(s, index) for s in list(sources)[:_DETAIL_ITEMS]],
    }


def _width(data: Mapping[str, Any]) -> float:
    strength = _text(data.get("strength"))
    if strength and strength.lower() in _STRENGTH_WIDTH:
        return _STRENGTH_WIDTH[strength.lower()]
    try:
        w = abs(float(data.get("weight", 1.0)))
    except (TypeError, ValueError):
        w = 1.0
    if math.isnan(w):
        w = 1.0
    return round(1.0 + 1.5 * min(w, 3.0), 2)


def _date_ok(date: str | None, since: str | None, until: str | None) -> bool:
    if since is None and until is None:
        return True
    if not date:
        return False
    return (since is None or date[: len(since)] >= since[: len(date)]) and (
        until is None or date[: len(until)] <= until[: len(date)]
    )


# -- the export -------------------------------------------------------------------
@dataclass(slots=True)
class NetworkExport:
    """An exported network page and what was done to fit the graph into it.

    ``notes`` says, in words, every cut or aggregation (also printed on the
    page and by the CLI); ``nodes``/``edges`` are the counts drawn.
    """

    html: str
    title: str
    nodes: int
    edges: int
    physics: bool
    aggregated: bool
    notes: list[str] = field(default_factory=list)
    input_nodes: int = 0
    input_edges: int = 0

    @property
    def size(self) -> int:
        """Size of the page in bytes (UTF-8)."""
        return len(self.html.encode("utf-8"))

    def summary(self) -> str:
        """One line for a terminal: what was drawn and every note."""
        head = (
            f"{self.nodes} nodes, {self.edges} edges, {self.size / 1024:.0f} KiB"
            f"{'' if self.physics else ', layout precomputed (physics off)'}"
        )
        return "; ".join([head, *self.notes])


@functools.cache
def _network_class() -> type:
    """pyvis's Network with O(1) node lookups (its list scan is quadratic on 5,000 nodes)."""
    from pyvis.network import Network

    class FastNetwork(Network):  # type: ignore[misc]
        def get_nodes(self) -> Any:
            return self.node_map

    return FastNetwork


def build_network(
    G: nx.Graph,  # noqa: N803 - networkx convention
    *,
    title: str | None = None,
    focus: Any = None,
    since: str | None = None,
    until: str | None = None,
    kinds: Iterable[str] | None = None,
    max_nodes: int | None = None,
    physics_threshold: int = 300,
    aggregate: bool | None = None,
    sources: Mapping[str, Mapping[str, Any]] | None = None,
    seed: int | None = 0,
    generated: dt.date | dt.datetime | str | None = None,
    height: str = "100%",
) -> NetworkExport:
    """Build the self-contained HTML page of a relationship network.

    Parameters
    ----------
    G
        A graph shaped like :func:`stancegraph.project.graph.to_networkx` returns
        (nodes with ``label``, ``type``, ``wikidata``, ``iri``; edges with
        ``kind``, ``sign``/``polarity``, ``weight``, ``date``, ``text``,
        ``quote``, ``evidence``, ``sources``). Not modified.
    title
        Heading of the page (document text is fine: it is escaped).
    focus
        A node to select and centre when the page opens.
    since, until, kinds
        Extra filters on the edges already in ``G`` (ISO dates compared at
        the precision both sides have; undated edges drop out of a slice).
        Usually the projection has done this already.
    max_nodes
        Keep only this many nodes, those of highest degree (the focus node
        always stays); the page says so.
    physics_threshold
        Above this many nodes the layout is computed in Python and physics
        is off; at or below it vis-network lays the graph out itself.
    aggregate
        Merge parallel edges per ordered pair into one. ``None``: only when
        the graph is above ``physics_threshold``.
    sources
        Source graph IRI to ``{"title", "url", "path"}`` (see
        :func:`source_index`), so that the panel can name and link sources.
    seed
        Seed of every layout (same graph and seed, same picture).
    generated
        The date printed as the day the file was made (default: today, UTC).
    height
        CSS height of the drawing area.

    Returns
    -------
    NetworkExport
    """
    notes: list[str] = []
    index = dict(sources or {})
    input_nodes, input_edges = G.number_of_nodes(), G.number_of_edges()
    kind_set = {str(k) for k in kinds} if kinds is not None else None

    # Which edges and nodes to draw (G itself is never touched).
    edge_rows: list[tuple[Any, Any, Any, Mapping[str, Any]]] = []
    if G.is_multigraph():
        iterator: Iterable[Any] = G.edges(keys=True, data=True)
    else:
        iterator = ((u, v, i, d) for i, (u, v, d) in enumerate(G.edges(data=True)))
    for u, v, key, data in iterator:
        if kind_set is not None and str(data.get("kind")) not in kind_set:
            continue
        if not _date_ok(_text(data.get("date")), since, until):
            continue
        edge_rows.append((u, v, key, data))
    dropped = input_edges - len(edge_rows)
    if dropped:
        notes.append(f"{dropped} of {input_edges} edges are outside the chosen kinds or dates")
    keep = list(G.nodes)
    if max_nodes is not None and len(keep) > max_nodes:
        degree = Counter[Any]()
        for u, v, _k, _d in edge_rows:
            degree[u] += 1
            degree[v] += 1
        order = sorted(keep, key=lambda n: (-degree[n], str(n)))
        chosen = order[: max(int(max_nodes), 0)]
        if focus is not None and focus in G and focus not in chosen:
            chosen = [focus, *chosen[:-1]] if chosen else [focus]
        keep_set = set(chosen)
        before = len(edge_rows)
        edge_rows = [r for r in edge_rows if r[0] in keep_set and r[1] in keep_set]
        notes.append(
            f"cut to the {len(chosen)} of {len(keep)} actors with the most links "
            f"(max_nodes={max_nodes}); {before - len(edge_rows)} edges to the others left out"
        )
        keep = [n for n in keep if n in keep_set]

    large = len(keep) > physics_threshold
    if aggregate is None:
        aggregate = large

    ids = {n: i for i, n in enumerate(keep)}
    labels = {n: _text(G.nodes[n].get("label")) or _last(n) for n in keep}

    net = _network_class()(height=height, width="100%", directed=True, cdn_resources="remote")
    positions: dict[Any, tuple[float, float]] = {}
    if large:
        positions = fast_layout(G if len(keep) == len(G) else G.subgraph(keep), seed=seed)
        scale = 80.0 * math.sqrt(len(keep))
    node_info: dict[str, dict[str, Any]] = {}
    degree_all = Counter[Any]()
    for u, v, _k, _d in edge_rows:
        degree_all[u] += 1
        degree_all[v] += 1
    for n in keep:
        d = G.nodes[n]
        kind = _last(d.get("type") or "Actor")
        shape, colour = ACTOR_STYLES.get(kind, ACTOR_STYLES["Actor"])
        wikidata = _text(d.get("wikidata"))
        if wikidata:
            wikidata = _last(wikidata)
        label = labels[n]
        tip = f"{label}\n{kind}" + (f" · {wikidata}" if wikidata else "")
        tip += f"\n{degree_all[n]} link{'s' if degree_all[n] != 1 else ''}"
        opts: dict[str, Any] = {"title": tip, "size": 10 + min(20, 2 * math.sqrt(degree_all[n]))}
        if large:
            x, y = positions[n]
            opts.update(x=round(x * scale, 1), y=round(y * scale, 1), physics=False)
        net.add_node(ids[n], label=_short(label, 60), shape=shape, color=colour, **opts)
        wd_url = (
            f"https://www.wikidata.org/wiki/{wikidata}"
            if wikidata and re.fullmatch(r"Q\d+", wikidata)
            else None
        )
        node_info[str(ids[n])] = {
            "label": label,
            "type": kind,
            "wikidata": wikidata,
            "wikidataUrl": wd_url,
            "iri": _text(d.get("iri")) or str(n),
            "degree": degree_all[n],
        }

    edge_info: dict[str, dict[str, Any]] = {}
    if aggregate:
        groups: dict[tuple[Any, Any], list[Mapping[str, Any]]] = defaultdict(list)
        for u, v, _k, d in edge_rows:
            groups[(u, v)].append(d)
        merged = sum(len(g) - 1 for g in groups.values())
        if merged:
            notes.append(
                f"parallel edges aggregated per ordered pair: {len(edge_rows)} pieces of evidence "
                f"drawn as {len(groups)} edges (width grows with the count)"
            )
        for i, ((u, v), items) in enumerate(groups.items()):
            pols = {_polarity(d) for d in items}
            signed = pols & {"positive", "negative"}
            pol = (
                "mixed"
                if len(signed) == 2 or "mixed" in pols
                else (signed.pop() if signed else "neutral")
            )
            kinds_count = Counter(_text(d.get("kind")) or "link" for d in items)
            kinds_text = ", ".join(f"{c} {k}" for k, c in sorted(kinds_count.items()))
            directed = any(str(d.get("kind")) not in _UNDIRECTED_KINDS for d in items)
            eid = f"e{i}"
            tip = f"{labels[u]} → {labels[v]}\n{pol}: {kinds_text}"
            if len(items) == 1:
                tip += "\n" + _short(_text(items[0].get("text")) or _text(items[0].get("quote")))
            net.add_edge(
                ids[u], ids[v], id=eid, title=tip, color=POLARITY_COLOURS[pol],
                width=round(min(8.0, 1.0 + math.log2(len(items)) + _width(items[0]) - 1.0), 2),
                arrows="to" if directed else "", dashes=pol == "negative",
            )  # fmt: skip
            edge_info[eid] = {
                "from": labels[u],
                "to": labels[v],
                "kind": kinds_text,
                "polarity": pol,
                "count": len(items),
                "items": [_detail(labels[u], labels[v], d, index) for d in items[:_DETAIL_ITEMS]],
            }
            if len(items) > _DETAIL_ITEMS:
                edge_info[eid]["more"] = len(items) - _DETAIL_ITEMS
    else:
        parallel: Counter[tuple[Any, Any]] = Counter()
        for i, (u, v, _key, d) in enumerate(edge_rows):
            eid = f"e{i}"
            pol = _polarity(d)
            kind = _text(d.get("kind")) or "link"
            pair = (u, v) if str(u) <= str(v) else (v, u)
            nth = parallel[pair]
            parallel[pair] += 1
            when = _text(d.get("date"))
            tip = f"{labels[u]} → {labels[v]}\n{pol} {kind}" + (f" ({when})" if when else "")
            short = _short(_text(d.get("quote")) or _text(d.get("text")))
            if short:
                tip += "\n" + short
            # Parallel edges fan out on both sides of the pair, a little further each.
            roundness = min(0.9, 0.06 * (nth // 2 + 1)) if nth else 0.0
            curve = "curvedCW" if nth % 2 else "curvedCCW"
            net.add_edge(
                ids[u], ids[v], id=eid, title=tip, color=POLARITY_COLOURS[pol],
                width=_width(d), arrows="" if kind in _UNDIRECTED_KINDS else "to",
                dashes=pol == "negative",
                smooth={"enabled": bool(nth), "type": curve, "roundness": round(roundness, 2)},
            )  # fmt: skip
            edge_info[eid] = _detail(labels[u], labels[v], d, index)

    net.options = {
        "autoResize": True,
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3},
            "borderWidth": 1,
        },
        "edges": {
            "color": {"inherit": False},
            "selectionWidth": 2,
            "arrows": {"to": {"scaleFactor": 0.6}},
            "smooth": {"enabled": not large, "type": "continuous"},
        },
        "physics": (
            {"enabled": False}
            if large
            else {
                "enabled": True,
                "solver": "forceAtlas2Based",
                "stabilization": {"enabled": True, "iterations": 400, "fit": True},
            }
        ),
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "navigationButtons": False,
        },
        "layout": {"randomSeed": seed if seed is not None else 0, "improvedLayout": not large},
    }
    if large:
        notes.append(
            f"layout computed in Python for {len(keep)} actors (physics off above "
            f"{physics_threshold}); drag to pan, scroll to zoom"
        )
    vis_nodes, vis_edges, _heading, _h, _w, options_json = net.get_network_data()

    if isinstance(generated, dt.datetime):
        made = generated.date().isoformat()
    elif isinstance(generated, dt.date):
        made = generated.isoformat()
    elif generated:
        made = str(generated)
    else:
        made = dt.datetime.now(dt.UTC).date().isoformat()
    page_title = _text(title) or "stancegraph network"
    focus_id = ids.get(focus) if focus is not None else None
    payload = {
        "nodes": vis_nodes,
        "edges": vis_edges,
        "options": json.loads(options_json),
        "info": {"nodes": node_info, "edges": edge_info},
        "meta": {
            "title": page_title,
            "generated": made,
            "focus": focus_id,
            "physics": not large,
            "notes": notes,
        },
    }
    vis_js, vis_css = inline_asset("vis-network.min.js"), inline_asset("vis-network.css")
    app_js, app_css = inline_asset("network.js"), inline_asset("page.css")
    page = (
        page_environment()
        .get_template("network.html.j2")
        .render(
            csp=csp_header([vis_js, app_js], [vis_css, app_css]),
            title=page_title,
            generated=made,
            notes=notes,
            node_count=len(vis_nodes),
            edge_count=len(vis_edges),
            evidence_count=len(edge_rows),
            polarities=POLARITY_COLOURS,
            actor_styles=ACTOR_STYLES,
            data_json=script_json(payload),
            vis_js=vis_js,
            vis_css=vis_css,
            app_js=app_js,
            app_css=app_css,
        )
    )
    return NetworkExport(
        html=page,
        title=page_title,
        nodes=len(vis_nodes),
        edges=len(vis_edges),
        physics=not large,
        aggregated=bool(aggregate),
        notes=notes,
        input_nodes=input_nodes,
        input_edges=input_edges,
    )


def network_html(
    G: nx.Graph,  # noqa: N803 - networkx convention
    *,
    title: str | None = None,
    **options: Any,
) -> str:
    """The network page as a string (see :func:`build_network` for the options).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", label="<b>A</b>", type="Person")
    >>> G.add_node("b", label="B", type="State")
    >>> _ = G.add_edge("a", "b", key="e1", kind="stance", polarity="mixed", weight=3)
    >>> page = network_html(G, title="A & B", generated="2025-01-01")
    >>> "<b>A</b>" in page, "A &amp; B" in page, "https:" in page.split("<style>")[0]
    (False, True, False)
    """
    return build_network(G, title=title, **options).html


def write_network_html(
    G: nx.Graph,  # noqa: N803 - networkx convention
    path: str | Path,
    *,
    title: str | None = None,
    **options: Any,
) -> NetworkExport:
    """Write the network page to ``path`` as UTF-8 (parent folders are created).

    Returns the :class:`NetworkExport`, whose ``summary()`` says what was
    drawn and whether anything was cut or aggregated.
    """
    export = build_network(G, title=title, **options)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(export.html, encoding="utf-8")
    return export


@dataclass(slots=True)
class NotebookHTML:
    """A page shown inline in Jupyter through a sandboxed ``srcdoc`` iframe.

    The iframe gets ``sandbox="allow-scripts allow-popups"`` without
    ``allow-same-origin``: the page runs in an opaque origin and cannot reach
    the notebook, and its own CSP still applies inside.
    """

    page: str
    height: int = 650

    def iframe(self) -> str:
        """The ``<iframe>`` element that shows the page."""
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd" '
            'referrerpolicy="no-referrer" title="stancegraph network"></iframe>'
        )

    def _repr_html_(self) -> str:
        return self.iframe()


def show_network(
    G: nx.Graph,  # noqa: N803 - networkx convention
    *,
    height: int = 650,
    **options: Any,
) -> Any:
    """Display the network inline in a notebook (returns an object Jupyter renders).

    Returns an ``IPython.display.HTML`` holding the sandboxed iframe when
    IPython is installed, else a :class:`NotebookHTML` (which Jupyter renders
    through ``_repr_html_`` too).
    """
    shown = NotebookHTML(network_html(G, **options), height=height)
    try:
        from IPython.display import HTML
    except ImportError:
        return shown
    import warnings

    with warnings.catch_warnings():  # IPython suggests IFrame, which cannot take srcdoc
        warnings.simplefilter("ignore", UserWarning)
        return HTML(shown.iframe())
