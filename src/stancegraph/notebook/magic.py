"""``%%sparql``: write SPARQL in a notebook cell, get a DataFrame, bind Python values safely.

Load it with ``%load_ext stancegraph.notebook.magic``. Then::

    %sparql_store store                   # a Store / RemoteStore held in a Python variable
    %sparql_store --store .stancegraph    # or a store folder (opened read-only per cell)
    %sparql_store --endpoint http://127.0.0.1:7878/query

    %%sparql --param who=$name --param since=$start --out df
    # param: who actor — the speaker
    SELECT ?who ?since ?date ?quote WHERE {
      ?st sg:speaker ?who ; sg:date ?date ; sg:quote ?quote .
      FILTER(?date >= ?since)
    } ORDER BY ?date

Why a magic and not f-strings: a value pasted into query text can change the
query (``"} ; DROP ALL ; {"``, or a ``SERVICE`` clause that makes the engine
call out to the network). Here every value becomes exactly one RDF term and
reaches the engine as a binding (Oxigraph substitutions for the embedded
store, a ``VALUES`` block of serialised terms for a server); the cell's text
is never touched.

How a Python value becomes a term (:func:`python_to_term`):

=====================================  ======================================
``str``                                a plain literal; ``"<http://...>"`` an IRI
``int`` / ``float`` / ``Decimal``      ``xsd:integer`` / ``xsd:double`` / ``xsd:decimal``
``bool``                               ``xsd:boolean``
``datetime.date`` / ``datetime``       ``xsd:date`` / ``xsd:dateTime``
rdflib ``URIRef`` / ``Literal``        the same IRI / literal
pyoxigraph ``NamedNode`` / ``Literal``  itself
=====================================  ======================================

When the cell declares a parameter in a ``# param: name type`` header, as the
query library does, the declared type wins: an ``actor`` or ``topic`` given as
a name or alias is resolved to the actor's IRI (:func:`stancegraph.api.make_resolver`),
a ``date`` parses ISO text, and a required parameter that is not passed is an error.

A bound variable must appear in the SELECT clause (Oxigraph binds projected
variables in the parsed query), as in the library's queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import math
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from stancegraph.api import QueryResult, run_query
from stancegraph.errors import QueryError
from stancegraph.model.namespaces import XSD
from stancegraph.sparql.library import Param, QueryDef, parse_query_file
from stancegraph.store import GraphStore, open_store

__all__ = [
    "cell_query",
    "load_ipython_extension",
    "python_to_term",
    "run_sparql",
    "unload_ipython_extension",
]

_IRI_FORM = re.compile(r"^<([^<>\"{}|^`\\\x00-\x20]+)>$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
Term = ox.NamedNode | ox.Literal


def _typed(value: str, datatype: object) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(str(datatype)))


def python_to_term(value: Any) -> Term:
    """The one RDF term a Python value stands for (see the module doc for the table).

    Raises
    ------
    QueryError
        For values that are not one term: ``None``, blank nodes, containers,
        arbitrary objects, and ``"<...>"`` strings that are not valid IRIs.

    Examples
    --------
    >>> term = python_to_term("} ; DROP ALL ; {")
    >>> type(term).__name__, term.value
    ('Literal', '} ; DROP ALL ; {')
    >>> python_to_term("<https://example.org/x>")
    <NamedNode value=https://example.org/x>
    >>> python_to_term(dt.date(2025, 3, 1)).datatype.value.rsplit("#")[-1]
    'date'
    """
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value
    if isinstance(value, ox.BlankNode):
        raise QueryError("a blank node cannot be a query parameter; pass an IRI or a literal")
    rdf = _from_rdflib(value)
    if rdf is not None:
        return rdf
    if isinstance(value, bool):
        return _typed("true" if value else "false", XSD.boolean)
    if isinstance(value, int):
        return _typed(str(value), XSD.integer)
    if isinstance(value, float):
        if math.isnan(value):
            return _typed("NaN", XSD.double)
        if math.isinf(value):
            return _typed("INF" if value > 0 else "-INF", XSD.double)
        return _typed(repr(value), XSD.double)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise QueryError(f"cannot bind {value!r}: xsd:decimal has no NaN or infinity")
        return _typed(format(value, "f"), XSD.decimal)
    if isinstance(value, dt.datetime):
        return _typed(value.isoformat(), XSD.dateTime)
    if isinstance(value, dt.date):
        return _typed(value.isoformat(), XSD.date)
    if isinstance(value, str):
        m = _IRI_FORM.match(value)
        if m:
            try:
                return ox.NamedNode(m.group(1))
            except ValueError:
                raise QueryError(f"{value!r} is not a valid IRI") from None
        return ox.Literal(value)
    raise QueryError(
        f"cannot bind a {type(value).__name__} ({value!r}) as a SPARQL term; pass a str, "
        "number, date, datetime, bool, '<IRI>' string, or an rdflib/pyoxigraph term"
    )


def _from_rdflib(value: Any) -> Term | None:
    try:
        from rdflib.term import BNode, URIRef
        from rdflib.term import Literal as RdfLiteral
    except ImportError:  # pragma: no cover - rdflib is a dependency
        return None
    if isinstance(value, URIRef):
        try:
            return ox.NamedNode(str(value))
        except ValueError:
            raise QueryError(f"{str(value)!r} is not a valid IRI") from None
    if isinstance(value, RdfLiteral):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype is not None:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, BNode):
        raise QueryError("a blank node cannot be a query parameter; pass an IRI or a literal")
    return None


class _CellText:
    """What :func:`parse_query_file` reads from a path, for a cell's text.

    The cell's ``# param:`` header then follows exactly the grammar (and the
    error messages) of the query library's files.
    """

    def __init__(self, text: str, name: str = "cell") -> None:
        self._text = text
        self.name = name
        self.stem = name

    def read_text(self, encoding: str = "utf-8") -> str:
        return self._text


def cell_query(text: str, name: str = "cell") -> QueryDef:
    """A :class:`QueryDef` for ad-hoc query text, with the params its header declares."""
    return parse_query_file(_CellText(text, name))  # type: ignore[arg-type]


def run_sparql(
    store: GraphStore, sparql: str, *, params: Mapping[str, Any] | None = None
) -> QueryResult:
    """Run ad-hoc SPARQL with Python values bound as RDF terms: what ``%%sparql`` does.

    Parameters
    ----------
    store
        The embedded :class:`~stancegraph.store.embedded.Store` or a
        :class:`~stancegraph.store.remote.RemoteStore`.
    sparql
        The query; an optional header of ``# param: name type`` lines types
        its parameters as in the query library.
    params
        Variable name (without ``?``) to Python value. Declared parameters
        are typed by their header (actors resolved by name); the others by
        :func:`python_to_term`.

    Returns
    -------
    QueryResult
        ``.to_dataframe()`` for a table.
    """
    qd = cell_query(sparql)
    declared = {p.name for p in qd.params}
    values: dict[str, Any] = {}
    extra: list[Param] = []
    for name, value in (params or {}).items():
        if not _NAME.match(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
        rdf = _from_rdflib(value)
        if name in declared:
            values[name] = rdf if rdf is not None else value
        else:
            values[name] = python_to_term(value)
            extra.append(Param(name, "text"))  # already a term: passed through as is
    qd.params.extend(extra)
    return run_query(store, qd, values)


# -- the IPython side ----------------------------------------------------------------
@dataclass(slots=True)
class _Target:
    """Where queries go: a store object, a store folder, an endpoint, or the default."""

    kind: str  # "object" | "store" | "endpoint" | "default"
    value: Any = None
    label: str = ""

    def open(self) -> tuple[GraphStore, bool]:
        """The store to query and whether the caller must close it."""
        if self.kind == "object":
            return self.value, False
        if self.kind == "endpoint":
            return open_store(endpoint=str(self.value), read_only=True), True
        return open_store(self.value, read_only=True), True


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit the kernel
        from IPython.core.error import UsageError

        raise UsageError(f"{self.prog}: {message}")


def _target_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--store", metavar="DIR", help="a store folder (opened read-only)")
    group.add_argument("--endpoint", metavar="URL", help="a SPARQL 1.1 query endpoint")


def _cell_parser() -> argparse.ArgumentParser:
    p = _ArgumentParser(prog="%%sparql", add_help=False)
    _target_options(p)
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=$VAR")
    p.add_argument("--out", metavar="NAME", help="also keep the DataFrame in this variable")
    return p


def _store_parser() -> argparse.ArgumentParser:
    p = _ArgumentParser(prog="%sparql_store", add_help=False)
    _target_options(p)
    p.add_argument("variable", nargs="?", help="a Python variable holding a Store/RemoteStore")
    return p


@functools.cache
def _magics_class() -> type:
    """The IPython ``Magics`` class, built on first use so that importing this module
    does not need IPython (a notebook-only dependency)."""
    from IPython.core.error import UsageError
    from IPython.core.magic import Magics, cell_magic, line_magic, magics_class, no_var_expand

    @magics_class
    class SparqlMagics(Magics):
        """``%%sparql`` and ``%sparql_store``; see :mod:`stancegraph.notebook.magic`.

        Both are registered with ``no_var_expand``: IPython would otherwise
        paste ``$var`` into the magic's line as text before the magic sees it,
        which is exactly the string formatting the magic exists to avoid.
        """

        def __init__(self, shell: Any = None) -> None:
            super().__init__(shell)
            self.target = _Target("default", None, "the default store")

        # ---- helpers ---------------------------------------------------------------
        def _split(self, line: str) -> list[str]:
            try:
                return shlex.split(line)
            except ValueError as exc:
                raise UsageError(f"cannot read the magic's arguments: {exc}") from None

        def _ns(self) -> dict[str, Any]:
            if self.shell is None:
                raise UsageError("the stancegraph magics need an IPython shell")
            return self.shell.user_ns  # type: ignore[no-any-return]

        def _variable(self, name: str) -> Any:
            if not _NAME.match(name):
                raise UsageError(f"${name} is not a Python variable name")
            ns = self._ns()
            if name not in ns:
                raise UsageError(f"no Python variable named {name!r}")
            return ns[name]

        def _params(self, specs: list[str]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for spec in specs:
                name, sep, raw = spec.partition("=")
                name = name.strip().lstrip("?")
                if not sep or not _NAME.match(name):
                    raise UsageError(f"--param takes NAME=$variable or NAME=text, not {spec!r}")
                out[name] = self._variable(raw[1:]) if raw.startswith("$") else raw
            return out

        def _where(self, raw: str) -> str:
            # A folder or URL may come from a Python variable ($name); it names
            # where to connect, never query text.
            if raw.startswith("$"):
                value = self._variable(raw[1:])
                if not isinstance(value, str | Path):
                    raise UsageError(f"{raw} holds a {type(value).__name__}, not a path or URL")
                return str(value)
            return raw

        def _target_from(self, args: argparse.Namespace) -> _Target | None:
            if args.endpoint:
                url = self._where(args.endpoint)
                return _Target("endpoint", url, url)
            if args.store:
                folder = self._where(args.store)
                return _Target("store", Path(folder), f"store {folder}")
            return None

        # ---- magics ----------------------------------------------------------------
        @no_var_expand
        @line_magic
        def sparql_store(self, line: str) -> str:
            """Set where ``%%sparql`` cells run: a variable, ``--store DIR`` or ``--endpoint URL``.

            Without arguments, says where they run now.
            """
            args = _store_parser().parse_args(self._split(line))
            target = self._target_from(args)
            if target is not None and args.variable:
                raise UsageError("give a variable, --store or --endpoint, not several")
            if args.variable:
                value = self._variable(args.variable.lstrip("$"))
                if not isinstance(value, GraphStore):
                    raise UsageError(
                        f"{args.variable!r} holds a {type(value).__name__}, "
                        "not a Store or RemoteStore"
                    )
                where = getattr(value, "endpoint", None) or getattr(value, "path", None)
                label = f"{args.variable} ({type(value).__name__}"
                label += f" at {where})" if where else ", in memory)"
                target = _Target("object", value, label)
            if target is not None:
                self.target = target
            return f"%%sparql runs against {self.target.label}"

        @no_var_expand
        @cell_magic
        def sparql(self, line: str, cell: str) -> Any:
            """Run the cell's SPARQL; show the result as a DataFrame (a bool for ASK).

            ``%%sparql [--store DIR | --endpoint URL] [--param name=$pyvar ...] [--out name]``
            """
            args = _cell_parser().parse_args(self._split(line))
            if args.out is not None and not _NAME.match(args.out):
                raise UsageError(f"--out takes a Python variable name, not {args.out!r}")
            params = self._params(args.param)
            target = self._target_from(args) or self.target
            store, owned = target.open()
            try:
                result = run_sparql(store, cell, params=params)
            finally:
                if owned:
                    store.close()
            if result.truncated:
                print("warning: the endpoint says this result is partial")
            shown = result.boolean if result.form == "ASK" else result.to_dataframe()
            if args.out:
                self._ns()[args.out] = shown
            return shown

    return SparqlMagics


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext stancegraph.notebook.magic``: register ``%%sparql`` and ``%sparql_store``."""
    ipython.register_magics(_magics_class())


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext stancegraph.magic``: nothing to release (stores are per cell or the user's)."""
