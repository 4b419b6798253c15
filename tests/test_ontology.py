"""The ontology, its vocabularies and its shapes, checked against each other and against data.

These tests read the real files under ``ontology/`` and ``tests/fixtures/shapes/``:
a term that code uses but the ontology does not define (or the reverse), a
concept without a definition, an alignment that makes OWL-RL find a
contradiction, or a shape that accepts a known mistake all fail here first.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import owlrl
import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL

from stancegraph.model.namespaces import SG, VOCAB
from stancegraph.model.records import POLARITIES, STANCE_KINDS, STRENGTHS, Precision
from stancegraph.model.vocab import (
    ACTION_CATEGORIES,
    CAMEO_ROOT_PLOVER,
    CAMEO_ROOT_QUADCLASS,
    PLOVER_CODES,
    action_category_iri,
    cameo_iri,
    cameo_root,
    load_ontology_graph,
    ontology_files,
    plover_iri,
    polarity_iri,
    precision_iri,
    quadclass_iri,
    shapes_graph,
    slug,
    stance_kind_iri,
    strength_iri,
)
from stancegraph.paths import ONTOLOGY_DIR
from stancegraph.share.ontology_docs import build_docs, pylode_available

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
# owlrl records inconsistencies as `[] a err:ErrorMessage ; err:error "..."` (owlrl.Namespaces.ERRNS).
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
SG_NS = str(SG._NS)
FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
FIXTURE_NAME = re.compile(r"^(?P<shape>[A-Za-z]+)-(?P<outcome>valid|invalid-\d\d)\.ttl$")
REQUIRED_FIXTURE_SHAPES = {
    "Stance",
    "Statement",
    "TimelineItem",
    "Action",
    "Criticism",
    "Actor",
    "Finding",
    "Citation",
    "FactCheck",
    "Source",
    "Event",
}

# The few PROV-O, FOAF and SKOS axioms that could clash with our alignments.
# Loaded next to the ontology for the OWL-RL check, because the full external
# ontologies are not fetched (tests stay offline).
EXTERNAL_AXIOMS = """
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
prov:Activity owl:disjointWith prov:Entity .
prov:wasDerivedFrom rdfs:domain prov:Entity ; rdfs:range prov:Entity .
prov:wasGeneratedBy rdfs:domain prov:Entity ; rdfs:range prov:Activity .
prov:generatedAtTime rdfs:domain prov:Entity .
prov:startedAtTime rdfs:domain prov:Activity .
prov:wasAttributedTo rdfs:domain prov:Entity ; rdfs:range prov:Agent .
foaf:Person owl:disjointWith foaf:Organization .
skos:ConceptScheme owl:disjointWith skos:Concept .
skos:inScheme rdfs:range skos:ConceptScheme .
skos:broader rdfs:domain skos:Concept ; rdfs:range skos:Concept .
skos:topConceptOf rdfs:domain skos:Concept ; rdfs:range skos:ConceptScheme .
"""


@cache
def _ontology() -> Graph:
    """Parsed once per session; tests must not mutate it (copy first)."""
    return load_ontology_graph()


@cache
def _core() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "stancegraph.ttl", format="turtle")


@cache
def _shapes() -> Graph:
    return shapes_graph()


def _sg_terms_in_class() -> set[URIRef]:
    return {URIRef(SG_NS + name) for name in SG.__annotations__ if not name.startswith("_")}


def _all_ttl() -> list[Path]:
    return sorted(ONTOLOGY_DIR.rglob("*.ttl"))


def _copy(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("path", _all_ttl(), ids=lambda p: p.relative_to(ONTOLOGY_DIR).as_posix())
def test_turtle_is_strictly_valid(path: Path) -> None:
    """pyoxigraph rejects malformed Turtle that rdflib's lenient parser would accept."""
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert triples, path


def test_ontology_files_are_ontology_and_vocab_only() -> None:
    files = ontology_files()
    assert files[0].name == "stancegraph.ttl"
    assert {p.parent.name for p in files[1:]} == {"vocab"}
    assert all(p.is_file() for p in files)
    assert (None, RDF.type, SH.NodeShape) not in _ontology()
    assert len(_shapes()) > 0


# --------------------------------------------------------------------------- terms


def test_sg_class_and_ontology_name_the_same_terms() -> None:
    declared = {
        s
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in _core().subjects(RDF.type, kind)
        if str(s).startswith(SG_NS)
    }
    in_code = _sg_terms_in_class()
    assert sorted(in_code - declared) == [], "in namespaces.SG but not declared in the ontology"
    assert sorted(map(str, declared - in_code)) == [], (
        "declared in the ontology but missing from SG"
    )

    used: set[URIRef] = set()
    for path in _all_ttl():
        graph = Graph().parse(path, format="turtle")
        for triple in graph:
            used |= {t for t in triple if isinstance(t, URIRef) and str(t).startswith(SG_NS)}
    assert sorted(used - in_code) == [], "ontology/*.ttl uses sg: terms that SG lacks"


def test_classes_and_properties_are_typed_by_case() -> None:
    for term in _sg_terms_in_class():
        local = str(term)[len(SG_NS) :]
        types = set(_core().objects(term, RDF.type))
        if local[0].isupper():
            assert OWL.Class in types, term
        else:
            assert types & {OWL.ObjectProperty, OWL.DatatypeProperty}, term
            assert not {OWL.ObjectProperty, OWL.DatatypeProperty} <= types, term


def test_every_term_has_label_and_definition() -> None:
    missing = [
        str(term)
        for term in sorted(_sg_terms_in_class())
        if _core().value(term, RDFS.label) is None or _core().value(term, SKOS.definition) is None
    ]
    assert missing == []


def test_ontology_header() -> None:
    ontologies = list(_core().subjects(RDF.type, OWL.Ontology))
    assert ontologies == [URIRef("https://w3id.org/stancegraph/ns")]
    ont = ontologies[0]
    assert _core().value(ont, DCTERMS.title) is not None
    assert str(_core().value(ont, OWL.versionInfo)) == "0.1.0"
    created = _core().value(ont, DCTERMS.created)
    assert isinstance(created, Literal) and created.datatype == XSD_DATE
    assert _core().value(ont, DCTERMS.description) is not None
    assert _core().value(ont, DCTERMS.license) is not None


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (SG.Actor, "http://www.w3.org/ns/prov#Agent"),
        (SG.Person, "https://schema.org/Person"),
        (SG.Person, "http://xmlns.com/foaf/0.1/Person"),
        (SG.Organization, "https://schema.org/Organization"),
        (SG.Organization, "http://xmlns.com/foaf/0.1/Organization"),
        (SG.State, SG.Organization),
        (SG.Group, SG.Actor),
        (SG.Topic, str(SKOS.Concept)),
        (SG.Stance, "http://www.w3.org/ns/prov#Entity"),
        (SG.DeclaredStance, SG.Stance),
        (SG.DerivedStance, SG.Stance),
        (SG.Statement, SG.Event),
        (SG.Action, SG.Event),
        (SG.Contact, SG.Event),
        (SG.TimelineItem, SG.Event),
        (SG.Criticism, SG.Statement),
        (SG.Claim, "https://schema.org/Claim"),
        (SG.Claim, "http://www.w3.org/ns/prov#Entity"),
        (SG.Finding, SG.Claim),
        (SG.FactCheck, "https://schema.org/ClaimReview"),
        (SG.FactCheck, SG.Source),
        (SG.Source, "http://www.w3.org/ns/prov#Entity"),
        (SG.StanceCard, SG.Source),
        (SG.EventDataset, SG.Source),
        (SG.IngestRun, "http://www.w3.org/ns/prov#Activity"),
    ],
)
def test_alignments(sub: URIRef, sup: str) -> None:
    assert (sub, RDFS.subClassOf, URIRef(sup)) in _core()


def test_property_alignments() -> None:
    marl = "http://www.gsi.upm.es/ontologies/marl/ns#"
    assert (SG.polarity, RDFS.subPropertyOf, URIRef(marl + "hasPolarity")) in _core()
    assert (SG.polarityValue, RDFS.subPropertyOf, URIRef(marl + "polarityValue")) in _core()
    assert (
        SG.validFrom,
        RDFS.seeAlso,
        URIRef("http://www.wikidata.org/prop/direct/P580"),
    ) in _core()
    assert (
        SG.validUntil,
        RDFS.seeAlso,
        URIRef("http://www.wikidata.org/prop/direct/P582"),
    ) in _core()
    assert (SG.State, RDFS.seeAlso, URIRef("http://www.wikidata.org/entity/Q7275")) in _core()


# --------------------------------------------------------------------------- vocabularies


def test_every_concept_scheme_and_concept_is_documented() -> None:
    g = _ontology()
    schemes = set(g.subjects(RDF.type, SKOS.ConceptScheme))
    assert {str(s)[len(str(VOCAB)) :] for s in schemes} >= {
        "polarity",
        "strength",
        "stance-kind",
        "precision",
        "action",
        "plover",
        "cameo",
        "quadclass",
    }
    problems = []
    for scheme in schemes:
        if g.value(scheme, SKOS.prefLabel) is None or g.value(scheme, SKOS.definition) is None:
            problems.append(f"{scheme}: scheme needs prefLabel and definition")
    for concept in g.subjects(RDF.type, SKOS.Concept):
        if not str(concept).startswith(str(VOCAB)):
            problems.append(f"{concept}: concept outside the vocab namespace")
        for pred in (SKOS.prefLabel, SKOS.definition, SKOS.inScheme):
            if g.value(concept, pred) is None:
                problems.append(f"{concept}: no {pred}")
        in_schemes = set(g.objects(concept, SKOS.inScheme))
        tops = set(g.objects(concept, SKOS.topConceptOf))
        assert tops <= in_schemes, concept
        for scheme in tops:
            assert (scheme, SKOS.hasTopConcept, concept) in g, concept
        if not tops and g.value(concept, SKOS.broader) is None:
            problems.append(f"{concept}: neither a top concept nor below one")
    for scheme, concept in g.subject_objects(SKOS.hasTopConcept):
        assert (concept, SKOS.topConceptOf, scheme) in g, concept
    assert problems == []


def _concept(iri: str) -> URIRef:
    node = URIRef(iri)
    assert (node, RDF.type, SKOS.Concept) in _ontology(), iri
    return node


def test_polarity_concepts_and_values() -> None:
    expected = {"positive": 1, "negative": -1, "mixed": 0, "neutral": 0}
    assert set(expected) == set(POLARITIES)
    marl = "http://www.gsi.upm.es/ontologies/marl/ns#"
    for name, value in expected.items():
        node = _concept(polarity_iri(name))
        literal = _ontology().value(node, SG.polarityValue)
        assert isinstance(literal, Literal) and literal.datatype == XSD_DECIMAL
        assert literal.toPython() == value
        match = _ontology().value(node, SKOS.exactMatch)
        if name != "mixed":
            assert match == URIRef(marl + name.capitalize())
    assert polarity_iri(" Mixed ") == polarity_iri("mixed")
    with pytest.raises(ValueError, match="'hostile'"):
        polarity_iri("hostile")


def test_strength_kind_precision_concepts() -> None:
    for weight, name in enumerate(STRENGTHS, start=1):
        node = _concept(strength_iri(name))
        weight_literal = _ontology().value(node, RDF.value)
        assert isinstance(weight_literal, Literal) and weight_literal.toPython() == weight
        assert str(_ontology().value(node, SKOS.notation)) == str(weight)
    for name in STANCE_KINDS:
        _concept(stance_kind_iri(name))
    for p in Precision:
        assert precision_iri(p) == precision_iri(p.value)
        _concept(precision_iri(p))
    with pytest.raises(ValueError):
        strength_iri("extreme")


def test_plover_and_cameo_concepts() -> None:
    g = _ontology()
    assert len(PLOVER_CODES) == 16
    for code in PLOVER_CODES:
        node = _concept(plover_iri(code))
        assert str(g.value(node, SKOS.notation)) == code
    assert plover_iri("consult") == plover_iri("CONSULT")
    for root, quad in CAMEO_ROOT_QUADCLASS.items():
        node = _concept(cameo_iri(root))
        notation = g.value(node, SKOS.notation)
        assert notation == Literal(root), "notation must be a string with its leading zero"
        assert g.value(node, SKOS.broader) == URIRef(quadclass_iri(quad))
        mapped = {
            str(o)
            for p in (SKOS.closeMatch, SKOS.broadMatch, SKOS.exactMatch)
            for o in g.objects(node, p)
        }
        if root in CAMEO_ROOT_PLOVER:
            assert mapped == {plover_iri(CAMEO_ROOT_PLOVER[root])}, root
        else:
            assert mapped == set(), root
    labels = {str(g.value(_concept(cameo_iri(f"{n:02d}")), SKOS.prefLabel)) for n in (1, 4, 20)}
    assert labels == {"MAKE PUBLIC STATEMENT", "CONSULT", "USE UNCONVENTIONAL MASS VIOLENCE"}
    for n in range(1, 5):
        _concept(quadclass_iri(n))


def test_cameo_helpers_keep_leading_zeros() -> None:
    assert cameo_iri("042") == f"{VOCAB}cameo/042"
    assert cameo_iri("1123") == f"{VOCAB}cameo/1123"
    assert cameo_root("042") == "04"
    with pytest.raises(TypeError):
        cameo_iri(42)  # type: ignore[arg-type]
    for bad in ("4", "", "04a", "12345"):
        with pytest.raises(ValueError):
            cameo_iri(bad)
    for bad_quad in (0, 5, True):
        with pytest.raises(ValueError):
            quadclass_iri(bad_quad)


def test_action_categories_match_the_vocabulary() -> None:
    g = _ontology()
    scheme = URIRef(f"{VOCAB}action")
    in_file = {str(c)[len(f"{VOCAB}action/") :] for c in g.subjects(SKOS.inScheme, scheme)}
    assert in_file == set(ACTION_CATEGORIES)
    for key, (label, plover, _contact) in ACTION_CATEGORIES.items():
        iri, code, _ = action_category_iri(label)
        assert iri == f"{VOCAB}action/{key}", label
        node = _concept(iri)
        assert str(g.value(node, SKOS.prefLabel)) == label
        mapped = {
            str(o)[len(f"{VOCAB}plover/") :]
            for p in (SKOS.exactMatch, SKOS.broadMatch)
            for o in g.objects(node, p)
            if str(o).startswith(f"{VOCAB}plover/")
        }
        assert mapped == ({plover} if plover else set()), key
        assert code == plover


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Foreign Policy Sanctions", ("foreign-policy-sanctions", "SANCTION", False)),
        ("Diplomacy/Negotiation", ("diplomacy-negotiation", "CONSULT", True)),
        ("Treaty Withdrawal", ("treaty-withdrawal", "SANCTION", False)),
        ("Phone Call", ("phone-call", "CONSULT", True)),
        ("Bilateral Summit", ("bilateral-summit", "CONSULT", True)),
        ("Executive Order", ("executive-order", None, False)),
        ("Secret meetings (Helsinki)", ("secret-meetings-helsinki", "CONSULT", True)),
        ("State Visit", ("state-visit", "CONSULT", True)),
        ("Peace Talks", ("peace-talks", "CONSULT", True)),
        ("Négociation directe", ("negociation-directe", None, False)),
        ("Peace Negotiations", ("peace-negotiations", "CONSULT", True)),
        ("Arms Embargo", ("arms-embargo", "SANCTION", False)),
        ("Recall of Ambassador", ("recall-of-ambassador", None, False)),
        ("  Mixed -- Signals!! ", ("mixed-signals", None, False)),
    ],
)
def test_action_category_iri(label: str, expected: tuple[str, str | None, bool]) -> None:
    key, plover, contact = expected
    assert slug(label) == key
    assert action_category_iri(label) == (f"{VOCAB}action/{key}", plover, contact)


def test_action_category_needs_letters() -> None:
    with pytest.raises(ValueError, match="'//'"):
        action_category_iri("//")


# --------------------------------------------------------------------------- OWL-RL


def _valid_fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*-valid.ttl"))


def _owlrl_errors(graph: Graph) -> list[str]:
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = [
        str(e)
        for m in graph.subjects(RDF.type, ERR.ErrorMessage)
        for e in graph.objects(m, ERR.error)
    ]
    errors += [f"{s} is an owl:Nothing" for s in graph.subjects(RDF.type, OWL.Nothing)]
    return errors


def test_ontology_vocab_and_valid_data_are_consistent_under_owl_rl() -> None:
    graph = _copy(_ontology())
    graph.parse(data=EXTERNAL_AXIOMS, format="turtle")
    for path in _valid_fixtures():
        graph.parse(path, format="turtle")
    assert _owlrl_errors(graph) == []
    # The closure reaches what the alignments promise.
    person = URIRef("https://w3id.org/stancegraph/id/actor/vladimir-putin")
    assert (person, RDF.type, URIRef("http://www.w3.org/ns/prov#Agent")) in graph
    criticism = URIRef("https://w3id.org/stancegraph/id/criticism/4e5f6a")
    assert (criticism, RDF.type, SG.Event) in graph
    assert (
        criticism,
        SG.speaker,
        URIRef("https://w3id.org/stancegraph/id/actor/european-allies"),
    ) in graph


def test_owl_rl_check_detects_a_contradiction() -> None:
    """The consistency test above is only worth something if owlrl can fail it."""
    graph = _copy(_ontology())
    graph.parse(data=EXTERNAL_AXIOMS, format="turtle")
    graph.parse(
        FIXTURES / "Actor-invalid-03.ttl", format="turtle"
    )  # a Person that is an Organization
    assert any("disjoint" in e.lower() for e in _owlrl_errors(graph))


# --------------------------------------------------------------------------- SHACL


def _fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("*.ttl"))


def test_fixtures_are_named_by_outcome_and_cover_every_shape() -> None:
    by_shape: dict[str, set[str]] = {}
    for path in _fixtures():
        match = FIXTURE_NAME.match(path.name)
        assert match, f"{path.name}: name it <Shape>-valid.ttl or <Shape>-invalid-NN.ttl"
        by_shape.setdefault(match["shape"], set()).add(match["outcome"].split("-")[0])
    assert set(by_shape) >= REQUIRED_FIXTURE_SHAPES
    for shape, outcomes in by_shape.items():
        assert outcomes == {"valid", "invalid"}, f"{shape} needs both valid and invalid fixtures"


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.stem)
def test_shape_fixture(path: Path) -> None:
    data = Graph().parse(path, format="turtle")
    conforms, _report, text = validate(
        data, shacl_graph=_shapes(), ont_graph=_ontology(), inference="none", advanced=False
    )
    if path.stem.endswith("-valid"):
        assert conforms, text
    else:
        assert not conforms, f"{path.name} should not conform"
        expect = re.search(r"^# expect-message: (.+)$", path.read_text(encoding="utf-8"), re.M)
        assert expect, f"{path.name}: say which violation it shows in '# expect-message:'"
        assert expect[1] in text, text


def test_every_property_shape_has_a_message() -> None:
    g = _shapes()
    missing = []
    for shape in set(g.subjects(RDF.type, SH.NodeShape)) | set(
        g.subjects(RDF.type, SH.PropertyShape)
    ):
        targeted = any(
            (shape, p, None) in g
            for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
        )
        if (shape, RDF.type, SH.PropertyShape) in g and g.value(shape, SH.message) is None:
            missing.append(str(shape))
        if not targeted:
            continue
        for prop in g.objects(shape, SH.property):
            if g.value(prop, SH.message) is None:
                missing.append(f"{shape} -> {g.value(prop, SH.path)}")
        node_level = (SH["or"], SH["not"], SH["class"], SH.pattern, SH.nodeKind)
        if any((shape, p, None) in g for p in node_level) and g.value(shape, SH.message) is None:
            missing.append(str(shape))
        for constraint in g.objects(shape, SH.sparql):
            if g.value(constraint, SH.message) is None:
                missing.append(f"{shape} sparql")
    assert missing == []


def test_shapes_name_only_defined_vocabulary() -> None:
    """Every sh:in IRI in the shapes is a concept the vocabularies define."""
    g = _shapes()
    listed: set[URIRef] = set()
    for head in g.objects(None, SH["in"]):
        for item in g.items(head):
            if isinstance(item, URIRef):
                listed.add(item)
    assert listed
    undefined = [str(i) for i in listed if (i, RDF.type, SKOS.Concept) not in _ontology()]
    assert undefined == []
    assert not any(
        isinstance(s, BNode) and (s, RDF.type, SH.NodeShape) in g
        for s in g.subjects(SH.targetClass, None)
    )


# --------------------------------------------------------------------------- docs


def test_plain_docs_render_every_page(tmp_path: Path) -> None:
    pages = build_docs(tmp_path, use_pylode=False)
    names = {p.name for p in pages}
    assert {"index.html", "polarity.html", "cameo.html", "quadclass.html"} <= names
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Stance" in html and "<script" not in html


@pytest.mark.skipif(not pylode_available(), reason="pyLODE (dev extra) is not installed")
def test_pylode_docs(tmp_path: Path) -> None:
    pages = build_docs(tmp_path)
    index = tmp_path / "index.html"
    assert index in pages
    html = index.read_text(encoding="utf-8")
    assert "Stance" in html
    assert "Holder" in html or "holder" in html
    for page in pages:
        text = page.read_text(encoding="utf-8")
        # Offline: no stylesheet or script fetched from elsewhere.
        assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", text), page.name
