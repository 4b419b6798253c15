"""A read-only SPARQL endpoint over a stancegraph store (``stancegraph serve``).

Why its own server and not ``oxigraph serve-read-only``: that one still follows
``SERVICE`` (outbound requests chosen by whoever sends the query) and has no
result-size limit. Here:

- SPARQL Protocol queries by GET (``?query=``) or POST (form or
  ``application/sparql-query``) at ``/query`` or ``/sparql``; results as SPARQL
  JSON, XML, CSV or TSV by ``Accept`` (graphs as N-Triples or Turtle).
- SPARQL Update, ``LOAD`` and ``SERVICE`` are refused with HTTP 403 and a
  message saying why.
- Every query runs in a worker process that opened the store read-only; a
  query past the time limit gets its worker killed (pyoxigraph cannot cancel a
  query) and the client an HTTP 503 naming the limit. A new worker takes its place.
- At most ``max_results`` rows (or triples) are sent; a cut result is sent
  with HTTP 206 and ``X-Stancegraph-Truncated: true`` so that clients (like
  :class:`stancegraph.store.remote.RemoteStore`) never take it as complete.
- Requests over ``max_request_bytes`` are refused with HTTP 413.
- Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
import queue
import re
import threading
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox

from stancegraph.errors import StoreError
from stancegraph.sparql.library import uses_service

__all__ = ["ServerConfig", "SparqlServer", "check_query", "make_server", "serve"]

_UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
}
_WORD = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'"""
    r"""|"(?:[^"\\\n\r]|\\.)*"|\#[^\n\r]*|<[^<>"{}|^`\\\x00-\x20]*>|(?<![?$:\w])([A-Za-z_]+)(?![\w:])""",
    re.DOTALL,
)


class RefusedError(Exception):
    """A request the server will not run; carries the HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _keywords(sparql: str) -> list[str]:
    """Bare words of a query outside strings, comments, IRIs, variables and prefixed names."""
    return [m.group(1).upper() for m in _WORD.finditer(sparql) if m.group(1)]


def check_query(sparql: str) -> None:
    """Refuse updates, ``LOAD`` and ``SERVICE`` before anything runs (HTTP 403)."""
    words = _keywords(sparql)
    body = [w for w in words if w not in {"PREFIX", "BASE"}]
    if body and body[0] in _UPDATE_WORDS:
        raise RefusedError(403, "this endpoint is read-only: SPARQL Update is refused")
    if "SERVICE" in words or uses_service(sparql):  # also "1SERVICE": no word boundary
        raise RefusedError(403, "federated queries (SERVICE) are refused by this endpoint")
    if "LOAD" in words:
        raise RefusedError(403, "LOAD is refused by this endpoint")


@dataclass(slots=True)
class ServerConfig:
    """Limits of the endpoint."""

    store: Path
    host: str = "127.0.0.1"
    port: int = 7879
    timeout: float = 30.0
    max_results: int = 10_000
    max_request_bytes: int = 1_000_000
    workers: int = 2


# -- worker processes ----------------------------------------------------------


def _worker_main(store_path: str, conn: Any) -> None:  # pragma: no cover - runs in a child
    try:
        store = ox.Store.read_only(store_path)
    except OSError as exc:
        conn.send(("fail", f"cannot open store {store_path!r} read-only: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        sparql, max_results = job
        try:
            conn.send(("ok", _run(store, sparql, max_results)))
        except SyntaxError as exc:
            conn.send(("bad", f"the query is not valid SPARQL: {exc}"))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def _run(store: ox.Store, sparql: str, max_results: int) -> dict[str, Any]:
    result = store.query(sparql, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return {"form": "ASK", "boolean": bool(result)}
    if isinstance(result, ox.QueryTriples):
        triples, cut = _take(result, max_results)
        lines = [f"{t.subject} {t.predicate} {t.object} ." for t in triples]
        return {"form": "GRAPH", "triples": lines, "truncated": cut}
    names = [v.value for v in result.variables]
    rows, cut = _take(result, max_results)
    out = [[None if r[n] is None else _term_json(r[n]) for n in names] for r in rows]
    return {"form": "SELECT", "vars": names, "rows": out, "truncated": cut}


def _take(items: Iterable[Any], limit: int) -> tuple[list[Any], bool]:
    out: list[Any] = []
    for item in items:
        if len(out) >= limit:
            return out, True
        out.append(item)
    return out, False


def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    entry = {"type": "literal", "value": term.value}
    if term.language:
        entry["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        entry["datatype"] = term.datatype.value
    return entry


class _Worker:
    def __init__(self, ctx: Any, store: Path) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(str(store), child), daemon=True)
        self.process.start()
        child.close()
        # Wait until the worker has the store open, so its first query's time
        # limit is spent on the query, not on starting Python.
        if not self.conn.poll(120):
            self.stop()
            raise StoreError("a query worker did not start within 120 s")
        status, message = self.conn.recv()
        if status != "ready":
            self.stop()
            raise StoreError(str(message))

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Processes that each hold the store open read-only; one query at a time each."""

    def __init__(self, store: Path, size: int) -> None:
        self.store = store
        self.ctx = mp.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.all: set[_Worker] = set()
        self.lock = threading.Lock()
        for _ in range(max(1, size)):
            self._add()

    def _add(self) -> None:
        w = _Worker(self.ctx, self.store)
        with self.lock:
            self.all.add(w)
        self.idle.put(w)

    def run(self, sparql: str, max_results: int, timeout: float) -> tuple[str, Any]:
        try:
            w = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise RefusedError(
                503, f"the server is busy; no worker was free within {timeout:g} s"
            ) from None
        try:
            w.conn.send((sparql, max_results))
            if not w.conn.poll(timeout):
                raise TimeoutError
            status, payload = w.conn.recv()
        except (TimeoutError, EOFError, OSError, BrokenPipeError):
            self._replace(w)
            if not w.process.is_alive() and w.process.exitcode not in (None, -9):
                raise RefusedError(
                    500, "the query worker died; the query was not answered"
                ) from None
            raise RefusedError(
                503, f"query stopped: it ran past the time limit of {timeout:g} s"
            ) from None
        self.idle.put(w)
        return status, payload

    def _replace(self, w: _Worker) -> None:
        w.stop()
        with self.lock:
            self.all.discard(w)
        self._add()

    def close(self) -> None:
        with self.lock:
            workers = list(self.all)
            self.all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
            w.stop()


# -- result serialisation ------------------------------------------------------

_SELECT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_GRAPH_TYPES = {"nt": "application/n-triples", "ttl": "text/turtle"}


def _negotiate(accept: str, fmt_param: str | None, graph: bool) -> str:
    if fmt_param:
        key = fmt_param.lower()
        if graph and key in _GRAPH_TYPES:
            return key
        if not graph and key in _SELECT_TYPES:
            return key
    table = _GRAPH_TYPES if graph else _SELECT_TYPES
    best, best_q = ("nt" if graph else "json"), -1.0
    for part in (accept or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        mime = bits[0].lower()
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        for key, value in table.items():
            if (
                mime == value
                or (mime == "application/json" and key == "json")
                or (mime in {"text/plain"} and key in {"tsv", "nt"})
            ):
                if q > best_q:
                    best, best_q = key, q
    return best


def _literal_nt(entry: dict[str, str]) -> str:
    if entry["type"] == "uri":
        return str(ox.NamedNode(entry["value"]))
    if entry["type"] == "bnode":
        return f"_:{entry['value']}"
    if "xml:lang" in entry:
        return str(ox.Literal(entry["value"], language=entry["xml:lang"]))
    if "datatype" in entry:
        return str(ox.Literal(entry["value"], datatype=ox.NamedNode(entry["datatype"])))
    return str(ox.Literal(entry["value"]))


def render(payload: dict[str, Any], fmt: str) -> bytes:
    """A worker's result in the negotiated format."""
    form = payload["form"]
    if form == "GRAPH":
        text = "\n".join(payload["triples"]) + ("\n" if payload["triples"] else "")
        if fmt == "ttl":
            triples = list(ox.parse(text, ox.RdfFormat.N_TRIPLES))
            return ox.serialize(triples, format=ox.RdfFormat.TURTLE) or b""
        return text.encode("utf-8")
    if form == "ASK":
        value = payload["boolean"]
        if fmt == "xml":
            return (
                '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
            ).encode()
        if fmt in {"csv", "tsv"}:
            return ("true\n" if value else "false\n").encode()
        return json.dumps({"head": {}, "boolean": value}).encode()
    names, rows = payload["vars"], payload["rows"]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        for r in rows:
            w.writerow(
                [
                    "" if c is None else (f"_:{c['value']}" if c["type"] == "bnode" else c["value"])
                    for c in r
                ]
            )
        return buf.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + n for n in names)]
        lines += ["\t".join("" if c is None else _literal_nt(c) for c in r) for r in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "xml":
        out = [
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
        ]
        out += [f'<variable name="{xml_escape(n)}"/>' for n in names]
        out.append("</head><results>")
        for r in rows:
            out.append("<result>")
            for n, c in zip(names, r, strict=True):
                if c is None:
                    continue
                v = xml_escape(c["value"])
                if c["type"] == "uri":
                    inner = f"<uri>{v}</uri>"
                elif c["type"] == "bnode":
                    inner = f"<bnode>{v}</bnode>"
                elif "xml:lang" in c:
                    inner = f'<literal xml:lang="{xml_escape(c["xml:lang"])}">{v}</literal>'
                elif "datatype" in c:
                    inner = f'<literal datatype="{xml_escape(c["datatype"])}">{v}</literal>'
                else:
                    inner = f"<literal>{v}</literal>"
                out.append(f'<binding name="{xml_escape(n)}">{inner}</binding>')
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode("utf-8")
    bindings = [{n: c for n, c in zip(names, r, strict=True) if c is not None} for r in rows]
    return json.dumps(
        {"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False
    ).encode()


# -- HTTP ----------------------------------------------------------------------


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server; holds the config and the worker pool."""

    daemon_threads = True
    request_queue_size = 128  # listen backlog; the default 5 resets clients in a burst

    def __init__(self, config: ServerConfig) -> None:
        if not (config.store / "CURRENT").exists() and not config.store.is_dir():
            raise StoreError(f"no store at {str(config.store)!r}; run 'stancegraph build' first")
        self.config = config
        self.pool = WorkerPool(config.store, config.workers)
        super().__init__((config.host, config.port), _Handler)

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        return f"http://{host}:{port}/query"


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "stancegraph-sparql"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def do_GET(self) -> None:
        cfg = self.server.config
        if len(self.path) > cfg.max_request_bytes:
            self._error(413, f"request over the {cfg.max_request_bytes}-byte limit")
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path not in {"/query", "/sparql", "/"}:
            self._error(404, "not found: send SPARQL queries to /query")
            return
        params = urllib.parse.parse_qs(url.query)
        if "update" in params:
            self._error(403, "this endpoint is read-only: SPARQL Update is refused")
            return
        if "query" not in params:
            self._send(
                200,
                b"stancegraph read-only SPARQL endpoint: GET or POST /query?query=...\n",
                "text/plain; charset=utf-8",
            )
            return
        self._answer(params["query"][0], params.get("format", [None])[0])

    def do_POST(self) -> None:
        cfg = self.server.config
        url = urllib.parse.urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._error(400, "bad Content-Length")
            return
        if length < 0:  # rfile.read(-1) would read until the client stops: no size limit
            self._error(400, "bad Content-Length")
            self.close_connection = True
            return
        if length > cfg.max_request_bytes:
            self._error(
                413,
                f"request body of {length} bytes is over the {cfg.max_request_bytes}-byte limit",
            )
            self.close_connection = True
            return
        if url.path in {"/update", "/store"}:
            self._error(
                403, "this endpoint is read-only: SPARQL Update and Graph Store writes are refused"
            )
            return
        if url.path not in {"/query", "/sparql", "/"}:
            self._error(404, "not found: send SPARQL queries to /query")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        fmt = urllib.parse.parse_qs(url.query).get("format", [None])[0]
        if ctype == "application/sparql-update":
            self._error(403, "this endpoint is read-only: SPARQL Update is refused")
            return
        if ctype == "application/sparql-query":
            self._answer(body, fmt)
            return
        params = urllib.parse.parse_qs(body)
        if "update" in params:
            self._error(403, "this endpoint is read-only: SPARQL Update is refused")
            return
        if "query" not in params:
            self._error(400, "no query: send query=... (form) or an application/sparql-query body")
            return
        self._answer(params["query"][0], fmt or params.get("format", [None])[0])

    def do_PUT(self) -> None:
        self._error(403, "this endpoint is read-only: Graph Store writes are refused")

    do_DELETE = do_PUT  # noqa: N815

    def _answer(self, sparql: str, fmt_param: str | None) -> None:
        cfg = self.server.config
        try:
            check_query(sparql)
            status, payload = self.server.pool.run(sparql, cfg.max_results, cfg.timeout)
        except RefusedError as exc:
            self._error(exc.status, exc.message)
            return
        if status == "bad":
            msg = str(payload)
            if any(w in _UPDATE_WORDS for w in _keywords(sparql)[:1]):
                self._error(403, "this endpoint is read-only: SPARQL Update is refused")
            else:
                self._error(400, msg)
            return
        if status != "ok":
            self._error(500, f"query failed: {payload}")
            return
        graph = payload["form"] == "GRAPH"
        fmt = _negotiate(self.headers.get("Accept", ""), fmt_param, graph)
        ctype = (_GRAPH_TYPES if graph else _SELECT_TYPES)[fmt]
        extra = {}
        code = 200
        if payload.get("truncated"):
            code = 206
            extra = {
                "X-Stancegraph-Truncated": "true",
                "X-Stancegraph-Max-Results": str(cfg.max_results),
            }
        self._send(code, render(payload, fmt), f"{ctype}; charset=utf-8", extra)


def make_server(config: ServerConfig) -> SparqlServer:
    """A server ready to ``serve_forever()`` (workers already started)."""
    return SparqlServer(config)


def serve(config: ServerConfig) -> None:
    """Run the endpoint until interrupted."""
    server = make_server(config)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
