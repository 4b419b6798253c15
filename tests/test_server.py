"""`stancegraph serve`: a real server process on 127.0.0.1, queried over HTTP."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import served_store

from stancegraph.api import run_query
from stancegraph.errors import EndpointError
from stancegraph.server.endpoint import RefusedError, check_query
from stancegraph.sparql.library import load_query
from stancegraph.store import RemoteStore

pytestmark = pytest.mark.server

TIMEOUT_S = 2
MAX_RESULTS = 2000  # above what name resolution reads, below the whole store
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def http(
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@pytest.fixture(scope="module")
def served(
    demo_store_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    store = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(demo_store_path, store)
    with served_store(
        store, timeout=TIMEOUT_S, max_results=MAX_RESULTS, max_request_bytes=20000
    ) as info:
        yield info


def _get(
    url: str, query: str, accept: str = "application/sparql-results+json"
) -> tuple[int, dict[str, str], bytes]:
    return http(url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})


def test_select_in_every_format(served: dict[str, Any]) -> None:
    q = "SELECT ?l WHERE { <https://w3id.org/stancegraph/id/actor/vladimir-putin> <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 1"
    status, headers, body = _get(served["url"], q)
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["l"]["value"] == "Vladimir Putin"
    for accept, fmt in (
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ):
        status, headers, body = _get(served["url"], q, accept)
        assert status == 200 and headers["content-type"].startswith(accept)
        rows = list(ox.parse_query_results(body, fmt))
        assert rows[0]["l"].value == "Vladimir Putin"
    status, headers, body = _get(served["url"], q, "text/csv")
    assert status == 200 and body.decode().splitlines() == ["l", "Vladimir Putin"]
    status, _, body = _get(served["url"], "ASK { ?s ?p ?o }")
    assert json.loads(body)["boolean"] is True
    status, headers, body = _get(
        served["url"], "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", "application/n-triples"
    )
    assert status == 200 and len(list(ox.parse(body, ox.RdfFormat.N_TRIPLES))) == 3


def test_post_forms(served: dict[str, Any]) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/stancegraph/ns#Stance> }"
    status, _, body = http(
        served["url"], data=q.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] != "0"
    status, _, body = http(
        served["url"],
        data=urllib.parse.urlencode({"query": q}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200


def _dump(store: Path) -> list[str]:
    s = ox.Store.read_only(str(store))
    return sorted(str(q) for q in s.quads_for_pattern(None, None, None, None))


@pytest.mark.parametrize(
    ("how", "text"),
    [
        ("update-body", "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"),
        ("update-form", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        ("query-param", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        ("query-param", "PREFIX x: <urn:x#> DROP ALL"),
        ("query-param", "LOAD <http://127.0.0.1:9/x.ttl>"),
        ("query-param", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"),
        ("update-endpoint", "DELETE WHERE { ?s ?p ?o }"),
    ],
)
def test_writes_load_and_service_are_refused(how: str, text: str, served: dict[str, Any]) -> None:
    before = _dump(served["store"])
    url = served["url"]
    if how == "update-body":
        status, _, body = http(
            url, data=text.encode(), headers={"Content-Type": "application/sparql-update"}
        )
    elif how == "update-form":
        status, _, body = http(
            url,
            data=urllib.parse.urlencode({"update": text}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    elif how == "update-endpoint":
        status, _, body = http(
            url.replace("/query", "/update"),
            data=text.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )
    else:
        status, _, body = _get(url, text)
    assert status == 403, body
    message = body.decode()
    assert "refused" in message
    assert _dump(served["store"]) == before


def test_slow_query_is_stopped_with_a_clear_error(served: dict[str, Any]) -> None:
    status, _, body = _get(served["url"], SLOW)
    assert status == 503
    assert f"time limit of {TIMEOUT_S} s" in body.decode()
    # The killed worker was replaced: the endpoint still answers.
    status, _, body = _get(served["url"], "ASK { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_result_size_limit_flags_truncation(served: dict[str, Any]) -> None:
    status, headers, body = _get(served["url"], "SELECT * WHERE { ?s ?p ?o }")
    assert status == 206
    assert headers["x-stancegraph-truncated"] == "true"
    assert len(json.loads(body)["results"]["bindings"]) == MAX_RESULTS
    with pytest.raises(EndpointError, match="partial result"):
        list(RemoteStore(served["url"]).query("SELECT * WHERE { ?s ?p ?o }"))


def test_oversized_request_is_refused(served: dict[str, Any]) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30000
    status, _, body = http(
        served["url"], data=big.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert status == 413 and b"limit" in body


def test_bad_query_is_400(served: dict[str, Any]) -> None:
    status, _, body = _get(served["url"], "SELECT nonsense {")
    assert status == 400 and b"not valid SPARQL" in body


def test_library_queries_through_the_served_endpoint(
    served: dict[str, Any], demo_store: Any
) -> None:
    remote = RemoteStore(served["url"], read_only=True)
    for name, params in [
        ("stance_between", {"holder": "Donald Trump", "target": "Putin"}),
        ("relationship_timeline", {"a": "Trump", "b": "Putin", "since": "2025-01-01"}),
        ("critics_of", {"actor": "Trump"}),
    ]:
        qd = load_query(name)
        assert (
            run_query(remote, qd, params).to_json() == run_query(demo_store, qd, params).to_json()
        )


def test_check_query_ignores_words_in_strings_and_iris() -> None:
    check_query(
        'SELECT * WHERE { ?s ?p "INSERT DATA SERVICE LOAD" . ?s <urn:SERVICE> ?o . ?s ex:LOAD ?o }'
    )
    for bad in ("insert data { <a> <b> <c> }", "SELECT * { service <urn:x> { ?s ?p ?o } }"):
        with pytest.raises(RefusedError):
            check_query(bad)


def test_binds_loopback_by_default() -> None:
    from stancegraph.server.endpoint import ServerConfig

    assert ServerConfig(store=Path("x")).host == "127.0.0.1"
