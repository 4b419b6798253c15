"""Records to quads: the one place that knows how a document becomes RDF.

Every fact lands in the named graph of its source document, whose IRI is also
the document's node (so provenance and facts retract together). IRIs of facts
are content hashes, so the same fact from two runs is the same triple. Terms are
pyoxigraph terms: the bulk paths write them straight into Oxigraph without
going through rdflib objects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from stancegraph.model import vocab
from stancegraph.model.namespaces import (
    DCTERMS,
    GRAPH,
    ID,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SG,
    SKOS,
    VOCAB,
    XSD,
)
from stancegraph.model.records import (
    ActorRef,
    CardRecord,
    DateValue,
    EventRecord,
    FactCheckRecord,
    Precision,
    SourceInfo,
)
from stancegraph.model.text import content_hash, slugify
from stancegraph.resolve.registry import Actor, Registry

__all__ = [
    "SourceInfo",
    "actor_quads",
    "card_quads",
    "date_literal",
    "event_quads",
    "factcheck_quads",
    "source_graph_iri",
    "source_quads",
]

_XSD_DATE = NamedNode(str(XSD.date))
_XSD_GYEARMONTH = NamedNode(str(XSD.gYearMonth))
_XSD_GYEAR = NamedNode(str(XSD.gYear))
_XSD_BOOLEAN = NamedNode(str(XSD.boolean))
_XSD_INTEGER = NamedNode(str(XSD.integer))
_XSD_DECIMAL = NamedNode(str(XSD.decimal))
_XSD_DOUBLE = NamedNode(str(XSD.double))
_XSD_DATETIME = NamedNode(str(XSD.dateTime))
_XSD_ANYURI = NamedNode(str(XSD.anyURI))
_A = NamedNode(str(RDF.type))


def N(iri: object) -> NamedNode:  # noqa: N802 - reads like the RDF term it builds
    """A pyoxigraph NamedNode from an rdflib URIRef or a string."""
    return NamedNode(str(iri))


def source_graph_iri(source_id: str) -> str:
    """The named graph (and document node) of a source, from its file name or id."""
    return str(GRAPH[f"source/{slugify(Path(source_id).stem or source_id, max_length=120)}"])


def date_literal(value: DateValue) -> Literal:
    """A date typed by its precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
    datatype = {
        Precision.DAY: _XSD_DATE,
        Precision.MONTH: _XSD_GYEARMONTH,
        Precision.YEAR: _XSD_GYEAR,
    }.get(value.precision, _XSD_DATE)
    return Literal(value.lexical(), datatype=datatype)


def _int(n: int) -> Literal:
    return Literal(str(int(n)), datatype=_XSD_INTEGER)


def _text(s: str) -> Literal:
    return Literal(s)


class _Emitter:
    """Collects quads into one graph; keeps the mapping code free of Quad(...) noise."""

    def __init__(self, graph: str) -> None:
        self.graph = NamedNode(graph)
        self.quads: list[Quad] = []

    def add(self, s: NamedNode | BlankNode, p: object, o: NamedNode | BlankNode | Literal) -> None:
        self.quads.append(Quad(s, N(p), o, self.graph))

    def opt(self, s: NamedNode, p: object, o: str | None) -> None:
        if o:
            self.add(s, p, _text(o))

    def date(self, s: NamedNode, value: DateValue | None, sequence: int | None = None) -> None:
        if value is not None and value.precision is not Precision.ORDER:
            self.add(s, SG.date, date_literal(value))
            self.add(s, SG.datePrecision, N(vocab.precision_iri(value.precision.value)))
        else:
            self.add(s, SG.datePrecision, N(vocab.precision_iri("order")))
        if sequence is not None:
            self.add(s, SG.sequence, _int(sequence))


def source_quads(info: SourceInfo) -> list[Quad]:
    """Provenance of a source: what it is, where it came from, its checksum, when read."""
    em = _Emitter(info.graph)
    g = NamedNode(info.graph)
    run = N(ID[f"run/{content_hash(info.graph, info.checksum, info.ingested_at.isoformat())}"])
    kind_class = {
        "card": SG.StanceCard,
        "yaml": SG.Source,
        "factcheck": SG.FactCheck,
        "gdelt": SG.EventDataset,
        "icews": SG.EventDataset,
    }.get(info.kind, SG.Source)
    for cls in (SG.Source, PROV.Entity, kind_class):
        em.add(g, RDF.type, N(cls))
    em.add(g, SG.sourceKind, _text(info.kind))
    em.add(g, SG.sourcePath, _text(info.path))
    em.add(g, SG.checksum, _text(info.checksum))
    stamp = Literal(info.ingested_at.isoformat(timespec="seconds"), datatype=_XSD_DATETIME)
    em.add(g, PROV.generatedAtTime, stamp)
    em.add(g, PROV.wasGeneratedBy, run)
    em.add(run, RDF.type, N(SG.IngestRun))
    em.add(run, RDF.type, N(PROV.Activity))
    em.add(run, PROV.startedAtTime, stamp)
    em.opt(g, DCTERMS.title, info.title)
    return em.quads


def actor_quads(actor: Actor, graph: str, *, full: bool = False) -> list[Quad]:
    """An actor's type and label; with ``full``, its aliases, ids and codes too.

    Every document states the type and label of the actors it names, so a
    document ingested without the registry still yields well-formed actors;
    the registry's own graph carries the full description.
    """
    em = _Emitter(graph)
    a = N(actor.iri)
    if actor.topic:
        em.add(a, RDF.type, N(SG.Topic))
        em.add(a, RDF.type, N(SKOS.Concept))
        em.add(a, SKOS.prefLabel, _text(actor.name))
    else:
        em.add(a, RDF.type, N(SG.Actor))
        em.add(a, RDF.type, N(SG[actor.type]))
    em.add(a, RDFS.label, _text(actor.name))
    if not full:
        return em.quads
    if not actor.topic:
        em.add(a, SKOS.prefLabel, _text(actor.name))
    for alias in actor.aliases:
        em.add(a, SKOS.altLabel, _text(alias))
    if actor.wikidata_iri:
        em.add(a, SG.wikidata, N(actor.wikidata_iri))
        em.add(a, OWL.sameAs, N(actor.wikidata_iri))
    for role in actor.roles:
        em.add(a, SG.role, _text(role))
    em.opt(a, SG.country, actor.country)
    for code in actor.codes:
        # CAMEO actor codes are groups of three letters ("RUS", "RUSGOV"); the names
        # event datasets use for an actor ("VLADIMIR PUTIN") are labels for matching.
        if re.fullmatch(r"(?:[A-Z0-9]{3})+", code):
            em.add(a, SG.actorCode, _text(code))
        else:
            em.add(a, SKOS.hiddenLabel, _text(code))
    em.opt(a, SDO.description, actor.description)
    return em.quads


def _actor_from_ref(ref: ActorRef, registry: Registry) -> Actor:
    if ref.iri is None:
        registry.resolve(ref)
    assert ref.iri is not None
    return registry.actors[ref.iri]


def card_quads(card: CardRecord, graph: str, registry: Registry) -> list[Quad]:
    """A stance card: the declared stance, its timeline, actions and criticism."""
    em = _Emitter(graph)
    g = NamedNode(graph)
    holder = _actor_from_ref(card.holder, registry)
    target = _actor_from_ref(card.target, registry)
    named: dict[str, Actor] = {holder.iri: holder, target.iri: target}
    h, t = N(holder.iri), N(target.iri)

    stance = N(ID[f"stance/{content_hash(holder.iri, target.iri, card.kind, graph)}"])
    for cls in (SG.Stance, SG.DeclaredStance):
        em.add(stance, RDF.type, N(cls))
    em.add(stance, SG.holder, h)
    em.add(stance, SG.target, t)
    em.add(stance, SG.stanceKind, N(vocab.stance_kind_iri(card.kind)))
    em.add(stance, SG.polarity, N(vocab.polarity_iri(card.polarity)))
    em.add(stance, SG.strength, N(vocab.strength_iri(card.strength)))
    em.add(stance, SG.flip, Literal("true" if card.flip else "false", datatype=_XSD_BOOLEAN))
    em.opt(stance, SG.summary, card.summary.strip() or None)
    em.opt(stance, SG.context, card.context.strip() or None)
    if card.valid_from:
        em.add(stance, SG.validFrom, date_literal(card.valid_from))
    if card.valid_until:
        em.add(stance, SG.validUntil, date_literal(card.valid_until))
    em.add(stance, PROV.wasDerivedFrom, g)
    em.add(stance, SG.line, _int(card.line))
    if card.holder_role:
        em.add(h, SG.role, _text(card.holder_role))
    em.opt(g, DCTERMS.title, card.title or f"{holder.name} on {target.name}")
    if card.published:
        em.add(g, SDO.datePublished, date_literal(card.published))
    if card.url:
        em.add(g, SDO.url, Literal(card.url, datatype=_XSD_ANYURI))

    for item in card.timeline:
        node = N(ID[f"item/{content_hash(holder.iri, target.iri, item.text)}"])
        em.add(node, RDF.type, N(SG.TimelineItem))
        em.add(node, RDF.type, N(SG.Event))
        em.add(node, SG.text, _text(item.text))
        em.add(node, SG.actor, h)
        em.add(node, SG.about, t)
        em.date(node, item.date, item.position)
        if item.polarity:
            em.add(node, SG.polarity, N(vocab.polarity_iri(item.polarity)))
        em.add(node, SG.line, _int(item.line))
        em.add(node, PROV.wasDerivedFrom, g)
        em.add(stance, SG.evidence, node)
        for quote in item.quotes:
            st = N(ID[f"statement/{content_hash(node.value, quote.text)}"])
            em.add(st, RDF.type, N(SG.Statement))
            em.add(st, RDF.type, N(SG.Event))
            em.add(st, SG.speaker, h)
            em.add(st, SG.about, t)
            em.add(st, SG.quote, _text(quote.text))
            em.date(st, item.date, item.position)
            # the quote's own polarity where the document gives one, else its item's
            polarity = quote.polarity or item.polarity
            if polarity:
                em.add(st, SG.polarity, N(vocab.polarity_iri(polarity)))
                value = quote.polarity_value if quote.polarity else item.polarity_value
                em.add(st, SG.polarityValue, _polarity_value(polarity, value))
            em.add(st, DCTERMS.isPartOf, node)
            em.add(st, SG.line, _int(quote.line or item.line))
            em.add(st, PROV.wasDerivedFrom, g)
            em.add(stance, SG.evidence, st)

    for action in card.actions:
        node = N(ID[f"action/{content_hash(holder.iri, action.category, action.text)}"])
        category, _plover, is_contact = vocab.action_category_iri(action.category)
        em.add(node, RDF.type, N(SG.Action))
        em.add(node, RDF.type, N(SG.Event))
        if is_contact:
            em.add(node, RDF.type, N(SG.Contact))
        em.add(node, SG.actor, h)
        if not target.topic:
            em.add(node, SG.counterpart, t)
        else:
            em.add(node, SG.about, t)
        cat = N(category)
        em.add(node, SG.actionCategory, cat)
        if vocab.slug(action.category) not in vocab.ACTION_CATEGORIES:
            # a category the vocabulary does not know is minted in the document's graph
            em.add(cat, RDF.type, N(SKOS.Concept))
            em.add(cat, SKOS.prefLabel, _text(action.category))
            em.add(cat, SKOS.inScheme, N(VOCAB["action"]))
        em.add(node, SG.text, _text(action.text))
        em.date(node, action.date, action.position)
        em.add(node, SG.line, _int(action.line))
        em.add(node, PROV.wasDerivedFrom, g)
        em.add(stance, SG.evidence, node)

    for crit in card.criticism:
        critic = _actor_from_ref(crit.critic, registry)
        named[critic.iri] = critic
        node = N(ID[f"criticism/{content_hash(critic.iri, holder.iri, crit.text)}"])
        em.add(node, RDF.type, N(SG.Criticism))
        em.add(node, SG.critic, N(critic.iri))
        em.add(node, SG.criticizes, h)
        em.add(node, DCTERMS.relation, stance)
        em.add(node, SG.text, _text(crit.text))
        em.add(node, SG.sequence, _int(crit.position))
        em.add(node, SG.line, _int(crit.line))
        em.add(node, PROV.wasDerivedFrom, g)

    quads = em.quads
    for actor in named.values():
        quads.extend(actor_quads(actor, graph))
    return quads


def _polarity_value(polarity: str, value: float | None = None) -> Literal:
    """The numeric polarity in [-1, 1]: the document's own value, else the polarity's sign."""
    if value is None:
        value = {"positive": 1.0, "negative": -1.0}.get(polarity, 0.0)
    value = max(-1.0, min(1.0, float(value)))
    return Literal(f"{value:.3f}", datatype=_XSD_DECIMAL)


def factcheck_quads(fc: FactCheckRecord, graph: str, registry: Registry) -> list[Quad]:
    """A fact-check brief: the question, findings with numbered citations, follow-ups.

    Mentions resolve only to actors already known (no actor is minted from a
    capitalised word in prose); unresolved mentions are reported, not stored.
    """
    em = _Emitter(graph)
    g = NamedNode(graph)
    slug = graph.rsplit("/", 1)[-1]
    for cls in (SG.FactCheck, SDO.ClaimReview):
        em.add(g, RDF.type, N(cls))
    em.add(g, SG.question, _text(fc.question))
    em.add(g, SDO.claimReviewed, _text(fc.question))
    em.add(g, SG.checkedOn, Literal(fc.checked_on.isoformat(), datatype=_XSD_DATE))
    em.add(g, SDO.datePublished, Literal(fc.checked_on.isoformat(), datatype=_XSD_DATE))
    em.opt(g, SG.summary, fc.summary.strip() or None)
    em.opt(g, SG.limitations, fc.limitations.strip() or None)
    em.opt(g, SG.verdict, fc.verdict)
    em.opt(g, DCTERMS.publisher, fc.publisher)
    if fc.url:
        em.add(g, SDO.url, Literal(fc.url, datatype=_XSD_ANYURI))
    named: dict[str, Actor] = {}

    def mention(node: NamedNode, ref: ActorRef) -> None:
        res = registry.resolve(ref, create=False)
        if res is not None:
            named[res.iri] = registry.actors[res.iri]
            em.add(node, SG.mentions, N(res.iri))

    for ref in fc.mentions:
        mention(g, ref)

    def citation(n: int) -> NamedNode:
        node = N(ID[f"citation/{slug}/{n}"])
        em.add(node, RDF.type, N(SG.Citation))
        em.add(node, SG.citationNumber, _int(n))
        return node

    for n in fc.summary_citations:
        em.add(g, SG.citation, citation(n))
    for finding in fc.findings:
        node = N(ID[f"finding/{content_hash(graph, finding.number, finding.title)}"])
        for cls in (SG.Finding, SG.Claim, SDO.Claim):
            em.add(node, RDF.type, N(cls))
        em.add(node, SG.sequence, _int(finding.number))
        em.add(node, RDFS.label, _text(finding.title))
        em.add(node, SG.text, _text(finding.text))
        em.add(node, SG.line, _int(finding.line))
        em.add(node, PROV.wasAttributedTo, g)
        em.add(node, PROV.wasDerivedFrom, g)
        em.add(g, SG.finding, node)
        for n in finding.citations:
            em.add(node, SG.citation, citation(n))
        for ref in finding.mentions:
            mention(node, ref)
    for i, q in enumerate(fc.questions, start=1):
        node = N(ID[f"question/{content_hash(graph, q)}"])
        em.add(node, RDF.type, N(SG.Question))
        em.add(node, SG.text, _text(q))
        em.add(node, SG.sequence, _int(i))
        em.add(g, SG.followUpQuestion, node)
    quads = em.quads
    for actor in named.values():
        quads.extend(actor_quads(actor, graph))
    return quads


def event_quads(events: Iterable[EventRecord], graph: str, dataset: str) -> Iterator[Quad]:
    """Coded events (GDELT/ICEWS rows) as sg:Event nodes; actors must already be resolved."""
    g = NamedNode(graph)
    day = N(vocab.precision_iri("day"))
    for ev in events:
        em = _Emitter(graph)
        node = N(ID[f"event/{dataset}/{slugify(ev.event_id)}"])
        em.add(node, RDF.type, N(SG.Event))
        em.add(node, SG.eventId, _text(ev.event_id))
        em.add(node, SG.date, Literal(ev.date.isoformat(), datatype=_XSD_DATE))
        em.add(node, SG.datePrecision, day)
        if ev.source is not None and ev.source.iri:
            em.add(node, SG.actor, N(ev.source.iri))
        if ev.target is not None and ev.target.iri:
            em.add(node, SG.counterpart, N(ev.target.iri))
        em.add(node, SG.cameoCode, N(vocab.cameo_iri(ev.cameo_code)))
        em.add(node, SG.cameoRoot, N(vocab.cameo_iri(ev.cameo_root)))
        if ev.quad_class is not None:
            em.add(node, SG.quadClass, _int(ev.quad_class))
        if ev.goldstein is not None:
            em.add(node, SG.goldstein, Literal(repr(float(ev.goldstein)), datatype=_XSD_DOUBLE))
        if ev.avg_tone is not None:
            em.add(node, SG.avgTone, Literal(repr(float(ev.avg_tone)), datatype=_XSD_DOUBLE))
        for pred, value in (
            (SG.numMentions, ev.num_mentions),
            (SG.numSources, ev.num_sources),
            (SG.numArticles, ev.num_articles),
        ):
            if value is not None:
                em.add(node, pred, _int(value))
        if ev.source_url:
            em.add(node, SG.sourceUrl, Literal(ev.source_url, datatype=_XSD_ANYURI))
        em.add(node, PROV.wasDerivedFrom, g)
        yield from em.quads
