"""Every library query, run on the demo graph, returns the rows kept in tests/expected/.

Each ``tests/expected/<query>.json`` holds the cases of one query: parameters
and the expected result (SPARQL 1.1 JSON for SELECT/ASK, sorted N-Triples lines
for CONSTRUCT). One parametrised test runs them all and fails for a query that
has no expected file. To (re)generate after a deliberate change, run::

    STANCEGRAPH_UPDATE_EXPECTED=1 pytest tests/test_queries.py

and review the diff of tests/expected/ by eye before committing.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

import stancegraph
from stancegraph.api import QueryResult, run_query
from stancegraph.cli import cli
from stancegraph.errors import QueryError, ResolutionError
from stancegraph.sparql.library import library, load_query

EXPECTED = Path(__file__).resolve().parent / "expected"
ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
UPDATE = os.environ.get("STANCEGRAPH_UPDATE_EXPECTED") == "1"
STANCE = "https://w3id.org/stancegraph/id/stance/"

# Cases used when a query has no expected file yet (the file's own cases win).
DEFAULT_CASES: dict[str, list[dict[str, Any]]] = {
    "actors": [{}, {"type": "<https://w3id.org/stancegraph/ns#State>"}],
    "stances_of": [{"actor": "Donald Trump"}, {"actor": "Putin"}],
    "stance_between": [
        {"holder": "Donald Trump", "target": "Putin"},
        {"holder": "Putin", "target": "Trump"},
    ],
    "relationship_timeline": [
        {"a": "Trump", "b": "Putin"},
        {"a": "Putin", "b": "Trump", "since": "2025-01-01"},
        {"a": "Trump", "b": "Putin", "since": "2020-01-01", "until": "2025-03-31"},
    ],
    "stance_flips": [{}, {"actor": "Putin"}, {"actor": "Zelenskyy"}],
    "critics_of": [{"actor": "Trump"}],
    "contacts_between": [{"a": "Putin", "b": "Trump"}],
    "actions_by": [{"actor": "Trump"}, {"actor": "Trump", "since": "2020-01-01"}],
    "claims_about": [{"actor": "Putin"}, {"actor": "NATO"}],
    "uncited_claims": [{}],
    "sources_of": [{"fact": "<https://w3id.org/stancegraph/id/stance/01518ab2e7f29a74>"}],
    "relationship_network": [{}, {"actor": "Putin"}],
    "network_nodes": [{}],
    "network_edges": [{}],
    "stance_evidence": [{"holder": "Trump", "target": "Putin"}],
    "event_network": [{}],
    "event_network_months": [{}, {"since": "2025-01-01", "until": "2025-06-30"}],
}


def result_to_expected(result: QueryResult) -> Any:
    """A result in the form kept on disk: SPARQL JSON, or sorted N-Triples for graphs."""
    if result.triples is not None:
        return sorted(f"{t.subject} {t.predicate} {t.object} ." for t in result.triples)
    return json.loads(result.to_json())


def comparable(data: Any, text: str) -> Any:
    """Rows of a query without ORDER BY compare as a multiset."""
    if isinstance(data, dict) and "results" in data and not re.search(r"ORDER\s+BY", text, re.I):
        rows = sorted(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"])
        return {"head": data["head"], "rows": rows}
    return data


def _expected_file(name: str) -> Path:
    return EXPECTED / f"{name}.json"


@pytest.mark.parametrize("name", sorted(library()))
def test_query_returns_expected_rows(name: str, demo_store: Any) -> None:
    qd = load_query(name)
    path = _expected_file(name)
    if path.exists():
        cases = [c["params"] for c in json.loads(path.read_text(encoding="utf-8"))["cases"]]
    elif UPDATE:
        cases = DEFAULT_CASES.get(name, [{}])
    else:
        pytest.fail(
            f"query {name!r} has no expected result: add tests/expected/{name}.json "
            "(STANCEGRAPH_UPDATE_EXPECTED=1 pytest tests/test_queries.py writes it) and review it"
        )
    got = [{"params": p, "result": result_to_expected(run_query(demo_store, qd, p))} for p in cases]
    if UPDATE:
        EXPECTED.mkdir(exist_ok=True)
        path.write_text(
            json.dumps({"query": name, "cases": got}, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        return
    want = json.loads(path.read_text(encoding="utf-8"))["cases"]
    for w, g in zip(want, got, strict=True):
        assert comparable(g["result"], qd.text) == comparable(w["result"], qd.text), (
            f"{name} with {w['params']} differs from tests/expected/{name}.json"
        )


def test_every_expected_file_names_a_query() -> None:
    names = set(library())
    stale = [p.name for p in EXPECTED.glob("*.json") if p.stem not in names]
    assert not stale, f"expected results for queries that no longer exist: {stale}"


def test_expected_results_are_not_trivial() -> None:
    """Most cases return rows: an expected file of empty results proves little."""
    empty, total = 0, 0
    for path in EXPECTED.glob("*.json"):
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            total += 1
            res = case["result"]
            rows = res if isinstance(res, list) else res.get("results", {}).get("bindings", [1])
            empty += not rows
    assert total >= 20
    assert empty <= total // 4


def test_library_has_headers_and_snake_case_names() -> None:
    lib = library()
    assert len(lib) >= 12
    for name, qd in lib.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert qd.title and qd.description, f"{name}: needs # title: and # description:"


def _sg_terms_in(text: str) -> set[str]:
    body = re.sub(r"(?m)(^|\s)#[^\n]*", r"\1", text)
    body = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', body)
    terms = set(re.findall(r"\bsg:([A-Za-z_][A-Za-z0-9_]*)", body))
    terms |= set(re.findall(r"<https://w3id\.org/stancegraph/ns#([A-Za-z_][A-Za-z0-9_]*)>", body))
    return terms


def _ontology_terms() -> set[str]:
    import rdflib

    g = rdflib.Graph()
    for f in ONTOLOGY.rglob("*.ttl"):
        g.parse(f, format="turtle")
    ns = "https://w3id.org/stancegraph/ns#"
    return {str(s)[len(ns) :] for s in g.subjects() if str(s).startswith(ns)}


def test_queries_use_only_terms_the_ontology_defines() -> None:
    defined = _ontology_terms()
    assert {"Stance", "holder", "Actor"} <= defined
    for name, qd in library().items():
        unknown = _sg_terms_in(qd.text) - defined
        assert not unknown, (
            f"{name}.rq uses sg: terms the ontology does not define: {sorted(unknown)}"
        )


def test_ontology_check_catches_an_undefined_term() -> None:
    assert _sg_terms_in(
        "SELECT * { ?s sg:holdr ?o . ?s a <https://w3id.org/stancegraph/ns#Stanse> }"
    ) == {
        "holdr",
        "Stanse",
    }
    assert not {"holdr", "Stanse"} <= _ontology_terms()


def test_optional_params_are_declared_projected_or_in_patterns() -> None:
    """Oxigraph substitutes only projected SELECT variables (in-scope ones for CONSTRUCT)."""
    for name, qd in library().items():
        head = re.split(r"\bWHERE\b", re.sub(r"#[^\n]*", "", qd.text), maxsplit=1, flags=re.I)[0]
        for p in qd.params:
            if qd.form == "SELECT":
                assert f"?{p.name}" in head, f"{name}: parameter ?{p.name} must be projected"
        assert "!BOUND(?" not in re.sub(r"#[^\n]*", "", qd.text).replace(" ", "") or all(
            f"!BOUND(?{p.name})" not in qd.text.replace(" ", "") for p in qd.params
        ), f"{name}: test a parameter with COALESCE, not BOUND (see docs/endpoints.md)"


def test_bound_is_folded_for_substituted_variables() -> None:
    """Why the library uses COALESCE: pyoxigraph folds BOUND(?param) to false.

    If this starts failing, Oxigraph fixed it and ``FILTER(!BOUND(?p) || ...)``
    becomes usable; the library's COALESCE form stays correct either way.
    """
    import pyoxigraph as ox

    s = ox.Store()
    s.update("INSERT DATA { <urn:a> <urn:p> 1 . <urn:b> <urn:p> 5 }")
    three = ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    subs = {ox.Variable("x"): three}
    bound_form = "SELECT ?x ?s { ?s <urn:p> ?o FILTER(!BOUND(?x) || ?o >= ?x) }"
    coalesce_form = "SELECT ?x ?s { ?s <urn:p> ?o BIND(COALESCE(?x, 0) AS ?m) FILTER(?o >= ?m) }"
    assert len(list(s.query(bound_form, substitutions=subs))) == 2  # the filter was lost
    assert [r["s"].value for r in s.query(coalesce_form, substitutions=subs)] == ["urn:b"]


# -- the CLI and the Python API ---------------------------------------------


def test_cli_lists_queries_with_parameters() -> None:
    out = CliRunner().invoke(cli, ["query", "--list"])
    assert out.exit_code == 0, out.output
    names = re.findall(r"^(\w+)  —  ", out.output, flags=re.M)
    assert len(names) >= 12
    assert "-p holder=<actor>" in out.output and "-p since=<date> = none" in out.output
    data = json.loads(CliRunner().invoke(cli, ["query", "--list", "--json"]).output)
    by_name = {q["name"]: q for q in data}
    assert [p["name"] for p in by_name["stance_between"]["params"]] == ["holder", "target"]


def test_cli_stance_between_json(demo_store_path: Path) -> None:
    out = CliRunner().invoke(
        cli,
        [
            "--store",
            str(demo_store_path),
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
    rows = json.loads(out.output)["results"]["bindings"]
    assert len(rows) == 1
    row = rows[0]
    assert row["polarity"]["value"] == "mixed"
    assert row["strength"]["value"] == "strong"
    assert row["flip"] == {
        "type": "literal",
        "value": "true",
        "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
    }
    assert row["holder"]["value"].endswith("/actor/donald-trump")


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_cli_formats(fmt: str, demo_store_path: Path) -> None:
    out = CliRunner().invoke(
        cli,
        [
            "--store",
            str(demo_store_path),
            "query",
            "critics_of",
            "-p",
            "actor=Trump",
            "--format",
            fmt,
        ],
    )
    assert out.exit_code == 0, out.output
    if fmt == "csv":
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(out.output)))
        assert len(rows) == 3 and rows[0]["criticName"] and rows[0]["sequence"] == "1"
    elif fmt == "tsv":
        import pyoxigraph as ox

        sols = list(ox.parse_query_results(out.output, ox.QueryResultsFormat.TSV))
        assert len(sols) == 3 and sols[0]["sequence"].value == "1"
    elif fmt == "json":
        assert len(json.loads(out.output)["results"]["bindings"]) == 3
    else:
        assert "(3 rows)" in out.output


def test_cli_construct_as_turtle(demo_store_path: Path) -> None:
    out = CliRunner().invoke(
        cli, ["--store", str(demo_store_path), "query", "relationship_network", "--format", "ttl"]
    )
    assert out.exit_code == 0, out.output
    assert "sg:holder" in out.output and "Vladimir Putin" in out.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stance_between", "-p", "holder=Trump"], "needs parameter 'target'"),
        (["stance_between", "-p", "holder=Trump", "-p", "target=Nobody Atall"], "no actor named"),
        (["actions_by", "-p", "actor=Trump", "-p", "since=last tuesday"], "must be a date"),
        (["critics_of", "-p", "actor=Trump", "-p", "colour=red"], "has no parameter 'colour'"),
        (["critics_of", "-p", "actorTrump"], "must look like name=value"),
        (["no_such_query"], "no query 'no_such_query'"),
    ],
)
def test_cli_parameter_errors_are_clear(
    args: list[str], message: str, demo_store_path: Path
) -> None:
    out = CliRunner().invoke(cli, ["--store", str(demo_store_path), "query", *args])
    assert out.exit_code == 2
    assert message in out.output


def test_python_api_dataframe_has_typed_columns(demo_store: Any) -> None:
    df = stancegraph.query(
        "stance_between", store=demo_store, holder="Donald Trump", target="Putin"
    )
    assert isinstance(df, pd.DataFrame) and len(df) == 1
    assert df.loc[0, "polarity"] == "mixed" and bool(df.loc[0, "flip"]) is True
    tl = stancegraph.query("relationship_timeline", store=demo_store, a="Trump", b="Putin")
    assert pd.api.types.is_integer_dtype(tl["sequence"])
    acts = stancegraph.query("actions_by", store=demo_store, actor="Trump", since="2020-01-01")
    assert pd.api.types.is_datetime64_any_dtype(acts["date"])
    assert list(acts["date"].dt.year) == [2025, 2025, 2025, 2025]
    flips = stancegraph.query("stance_flips", store=demo_store)
    assert pd.api.types.is_integer_dtype(flips["positiveEvidence"])


def test_python_api_accepts_iri_and_date_objects(demo_store: Any) -> None:
    import datetime as dt

    by_iri = stancegraph.query(
        "actions_by",
        store=demo_store,
        actor="<https://w3id.org/stancegraph/id/actor/donald-trump>",
        since=dt.date(2020, 1, 1),
    )
    assert len(by_iri) == 4


def test_python_api_errors(demo_store: Any) -> None:
    with pytest.raises(QueryError, match="needs parameter 'holder'"):
        stancegraph.query("stance_between", store=demo_store, target="Putin")
    with pytest.raises(ResolutionError):
        stancegraph.query("critics_of", store=demo_store, actor="Somebody Unknown")
    with pytest.raises(QueryError, match="must be a date"):
        stancegraph.query("actions_by", store=demo_store, actor="Trump", since="2025-13-45")


def test_python_api_opens_a_store_path(demo_store_path: Path) -> None:
    df = stancegraph.query("actors", store=str(demo_store_path))
    assert "Vladimir Putin" in set(df["label"])
