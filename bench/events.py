"""Event-data benchmark: import, three analyst queries and a projection, against baselines.

One run, one generated GDELT 2.0 file, and every system measured on it:

* **ours**: ``stancegraph.ingest.events.ingest_events`` into an on-disk store
  (in a subprocess, so its peak memory is its own: ``ru_maxrss`` of the
  process and of its parsing worker);
* **oxigraph-bulk** (the physical limit): Oxigraph's own bulk loader
  (``Store.bulk_load``) reading the very same quads from an N-Quads file;
* **rdflib**: an in-memory ``rdflib.Graph``, rows added as triples (the same
  triples), queries through rdflib's SPARQL engine;
* **kglab**: ``kglab.KnowledgeGraph`` (rdflib underneath), if installed;
* **server** (``--server``): the same import streamed into a real
  ``oxigraph serve`` on 127.0.0.1 through the Graph Store Protocol.

Baselines run on the first ``--baseline-events`` rows (default: all of them
up to 100,000) when the full size would take too long; the table says so.
Queries: a pair's timeline, a pair's monthly Goldstein, an actor's top
counterparts (median of ``--runs``), and the projection of the actor network
into a NetworkX DiGraph. Results go to ``bench/results/events-<size>.json``.

Usage::

    python -m bench events [--events N] [--baseline-events M] [--runs 5] [--server]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["BENCHMARK", "main", "run"]

BENCHMARK = True
RESULTS = Path(__file__).resolve().parent / "results"
USA = "https://w3id.org/stancegraph/id/actor/united-states"
RUS = "https://w3id.org/stancegraph/id/actor/russia"
QUERIES = {
    "pair_events": {"a": f"<{USA}>", "b": f"<{RUS}>"},
    "goldstein_monthly": {"a": f"<{USA}>", "b": f"<{RUS}>"},
    "top_counterparts": {"actor": f"<{USA}>"},
}
# The same pair's timeline over the last year and the last month of the generated data
# (2015-02-19 .. 2025-02): what a timeline view pages through.
WINDOWS = {
    "pair_events_year": ("pair_events", {"since": "2024-01-01", "until": "2024-12-31"}),
    "pair_events_month": ("pair_events", {"since": "2024-12-01", "until": "2024-12-31"}),
}
# The actor network from every event: what the baselines do (their graphs have no
# summaries); also measured on ours. Ours reads the summaries (project.event_network).
PROJECTION_PER_EVENT = """PREFIX sg: <https://w3id.org/stancegraph/ns#>
SELECT ?a ?b (COUNT(?e) AS ?events) (AVG(?g) AS ?goldstein)
WHERE { ?e sg:actor ?a ; sg:counterpart ?b ; OPTIONAL { ?e sg:goldstein ?g } }
GROUP BY ?a ?b"""
# The analyst queries as they read events one by one (before the summaries): what the
# rdflib/kglab baselines run, since an rdflib graph built from the events has no summaries.
PER_EVENT_QUERIES = {
    "pair_events": """PREFIX sg: <https://w3id.org/stancegraph/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?a ?b ?since ?until ?event ?date ?direction ?actor ?counterpart ?cameoCode ?cameoRoot
       ?goldstein ?avgTone ?numMentions ?sourceUrl ?source
WHERE {
  { ?event sg:actor ?a . ?event sg:counterpart ?b .
    BIND("a→b" AS ?direction) BIND(?a AS ?actor) BIND(?b AS ?counterpart) }
  UNION
  { ?event sg:actor ?b . ?event sg:counterpart ?a .
    BIND("b→a" AS ?direction) BIND(?b AS ?actor) BIND(?a AS ?counterpart) }
  ?event sg:date ?date ; sg:cameoCode ?c ; prov:wasDerivedFrom ?source .
  FILTER(!BOUND(?since) || STR(?date) >= STR(?since))
  FILTER(!BOUND(?until) || STR(?date) <= STR(?until))
  OPTIONAL { ?event sg:goldstein ?goldstein }
  OPTIONAL { ?event sg:avgTone ?avgTone }
  OPTIONAL { ?event sg:numMentions ?numMentions }
  OPTIONAL { ?event sg:sourceUrl ?sourceUrl }
  BIND(REPLACE(STR(?c), "^.*/", "") AS ?cameoCode)
  BIND(SUBSTR(?cameoCode, 1, 2) AS ?cameoRoot)
}
ORDER BY ?date ?event""",
    "goldstein_monthly": """PREFIX sg: <https://w3id.org/stancegraph/ns#>
SELECT ?a ?b ?month (COUNT(?event) AS ?events) (AVG(?goldstein) AS ?meanGoldstein)
       (SUM(?isAB) AS ?eventsAB) (SUM(?gAB) / SUM(?scoredAB) AS ?meanGoldsteinAB)
       (SUM(1 - ?isAB) AS ?eventsBA) (SUM(?gBA) / SUM(?scoredBA) AS ?meanGoldsteinBA)
WHERE {
  { ?event sg:actor ?a . ?event sg:counterpart ?b . BIND(1 AS ?isAB) }
  UNION
  { ?event sg:actor ?b . ?event sg:counterpart ?a . BIND(0 AS ?isAB) }
  ?event sg:date ?date .
  OPTIONAL { ?event sg:goldstein ?goldstein }
  BIND(SUBSTR(STR(?date), 1, 7) AS ?month)
  BIND(IF(BOUND(?goldstein) && ?isAB = 1, ?goldstein, 0) AS ?gAB)
  BIND(IF(BOUND(?goldstein) && ?isAB = 0, ?goldstein, 0) AS ?gBA)
  BIND(IF(BOUND(?goldstein) && ?isAB = 1, 1, 0) AS ?scoredAB)
  BIND(IF(BOUND(?goldstein) && ?isAB = 0, 1, 0) AS ?scoredBA)
}
GROUP BY ?a ?b ?month
ORDER BY ?month""",
    "top_counterparts": """PREFIX sg: <https://w3id.org/stancegraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?actor ?counterpart (SAMPLE(?l) AS ?label) ?events ?initiated ?received ?meanGoldstein
WHERE {
  {
    SELECT ?actor ?counterpart (COUNT(?event) AS ?events) (SUM(?out) AS ?initiated)
           (SUM(1 - ?out) AS ?received) (AVG(?goldstein) AS ?meanGoldstein)
    WHERE {
      { ?event sg:actor ?actor ; sg:counterpart ?counterpart . BIND(1 AS ?out) }
      UNION
      { ?event sg:counterpart ?actor ; sg:actor ?counterpart . BIND(0 AS ?out) }
      OPTIONAL { ?event sg:goldstein ?goldstein }
    }
    GROUP BY ?actor ?counterpart
  }
  OPTIONAL { ?counterpart rdfs:label ?l }
}
GROUP BY ?actor ?counterpart ?events ?initiated ?received ?meanGoldstein
ORDER BY DESC(?events) ?counterpart""",
}


# -- subprocess jobs (each measured on its own: wall time and peak memory) -------------


def _child_job(job: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run inside the measured subprocess; returns what it timed."""
    out: dict[str, Any] = {}
    if job == "ours":
        from stancegraph.ingest.events import ingest_events
        from stancegraph.store import Store

        store = Store(args["store"])
        t = time.perf_counter()
        report = ingest_events(
            store, args["file"], fmt="gdelt", progress=False, workers=args.get("workers")
        )
        store.ox.flush()
        out["seconds"] = time.perf_counter() - t
        out["triples"] = report.triples
        out["events"] = report.events
        store.close()
    elif job == "bulk":
        import pyoxigraph as ox

        store = ox.Store(args["store"])
        t = time.perf_counter()
        store.bulk_load(path=args["nquads"], format=ox.RdfFormat.N_QUADS)
        store.flush()
        out["seconds"] = time.perf_counter() - t
        out["triples"] = len(store)
    elif job in {"rdflib", "kglab"}:
        out.update(_rdflib_job(job, args))
    elif job == "server":
        from stancegraph.ingest.events import ingest_events
        from stancegraph.store import RemoteStore

        remote = RemoteStore(args["endpoint"], timeout=600)
        t = time.perf_counter()
        report = ingest_events(remote, args["file"], fmt="gdelt", progress=False)
        out["seconds"] = time.perf_counter() - t
        out["triples"] = report.triples
        out.update(_query_times(remote, args["runs"], summaries=False))
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out["peak_mb"] = round(max(self_kb, child_kb) / 1024, 1)
    out["peak_mb_self"] = round(self_kb / 1024, 1)
    out["peak_mb_worker"] = round(child_kb / 1024, 1)
    return out


def _rdflib_job(job: str, args: dict[str, Any]) -> dict[str, Any]:
    """rdflib (or kglab on rdflib): add the same triples, then run the same queries."""
    import pyoxigraph as ox
    from rdflib import BNode, Graph, Literal, URIRef

    from stancegraph.ingest.events import iter_event_records
    from stancegraph.model.namespaces import PREFIXES
    from stancegraph.rdf.mapping import event_quads, source_graph_iri
    from stancegraph.resolve.registry import load_registry
    from stancegraph.sparql.library import bind_params, load_query

    def term(t: Any) -> Any:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        return Literal(t.value, datatype=URIRef(t.datatype.value) if t.datatype else None)

    t = time.perf_counter()
    if job == "kglab":
        import kglab

        kg = kglab.KnowledgeGraph(namespaces=dict(PREFIXES))
        graph = kg.rdf_graph()
    else:
        kg = None
        graph = Graph()
    registry = load_registry(None)
    g = source_graph_iri(Path(args["file"]).name)
    add = graph.add
    batch: list[Any] = []
    for rec in iter_event_records(args["file"], fmt="gdelt", registry=registry):
        batch.append(rec)
        if len(batch) >= 1000:
            for q in event_quads(batch, g, "gdelt"):
                add((term(q.subject), term(q.predicate), term(q.object)))
            batch.clear()
    for q in event_quads(batch, g, "gdelt"):
        add((term(q.subject), term(q.predicate), term(q.object)))
    out: dict[str, Any] = {"seconds": time.perf_counter() - t, "triples": len(graph)}
    cases = {name: (name, params) for name, params in QUERIES.items()}
    cases.update(
        {key: (name, {**QUERIES[name], **extra}) for key, (name, extra) in WINDOWS.items()}
    )
    for key, (name, params) in cases.items():
        qd = load_query(name)
        text = PER_EVENT_QUERIES.get(name) or rdflib_form(qd.text)
        bindings = {k: term(v) for k, v in bind_params(qd, params).items()}
        times = []
        for _ in range(args["runs"]):
            t = time.perf_counter()
            if kg is not None:
                rows = list(kg.query(text, bindings=bindings))
            else:
                rows = list(graph.query(text, initBindings=bindings))
            times.append(time.perf_counter() - t)
        out[f"q_{key}_ms"] = round(statistics.median(times) * 1000, 2)
        out[f"q_{key}_rows"] = len(rows)
    t = time.perf_counter()
    import networkx as nx

    dg = nx.DiGraph()
    for row in graph.query(PROJECTION_PER_EVENT):
        g = None if row[3] is None else float(row[3])
        dg.add_edge(str(row[0]), str(row[1]), events=int(row[2]), goldstein=g)
    out["projection_s"] = round(time.perf_counter() - t, 3)
    out["projection_edges"] = dg.number_of_edges()
    return out


def rdflib_form(text: str) -> str:
    """The library query in the form rdflib runs best (same results).

    Our queries hash-join the two sides of a pair with subqueries and look
    event details up with ``LATERAL``: both are Oxigraph plan hints. rdflib
    has no LATERAL, and its bindings do not reach into subqueries, so the
    baseline gets plain basic graph patterns, which its engine joins by
    lookups anyway.
    """
    text = re.sub(r"\{ SELECT \?event \?\w+ WHERE \{ (\?event sg:\w+ \?\w+) \} \}", r"\1 .", text)
    return text.replace("LATERAL {", "{")


def _median_ms(
    store: Any, name: str, params: dict[str, Any], runs: int, resolver: Any
) -> tuple[float, int]:
    """Median wall time of a library query (after one warm-up run) and its row count."""
    from stancegraph.api import run_query
    from stancegraph.sparql.library import load_query

    qd = load_query(name)
    run_query(store, qd, params, resolver=resolver)  # warm-up, not counted
    times = []
    rows = 0
    for _ in range(runs):
        t = time.perf_counter()
        res = run_query(store, qd, params, resolver=resolver)
        times.append(time.perf_counter() - t)
        rows = len(res.rows)
    return round(statistics.median(times) * 1000, 2), rows


def _query_times(store: Any, runs: int, *, summaries: bool = True) -> dict[str, Any]:
    """Median time of each analyst query, and the projection of the actor network.

    The heaviest pair (USA–RUS) and the busiest actor (USA) are the worst case;
    with ``summaries``, also a typical (median) and a busy (99th percentile)
    pair and actor, and the per-event projection (what the baselines do).
    """
    import networkx as nx

    from stancegraph.project.graph import event_network
    from stancegraph.resolve.names import NameResolver

    out: dict[str, Any] = {}
    resolver = NameResolver.for_store(store)  # once, as a notebook session would
    cases = {name: (name, params) for name, params in QUERIES.items()}
    cases.update(
        {key: (name, {**QUERIES[name], **extra}) for key, (name, extra) in WINDOWS.items()}
    )
    for key, (name, params) in cases.items():
        out[f"q_{key}_ms"], out[f"q_{key}_rows"] = _median_ms(store, name, params, runs, resolver)
    t = time.perf_counter()
    network = event_network(store)
    out["projection_s"] = round(time.perf_counter() - t, 3)
    out["projection_edges"] = network.number_of_edges()
    out["projection_nodes"] = network.number_of_nodes()
    if not summaries:
        return out
    # The same projection read from every event, for comparison with the baselines.
    t = time.perf_counter()
    dg = nx.DiGraph()
    for row in store.select(PROJECTION_PER_EVENT):
        dg.add_edge(row["a"], row["b"], events=row["events"], goldstein=row["goldstein"])
    out["projection_per_event_s"] = round(time.perf_counter() - t, 3)
    # Typical (median) and busy (99th percentile) pairs by event count, and actors by
    # number of counterparts: what most calls cost.
    totals = sorted((d["events"], a, b) for a, b, d in network.edges(data=True) if a != b)
    partners: dict[str, int] = {}
    for _n, a, b in totals:
        partners[a] = partners.get(a, 0) + 1
        partners[b] = partners.get(b, 0) + 1
    by_partners = sorted((k, a) for a, k in partners.items())
    for label, q in (("median", 0.5), ("p99", 0.99)):
        if totals:
            n, a, b = totals[min(len(totals) - 1, int(q * len(totals)))]
            params = {"a": f"<{a}>", "b": f"<{b}>"}
            for name in ("pair_events", "goldstein_monthly"):
                ms, rows = _median_ms(store, name, params, runs, resolver)
                out[f"q_{name}_{label}_ms"], out[f"q_{name}_{label}_rows"] = ms, rows
            out[f"pair_{label}_events"] = n
        if by_partners:
            _k, actor = by_partners[min(len(by_partners) - 1, int(q * len(by_partners)))]
            params = {"actor": f"<{actor}>"}
            ms, rows = _median_ms(store, "top_counterparts", params, runs, resolver)
            out[f"q_top_counterparts_{label}_ms"] = ms
            out[f"q_top_counterparts_{label}_rows"] = rows
    return out


def _spawn(job: str, args: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run one job in a fresh interpreter; wall time measured here, outside it."""
    code = (
        "import json,sys; from bench.events import _child_job; "
        "print('@@'+json.dumps(_child_job(sys.argv[1], json.loads(sys.argv[2]))))"
    )
    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, job, json.dumps(args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=root,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:.0f} s"}
    wall = time.perf_counter() - t
    for line in proc.stdout.splitlines():
        if line.startswith("@@"):
            data = json.loads(line[2:])
            data["wall_s"] = round(wall, 2)
            return data
    return {"error": (proc.stderr or proc.stdout).strip()[-800:]}


# -- the run ------------------------------------------------------------------------


def _head(src: Path, dst: Path, n: int) -> Path:
    with src.open("rb") as fin, dst.open("wb") as fout:
        for i, line in enumerate(fin):
            if i >= n:
                break
            fout.write(line)
    return dst


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(location: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = Path(sys.executable).parent / "oxigraph"
    exe = str(binary) if binary.exists() else shutil.which("oxigraph")
    if exe is None:
        raise SystemExit("--server needs the 'oxigraph' command (pip install oxigraph)")
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("oxigraph serve did not start")


def run(
    events: int,
    *,
    baseline_events: int,
    runs: int = 5,
    server: bool = False,
    kglab_ok: bool = True,
    workdir: Path | None = None,
    seed: int = 7,
    baseline_timeout: float = 1800,
    results_dir: Path = RESULTS,
) -> dict[str, Any]:
    """Run the whole benchmark and return its results (also written as JSON)."""
    from bench.gdelt_gen import write_gdelt

    tmp = Path(workdir or tempfile.mkdtemp(prefix="sg-bench-events-"))
    tmp.mkdir(parents=True, exist_ok=True)
    data = tmp / f"gdelt-{events}.export.CSV"
    t = time.perf_counter()
    write_gdelt(data, events, seed=seed)
    gen_s = time.perf_counter() - t
    results: dict[str, Any] = {
        "benchmark": "events",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "events": events,
        "file_mb": round(data.stat().st_size / 2**20, 1),
        "generate_s": round(gen_s, 1),
        "baseline_events": baseline_events,
        "runs": runs,
    }
    print(f"generated {events:,} events ({results['file_mb']} MB) in {gen_s:.1f} s", flush=True)

    store_dir = tmp / "store-ours"
    shutil.rmtree(store_dir, ignore_errors=True)
    ours = _spawn("ours", {"store": str(store_dir), "file": str(data)}, timeout=7200)
    print("ours:", ours, flush=True)

    import pyoxigraph as ox

    from stancegraph.store import Store

    nq = tmp / "same-quads.nq"
    with Store(store_dir) as st:
        st.ox.dump(str(nq), ox.RdfFormat.N_QUADS)
    bulk_dir = tmp / "store-bulk"
    shutil.rmtree(bulk_dir, ignore_errors=True)
    bulk = _spawn("bulk", {"store": str(bulk_dir), "nquads": str(nq)}, timeout=7200)
    print("oxigraph bulk_load:", bulk, flush=True)
    nq.unlink(missing_ok=True)
    shutil.rmtree(bulk_dir, ignore_errors=True)

    with Store(store_dir, read_only=True) as st:
        ours.update(_query_times(st, runs))
    print("ours queries:", {k: v for k, v in ours.items() if k.startswith(("q_", "proj"))})

    base_file = (
        data if baseline_events >= events else _head(data, tmp / "baseline.CSV", baseline_events)
    )
    rdflib_res = _spawn("rdflib", {"file": str(base_file), "runs": runs}, timeout=baseline_timeout)
    print("rdflib:", rdflib_res, flush=True)
    kglab_res: dict[str, Any]
    try:
        import kglab  # noqa: F401

        have_kglab = True
    except ImportError:
        have_kglab = False
    if kglab_ok and have_kglab:
        kglab_res = _spawn(
            "kglab", {"file": str(base_file), "runs": runs}, timeout=baseline_timeout
        )
    else:
        kglab_res = {"error": "kglab is not installed (pip install kglab)"}
    print("kglab:", kglab_res, flush=True)

    results.update(ours=ours, oxigraph_bulk=bulk, rdflib=rdflib_res, kglab=kglab_res)
    if baseline_events < events:
        # the same import of our own on the baseline's rows, for a like-for-like ratio
        small_dir = tmp / "store-ours-small"
        shutil.rmtree(small_dir, ignore_errors=True)
        small = _spawn("ours", {"store": str(small_dir), "file": str(base_file)}, timeout=7200)
        with Store(small_dir, read_only=True) as st:
            small.update(_query_times(st, runs))
        results["ours_at_baseline_size"] = small
        shutil.rmtree(small_dir, ignore_errors=True)

    if server:
        location = tmp / "server-db"
        shutil.rmtree(location, ignore_errors=True)
        proc, url = _start_server(location)
        try:
            results["server"] = _spawn(
                "server", {"endpoint": url, "file": str(data), "runs": runs}, timeout=7200
            )
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        print("server:", results["server"], flush=True)

    results_dir.mkdir(parents=True, exist_ok=True)
    out = results_dir / f"events-{events}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"results: {out}")
    if workdir is None:
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "—"
    return f"{a / b:,.1f}x"


def table(r: dict[str, Any]) -> str:
    """The printed comparison: ours against each baseline, with ratios."""
    ours = r["ours"]
    same = r.get("ours_at_baseline_size", ours)
    n, nb = r["events"], r["baseline_events"]
    lines = [
        f"events: {n:,} (baselines at {nb:,}{' (smaller)' if nb < n else ''})",
        f"{'measure':<34}{'ours':>12}{'oxigraph bulk':>15}{'rdflib':>12}{'kglab':>12}"
        f"{'rdflib/ours':>13}{'ours/bulk':>11}",
    ]

    def cell(d: dict[str, Any], key: str, fmt: str = "{:,.2f}") -> str:
        v = d.get(key)
        return fmt.format(v) if isinstance(v, int | float) else ("n/a" if "error" not in d else "—")

    def row(label: str, key: str, base_key: str | None = None) -> str:
        base_key = base_key or key
        kg = r["kglab"]
        return (
            f"{label:<34}{cell(ours, key):>12}{cell(r['oxigraph_bulk'], key):>15}"
            f"{cell(r['rdflib'], base_key):>12}{cell(kg, base_key):>12}"
            f"{_ratio(r['rdflib'].get(base_key), same.get(key)):>13}"
            f"{_ratio(ours.get(key), r['oxigraph_bulk'].get(key)):>11}"
        )

    lines.append(row(f"import s ({n:,}; baselines {nb:,})", "seconds"))
    lines.append(row("peak memory MB", "peak_mb"))
    # Per quad, so that sizes compare: the loader's own rate bounds any importer's.
    for d in (ours, same, r["oxigraph_bulk"], r["rdflib"], r["kglab"]):
        if d.get("seconds") and d.get("triples"):
            d["us_per_quad"] = round(d["seconds"] / d["triples"] * 1e6, 2)
    lines.append(row("import µs per quad", "us_per_quad"))
    for q in (*QUERIES, *WINDOWS):
        lines.append(row(f"{q} median ms", f"q_{q}_ms"))
    lines.append(row("projection to NetworkX s", "projection_s"))
    lines.append(row("projection, every event read s", "projection_per_event_s", "projection_s"))
    lines.append(
        "ours: queries and projection read the summaries written at import (sg:Pair, "
        "sg:PairMonth); the rdflib/kglab columns read every event (their graphs have none)"
    )
    lines.append(
        "rows, heaviest pair USA–RUS / busiest actor USA: "
        + ", ".join(f"{q} {ours.get(f'q_{q}_rows', 0):,}" for q in (*QUERIES, *WINDOWS))
    )
    for label in ("median", "p99"):
        if f"pair_{label}_events" in ours:
            lines.append(
                f"{label} pair ({ours[f'pair_{label}_events']:,} events one way): "
                f"pair_events {ours[f'q_pair_events_{label}_ms']:.1f} ms "
                f"({ours[f'q_pair_events_{label}_rows']:,} rows), goldstein_monthly "
                f"{ours[f'q_goldstein_monthly_{label}_ms']:.1f} ms; {label} actor: "
                f"top_counterparts {ours.get(f'q_top_counterparts_{label}_ms', 0):.1f} ms "
                f"({ours.get(f'q_top_counterparts_{label}_rows', 0):,} rows)"
            )
    if nb < n:
        lines.append(
            f"ours at {nb:,} events: import {same.get('seconds', 0):.2f} s, queries "
            + ", ".join(f"{q} {same.get(f'q_{q}_ms', 0):.1f} ms" for q in (*QUERIES, *WINDOWS))
        )
    if "server" in r:
        s = r["server"]
        lines.append(
            f"server (GSP, 127.0.0.1): import {s.get('seconds', 0):.1f} s "
            f"({_ratio(s.get('seconds'), ours.get('seconds'))} of embedded); "
            + ", ".join(f"{q} {s.get(f'q_{q}_ms', 0):.1f} ms" for q in (*QUERIES, *WINDOWS))
            + f"; projection {s.get('projection_s', 0):.1f} s"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line for ``python -m bench events``."""
    default = int(os.environ.get("BENCH_EVENTS", "200000"))
    ap = argparse.ArgumentParser(
        prog="python -m bench events", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--events", type=int, default=default)
    ap.add_argument(
        "--baseline-events",
        type=int,
        default=None,
        help="rows for the rdflib/kglab baselines (default: min(events, 100000))",
    )
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--server", action="store_true", help="also import into oxigraph serve")
    ap.add_argument("--no-kglab", action="store_true")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)  # fmt: skip
    baseline = args.baseline_events or min(args.events, 100_000)
    run(
        args.events,
        baseline_events=baseline,
        runs=args.runs,
        server=args.server,
        kglab_ok=not args.no_kglab,
        workdir=args.workdir,
        seed=args.seed,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
