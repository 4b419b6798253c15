"""The one way to open a store: a folder, memory, or a SPARQL 1.1 server.

Every command, notebook helper and API function opens its store here, so that
``--store``/``$STANCEGRAPH_STORE`` and ``--endpoint``/``$STANCEGRAPH_ENDPOINT``
mean the same thing everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from stancegraph.paths import default_store_path
from stancegraph.store.base import GraphStore
from stancegraph.store.embedded import Store
from stancegraph.store.remote import RemoteStore

__all__ = ["open_store"]


def open_store(
    path: str | Path | None = None,
    *,
    endpoint: str | None = None,
    read_only: bool = False,
    wait: float = 0.0,
) -> GraphStore:
    """Open the store at ``path``, or the server at ``endpoint``.

    Parameters
    ----------
    path
        Store folder; default ``$STANCEGRAPH_STORE`` or ``.stancegraph/``.
    endpoint
        A SPARQL 1.1 query endpoint; when given, ``path`` and ``wait`` are unused.
        With neither ``path`` nor ``endpoint``, ``$STANCEGRAPH_ENDPOINT`` is used
        if set, else the default store folder.
    read_only
        Refuse writes (and, for the embedded store, share it with other readers).
    wait
        Seconds to wait for another writer to release the embedded store.

    Examples
    --------
    >>> store = open_store(":memory:")
    >>> store.location, store.count()
    (':memory:', 0)
    """
    if path is None and not endpoint:
        endpoint = os.environ.get("STANCEGRAPH_ENDPOINT") or None
    if endpoint:
        return RemoteStore(endpoint, read_only=read_only)
    if path is not None and str(path) == ":memory:":
        return Store(None, read_only=read_only)
    return Store(path if path is not None else default_store_path(), read_only=read_only, wait=wait)
