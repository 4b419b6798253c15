"""Small helpers shared by the foundation tests (no fixtures: those live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
SEED_CARD = SEEDS / "stance-card_trump-on-putin.txt"
SEED_FACTCHECK = SEEDS / "fact-check_putin-trump-friends.txt"
W3C = SHARED / "w3c-rdf-tests"


def snapshot(store: object) -> list[str]:
    """Every quad of a store as sorted N-Quads lines: equal snapshots mean equal facts."""
    ox_store = store.ox  # type: ignore[attr-defined]
    return sorted(str(q) for q in ox_store.quads_for_pattern(None, None, None, None))


def quads_of(store: object, graph: str) -> list[ox.Quad]:
    return list(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))  # type: ignore[attr-defined]
