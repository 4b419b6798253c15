"""Hostile input that is not merely malformed: bombs, fetch traps, SERVICE, injection, HTML, the endpoint.

What must hold (see ``docs/decisions/20261123-untrusted-input.md``):

- resource bombs (RDF/XML entity expansion, deep nesting, YAML aliases) are
  refused quickly with a ``ParseError``, before any parser spends the memory;
- nothing is fetched while parsing or querying unless the user asks: a
  recording HTTP server on 127.0.0.1 must see no request from a JSON-LD remote
  ``@context``, an ``owl:imports``, an external XML entity, or a ``SERVICE``
  clause in a query file, the ``%%sparql`` magic or the endpoint;
- hostile values (``tests/fixtures/hostile-values.txt``) reaching SPARQL
  through the magic, remote VALUES binding and the Python API change nothing
  and widen no result (``tests/test_injection.py`` covers the CLI and the
  library queries);
- every exported page carries a Content-Security-Policy that forbids inline
  handlers and remote loads;
- ``stancegraph serve`` refuses oversized and malformed requests and survives a
  burst of concurrent clients with the store intact.
"""

from __future__ import annotations

import concurrent.futures as cf
import html.parser
import http.server
import json
import os
import shutil
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import served_store
from stress_report import record

from stancegraph.api import run_query
from stancegraph.cli import cli
from stancegraph.errors import ParseError, QueryError, StancegraphError
from stancegraph.ingest.pipeline import ingest, prepare
from stancegraph.parse.guards import MAX_JSON_DEPTH, MAX_XML_DEPTH
from stancegraph.parse.rdfdoc import parse_rdf
from stancegraph.parse.yamlcard import parse_yaml
from stancegraph.resolve.registry import Registry, read_registry
from stancegraph.sparql.library import library, parse_query_file, uses_service
from stancegraph.store import Store
from stancegraph.store.remote import inject_values

STRESS = os.environ.get("STANCEGRAPH_STRESS") == "1"
STEP = 1 if STRESS else 3  # quick runs take every third hostile value on the slow surfaces
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BOMBS = FIXTURES / "bombs"
GRAPH = "https://w3id.org/stancegraph/graph/source/hostile"


def hostile_values(port: int = 9) -> list[str]:
    """The corpus: one JSON string per line, ``[text, n]`` for repeats, PORT filled in."""
    values: list[str] = []
    for line in (FIXTURES / "hostile-values.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        item = json.loads(line)
        value = item[0] * item[1] if isinstance(item, list) else item
        values.append(value.replace("PORT", str(port)))
    return values


# -- a recording HTTP server ------------------------------------------------------------


class Recorder:
    """An HTTP server on 127.0.0.1 that answers everything and remembers every request."""

    def __init__(self) -> None:
        self.hits: list[tuple[str, str]] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                hits.append((self.command, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                if self.path.endswith(".jsonld"):
                    body, ctype = (
                        b'{"@context": {"name": "http://schema.org/name"}}',
                        "application/ld+json",
                    )
                elif self.path.endswith((".ttl", ".rdf", "xxe", "dtd")):
                    body, ctype = (
                        b"<http://evil.example/a> <http://evil.example/b> 1 .",
                        "text/turtle",
                    )
                else:
                    body = b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}'
                    ctype = "application/sparql-results+json"
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _answer  # noqa: N815 - http.server's names

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def recorder() -> Iterator[Recorder]:
    r = Recorder()
    yield r
    r.close()


def _bomb(name: str, tmp_path: Path, port: int) -> Path:
    out = tmp_path / name
    out.write_bytes((BOMBS / name).read_bytes().replace(b"PORT", str(port).encode()))
    return out


# -- 2. resource bombs and fetch traps -------------------------------------------------

REFUSED_BOMBS = [
    "billion-laughs.rdf",
    "quadratic-blowup.rdf",
    "external-entity.rdf",
    "parameter-entity.rdf",
    "entity-loop.rdf",
    "alias-bomb.yaml",
    "remote-context.jsonld",
    "remote-context-nested.jsonld",
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", REFUSED_BOMBS)
def test_bombs_and_fetch_traps_are_refused_by_ingest(
    name: str, tmp_path: Path, recorder: Recorder
) -> None:
    path = _bomb(name, tmp_path, recorder.port)
    with Store(None) as store:
        ingest(store, [FIXTURES.parent.parent / "graph" / "actors.yaml"])
        before = sorted(str(q) for q in store.iter_quads())
        with pytest.raises(ParseError) as err:
            ingest(store, [path])
        assert err.value.path == str(path)
        assert sorted(str(q) for q in store.iter_quads()) == before  # nothing written
    assert recorder.hits == []
    record("bombs", f"refused: {name}", "ParseError, 0 requests, store unchanged")


def test_registry_alias_bomb_is_refused(tmp_path: Path) -> None:
    """Regression: read_registry used yaml.safe_load, and walking these aliases hung."""
    with pytest.raises(ParseError, match="aliases"):
        read_registry(_bomb("alias-bomb-registry.yaml", tmp_path, 9))


@pytest.mark.parametrize("depth", [40, 2_000, 50_000])
def test_registry_deep_nesting_is_a_parse_error(depth: int, tmp_path: Path) -> None:
    """Regression: deep nesting in the registry was a RecursionError, not a ParseError."""
    path = tmp_path / "actors.yaml"
    path.write_text("actors: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    try:
        read_registry(path)
    except ParseError:
        pass


def test_yaml_alias_bomb_card_is_refused() -> None:
    with pytest.raises(ParseError, match="aliases"):
        parse_yaml((BOMBS / "alias-bomb.yaml").read_text(encoding="utf-8"))


def _xml_nested(depth: int) -> bytes:
    return (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
        '<rdf:Description rdf:about="http://e/a">'
        + "<e:p><rdf:Description>" * depth
        + "</rdf:Description></e:p>" * depth
        + "</rdf:Description></rdf:RDF>"
    ).encode()


def _jsonld_nested(depth: int) -> bytes:
    return (
        '{"@id": "http://e/a", "http://e/p": ' + '{"http://e/p": ' * depth + "1" + "}" * depth + "}"
    ).encode()


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("make", "fmt", "limit"),
    [
        (_xml_nested, ox.RdfFormat.RDF_XML, MAX_XML_DEPTH),
        (_jsonld_nested, ox.RdfFormat.JSON_LD, MAX_JSON_DEPTH),
    ],
)
def test_deep_nesting_is_bounded(make: Any, fmt: ox.RdfFormat, limit: int) -> None:
    """Unguarded, 100,000 levels of RDF/XML did not finish and 5,000 of JSON-LD crashed (SIGSEGV)."""
    ok = parse_rdf(make(limit // 2 - 2), graph=GRAPH, fmt=fmt)
    assert ok  # ordinary nesting still parses
    for depth in (limit + 10, 5_000, 100_000):
        with pytest.raises(ParseError, match="nested deeper"):
            parse_rdf(make(depth), graph=GRAPH, fmt=fmt)


def test_flat_entities_still_parse() -> None:
    """Namespace abbreviations, as OWL files use them, are not a bomb."""
    quads = parse_rdf(
        (BOMBS / "flat-entities.rdf").read_bytes(), graph=GRAPH, fmt=ox.RdfFormat.RDF_XML
    )
    assert {q.object for q in quads} == {ox.Literal("A & B"), ox.NamedNode("http://example.org/b")}


@pytest.mark.parametrize("name", ["owl-imports.ttl", "owl-imports.rdf"])
def test_owl_imports_is_data_not_a_fetch(name: str, tmp_path: Path, recorder: Recorder) -> None:
    path = _bomb(name, tmp_path, recorder.port)
    parsed = prepare(path, Registry())
    imports = [q for q in parsed.quads if q.predicate.value.endswith("#imports")]
    assert imports and imports[0].object.value.startswith(f"http://127.0.0.1:{recorder.port}/")
    with Store(None) as store:
        ingest(store, [path])
        assert store.count(parsed.report.graph) > 0
    assert recorder.hits == []


def test_recorder_sees_requests(recorder: Recorder) -> None:
    """The trap works: a direct request is recorded (so an empty list above means none was made)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{recorder.port}/ctx.jsonld", timeout=10) as r:
        r.read()
    assert recorder.hits == [("GET", "/ctx.jsonld")]


# -- SERVICE: never executed unless asked -----------------------------------------------


def test_library_queries_have_no_service() -> None:
    lib = library()
    assert lib
    for name, qd in lib.items():
        assert not uses_service(qd.text), name


def _disguises(port: int) -> list[str]:
    u = f"http://127.0.0.1:{port}"
    return [
        f"SELECT * WHERE {{ SERVICE <{u}/plain> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{u}/lower> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE#comment\n<{u}/comment> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{u}/> SELECT * WHERE {{ SERVICE e:prefixed {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p 1SERVICE <{u}/number> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p trueSERVICE <{u}/boolean> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o . SERVICE <http\\u003A//127.0.0.1:{port}/escaped> {{ ?a ?b ?c }} }}",
    ]


def test_service_disguises_run_in_oxigraph_but_are_refused(
    recorder: Recorder, tmp_path: Path
) -> None:
    from stancegraph.server.endpoint import RefusedError, check_query

    data = ox.Store()
    data.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal(1)))
    data.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.Literal(True)))
    store = Store(None)
    for i, q in enumerate(_disguises(recorder.port)):
        assert uses_service(q), q
        with pytest.raises(RefusedError):
            check_query(q)
        path = tmp_path / f"q{i}.rq"
        path.write_text(q, encoding="utf-8")
        with pytest.raises(QueryError, match="SERVICE"):
            run_query(store, parse_query_file(path))
        assert len(recorder.hits) == i  # refused: no request
        list(data.query(q))  # what the guard prevents: Oxigraph itself sends the request
        assert len(recorder.hits) == i + 1, q
    record("bombs", "SERVICE disguises refused (CLI/API, endpoint)", len(_disguises(0)))


def test_service_keyword_in_strings_comments_and_iris_is_fine() -> None:
    for q in [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> {}" }',
        "SELECT ?service WHERE { ?service ?p <http://example.org/service> } # SERVICE",
        "SELECT * WHERE { ?s a <https://schema.org/Service> }",
    ]:
        assert not uses_service(q), q


def test_query_file_with_service_is_refused_unless_allowed(
    demo_store_path: Path, tmp_path: Path, recorder: Recorder
) -> None:
    rq = _bomb("service.rq", tmp_path, recorder.port)
    runner = CliRunner()
    out = runner.invoke(
        cli, ["--store", str(demo_store_path), "query", str(rq), "--format", "json"]
    )
    assert out.exit_code == 2, out.output
    assert "--allow-service" in out.output
    assert recorder.hits == []
    out = runner.invoke(
        cli,
        ["--store", str(demo_store_path), "query", str(rq), "--format", "json", "--allow-service"],
    )
    assert out.exit_code == 0, out.output
    assert [h[1] for h in recorder.hits] == ["/sparql"]  # asked for: now it goes


def test_magic_refuses_service(demo_store: Any, recorder: Recorder) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    sh = InteractiveShell.instance()
    assert sh.run_cell("%load_ext stancegraph.notebook.magic", store_history=False).success
    try:
        sh.user_ns["store"] = demo_store
        assert sh.run_cell("%sparql_store store", store_history=False).success
        for q in _disguises(recorder.port):
            result = sh.run_cell("%%sparql\n" + q, store_history=False)
            assert isinstance(result.error_in_exec, QueryError), q
        assert recorder.hits == []
    finally:
        sh.run_cell("%unload_ext stancegraph.notebook.magic", store_history=False)


# -- 4. injection on the remaining surfaces ----------------------------------------------


def test_corpus_is_large_and_varied() -> None:
    values = hostile_values()
    assert len(values) >= 30 and len(set(values)) == len(values)
    assert any("\x00" in v for v in values) and any(len(v) >= 100_000 for v in values)
    assert any("\n" in v for v in values) and any("SERVICE" in v for v in values)


def _dump(store: Any) -> list[str]:
    return sorted(str(q) for q in store.ox.quads_for_pattern(None, None, None, None))


def _rowset(df: Any) -> set[str]:
    return {
        json.dumps({k: str(v) for k, v in r.items()}, sort_keys=True) for r in df.to_dict("records")
    }


def test_magic_hostile_values_change_nothing_and_widen_nothing(
    demo_store_path: Path, tmp_path: Path, recorder: Recorder
) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    copy = tmp_path / "store"
    shutil.copytree(demo_store_path, copy)
    store = Store(copy)  # writable on purpose: an injection would have something to change
    sh = InteractiveShell.instance()
    assert sh.run_cell("%load_ext stancegraph.notebook.magic", store_history=False).success
    cell = (
        "%%sparql --param who=$who --param words=$words --out rows\n"
        "# param: who actor — the speaker\n"
        "SELECT ?who ?words ?quote WHERE { ?st a sg:Statement ; sg:speaker ?who ; sg:quote ?quote }"
    )
    try:
        sh.user_ns["store"] = store
        assert sh.run_cell("%sparql_store store", store_history=False).success
        sh.user_ns.update(who="Donald Trump", words="honest")
        assert sh.run_cell(cell, store_history=False).success
        honest = {r["quote"] for r in sh.user_ns["rows"].to_dict("records")}
        before = _dump(store)
        refused = 0
        for value in hostile_values(recorder.port)[::STEP]:
            for who, words in ((value, "x"), ("Donald Trump", value)):
                sh.user_ns.update(who=who, words=words, rows=None)
                result = sh.run_cell(cell, store_history=False)
                if not result.success:
                    assert isinstance(result.error_in_exec, StancegraphError), result.error_in_exec
                    refused += 1
                    continue
                rows = sh.user_ns["rows"].to_dict("records")
                assert {r["quote"] for r in rows} <= honest, value
                # one term, exactly the value (the magic reads "<iri>" as an IRI, by design)
                assert all(r["words"] in {words, words[1:-1]} for r in rows), (words, rows[:1])
        assert _dump(store) == before
        assert refused > 0  # unknown actor names are errors
    finally:
        sh.run_cell("%unload_ext stancegraph.notebook.magic", store_history=False)
        store.close()
    assert recorder.hits == []


def test_remote_values_block_binds_each_value_as_one_term(recorder: Recorder) -> None:
    """RemoteStore's VALUES binding, evaluated by a real engine: one row, the exact term."""
    engine = ox.Store()
    query = "SELECT ?v ?w WHERE { OPTIONAL { ?v ?w ?v } }"
    checked = 0
    for value in hostile_values(recorder.port):
        terms: list[Any] = [ox.Literal(value)]
        try:
            terms.append(ox.NamedNode(value))
        except ValueError:
            pass
        for term in terms:
            try:
                text = inject_values(query, {"v": term, "w": ox.Literal("fixed")})
            except QueryError:
                continue  # refused to serialise: safe
            rows = list(engine.query(text))
            assert len(rows) == 1, (value, text)
            assert rows[0]["v"] == term and rows[0]["w"] == ox.Literal("fixed"), value
            checked += 1
    assert checked >= 30
    assert recorder.hits == []


def test_python_api_hostile_values_on_every_library_parameter(demo_store: Any) -> None:
    """Every library query, every parameter, the corpus: nothing changes, no row is added.

    ``run_query`` with one resolver (what ``stancegraph.query(**params)`` calls;
    ``tests/test_injection.py`` drives ``stancegraph.query`` itself).
    """
    from stancegraph.resolve.names import NameResolver

    resolver = NameResolver.for_store(demo_store)
    before = _dump(demo_store)
    defaults = {"actor": "Donald Trump", "topic": "Donald Trump", "date": "2025-01-01"}
    tried = 0
    for qd in library().values():
        base = {p.name: defaults.get(p.type, "1") for p in qd.params if p.required}
        try:
            honest = _rows(run_query(demo_store, qd, base, resolver=resolver))
        except StancegraphError:
            honest = set()
        for p in qd.params:
            for value in hostile_values()[::STEP]:
                try:
                    got = run_query(demo_store, qd, {**base, p.name: value}, resolver=resolver)
                except StancegraphError:
                    continue
                tried += 1
                if p.name in base and p.type != "text":
                    assert _rows(got) <= honest, (qd.name, p.name, value)
    assert tried > 0
    assert _dump(demo_store) == before


def _rows(result: Any) -> set[str]:
    return {json.dumps({k: str(v) for k, v in r.items()}, sort_keys=True) for r in result.rows}


# -- 5. shared HTML: a CSP that forbids inline handlers and remote loads ------------------


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.csp: list[tuple[int, str]] = []
        self.order: list[str] = []
        self.handlers: list[str] = []
        self.remote: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        self.order.append(tag)
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append((len(self.order), a.get("content", "")))
        self.handlers += [k for k in a if k.startswith("on")]
        for key in ("src", "href", "action", "data", "srcset", "poster"):
            v = a.get(key, "").strip().lower()
            if tag != "a" and v and not v.startswith(("#", "data:")):
                self.remote.append(f"{tag} {key}={v[:60]}")


def _directives(csp: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out.setdefault(words[0].lower(), words[1:])
    return out


def check_csp(page: str) -> dict[str, list[str]]:
    """Assert the page's CSP locks it down; return the parsed directives."""
    p = _Page()
    p.feed(page)
    assert len(p.csp) == 1, f"want one CSP meta, found {len(p.csp)}"
    position, csp = p.csp[0]
    first_active = next(
        (i for i, t in enumerate(p.order, 1) if t in {"script", "style", "link", "img"}), None
    )
    assert first_active is None or position < first_active, (
        "the CSP meta must come before any script or style"
    )
    d = _directives(csp)
    assert d.get("default-src") == ["'none'"], d.get("default-src")
    script = d.get("script-src", d["default-src"])
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, script
    assert "'unsafe-hashes'" not in script and "'strict-dynamic'" not in script, script
    for name, sources in d.items():
        for s in sources:
            low = s.lower()
            assert not low.startswith(("http:", "https:", "ws:", "wss:", "*", "blob:")), (name, s)
            assert low not in {"*", "http:", "https:"}, (name, s)
            if name in {
                "connect-src",
                "frame-src",
                "child-src",
                "object-src",
                "form-action",
                "base-uri",
            }:
                assert low in {"'none'", "'self'"}, (name, s)
    if "script-src-attr" in d:
        assert d["script-src-attr"] == ["'none'"]
    assert not p.handlers, p.handlers  # no on*= attribute anywhere, payloads included
    assert not p.remote, p.remote
    return d


@pytest.fixture(scope="module")
def xss_pages(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """The network, card and brief pages of a graph whose every string is an XSS payload."""
    from test_browser import XSS, _xss_yaml

    from stancegraph.project.graph import to_networkx
    from stancegraph.share.network import network_html, source_index
    from stancegraph.share.render import evidence_brief, render_brief, render_card, stance_card

    tmp = tmp_path_factory.mktemp("xss")
    store = Store(None)
    ingest(store, [_xss_yaml(tmp / "xss-cards.yaml")])
    graph = to_networkx(store)
    labels = {n: d["label"] for n, d in graph.nodes(data=True)}
    ada = next(n for n, label in labels.items() if label == "Ada Lovelace")
    pages = [("network", network_html(graph, title=XSS[0], sources=source_index(store)))]
    for i, (node, label) in enumerate(sorted(labels.items())):
        if label in XSS and i % 3 == 0:
            pages.append(
                (
                    f"card {label!r}",
                    render_card(stance_card(store, f"<{node}>", f"<{ada}>"), fmt="html"),
                )
            )
    first = next(n for n, label in labels.items() if label == XSS[0])
    pages.append(
        (
            "brief",
            render_brief(evidence_brief(store, f"<{first}>", f"<{ada}>", graph=graph), fmt="html"),
        )
    )
    return pages


def test_every_exported_page_has_a_locking_csp(xss_pages: list[tuple[str, str]]) -> None:
    assert len(xss_pages) >= 3
    for name, page in xss_pages:
        try:
            check_csp(page)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from exc


def test_csp_check_rejects_weak_policies() -> None:
    """The checker itself fails on what it must forbid."""
    good = "<html><head><meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\"></head></html>"
    check_csp(good)
    for bad in [
        "default-src 'none'; script-src 'unsafe-inline'",
        "default-src *",
        "default-src 'none'; img-src https://tracker.example",
        "default-src 'none'; connect-src http://127.0.0.1:9",
    ]:
        with pytest.raises(AssertionError):
            check_csp(good.replace("default-src 'none'", bad))
    with pytest.raises(AssertionError):
        check_csp(good.replace("</head>", "</head><body><img src=x onerror=alert(1)></body>"))


# -- 6. the endpoint -------------------------------------------------------------------------

MAX_REQUEST = 20_000


@pytest.fixture(scope="module")
def endpoint(
    demo_store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    store = tmp_path_factory.mktemp("hostile-served") / "store"
    shutil.copytree(demo_store_path, store)
    with served_store(store, timeout=3, max_results=200, max_request_bytes=MAX_REQUEST) as info:
        yield info


def _http(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _raw(port: int, request: bytes, *, body_chunks: int = 0, chunk: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        try:
            for _ in range(body_chunks):
                s.sendall(chunk)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may close early: that is the point
        data = b""
        while True:
            try:
                got = s.recv(65536)
            except OSError:
                break
            if not got:
                break
            data += got
    return data


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(url: str) -> int:
    status, body = _http(
        url + "?" + urllib.parse.urlencode({"query": COUNT}),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_endpoint_binds_loopback_by_default() -> None:
    from stancegraph.server.endpoint import ServerConfig

    assert ServerConfig(store=Path("x")).host == "127.0.0.1"


@pytest.mark.server
def test_endpoint_refuses_oversized_and_lying_requests(endpoint: dict[str, Any]) -> None:
    url, port = endpoint["url"], endpoint["port"]
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_REQUEST
    assert (
        _http(url, data=big.encode(), headers={"Content-Type": "application/sparql-query"})[0]
        == 413
    )
    assert _http(url, data=urllib.parse.urlencode({"query": big}).encode())[0] == 413
    assert _http(url + "?" + urllib.parse.urlencode({"query": big}))[0] in {413, 414, 431}
    # A Content-Length that claims a terabyte is refused before anything is read.
    head = _raw(
        port,
        b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 1000000000000\r\n\r\n",
    )
    assert head.startswith(b"HTTP/1.") and b" 413 " in head.split(b"\r\n")[0]
    # Regression: a negative Content-Length made the server read until the client stopped.
    head = _raw(
        port,
        b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: -1\r\n\r\n",
        body_chunks=50,
        chunk=b"#" * 10_000,
    )
    assert b" 200 " not in head.split(b"\r\n")[0], head[:200]
    assert _count(url) > 0  # still answering


@pytest.mark.server
def test_endpoint_refuses_service_disguises_and_updates(
    endpoint: dict[str, Any], recorder: Recorder
) -> None:
    url = endpoint["url"]
    for q in _disguises(recorder.port):
        status, body = _http(
            url, data=q.encode(), headers={"Content-Type": "application/sparql-query"}
        )
        assert status == 403, (q, body)
    for q in [
        "DROP ALL",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        f"LOAD <http://127.0.0.1:{recorder.port}/x.ttl>",
    ]:
        assert _http(url, data=urllib.parse.urlencode({"update": q}).encode())[0] == 403
        assert (
            _http(url, data=q.encode(), headers={"Content-Type": "application/sparql-update"})[0]
            == 403
        )
    assert recorder.hits == []


BURST_CLIENTS = 20
BURST_REQUESTS = 200


def endpoint_burst(url: str, port: int, *, requests: int, clients: int) -> dict[str, int]:
    """Mixed good, refused, malformed and oversized requests from many threads; status counts."""
    honest = "SELECT ?s WHERE { ?s a ?t } LIMIT 5"
    kinds: list[tuple[bytes | None, dict[str, str], str]] = [
        (None, {}, "?" + urllib.parse.urlencode({"query": honest})),
        (honest.encode(), {"Content-Type": "application/sparql-query"}, ""),
        (b"SELECT * WHERE { ?s ?p", {"Content-Type": "application/sparql-query"}, ""),
        (b"DROP ALL", {"Content-Type": "application/sparql-update"}, ""),
        (("#" * (MAX_REQUEST + 1)).encode(), {"Content-Type": "application/sparql-query"}, ""),
        (
            f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}".encode(),
            {"Content-Type": "application/sparql-query"},
            "",
        ),
        (
            b"SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000",
            {"Content-Type": "application/sparql-query"},
            "",
        ),
    ]

    def one(i: int) -> str:
        data, headers, suffix = kinds[i % len(kinds)]
        try:
            return str(_http(url + suffix, data=data, headers=headers)[0])
        except (ConnectionResetError, BrokenPipeError):
            # The server answers 413 and closes before an oversized body is sent in full.
            assert i % len(kinds) == 4, f"connection reset on request kind {i % len(kinds)}"
            return "413"

    counts: dict[str, int] = {}
    with cf.ThreadPoolExecutor(clients) as pool:
        for status in pool.map(one, range(requests)):
            counts[status] = counts.get(status, 0) + 1
    return counts


@pytest.mark.server
def test_endpoint_survives_a_burst(endpoint: dict[str, Any]) -> None:
    url, store = endpoint["url"], endpoint["store"]
    with Store(store, read_only=True) as st:
        before = _dump(st)
    n = _count(url)
    counts = endpoint_burst(url, endpoint["port"], requests=BURST_REQUESTS, clients=BURST_CLIENTS)
    assert sum(counts.values()) == BURST_REQUESTS
    assert set(counts) <= {"200", "206", "400", "403", "413", "503"}, counts
    assert counts.get("200", 0) + counts.get("206", 0) >= BURST_REQUESTS // 7, counts
    assert endpoint["proc"].poll() is None  # still running
    assert _count(url) == n  # and answering, with the same data
    with Store(store, read_only=True) as st:
        assert _dump(st) == before
    record("endpoint", f"burst: {BURST_REQUESTS} requests from {BURST_CLIENTS} clients", counts)


@pytest.mark.server
def test_endpoint_accepts_fifty_clients_at_once(endpoint: dict[str, Any]) -> None:
    """Regression: with the default listen backlog (5), about 3 % of connections were reset."""
    query = b"SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"

    def one(_i: int) -> str:
        try:
            return str(
                _http(
                    endpoint["url"],
                    data=query,
                    headers={"Content-Type": "application/sparql-query"},
                )[0]
            )
        except OSError as exc:
            return type(exc).__name__

    with cf.ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(one, range(400)))
    assert set(statuses) == {"403"}, {s: statuses.count(s) for s in set(statuses)}


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.timeout(3600)
def test_endpoint_survives_a_long_burst(endpoint: dict[str, Any]) -> None:
    url, store = endpoint["url"], endpoint["store"]
    with Store(store, read_only=True) as st:
        before = _dump(st)
    n = _count(url)
    counts = endpoint_burst(url, endpoint["port"], requests=5000, clients=50)
    print(f"\nendpoint burst: 5000 requests from 50 clients: {counts}")
    assert sum(counts.values()) == 5000
    assert set(counts) <= {"200", "206", "400", "403", "413", "503"}, counts
    assert endpoint["proc"].poll() is None and _count(url) == n
    with Store(store, read_only=True) as st:
        assert _dump(st) == before
    record("endpoint", "stress burst: 5000 requests from 50 clients", counts)
    record("endpoint", "store quads lost or changed after bursts", 0)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_hostile_stress(demo_store_path: Path, demo_store: Any, tmp_path: Path) -> None:
    """``make stress`` runs only ``slow`` tests: the bombs, traps and the whole corpus again."""
    blocked = 0
    for name in REFUSED_BOMBS:
        (tmp_path / name).mkdir()
        r = Recorder()
        try:
            test_bombs_and_fetch_traps_are_refused_by_ingest(name, tmp_path / name, r)
        finally:
            r.close()
        blocked += 1
    r = Recorder()
    try:
        (tmp_path / "service").mkdir()
        test_service_disguises_run_in_oxigraph_but_are_refused(r, tmp_path / "service")
        blocked += len(_disguises(r.port))
    finally:
        r.close()
    r = Recorder()
    try:
        (tmp_path / "magic").mkdir()
        test_magic_hostile_values_change_nothing_and_widen_nothing(
            demo_store_path, tmp_path / "magic", r
        )
        test_remote_values_block_binds_each_value_as_one_term(r)
    finally:
        r.close()
    test_python_api_hostile_values_on_every_library_parameter(demo_store)
    values = len(hostile_values())
    print(
        f"\nhostile: {blocked} bombs and SERVICE payloads blocked; {values} hostile values on 3 surfaces"
    )
    record("hostile (stress)", "bombs and SERVICE payloads blocked", blocked)
    record("hostile (stress)", "hostile values x surfaces (magic, VALUES, API)", f"{values} x 3")
    record("hostile (stress)", "store changes or widened results", 0)
