"""The project's vocabulary in code.

``SG`` is a closed namespace: a misspelt term fails at import time, and a test
checks that this class and ``ontology/stancegraph.ttl`` name the same terms.
Instances live under a sibling path (``ID``), controlled values under ``VOCAB``.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = [
    "BASE",
    "DCTERMS",
    "FOAF",
    "GRAPH",
    "ID",
    "MARL",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SG",
    "SKOS",
    "VOCAB",
    "WD",
    "WDS",
    "WDT",
    "XSD",
]

BASE = "https://w3id.org/stancegraph/"


class SG(DefinedNamespace):
    """Terms of the stancegraph ontology (``ontology/stancegraph.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "ns#")

    # Actors and topics
    Actor: URIRef
    Person: URIRef
    Organization: URIRef
    State: URIRef
    Group: URIRef
    Topic: URIRef

    # Relationships and what happened
    Stance: URIRef
    DeclaredStance: URIRef
    DerivedStance: URIRef
    Event: URIRef
    Statement: URIRef
    Action: URIRef
    Contact: URIRef
    Criticism: URIRef
    TimelineItem: URIRef

    # Claims and sources
    Claim: URIRef
    Finding: URIRef
    FactCheck: URIRef
    Citation: URIRef
    Question: URIRef
    Source: URIRef
    StanceCard: URIRef
    EventDataset: URIRef
    IngestRun: URIRef

    # Stance
    holder: URIRef
    target: URIRef
    stanceKind: URIRef
    polarity: URIRef
    strength: URIRef
    polarityValue: URIRef
    flip: URIRef
    validFrom: URIRef
    validUntil: URIRef
    evidence: URIRef
    summary: URIRef
    context: URIRef

    # Events, statements, actions, criticism
    date: URIRef
    datePrecision: URIRef
    sequence: URIRef
    participant: URIRef
    actor: URIRef
    counterpart: URIRef
    eventType: URIRef
    actionCategory: URIRef
    speaker: URIRef
    quote: URIRef
    about: URIRef
    critic: URIRef
    criticizes: URIRef
    text: URIRef
    timelineItem: URIRef
    action: URIRef
    criticism: URIRef

    # Event data (GDELT / ICEWS)
    cameoCode: URIRef
    cameoRoot: URIRef
    quadClass: URIRef
    goldstein: URIRef
    avgTone: URIRef
    numMentions: URIRef
    numSources: URIRef
    numArticles: URIRef
    sourceUrl: URIRef
    eventId: URIRef
    EventSummary: URIRef  # counts and Goldstein scores of some coded events of one source
    Pair: URIRef  # summary of one actor's events toward another, all months
    PairMonth: URIRef  # summary of one actor's events toward another in one month
    pairActor: URIRef  # the acting actor of a Pair
    pairCounterpart: URIRef  # the actor acted on of a Pair
    pair: URIRef  # the Pair a PairMonth belongs to
    countedIn: URIRef  # the PairMonth a coded event is counted in
    month: URIRef  # the xsd:gYearMonth a PairMonth covers
    eventCount: URIRef  # events a summary covers (xsd:integer)
    goldsteinSum: URIRef  # sum of their Goldstein scores (xsd:double)
    goldsteinCount: URIRef  # how many of them are scored (xsd:integer)
    goldsteinMean: URIRef  # goldsteinSum / goldsteinCount (xsd:double)
    actorCode: URIRef
    country: URIRef

    # Claims and fact-checks
    question: URIRef
    checkedOn: URIRef
    finding: URIRef
    citation: URIRef
    citationNumber: URIRef
    verdict: URIRef
    limitations: URIRef
    followUpQuestion: URIRef
    mentions: URIRef
    attributedTo: URIRef

    # Actors
    wikidata: URIRef
    role: URIRef
    topicKind: URIRef

    # Provenance of sources
    sourceKind: URIRef
    sourcePath: URIRef
    checksum: URIRef
    line: URIRef
    mentionText: URIRef

    # Enrichment from Wikidata (stancegraph.enrich.wikidata)
    OfficeHolding: URIRef
    EnrichmentRun: URIRef
    officeHolder: URIRef
    office: URIRef
    queryText: URIRef


ID = Namespace(BASE + "id/")
VOCAB = Namespace(BASE + "vocab/")
GRAPH = Namespace(BASE + "graph/")
MARL = Namespace("http://www.gsi.upm.es/ontologies/marl/ns#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
WDS = Namespace("http://www.wikidata.org/entity/statement/")

PREFIXES: dict[str, str] = {
    "sg": str(SG._NS),
    "sgid": str(ID),
    "sgv": str(VOCAB),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": str(SDO),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "marl": str(MARL),
    "wd": str(WD),
    "wdt": str(WDT),
}
