"""RemoteStore against a real Oxigraph server on 127.0.0.1: same answers as the embedded store."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import OxigraphServer
from test_queries import comparable, result_to_expected

import stancegraph
from stancegraph.api import run_query
from stancegraph.cli import cli
from stancegraph.errors import EndpointError, QueryError, StoreError
from stancegraph.sparql.library import library, load_query
from stancegraph.sparql.terms import term_to_sparql
from stancegraph.store.remote import RemoteStore, _query_form, inject_values

pytestmark = pytest.mark.server

EXPECTED = Path(__file__).resolve().parent / "expected"


def _cases(name: str) -> list[dict[str, Any]]:
    path = EXPECTED / f"{name}.json"
    if not path.exists():
        pytest.skip(f"{name} has no expected cases yet (test_queries fails for it)")
    return [c["params"] for c in json.loads(path.read_text(encoding="utf-8"))["cases"]]


@pytest.mark.parametrize("name", sorted(library()))
def test_same_results_as_embedded_store(
    name: str, demo_store: Any, oxigraph_demo: OxigraphServer
) -> None:
    qd = load_query(name)
    remote = oxigraph_demo.remote(read_only=True)
    for params in _cases(name):
        local = result_to_expected(run_query(demo_store, qd, params))
        far = result_to_expected(run_query(remote, qd, params))
        assert comparable(far, qd.text) == comparable(local, qd.text), f"{name} {params}"


def test_library_runs_at_least_twelve_queries_remotely(oxigraph_demo: OxigraphServer) -> None:
    assert len(library()) >= 12


def test_remote_store_interface(demo_store: Any, oxigraph_demo: OxigraphServer) -> None:
    remote = oxigraph_demo.remote()
    assert remote.path is None and remote.read_only is False
    local_sources = {s.graph: s for s in demo_store.sources()}
    remote_sources = {s.graph: s for s in remote.sources()}
    assert remote_sources.keys() == local_sources.keys()
    for g, s in local_sources.items():
        assert remote.source_checksum(g) == s.checksum
        assert remote.has_graph(g)
        assert remote.count(g) == demo_store.count(g)
    assert remote.source_checksum("https://w3id.org/stancegraph/graph/source/none") is None
    assert not remote.has_graph("https://w3id.org/stancegraph/graph/source/none")
    rows = remote.select(
        "SELECT ?n WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?n } LIMIT 1"
    )
    assert isinstance(rows[0]["n"], str)
    with oxigraph_demo.remote() as ctx:
        assert ctx.count() == sum(demo_store.count(g) for g in local_sources)


def test_replace_and_drop_graph_through_gsp(oxigraph_server: OxigraphServer) -> None:
    remote = oxigraph_server.remote()
    g = "https://w3id.org/stancegraph/graph/source/test-replace"
    node = ox.NamedNode(g)
    first = [
        ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal(f"v{i}"), node)
        for i in range(5)
    ]
    remote.replace_graph(g, first)
    assert remote.count(g) == 5
    second = [
        ox.Quad(ox.NamedNode("urn:x:b"), ox.NamedNode("urn:x:p"), ox.Literal('quote " } ;'), node)
    ]
    remote.replace_graph(g, second)
    assert remote.count(g) == 1
    assert [q.object.value for q in remote.iter_quads(g)] == ['quote " } ;']
    with pytest.raises(StoreError, match="outside its source graph"):
        remote.replace_graph(
            g,
            [
                ox.Quad(
                    ox.NamedNode("urn:x:a"),
                    ox.NamedNode("urn:x:p"),
                    ox.Literal("x"),
                    ox.NamedNode("urn:other"),
                )
            ],
        )
    assert remote.drop_graph(g) == 1
    assert not remote.has_graph(g)


def test_replace_graph_through_sparql_update(oxigraph_server: OxigraphServer) -> None:
    remote = RemoteStore(
        oxigraph_server.query_url, gsp_endpoint=None, update_endpoint=oxigraph_server.update_url
    )
    remote.gsp_endpoint = None  # force the SPARQL Update path
    g = "https://w3id.org/stancegraph/graph/source/test-update"
    node = ox.NamedNode(g)
    quads = [
        ox.Quad(
            ox.NamedNode("urn:x:c"),
            ox.NamedNode("urn:x:p"),
            ox.Literal("line\nbreak } DROP ALL"),
            node,
        )
    ]
    remote.replace_graph(g, quads)
    assert [q.object.value for q in remote.iter_quads(g)] == ["line\nbreak } DROP ALL"]
    remote.drop_graph(g)
    assert remote.count(g) == 0


def test_read_only_remote_refuses_writes(oxigraph_server: OxigraphServer) -> None:
    remote = oxigraph_server.remote(read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        remote.replace_graph("urn:g", [])
    with pytest.raises(StoreError, match="read-only"):
        remote.drop_graph("urn:g")


def test_cli_build_and_query_through_endpoint(
    oxigraph_server: OxigraphServer, tmp_path: Path
) -> None:
    """`build --endpoint` loads one named graph per source via GSP; `query --endpoint` reads it."""
    import os

    repo = Path(__file__).resolve().parents[1]
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        out = CliRunner().invoke(
            cli, ["--endpoint", oxigraph_server.query_url, "build", "graph", "--json"]
        )
    finally:
        os.chdir(cwd)
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    graphs = {s["graph"] for s in report["sources"]}
    assert len(graphs) >= 3
    remote = oxigraph_server.remote(read_only=True)
    assert graphs <= {s.graph for s in remote.sources()}
    out = CliRunner().invoke(
        cli,
        [
            "--endpoint",
            oxigraph_server.query_url,
            "query",
            "stance_between",
            "-p",
            "holder=Donald Trump",
            "-p",
            "target=Putin",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    row = json.loads(out.output)["results"]["bindings"][0]
    assert (row["polarity"]["value"], row["strength"]["value"], row["flip"]["value"]) == (
        "mixed",
        "strong",
        "true",
    )


def test_python_api_with_endpoint(oxigraph_demo: OxigraphServer) -> None:
    df = stancegraph.query("critics_of", endpoint=oxigraph_demo.query_url, actor="Trump")
    assert len(df) == 3
    assert str(df["sequence"].dtype).startswith("int")


def test_values_injection_lands_in_the_where_group() -> None:
    terms = {"a": ox.NamedNode("urn:x:a"), "t": ox.Literal('he said "} DROP ALL {"\n')}
    q = 'PREFIX x: <urn:x#>\n# a comment with { braces }\nSELECT ?a ?t WHERE { ?a x:p "{" ; x:q ?t }'
    out = inject_values(q, terms)
    assert out.index("VALUES") > out.index("WHERE {")
    assert r'"he said \"} DROP ALL {\"\n"' in out
    c = "CONSTRUCT { ?a <urn:x:p> ?t } WHERE { ?a <urn:x:p> ?t }"
    out = inject_values(c, {"a": ox.NamedNode("urn:x:a")})
    assert out.startswith("CONSTRUCT { ?a <urn:x:p> ?t } WHERE {\n  VALUES (?a)")
    assert inject_values("SELECT ?a { ?a ?p ?o }", {"a": ox.NamedNode("urn:x:a")}).startswith(
        "SELECT ?a {\n  VALUES"
    )
    assert inject_values(q, {}) == q
    with pytest.raises(QueryError, match="long CONSTRUCT form"):
        inject_values("CONSTRUCT WHERE { ?a ?p ?o }", {"a": ox.NamedNode("urn:x:a")})
    with pytest.raises(QueryError, match="not a valid parameter name"):
        inject_values(q, {"a} DROP ALL": ox.NamedNode("urn:x:a")})
    with pytest.raises(QueryError):
        term_to_sparql(ox.BlankNode("b"))


def test_values_round_trip_on_the_server(oxigraph_server: OxigraphServer) -> None:
    """Every hostile text comes back from the server as exactly the literal that was sent."""
    from test_injection import HOSTILE

    remote = oxigraph_server.remote(read_only=True)
    for value in HOSTILE:
        lit = ox.Literal(value)
        rows = list(remote.query("SELECT ?t WHERE { }", {"t": lit}))
        assert len(rows) == 1 and rows[0]["t"] == lit, value


class _PartialHandler(http.server.BaseHTTPRequestHandler):
    """A stand-in for a server at its result limit: HTTP 206 with a partial body."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode()
        self.send_response(206)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def partial_server() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PartialHandler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/sparql"
    finally:
        srv.shutdown()
        srv.server_close()


def test_partial_results_are_an_error(partial_server: str) -> None:
    with pytest.raises(EndpointError, match="partial result"):
        list(RemoteStore(partial_server).query("SELECT ?s WHERE { ?s ?p ?o }"))


def test_unreachable_endpoint_is_a_clear_error() -> None:
    from conftest import free_port

    remote = RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout=5)
    with pytest.raises(EndpointError, match="cannot reach"):
        remote.count()
    with pytest.raises(EndpointError, match="http"):
        RemoteStore("file:///etc/passwd")


def test_bad_query_is_a_query_error(oxigraph_server: OxigraphServer) -> None:
    with pytest.raises(QueryError):
        list(oxigraph_server.remote().query("SELECT WHERE nonsense"))


def test_update_words_in_comments_do_not_turn_a_query_into_an_update(
    oxigraph_server: OxigraphServer,
) -> None:
    """SPARQLWrapper alone would send this as an ADD update (HTTP 415 from the server)."""
    text = (
        "# title: counts that add up; drop, load, insert, copy and move are only words here\n"
        "# description: an address, a download\n"
        "PREFIX sg: <https://w3id.org/stancegraph/ns#>\n"
        "# one more comment: clear, create, delete\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    )
    rows = list(oxigraph_server.remote().query(text))
    assert len(rows) == 1
    assert _query_form(text) == "SELECT"
    assert _query_form("BASE <http://x/> PREFIX a: <http://a/>\nASK {}") == "ASK"
    assert _query_form("construct { ?s ?p ?o } WHERE { ?s ?p ?o }") == "CONSTRUCT"
    with pytest.raises(QueryError, match="not a SPARQL query"):
        _query_form("# a comment\nINSERT DATA { <a:b> <a:c> <a:d> }")


def test_values_go_inside_the_group_of_a_lateral_query() -> None:
    """With LATERAL, the group is evaluated per VALUES row, as substitutions do."""
    q = (
        'SELECT ?a ?n WHERE { { SELECT ?s ?a WHERE { ?s <urn:x:p> ?a } } FILTER(?n != "}{") '
        "LATERAL { ?s <urn:x:q> ?n } }"
    )
    out = inject_values(q, {"a": ox.NamedNode("urn:x:a")})
    assert out.startswith("SELECT ?a ?n WHERE {\n  VALUES (?a) { (<urn:x:a>) }\n  LATERAL { {")
    assert out.endswith("LATERAL { ?s <urn:x:q> ?n } }\n}")
    plain = "SELECT ?a WHERE { ?a ?p ?o }"
    assert "LATERAL" not in inject_values(plain, {"a": ox.NamedNode("urn:x:a")})
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:a")))
    store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:q"), ox.Literal("1")))
    store.add(ox.Quad(ox.NamedNode("urn:x:t"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:b")))
    store.add(ox.Quad(ox.NamedNode("urn:x:t"), ox.NamedNode("urn:x:q"), ox.Literal("2")))
    rows = [(r["a"], r["n"]) for r in store.query(out)]
    assert rows == [(ox.NamedNode("urn:x:a"), ox.Literal("1"))]


def test_validate_on_a_server_reports_violations_in_words(
    oxigraph_server: OxigraphServer, tmp_path: Path
) -> None:
    """`--endpoint URL validate` with a violation: exit 1 and the violation in words.

    It once ended in a traceback ('RemoteStore' object has no attribute 'ox') with
    exit status 1, which read as "violations found".
    """
    bad = tmp_path / "stance-without-holder.ttl"
    bad.write_text(
        (Path(__file__).parent / "fixtures" / "shapes" / "Stance-invalid-01.ttl").read_text(),
        encoding="utf-8",
    )
    runner = CliRunner()
    endpoint = ["--endpoint", oxigraph_server.query_url]
    added = runner.invoke(cli, [*endpoint, "ingest", str(bad)])
    assert added.exit_code == 0, added.output
    try:
        result = runner.invoke(cli, [*endpoint, "validate"])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "A stance needs exactly one holder" in result.output
        assert "stance-without-holder.ttl" in result.output
        as_json = runner.invoke(cli, [*endpoint, "validate", "--json"])
        assert as_json.exit_code == 1, as_json.output
        report = json.loads(as_json.output)
        assert report["conforms"] is False
        assert any(v["source"] == str(bad) for v in report["violations"])
    finally:
        runner.invoke(cli, [*endpoint, "retract", bad.name])
