"""Any SPARQL 1.1 server as a stancegraph store: queries, safe parameters, GSP loading.

Why this module exists: the embedded Oxigraph store stops at one machine; a data
team points the same commands and the same query library at a server (Oxigraph
server, Apache Jena Fuseki, Virtuoso, GraphDB, QLever) with ``--endpoint URL``.

:class:`RemoteStore` offers the interface of :class:`stancegraph.store.embedded.Store`
that the rest of the package uses (``query``, ``select``, ``sources``,
``source_checksum``, ``has_graph``, ``replace_graph``, ``drop_graph``,
``count``, ``close``, context manager, ``path`` and ``read_only``).

Parameters never reach the server by string formatting of what a user typed.
SPARQLWrapper has no binding mechanism, so values are first turned into RDF
terms (:func:`stancegraph.sparql.library.bind_params`), serialised by pyoxigraph in
N-Triples syntax, checked by parsing them back, and placed in a ``VALUES``
block that becomes the first element of the outermost ``WHERE`` group
(:func:`inject_values`). A value can only ever be one RDF term.

Results the server marks as partial (HTTP 206, Virtuoso's ``X-SQL-State`` /
``X-SPARQL-MaxRows`` headers) raise :class:`~stancegraph.errors.EndpointError`:
a truncated answer is never shown as a complete one.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from stancegraph.errors import EndpointError, QueryError, StoreError
from stancegraph.model.namespaces import PREFIXES, SG
from stancegraph.model.records import SourceInfo
from stancegraph.sparql.terms import Term, term_to_python, term_to_sparql
from stancegraph.store.base import SOURCES_QUERY, source_infos

__all__ = ["DEFAULT_USER_AGENT", "RemoteStore", "inject_values"]

DEFAULT_USER_AGENT = "stancegraph (SPARQL 1.1 client; +https://w3id.org/stancegraph/)"

# Tokens that may contain braces or keywords without being syntax: strings,
# comments and IRIs. Everything else is scanned for braces and keywords.
_TOKEN = re.compile(
    r"""
    (?P<skip>
        '''(?:[^'\\]|\\.|'(?!''))*'''
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '(?:[^'\\\n\r]|\\.)*'
      | "(?:[^"\\\n\r]|\\.)*"
      | \#[^\n\r]*
      | <[^<>"{}|^`\\\x00-\x20]*>
    )
  | (?P<brace>[{}])
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
_PARTIAL_HEADERS = ("x-sparql-maxrows",)


def _significant(sparql: str) -> list[tuple[str, str, int, int]]:
    out = []
    for m in _TOKEN.finditer(sparql):
        kind = m.lastgroup or "other"
        if kind == "skip":
            continue
        out.append((kind, m.group(), m.start(), m.end()))
    return out


def _where_brace(tokens: list[tuple[str, str, int, int]]) -> int:
    """Offset just after the ``{`` that opens the outermost WHERE group."""
    form = None
    i = 0
    while i < len(tokens):
        kind, text, _start, end = tokens[i]
        upper = text.upper()
        if form is None:
            if kind == "word" and upper in _FORMS:
                form = upper
                if form == "CONSTRUCT":
                    j = i + 1
                    if j < len(tokens) and tokens[j][1] == "{":
                        # Skip the template; the WHERE group follows it.
                        depth = 0
                        while j < len(tokens):
                            if tokens[j][1] == "{":
                                depth += 1
                            elif tokens[j][1] == "}":
                                depth -= 1
                                if depth == 0:
                                    break
                            j += 1
                        i = j
                    elif j < len(tokens) and tokens[j][1].upper() == "WHERE":
                        raise QueryError(
                            "parameters need the long CONSTRUCT form "
                            "(CONSTRUCT { template } WHERE { pattern })"
                        )
            i += 1
            continue
        if kind == "brace" and text == "{":
            return end
        if kind == "brace" and text == "}":
            break
        i += 1
    raise QueryError("cannot find the WHERE group of the query to bind its parameters")


def inject_values(sparql: str, bindings: Mapping[str, Term] | None) -> str:
    """The query with ``VALUES (?v ...) { (term ...) }`` first in its WHERE group.

    Equivalent to the engine binding the variables before evaluating the group;
    values are serialised by :func:`term_to_sparql`, variable names are checked
    against the SPARQL variable grammar. Unbound (``None``) values are left out.
    """
    items = [(k, v) for k, v in (bindings or {}).items() if v is not None]
    if not items:
        return sparql
    names = []
    for name, _ in items:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"{name!r} is not a valid parameter name")
        names.append("?" + name)
    terms = [term_to_sparql(v) for _, v in items]
    tokens = _significant(sparql)
    at = _where_brace(tokens)
    block = f"\n  VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}\n"
    if any(kind == "word" and text.upper() == "LATERAL" for kind, text, _s, _e in tokens):
        # The query is written for an engine with LATERAL. A VALUES block is joined with
        # the group after the group is evaluated, so subqueries (which our queries use
        # to force hash joins) would run over every actor first: 9.3 s instead of 25 ms
        # for goldstein_monthly on 100,000 events. Evaluating the group LATERAL to the
        # VALUES row puts the values inside it, as the embedded store's substitutions do.
        end = _group_end(tokens, at)
        return sparql[:at] + block + "  LATERAL {" + sparql[at:end] + "}\n" + sparql[end:]
    return sparql[:at] + block + sparql[at:]


def _group_end(tokens: list[tuple[str, str, int, int]], after: int) -> int:
    """Offset of the ``}`` closing the group whose ``{`` ends at ``after``."""
    depth = 1
    for kind, text, start, _end in tokens:
        if start < after or kind != "brace":
            continue
        depth += 1 if text == "{" else -1
        if depth == 0:
            return start
    raise QueryError("the WHERE group of the query is not closed")


def _prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _derive(endpoint: str) -> tuple[str | None, str | None]:
    """Default update and Graph Store Protocol URLs for well-known server layouts."""
    base = endpoint.rstrip("/")
    if base.endswith("/query"):  # Oxigraph server: /query, /update, /store
        root = base[: -len("/query")]
        return root + "/update", root + "/store"
    if base.endswith("/sparql"):  # Virtuoso, QLever, Fuseki's /ds/sparql: updates at the same URL
        return base, None
    return None, None


def _query_form(text: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the keyword that follows a query's prologue.

    Read with the same tokens as :func:`inject_values` (comments, strings and
    IRIs are skipped). Anything else is refused here rather than sent as an update.
    """
    tokens = _significant(text)
    i = 0
    while i < len(tokens) and tokens[i][1].upper() in {"PREFIX", "BASE"}:
        i += 1
        if tokens[i - 1][1].upper() == "PREFIX":  # the prefix name, up to its ':'
            while i < len(tokens) and tokens[i][1] != ":":
                i += 1
            i += 1
    if i < len(tokens) and tokens[i][0] == "word" and tokens[i][1].upper() in _FORMS:
        return tokens[i][1].upper()
    raise QueryError("not a SPARQL query (SELECT, CONSTRUCT, ASK or DESCRIBE)")


class RemoteStore:
    """A SPARQL 1.1 server used like the embedded :class:`~stancegraph.store.embedded.Store`.

    Parameters
    ----------
    endpoint
        The SPARQL query endpoint (``http://127.0.0.1:7878/query`` for Oxigraph).
    read_only
        Refuse every write before it leaves this process.
    update_endpoint
        SPARQL Update endpoint; default ``$STANCEGRAPH_UPDATE_ENDPOINT``, else
        derived (``/query`` → ``/update``; ``/sparql`` → itself).
    gsp_endpoint
        Graph Store Protocol endpoint used to load a source graph with one
        ``PUT``; default ``$STANCEGRAPH_GSP_ENDPOINT``, else derived
        (``/query`` → ``/store``). Without one, graphs are replaced with one
        SPARQL Update request (``DROP SILENT GRAPH`` + ``INSERT DATA``).
    timeout
        Seconds to wait for the server on each request.
    user_agent
        Sent with every request (public endpoints ask clients to name themselves).

    Notes
    -----
    The library's queries expect the union of all graphs as the default graph:
    start Oxigraph with ``oxigraph serve --union-default-graph`` (and set the
    equivalent option on other servers; see ``docs/endpoints.md``).
    """

    def __init__(
        self,
        endpoint: str,
        *,
        read_only: bool = False,
        update_endpoint: str | None = None,
        gsp_endpoint: str | None = None,
        timeout: float = 60,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if not re.match(r"^https?://", endpoint or ""):
            raise EndpointError(f"endpoint {endpoint!r} must be an http(s) URL")
        derived_update, derived_gsp = _derive(endpoint)
        self.endpoint = endpoint
        self.update_endpoint = (
            update_endpoint or os.environ.get("STANCEGRAPH_UPDATE_ENDPOINT") or derived_update
        )
        self.gsp_endpoint = (
            gsp_endpoint or os.environ.get("STANCEGRAPH_GSP_ENDPOINT") or derived_gsp
        )
        self.read_only = read_only
        self.timeout = timeout
        self.user_agent = user_agent
        self.path = None

    # -- context management ------------------------------------------------
    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r}, read_only={self.read_only})"

    @property
    def location(self) -> str:
        """The query endpoint's URL."""
        return self.endpoint

    # -- HTTP --------------------------------------------------------------
    def _request(
        self,
        url: str,
        *,
        method: str = "GET",
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        ok: Sequence[int] = (200, 201, 204),
    ) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("User-Agent", self.user_agent)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                status = resp.status
                hdrs = {k.lower(): v for k, v in resp.headers.items()}
                body = resp.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
            hdrs = {k.lower(): v for k, v in (exc.headers or {}).items()}
            body = exc.read() or b""
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EndpointError(f"cannot reach SPARQL endpoint {url!r}: {reason}") from exc
        if status not in ok:
            detail = body.decode("utf-8", errors="replace").strip()[:500]
            if status == 400 and method == "POST" and "sparql-query" in str(headers):
                raise QueryError(f"the endpoint rejected the query (HTTP 400): {detail}")
            raise EndpointError(f"{method} {url} failed with HTTP {status}: {detail}")
        return status, hdrs, body

    @staticmethod
    def _check_complete(status: int, headers: Mapping[str, str], url: str) -> None:
        partial = status == 206 or any(h in headers for h in _PARTIAL_HEADERS)
        state = headers.get("x-sql-state", "")
        if partial or state.upper().startswith("S1TAT"):
            raise EndpointError(
                f"the endpoint {url!r} returned a partial result (HTTP {status}"
                f"{', X-SQL-State ' + state if state else ''}); refusing to show it as complete"
            )

    def _sparql(self, text: str, accept: str) -> tuple[str, bytes]:
        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            EndPointNotFound,
            QueryBadFormed,
            SPARQLWrapperException,
            Unauthorized,
        )

        sw = SPARQLWrapper(self.endpoint, agent=self.user_agent)
        sw.setMethod(POST)
        sw.setRequestMethod("postdirectly")
        sw.setTimeout(int(max(1, self.timeout)))
        sw.setQuery(text)
        # SPARQLWrapper guesses the form from the first keyword anywhere in the text,
        # comments included ("add up" in a description makes it an ADD update, sent as
        # application/sparql-update). Only queries come here: name their form ourselves.
        sw.queryType = _query_form(text)
        sw.addCustomHttpHeader("Accept", accept)
        try:
            response = sw.query().response
            status = response.getcode()
            headers = {k.lower(): v for k, v in response.headers.items()}
            body = response.read()
        except QueryBadFormed as exc:
            raise QueryError(f"the endpoint rejected the query: {exc}") from exc
        except (EndPointNotFound, Unauthorized, EndPointInternalError) as exc:
            raise EndpointError(f"SPARQL endpoint {self.endpoint!r}: {exc}") from exc
        except SPARQLWrapperException as exc:
            raise EndpointError(f"SPARQL endpoint {self.endpoint!r}: {exc}") from exc
        except urllib.error.HTTPError as exc:
            raise EndpointError(
                f"SPARQL endpoint {self.endpoint!r} answered HTTP {exc.code}: "
                f"{(exc.read() or b'').decode('utf-8', 'replace')[:500]}"
            ) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EndpointError(
                f"cannot reach SPARQL endpoint {self.endpoint!r}: {reason}"
            ) from exc
        self._check_complete(status, headers, self.endpoint)
        return headers.get("content-type", "").split(";")[0].strip().lower(), body

    # -- queries -----------------------------------------------------------
    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Any:
        """Run a query; parameters go in as a VALUES block of serialised terms.

        Returns what pyoxigraph returns for the embedded store: solutions (an
        iterator of rows indexable by variable name) or a boolean, or, for
        CONSTRUCT and DESCRIBE, a list of :class:`pyoxigraph.Triple`.
        """
        text = inject_values(_prologue() + sparql, bindings)
        form = _form(text)
        if form in {"CONSTRUCT", "DESCRIBE"}:
            ctype, body = self._sparql(text, "application/n-triples, text/turtle;q=0.9")
            fmt = ox.RdfFormat.N_TRIPLES if "n-triples" in ctype else ox.RdfFormat.TURTLE
            if ctype in {"application/rdf+xml"}:
                fmt = ox.RdfFormat.RDF_XML
            try:
                return [ox.Triple(t.subject, t.predicate, t.object) for t in ox.parse(body, fmt)]
            except SyntaxError as exc:
                raise EndpointError(
                    f"unreadable {ctype or 'RDF'} from the endpoint: {exc}"
                ) from exc
        ctype, body = self._sparql(
            text, "application/sparql-results+json, application/sparql-results+xml;q=0.8"
        )
        results_fmt = ox.QueryResultsFormat.XML if "xml" in ctype else ox.QueryResultsFormat.JSON
        try:
            return ox.parse_query_results(body, results_fmt)
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"unreadable results from the endpoint: {exc}") from exc

    def select(
        self, sparql: str, bindings: Mapping[str, Term] | None = None
    ) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts of Python values, as :meth:`Store.select`."""
        result = self.query(sparql, bindings)
        names = [v.value for v in result.variables]
        return [{n: term_to_python(row[n]) for n in names} for row in result]

    # -- sources -----------------------------------------------------------
    def sources(self) -> list[SourceInfo]:
        """Every source document on the server, with its provenance."""
        return source_infos(self.query(SOURCES_QUERY))

    def source_checksum(self, graph: str) -> str | None:
        """The checksum recorded for a source graph, or ``None`` if it is absent."""
        q = f"SELECT ?g ?c WHERE {{ GRAPH ?g {{ ?g <{SG.checksum}> ?c }} }}"
        for row in self.query(q, {"g": ox.NamedNode(graph)}):
            return str(row["c"].value)
        return None

    def has_graph(self, graph: str) -> bool:
        """Whether the server holds a non-empty graph of that name."""
        return bool(self.query("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": ox.NamedNode(graph)}))

    def count(self, graph: str | None = None) -> int:
        """Quads in one graph, or in all named graphs (where stancegraph keeps everything)."""
        if graph is None:
            rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        else:
            rows = self.query(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                {"g": ox.NamedNode(graph)},
            )
        for row in rows:
            return int(row["n"].value)
        return 0

    def named_graphs(self) -> list[str]:
        """The IRIs of every named graph on the server."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return [row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode)]

    def iter_quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad of one named graph, or of all of them."""
        q = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        rows = self.query(q, {"g": ox.NamedNode(graph)} if graph else None)
        for row in rows:
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    # -- writes ------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the endpoint {self.endpoint!r} was opened read-only")

    def replace_graph(self, graph: str, quads: Sequence[ox.Quad]) -> None:
        """Make ``graph`` hold exactly ``quads`` with one request.

        With a Graph Store Protocol endpoint: ``PUT`` of N-Triples (Oxigraph
        replaces the graph in one transaction). Otherwise one SPARQL Update
        request with ``DROP SILENT GRAPH`` and ``INSERT DATA``.
        """
        self._writable()
        target = ox.NamedNode(graph)
        for q in quads:
            if q.graph_name != target:
                raise StoreError(f"quad outside its source graph {graph!r}: {q}")
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        if self.gsp_endpoint:
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            url = self._gsp_url(graph)
            self._request(
                url,
                method="PUT",
                data=body,
                headers={"Content-Type": "application/n-triples"},
            )
            return
        lines = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        self._update(
            f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n{lines}\n}} }}"
        )

    def add(self, quads: Sequence[ox.Quad]) -> None:
        """Add quads with one request per graph they name (Graph Store Protocol ``POST``,
        else one SPARQL Update ``INSERT DATA``)."""
        self._writable()
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in quads:
            if not isinstance(q.graph_name, ox.NamedNode):
                raise StoreError(f"quad outside any named graph: {q}")
            by_graph.setdefault(q.graph_name.value, []).append(
                ox.Triple(q.subject, q.predicate, q.object)
            )
        for graph, triples in by_graph.items():
            if self.gsp_endpoint:
                self._post_ntriples(graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
                continue
            lines = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
            target = ox.NamedNode(graph)
            self._update(f"INSERT DATA {{ GRAPH {target} {{\n{lines}\n}} }}")

    def bulk_load(self, graph: str, chunks: Iterable[bytes]) -> None:
        """POST each N-Triples chunk to the graph's Graph Store Protocol endpoint.

        Each request is its own transaction on the server; the caller writes the
        source's provenance last (see :meth:`GraphStore.bulk_load`).
        """
        self._writable()
        if not self.gsp_endpoint:
            raise StoreError(
                f"{self!r} has no Graph Store Protocol endpoint for bulk loading; "
                "set $STANCEGRAPH_GSP_ENDPOINT"
            )
        for data in chunks:
            if data:
                self._post_ntriples(graph, data)

    def _post_ntriples(self, graph: str, data: bytes | None) -> None:
        self._request(
            self._gsp_url(graph),
            method="POST",
            data=data or b"",
            headers={"Content-Type": "application/n-triples"},
        )

    def drop_graph(self, graph: str) -> int:
        """Remove a graph and everything in it; returns how many quads went."""
        self._writable()
        n = self.count(graph)
        if self.gsp_endpoint:
            self._request(self._gsp_url(graph), method="DELETE", ok=(200, 204, 404))
        else:
            self._update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")
        return n

    def _gsp_url(self, graph: str) -> str:
        assert self.gsp_endpoint is not None
        sep = "&" if "?" in self.gsp_endpoint else "?"
        iri = urllib.parse.quote(ox.NamedNode(graph).value, safe="")
        return f"{self.gsp_endpoint}{sep}graph={iri}"

    def _update(self, text: str) -> None:
        if not self.update_endpoint:
            raise EndpointError(
                f"no SPARQL Update endpoint known for {self.endpoint!r}; "
                "set $STANCEGRAPH_UPDATE_ENDPOINT"
            )
        self._request(
            self.update_endpoint,
            method="POST",
            data=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    def export(self, path: Any, fmt: str) -> int:
        """Write every named graph to a file (N-Quads or TriG)."""
        from pathlib import Path

        fmt_key = fmt.lower().lstrip(".")
        formats = {
            "nq": ox.RdfFormat.N_QUADS,
            "nquads": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG,
        }
        if fmt_key not in formats:
            raise StoreError(f"a remote store exports {sorted(formats)}, not {fmt!r}")
        quads = sorted(self.iter_quads(), key=str)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        ox.serialize(quads, str(path), formats[fmt_key])
        return len(quads)


def _form(sparql: str) -> str:
    for kind, text, _s, _e in _significant(sparql):
        if kind == "word" and text.upper() in _FORMS:
            return text.upper()
    return "SELECT"
