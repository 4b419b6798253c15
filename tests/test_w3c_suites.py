"""The W3C Turtle and N-Triples suites: every negative test rejected, every positive accepted."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from stancegraph.errors import ParseError
from stancegraph.ingest.pipeline import ingest
from stancegraph.parse.rdfdoc import parse_rdf
from stancegraph.store import Store

from _helpers import W3C, snapshot

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
RDFT = Namespace("http://www.w3.org/ns/rdftest#")
NEGATIVE = {
    RDFT.TestTurtleNegativeSyntax,
    RDFT.TestTurtleNegativeEval,
    RDFT.TestNTriplesNegativeSyntax,
}
POSITIVE = {RDFT.TestTurtlePositiveSyntax, RDFT.TestTurtleEval, RDFT.TestNTriplesPositiveSyntax}


def _cases() -> list[tuple[str, Path, bool, Path | None, str]]:
    cases = []
    for suite in ("rdf-turtle", "rdf-n-triples"):
        folder = W3C / suite
        manifest = folder / "manifest.ttl"
        if not manifest.is_file():
            continue
        base = f"https://w3c.github.io/rdf-tests/rdf/rdf11/{suite}/"
        g = Graph().parse(manifest, format="turtle", publicID=base + "manifest.ttl")
        for test in g.subjects(RDF.type, None):
            kind = g.value(test, RDF.type)
            if kind not in NEGATIVE | POSITIVE:
                continue
            action = g.value(test, MF.action)
            result = g.value(test, MF.result)
            action_file = folder / str(action).rsplit("/", 1)[-1]
            result_file = folder / str(result).rsplit("/", 1)[-1] if result else None
            cases.append(
                (
                    f"{suite}/{action_file.name}",
                    action_file,
                    kind in POSITIVE,
                    result_file,
                    base + action_file.name,
                )
            )
    return sorted(cases)


CASES = _cases()
pytestmark = pytest.mark.skipif(not CASES, reason="W3C suites are not present")


@pytest.fixture(scope="module")
def shared_store() -> Store:
    st = Store(None)
    ingest(st, [])  # loads the ontology once
    return st


def test_suites_are_complete() -> None:
    negatives = sum(1 for c in CASES if not c[2])
    positives = sum(1 for c in CASES if c[2])
    assert negatives >= 90 and positives >= 200


@pytest.mark.parametrize(
    ("name", "path", "positive", "result", "base"), CASES, ids=[c[0] for c in CASES]
)
def test_w3c_case(
    shared_store: Store, name: str, path: Path, positive: bool, result: Path | None, base: str
) -> None:
    before = snapshot(shared_store)
    if not positive:
        with pytest.raises(ParseError) as info:
            ingest(shared_store, [path])
        assert path.name in str(info.value)
        assert snapshot(shared_store) == before
        return
    report = ingest(shared_store, [path])
    assert report.sources[0].status in {"added", "unchanged", "replaced"}
    if result is not None and result.suffix == ".nt":
        fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
        quads = parse_rdf(
            path.read_bytes(), graph="http://example.org/g", fmt=fmt, path=path, base_iri=base
        )
        ours = Graph()
        for q in quads:
            ours.add(_to_rdflib(q))
        expected = Graph()
        for s, p, o in Graph().parse(result, format="nt"):
            if isinstance(o, Literal) and o.language:
                o = Literal(str(o), lang=o.language.lower())
            expected.add((s, p, o))
        assert isomorphic(ours, expected), name


def _to_rdflib(q: ox.Quad) -> tuple:
    from rdflib import BNode

    def conv(t: object) -> object:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return BNode(t.value)
        assert isinstance(t, ox.Literal)
        if t.language:  # language tags compare case-insensitively
            return Literal(t.value, lang=t.language.lower())
        if t.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(t.value)
        return Literal(t.value, datatype=URIRef(t.datatype.value))

    return conv(q.subject), conv(q.predicate), conv(q.object)
