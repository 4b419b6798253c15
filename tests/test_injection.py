"""Hostile parameter values: only ever a literal or an error, never a change or extra rows.

Each value goes to every parameter type it could reach (actor, date, number,
text, iri) through the CLI and the Python API, on the embedded store and on a
real Oxigraph server. The store's dump must be identical before and after, and
no result may contain a row that the honest query would not return.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import stancegraph
from stancegraph.api import run_query
from stancegraph.cli import cli
from stancegraph.errors import StancegraphError
from stancegraph.resolve.names import NameResolver
from stancegraph.sparql.library import QueryDef, load_query, parse_query_file

HOSTILE: list[str] = [
    '"',
    "'",
    '"""',
    "'''",
    "}",
    "{",
    "} ; DROP ALL ; {",
    '" } ; DROP ALL ; { "',
    "' } ; DROP ALL ; { '",
    '"} } ; DROP ALL ; SELECT * WHERE { {"',
    "Trump> } ; DROP ALL ; { <x",
    "<http://example.org/a> } ; DROP ALL ; { <http://example.org/b>",
    "<https://w3id.org/stancegraph/id/actor/donald-trump> } UNION { ?s ?p ?o",
    "SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }",
    "} SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } {",
    "LOAD <http://127.0.0.1:9/evil.ttl>",
    "INSERT DATA { <urn:x> <urn:y> <urn:z> }",
    "Trump\n} ; DROP ALL ; {\n",
    "Putin\r\nDROP ALL",
    "\\",
    '\\"',
    "\\u0022 } ; DROP ALL ; { \\u0022",
    "\u0000",
    "# } DROP ALL",
    "?s ?p ?o",
    "?holder",
    "*",
    ") || true || (",
    '2025-01-01" || true || "',
    "2025-01-01 } ; DROP ALL ; {",
    "1 ; DROP ALL",
    "1e999999",
    "NaN",
    "-0x10",
    "<javascript:alert(1)>",
    "<file:///etc/passwd>",
    "<>",
    "< http://spaces.example/ >",
    "Trump'; DROP TABLE actors; --",
    "Ⅾonald Trump\u202e",
    "A" * 5000,
]

STANCE_QUERY = load_query("stance_between")


def _probe_query(tmp: Path) -> QueryDef:
    """A query that takes one parameter of every type, projected, so values echo back."""
    path = tmp / "probe.rq"
    path.write_text(
        "# title: Probe\n# description: every parameter type\n"
        "# param: who actor = none — an actor\n"
        "# param: day date = none — a date\n"
        "# param: n number = none — a number\n"
        "# param: words text = none — text\n"
        "# param: thing iri = none — an IRI\n"
        "PREFIX sg: <https://w3id.org/stancegraph/ns#>\n"
        "SELECT ?who ?day ?n ?words ?thing ?stance WHERE {\n"
        "  ?stance a sg:Stance ; sg:holder ?h .\n"
        "  BIND(COALESCE(?who, ?h) AS ?w) FILTER(?w = ?h)\n"
        "}\n",
        encoding="utf-8",
    )
    return parse_query_file(path)


def _dump(store: Any) -> list[str]:
    if hasattr(store, "ox"):
        return sorted(str(q) for q in store.ox.quads_for_pattern(None, None, None, None))
    return sorted(str(q) for q in store.iter_quads())


def _rows(result: Any) -> set[str]:
    return {json.dumps({k: str(v) for k, v in r.items()}, sort_keys=True) for r in result.rows}


def _honest_stances(store: Any) -> set[str]:
    return _rows(
        run_query(store, STANCE_QUERY, {"holder": "Donald Trump", "target": "Vladimir Putin"})
    )


def _attack(store: Any, probe: QueryDef) -> int:
    """Send every hostile value to every parameter; return how many were refused."""
    honest = _honest_stances(store)
    resolver = NameResolver.for_store(store)
    refused = 0
    for value in HOSTILE:
        for params in (
            {"holder": value, "target": "Putin"},
            {"holder": "Trump", "target": value},
        ):
            try:
                got = _rows(run_query(store, STANCE_QUERY, params, resolver=resolver))
            except StancegraphError:
                refused += 1
                continue
            assert got <= honest, (value, params)
        for name in ("who", "day", "n", "words", "thing"):
            try:
                result = run_query(store, probe, {name: value}, resolver=resolver)
            except StancegraphError:
                refused += 1
                continue
            term = result.rows[0][name] if result.rows else None
            if name == "words":
                assert term == ox.Literal(value), value  # exactly the text, as one literal
            for row in result.rows:
                assert set(row) == {"who", "day", "n", "words", "thing", "stance"}
    return refused


def test_corpus_is_large_enough() -> None:
    assert len(HOSTILE) >= 30 and len(set(HOSTILE)) == len(HOSTILE)


def test_hostile_values_embedded_python_api(demo_store_path: Path, tmp_path: Path) -> None:
    import shutil

    from stancegraph.store import Store

    copy = tmp_path / "store"
    shutil.copytree(demo_store_path, copy)
    with Store(copy) as store:  # writable on purpose: an injection would have a store to change
        before = _dump(store)
        refused = _attack(store, _probe_query(tmp_path))
        after = _dump(store)
    assert before == after
    assert refused > 0  # bad dates, numbers, IRIs and unknown actors are errors


def test_hostile_values_through_query_function(demo_store: Any) -> None:
    before = _dump(demo_store)
    for value in HOSTILE:
        try:
            df = stancegraph.query("critics_of", store=demo_store, actor=value)
        except StancegraphError:
            continue
        assert len(df) <= 3
    assert _dump(demo_store) == before


def test_hostile_values_through_cli(demo_store_path: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(demo_store_path, copy)
    from stancegraph.store import Store

    with Store(copy, read_only=True) as st:
        before = _dump(st)
        honest = len(_honest_stances(st))
    runner = CliRunner()
    for value in HOSTILE:
        if "\x00" in value:
            continue  # an argv cannot carry NUL
        for args in (
            ["-p", f"holder={value}", "-p", "target=Putin"],
            ["-p", "holder=Trump", "-p", f"target={value}"],
        ):
            out = runner.invoke(
                cli, ["--store", str(copy), "query", "stance_between", *args, "--format", "json"]
            )
            if out.exit_code == 2:
                assert out.output.startswith("error: "), out.output
                continue
            assert out.exit_code == 0, out.output
            assert len(json.loads(out.output)["results"]["bindings"]) <= honest
    with Store(copy, read_only=True) as st:
        assert _dump(st) == before


@pytest.mark.server
def test_hostile_values_on_a_real_server(oxigraph_demo: Any, tmp_path: Path) -> None:
    remote = oxigraph_demo.remote()  # writable client: the server would accept an injected update
    before = _dump(remote)
    _attack(remote, _probe_query(tmp_path))
    assert _dump(remote) == before
