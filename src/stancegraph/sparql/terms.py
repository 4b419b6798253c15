"""RDF terms between Python, SPARQL text and query results: the one conversion table.

Why one module: a term crosses three borders (a Python value a user passes, the
text a remote server is sent, the value a result row hands back), and each
border written twice drifts (a date read as a string here, a datetime there).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyoxigraph as ox

from stancegraph.errors import QueryError

__all__ = ["Term", "term_to_python", "term_to_sparql"]

Term = ox.NamedNode | ox.Literal | ox.BlankNode


def term_to_python(term: Any) -> Any:
    """A result term as the Python value an analyst expects.

    IRIs stay strings; xsd numbers become int/float; xsd:date a ``date``;
    xsd:dateTime a ``datetime``; booleans ``bool``; gYear/gYearMonth and
    everything else their lexical string.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value.rsplit("#", 1)[-1]
        v = term.value
        try:
            if dtype in {
                "integer",
                "int",
                "long",
                "short",
                "positiveInteger",
                "nonNegativeInteger",
                "negativeInteger",
                "nonPositiveInteger",
            }:
                return int(v)
            if dtype in {"decimal", "double", "float"}:
                return float(v)
            if dtype == "boolean":
                return v in {"true", "1"}
            if dtype == "date":
                return dt.date.fromisoformat(v)
            if dtype == "dateTime":
                return dt.datetime.fromisoformat(v)
        except ValueError:
            return v
        return v
    return str(term)


def term_to_sparql(term: Term) -> str:
    """A term in N-Triples syntax (valid SPARQL), proven to parse back to itself.

    pyoxigraph writes the term (escaping quotes, backslashes and line breaks);
    parsing it back as the object of an N-Triples line proves that the text is
    exactly one term, so no value can close a string or a block.
    """
    if isinstance(term, ox.BlankNode):
        raise QueryError("a blank node cannot be a query parameter")
    if not isinstance(term, ox.NamedNode | ox.Literal):
        raise QueryError(f"a query parameter must be an RDF term, not {type(term).__name__}")
    text = str(term)
    try:
        parsed = list(ox.parse(f"<urn:x:s> <urn:x:p> {text} .\n", ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise QueryError(f"cannot serialise parameter value {term!r}: {exc}") from exc
    if len(parsed) != 1 or parsed[0].object != term or "\n" in text or "\r" in text:
        raise QueryError(f"cannot serialise parameter value {term!r} safely")
    return text
