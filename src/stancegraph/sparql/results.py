"""Query results as analysts read them: a terminal table, CSV, TSV, SPARQL JSON, Turtle."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyoxigraph as ox

from stancegraph.api import QueryResult
from stancegraph.model.namespaces import PREFIXES

__all__ = ["format_result", "shorten"]

_MAX_CELL = 60


def shorten(value: Any) -> str:
    """A compact cell: IRIs as prefixed names where a prefix fits, long text cut."""
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = str(value)
    for prefix, iri in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(iri) and " " not in text:
            text = f"{prefix}:{text[len(iri) :]}"
            break
    text = " ".join(text.split())
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def _table(result: QueryResult) -> str:
    if result.form == "ASK":
        return ("yes" if result.boolean else "no") + "\n"
    rows = [[shorten(r.get(v)) for v in result.variables] for r in result.values()]
    widths = [len(v) for v in result.variables]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_result(result: QueryResult, fmt: str) -> str:
    """Render a result in ``table``, ``csv``, ``tsv``, ``json`` or ``ttl`` (CONSTRUCT).

    ``json`` and ``tsv`` follow the SPARQL 1.1 result formats (typed terms,
    parseable by any SPARQL client); ``csv`` and ``table`` show plain values.
    """
    if fmt == "json":
        return result.to_json() + "\n"
    if fmt == "csv":
        return result.to_csv()
    if fmt == "tsv":
        return result.to_tsv()
    if fmt == "ttl":
        if result.triples is None:
            return _table(result)
        data = ox.serialize(result.triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        return (data or b"").decode()
    return _table(result)
