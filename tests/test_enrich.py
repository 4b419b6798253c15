"""Enrichment from Wikidata, run for real against an Oxigraph server on 127.0.0.1.

The server holds ``tests/fixtures/wikidata/wikidata-sample.ttl`` (Wikidata's RDF
layout: truthy wdt: triples, p:/ps:/pq:/pqv: statements with ranks). Between the
client and the server sits a small counting proxy, also on 127.0.0.1, which can
answer 429/503 before passing requests on: that is how the tests see how many
requests a run makes, which User-Agent it sends, and that it waits as told by
Retry-After.
"""

from __future__ import annotations

import datetime as dt
import http.server
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import build_demo, free_port, oxigraph_binary, stop_process, wait_http

from stancegraph.cli import cli
from stancegraph.enrich.wikidata import (
    ENRICHMENT_GRAPH,
    CacheMissError,
    SparqlClient,
    _search_query,
    _wd_date,
    enrich,
    offices_at,
    parse_languages,
)
from stancegraph.errors import EndpointError, StancegraphError
from stancegraph.ingest.pipeline import ingest
from stancegraph.store import Store

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "wikidata" / "wikidata-sample.ttl"
SG = "https://w3id.org/stancegraph/ns#"
ID = "https://w3id.org/stancegraph/id/"
WD = "http://www.wikidata.org/entity/"
WDS = WD + "statement/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SDO = "https://schema.org/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PROV = "http://www.w3.org/ns/prov#"
TRUMP, PUTIN = ID + "actor/donald-trump", ID + "actor/vladimir-putin"
ZELENSKYY = ID + "actor/volodymyr-zelenskyy"

# Actors the demo registry does not have: homonyms that need disambiguation.
EXTRA_REGISTRY = """\
actors:
  - name: George Bush
    type: Person
    country: USA
  - name: Georgia
    type: State
    country: GEO
  - name: 'Bobby "Tables"} SERVICE <http://127.0.0.1:9/> {'
    type: Person
"""

pytestmark = pytest.mark.server


# ---------------------------------------------------------------------------
# A real Wikidata-shaped endpoint, and a counting proxy in front of it
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wikidata_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oxigraph serve`` on 127.0.0.1 with the Wikidata sample; yields its query URL."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.fail("the 'oxigraph' command is missing: pip install oxigraph (a dev dependency)")
    location = tmp_path_factory.mktemp("wikidata") / "db"
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", str(FIXTURE)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_http(url + "?query=ASK%7B%7D", proc=proc)
        yield url
    finally:
        stop_process(proc)


@dataclass
class Seen:
    method: str
    user_agent: str
    body: str


@dataclass
class Proxy:
    """An HTTP proxy on 127.0.0.1 that counts requests and can answer errors first."""

    upstream: str
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/query"

    @property
    def count(self) -> int:
        return len(self.seen)

    def start(self) -> Proxy:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                text = body.decode("utf-8", "replace")
                if self.command == "GET":
                    text = urllib.parse.urlsplit(self.path).query
                proxy.seen.append(Seen(self.command, self.headers.get("User-Agent", ""), text))
                if proxy.failures:
                    code, headers = proxy.failures.pop(0)
                    self.send_response(code)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    self.wfile.write(b"try later")
                    return
                query = urllib.parse.urlsplit(self.path).query
                req = urllib.request.Request(
                    proxy.upstream + (f"?{query}" if query else ""),
                    data=body if self.command == "POST" else None,
                    method=self.command,
                    headers={
                        k: v
                        for k, v in self.headers.items()
                        if k.lower() in {"content-type", "accept"}
                    },
                )
                try:
                    with urllib.request.urlopen(req, timeout=30) as resp:
                        status, ctype, data = resp.status, resp.headers["Content-Type"], resp.read()
                except urllib.error.HTTPError as exc:
                    status, ctype, data = exc.code, exc.headers["Content-Type"], exc.read()
                self.send_response(status)
                self.send_header("Content-Type", ctype or "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle  # noqa: N815

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def proxy(wikidata_endpoint: str) -> Iterator[Proxy]:
    p = Proxy(wikidata_endpoint).start()
    yield p
    p.close()


# ---------------------------------------------------------------------------
# Stores: the demo graph plus a few homonyms
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_demo(tmp_path_factory.mktemp("enrich") / "store")
    extra = path.parent / "homonyms.yaml"
    extra.write_text(EXTRA_REGISTRY, encoding="utf-8")
    with Store(path) as store:
        ingest(store, [extra], kind="registry")
    return path


@pytest.fixture
def store_path(base_store_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    shutil.copytree(base_store_path, path)
    return path


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    s = Store(store_path)
    yield s
    s.close()


def triples(store: Store, graph: str = ENRICHMENT_GRAPH) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store.iter_quads(graph)}


def holdings(store: Store, actor: str) -> list[tuple[str, str | None, str | None, str]]:
    rows = store.query(
        f"""SELECT ?office ?from ?until ?st WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{
              ?h a <{SG}OfficeHolding> ; <{SG}officeHolder> <{actor}> ; <{SG}office> ?office ;
                 <{PROV}wasDerivedFrom> ?st .
              OPTIONAL {{ ?h <{SG}validFrom> ?from }} OPTIONAL {{ ?h <{SG}validUntil> ?until }} }} }}
            ORDER BY STR(?from)"""
    )
    return [
        (
            r["office"].value,
            str(r["from"]) if r["from"] is not None else None,
            str(r["until"]) if r["until"] is not None else None,
            r["st"].value,
        )
        for r in rows
    ]


def run(store_path: Path, *args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(cli, ["--store", str(store_path), "enrich", *args], input=input)


# ---------------------------------------------------------------------------
# What comes back, and where it lands
# ---------------------------------------------------------------------------


def test_enrichment_brings_names_citizenship_and_offices(
    store: Store, proxy: Proxy, tmp_path: Path
) -> None:
    report = enrich(
        store,
        ["Donald Trump", "Putin", "Zelenskyy"],
        endpoint=proxy.url,
        languages=["en", "de", "ru"],
        cache_dir=tmp_path / "cache",
    )
    assert [(r.label, r.status, r.qid, r.method) for r in report.results] == [
        ("Donald Trump", "enriched", "Q22686", "store"),
        ("Vladimir Putin", "enriched", "Q7747", "store"),
        ("Volodymyr Zelenskyy", "enriched", "Q3881980", "store"),
    ]
    t = triples(store)
    alt, desc, nat = SKOS + "altLabel", SDO + "description", SDO + "nationality"
    assert (f"<{TRUMP}>", f"<{alt}>", '"Дональд Трамп"@ru') in t
    assert (f"<{PUTIN}>", f"<{alt}>", '"Wladimir Putin"@de') in t
    assert (f"<{ZELENSKYY}>", f"<{alt}>", '"Wolodymyr Selenskyj"@de') in t
    assert (f"<{TRUMP}>", f"<{desc}>", '"45th and 47th president of the United States"@en') in t
    assert (f"<{TRUMP}>", f"<{nat}>", f"<{WD}Q30>") in t
    assert (f"<{WD}Q30>", f"<{RDFS}label>", '"United States of America"@en') in t
    # Offices as n-ary holdings with typed dates, derived from the Wikidata statements.
    assert holdings(store, TRUMP) == [
        (
            WD + "Q11696",
            f'"2017-01-20"^^<{XSD}date>',
            f'"2021-01-20"^^<{XSD}date>',
            WDS + "Q22686-0000-p39-a",
        ),
        (WD + "Q11696", f'"2025-01-20"^^<{XSD}date>', None, WDS + "Q22686-0000-p39-b"),
    ]
    assert [h[:3] for h in holdings(store, PUTIN)] == [
        (WD + "Q218295", f'"2000-05-07"^^<{XSD}date>', f'"2008-05-07"^^<{XSD}date>'),
        (WD + "Q218295", f'"2012-05-07"^^<{XSD}date>', None),
    ]
    assert (f"<{WD}Q218295>", f"<{RDFS}label>", '"President of Russia"@en') in t
    assert holdings(store, ZELENSKYY) == []
    trump = report.results[0]
    assert [(o.label, o.valid_from, o.valid_until) for o in trump.offices] == [
        ("President of the United States", "2017-01-20", "2021-01-20"),
        ("President of the United States", "2025-01-20", None),
    ]
    assert trump.citizenship == ["United States of America"]


def test_enrichment_never_overwrites_what_the_registry_says(store: Store, proxy: Proxy) -> None:
    before = {s.graph: triples(store, s.graph) for s in store.sources() if s.kind != "ontology"}
    enrich(store, ["Donald Trump"], endpoint=proxy.url, languages=["en", "de"])
    for graph, facts in before.items():
        assert triples(store, graph) == facts, graph
    t = triples(store)
    # No label, type or id restated for a curated actor; its canonical name not repeated.
    assert not any(
        s == f"<{TRUMP}>"
        and p
        in {
            f"<{RDFS}label>",
            f"<{SG}wikidata>",
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        }
        for s, p, _ in t
    )
    assert (f"<{TRUMP}>", f"<{SKOS}altLabel>", '"Donald Trump"@en') not in t
    labels = store.select(f"SELECT DISTINCT ?l WHERE {{ <{TRUMP}> <{RDFS}label> ?l }}")
    assert labels == [{"l": "Donald Trump"}]


def test_enrichment_graph_is_a_source_with_provenance(store: Store, proxy: Proxy) -> None:
    enrich(store, ["Putin"], endpoint=proxy.url)
    (info,) = [s for s in store.sources() if s.graph == ENRICHMENT_GRAPH]
    assert (info.kind, info.path) == ("wikidata", "enrichment/wikidata")
    rows = store.select(
        f"""SELECT ?used ?url ?q WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{
              <{ENRICHMENT_GRAPH}> <{PROV}wasGeneratedBy> ?run ; <{SDO}url> ?url .
              ?run a <{SG}EnrichmentRun> ; <{PROV}used> ?used ; <{SG}queryText> ?q }} }}"""
    )
    assert {r["used"] for r in rows} == {proxy.url}
    assert {r["url"] for r in rows} == {proxy.url}
    assert any("p:P39" in r["q"] for r in rows)
    from stancegraph.validate import validate_store

    report = validate_store(store, source="enrichment/wikidata")
    assert report.conforms, report.text()


def test_requests_are_polite_batched_posts_with_a_user_agent(store: Store, proxy: Proxy) -> None:
    report = enrich(store, [], endpoint=proxy.url, languages=["en"], batch_size=2)
    assert report.requests == proxy.count > 0
    assert {s.method for s in proxy.seen} == {"POST"}
    agents = {s.user_agent for s in proxy.seen}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("stancegraph/") and "https://w3id.org/stancegraph" in agent
    for s in proxy.seen:
        query = urllib.parse.parse_qs(s.body)["query"][0]
        rows = query.split("VALUES (?item)")[-1] if "VALUES (?item)" in query else ""
        assert rows.count("<http://www.wikidata.org/entity/Q") <= 2


def test_search_disambiguates_by_type_and_country(store: Store, proxy: Proxy) -> None:
    report = enrich(store, ["Georgia"], endpoint=proxy.url, languages=["en", "de"])
    (res,) = report.results
    assert (res.status, res.qid, res.method) == ("enriched", "Q230", "search")
    assert {c.qid for c in res.candidates} == {"Q230"}  # the U.S. state is not a State actor
    t = triples(store)
    georgia = ID + "actor/georgia"
    assert (f"<{georgia}>", f"<{SG}wikidata>", f"<{WD}Q230>") in t
    assert (f"<{georgia}>", f"<{SKOS}altLabel>", '"Georgien"@de') in t


def test_ambiguous_actor_is_reported_with_candidates_and_skipped(
    store_path: Path, proxy: Proxy
) -> None:
    result = run(store_path, "George Bush", "--endpoint-wikidata", proxy.url, "--no-interactive")
    assert result.exit_code == 0, result.output
    assert "ambiguous  George Bush" in result.output
    lines = result.output.splitlines()
    first = next(i for i, line in enumerate(lines) if "1. Q207 " in line)
    assert "George W. Bush" in lines[first] and "United States of America" in lines[first]
    assert "2. Q23505" in lines[first + 1] and "George H. W. Bush" in lines[first + 1]
    with Store(store_path) as store:
        assert not store.has_graph(ENRICHMENT_GRAPH)

    json_result = run(store_path, "George Bush", "--endpoint-wikidata", proxy.url, "--json")
    import json

    data = json.loads(json_result.output)
    (res,) = data["results"]
    assert res["status"] == "ambiguous"
    assert [c["qid"] for c in res["candidates"]] == ["Q207", "Q23505"]


def test_pick_chooses_a_candidate_and_the_choice_is_remembered(
    store_path: Path, proxy: Proxy
) -> None:
    result = run(store_path, "George Bush", "--endpoint-wikidata", proxy.url, "--pick", "2")
    assert result.exit_code == 0, result.output
    assert "enriched   George Bush -> Q23505 (picked)" in result.output
    assert "President of the United States 1989-01-20–1993-01-20" in result.output
    bush = ID + "actor/george-bush"
    with Store(store_path) as store:
        assert (f"<{bush}>", f"<{SG}wikidata>", f"<{WD}Q23505>") in triples(store)
    again = run(store_path, "George Bush", "--endpoint-wikidata", proxy.url, "--refresh")
    assert "enriched   George Bush -> Q23505 (store)" in again.output, again.output


def test_interactive_prompt_shows_candidates_and_takes_the_answer(
    store_path: Path, proxy: Proxy
) -> None:
    result = run(
        store_path, "George Bush", "--endpoint-wikidata", proxy.url, "--interactive", input="1\n"
    )
    assert result.exit_code == 0, result.output
    assert "'George Bush' (Person) matches several Wikidata items:" in result.output
    assert "1. Q207" in result.output and "2. Q23505" in result.output
    assert "0. none of these (skip)" in result.output
    assert "enriched   George Bush -> Q207 (chosen)" in result.output
    skipped = run(
        store_path,
        "George Bush",
        "--endpoint-wikidata",
        proxy.url,
        "--interactive",
        "--refresh",
        input="0\n",
    )
    # The earlier choice is in the store now: no question asked.
    assert "matches several" not in skipped.output


# ---------------------------------------------------------------------------
# Cache, offline, refresh, retract
# ---------------------------------------------------------------------------


def test_second_run_asks_nothing_and_offline_uses_the_cache(
    store_path: Path, proxy: Proxy, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    args = ["Donald Trump", "Georgia", "--endpoint-wikidata", proxy.url, "--cache", str(cache)]
    first = run(store_path, *args, "--lang", "en,de")
    assert first.exit_code == 0, first.output
    asked = proxy.count
    assert asked >= 3 and len(list(cache.glob("*.json"))) == asked
    second = run(store_path, *args, "--lang", "en,de")
    assert second.exit_code == 0, second.output
    assert proxy.count == asked, "a second run must not ask the endpoint again"
    assert "0 requests" in second.output and "graph " in second.output
    proxy.close()  # the network is gone
    offline = run(store_path, *args, "--lang", "en,de", "--offline")
    assert offline.exit_code == 0, offline.output
    assert "enriched   Georgia -> Q230 (store)" in offline.output
    missing = run(store_path, *args, "--lang", "en,ru", "--offline")
    assert missing.exit_code == 1, missing.output
    assert "cache-miss" in missing.output and "0 requests" in missing.output


def test_refresh_asks_again_and_retract_removes_the_graph(
    store_path: Path, proxy: Proxy, tmp_path: Path
) -> None:
    cache = ["--cache", str(tmp_path / "cache"), "--endpoint-wikidata", proxy.url]
    assert run(store_path, "Putin", *cache).exit_code == 0
    asked = proxy.count
    refreshed = run(store_path, "Putin", *cache, "--refresh")
    assert refreshed.exit_code == 0, refreshed.output
    assert proxy.count > asked
    with Store(store_path) as store:
        before = store.count()
        n = store.count(ENRICHMENT_GRAPH)
    out = CliRunner().invoke(cli, ["--store", str(store_path), "retract", "enrichment/wikidata"])
    assert out.exit_code == 0, out.output
    assert f"({n} triples)" in out.output
    with Store(store_path) as store:
        assert not store.has_graph(ENRICHMENT_GRAPH)
        assert store.count() == before - n
        assert store.select(f"SELECT DISTINCT ?l WHERE {{ <{PUTIN}> <{RDFS}label> ?l }}") == [
            {"l": "Vladimir Putin"}
        ]


def test_enriching_some_actors_keeps_the_others(store: Store, proxy: Proxy) -> None:
    enrich(store, ["Donald Trump"], endpoint=proxy.url)
    enrich(store, ["Putin"], endpoint=proxy.url)
    assert len(holdings(store, TRUMP)) == 2
    assert len(holdings(store, PUTIN)) == 2
    report = enrich(store, ["Putin"], endpoint=proxy.url)
    assert report.status == "unchanged"


def test_offline_without_cache_reports_misses(store: Store, tmp_path: Path) -> None:
    report = enrich(
        store,
        ["Georgia"],
        endpoint="http://127.0.0.1:9/sparql",
        offline=True,
        cache_dir=tmp_path / "empty",
    )
    assert [r.status for r in report.results] == ["cache-miss"]
    assert report.requests == 0 and len(report.cache_misses) == 1
    assert not store.has_graph(ENRICHMENT_GRAPH)


# ---------------------------------------------------------------------------
# Retries, timeouts, errors
# ---------------------------------------------------------------------------


def test_429_is_retried_after_the_time_retry_after_says(proxy: Proxy) -> None:
    proxy.failures.append((429, {"Retry-After": "1"}))
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    client = SparqlClient(proxy.url, sleep=sleep)
    rows = client.select(
        "SELECT ?l WHERE { <http://www.wikidata.org/entity/Q7747> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = 'de') }"
    )
    assert [r["l"] for r in rows] == [ox.Literal("Wladimir Putin", language="de")]
    assert waits == [1.0]
    assert proxy.count == 2 and client.requests == 2 and client.retried == 1


def test_503_backs_off_and_persistent_throttling_fails_clearly(proxy: Proxy) -> None:
    proxy.failures.extend([(503, {}), (503, {})])
    waits: list[float] = []
    client = SparqlClient(proxy.url, backoff=0.01, sleep=waits.append)
    assert len(client.select("SELECT * WHERE { ?s ?p ?o } LIMIT 2")) == 2
    assert waits == [0.01, 0.02]
    proxy.failures.extend([(429, {"Retry-After": "0"})] * 3)
    stubborn = SparqlClient(proxy.url, retries=2, sleep=waits.append)
    with pytest.raises(EndpointError, match="HTTP 429"):
        stubborn.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert stubborn.requests == 3


def test_a_silent_server_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        client = SparqlClient(url, timeout=1, retries=0)
        with pytest.raises(EndpointError, match="cannot reach"):
            client.select("SELECT * WHERE { ?s ?p ?o }")


def test_bad_query_and_bad_endpoint_are_project_errors(proxy: Proxy) -> None:
    with pytest.raises(EndpointError, match="rejected the query"):
        SparqlClient(proxy.url).select("SELECT WHERE {")
    with pytest.raises(EndpointError, match="http"):
        SparqlClient("file:///etc/passwd")
    with pytest.raises(StancegraphError, match="language tag"):
        parse_languages("en,de'")


def test_offline_client_raises_cache_miss(tmp_path: Path) -> None:
    client = SparqlClient("http://127.0.0.1:9/sparql", cache_dir=tmp_path, offline=True)
    with pytest.raises(CacheMissError):
        client.select("ASK {}")
    assert client.requests == 0


# ---------------------------------------------------------------------------
# Values reach SPARQL as serialised terms
# ---------------------------------------------------------------------------


def test_search_values_are_serialised_literals() -> None:
    name = 'Bobby "Tables"} SERVICE <http://127.0.0.1:9/> {'
    query = _search_query([("k", name)], ["en"])
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode(WD + "Q1"), ox.NamedNode(RDFS + "label"), ox.Literal(name, language="en")
        )
    )
    rows = list(store.query(query))
    assert [r["item"].value for r in rows] == [WD + "Q1"]
    assert "SERVICE <http" not in query.replace(str(ox.Literal(name, language="en")), "")


def test_hostile_actor_name_is_searched_as_a_name(store: Store, proxy: Proxy) -> None:
    report = enrich(store, ['Bobby "Tables"} SERVICE <http://127.0.0.1:9/> {'], endpoint=proxy.url)
    assert [r.status for r in report.results] == ["not-found"]


# ---------------------------------------------------------------------------
# Reading it back: offices at a date, in queries and for the renderer
# ---------------------------------------------------------------------------


def test_offices_at_a_date(store: Store, proxy: Proxy) -> None:
    enrich(store, ["Donald Trump", "Putin"], endpoint=proxy.url, languages=["en", "de"])
    (office,) = offices_at(store, TRUMP, dt.date(2019, 8, 2))
    assert (office.office, office.label) == (WD + "Q11696", "President of the United States")
    assert office.valid_from == dt.date(2017, 1, 20) and office.valid_until == dt.date(2021, 1, 20)
    assert office.statement == WDS + "Q22686-0000-p39-a"
    assert offices_at(store, TRUMP, "2022-06-01") == []
    assert [o.valid_from for o in offices_at(store, TRUMP, "2025")] == [dt.date(2025, 1, 20)]
    assert [o.valid_from for o in offices_at(store, TRUMP, "2021-01")] == [dt.date(2017, 1, 20)]
    assert [o.label for o in offices_at(store, PUTIN, "2024-05-01", lang="de")] == [
        "Präsident Russlands"
    ]
    assert offices_at(store, PUTIN, "2010-01-01") == []
    assert offices_at(store, ZELENSKYY, "2023-01-01") == []


def test_library_queries_give_the_office_at_each_dated_item(store: Store, proxy: Proxy) -> None:
    from stancegraph.api import run_query
    from stancegraph.sparql.library import load_query

    enrich(store, ["Donald Trump"], endpoint=proxy.url)
    at = run_query(store, load_query("office_at_date"), {"actor": "Trump", "date": "2018-07-16"})
    assert [r["officeLabel"] for r in at.values()] == ["President of the United States"]
    rows = run_query(store, load_query("statements_with_office"), {"actor": "Trump"}).values()
    assert rows, "the demo card has dated items for Trump"
    for row in rows:
        date = str(row["date"])
        in_office = "2017-01-20" <= date[:10] <= "2021-01-20" or date >= "2025"
        assert (row["office"] is not None) == in_office, row
    assert any(r["office"] == WD + "Q11696" for r in rows)


def test_wikidata_times_keep_their_precision() -> None:
    t = ox.Literal("1990-05-01T00:00:00Z", datatype=ox.NamedNode(XSD + "dateTime"))
    p = {n: ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer")) for n in (7, 9, 10, 11)}
    assert str(_wd_date(t, p[11])) == f'"1990-05-01"^^<{XSD}date>'
    assert str(_wd_date(t, p[10])) == f'"1990-05"^^<{XSD}gYearMonth>'
    assert str(_wd_date(t, p[9])) == f'"1990"^^<{XSD}gYear>'
    assert _wd_date(t, p[7]) is None
    assert str(_wd_date(t, None)) == f'"1990-05-01"^^<{XSD}date>'
    bce = ox.Literal("-0044-03-15T00:00:00Z", datatype=ox.NamedNode(XSD + "dateTime"))
    assert _wd_date(bce, p[11]) is None


def test_stance_card_shows_the_office_at_each_dated_item(store: Store, proxy: Proxy) -> None:
    from stancegraph.share.render import render_card, stance_card

    enrich(store, ["Donald Trump"], endpoint=proxy.url, languages=["en"])
    card = stance_card(store, "Donald Trump", "Vladimir Putin")
    offices = {item.date: item.office for item in card.timeline}
    assert offices["2025-05-25"] == "President of the United States"
    assert offices["2022-02"] is None  # out of office between the two terms
    assert offices.get(None) is None
    md = render_card(card, fmt="md")
    html = render_card(card, fmt="html")
    assert "(as President of the United States)" in html
    assert "(as President of the United States)" in md
