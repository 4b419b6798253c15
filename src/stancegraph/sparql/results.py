"""Query results as analysts read them: a terminal table, CSV, TSV, SPARQL JSON, Turtle."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from stancegraph.model.namespaces import PREFIXES
from stancegraph.sparql.terms import term_to_python

__all__ = ["QueryResult", "format_result", "shorten"]

_MAX_CELL = 60


@dataclass(slots=True)
class QueryResult:
    """Rows of a SELECT (as RDF terms), or triples of a CONSTRUCT, or an ASK answer."""

    form: str
    variables: list[str]
    rows: list[dict[str, Any]]  # variable -> pyoxigraph term or None
    triples: list[ox.Triple] | None = None
    boolean: bool | None = None
    truncated: bool = False

    def values(self) -> list[dict[str, Any]]:
        """Rows as Python values: dates as dates, numbers as numbers."""
        return [{k: term_to_python(v) for k, v in row.items()} for row in self.rows]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame with typed columns."""
        import pandas as pd

        df = pd.DataFrame(self.values(), columns=self.variables)
        for col in df.columns:
            kinds = {type(v) for v in df[col] if v is not None}
            if kinds and kinds <= {int, float} and kinds != {bool}:
                df[col] = pd.to_numeric(df[col])
            elif kinds and all(k.__name__ == "date" for k in kinds):
                df[col] = pd.to_datetime(df[col])
        return df

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON."""
        if self.form == "ASK":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)})
        bindings = []
        for row in self.rows:
            b: dict[str, Any] = {}
            for k, term in row.items():
                if term is None:
                    continue
                if isinstance(term, ox.NamedNode):
                    b[k] = {"type": "uri", "value": term.value}
                elif isinstance(term, ox.BlankNode):
                    b[k] = {"type": "bnode", "value": term.value}
                else:
                    entry: dict[str, str] = {"type": "literal", "value": term.value}
                    if term.language:
                        entry["xml:lang"] = term.language
                    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                        entry["datatype"] = term.datatype.value
                    b[k] = entry
            bindings.append(b)
        return json.dumps(
            {"head": {"vars": self.variables}, "results": {"bindings": bindings}},
            ensure_ascii=False,
            indent=2,
        )

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV: terms in N-Triples syntax, so tabs and
        line breaks inside values stay escaped and the result parses back."""
        lines = ["\t".join("?" + v for v in self.variables)]
        for row in self.rows:
            lines.append(
                "\t".join("" if row.get(v) is None else str(row[v]) for v in self.variables)
            )
        return "\n".join(lines) + "\n"

    def to_csv(self, *, delimiter: str = ",") -> str:
        """CSV of plain values (dates ISO, IRIs in full), one header row."""
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
        writer.writerow(self.variables)
        for row in self.values():
            writer.writerow(["" if row[v] is None else row[v] for v in self.variables])
        return buf.getvalue()


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
