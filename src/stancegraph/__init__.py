"""stancegraph: a knowledge graph of political relationships."""

from __future__ import annotations

__version__ = "0.1.0"
