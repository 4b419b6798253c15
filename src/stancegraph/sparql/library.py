"""The SPARQL library: one ``.rq`` file per question, parameters bound as RDF terms.

Each query file starts with comment lines::

    # title: Stance between two actors
    # description: The declared stances a holder takes toward a target.
    # param: holder actor — who holds the stance
    # param: since date = 2000-01-01 — only evidence from this date on

A parameter is a variable of the query (projected in its SELECT, because
Oxigraph binds values by substituting projected variables in the parsed query).
Values are typed and turned into RDF terms here, then handed to the engine:
nothing a user types is ever pasted into query text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from stancegraph.errors import QueryError, ResolutionError
from stancegraph.model.namespaces import XSD
from stancegraph.paths import QUERIES_DIR

__all__ = [
    "PARAM_TYPES",
    "Param",
    "QueryDef",
    "bind_params",
    "library",
    "load_query",
    "parse_query_file",
    "uses_service",
]

PARAM_TYPES = ("actor", "topic", "date", "number", "integer", "text", "iri")
_HEADER = re.compile(r"^#\s*(title|description|param|kind|returns):\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)"
    r"(?:\s*=\s*(?P<default>\S+))?\s*(?:[—–-]+\s*(?P<doc>.*))?$"
)
_IRI_FORM = re.compile(r"^<([^<>\"{}|^`\\\s]+)>$")
# What can never hide the SERVICE keyword: strings, comments, variables and IRIs. A bare
# ``<`` may be the less-than operator, so ``FILTER(?o<1)SERVICE?u#>`` looks like an IRI
# followed by nothing; an "IRI" holding ``SERVICE?`` or ``SERVICE$`` is therefore kept.
_NOT_KEYWORDS = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'"""
    r"""|"(?:[^"\\\n\r]|\\.)*"|\#[^\n\r]*|[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+"""
    r"""|<[^<>"{}|^`\\\x00-\x20]*>""",
    re.DOTALL,
)
_SUSPECT_IRI = re.compile(r"SERVICE[?$]", re.IGNORECASE)


def _blank(m: re.Match[str]) -> str:
    text = m.group(0)
    return text if text.startswith("<") and _SUSPECT_IRI.search(text) else " "


@dataclass(slots=True, frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None
    doc: str = ""

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(slots=True)
class QueryDef:
    """A library query: its text, what it answers and what it takes."""

    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)

    @property
    def form(self) -> str:
        body = re.sub(r"#[^\n]*", "", self.text)
        body = re.sub(r"PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>", "", body, flags=re.IGNORECASE)
        m = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body, re.IGNORECASE)
        return m.group(1).upper() if m else "SELECT"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "form": self.form,
            "params": [
                {"name": p.name, "type": p.type, "default": p.default, "doc": p.doc}
                for p in self.params
            ],
        }


def parse_query_file(path: Path) -> QueryDef:
    """Read a ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    qd = QueryDef(name=path.stem, path=path, text=text)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line.strip())
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "title":
            qd.title = value
        elif key == "description":
            qd.description = (qd.description + " " + value).strip()
        elif key == "param":
            pm = _PARAM.match(value)
            if not pm or pm.group("type") not in PARAM_TYPES:
                raise QueryError(
                    f"{path.name}:{lineno}: bad param header {value!r}; expected "
                    f"'name type [= default] — meaning' with type one of {list(PARAM_TYPES)}"
                )
            qd.params.append(
                Param(
                    pm.group("name"), pm.group("type"), pm.group("default"), pm.group("doc") or ""
                )
            )
    return qd


def library(directory: Path | None = None) -> dict[str, QueryDef]:
    """Every query of the library, by name."""
    directory = directory or QUERIES_DIR
    return {p.stem: parse_query_file(p) for p in sorted(directory.glob("*.rq"))}


def load_query(name_or_path: str | Path) -> QueryDef:
    """A library query by name, or any ``.rq`` file by path."""
    p = Path(name_or_path)
    if p.suffix == ".rq" and p.is_file():
        return parse_query_file(p)
    lib = library()
    key = str(name_or_path).replace("-", "_")
    for name, qd in lib.items():
        if name == str(name_or_path) or name.replace("-", "_") == key:
            return qd
    raise QueryError(
        f"no query {str(name_or_path)!r}; 'stancegraph query --list' shows the library"
    )


def _literal(value: str, datatype: object) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(str(datatype)))


def coerce(param: Param, raw: Any, resolver: Any | None = None) -> ox.NamedNode | ox.Literal:
    """Turn a user value into the RDF term of the parameter's type, or fail clearly."""
    if isinstance(raw, ox.NamedNode | ox.Literal):
        return raw
    if param.type == "date":
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        if isinstance(raw, dt.date):
            return _literal(raw.isoformat(), XSD.date)
        try:
            return _literal(dt.date.fromisoformat(str(raw).strip()).isoformat(), XSD.date)
        except ValueError:
            raise QueryError(
                f"parameter {param.name!r} must be a date like 2025-01-31, not {raw!r}"
            ) from None
    if param.type in {"number", "integer"}:
        try:
            number = Decimal(str(raw).strip())
            if not number.is_finite() or abs(number.adjusted()) > 300:
                raise InvalidOperation
        except InvalidOperation:
            raise QueryError(f"parameter {param.name!r} must be a number, not {raw!r}") from None
        if param.type == "integer" or number == number.to_integral_value():
            if param.type == "integer" and number != number.to_integral_value():
                raise QueryError(f"parameter {param.name!r} must be a whole number, not {raw!r}")
            return _literal(str(int(number)), XSD.integer)
        return _literal(str(number), XSD.decimal)
    if param.type == "text":
        return ox.Literal(str(raw))
    text = str(raw).strip()
    m = _IRI_FORM.match(text)
    if m or param.type == "iri":
        iri = m.group(1) if m else text
        try:
            return ox.NamedNode(iri)
        except ValueError:
            raise QueryError(f"parameter {param.name!r}: {iri!r} is not a valid IRI") from None
    if resolver is None:
        raise QueryError(f"parameter {param.name!r}: cannot resolve {text!r} without a store")
    found = resolver(text, param.type)
    if found is None:
        raise ResolutionError(
            f"parameter {param.name!r}: no {param.type} named {text!r} in the graph"
        )
    return ox.NamedNode(found)


def bind_params(
    qd: QueryDef, values: Mapping[str, Any], resolver: Any | None = None
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Typed RDF terms for every declared parameter; unknown or missing ones are errors."""
    declared = {p.name: p for p in qd.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise QueryError(
            f"query {qd.name!r} has no parameter {unknown[0]!r}; it takes "
            f"{[p.name for p in qd.params] or 'no parameters'}"
        )
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in qd.params:
        if p.name in values and values[p.name] is not None:
            out[p.name] = coerce(p, values[p.name], resolver)
        elif p.default is not None:
            if p.default.lower() in {"none", "unbound", "*"}:
                continue
            out[p.name] = coerce(p, p.default, resolver)
        else:
            raise QueryError(
                f"query {qd.name!r} needs parameter {p.name!r} ({p.type}): pass -p {p.name}=VALUE"
            )
    return out


def uses_service(sparql: str) -> bool:
    """Whether a query may contain a ``SERVICE`` clause (a request to another server).

    Why: Oxigraph executes ``SERVICE`` by sending the pattern to whatever IRI
    the query names, so a query from elsewhere could make this machine call a
    host of its choosing (127.0.0.1 included). Oxigraph's parser needs no word
    boundary before the keyword (``?s ?p 1SERVICE <...> {}`` and ``trueSERVICE``
    run), so any ``service`` outside strings, comments, variables and IRIs
    counts, whatever surrounds it: a prefixed name such as ``ex:service``
    is a false alarm, fixed by writing the IRI in full. Oxigraph does not decode
    ``\\u`` escapes in keywords, so that is no way around it either.
    """
    return "SERVICE" in _NOT_KEYWORDS.sub(_blank, sparql).upper()
