"""Documents to a queryable graph, end to end, on the real Oxigraph store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stancegraph.errors import IngestError, ParseError
from stancegraph.ingest.pipeline import build, ingest, retract
from stancegraph.model.namespaces import ID
from stancegraph.store import Store

from _helpers import REPO, SEED_CARD, SEED_FACTCHECK, SEEDS, snapshot

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds are not present")

PUTIN = str(ID["actor/vladimir-putin"])
TRUMP = str(ID["actor/donald-trump"])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "store") as st:
        yield st


def _registry() -> Path:
    return REPO / "graph" / "actors.yaml"


def test_seed_card_counts_and_stance(store: Store) -> None:
    report = ingest(store, [SEED_CARD], registry_path=_registry())
    (src,) = report.sources
    assert src.kind == "card" and src.status == "added"
    assert src.details["holder"] == "Donald Trump"
    assert src.details["target"] == "Vladimir Putin"
    assert src.details["stance"] == {
        "polarity": "mixed",
        "strength": "strong",
        "kind": "relationship",
        "flip": True,
    }
    assert src.counts["timeline"] == 7
    assert src.counts["actions"] == 4
    assert src.counts["critics"] == 3
    rows = store.select(
        """SELECT ?date ?cat WHERE { ?a a sg:Action ; sg:date ?date ; sg:actionCategory ?c .
                                     ?c skos:prefLabel ?cat } ORDER BY ?date"""
    )
    assert [(str(r["date"]), r["cat"]) for r in rows] == [
        ("2025-02-12", "Diplomacy/Negotiation"),
        ("2025-08-15", "Bilateral Summit"),
    ]


def test_seed_factcheck_resolves_misspelt_putin(store: Store) -> None:
    report = ingest(store, [SEED_CARD, SEED_FACTCHECK], registry_path=_registry())
    fc = report.sources[1]
    assert fc.kind == "factcheck"
    assert fc.details["checked_on"] == "2025-12-08"
    assert fc.counts == {"findings": 7, "citations": 11, "questions": 5}
    assert fc.details["citation_numbers"] == list(range(1, 12))
    putain = [m for m in fc.mentions if m.mention == "Putain"]
    assert putain and putain[0].iri == PUTIN and putain[0].method == "fuzzy"
    assert 0.85 <= putain[0].score < 1.0
    # the same IRI as the card's target
    card_target = store.select("SELECT ?t WHERE { ?s a sg:Stance ; sg:target ?t }")
    assert card_target == [{"t": PUTIN}]
    mentioned = store.select("SELECT DISTINCT ?a WHERE { ?fc a sg:FactCheck ; sg:mentions ?a }")
    assert {r["a"] for r in mentioned} >= {PUTIN, TRUMP}


def test_reingest_same_document_is_a_noop(store: Store) -> None:
    ingest(store, [SEED_CARD], registry_path=_registry())
    before = snapshot(store)
    report = ingest(store, [SEED_CARD], registry_path=_registry())
    assert report.sources[0].status == "unchanged"
    assert snapshot(store) == before


def test_changed_document_replaces_its_graph(store: Store, tmp_path: Path) -> None:
    card = tmp_path / "card.txt"
    text = SEED_CARD.read_text(encoding="utf-8")
    card.write_text(text, encoding="utf-8")
    first = ingest(store, [card], registry_path=_registry()).sources[0]
    card.write_text(
        text.replace(
            "Mixed Relationship Stance (strong) Flip", "Negative Relationship Stance (moderate)"
        ),
        encoding="utf-8",
    )
    second = ingest(store, [card], registry_path=_registry()).sources[0]
    assert second.status == "replaced" and second.graph == first.graph
    rows = store.select("SELECT ?p ?f WHERE { ?s a sg:Stance ; sg:polarity ?p ; sg:flip ?f }")
    assert rows == [{"p": "https://w3id.org/stancegraph/vocab/polarity/negative", "f": False}]


def test_retract_removes_exactly_its_facts(store: Store) -> None:
    ingest(store, [SEED_CARD], registry_path=_registry())
    only_card = snapshot(store)
    ingest(store, [SEED_FACTCHECK], registry_path=_registry())
    assert snapshot(store) != only_card
    report = retract(store, SEED_FACTCHECK.name)
    assert report.status == "retracted" and report.triples > 100
    assert snapshot(store) == only_card
    with pytest.raises(IngestError, match="no source"):
        retract(store, "never-ingested.txt")


BAD_INPUTS = {
    "empty.txt": (b"", "empty"),
    "whitespace.txt": (b"  \n\n \t\n", "empty"),
    "binary.txt": (b"Politician \xc2\xb7 person\n\x00\x01\x02\xff\xfe", "binary"),
    "latin1.txt": ("Politician · person\n\nAnna Müller on Taxes\n".encode("latin-1"), "UTF-8"),
    "broken.ttl": (b'@prefix ex: <http://example.org/> .\nex:a ex:b "unterminated .\n', "TURTLE"),
}


def _card_without_stance() -> bytes:
    lines = SEED_CARD.read_text(encoding="utf-8").splitlines()
    return "\n".join(ln for ln in lines if "Relationship Stance" not in ln).encode()


def _card_with_bad_date() -> bytes:
    text = SEED_CARD.read_text(encoding="utf-8")
    return text.replace("on August 15, 2025", "on February 30, 2025").encode()


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        *[(n, c, m) for n, (c, m) in BAD_INPUTS.items()],
        ("no-stance.txt", _card_without_stance(), "stance"),
        ("bad-date.txt", _card_with_bad_date(), "February 30"),
    ],
)
def test_bad_input_names_file_and_line_and_leaves_store_unchanged(
    store: Store, tmp_path: Path, name: str, content: bytes, needle: str
) -> None:
    ingest(store, [SEED_FACTCHECK], registry_path=_registry())
    before = snapshot(store)
    bad = tmp_path / name
    bad.write_bytes(content)
    # a good document in the same batch must not be written either
    good = tmp_path / "good.txt"
    shutil.copy(SEED_CARD, good)
    with pytest.raises(ParseError) as info:
        ingest(store, [good, bad], registry_path=_registry())
    err = info.value
    assert err.path is not None and err.path.endswith(name)
    assert needle.lower() in str(err).lower()
    if name not in {"empty.txt"}:
        assert err.line is not None and err.line >= 1
    assert snapshot(store) == before


def test_build_demo_graph_and_prune(tmp_path: Path) -> None:
    root = tmp_path / "graph"
    shutil.copytree(REPO / "graph", root)
    with Store(tmp_path / "store") as st:
        report = build(st, root)
        statuses = {Path(s.path).name: s.status for s in report.sources}
        assert statuses["actors.yaml"] == "added"
        assert statuses["trump-on-putin.yaml"] == "added"
        again = build(st, root)
        assert {s.status for s in again.sources} == {"unchanged"}
        (root / "sources" / "putin-trump-rapport.yaml").unlink()
        pruned = build(st, root)
        assert [s.status for s in pruned.sources if s.status != "unchanged"] == ["retracted"]
        rows = st.select("SELECT ?s WHERE { ?s a sg:FactCheck }")
        assert rows == []


def test_unknown_actor_is_created_once_across_documents(store: Store, tmp_path: Path) -> None:
    card = """Politician · person

Ilse Brandt on Marek Nowak

Negative Relationship Stance (moderate)

Brandt distrusts Nowak.

Criticism

Jana Holm

Says the feud harms the coalition.
"""
    (tmp_path / "a.txt").write_text(card, encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        card.replace("Ilse Brandt on", "Jana Holm on"), encoding="utf-8"
    )
    report = ingest(store, [tmp_path / "a.txt", tmp_path / "b.txt"], registry_path=_registry())
    assert [s.status for s in report.sources] == ["added", "added"]
    rows = store.select('SELECT DISTINCT ?a WHERE { ?a a sg:Actor ; rdfs:label "Marek Nowak" }')
    assert len(rows) == 1
    rows = store.select('SELECT DISTINCT ?a WHERE { ?a a sg:Actor ; rdfs:label "Jana Holm" }')
    assert len(rows) == 1


RDF_DOCS = {
    "doc.trig": """@prefix ex: <http://example.org/> .
ex:g1 { ex:a ex:p "one" . }
ex:g2 { ex:b ex:p "two" . }
""",
    "doc.nq": '<http://example.org/a> <http://example.org/p> "one" <http://example.org/g1> .\n'
    '<http://example.org/b> <http://example.org/p> "two" .\n',
    "doc.jsonld": """{"@context": {"ex": "http://example.org/"},
 "@graph": [{"@id": "ex:a", "ex:p": "one"}, {"@id": "ex:b", "ex:p": "two"}]}""",
    "doc.rdf": """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>one</ex:p></rdf:Description>
  <rdf:Description rdf:about="http://example.org/b"><ex:p>two</ex:p></rdf:Description>
</rdf:RDF>""",
}


@pytest.mark.parametrize("name", sorted(RDF_DOCS))
def test_rdf_documents_fold_into_their_source_graph(
    store: Store, tmp_path: Path, name: str
) -> None:
    doc = tmp_path / name
    doc.write_text(RDF_DOCS[name], encoding="utf-8")
    (src,) = ingest(store, [doc]).sources
    assert src.kind == "rdf" and src.status == "added"
    rows = store.select(
        "SELECT ?g ?s ?o WHERE { GRAPH ?g { ?s <http://example.org/p> ?o } } ORDER BY ?o"
    )
    assert [(r["g"], r["s"], r["o"]) for r in rows] == [
        (src.graph, "http://example.org/a", "one"),
        (src.graph, "http://example.org/b", "two"),
    ]
