"""stancegraph: a knowledge graph of political relationships."""

from __future__ import annotations

__version__ = "0.1.0"

from stancegraph.api import QueryResult, query, run_query
from stancegraph.store import RemoteStore, Store, open_store

__all__ = ["QueryResult", "RemoteStore", "Store", "__version__", "open_store", "query", "run_query"]

from stancegraph.project.graph import event_network, to_networkx

__all__ += ["event_network", "to_networkx"]
