"""Resource guards for untrusted RDF, checked before Oxigraph's parsers see the bytes.

Why: Oxigraph's parsers are strict and fetch nothing, but three inputs measured
on pyoxigraph 0.5 cost far more than their size (see
``docs/decisions/20261123-untrusted-input.md``):

- RDF/XML with nested internal entities ("billion laughs"): a 1 KB file that
  declares ten levels of ten references expands to 3 GB of text and took 90 s;
- RDF/XML nested 30,000 elements deep took 50 s (time grows faster than the
  square of the depth), 100,000 deep did not finish;
- JSON-LD objects nested 5,000 deep crash the process (stack overflow,
  SIGSEGV), and 3,000 deep take 2 s.

So: RDF/XML may declare internal entities only if their total expansion stays
small, never external or parameter entities, and may nest at most
:data:`MAX_XML_DEPTH` elements; JSON-LD may nest at most
:data:`MAX_JSON_DEPTH` arrays and objects. Real documents are far inside these
bounds (OWL files use flat entities for namespaces; JSON-LD rarely nests past
ten). Everything refused is a :class:`~stancegraph.errors.ParseError` naming
the line where known.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox

from stancegraph.errors import ParseError

__all__ = [
    "MAX_ENTITY_EXPANSION",
    "MAX_JSON_DEPTH",
    "MAX_XML_DEPTH",
    "check_json_depth",
    "check_rdf_resources",
    "check_xml_depth",
    "check_xml_entities",
]

MAX_ENTITY_EXPANSION = 1_000_000
"""Characters that entity references may add to an RDF/XML document, in total."""
MAX_XML_DEPTH = 256
"""Element nesting allowed in RDF/XML."""
MAX_JSON_DEPTH = 64
"""Array and object nesting allowed in JSON-LD."""

_ENTITY_DECL = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s%\"'>]+)\s+(\"[^\"]*\"|'[^']*'|[A-Z]+)")
_REF = re.compile(rb"&([A-Za-z_:][\w.:\-]*);")
_PREDEFINED = {b"amp", b"lt", b"gt", b"quot", b"apos"}


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_xml_entities(data: bytes, *, path: str | Path | None = None) -> None:
    """Refuse external, parameter and exploding entities in an XML document.

    The expansion is computed from the declarations, never performed: each
    entity's expanded length is its text plus the expanded lengths of the
    entities it references, and the references in the document add up.
    """
    if b"<!ENTITY" not in data:
        return
    sizes: dict[bytes, bytes] = {}
    for m in _ENTITY_DECL.finditer(data):
        line = _line_of(data, m.start())
        if m.group(1):
            raise ParseError(
                "parameter entities (<!ENTITY % ...>) are not allowed", path=path, line=line
            )
        value = m.group(3)
        if value[:1] not in {b'"', b"'"}:
            raise ParseError(
                f"external entity {m.group(2).decode('utf-8', 'replace')!r} is not allowed "
                "(nothing is fetched or read while parsing)",
                path=path,
                line=line,
            )
        sizes.setdefault(m.group(2), value[1:-1])
    memo: dict[bytes, int] = {}

    def expanded(name: bytes, stack: tuple[bytes, ...]) -> int:
        if name in memo:
            return memo[name]
        if name in stack:
            raise ParseError(
                f"entity {name.decode('utf-8', 'replace')!r} refers to itself", path=path
            )
        value = sizes.get(name)
        if value is None:
            return 0  # predefined or undeclared: the XML parser decides
        total = len(_REF.sub(b"", value))
        for ref in _REF.findall(value):
            total += expanded(ref, (*stack, name))
            if total > MAX_ENTITY_EXPANSION:
                break
        memo[name] = total
        return total

    total = 0
    for m in _REF.finditer(data):
        name = m.group(1)
        if name in _PREDEFINED:
            continue
        total += expanded(name, ())
        if total > MAX_ENTITY_EXPANSION:
            raise ParseError(
                f"entity references expand to more than {MAX_ENTITY_EXPANSION} characters "
                "(an entity expansion bomb?)",
                path=path,
                line=_line_of(data, m.start()),
            )


def check_xml_depth(data: bytes, *, path: str | Path | None = None) -> None:
    """Refuse XML that is not well formed or nests deeper than :data:`MAX_XML_DEPTH`.

    Expat reads the document once, without expanding entities in text (a
    default handler is set) and without reading external entities.
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def start(_name: str, _attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise ParseError(
                f"elements nested deeper than {MAX_XML_DEPTH} levels",
                path=path,
                line=parser.CurrentLineNumber,
            )

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.DefaultHandler = lambda _data: None
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ParseError(
            f"invalid RDF_XML: not well-formed XML: {expat.errors.messages[exc.code]}",
            path=path,
            line=exc.lineno,
        ) from None
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"invalid RDF_XML: {exc}", path=path) from None


_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]++")
_DELTA = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def check_json_depth(data: bytes, *, path: str | Path | None = None) -> None:
    """Refuse JSON nested deeper than :data:`MAX_JSON_DEPTH`.

    A lexical scan (strings removed, brackets counted), so it also bounds
    documents that are not valid JSON; their syntax errors are the parser's.
    """
    if data.count(b"{") + data.count(b"[") <= MAX_JSON_DEPTH:
        return
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", data))
    if max(itertools.accumulate(map(_DELTA.__getitem__, brackets)), default=0) > MAX_JSON_DEPTH:
        raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", path=path)


def check_rdf_resources(data: bytes, fmt: ox.RdfFormat, *, path: str | Path | None = None) -> None:
    """Run the guards that apply to ``fmt`` before parsing; raise :class:`ParseError`."""
    if fmt == ox.RdfFormat.RDF_XML:
        check_xml_entities(data, path=path)
        check_xml_depth(data, path=path)
    elif fmt == ox.RdfFormat.JSON_LD:
        check_json_depth(data, path=path)
