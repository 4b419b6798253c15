"""Where the graph lives: the embedded Oxigraph store or a SPARQL 1.1 server, one contract.

:class:`~stancegraph.store.base.GraphStore` is the contract; :class:`Store` and
:class:`RemoteStore` implement it; :func:`open_store` is the one way to open either.
"""

from stancegraph.store.base import ONTOLOGY_GRAPH, GraphStore
from stancegraph.store.embedded import Store
from stancegraph.store.open import open_store
from stancegraph.store.remote import RemoteStore

__all__ = ["ONTOLOGY_GRAPH", "GraphStore", "RemoteStore", "Store", "open_store"]
