"""Relationship analysis on the NetworkX projection: stance trajectories and network measures.

The public API is the union of :mod:`.trajectory` (a holder's stance toward a
target over time: declared vs derived, periods, flips, mixed periods) and
:mod:`.network` (centrality, communities, structural balance, ego networks,
shortest chains of relationships), each result traceable to its evidence.
"""

from __future__ import annotations

from stancegraph.analysis.network import (
    balance,
    centrality,
    communities,
    ego,
    paths,
    signed_parts,
    undirected_signed,
)
from stancegraph.analysis.trajectory import (
    FREQUENCIES,
    DeclaredStance,
    Flip,
    Period,
    Point,
    Trajectory,
    build_trajectory,
    trajectory,
)

__all__ = [
    "FREQUENCIES",
    "DeclaredStance",
    "Flip",
    "Period",
    "Point",
    "Trajectory",
    "balance",
    "build_trajectory",
    "centrality",
    "communities",
    "ego",
    "paths",
    "signed_parts",
    "trajectory",
    "undirected_signed",
]
