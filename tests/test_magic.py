"""The %%sparql magic, run in a real in-process IPython shell against real stores.

What matters most: a Python value reaches the engine as one RDF term, never as
query text, so values that look like SPARQL stay literals and the store is
unchanged, on the embedded store and on a real Oxigraph server alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from rdflib import BNode, Literal, URIRef

from stancegraph.errors import QueryError, ResolutionError
from stancegraph.notebook.helpers import build_demo, demo_store, start_oxigraph
from stancegraph.notebook.magic import python_to_term, run_sparql
from stancegraph.store import Store

from _helpers import snapshot

XSD = "http://www.w3.org/2001/XMLSchema#"
TRUMP = "https://w3id.org/stancegraph/id/actor/donald-trump"

HOSTILE = [
    '"} ; DROP ALL ; {',
    "<http://x> SERVICE <http://127.0.0.1:9/>",
    "?x } } INSERT DATA { <http://a> <http://b> <http://c> } #",
    "') . } DROP ALL #",
    '"""\n} CLEAR ALL ; SELECT * {',
    '\\"; DELETE WHERE { ?s ?p ?o }',
    "$other {other} %(x)s",
    "Ωmega\u202e\x00nul",
]

ECHO = "SELECT ?v (STR(?v) AS ?text) (isLiteral(?v) AS ?literal) WHERE {}"


# -- python_to_term -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", ox.Literal("plain")),
        ("<https://example.org/x>", ox.NamedNode("https://example.org/x")),
        ("<http://x> y", ox.Literal("<http://x> y")),
        ("<>", ox.Literal("<>")),
        (True, ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
        (42, ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
        (-0.5, ox.Literal("-0.5", datatype=ox.NamedNode(XSD + "double"))),
        (float("inf"), ox.Literal("INF", datatype=ox.NamedNode(XSD + "double"))),
        (Decimal("1.50"), ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal"))),
        (dt.date(2025, 3, 18), ox.Literal("2025-03-18", datatype=ox.NamedNode(XSD + "date"))),
        (
            dt.datetime(2025, 3, 18, 12, 30),
            ox.Literal("2025-03-18T12:30:00", datatype=ox.NamedNode(XSD + "dateTime")),
        ),
        (URIRef(TRUMP), ox.NamedNode(TRUMP)),
        (Literal("Bonjour", lang="fr"), ox.Literal("Bonjour", language="fr")),
        (Literal(7), ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))),
        (ox.NamedNode(TRUMP), ox.NamedNode(TRUMP)),
    ],
)
def test_python_to_term(value: Any, expected: Any) -> None:
    assert python_to_term(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, [1, 2], {"a": 1}, object(), BNode(), ox.BlankNode()],
    ids=["none", "list", "dict", "object", "rdflib-bnode", "ox-bnode"],
)
def test_python_to_term_refuses_what_is_not_one_term(value: Any) -> None:
    with pytest.raises(QueryError):
        python_to_term(value)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_strings_are_literals(value: str) -> None:
    term = python_to_term(value)
    assert isinstance(term, ox.Literal) and term.value == value


# -- run_sparql (no IPython) ----------------------------------------------------------
@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    """A writable in-memory demo store: writes would show, so 'unchanged' means something."""
    s = demo_store()
    yield s
    s.close()


def test_run_sparql_declared_actor_resolves_a_name(store: Store) -> None:
    q = """# param: who actor — the speaker
SELECT ?who (COUNT(?st) AS ?n) WHERE { ?st sg:speaker ?who } GROUP BY ?who"""
    rows = run_sparql(store, q, params={"who": "Trump"}).values()
    assert rows[0]["who"] == TRUMP and rows[0]["n"] > 0


def test_run_sparql_undeclared_name_stays_a_literal(store: Store) -> None:
    q = "SELECT ?who ?st WHERE { ?st sg:speaker ?who }"
    assert run_sparql(store, q, params={"who": "Trump"}).rows == []


def test_run_sparql_rdflib_uriref_is_an_iri(store: Store) -> None:
    q = "SELECT ?who (COUNT(?st) AS ?n) WHERE { ?st sg:speaker ?who } GROUP BY ?who"
    assert run_sparql(store, q, params={"who": URIRef(TRUMP)}).values()[0]["n"] > 0


def test_run_sparql_date_compares_as_date(store: Store) -> None:
    q = """SELECT ?since ?date WHERE {
      ?st a sg:Statement ; sg:date ?date . FILTER(DATATYPE(?date) = xsd:date && ?date >= ?since)
    }"""
    rows = run_sparql(store, q, params={"since": dt.date(2025, 1, 1)}).values()
    assert rows and all(r["date"] >= dt.date(2025, 1, 1) for r in rows)


def test_run_sparql_errors(store: Store) -> None:
    with pytest.raises(QueryError, match="needs parameter"):
        run_sparql(store, "# param: who actor\nSELECT ?who WHERE {}")
    with pytest.raises(ResolutionError):
        run_sparql(store, "# param: who actor\nSELECT ?who WHERE {}", params={"who": "Nobody X"})
    with pytest.raises(QueryError, match="projection"):
        run_sparql(store, "SELECT ?o WHERE { ?s ?p ?o }", params={"s": "x"})
    with pytest.raises(QueryError, match="not a valid IRI"):
        run_sparql(store, "# param: x iri\nSELECT ?x WHERE {}", params={"x": HOSTILE[1]})
    with pytest.raises(QueryError, match="variable name"):
        run_sparql(store, "SELECT ?x WHERE {}", params={"x y": 1})


# -- the magic in a real IPython shell ------------------------------------------------
@pytest.fixture(scope="module")
def shell(store: Store) -> Iterator[InteractiveShell]:
    sh = InteractiveShell.instance()
    result = sh.run_cell("%load_ext stancegraph.notebook.magic", store_history=False)
    assert result.success, result.error_in_exec
    sh.user_ns["store"] = store
    run(sh, "%sparql_store store")
    yield sh
    sh.run_cell("%unload_ext stancegraph.notebook.magic", store_history=False)


def run(sh: InteractiveShell, code: str) -> Any:
    result = sh.run_cell(code, store_history=False)
    if not result.success:
        raise result.error_in_exec or result.error_before_exec  # type: ignore[misc]
    return result.result


@pytest.mark.parametrize("value", HOSTILE)
def test_magic_binds_hostile_values_as_literals(
    shell: InteractiveShell, store: Store, value: str
) -> None:
    before = snapshot(store)
    shell.user_ns["payload"] = value
    df = run(shell, f"%%sparql --param v=$payload --out echoed\n{ECHO}")
    assert list(df["text"]) == [value]
    assert bool(df.loc[0, "literal"]) is True
    assert shell.user_ns["echoed"] is df
    assert snapshot(store) == before


def test_magic_dollar_is_not_expanded_by_ipython(shell: InteractiveShell) -> None:
    """IPython would paste $var into the line as text; the magic looks the variable up."""
    shell.user_ns["spaced"] = "two words --out hijacked"
    df = run(shell, f"%%sparql --param v=$spaced\n{ECHO}")
    assert df.loc[0, "text"] == "two words --out hijacked"
    assert "hijacked" not in shell.user_ns


def test_magic_literal_text_param(shell: InteractiveShell) -> None:
    df = run(shell, f'%%sparql --param "v=hello world"\n{ECHO}')
    assert df.loc[0, "text"] == "hello world"


def test_magic_declared_actor_and_date(shell: InteractiveShell) -> None:
    shell.user_ns["speaker"] = "Donald Trump"
    shell.user_ns["start"] = dt.date(2025, 1, 1)
    df = run(
        shell,
        """%%sparql --param who=$speaker --param since=$start
# param: who actor — whose statements
# param: since date — from this day on
SELECT ?who ?since ?date ?quote WHERE {
  ?st a sg:Statement ; sg:speaker ?who ; sg:quote ?quote ; sg:date ?date .
  FILTER(DATATYPE(?date) = xsd:date && ?date >= ?since)
} ORDER BY ?date""",
    )
    assert len(df) >= 1 and set(df["who"]) == {TRUMP}
    assert (df["date"] >= "2025-01-01").all()


def test_magic_ask_returns_a_bool(shell: InteractiveShell) -> None:
    shell.user_ns["who"] = URIRef(TRUMP)
    assert run(shell, "%%sparql --param who=$who\nASK { ?st sg:speaker ?who }") is True


def test_magic_usage_errors(shell: InteractiveShell) -> None:
    with pytest.raises(UsageError, match="no Python variable"):
        run(shell, f"%%sparql --param v=$does_not_exist\n{ECHO}")
    with pytest.raises(UsageError, match="NAME="):
        run(shell, f"%%sparql --param novalue\n{ECHO}")
    with pytest.raises(UsageError, match="--out"):
        run(shell, f"%%sparql --out 'not a name'\n{ECHO}")
    with pytest.raises(UsageError):
        run(shell, f"%%sparql --bogus\n{ECHO}")
    shell.user_ns["number"] = 3
    with pytest.raises(UsageError, match="not a Store"):
        run(shell, "%sparql_store number")


def test_magic_update_text_is_refused_and_store_unchanged(
    shell: InteractiveShell, store: Store
) -> None:
    before = snapshot(store)
    with pytest.raises(QueryError):
        run(shell, "%%sparql\nDROP ALL")
    assert snapshot(store) == before


def test_sparql_store_folder_and_reset(
    shell: InteractiveShell, store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "store"
    with Store(folder) as on_disk:
        build_demo(on_disk)
    shell.user_ns["folder"] = folder
    label = run(shell, "%sparql_store --store $folder")
    assert "store" in label
    df = run(shell, "%%sparql\nSELECT (COUNT(*) AS ?n) WHERE { ?a a sg:Actor }")
    assert df.loc[0, "n"] > 0
    # a per-cell --store overrides the current target for that cell only
    df2 = run(
        shell, f"%%sparql --store {folder}\nSELECT (COUNT(*) AS ?n) WHERE {{ ?a a sg:Actor }}"
    )
    assert df2.loc[0, "n"] == df.loc[0, "n"]
    assert "Store" in run(shell, "%sparql_store store")
    assert "store (Store, in memory)" in run(shell, "%sparql_store")


@pytest.mark.server
def test_magic_against_a_real_server(shell: InteractiveShell, store: Store, tmp_path: Path) -> None:
    with start_oxigraph(tmp_path / "oxigraph") as server:
        remote = server.remote()
        build_demo(remote)
        before = remote.count()
        shell.user_ns["endpoint"] = server.query_url
        for value in HOSTILE[:-1]:  # NUL cannot travel in a SPARQL query string over HTTP
            shell.user_ns["payload"] = value
            df = run(shell, f"%%sparql --endpoint $endpoint --param v=$payload\n{ECHO}")
            assert list(df["text"]) == [value]
            assert bool(df.loc[0, "literal"]) is True
        run(shell, "%sparql_store --endpoint $endpoint")
        shell.user_ns["speaker"] = "Trump"
        df = run(
            shell,
            "%%sparql --param who=$speaker\n# param: who actor\n"
            "SELECT ?who (COUNT(?st) AS ?n) WHERE { ?st sg:speaker ?who } GROUP BY ?who",
        )
        local = run_sparql(
            store,
            "# param: who actor\nSELECT ?who (COUNT(?st) AS ?n) WHERE { ?st sg:speaker ?who } GROUP BY ?who",
            params={"who": "Trump"},
        ).to_dataframe()
        assert df.equals(local)
        assert remote.count() == before
        run(shell, "%sparql_store store")
    assert not server.running
