"""Stance cards and evidence briefs rendered from the graph, as Markdown or HTML.

Cards
-----
:func:`stance_card` reads a declared stance and its evidence back from the
store; :func:`render_card` writes it in the structure of the published cards:
type line, "HOLDER on TARGET", stance line "<Polarity> <Kind> Stance
(<strength>) [Flip]", summary, Context, Timeline (numbered, dated where
known), Actions Taken (category line and description), Criticism (critic line
and text).

The Markdown form is the plain-text card format itself, so that
:func:`stancegraph.parse.card.parse_card` reads it back to the same facts:

- a dated timeline item starts with its date ("March 18, 2025: ...") unless
  its text already names that date first, because the card parser dates
  items from their text;
- quotes that the text does not already hold are appended in quotation marks,
  because the card parser finds statements by their quotation marks;
- every fact line ends with a link to its source, ``[source: TITLE](URL)``
  (or ``[source: TITLE]`` when the source has no web address); see
  :data:`SOURCE_MARK`, which also strips them again.

The Markdown is plain text for people and parsers: it does not escape HTML
or Markdown syntax that a document may contain, so a Markdown viewer that
renders raw HTML shows such text as HTML. Share the HTML form: every text
there is escaped, links are http(s) only, and the page carries a
Content-Security-Policy that allows no script at all.

Briefs
------
:func:`evidence_brief` gathers what the graph knows about two actors:
contacts, statements each way, declared stances and the stance the dated
evidence shows (:func:`stancegraph.analysis.trajectory.trajectory`), claims
(fact-check findings that mention both) with numbered citations, and the
limits of that knowledge (undated items, one-sided statements, no contacts).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from stancegraph.errors import ResolutionError, StancegraphError
from stancegraph.resolve.names import NameResolver
from stancegraph.share.network import csp_header, inline_asset, page_environment, safe_url
from stancegraph.store.base import GraphStore

__all__ = [
    "FORMATS",
    "SOURCE_MARK",
    "BriefClaim",
    "BriefItem",
    "CardAction",
    "CardCriticism",
    "CardItem",
    "EvidenceBrief",
    "SourceRef",
    "StanceCard",
    "evidence_brief",
    "format_date",
    "render_brief",
    "render_card",
    "stance_card",
    "strip_source_marks",
]

FORMATS = ("md", "html")
SOURCE_MARK = re.compile(r"\s*\[source(?::[^\]\n]*)?\](?:\([^)\s]*\))?")
"""A trailing source link of the Markdown form (``[source: T](URL)`` or ``[source: T]``)."""

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_TYPE_KIND = {"Topic": "issue"}


# -- small records ----------------------------------------------------------------
@dataclass(slots=True)
class SourceRef:
    """A source document: its graph IRI, title, web address (http/https only) and path."""

    iri: str
    title: str | None = None
    url: str | None = None
    path: str | None = None

    @property
    def label(self) -> str:
        return self.title or self.path or self.iri.rsplit("/", 1)[-1]


@dataclass(slots=True)
class CardItem:
    """A timeline item: its text, date (lexical, with precision) and quotes."""

    text: str
    date: str | None
    precision: str
    quotes: list[str]
    polarity: str | None
    source: SourceRef
    iri: str = ""
    office: str | None = None  # the holder's office at this date (Wikidata enrichment)


@dataclass(slots=True)
class CardAction:
    """An action: category line and description."""

    category: str
    text: str
    date: str | None
    precision: str
    source: SourceRef
    iri: str = ""


@dataclass(slots=True)
class CardCriticism:
    """A critic and what they say."""

    critic: str
    text: str
    source: SourceRef
    iri: str = ""


@dataclass(slots=True)
class StanceCard:
    """A declared stance with its evidence, as read back from the store."""

    iri: str
    holder: str
    target: str
    holder_iri: str
    target_iri: str
    holder_role: str | None
    target_kind: str | None
    polarity: str
    kind: str
    strength: str | None
    flip: bool
    summary: str
    context: str
    source: SourceRef
    timeline: list[CardItem] = field(default_factory=list)
    actions: list[CardAction] = field(default_factory=list)
    criticism: list[CardCriticism] = field(default_factory=list)
    others: list[SourceRef] = field(default_factory=list)

    @property
    def stance_line(self) -> str:
        """ "<Polarity> <Kind> Stance (<strength>) [Flip]" as published cards write it."""
        line = f"{self.polarity.capitalize()} {self.kind.capitalize()} Stance"
        if self.strength:
            line += f" ({self.strength})"
        return line + (" Flip" if self.flip else "")


@dataclass(slots=True)
class BriefItem:
    """One piece of evidence between the two actors (a row of the projection)."""

    kind: str
    frm: str
    to: str
    polarity: str
    date: str | None
    precision: str
    text: str | None
    quote: str | None
    url: str | None
    sources: list[SourceRef]


@dataclass(slots=True)
class BriefClaim:
    """A fact-check finding that mentions both actors, with its citations."""

    title: str
    text: str
    checked_on: str | None
    verdict: str | None
    question: str | None
    citations: list[tuple[int, str | None, str | None]]  # number, title, url
    source: SourceRef


@dataclass(slots=True)
class EvidenceBrief:
    """What the graph knows about the relationship of two actors, and what it does not."""

    a: str
    b: str
    a_iri: str
    b_iri: str
    contacts: list[BriefItem]
    statements_ab: list[BriefItem]
    statements_ba: list[BriefItem]
    other: list[BriefItem]
    stances: list[dict[str, Any]]
    derived: list[dict[str, Any]]
    claims: list[BriefClaim]
    limitations: list[str]
    sources: list[SourceRef]


# -- reading the store -------------------------------------------------------------
def _val(term: Any) -> Any:
    return None if term is None else term.value


def _rows(store: GraphStore, sparql: str, **bindings: str) -> list[dict[str, Any]]:
    result = store.query(sparql, {k: ox.NamedNode(v) for k, v in bindings.items()})
    names = [v.value for v in result.variables]
    return [{n: _val(row[n]) for n in names} for row in result]


def _sources(store: GraphStore) -> dict[str, SourceRef]:
    from stancegraph.share.network import source_index

    return {
        iri: SourceRef(iri, d.get("title"), safe_url(d.get("url")), d.get("path"))
        for iri, d in source_index(store).items()
    }


def _label(store: GraphStore, iri: str, graph: str | None = None) -> str:
    q = "SELECT ?x ?label WHERE { ?x rdfs:label ?label } ORDER BY ?label"
    if graph:
        q = "SELECT ?x ?g ?label WHERE { GRAPH ?g { ?x rdfs:label ?label } } ORDER BY ?label"
        rows = _rows(store, q, x=iri, g=graph)
    else:
        rows = _rows(store, q, x=iri)
    return str(rows[0]["label"]) if rows else iri.rsplit("/", 1)[-1]


_STANCES = """
SELECT ?holder ?target ?stance ?polarity ?kind ?strength ?flip ?summary ?context ?source
WHERE {
  ?stance a sg:DeclaredStance ; sg:holder ?holder ; sg:target ?target ;
          sg:polarity ?p ; sg:stanceKind ?k ; prov:wasDerivedFrom ?source .
  BIND(REPLACE(STR(?p), "^.*/", "") AS ?polarity)
  BIND(REPLACE(STR(?k), "^.*/", "") AS ?kind)
  OPTIONAL { ?stance sg:strength ?s . BIND(REPLACE(STR(?s), "^.*/", "") AS ?strength) }
  OPTIONAL { ?stance sg:flip ?flip }
  OPTIONAL { ?stance sg:summary ?summary }
  OPTIONAL { ?stance sg:context ?context }
} ORDER BY ?source ?stance"""

_ITEMS = """
SELECT ?stance ?item ?text ?date ?precision ?sequence ?polarity ?quote ?qline
WHERE {
  ?stance sg:evidence ?item . ?item a sg:TimelineItem ; sg:text ?text .
  OPTIONAL { ?item sg:date ?date }
  OPTIONAL { ?item sg:datePrecision ?pr . BIND(REPLACE(STR(?pr), "^.*/", "") AS ?precision) }
  OPTIONAL { ?item sg:sequence ?sequence }
  OPTIONAL { ?item sg:polarity ?pol . BIND(REPLACE(STR(?pol), "^.*/", "") AS ?polarity) }
  OPTIONAL { ?st dct:isPartOf ?item ; sg:quote ?quote . OPTIONAL { ?st sg:line ?qline } }
} ORDER BY ?sequence ?item ?qline ?quote"""

_ACTIONS = """
SELECT ?stance ?source ?action ?category ?text ?date ?precision ?sequence
WHERE {
  ?stance sg:evidence ?action ; prov:wasDerivedFrom ?source .
  ?action a sg:Action ; sg:text ?text .
  OPTIONAL { ?action sg:actionCategory ?cat }
  OPTIONAL { GRAPH ?source { ?cat skos:prefLabel ?own } }
  OPTIONAL { ?cat skos:prefLabel ?shared }
  BIND(COALESCE(?own, ?shared) AS ?category)
  OPTIONAL { ?action sg:date ?date }
  OPTIONAL { ?action sg:datePrecision ?pr . BIND(REPLACE(STR(?pr), "^.*/", "") AS ?precision) }
  OPTIONAL { ?action sg:sequence ?sequence }
} ORDER BY ?sequence ?action"""

_CRITICISM = """
SELECT ?stance ?source ?crit ?critic ?label ?text ?sequence
WHERE {
  ?crit a sg:Criticism ; dct:relation|sg:about ?stance ; sg:critic ?critic ; sg:text ?text ;
        prov:wasDerivedFrom ?source .
  OPTIONAL { GRAPH ?source { ?critic rdfs:label ?label } }
  OPTIONAL { ?crit sg:sequence ?sequence }
} ORDER BY ?sequence ?crit"""

_ROLE = """
SELECT ?holder ?source ?role WHERE { GRAPH ?source { ?holder sg:role ?role } } ORDER BY ?role"""

_TYPE = """
SELECT ?target ?type WHERE { ?target a ?type .
  FILTER(?type IN (sg:Person, sg:Organization, sg:State, sg:Group, sg:Topic)) } ORDER BY ?type"""


def _first(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """One row per ``key`` (the first), for OPTIONAL patterns that may match twice."""
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row[key], row)
    return list(seen.values())


def stance_card(
    store: GraphStore, holder: str, target: str, *, source: str | None = None
) -> StanceCard:
    """Read the declared stance of ``holder`` toward ``target`` back from the store.

    Parameters
    ----------
    store
        The store (embedded; a remote store with the same ``query`` works too).
    holder, target
        Names, aliases or IRIs.
    source
        Which source's card to read when several declare this stance (graph
        IRI, file name or path); default: the first by graph IRI, the others
        are listed in :attr:`StanceCard.others`.

    Raises
    ------
    ResolutionError
        When a name is unknown, or no source declares such a stance.
    """
    names = NameResolver.for_store(store)
    h, t = names.resolve(holder), names.resolve(target)
    stances = _rows(store, _STANCES, holder=h, target=t)
    if not stances:
        raise ResolutionError(
            f"no declared stance of {holder!r} toward {target!r} in the graph; "
            "see 'stancegraph query stance_between'"
        )
    sources = _sources(store)
    if source is not None:
        wanted = [
            r
            for r in stances
            if source in {r["source"], sources.get(r["source"], SourceRef("")).path}
            or r["source"].rsplit("/", 1)[-1] == re.sub(r"\.[^.]*$", "", source.rsplit("/", 1)[-1])
        ]
        if not wanted:
            raise ResolutionError(f"no stance of {holder!r} toward {target!r} from {source!r}")
        chosen = wanted[0]
    else:
        chosen = stances[0]
    graph = chosen["source"]
    src = sources.get(graph, SourceRef(graph))
    stance = chosen["stance"]
    items: dict[str, CardItem] = {}
    for row in _rows(store, _ITEMS, stance=stance):
        item = items.get(row["item"])
        if item is None:
            item = CardItem(
                text=row["text"],
                date=row["date"],
                precision=row["precision"] or ("order" if row["date"] is None else "day"),
                quotes=[],
                polarity=row["polarity"],
                source=src,
                iri=row["item"],
            )
            items[row["item"]] = item
        if row["quote"] and row["quote"] not in item.quotes:
            item.quotes.append(row["quote"])
    actions = [
        CardAction(
            category=r["category"] or "Action",
            text=r["text"],
            date=r["date"],
            precision=r["precision"] or ("order" if r["date"] is None else "day"),
            source=src,
            iri=r["action"],
        )
        for r in _first(_rows(store, _ACTIONS, stance=stance), "action")
    ]
    critics = [
        CardCriticism(
            critic=r["label"] or _label(store, r["critic"]),
            text=r["text"],
            source=src,
            iri=r["crit"],
        )
        for r in _first(_rows(store, _CRITICISM, stance=stance), "crit")
    ]
    _add_offices(store, h, items.values())
    roles = [r["role"] for r in _rows(store, _ROLE, holder=h, source=graph)]
    types = [str(r["type"]).rsplit("#", 1)[-1] for r in _rows(store, _TYPE, target=t)]
    target_kind = _TYPE_KIND.get(types[0], types[0].lower()) if types else None
    return StanceCard(
        iri=stance,
        holder=_label(store, h, graph),
        target=_label(store, t, graph),
        holder_iri=h,
        target_iri=t,
        holder_role=roles[0] if roles else None,
        target_kind=target_kind,
        polarity=chosen["polarity"],
        kind=chosen["kind"],
        strength=chosen["strength"],
        flip=str(chosen["flip"]).lower() in {"true", "1"},
        summary=chosen["summary"] or "",
        context=chosen["context"] or "",
        source=src,
        timeline=list(items.values()),
        actions=actions,
        criticism=critics,
        others=[
            sources.get(r["source"], SourceRef(r["source"])) for r in stances if r is not chosen
        ],
    )


def _add_offices(store: GraphStore, holder: str, items: Any) -> None:
    """The holder's office at each dated item, where enrichment recorded one."""
    from stancegraph.enrich.wikidata import offices_at

    for item in items:
        if not item.date:
            continue
        try:
            offices = offices_at(store, holder, item.date)
        except StancegraphError:
            continue
        labels = [o.label for o in offices if o.label]
        if labels:
            item.office = "; ".join(dict.fromkeys(labels))


# -- dates and marks ---------------------------------------------------------------
def format_date(date: str | None, precision: str | None = None) -> str | None:
    """A date as cards write it: "March 18, 2025", "February 2022" or "2016".

    Examples
    --------
    >>> format_date("2025-03-18"), format_date("2022-02"), format_date("2016")
    ('March 18, 2025', 'February 2022', '2016')
    """
    if not date:
        return None
    parts = str(date).split("-")
    try:
        if len(parts) >= 3 and precision not in {"month", "year"}:
            d = dt.date(int(parts[0]), int(parts[1]), int(parts[2][:2]))
            return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"
        if len(parts) >= 2 and precision != "year":
            return f"{_MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
        return f"{int(parts[0]):04d}"
    except (ValueError, IndexError):
        return str(date)


def strip_source_marks(text: str) -> str:
    """Text without the trailing source links the Markdown form adds.

    Examples
    --------
    >>> strip_source_marks("Met in Alaska. [source: Card](https://example.org/c)")
    'Met in Alaska.'
    """
    return SOURCE_MARK.sub("", text).strip()


def _mark(src: SourceRef) -> str:
    title = re.sub(r"[\[\]\"“”\n\r]", "'", src.label).replace("(", "'").replace(")", "'")
    url = safe_url(src.url)
    if url:
        url = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        return f"[source: {title}]({url})"
    return f"[source: {title}]"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _dated(text: str, date: str | None, precision: str) -> str:
    """``text`` led by its date, unless the card parser already reads that date from it."""
    from stancegraph.errors import ParseError
    from stancegraph.parse.dates import item_date

    shown = format_date(date, precision)
    if not shown:
        return text
    try:
        found = item_date(text)
    except ParseError:
        found = None
    return text if found is not None and found.lexical() == date else f"{shown}: {text}"


def _item_line(item: CardItem) -> str:
    """The timeline item's text, made to parse back to its date and quotes."""
    text = _one_line(item.text)
    missing = [q for q in item.quotes if f'"{q}' not in text and f"“{q}" not in text]
    if missing:
        text = text + " " + ", ".join(f'"{_one_line(q)}"' for q in missing)
    return _dated(text, item.date, item.precision)


# -- rendering ---------------------------------------------------------------------
def _today(generated: dt.date | str | None) -> str:
    if generated is None:
        return dt.datetime.now(dt.UTC).date().isoformat()
    return generated.isoformat() if isinstance(generated, dt.date) else str(generated)


def _card_md(card: StanceCard) -> str:
    out: list[str] = []
    if card.holder_role or card.target_kind:
        out += [f"{card.holder_role or 'Actor'} · {card.target_kind or 'actor'}", ""]
    out += [f"{card.holder} on {card.target}", "", card.stance_line, ""]
    mark = _mark(card.source)
    for para in [p for p in card.summary.split("\n\n") if p.strip()]:
        out += [_one_line(para), ""]
    if card.context.strip():
        out += ["Context", ""]
        for para in [p for p in card.context.split("\n\n") if p.strip()]:
            out += [_one_line(para), ""]
    if card.timeline:
        out += ["Timeline", ""]
        for i, item in enumerate(card.timeline, start=1):
            office = f" (as {item.office})" if item.office else ""
            out.append(f"  {i}. {_item_line(item)}{office} {_mark(item.source)}")
        out.append("")
    if card.actions:
        out += ["Actions Taken", ""]
        for i, action in enumerate(card.actions, start=1):
            out.append(f"  {i}. {_one_line(action.category)}")
            text = _dated(_one_line(action.text), action.date, action.precision)
            out.append(f"    {text} {_mark(action.source)}")
        out.append("")
    if card.criticism:
        out += ["Criticism", ""]
        for crit in card.criticism:
            out += [_one_line(crit.critic), "", f"{_one_line(crit.text)} {_mark(crit.source)}", ""]
    if not card.timeline and not card.actions and not card.criticism:
        out += [mark, ""]
    return "\n".join(out).rstrip() + "\n"


def _page(template: str, **context: Any) -> str:
    css = inline_asset("page.css")
    return (
        page_environment()
        .get_template(template)
        .render(csp=csp_header([], [css]), app_css=css, **context)
    )


def render_card(
    card: StanceCard, *, fmt: str = "md", generated: dt.date | str | None = None
) -> str:
    """The card as Markdown (the plain-text card format) or as a self-contained HTML page.

    Raises
    ------
    StancegraphError
        For an unknown format.
    """
    if fmt == "md":
        return _card_md(card)
    if fmt != "html":
        raise StancegraphError(f"unknown format {fmt!r}; use one of {list(FORMATS)}")
    timeline = [
        {"n": i, "date": format_date(it.date, it.precision), "text": _one_line(it.text),
         "quotes": it.quotes, "source": it.source, "office": it.office}
        for i, it in enumerate(card.timeline, start=1)
    ]  # fmt: skip
    return _page(
        "card.html.j2",
        card=card,
        title=f"{card.holder} on {card.target}",
        summary=[p for p in card.summary.split("\n\n") if p.strip()],
        context=[p for p in card.context.split("\n\n") if p.strip()],
        timeline=timeline,
        format_date=format_date,
        generated=_today(generated),
    )


# -- briefs ------------------------------------------------------------------------
_CLAIMS = """
SELECT ?a ?b ?claim ?title ?text ?sequence ?source ?checked ?verdict ?question
       ?number ?ctitle ?curl
WHERE {
  ?claim a sg:Claim ; sg:mentions ?a, ?b ; prov:wasDerivedFrom ?source .
  OPTIONAL { ?claim rdfs:label ?title }
  OPTIONAL { ?claim sg:text ?text }
  OPTIONAL { ?claim sg:sequence ?sequence }
  OPTIONAL { ?source sg:checkedOn ?checked }
  OPTIONAL { ?source sg:verdict ?verdict }
  OPTIONAL { ?source sg:question ?question }
  OPTIONAL { ?claim sg:citation ?c . ?c sg:citationNumber ?number .
             OPTIONAL { ?c dct:title ?ctitle } OPTIONAL { ?c schema:url ?curl } }
} ORDER BY ?source ?sequence ?claim ?number"""


def _brief_item(
    g: Any, u: str, v: str, d: dict[str, Any], sources: dict[str, SourceRef]
) -> BriefItem:
    return BriefItem(
        kind=str(d.get("kind") or "link"),
        frm=str(g.nodes[u].get("label") or u),
        to=str(g.nodes[v].get("label") or v),
        polarity=str(d.get("polarity") or "neutral"),
        date=d.get("date"),
        precision=str(d.get("precision") or ("order" if not d.get("date") else "day")),
        text=d.get("text"),
        quote=d.get("quote"),
        url=safe_url(d.get("url")),
        sources=[sources.get(s, SourceRef(str(s))) for s in d.get("sources") or []],
    )


def _date_key(item: BriefItem) -> tuple[int, str]:
    return (0, item.date) if item.date else (1, "")


def evidence_brief(store: GraphStore, a: str, b: str, *, graph: Any = None) -> EvidenceBrief:
    """Gather the evidence on the relationship of two actors.

    Parameters
    ----------
    store
        The store to read.
    a, b
        Names, aliases or IRIs of the two actors.
    graph
        A projection to use instead of projecting the whole store again
        (:func:`stancegraph.project.graph.to_networkx`).
    """
    from stancegraph.project.graph import to_networkx

    names = NameResolver.for_store(store)
    a_iri, b_iri = names.resolve(a), names.resolve(b)
    g = graph if graph is not None else to_networkx(store)
    sources = _sources(store)
    a_label = str(g.nodes[a_iri].get("label")) if a_iri in g else _label(store, a_iri)
    b_label = str(g.nodes[b_iri].get("label")) if b_iri in g else _label(store, b_iri)
    items: list[tuple[str, BriefItem]] = []
    for u, v in ((a_iri, b_iri), (b_iri, a_iri)):
        if u in g and v in g and g.has_edge(u, v):
            for _key, d in g.get_edge_data(u, v).items():
                items.append(("ab" if u == a_iri else "ba", _brief_item(g, u, v, d, sources)))
    contacts = sorted((i for _, i in items if i.kind in {"contact"}), key=_date_key)
    st_ab = sorted((i for w, i in items if w == "ab" and i.kind == "statement"), key=_date_key)
    st_ba = sorted((i for w, i in items if w == "ba" and i.kind == "statement"), key=_date_key)
    other = sorted(
        (i for _, i in items if i.kind not in {"contact", "statement", "stance"}), key=_date_key
    )
    stances: list[dict[str, Any]] = []
    derived: list[dict[str, Any]] = []
    for h, t, hl, tl in ((a_iri, b_iri, a_label, b_label), (b_iri, a_iri, b_label, a_label)):
        for r in _rows(store, _STANCES, holder=h, target=t):
            stances.append(
                {
                    "holder": hl,
                    "target": tl,
                    "line": f"{r['polarity'].capitalize()} {r['kind'].capitalize()} Stance"
                    + (f" ({r['strength']})" if r["strength"] else "")
                    + (" Flip" if str(r["flip"]).lower() in {"true", "1"} else ""),
                    "source": sources.get(r["source"], SourceRef(r["source"])),
                }
            )
        derived.extend(_derived(store, h, t, hl, tl))
    claims: dict[str, BriefClaim] = {}
    for r in _rows(store, _CLAIMS, a=a_iri, b=b_iri):
        claim = claims.get(r["claim"])
        if claim is None:
            claim = BriefClaim(
                title=r["title"] or "",
                text=r["text"] or "",
                checked_on=r["checked"],
                verdict=r["verdict"],
                question=r["question"],
                citations=[],
                source=sources.get(r["source"], SourceRef(r["source"])),
            )
            claims[r["claim"]] = claim
        if r["number"] is not None:
            cite = (int(r["number"]), r["ctitle"], safe_url(r["curl"]))
            if cite not in claim.citations:
                claim.citations.append(cite)
    every = [i for _, i in items]
    limits: list[str] = []
    undated = [i for i in every if not i.date]
    if undated:
        limits.append(
            f"{len(undated)} of {len(every)} items between them are undated; they are known "
            "only by their place in their source's timeline."
        )
    if not contacts:
        limits.append("The graph records no contact (meeting, call, summit, talks) between them.")
    if st_ab and not st_ba:
        limits.append(f"No statement by {b_label} about {a_label}: the record is one-sided.")
    if st_ba and not st_ab:
        limits.append(f"No statement by {a_label} about {b_label}: the record is one-sided.")
    if not st_ab and not st_ba:
        limits.append("No statement by either about the other is recorded.")
    if not stances:
        limits.append("No source declares a stance of either toward the other.")
    if not claims:
        limits.append("No fact-check finding mentions both.")
    used = {s.iri for i in every for s in i.sources} | {s["source"].iri for s in stances}
    used |= {c.source.iri for c in claims.values()}
    if len(used) == 1:
        limits.append("Everything here comes from a single source document.")
    limits.append(
        "The graph holds only what its source documents say; absence here is absence "
        "from those documents, not from the world."
    )
    return EvidenceBrief(
        a=a_label,
        b=b_label,
        a_iri=a_iri,
        b_iri=b_iri,
        contacts=contacts,
        statements_ab=st_ab,
        statements_ba=st_ba,
        other=other,
        stances=stances,
        derived=derived,
        claims=list(claims.values()),
        limitations=limits,
        sources=sorted((sources.get(s, SourceRef(s)) for s in used), key=lambda s: s.label),
    )


def _derived(store: GraphStore, h: str, t: str, hl: str, tl: str) -> list[dict[str, Any]]:
    """The stance the dated evidence shows, by year (empty without evidence or the module)."""
    try:
        from stancegraph.analysis.trajectory import trajectory
    except ImportError:  # the analysis module is optional
        return []
    try:
        tr = trajectory(store, f"<{h}>", f"<{t}>", freq="year")
    except StancegraphError:
        return []
    if not tr.periods:
        return []
    d = tr.derived
    return [
        {
            "holder": hl,
            "target": tl,
            "polarity": d["polarity"],
            "flip": d["flip"],
            "points": d["points"],
            "periods": [(p.key, p.polarity, len(p.points)) for p in tr.periods],
            "agrees": [a["polarity"] for a in tr.agreement],
        }
    ]


def _item_md(i: BriefItem, cites: dict[str, int]) -> str:
    when = format_date(i.date, i.precision) or "undated"
    body = f'"{_one_line(i.quote)}"' if i.quote else _one_line(i.text or "")
    if i.quote and i.text and i.quote not in i.text:
        body += f" ({_one_line(i.text)})"
    refs = "".join(f"[{cites[s.iri]}]" for s in i.sources if s.iri in cites)
    return f"- {when}: {i.frm} → {i.to}, {i.polarity} {i.kind}: {body} {refs}".rstrip()


def _source_numbers(brief: EvidenceBrief) -> dict[str, int]:
    return {s.iri: n for n, s in enumerate(brief.sources, start=1)}


def _brief_md(brief: EvidenceBrief, generated: str) -> str:
    cites = _source_numbers(brief)
    out = [
        f"# {brief.a} and {brief.b}: evidence brief",
        "",
        f"Made on {generated} by stancegraph.",
        "",
    ]
    out += ["## Declared stances", ""]
    for s in brief.stances:
        out.append(
            f"- {s['holder']} on {s['target']}: {s['line']} [{cites.get(s['source'].iri, '?')}]"
        )
    if not brief.stances:
        out.append("- none declared")
    out += ["", "## Stance shown by the dated evidence", ""]
    for d in brief.derived:
        periods = "; ".join(f"{k} {p} ({n})" for k, p, n in d["periods"])
        out.append(
            f"- {d['holder']} toward {d['target']}: {d['polarity']}"
            f"{', with a flip' if d['flip'] else ''} from {d['points']} dated items ({periods})"
        )
    if not brief.derived:
        out.append("- not enough dated evidence")
    for title, items in (
        ("Contacts", brief.contacts),
        (f"Statements by {brief.a} about {brief.b}", brief.statements_ab),
        (f"Statements by {brief.b} about {brief.a}", brief.statements_ba),
        ("Other actions and events between them", brief.other),
    ):
        out += ["", f"## {title}", ""]
        out += [_item_md(i, cites) for i in items] or ["- none recorded"]
    out += ["", "## Claims (fact-check findings mentioning both)", ""]
    for n, c in enumerate(brief.claims, start=1):
        nums = ", ".join(f"[{num}]" for num, _t, _u in c.citations)
        out.append(f"{n}. {_one_line(c.title)}: {_one_line(c.text)} (cited: {nums or 'none'})")
        for num, t, u in c.citations:
            if t or u:
                out.append(f"   - [{num}] {_one_line(t or '')} {u or ''}".rstrip())
        out.append(
            f"   - from {c.source.label}"
            + (f", checked on {c.checked_on}" if c.checked_on else "")
            + (f", verdict {c.verdict}" if c.verdict else "")
        )
    if not brief.claims:
        out.append("- none")
    out += ["", "## Limitations", ""]
    out += [f"- {lim}" for lim in brief.limitations]
    out += ["", "## Sources", ""]
    for src in brief.sources:
        out.append(f"[{cites[src.iri]}] {src.label}" + (f" <{src.url}>" if src.url else "")
                   + (f" ({src.path})" if src.path and src.path != src.label else ""))  # fmt: skip
    return "\n".join(out).rstrip() + "\n"


def render_brief(
    brief: EvidenceBrief, *, fmt: str = "md", generated: dt.date | str | None = None
) -> str:
    """The brief as Markdown or as a self-contained HTML page."""
    made = _today(generated)
    if fmt == "md":
        return _brief_md(brief, made)
    if fmt != "html":
        raise StancegraphError(f"unknown format {fmt!r}; use one of {list(FORMATS)}")
    return _page(
        "brief.html.j2",
        brief=brief,
        title=f"{brief.a} and {brief.b}: evidence brief",
        cites=_source_numbers(brief),
        sections=[
            ("Contacts", brief.contacts),
            (f"Statements by {brief.a} about {brief.b}", brief.statements_ab),
            (f"Statements by {brief.b} about {brief.a}", brief.statements_ba),
            ("Other actions and events between them", brief.other),
        ],
        format_date=format_date,
        generated=made,
    )
