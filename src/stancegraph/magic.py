"""``%load_ext stancegraph.magic``: the ``%%sparql`` cell magic, kept at its published name.

The implementation lives in :mod:`stancegraph.notebook.magic`; this module only
keeps the extension name that notebooks and the README use.
"""

from __future__ import annotations

from stancegraph.notebook.magic import (
    cell_query,
    load_ipython_extension,
    python_to_term,
    run_sparql,
    unload_ipython_extension,
)

__all__ = [
    "cell_query",
    "load_ipython_extension",
    "python_to_term",
    "run_sparql",
    "unload_ipython_extension",
]
