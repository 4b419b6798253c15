"""Where the project's own folders live, resolved once.

``ontology/`` and ``queries/`` ship inside the wheel (as ``stancegraph/_data``),
so an installed ``stancegraph`` finds them without the repository; in a source
checkout (editable install) they are read from the repository root instead.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "DEFAULT_STORE",
    "GRAPH_DIR",
    "ONTOLOGY_DIR",
    "QUERIES_DIR",
    "REPO_ROOT",
    "default_registry",
    "default_store_path",
]

_PKG = Path(__file__).resolve().parent
_DATA = _PKG / "_data"
REPO_ROOT: Path | None = _PKG.parents[1] if (_PKG.parents[1] / "pyproject.toml").exists() else None


def _data_dir(name: str) -> Path:
    packaged = _DATA / name
    if packaged.is_dir():
        return packaged
    if REPO_ROOT is not None and (REPO_ROOT / name).is_dir():
        return REPO_ROOT / name
    return packaged


ONTOLOGY_DIR: Path = _data_dir("ontology")
QUERIES_DIR: Path = _data_dir("queries")
GRAPH_DIR: Path | None = REPO_ROOT / "graph" if REPO_ROOT is not None else None

DEFAULT_STORE = ".stancegraph"


def default_store_path() -> Path:
    """The store folder: ``$STANCEGRAPH_STORE`` or ``.stancegraph/`` in the working directory."""
    return Path(os.environ.get("STANCEGRAPH_STORE") or DEFAULT_STORE)


def default_registry() -> Path | None:
    """The actor registry used to resolve mentions when none is given.

    ``$STANCEGRAPH_REGISTRY``, else ``graph/actors.yaml`` in the working
    directory, else the repository's own registry.
    """
    env = os.environ.get("STANCEGRAPH_REGISTRY")
    if env:
        return Path(env)
    local = Path("graph") / "actors.yaml"
    if local.is_file():
        return local
    if GRAPH_DIR is not None and (GRAPH_DIR / "actors.yaml").is_file():
        return GRAPH_DIR / "actors.yaml"
    return None
