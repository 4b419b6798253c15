"""Entity resolution: mentions in documents to actors of the registry.

A mention resolves, in this order, by exact folded name, by alias, then by
fuzzy match (rapidfuzz) above a threshold, so "Orban" finds "Viktor Orbán" and
the misspelt "Putain" finds Vladimir Putin. What does not resolve is minted as a
new actor from its folded name, so the same unknown name in two documents is one
actor. Every decision is reported (mention, actor, score, method), because an
analyst must be able to see why two names were merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from stancegraph.errors import ParseError
from stancegraph.model.namespaces import ID, RDFS, SG, SKOS, WD
from stancegraph.model.records import ACTOR_TYPES, ActorRef
from stancegraph.model.text import fold, slugify
from stancegraph.parse.yamlcard import _SafeCardLoader
from stancegraph.paths import default_registry
from stancegraph.store.base import GraphStore

__all__ = [
    "FUZZY_THRESHOLD",
    "Actor",
    "Registry",
    "Resolution",
    "actor_iri",
    "load_registry",
    "read_registry",
    "topic_iri",
]

FUZZY_THRESHOLD = 85.0
_MIN_FUZZY_LENGTH = 4
_TOPIC_KINDS = {"issue", "policy", "topic", "theme"}
_GROUP_HINTS = re.compile(
    r"\b(and|allies|critics|lawmakers|members|leaders|officials|governments|groups|"
    r"parties|voters|analysts|democrats|republicans|in general|others)\b",
    re.IGNORECASE,
)


def actor_iri(name: str) -> str:
    """The IRI of an actor minted from its canonical name."""
    return str(ID[f"actor/{slugify(name)}"])


def topic_iri(name: str) -> str:
    """The IRI of a topic (an issue or policy) minted from its name."""
    return str(ID[f"topic/{slugify(name)}"])


@dataclass(slots=True)
class Actor:
    """A registry entry: canonical name, type, aliases and identifiers."""

    name: str
    type: str = "Person"
    aliases: list[str] = field(default_factory=list)
    wikidata: str | None = None
    country: str | None = None
    roles: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    description: str | None = None
    iri: str = ""
    topic: bool = False
    line: int | None = None
    curated: bool = True

    def __post_init__(self) -> None:
        if not self.iri:
            self.iri = topic_iri(self.name) if self.topic else actor_iri(self.name)

    @property
    def wikidata_iri(self) -> str | None:
        return str(WD[self.wikidata]) if self.wikidata else None


@dataclass(slots=True)
class Resolution:
    """How one mention was resolved, for the ingest report."""

    mention: str
    iri: str
    label: str
    score: float
    method: str  # exact | alias | fuzzy | code | new | topic
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "mention": self.mention,
            "actor": self.label,
            "iri": self.iri,
            "score": round(self.score, 3),
            "method": self.method,
            "line": self.line,
        }


class Registry:
    """Known actors and topics, indexed for resolution.

    Built from ``graph/actors.yaml`` and, where a store is at hand, from the
    actors it already holds, so that names minted by earlier documents resolve
    to the same IRIs.
    """

    def __init__(self, actors: Iterable[Actor] = ()) -> None:
        self.actors: dict[str, Actor] = {}
        self._by_name: dict[str, str] = {}
        self._by_alias: dict[str, str] = {}
        self._by_code: dict[str, str] = {}
        self._choices: dict[str, str] = {}  # folded names and aliases of curated actors
        for actor in actors:
            self.add(actor)

    def __len__(self) -> int:
        return len(self.actors)

    def __contains__(self, iri: object) -> bool:
        return iri in self.actors

    def add(self, actor: Actor) -> None:
        """Add or merge an actor; a later entry adds aliases, never renames."""
        existing = self.actors.get(actor.iri)
        if existing is not None:
            for alias in actor.aliases:
                if alias not in existing.aliases:
                    existing.aliases.append(alias)
            actor = existing
        else:
            self.actors[actor.iri] = actor
        self._by_name.setdefault(fold(actor.name), actor.iri)
        for alias in actor.aliases:
            self._by_alias.setdefault(fold(alias), actor.iri)
        if actor.curated:
            # Fuzzy matching only ever lands on curated actors: two unknown names that
            # are merely similar ("Jana Holm", "Jana Holt") must stay two actors.
            self._choices.setdefault(fold(actor.name), actor.iri)
            for alias in actor.aliases:
                self._choices.setdefault(fold(alias), actor.iri)
        for code in actor.codes:
            self._by_code.setdefault(code.upper(), actor.iri)

    def by_code(self, code: str) -> Actor | None:
        """An actor by its event-data code (GDELT/ICEWS actor name or code)."""
        iri = self._by_code.get(code.upper())
        return self.actors[iri] if iri else None

    def lookup(
        self, text: str, *, fuzzy: bool = True, line: int | None = None
    ) -> Resolution | None:
        """Find a known actor for ``text``; ``None`` if nothing is close enough."""
        key = fold(text)
        if not key:
            return None
        if key in self._by_name:
            return self._resolution(text, self._by_name[key], 1.0, "exact", line)
        if key in self._by_alias:
            return self._resolution(text, self._by_alias[key], 1.0, "alias", line)
        if key.startswith("the ") and key[4:] in self._choices:
            return self._resolution(text, self._choices[key[4:]], 1.0, "alias", line)
        if not fuzzy or len(key) < _MIN_FUZZY_LENGTH or not self._choices:
            return None
        best = process.extractOne(key, list(self._choices), scorer=fuzz.ratio)
        if best is None:
            return None
        choice, score, _ = best
        if score < FUZZY_THRESHOLD:
            return None
        return self._resolution(text, self._choices[choice], score / 100.0, "fuzzy", line)

    def resolve(self, ref: ActorRef, *, create: bool = True) -> Resolution | None:
        """Resolve a mention, minting a new actor (or topic) if it is unknown and ``create``.

        A topic hint (``issue``, ``policy``) resolves among topics first and
        mints a topic, never an actor.
        """
        is_topic = (ref.kind or "").lower() in _TOPIC_KINDS
        found = self.lookup(ref.text, line=ref.line)
        if found is not None and (not is_topic or self.actors[found.iri].topic):
            self._fill(ref, found)
            return found
        if not create:
            return None
        name = " ".join(ref.text.split())
        if is_topic:
            actor = Actor(name=name, type="Topic", topic=True, line=ref.line, curated=False)
            method = "topic"
        else:
            actor = Actor(name=name, type=guess_type(name, ref.kind), line=ref.line, curated=False)
            method = "new"
        self.add(actor)
        res = self._resolution(ref.text, actor.iri, 1.0, method, ref.line)
        self._fill(ref, res)
        return res

    def _resolution(
        self, text: str, iri: str, score: float, method: str, line: int | None
    ) -> Resolution:
        return Resolution(text, iri, self.actors[iri].name, score, method, line)

    @staticmethod
    def _fill(ref: ActorRef, res: Resolution) -> None:
        ref.iri, ref.label, ref.score, ref.method = res.iri, res.label, res.score, res.method


def guess_type(name: str, hint: str | None) -> str:
    """The actor type of an unknown name: the document's hint, else a cautious guess.

    Collective phrasings ("European allies", "critics in general") are Groups;
    two or three capitalised words are taken as a person's name; anything else
    is a Group, which is the least committal type.
    """
    hint_map = {
        "person": "Person",
        "politician": "Person",
        "organization": "Organization",
        "organisation": "Organization",
        "party": "Organization",
        "state": "State",
        "country": "State",
        "group": "Group",
    }
    if hint and hint.lower() in hint_map:
        return hint_map[hint.lower()]
    if _GROUP_HINTS.search(name):
        return "Group"
    words = name.split()
    if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words if w.isalpha()):
        return "Person"
    return "Group"


def _names(entry: Mapping[str, Any], key: str, *, path: Path, line: int | None) -> list[str]:
    """A list field of an entry (one string is a list of one); anything else is an error."""
    value = entry.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v) for v in value]
    raise ParseError(
        f"{key!r} must be a list of names, not {repr(value)[:80]}", path=path, line=line, field=key
    )


def _load_entries(data: Any, path: Path, marks: Mapping[int, int]) -> list[Actor]:
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise ParseError("expected a mapping with a list under 'actors'", path=path, line=1)
    actors: list[Actor] = []
    for i, entry in enumerate(data["actors"]):
        line = marks.get(i)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ParseError("each actor needs a 'name'", path=path, line=line, field="name")
        typ = str(entry.get("type", "Person"))
        topic = typ == "Topic"
        if not topic and typ not in ACTOR_TYPES:
            raise ParseError(
                f"unknown actor type {typ!r}; use one of {[*ACTOR_TYPES, 'Topic']}",
                path=path,
                line=line,
                field="type",
            )
        wikidata = entry.get("wikidata")
        if wikidata is not None and not re.fullmatch(r"Q[1-9][0-9]*", str(wikidata)):
            raise ParseError(
                f"Wikidata id {wikidata!r} is not of the form Q123",
                path=path,
                line=line,
                field="wikidata",
            )
        actors.append(
            Actor(
                name=entry["name"],
                type=typ,
                aliases=_names(entry, "aliases", path=path, line=line),
                wikidata=str(wikidata) if wikidata else None,
                country=entry.get("country"),
                roles=_names(entry, "roles", path=path, line=line),
                codes=_names(entry, "codes", path=path, line=line),
                description=entry.get("description"),
                topic=topic,
                line=line,
            )
        )
    return actors


def read_registry(path: str | Path) -> Registry:
    """Read an actor registry (YAML): canonical name, type, aliases, Wikidata id, codes."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(f"cannot read registry: {exc}", path=path) from exc
    # The cards' loader: no anchors or aliases (an alias bomb expands without bound
    # when the entries are walked) and bounded nesting (no RecursionError).
    try:
        node = yaml.compose(text, Loader=_SafeCardLoader)
        data = yaml.load(text, Loader=_SafeCardLoader)
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ParseError(f"not valid YAML: {exc}", path=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParseError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            path=path,
            line=mark.line + 1 if mark else None,
        ) from exc
    marks: dict[int, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "actors" and isinstance(value, yaml.SequenceNode):
                marks = {i: item.start_mark.line + 1 for i, item in enumerate(value.value)}
    return Registry(_load_entries(data, path, marks))


def load_registry(store: GraphStore | None, path: Path | None = None) -> Registry:
    """The registry for resolution: the registry file plus actors the store already has.

    ``path`` defaults to :func:`stancegraph.paths.default_registry`. Actors found
    only in the store keep the IRIs the store gave them, so a name minted by an
    earlier document resolves to the same actor.
    """
    reg_path = path if path is not None else default_registry()
    registry = read_registry(reg_path) if reg_path is not None else Registry()
    if store is not None:
        # Actors that a registry source describes are curated (fuzzy matching may land
        # on them); actors minted by other documents match only by exact name or alias.
        q = f"""SELECT ?a ?label ?type ?alt ?curated WHERE {{
                  ?a <{RDFS.label}> ?label ; a ?type .
                  FILTER(?type IN (<{SG.Person}>, <{SG.Organization}>, <{SG.State}>,
                                   <{SG.Group}>, <{SG.Topic}>))
                  OPTIONAL {{ ?a <{SKOS.altLabel}> ?alt }}
                  BIND(EXISTS {{ GRAPH ?rg {{ ?a <{RDFS.label}> ?l2 .
                                            ?rg <{SG.sourceKind}> "registry" }} }} AS ?curated)
                }}"""
        known: dict[str, Actor] = {}
        for row in store.query(q):
            iri = row["a"].value
            if iri in registry:
                continue
            typ = row["type"].value.rsplit("#", 1)[-1]
            actor = known.get(iri)
            if actor is None:
                actor = Actor(
                    name=row["label"].value,
                    type=typ,
                    iri=iri,
                    topic=typ == "Topic",
                    curated=row["curated"].value == "true",
                )
                known[iri] = actor
            if row["alt"] is not None and row["alt"].value not in actor.aliases:
                actor.aliases.append(row["alt"].value)
        for actor in known.values():
            registry.add(actor)
    return registry
