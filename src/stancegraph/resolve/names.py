"""The one resolver for names users type: query parameters, ``stance A B``, ``--focus``.

Why one: a name typed on the command line, in a notebook or in a page request
must find the actor that ingestion linked the documents to, by the same rules
(exact name, alias, folded name, fuzzy match on curated actors), and fail with
the same typed error. :class:`NameResolver` is built once per store from the
registry file and the actors the store already holds
(:func:`~stancegraph.resolve.registry.load_registry`) and answers every lookup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from stancegraph.errors import ResolutionError
from stancegraph.resolve.registry import Registry, load_registry
from stancegraph.store.base import GraphStore

__all__ = ["Kind", "NameResolver"]

Kind = Literal["actor", "topic", "any"]


def _iri_form(text: str) -> str | None:
    """The IRI of ``<IRI>`` or of a bare ``http(s)://`` IRI; ``None`` for a name."""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if text.startswith(("http://", "https://")):
        return text
    return None


class NameResolver:
    """Names, aliases and IRIs as users type them, resolved to actor or topic IRIs.

    Parameters
    ----------
    registry
        The actors and topics to resolve against.

    Examples
    --------
    >>> from stancegraph.resolve.registry import Actor, Registry
    >>> names = NameResolver(Registry([Actor("Vladimir Putin", aliases=["Putin"])]))
    >>> names.find("Putin")
    'https://w3id.org/stancegraph/id/actor/vladimir-putin'
    >>> names.find("Putain")  # fuzzy, on a curated actor
    'https://w3id.org/stancegraph/id/actor/vladimir-putin'
    >>> names.find("Nobody Known") is None
    True
    """

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    @classmethod
    def for_store(cls, store: GraphStore, registry_path: Path | None = None) -> NameResolver:
        """A resolver over the registry file and every actor ``store`` holds."""
        return cls(load_registry(store, registry_path))

    def find(self, text: str, kind: Kind = "actor") -> str | None:
        """The IRI ``text`` names, or ``None``.

        ``kind="topic"`` accepts only topics; ``"actor"`` accepts what the
        registry resolves the name to (an actor, or a topic of that name);
        ``"any"`` is the same as ``"actor"`` and reads better at call sites
        that take either. Only names are looked up here: query parameters
        written as ``<IRI>`` are bound as IRIs before any name is resolved.
        """
        found = self.registry.lookup(text.strip())
        if found is None:
            return None
        if kind == "topic" and not self.registry.actors[found.iri].topic:
            return None
        return found.iri

    def __call__(self, text: str, kind: str) -> str | None:
        """The callback form that :func:`stancegraph.sparql.params.bind_params` takes."""
        return self.find(text, "topic" if kind == "topic" else "actor")

    def resolve(self, text: str, kind: Kind = "any") -> str:
        """Like :meth:`find`, taking ``<IRI>`` and bare ``http(s)`` IRIs as they are;
        a name that resolves to nothing is an error.

        Raises
        ------
        ResolutionError
            Naming what was asked for (or the malformed IRI).
        """
        iri = _iri_form(text.strip())
        if iri is not None:
            try:
                return ox.NamedNode(iri).value
            except ValueError:
                raise ResolutionError(f"{text!r} is not a valid IRI") from None
        found = self.find(text, kind)
        if found is None:
            what = {"actor": "actor", "topic": "topic", "any": "actor or topic"}[kind]
            raise ResolutionError(f"no {what} named {text!r} in the graph")
        return found
