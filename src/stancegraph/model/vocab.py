"""Controlled values as IRIs, and the ontology files that define them.

Ingest turns words from documents ("Mixed", "strong", "Diplomacy/Negotiation",
CAMEO "042") into concept IRIs under ``https://w3id.org/stancegraph/vocab/``.
Keeping that mapping here, next to ``ontology/vocab/*.ttl``, means the IRIs that
data uses and the concepts the vocabularies define cannot drift apart (a test
checks both directions). IRIs are returned as plain ``str`` because the bulk
path builds pyoxigraph terms, not rdflib ones.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from rdflib import Graph

from stancegraph.model.records import POLARITIES, STANCE_KINDS, STRENGTHS, Precision
from stancegraph.paths import ONTOLOGY_DIR

__all__ = [
    "ACTION_CATEGORIES",
    "CAMEO_ROOT_PLOVER",
    "CAMEO_ROOT_QUADCLASS",
    "CONTACT_WORDS",
    "ONTOLOGY_FILE",
    "PLOVER_CODES",
    "SHAPES_FILE",
    "VOCAB",
    "action_category_iri",
    "cameo_iri",
    "cameo_root",
    "load_ontology_graph",
    "ontology_files",
    "plover_iri",
    "polarity_iri",
    "precision_iri",
    "quadclass_iri",
    "shapes_graph",
    "slug",
    "stance_kind_iri",
    "strength_iri",
]

VOCAB = "https://w3id.org/stancegraph/vocab/"
ONTOLOGY_FILE = "stancegraph.ttl"
SHAPES_FILE = "shapes.ttl"

PLOVER_CODES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

# slug -> (label as published on cards, PLOVER category or None, is a contact)
# Mirrors ontology/vocab/action.ttl; the test suite keeps the two in step.
ACTION_CATEGORIES: dict[str, tuple[str, str | None, bool]] = {
    "foreign-policy-sanctions": ("Foreign Policy Sanctions", "SANCTION", False),
    "treaty-withdrawal": ("Treaty Withdrawal", "SANCTION", False),
    "bilateral-summit": ("Bilateral Summit", "CONSULT", True),
    "diplomacy-negotiation": ("Diplomacy/Negotiation", "CONSULT", True),
    "phone-call": ("Phone Call", "CONSULT", True),
    "multilateral-summit": ("Multilateral Summit", "CONSULT", True),
    "military-aid": ("Military Aid", "AID", False),
    "economic-sanctions": ("Economic Sanctions", "SANCTION", False),
    "executive-order": ("Executive Order", None, False),
    "legislation": ("Legislation", None, False),
    "public-statement": ("Public Statement", None, False),
    "trade-policy": ("Trade Policy", None, False),
    "tariffs": ("Tariffs", "SANCTION", False),
    "recognition": ("Recognition", "SUPPORT", False),
    "endorsement": ("Endorsement", "SUPPORT", False),
}

# Words (slug tokens, singular) that make an action a meeting of actors: an sg:Contact.
CONTACT_WORDS: frozenset[str] = frozenset(
    {"summit", "meeting", "call", "talks", "talk", "negotiation", "visit"}
)

# Guesses for categories a card invents; checked in order, first match wins.
# Only unambiguous words: a wrong PLOVER category is worse than none.
_PLOVER_WORDS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"sanction", "embargo", "tariff", "expulsion"}), "SANCTION"),
    (frozenset({"aid", "assistance"}), "AID"),
    (frozenset({"threat", "ultimatum"}), "THREATEN"),
    (frozenset({"agreement", "accord", "deal", "ceasefire"}), "AGREE"),
    (frozenset({"endorsement", "praise", "recognition"}), "SUPPORT"),
    (frozenset({"criticism", "accusation", "condemnation", "denunciation"}), "ACCUSE"),
    (frozenset({"protest", "demonstration", "boycott"}), "PROTEST"),
    (frozenset({"mobilization", "mobilisation", "deployment"}), "MOBILIZE"),
    (frozenset({"attack", "airstrike", "invasion", "bombing"}), "ASSAULT"),
)

# CAMEO root -> GDELT QuadClass (01-05 verbal coop., 06-08 material coop.,
# 09-13 verbal conflict, 14-20 material conflict), as in ontology/vocab/cameo.ttl.
CAMEO_ROOT_QUADCLASS: dict[str, int] = {
    f"{n:02d}": (1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4) for n in range(1, 21)
}

# CAMEO root -> the PLOVER category it maps to closely (closeMatch / broadMatch only).
CAMEO_ROOT_PLOVER: dict[str, str] = {
    "02": "REQUEST",
    "04": "CONSULT",
    "05": "SUPPORT",
    "06": "COOPERATE",
    "07": "AID",
    "08": "CONCEDE",
    "10": "REQUEST",
    "11": "ACCUSE",
    "12": "REJECT",
    "13": "THREATEN",
    "14": "PROTEST",
    "15": "MOBILIZE",
    "16": "SANCTION",
    "17": "COERCE",
    "18": "ASSAULT",
    "19": "ASSAULT",
    "20": "ASSAULT",
}

_CAMEO_CODE = re.compile(r"[0-9]{2,4}")


def _pick(name: str, allowed: tuple[str, ...], what: str) -> str:
    """Normalise a controlled word, so " Mixed " from a card header still maps."""
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in allowed:
        raise ValueError(f"unknown {what} {name!r}; expected one of {', '.join(allowed)}")
    return key


def polarity_iri(name: str) -> str:
    """The polarity concept for ``positive``, ``negative``, ``mixed`` or ``neutral``."""
    return f"{VOCAB}polarity/{_pick(name, POLARITIES, 'polarity')}"


def strength_iri(name: str) -> str:
    """The strength concept for ``weak``, ``moderate`` or ``strong``."""
    return f"{VOCAB}strength/{_pick(name, STRENGTHS, 'strength')}"


def stance_kind_iri(name: str) -> str:
    """The stance-kind concept for ``relationship`` or ``policy``."""
    return f"{VOCAB}stance-kind/{_pick(name, STANCE_KINDS, 'stance kind')}"


def precision_iri(p: Precision | str) -> str:
    """The precision concept; accepts a :class:`Precision` or its value (``"month"``)."""
    value = p.value if isinstance(p, Precision) else p
    return f"{VOCAB}precision/{_pick(value, tuple(x.value for x in Precision), 'precision')}"


def slug(label: str) -> str:
    """Lowercase ASCII with every run of other characters collapsed to ``-``.

    Accents are folded first ("Négociation" -> "negociation") so that a
    category keeps one IRI however a card spells it.
    """
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def _singular(token: str) -> str:
    """Crude singular, enough for matching category words ("summits" -> "summit")."""
    return token[:-1] if len(token) > 3 and token.endswith("s") and token != "talks" else token


def action_category_iri(label: str) -> tuple[str, str | None, bool]:
    """Map an "Actions Taken" category to ``(iri, plover_code | None, is_contact)``.

    Any label gets an IRI (unknown categories are minted at ingest with the
    label as ``skos:prefLabel``); known ones use the mapping of
    ``ontology/vocab/action.ttl``, others a cautious keyword guess.
    """
    key = slug(label)
    if not key:
        raise ValueError(f"action category {label!r} has no letters or digits to make an IRI from")
    iri = f"{VOCAB}action/{key}"
    tokens = {_singular(t) for t in key.split("-")}
    is_contact = bool(tokens & CONTACT_WORDS) or any(t.startswith("negotiat") for t in tokens)
    if key in ACTION_CATEGORIES:
        _, plover, known_contact = ACTION_CATEGORIES[key]
        return iri, plover, known_contact or is_contact
    if is_contact:
        return iri, "CONSULT", True
    for words, code in _PLOVER_WORDS:
        if tokens & words:
            return iri, code, False
    return iri, None, False


def cameo_iri(code: str) -> str:
    """The concept for a CAMEO code given as a string of 2-4 digits ("04", "042", "1123").

    Integers are refused: ``42`` and ``"042"`` are different codes and only
    the string keeps the leading zero.
    """
    if not isinstance(code, str):
        raise TypeError(f"CAMEO code must be a string (leading zeros matter), got {code!r}")
    code = code.strip()
    if not _CAMEO_CODE.fullmatch(code):
        raise ValueError(f"not a CAMEO event code: {code!r}")
    return f"{VOCAB}cameo/{code}"


def cameo_root(code: str) -> str:
    """The two-digit root of a CAMEO code ("042" -> "04"), checked like :func:`cameo_iri`."""
    cameo_iri(code)
    return code.strip()[:2]


def plover_iri(code: str) -> str:
    """The concept for one of PLOVER's 16 categories (case-insensitive)."""
    key = code.strip().upper()
    if key not in PLOVER_CODES:
        raise ValueError(f"unknown PLOVER category {code!r}")
    return f"{VOCAB}plover/{key}"


def quadclass_iri(n: int) -> str:
    """The concept for GDELT QuadClass 1-4."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 4:
        raise ValueError(f"QuadClass must be an integer 1-4, got {n!r}")
    return f"{VOCAB}quadclass/{n}"


def ontology_files(ontology_dir: Path | None = None) -> list[Path]:
    """The ontology and its SKOS vocabularies (not the shapes), in a stable order."""
    base = ontology_dir or ONTOLOGY_DIR
    return [base / ONTOLOGY_FILE, *sorted((base / "vocab").glob("*.ttl"))]


def load_ontology_graph(ontology_dir: Path | None = None) -> Graph:
    """A fresh graph with the ontology and the vocabularies and nothing else.

    This is the ``ont_graph`` SHACL validation needs: ``sh:class`` checks
    follow ``rdfs:subClassOf`` (a ``sg:Criticism`` is a ``sg:Statement``) only
    when the class hierarchy is in the graph being validated.
    """
    graph = Graph()
    for path in ontology_files(ontology_dir):
        graph.parse(path, format="turtle")
    return graph


def shapes_graph(ontology_dir: Path | None = None) -> Graph:
    """A fresh graph with the SHACL shapes of ``ontology/shapes.ttl``."""
    return Graph().parse((ontology_dir or ONTOLOGY_DIR) / SHAPES_FILE, format="turtle")
