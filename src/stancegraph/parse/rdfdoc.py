"""RDF documents (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) as a source.

Parsed with Oxigraph's strict parsers, which reject every malformed document of
the W3C suites (rdflib's lenient parsers accept many). The whole document is
parsed before anything is written, so a syntax error leaves the store as it was.
Named graphs inside a dataset are folded into the source's own graph, because a
source is the unit of provenance, replacement and retraction.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from stancegraph.errors import ParseError
from stancegraph.parse.guards import check_rdf_resources

__all__ = ["RDF_EXTENSIONS", "parse_rdf", "rdf_format_for"]

RDF_EXTENSIONS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nquads": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json-ld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


def rdf_format_for(path: str | Path) -> ox.RdfFormat | None:
    """The RDF syntax of a file, by its extension."""
    return RDF_EXTENSIONS.get(Path(path).suffix.lower())


def parse_rdf(
    data: bytes,
    *,
    graph: str,
    fmt: ox.RdfFormat,
    path: str | Path | None = None,
    base_iri: str | None = None,
) -> list[ox.Quad]:
    """Parse a whole RDF document into quads of ``graph``.

    Relative IRIs resolve against ``base_iri``, by default the source graph's IRI. Parsing never
    fetches anything: JSON-LD remote contexts are not loaded (Oxigraph has no
    document loader unless one is given) and ``owl:imports`` is plain data.
    """
    g = ox.NamedNode(graph)
    check_rdf_resources(data, fmt, path=path)  # entity bombs, deep nesting: see guards.py
    try:
        return [
            ox.Quad(q.subject, q.predicate, q.object, g)
            for q in ox.parse(data, format=fmt, base_iri=base_iri or graph)
        ]
    except SyntaxError as exc:
        line = None
        if isinstance(exc.args[-1], tuple) and len(exc.args[-1]) >= 2:
            line = exc.args[-1][1]
        message = str(exc.args[0]) if exc.args else str(exc)
        raise ParseError(f"invalid {fmt.name}: {message}", path=path, line=line) from exc
    except (ValueError, OSError) as exc:
        raise ParseError(f"cannot parse as {fmt.name}: {exc}", path=path) from exc
