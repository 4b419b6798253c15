"""Enrich actors from Wikidata (or any SPARQL endpoint with Wikidata's RDF layout).

Why a separate graph: what comes back from Wikidata is a source like any other,
so it lands in one named graph of its own (:data:`ENRICHMENT_GRAPH`), with PROV-O
provenance (endpoint, query texts, time). It can then be refreshed or retracted
as a unit (``stancegraph retract enrichment/wikidata``), and it never overwrites
what an analyst curated: it adds language-tagged ``skos:altLabel`` and
``schema:description`` values, ``schema:nationality`` (P27), ``sg:wikidata`` where
the registry has none, and office holdings (P39 with P580/P582 qualifiers) as
n-ary :class:`~stancegraph.model.namespaces.SG` ``OfficeHolding`` nodes derived from the
Wikidata statement nodes. Labels and types from the registry stay as they are.

Why it is careful with the endpoint: the Wikidata Query Service is shared and
throttles (HTTP 429 with ``Retry-After``). Queries are batched (``VALUES`` blocks
of at most :data:`BATCH_SIZE` items, every value a serialised RDF term, never
raw user text), carry a User-Agent naming the project and a contact URL, retry
with back-off on 429/503, time out, and are cached on disk keyed by
endpoint + query hash, so a second run asks nothing. ``offline=True`` never
touches the network and reports cache misses.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import os
import re
import time
import urllib.error
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from stancegraph import __version__
from stancegraph.errors import EndpointError, ResolutionError, StancegraphError
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
    WD,
    XSD,
)
from stancegraph.model.text import content_hash
from stancegraph.store.base import GraphStore

__all__ = [
    "BATCH_SIZE",
    "CONTACT_URL",
    "ENRICHMENT_GRAPH",
    "WIKIDATA_ENDPOINT",
    "ActorTarget",
    "CacheMissError",
    "Candidate",
    "EnrichReport",
    "EnrichResult",
    "Office",
    "SparqlClient",
    "default_user_agent",
    "enrich",
    "offices_at",
    "parse_languages",
    "select_actors",
]

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
"""The public Wikidata Query Service."""

ENRICHMENT_GRAPH = str(GRAPH["enrichment/wikidata"])
"""The named graph (and source node) that holds everything enrichment brought back."""

ENRICHMENT_PATH = "enrichment/wikidata"
"""The source path recorded for the enrichment graph (``stancegraph retract`` takes it)."""

CONTACT_URL = "https://w3id.org/stancegraph"
"""Contact URL in the User-Agent (Wikimedia's policy asks for one).

``$STANCEGRAPH_CONTACT`` overrides it: put your own URL or e-mail address there.
"""

BATCH_SIZE = 50
"""Most items in one ``VALUES`` block: long enough to save round trips, short enough for WDQS."""

RETRY_CODES = frozenset({429, 502, 503, 504})
MAX_RETRY_AFTER = 120.0

_QID = re.compile(r"^Q[1-9][0-9]*$")
_LANG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_WD_ITEM = re.compile(r"^http://www\.wikidata\.org/entity/(Q[1-9][0-9]*)$")
_WD_TIME = re.compile(r"^(?P<y>[+-]?\d{1,16})-(?P<m>\d\d)-(?P<d>\d\d)T")

# Wikidata's own prefixes (note: Wikidata's schema: is http://schema.org/, ours is https).
_WD_PROLOGUE = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX pqv: <http://www.wikidata.org/prop/qualifier/value/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
"""

# Wikidata classes that count as the project's actor types.
_HUMAN = "Q5"
_STATE_CLASSES = frozenset({"Q6256", "Q3624078", "Q7275", "Q3024240", "Q1763527"})

_WD_DESCRIPTION = "http://schema.org/description"  # Wikidata's schema: is http, ours https
_XSD_DATE = ox.NamedNode(str(XSD.date))
_XSD_GYEARMONTH = ox.NamedNode(str(XSD.gYearMonth))
_XSD_GYEAR = ox.NamedNode(str(XSD.gYear))
_XSD_DATETIME = ox.NamedNode(str(XSD.dateTime))
_XSD_ANYURI = ox.NamedNode(str(XSD.anyURI))


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _obj(term: object) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """A pyoxigraph term as is; an rdflib URIRef (namespace member) as a NamedNode."""
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term
    return ox.NamedNode(str(term))


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class ActorTarget:
    """An actor of the store to enrich, with what disambiguates it."""

    iri: str
    label: str
    type: str | None = None  # Person | Organization | State | Group
    aliases: list[str] = field(default_factory=list)
    country: str | None = None  # the registry's three-letter code, e.g. "USA"
    wikidata: str | None = None  # QID already known (registry or earlier enrichment)
    curated_wikidata: bool = False  # the QID came from a graph other than the enrichment's


@dataclass(slots=True)
class Candidate:
    """A Wikidata item that matched an actor's name."""

    qid: str
    label: str | None = None
    description: str | None = None
    country: str | None = None  # label of P27 / P17
    country_codes: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    matched: str = ""
    how: str = "label"  # label | alias

    @property
    def iri(self) -> str:
        return str(WD[self.qid])

    def as_dict(self) -> dict[str, Any]:
        return {
            "qid": self.qid,
            "label": self.label,
            "description": self.description,
            "country": self.country,
            "matched": self.matched,
            "how": self.how,
        }

    def line(self) -> str:
        """One line for a prompt or a report: QID, label, description, country."""
        parts = [f"{self.qid:<10} {self.label or '(no label)'}"]
        if self.description:
            parts.append(f"— {self.description}")
        if self.country:
            parts.append(f"[{self.country}]")
        return " ".join(parts)


@dataclass(slots=True)
class Office:
    """An office an actor held, as enrichment recorded it (see :func:`offices_at`)."""

    office: str  # the Wikidata item IRI of the office
    label: str | None
    valid_from: dt.date | str | None
    valid_until: dt.date | str | None
    statement: str | None = None  # the Wikidata statement node it came from
    holding: str | None = None  # the sg:OfficeHolding node

    def as_dict(self) -> dict[str, Any]:
        def _s(v: object) -> str | None:
            return v.isoformat() if isinstance(v, dt.date) else (str(v) if v is not None else None)

        return {
            "office": self.office,
            "label": self.label,
            "valid_from": _s(self.valid_from),
            "valid_until": _s(self.valid_until),
            "statement": self.statement,
            "holding": self.holding,
        }


@dataclass(slots=True)
class EnrichResult:
    """What happened to one actor."""

    actor: str
    label: str
    status: str  # enriched | ambiguous | not-found | skipped | cache-miss
    qid: str | None = None
    method: str | None = None  # store | search | picked | chosen | best
    candidates: list[Candidate] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    description: str | None = None
    citizenship: list[str] = field(default_factory=list)
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "label": self.label,
            "status": self.status,
            "qid": self.qid,
            "method": self.method,
            "candidates": [c.as_dict() for c in self.candidates],
            "offices": [o.as_dict() for o in self.offices],
            "labels": self.labels,
            "description": self.description,
            "citizenship": self.citizenship,
            "message": self.message,
        }


@dataclass(slots=True)
class EnrichReport:
    """The outcome of one :func:`enrich` run (``enrich --json``)."""

    graph: str
    endpoint: str
    languages: list[str]
    results: list[EnrichResult] = field(default_factory=list)
    status: str = "pending"  # added | replaced | unchanged | nothing
    triples: int = 0
    requests: int = 0
    retries: int = 0
    cache_hits: int = 0
    cache_misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "graph": self.graph,
            "endpoint": self.endpoint,
            "languages": self.languages,
            "status": self.status,
            "triples": self.triples,
            "requests": self.requests,
            "retries": self.retries,
            "cache_hits": self.cache_hits,
            "cache_misses": len(self.cache_misses),
            "results": [r.as_dict() for r in self.results],
        }

    def by_status(self, status: str) -> list[EnrichResult]:
        return [r for r in self.results if r.status == status]


# ---------------------------------------------------------------------------
# The SPARQL client: SPARQLWrapper with retries, a timeout and a disk cache
# ---------------------------------------------------------------------------


class CacheMissError(EndpointError):
    """An offline run needed a query whose answer is not in the cache."""


def default_user_agent(contact: str | None = None) -> str:
    """The User-Agent sent to endpoints: project, version, contact URL (Wikimedia's policy)."""
    import SPARQLWrapper

    contact = contact or os.environ.get("STANCEGRAPH_CONTACT") or CONTACT_URL
    return f"stancegraph/{__version__} ({contact}) SPARQLWrapper/{SPARQLWrapper.__version__}"


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if headers is None:
        return None
    value = headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class SparqlClient:
    """SELECT queries against one endpoint, politely, with an on-disk cache.

    Parameters
    ----------
    endpoint
        The SPARQL endpoint URL.
    cache_dir
        Folder of the cache (one JSON file per endpoint + query hash); ``None``
        for no cache.
    offline
        Never touch the network: answer from the cache or raise :class:`CacheMissError`.
    refresh
        Ask the endpoint even when the cache has the answer (and update the cache).
    timeout
        Seconds for one HTTP request.
    retries
        How many times to retry a throttled (429/503) or failed request.
    backoff
        First back-off in seconds when the server gives no ``Retry-After``; doubles each time.
    method
        ``"POST"`` (default: long ``VALUES`` blocks do not fit in a URL) or ``"GET"``.
    user_agent
        Defaults to :func:`default_user_agent`.
    sleep
        How to wait between retries (a parameter so callers can observe the waits).
    """

    def __init__(
        self,
        endpoint: str,
        *,
        cache_dir: str | Path | None = None,
        offline: bool = False,
        refresh: bool = False,
        timeout: float = 60.0,
        retries: int = 4,
        backoff: float = 1.0,
        method: str = "POST",
        user_agent: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not re.match(r"^https?://", endpoint):
            raise EndpointError(f"endpoint {endpoint!r} is not an http(s) URL")
        if method.upper() not in {"GET", "POST"}:
            raise EndpointError(f"method must be GET or POST, not {method!r}")
        self.endpoint = endpoint
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.offline = offline
        self.refresh = refresh
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.method = method.upper()
        self.user_agent = user_agent or default_user_agent()
        self.sleep = sleep
        self.requests = 0
        self.retried = 0
        self.cache_hits = 0
        self.misses: list[str] = []
        self.queries: list[str] = []

    # -- cache -------------------------------------------------------------
    def cache_key(self, query: str) -> str:
        return hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()

    def _cache_path(self, query: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{self.cache_key(query)}.json"

    def _read_cache(self, query: str) -> dict[str, Any] | None:
        path = self._cache_path(query)
        if path is None or not path.is_file():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # a damaged entry is a miss, not an error
        if entry.get("endpoint") != self.endpoint or entry.get("query") != query:
            return None
        result = entry.get("result")
        return result if isinstance(result, dict) else None

    def _write_cache(self, query: str, result: dict[str, Any]) -> None:
        path = self._cache_path(query)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {
            "endpoint": self.endpoint,
            "query": query,
            "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "result": result,
        }
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    # -- queries -----------------------------------------------------------
    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
        """Rows of a SELECT as dicts of pyoxigraph terms (unbound variables left out)."""
        self.queries.append(query)
        result = None if self.refresh else self._read_cache(query)
        if result is not None:
            self.cache_hits += 1
        else:
            if self.offline:
                self.misses.append(self.cache_key(query))
                raise CacheMissError(
                    f"offline and the cache has no answer for a query to {self.endpoint} "
                    f"(key {self.cache_key(query)[:12]}); run once online to fill the cache"
                )
            result = self._fetch(query)
            self._write_cache(query, result)
        return [
            {k: _term(v) for k, v in binding.items()}
            for binding in result.get("results", {}).get("bindings", [])
        ]

    def _wrapper(self, query: str) -> Any:
        from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper

        sw = SPARQLWrapper(self.endpoint, agent=self.user_agent)
        sw.setReturnFormat(JSON)
        sw.setMethod(POST if self.method == "POST" else GET)
        sw.setTimeout(int(max(1, round(self.timeout))))
        sw.setQuery(query)
        return sw

    def _fetch(self, query: str) -> dict[str, Any]:
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        attempt = 0
        while True:
            self.requests += 1
            try:
                response = self._wrapper(query).query()
                status = getattr(response.response, "status", 200)
                if status == 206:
                    raise EndpointError(
                        f"{self.endpoint} returned partial results (HTTP 206): the answer "
                        "was truncated at a server limit; not using it"
                    )
                data = response.convert()
                if not isinstance(data, dict) or "results" not in data:
                    raise EndpointError(f"{self.endpoint} did not return SPARQL JSON results")
                return data
            except urllib.error.HTTPError as exc:
                if exc.code in RETRY_CODES and attempt < self.retries:
                    wait = _retry_after(exc.headers)
                    if wait is None:
                        wait = self.backoff * (2**attempt)
                    self._wait(min(wait, MAX_RETRY_AFTER))
                    attempt += 1
                    continue
                raise EndpointError(
                    f"{self.endpoint} answered HTTP {exc.code} {exc.reason}"
                    + (f" after {attempt} retries" if attempt else "")
                ) from exc
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt < self.retries:
                    self._wait(min(self.backoff * (2**attempt), MAX_RETRY_AFTER))
                    attempt += 1
                    continue
                reason = getattr(exc, "reason", exc)
                raise EndpointError(
                    f"cannot reach {self.endpoint}: {reason} (after {attempt} retries)"
                ) from exc
            except SPARQLWrapperException as exc:
                raise EndpointError(f"{self.endpoint} rejected the query: {exc}") from exc
            except ValueError as exc:  # JSON that does not parse
                raise EndpointError(f"{self.endpoint} returned unreadable JSON: {exc}") from exc

    def _wait(self, seconds: float) -> None:
        self.retried += 1
        self.sleep(seconds)


def _term(binding: Mapping[str, str]) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """A SPARQL JSON result binding as a pyoxigraph term."""
    kind = binding.get("type")
    value = binding.get("value", "")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value) if re.match(r"^[A-Za-z0-9_]+$", value) else ox.BlankNode()
    lang = binding.get("xml:lang")
    if lang:
        return ox.Literal(value, language=lang)
    datatype = binding.get("datatype")
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


# ---------------------------------------------------------------------------
# Query text: every value a serialised RDF term
# ---------------------------------------------------------------------------


def parse_languages(text: str | Sequence[str]) -> list[str]:
    """Language tags from ``"en,de"`` or a list; each must be a BCP 47 tag."""
    items = text.split(",") if isinstance(text, str) else list(text)
    out: list[str] = []
    for item in items:
        tag = item.strip()
        if not tag:
            continue
        if not _LANG.match(tag):
            raise StancegraphError(f"{tag!r} is not a language tag like 'en' or 'de'")
        if tag.lower() not in out:
            out.append(tag.lower())
    if not out:
        raise StancegraphError("give at least one language, e.g. --lang en")
    return out


def _values(variables: Sequence[str], rows: Iterable[Sequence[ox.NamedNode | ox.Literal]]) -> str:
    """A VALUES block from pyoxigraph terms, each serialised (escaped) by pyoxigraph itself."""
    head = " ".join(f"?{v}" for v in variables)
    body = "\n    ".join("(" + " ".join(str(t) for t in row) + ")" for row in rows)
    return f"VALUES ({head}) {{\n    {body}\n  }}"


def _lang_values(languages: Sequence[str]) -> str:
    return _values(["lang"], [[ox.Literal(lang)] for lang in languages])


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _search_query(names: Sequence[tuple[str, str]], languages: Sequence[str]) -> str:
    """Items whose label or alias is exactly one of the names, in one of the languages.

    ``names`` are ``(key, name)`` pairs; the key says which actor a row is for.
    The first language is the display language of the candidates.
    """
    rows = [
        [ox.Literal(key), ox.Literal(name, language=lang)]
        for key, name in names
        for lang in languages
    ]
    display = str(ox.Literal(languages[0]))
    return (
        _WD_PROLOGUE
        + "SELECT ?key ?item ?how ?label ?description ?type ?country ?countryCode ?countryLabel\n"
        + "WHERE {\n  "
        + _values(["key", "name"], rows)
        + """
  { ?item rdfs:label ?name . BIND("label" AS ?how) }
  UNION
  { ?item skos:altLabel ?name . BIND("alias" AS ?how) }
  FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q"))
  OPTIONAL { ?item rdfs:label ?label . FILTER(LANG(?label) = DISPLAY) }
  OPTIONAL { ?item schema:description ?description . FILTER(LANG(?description) = DISPLAY) }
  OPTIONAL { ?item wdt:P31 ?type }
  OPTIONAL {
    ?item wdt:P27|wdt:P17 ?country .
    OPTIONAL { ?country wdt:P298 ?countryCode }
    OPTIONAL { ?country rdfs:label ?countryLabel . FILTER(LANG(?countryLabel) = DISPLAY) }
  }
}
""".replace("DISPLAY", display)
    )


def _items_values(qids: Sequence[str]) -> str:
    return _values(["item"], [[_n(WD[q])] for q in qids])


def _texts_query(qids: Sequence[str], languages: Sequence[str]) -> str:
    """Labels, aliases and descriptions of items in the languages."""
    return (
        _WD_PROLOGUE
        + "SELECT ?item ?p ?text WHERE {\n  "
        + _items_values(qids)
        + "\n  "
        + _lang_values(languages)
        + """
  VALUES ?p { rdfs:label skos:altLabel schema:description }
  ?item ?p ?text .
  FILTER(LANG(?text) = ?lang)
}
"""
    )


def _claims_query(qids: Sequence[str]) -> str:
    """Country of citizenship (P27) and positions held (P39) as full statements."""
    return (
        _WD_PROLOGUE
        + "SELECT ?item ?country ?st ?office ?rank ?start ?startPrecision ?end ?endPrecision\n"
        + "WHERE {\n  "
        + _items_values(qids)
        + """
  {
    ?item wdt:P27 ?country .
  } UNION {
    ?item p:P39 ?st .
    ?st ps:P39 ?office ; wikibase:rank ?rank .
    FILTER(?rank != wikibase:DeprecatedRank)
    OPTIONAL { ?st pq:P580 ?start .
               OPTIONAL { ?st pqv:P580/wikibase:timePrecision ?startPrecision } }
    OPTIONAL { ?st pq:P582 ?end .
               OPTIONAL { ?st pqv:P582/wikibase:timePrecision ?endPrecision } }
  }
}
"""
    )


def _labels_query(qids: Sequence[str], languages: Sequence[str]) -> str:
    """Labels of linked items (offices, countries) in the languages."""
    return (
        _WD_PROLOGUE
        + "SELECT ?item ?label WHERE {\n  "
        + _items_values(qids)
        + "\n  "
        + _lang_values(languages)
        + """
  ?item rdfs:label ?label .
  FILTER(LANG(?label) = ?lang)
}
"""
    )


# ---------------------------------------------------------------------------
# Actors from the store
# ---------------------------------------------------------------------------

_ACTORS_QUERY = f"""
SELECT ?a ?label ?type ?alt ?country ?wd ?wdg WHERE {{
  ?a a <{SG.Actor}> ; <{RDFS.label}> ?label .
  OPTIONAL {{ ?a a ?type .
             FILTER(?type IN (<{SG.Person}>, <{SG.Organization}>, <{SG.State}>, <{SG.Group}>)) }}
  OPTIONAL {{ GRAPH ?ag {{ ?a <{SKOS.altLabel}> ?alt }} FILTER(?ag != <{ENRICHMENT_GRAPH}>) }}
  OPTIONAL {{ ?a <{SG.country}> ?country }}
  OPTIONAL {{ GRAPH ?wdg {{ ?a <{SG.wikidata}> ?wd }} }}
}}
"""


def select_actors(store: GraphStore, names: Sequence[str] = ()) -> list[ActorTarget]:
    """The actors to enrich: the named ones (by name, alias or IRI), else every actor.

    Groups ("European allies") have no Wikidata item and are left out unless named.
    """
    from stancegraph.resolve.registry import Actor, Registry

    actors: dict[str, ActorTarget] = {}
    for row in store.query(_ACTORS_QUERY):
        iri = row["a"].value
        target = actors.get(iri)
        if target is None:
            target = actors[iri] = ActorTarget(iri=iri, label=row["label"].value)
        if row["type"] is not None:
            target.type = row["type"].value.rsplit("#", 1)[-1]
        if row["alt"] is not None and row["alt"].value not in target.aliases:
            target.aliases.append(row["alt"].value)
        if row["country"] is not None and target.country is None:
            target.country = row["country"].value
        if row["wd"] is not None:
            m = _WD_ITEM.match(row["wd"].value)
            curated = row["wdg"].value != ENRICHMENT_GRAPH
            if m and (target.wikidata is None or (curated and not target.curated_wikidata)):
                target.wikidata = m.group(1)
                target.curated_wikidata = curated
    if not names:
        return sorted(
            (t for t in actors.values() if t.type != "Group"), key=lambda t: t.label.casefold()
        )
    registry = Registry(
        Actor(name=t.label, type=t.type or "Person", aliases=list(t.aliases), iri=t.iri)
        for t in actors.values()
    )
    chosen: list[ActorTarget] = []
    for name in names:
        text = name.strip()
        iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
        if iri in actors:
            found = iri
        else:
            res = registry.lookup(text, fuzzy=False)
            if res is None:
                raise ResolutionError(
                    f"no actor named {name!r} in the store; 'stancegraph query actors' lists them"
                )
            found = res.iri
        if actors[found] not in chosen:
            chosen.append(actors[found])
    return chosen


# ---------------------------------------------------------------------------
# Disambiguation
# ---------------------------------------------------------------------------


def _type_ok(target: ActorTarget, cand: Candidate) -> bool:
    if target.type == "Person":
        return _HUMAN in cand.types
    if target.type == "State":
        return bool(cand.types & _STATE_CLASSES)
    if target.type == "Organization":
        return _HUMAN not in cand.types and not (cand.types & _STATE_CLASSES)
    return True


def _qid_number(qid: str) -> int:
    return int(qid[1:])


def rank_candidates(target: ActorTarget, candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates best first: right country, right type, label before alias, older item."""
    code = (target.country or "").upper()
    return sorted(
        candidates,
        key=lambda c: (
            not (code and code in c.country_codes),
            not _type_ok(target, c),
            c.how != "label",
            _qid_number(c.qid),
        ),
    )


def decide(
    target: ActorTarget, candidates: Sequence[Candidate]
) -> tuple[Candidate | None, list[Candidate]]:
    """The one candidate that fits the actor's type and country, or ``None`` and the shortlist.

    A candidate must be of the actor's type (a Person is an instance of human,
    Q5; a State of country/sovereign state); among those, the ones in the
    actor's country win when there are any. Exactly one left: sure. More: the
    caller must ask.
    """
    typed = [c for c in candidates if _type_ok(target, c)]
    if not typed:
        return None, []
    code = (target.country or "").upper()
    pool = [c for c in typed if code and code in c.country_codes] or typed
    ranked = rank_candidates(target, pool)
    if len(ranked) == 1:
        return ranked[0], ranked
    return None, ranked


def _candidates_from(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Candidate]]:
    out: dict[str, dict[str, Candidate]] = {}
    for row in rows:
        m = _WD_ITEM.match(row["item"].value) if "item" in row else None
        if m is None or "key" not in row:
            continue
        qid = m.group(1)
        cands = out.setdefault(row["key"].value, {})
        cand = cands.get(qid)
        if cand is None:
            cand = cands[qid] = Candidate(
                qid=qid, how=row["how"].value if "how" in row else "label"
            )
        elif "how" in row and row["how"].value == "label":
            cand.how = "label"
        if "label" in row:
            cand.label = row["label"].value
        if "description" in row:
            cand.description = row["description"].value
        if "type" in row:
            tm = _WD_ITEM.match(row["type"].value)
            if tm:
                cand.types.add(tm.group(1))
        if "countryCode" in row:
            cand.country_codes.add(row["countryCode"].value.upper())
        if "countryLabel" in row and cand.country is None:
            cand.country = row["countryLabel"].value
        elif "country" in row and cand.country is None:
            cm = _WD_ITEM.match(row["country"].value)
            cand.country = cm.group(1) if cm else None
    return out


# ---------------------------------------------------------------------------
# Wikidata dates to the project's dates
# ---------------------------------------------------------------------------


def _wd_date(value: ox.Literal | None, precision: ox.Literal | None) -> ox.Literal | None:
    """A Wikidata time as xsd:date / gYearMonth / gYear by its precision (11 / 10 / 9).

    Without a precision (no value node) the day is assumed, as WDQS writes
    full timestamps. Coarser than a year, before year 1 or unparseable: ``None``.
    """
    if value is None or not isinstance(value, ox.Literal):
        return None
    m = _WD_TIME.match(value.value)
    if m is None:
        return None
    year = int(m.group("y"))
    if year < 1 or year > 9999:
        return None
    prec = 11
    if precision is not None:
        try:
            prec = int(precision.value)
        except ValueError:
            prec = 11
    y, mo, d = f"{year:04d}", m.group("m"), m.group("d")
    if prec >= 11 and mo != "00" and d != "00":
        return ox.Literal(f"{y}-{mo}-{d}", datatype=_XSD_DATE)
    if prec == 10 or (prec >= 11 and mo != "00"):
        return ox.Literal(f"{y}-{mo}", datatype=_XSD_GYEARMONTH)
    if prec >= 9:
        return ox.Literal(y, datatype=_XSD_GYEAR)
    return None


# ---------------------------------------------------------------------------
# Enrichment
# ---------------------------------------------------------------------------

Chooser = Callable[[ActorTarget, list[Candidate]], Candidate | None]


@dataclass(slots=True)
class _ItemData:
    texts: list[tuple[str, ox.Literal]] = field(default_factory=list)  # (kind, literal)
    citizenship: list[str] = field(default_factory=list)  # QIDs
    holdings: dict[str, dict[str, Any]] = field(default_factory=dict)  # statement IRI -> data


def _search(
    client: SparqlClient,
    targets: Sequence[ActorTarget],
    languages: Sequence[str],
    *,
    batch_size: int,
    names_of: Callable[[ActorTarget], list[str]],
) -> tuple[dict[str, dict[str, Candidate]], set[str]]:
    """Candidates per actor IRI; and the actors whose batch was a cache miss."""
    found: dict[str, dict[str, Candidate]] = {}
    missed: set[str] = set()
    pairs = [(t.iri, n) for t in targets for n in names_of(t)]
    search_langs = [*languages, *(["mul"] if "mul" not in languages else [])]
    per_batch = max(1, batch_size // len(search_langs))
    for batch in _batches(pairs, per_batch):
        try:
            rows = client.select(_search_query(batch, search_langs))
        except CacheMissError:
            missed.update(iri for iri, _ in batch)
            continue
        for key, cands in _candidates_from(rows).items():
            found.setdefault(key, {}).update(
                {q: c for q, c in cands.items() if q not in found.get(key, {})}
            )
    return found, missed


def _details(
    client: SparqlClient, qids: Sequence[str], languages: Sequence[str], *, batch_size: int
) -> tuple[dict[str, _ItemData], dict[str, list[ox.Literal]], set[str]]:
    """Texts, citizenship and office holdings per QID; labels of linked items; missed QIDs."""
    data: dict[str, _ItemData] = {q: _ItemData() for q in qids}
    missed: set[str] = set()
    for batch in _batches(list(qids), batch_size):
        try:
            text_rows = client.select(_texts_query(batch, languages))
            claim_rows = client.select(_claims_query(batch))
        except CacheMissError:
            missed.update(batch)
            continue
        for row in text_rows:
            m = _WD_ITEM.match(row["item"].value)
            text = row.get("text")
            if m and isinstance(text, ox.Literal):
                data[m.group(1)].texts.append((row["p"].value, text))
        for row in claim_rows:
            m = _WD_ITEM.match(row["item"].value)
            if m is None:
                continue
            item = data[m.group(1)]
            if "country" in row:
                cm = _WD_ITEM.match(row["country"].value)
                if cm and cm.group(1) not in item.citizenship:
                    item.citizenship.append(cm.group(1))
            if "st" in row and "office" in row:
                om = _WD_ITEM.match(row["office"].value)
                if om is None:
                    continue
                h = item.holdings.setdefault(
                    row["st"].value, {"office": om.group(1), "start": None, "end": None}
                )
                start = _wd_date(row.get("start"), row.get("startPrecision"))  # type: ignore[arg-type]
                end = _wd_date(row.get("end"), row.get("endPrecision"))  # type: ignore[arg-type]
                h["start"] = h["start"] or start
                h["end"] = h["end"] or end
    linked = sorted(
        {c for d in data.values() for c in d.citizenship}
        | {h["office"] for d in data.values() for h in d.holdings.values()},
        key=_qid_number,
    )
    labels: dict[str, list[ox.Literal]] = {}
    for batch in _batches(linked, batch_size):
        try:
            rows = client.select(_labels_query(batch, languages))
        except CacheMissError:
            continue  # labels are a nicety; the facts stand without them
        for row in rows:
            m = _WD_ITEM.match(row["item"].value)
            label = row.get("label")
            if m and isinstance(label, ox.Literal):
                labels.setdefault(m.group(1), []).append(label)
    return data, labels, missed


def _existing_names(store: GraphStore, iris: Sequence[str]) -> dict[str, set[str]]:
    """Names each actor already has outside the enrichment graph (to avoid repeating them)."""
    out: dict[str, set[str]] = {i: set() for i in iris}
    q = f"""SELECT ?a ?name WHERE {{
      GRAPH ?g {{ ?a <{RDFS.label}>|<{SKOS.prefLabel}>|<{SKOS.altLabel}> ?name }}
      FILTER(?g != <{ENRICHMENT_GRAPH}>)
    }}"""
    wanted = set(iris)
    for row in store.query(q):
        a = row["a"].value
        if a in wanted:
            out[a].add(row["name"].value.casefold())
    return out


def _existing_quads(store: GraphStore) -> list[ox.Quad]:
    g = ox.NamedNode(ENRICHMENT_GRAPH)
    q = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ENRICHMENT_GRAPH}> {{ ?s ?p ?o }} }}"
    return [ox.Quad(r["s"], r["p"], r["o"], g) for r in store.query(q)]


def _label_for(literals: Sequence[ox.Literal], languages: Sequence[str]) -> str | None:
    for lang in languages:
        for lit in literals:
            if lit.language == lang:
                return lit.value
    return literals[0].value if literals else None


def _fact_quads(
    target: ActorTarget,
    qid: str,
    item: _ItemData,
    labels: Mapping[str, list[ox.Literal]],
    known_names: set[str],
    languages: Sequence[str],
    result: EnrichResult,
) -> list[ox.Quad]:
    """The enrichment facts of one actor (graph-less triples as quads of the enrichment graph)."""
    g = ox.NamedNode(ENRICHMENT_GRAPH)
    a = ox.NamedNode(target.iri)
    wd_item = _n(WD[qid])
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: object, o: object) -> None:
        quads.append(ox.Quad(s, _n(p), _obj(o), g))

    if not target.curated_wikidata:
        add(a, SG.wikidata, wd_item)
        add(a, OWL.sameAs, wd_item)
    seen: set[tuple[str, str | None]] = set()
    for kind, lit in item.texts:
        if kind == _WD_DESCRIPTION:
            add(a, SDO.description, lit)
            if result.description is None or lit.language == languages[0]:
                result.description = lit.value
            continue
        key = (lit.value, lit.language)
        if key in seen:
            continue
        seen.add(key)
        result.labels.append(f"{lit.value}@{lit.language}")
        if lit.value.casefold() in known_names:
            continue
        add(a, SKOS.altLabel, lit)
    for country in item.citizenship:
        c = _n(WD[country])
        add(a, SDO.nationality, c)
        for lit in labels.get(country, []):
            add(c, RDFS.label, lit)
        result.citizenship.append(_label_for(labels.get(country, []), languages) or country)
    for statement, h in sorted(item.holdings.items()):
        holding = _n(ID[f"office-holding/{content_hash(target.iri, statement)}"])
        office = _n(WD[h["office"]])
        add(holding, RDF.type, SG.OfficeHolding)
        add(holding, RDF.type, PROV.Entity)
        add(holding, SG.officeHolder, a)
        add(holding, SG.office, office)
        if h["start"] is not None:
            add(holding, SG.validFrom, h["start"])
        if h["end"] is not None:
            add(holding, SG.validUntil, h["end"])
        add(holding, PROV.wasDerivedFrom, ox.NamedNode(statement))
        for lit in labels.get(h["office"], []):
            add(office, RDFS.label, lit)
        result.offices.append(
            Office(
                office=office.value,
                label=_label_for(labels.get(h["office"], []), languages),
                valid_from=h["start"].value if h["start"] is not None else None,
                valid_until=h["end"].value if h["end"] is not None else None,
                statement=statement,
                holding=holding.value,
            )
        )
    result.offices.sort(key=lambda o: str(o.valid_from or ""))
    return quads


def _merge(old: Sequence[ox.Quad], new: Sequence[ox.Quad], replaced: set[str]) -> list[ox.Quad]:
    """Old facts of actors not re-enriched, plus the new facts; provenance is rewritten."""
    graph_node = ox.NamedNode(ENRICHMENT_GRAPH)
    holder = _n(SG.officeHolder)
    runs = {
        q.object for q in old if q.subject == graph_node and q.predicate == _n(PROV.wasGeneratedBy)
    }
    dropped: set[Any] = {ox.NamedNode(i) for i in replaced}
    dropped |= {q.subject for q in old if q.predicate == holder and q.object in dropped}
    kept = [
        q
        for q in old
        if q.subject not in dropped and q.subject != graph_node and q.subject not in runs
    ]
    facts = list(dict.fromkeys([*kept, *new]))
    # Labels of Wikidata items (offices, countries) that nothing refers to any more go too.
    referenced = {q.object for q in facts if isinstance(q.object, ox.NamedNode)}
    label = _n(RDFS.label)
    return [
        q
        for q in facts
        if not (
            q.predicate == label
            and isinstance(q.subject, ox.NamedNode)
            and _WD_ITEM.match(q.subject.value)
            and q.subject not in referenced
        )
    ]


def _provenance(
    facts: Sequence[ox.Quad], client: SparqlClient, started: dt.datetime, checksum: str
) -> list[ox.Quad]:
    g = ox.NamedNode(ENRICHMENT_GRAPH)
    run = _n(ID[f"run/{content_hash(ENRICHMENT_GRAPH, checksum, started.isoformat())}"])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: object, o: object) -> None:
        quads.append(ox.Quad(s, _n(p), _obj(o), g))

    for cls in (SG.Source, PROV.Entity):
        add(g, RDF.type, _n(cls))
    add(g, SG.sourceKind, ox.Literal("wikidata"))
    add(g, SG.sourcePath, ox.Literal(ENRICHMENT_PATH))
    add(g, SG.checksum, ox.Literal(checksum))
    add(g, DCTERMS.title, ox.Literal("Wikidata enrichment"))
    add(g, SDO.url, ox.Literal(client.endpoint, datatype=_XSD_ANYURI))
    add(g, PROV.generatedAtTime, ox.Literal(now.isoformat(), datatype=_XSD_DATETIME))
    add(g, PROV.wasGeneratedBy, run)
    for cls in (SG.EnrichmentRun, SG.IngestRun, PROV.Activity):
        add(run, RDF.type, _n(cls))
    add(run, PROV.startedAtTime, ox.Literal(started.isoformat(), datatype=_XSD_DATETIME))
    add(run, PROV.endedAtTime, ox.Literal(now.isoformat(), datatype=_XSD_DATETIME))
    add(run, PROV.used, ox.NamedNode(client.endpoint))
    for text in dict.fromkeys(client.queries):
        add(run, SG.queryText, ox.Literal(text))
    return quads


def _checksum(quads: Iterable[ox.Quad]) -> str:
    lines = sorted(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    return "sha256:" + hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _store_checksum(store: GraphStore) -> str | None:
    g = ENRICHMENT_GRAPH
    q = f"SELECT ?c WHERE {{ GRAPH <{g}> {{ <{g}> <{SG.checksum}> ?c }} }}"
    for row in store.query(q):
        return str(row["c"].value)
    return None


def enrich(
    store: GraphStore,
    actors: Sequence[str] = (),
    *,
    endpoint: str = WIKIDATA_ENDPOINT,
    languages: Sequence[str] = ("en",),
    cache_dir: str | Path | None = None,
    offline: bool = False,
    refresh: bool = False,
    pick: int | None = None,
    accept_best: bool = False,
    choose: Chooser | None = None,
    batch_size: int = BATCH_SIZE,
    client: SparqlClient | None = None,
    timeout: float = 60.0,
    retries: int = 4,
) -> EnrichReport:
    """Find each actor's Wikidata item and bring back names, citizenship and offices.

    Parameters
    ----------
    store
        The stancegraph store (embedded or remote); the enrichment graph is written to it.
    actors
        Names, aliases or IRIs of actors; empty means every actor (groups left out).
    endpoint
        A SPARQL endpoint with Wikidata's RDF layout (default: the public WDQS).
    languages
        Labels, aliases and descriptions are brought back in these languages; the
        first is the display language of candidates.
    cache_dir
        The query cache (``None``: no cache).
    offline
        Use the cache only; queries it cannot answer are reported as misses.
    refresh
        Ask the endpoint again even where the cache has an answer, and rewrite the graph.
    pick
        When an actor is ambiguous, take the N-th candidate (1-based) as listed.
    accept_best
        When an actor is ambiguous, take the best-ranked candidate.
    choose
        Called with the actor and the ranked candidates when an actor is
        ambiguous (an interactive prompt); returns the choice or ``None`` to skip.
    batch_size
        Most items in one ``VALUES`` block.
    client
        A ready :class:`SparqlClient` (its endpoint, cache and offline mode win).

    Returns
    -------
    EnrichReport
        Per actor: enriched (with its offices), ambiguous (with candidates),
        not-found or cache-miss; plus request and cache counts.
    """
    from stancegraph.ingest.pipeline import ensure_ontology

    languages = parse_languages(languages)
    batch_size = max(1, min(batch_size, BATCH_SIZE))
    if client is None:
        client = SparqlClient(
            endpoint,
            cache_dir=cache_dir,
            offline=offline,
            refresh=refresh,
            timeout=timeout,
            retries=retries,
        )
    report = EnrichReport(graph=ENRICHMENT_GRAPH, endpoint=client.endpoint, languages=languages)
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    targets = select_actors(store, actors)
    results = {t.iri: EnrichResult(actor=t.iri, label=t.label, status="pending") for t in targets}
    report.results = list(results.values())

    # 1. Which item: an id the store already has, else a search by name, then by alias.
    qid_of: dict[str, str] = {}
    for t in targets:
        if t.wikidata:
            qid_of[t.iri] = t.wikidata
            results[t.iri].method = "store"
    unknown = [t for t in targets if t.iri not in qid_of]
    found, missed = _search(
        client, unknown, languages, batch_size=batch_size, names_of=lambda t: [t.label]
    )
    no_hit = [t for t in unknown if t.iri not in found and t.iri not in missed and t.aliases]
    if no_hit:
        more, more_missed = _search(
            client, no_hit, languages, batch_size=batch_size, names_of=lambda t: list(t.aliases)
        )
        found.update(more)
        missed |= more_missed
    for t in unknown:
        res = results[t.iri]
        if t.iri in missed:
            res.status, res.message = "cache-miss", "offline: the search is not in the cache"
            continue
        cands = list(found.get(t.iri, {}).values())
        sure, ranked = decide(t, cands)
        res.candidates = ranked
        if sure is not None:
            qid_of[t.iri], res.method = sure.qid, "search"
            continue
        if not ranked:
            res.status = "not-found"
            res.candidates = rank_candidates(t, cands)[:10]
            res.message = (
                f"no Wikidata item labelled {t.label!r} of type {t.type or 'any'}"
                if not cands
                else f"{len(cands)} item(s) share the name but none is a {t.type}"
            )
            continue
        chosen: Candidate | None = None
        if pick is not None:
            if 1 <= pick <= len(ranked):
                chosen, res.method = ranked[pick - 1], "picked"
            else:
                res.message = f"--pick {pick} is out of range: {len(ranked)} candidates"
        elif accept_best:
            chosen, res.method = ranked[0], "best"
        elif choose is not None:
            chosen = choose(t, ranked)
            res.method = "chosen" if chosen is not None else None
        if chosen is None:
            res.status = "ambiguous"
            res.message = res.message or f"{len(ranked)} candidates; pick one with --pick N"
            continue
        qid_of[t.iri] = chosen.qid

    # 2. What the items say.
    qids = sorted(set(qid_of.values()), key=_qid_number)
    data, labels, missed_items = _details(client, qids, languages, batch_size=batch_size)
    known = _existing_names(store, list(qid_of))
    new: list[ox.Quad] = []
    replaced: set[str] = set()
    for t in targets:
        res = results[t.iri]
        qid = qid_of.get(t.iri)
        if qid is None:
            continue
        res.qid = qid
        if qid in missed_items:
            res.status, res.message = (
                "cache-miss",
                "offline: the item's details are not in the cache",
            )
            continue
        item = data[qid]
        if not (item.texts or item.citizenship or item.holdings):
            res.status = "not-found"
            res.message = f"{client.endpoint} has nothing on {qid} in {', '.join(languages)}"
            continue
        new.extend(_fact_quads(t, qid, item, labels, known[t.iri], languages, res))
        replaced.add(t.iri)
        res.status = "enriched"

    report.requests, report.retries = client.requests, client.retried
    report.cache_hits, report.cache_misses = client.cache_hits, list(client.misses)

    # 3. Write: one graph, atomically; other actors' earlier facts stay.
    if not replaced:
        report.status = "nothing"
        return report
    ensure_ontology(store)
    facts = _merge(_existing_quads(store), new, replaced)
    checksum = _checksum(facts)
    old_checksum = _store_checksum(store)
    if old_checksum == checksum and not refresh:
        report.status = "unchanged"
        report.triples = store.count(ENRICHMENT_GRAPH)
        return report
    quads = [*facts, *_provenance(facts, client, started, checksum)]
    store.replace_graph(ENRICHMENT_GRAPH, quads)
    report.status = "replaced" if old_checksum is not None else "added"
    report.triples = len(quads)
    return report


# ---------------------------------------------------------------------------
# Reading enrichment back: the office an actor held at a date
# ---------------------------------------------------------------------------


def offices_at(
    store: GraphStore, actor_iri: str, date: dt.date | str, *, lang: str = "en"
) -> list[Office]:
    """The offices an actor held on a date, from the enrichment graph.

    For the stance card renderer: call it with the holder and each dated
    timeline item's date. A date of month or year precision (``"2017-03"``,
    ``"2017"``) matches an office held at any time within it; an office
    period with only a year or month covers all of it; no end means still held.

    Parameters
    ----------
    store
        The store (embedded or remote).
    actor_iri
        The actor (holder) IRI.
    date
        A ``date``, or an ISO string of day, month or year precision.
    lang
        Preferred language of the office label (another language if it has none).

    Returns
    -------
    list[Office]
        Offices held at that date, earliest start first; empty when nothing is
        known (not enriched, or no office at that date).
    """
    from stancegraph.sparql.library import load_query

    if isinstance(date, dt.datetime):
        date = date.date()
    if isinstance(date, dt.date):
        term = ox.Literal(date.isoformat(), datatype=_XSD_DATE)
    else:
        text = str(date).strip()
        if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            term = ox.Literal(text, datatype=_XSD_DATE)
        elif re.fullmatch(r"\d{4}-\d\d", text):
            term = ox.Literal(text, datatype=_XSD_GYEARMONTH)
        elif re.fullmatch(r"\d{4}", text):
            term = ox.Literal(text, datatype=_XSD_GYEAR)
        else:
            raise StancegraphError(f"{date!r} is not a date like 2025-01-31, 2025-01 or 2025")
    qd = load_query("office_at_date")
    rows = store.select(
        qd.text,
        {
            "actor": ox.NamedNode(actor_iri),
            "date": term,
            "lang": ox.Literal(parse_languages(lang)[0]),
        },
    )
    out: dict[str, Office] = {}
    for row in rows:
        key = row["holding"]
        if key in out:
            continue
        out[key] = Office(
            office=row["office"],
            label=row.get("officeLabel"),
            valid_from=row.get("from"),
            valid_until=row.get("until"),
            statement=row.get("statement"),
            holding=key,
        )
    return sorted(out.values(), key=lambda o: str(o.valid_from or ""))
