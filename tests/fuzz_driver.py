"""Deterministic fuzzing of every stancegraph parser, each input in a worker process.

Why a worker process: a hang inside Oxigraph's Rust parsers cannot be
interrupted by a Python signal handler, and a stack overflow there kills the
process (both happened before ``stancegraph.parse.guards``). So the driver
sends each input to a child process over a pipe and waits at most
``timeout`` seconds; a child that dies or does not answer is recorded
(``crash`` or ``hang``) and replaced.

Every input must end as ``ok`` (parsed) or ``refused`` (a
:class:`~stancegraph.errors.StancegraphError`); anything else is a finding.
Through the ``pipeline`` target, a refused document must also leave the
store exactly as it was (the worker compares a digest of every quad).

Inputs are the real seeds (``../shared/seeds``), the repository's ``graph/``
and fixtures, W3C test files and RDF serialisations of the demo graph,
mutated (byte flips, line deletions and duplications, unicode, NUL, BOM,
CRLF, truncation, huge numbers, deep nesting, splices), plus random bytes.
Everything is a function of ``seed``.

Usage::

    python tests/fuzz_driver.py --n 10000 --seed 1          # every parser
    python tests/fuzz_driver.py --parser rdf --n 500 --show # one parser, print findings
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import select
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "PARSERS",
    "FuzzReport",
    "Outcome",
    "generate",
    "mutate",
    "run_fuzz",
    "seeds_for",
]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
W3C = SHARED / "w3c-rdf-tests"
FIXTURES = REPO / "tests" / "fixtures"

PARSERS = (
    "card",
    "factcheck",
    "yaml",
    "registry",
    "events",
    "rdf-turtle",
    "rdf-trig",
    "rdf-ntriples",
    "rdf-nquads",
    "rdf-jsonld",
    "rdf-rdfxml",
    "pipeline",
)
"""Fuzz targets: one per parser, one per RDF syntax, and the whole ingest pipeline."""

_RDF_SUFFIX = {
    "rdf-turtle": ".ttl",
    "rdf-trig": ".trig",
    "rdf-ntriples": ".nt",
    "rdf-nquads": ".nq",
    "rdf-jsonld": ".jsonld",
    "rdf-rdfxml": ".rdf",
}

# -- seeds -------------------------------------------------------------------------


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


def _demo_serialisations() -> dict[str, bytes]:
    """The demo graph's sources in every RDF syntax (so mutations start from real data)."""
    import pyoxigraph as ox

    from stancegraph.ingest.pipeline import prepare
    from stancegraph.resolve.registry import read_registry

    registry = read_registry(REPO / "graph" / "actors.yaml")
    quads: list[Any] = []
    for p in _files(REPO / "graph" / "sources", "*.yaml"):
        quads.extend(prepare(p, registry).quads)
    quads = quads[:400]
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    out = {}
    for name, fmt, items in (
        ("rdf-turtle", ox.RdfFormat.TURTLE, triples),
        ("rdf-ntriples", ox.RdfFormat.N_TRIPLES, triples),
        ("rdf-rdfxml", ox.RdfFormat.RDF_XML, triples),
        ("rdf-trig", ox.RdfFormat.TRIG, quads),
        ("rdf-nquads", ox.RdfFormat.N_QUADS, quads),
        ("rdf-jsonld", ox.RdfFormat.JSON_LD, quads),
    ):
        out[name] = ox.serialize(
            items, format=fmt, prefixes={"sg": "https://w3id.org/stancegraph/ns#"}
        )
    return out


_JSONLD_SEED = b"""{
  "@context": {"sg": "https://w3id.org/stancegraph/ns#", "name": "http://schema.org/name",
               "knows": {"@id": "http://schema.org/knows", "@type": "@id"}},
  "@graph": [
    {"@id": "sg:a", "@type": "sg:Person", "name": "A", "knows": ["sg:b", "sg:c"],
     "sg:weight": {"@value": "1.5", "@type": "http://www.w3.org/2001/XMLSchema#double"}},
    {"@id": "sg:b", "name": {"@value": "B", "@language": "en"}, "sg:list": {"@list": [1, 2, 3]}}
  ]
}
"""

_ICEWS_SEED = (
    b"Event ID\tEvent Date\tSource Name\tSource Sectors\tSource Country\tEvent Text\tCAMEO Code"
    b"\tIntensity\tTarget Name\tTarget Sectors\tTarget Country\tStory ID\tSentence Number"
    b"\tPublisher\tCity\tDistrict\tProvince\tCountry\tLatitude\tLongitude\n"
    b"926685\t1995-01-01\tExtremist (Russia)\tRadicals\tRussian Federation\tPraise or endorse"
    b"\t051\t3.4\tBoris Yeltsin\tElite,Executive\tRussian Federation\t28235806\t5\tThe Toronto Star"
    b"\tMoskva\t\tMoskva\tRussian Federation\t55.7522\t37.6156\n"
    b"926687\t1995-01-01\tGovernment (Bosnia and Herzegovina)\tGovernment\tBosnia and Herzegovina"
    b"\tExpress intent to cooperate\t030\t4\tCitizen (Serbia)\tGeneral Population\tSerbia"
    b"\t28235807\t1\tThe Toronto Star\t\t\t\tBosnia and Herzegovina\t44\t18\n"
)


def _gdelt_seed() -> bytes:
    sys.path.insert(0, str(REPO))
    from bench.gdelt_gen import generate_rows

    return "".join("\t".join(r) + "\n" for r in generate_rows(6, seed=3)).encode()


def seeds_for(parser: str) -> list[bytes]:
    """The real documents a parser's inputs are mutated from."""
    card = [SEEDS / "stance-card_trump-on-putin.txt", *_files(FIXTURES / "cards", "*.txt")]
    fact = [SEEDS / "fact-check_putin-trump-friends.txt", *_files(FIXTURES / "factchecks", "*.txt")]
    yml = [*_files(REPO / "graph" / "sources", "*.yaml"), *_files(FIXTURES / "yaml", "*.yaml")]
    paths: list[Path] = []
    extra: list[bytes] = []
    if parser == "card":
        paths = card
    elif parser == "factcheck":
        paths = fact
    elif parser == "yaml":
        paths = yml
    elif parser == "registry":
        paths = [REPO / "graph" / "actors.yaml", *_files(FIXTURES / "analysis", "actors.yaml")]
    elif parser == "events":
        extra = [
            _gdelt_seed(),
            _ICEWS_SEED,
            *(p.read_bytes() for p in _files(FIXTURES / "events", "*")),
        ]
    elif parser in _RDF_SUFFIX:
        extra = [_demo_serialisations()[parser]]
        if parser == "rdf-turtle":
            paths = (
                _files(W3C / "rdf-turtle", "*.ttl")[::6] + _files(FIXTURES / "shapes", "*.ttl")[::8]
            )
        elif parser == "rdf-ntriples":
            paths = _files(W3C / "rdf-n-triples", "*.nt")[::4]
        elif parser == "rdf-rdfxml":
            paths = [FIXTURES / "bombs" / "flat-entities.rdf"]
        elif parser == "rdf-jsonld":
            extra.append(_JSONLD_SEED)
    elif parser == "pipeline":
        paths = [*card[:3], *fact[:2], *yml[:3], REPO / "graph" / "actors.yaml"]
    else:
        raise ValueError(f"unknown fuzz target {parser!r}; one of {PARSERS}")
    return [p.read_bytes() for p in paths if p.is_file()] + extra


# -- mutations -----------------------------------------------------------------------

_INSERTS = [
    b"\x00",
    b"\xef\xbb\xbf",
    b"\r\n",
    b"\r",
    b"\xff\xfe",
    b"\xc3",  # a truncated UTF-8 sequence
    "\u202e".encode(),
    "\U0001f600".encode(),
    "\u0000".encode(),
    "\ud7ff\ue000\ufffd".encode(),
    b"\\u0022",
    b'"',
    b"'",
    b"<",
    b">",
    b"&amp;",
    b"&x;",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"- ",
    b"#",
    b"@prefix",
    b"@context",
    b"*a",
    b"&a ",
    b"!!python/object:os.system ",
    b"\t",
    b"    ",
    b"9" * 400,
    b"-1e99999",
    b"99999-99-99",
    b"2025-02-30",
    b"0x7fffffffffffffff",
    b"NaN",
]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [data]


def _nest(rng: random.Random) -> bytes:
    depth = rng.choice([40, 100, 300, 2000, 20000])
    opener, closer = rng.choice(
        [
            (b"[", b"]"),
            (b"{", b"}"),
            (b"(", b")"),
            (b'{"a":', b"}"),
            (b"<a>", b"</a>"),
            (b"- ", b""),
        ]
    )
    closed = rng.random() < 0.5
    return opener * depth + b"x" + (closer * depth if closed else b"")


def mutate(data: bytes, rng: random.Random, *, pool: list[bytes] | None = None) -> bytes:
    """One to four random edits of ``data``; deterministic for the state of ``rng``."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(12)
        n = len(out)
        at = rng.randrange(n + 1)
        if op == 0 and n:  # byte flips
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(n)
                out[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # delete lines
            lines = _lines(bytes(out))
            i = rng.randrange(len(lines))
            del lines[i : i + rng.randint(1, 3)]
            out = bytearray(b"".join(lines))
        elif op == 2:  # duplicate lines
            lines = _lines(bytes(out))
            i = rng.randrange(len(lines))
            chunk = lines[i : i + rng.randint(1, 4)]
            lines[i:i] = chunk * rng.randint(1, 30)
            out = bytearray(b"".join(lines))
        elif op == 3:  # insert a special sequence
            out[at:at] = rng.choice(_INSERTS) * rng.choice([1, 1, 2, 50])
        elif op == 4:  # truncate
            del out[at:]
        elif op == 5:  # CRLF or CR line ends, or a BOM
            choice = rng.randrange(3)
            if choice == 0:
                out = bytearray(bytes(out).replace(b"\n", b"\r\n"))
            elif choice == 1:
                out = bytearray(bytes(out).replace(b"\n", b"\r"))
            else:
                out[0:0] = b"\xef\xbb\xbf"
        elif op == 6:  # huge numbers in place of digits
            digits = [i for i in range(n) if 48 <= out[i] <= 57]
            if digits:
                i = rng.choice(digits)
                out[i : i + 1] = rng.choice([b"9" * 5000, b"1e308", b"-0", b"99999999999999999999"])
        elif op == 7:  # deep nesting
            out[at:at] = _nest(rng)
        elif op == 8:  # swap two lines
            lines = _lines(bytes(out))
            if len(lines) > 1:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                out = bytearray(b"".join(lines))
        elif op == 9 and pool:  # splice from another seed
            other = rng.choice(pool)
            if other:
                s = rng.randrange(len(other))
                out[at:at] = other[s : s + rng.randint(1, 400)]
        elif op == 10 and n:  # replace a run with random bytes
            size = rng.randint(1, 16)
            out[at : at + size] = bytes(rng.randrange(256) for _ in range(size))
        elif op == 11 and n:  # repeat a span many times (long lines, many items)
            s = rng.randrange(n)
            span = bytes(out[s : s + rng.randint(1, 60)])
            out[s:s] = span * rng.randint(10, 2000)
    return bytes(out[:2_000_000])


def _random_input(rng: random.Random) -> bytes:
    kind = rng.randrange(3)
    size = rng.choice([0, 1, 10, 100, 2000])
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(size))
    if kind == 1:
        return "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x10FFFF)])) for _ in range(size)
        ).encode("utf-8", "surrogatepass")
    return bytes(rng.choice(b"{}[]()<>\"':#@&*-\n\t .;,=!?0123456789abcxyz") for _ in range(size))


def generate(parser: str, n: int, *, seed: int = 0) -> Iterator[bytes]:
    """``n`` inputs for a parser: the seeds, then mutations of them (90 %) and random ones."""
    pool = seeds_for(parser)
    rng = random.Random(f"{parser}:{seed}")
    for i in range(n):
        if i < len(pool):
            yield pool[i]
        elif rng.random() < 0.9 and pool:
            yield mutate(rng.choice(pool), rng, pool=pool)
        else:
            yield _random_input(rng)


# -- the worker ----------------------------------------------------------------------


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _digest(store: Any) -> str:
    h = hashlib.sha256()
    for line in sorted(str(q) for q in store.ox.quads_for_pattern(None, None, None, None)):
        h.update(line.encode())
    return h.hexdigest()


def _target(parser: str, workdir: Path) -> Callable[[bytes], str]:
    """A function that runs one input and returns a short description of the result."""
    if parser == "card":
        from stancegraph.parse.card import parse_card

        return lambda data: type(parse_card(_text(data), path="fuzz.txt")).__name__
    if parser == "factcheck":
        from stancegraph.parse.factcheck import parse_factcheck

        return lambda data: type(parse_factcheck(_text(data), path="fuzz.txt")).__name__
    if parser == "yaml":
        from stancegraph.parse.yamlcard import parse_yaml

        return lambda data: f"{len(parse_yaml(_text(data), path='fuzz.yaml'))} records"
    if parser == "registry":
        from stancegraph.resolve.registry import read_registry

        path = workdir / "actors.yaml"

        def registry(data: bytes) -> str:
            path.write_bytes(data)
            return f"{len(read_registry(path))} actors"

        return registry
    if parser == "events":
        from stancegraph.ingest.events import iter_event_records

        path = workdir / "events.tsv"

        def events(data: bytes) -> str:
            path.write_bytes(data)
            fmt = "icews" if data.startswith(b"Event ID") else "gdelt"
            return f"{sum(1 for _ in iter_event_records(path, fmt=fmt, on_error='fail'))} events"

        return events
    if parser in _RDF_SUFFIX:
        from stancegraph.parse.rdfdoc import parse_rdf, rdf_format_for

        fmt = rdf_format_for("x" + _RDF_SUFFIX[parser])
        graph = "https://w3id.org/stancegraph/graph/source/fuzz"
        return lambda data: f"{len(parse_rdf(data, graph=graph, fmt=fmt, path='fuzz'))} quads"  # type: ignore[arg-type]
    if parser == "pipeline":
        from stancegraph.ingest.pipeline import ingest
        from stancegraph.store import Store

        store = Store(None)
        ingest(store, [REPO / "graph" / "actors.yaml"])
        names = [
            "fuzz-card.txt",
            "fuzz-brief.txt",
            "fuzz.yaml",
            "fuzz.ttl",
            "fuzz.jsonld",
            "fuzz.rdf",
        ]
        counter = iter(range(10**9))

        def pipeline(data: bytes) -> str:
            path = workdir / names[next(counter) % len(names)]
            path.write_bytes(data)
            before = _digest(store)
            try:
                report = ingest(store, [path])
            except BaseException:
                if _digest(store) != before:
                    raise AssertionError("a refused document changed the store") from None
                raise
            for s in report.sources:  # keep the store small: take the new source out again
                store.drop_graph(s.graph)
            if _digest(store) != before:
                raise AssertionError("retracting the new source did not restore the store")
            return f"{report.sources[0].triples} triples"

        return pipeline
    raise ValueError(f"unknown fuzz target {parser!r}")


def _read_exact(stream: Any, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def _worker(parser: str) -> None:  # pragma: no cover - runs in a child process
    from stancegraph.errors import StancegraphError

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    with tempfile.TemporaryDirectory(prefix="sg-fuzz-") as tmp:
        run = _target(parser, Path(tmp))
        stdout.write(b'{"ready": true}\n')
        stdout.flush()
        while True:
            try:
                (size,) = struct.unpack(">I", _read_exact(stdin, 4))
                data = _read_exact(stdin, size)
            except EOFError:
                return
            try:
                answer = {"outcome": "ok", "detail": run(data)}
            except StancegraphError as exc:
                answer = {"outcome": "refused", "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}
            except BaseException as exc:
                answer = {
                    "outcome": "error",
                    "detail": f"{type(exc).__name__}: {str(exc)[:300]}",
                    "trace": traceback.format_exc()[-3000:],
                }
            stdout.write(json.dumps(answer).encode() + b"\n")
            stdout.flush()


class _Worker:
    """A child process running :func:`_worker`, restarted after a crash or a hang."""

    def __init__(self, parser: str) -> None:
        self.parser = parser
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = dict(os.environ, PYTHONHASHSEED="0")
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", self.parser],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=str(REPO),
        )
        line = self._readline(120.0)
        if line is None or b"ready" not in line:
            raise RuntimeError(f"fuzz worker for {self.parser!r} did not start")

    def _readline(self, timeout: float) -> bytes | None:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        return self.proc.stdout.readline() or None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc = None

    def run(self, data: bytes, timeout: float) -> dict[str, Any]:
        if self.proc is None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(struct.pack(">I", len(data)) + data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return {"outcome": "crash", "detail": "worker died before reading the input"}
        line = self._readline(timeout)
        if line is None:
            died = self.proc.poll() is not None
            code = self.proc.returncode
            self.stop()
            if died:
                return {"outcome": "crash", "detail": f"worker died (exit status {code})"}
            return {"outcome": "hang", "detail": f"no answer within {timeout:g} s"}
        return dict(json.loads(line))


@dataclass(slots=True)
class Outcome:
    """A finding: an input that neither parsed nor was refused cleanly."""

    parser: str
    index: int
    outcome: str
    detail: str
    data: bytes
    trace: str = ""


@dataclass(slots=True)
class FuzzReport:
    """What one run tried and found, per parser."""

    seed: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    findings: list[Outcome] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def tried(self, parser: str) -> int:
        return sum(self.counts.get(parser, {}).values())

    def table(self) -> str:
        head = f"{'parser':<14}{'inputs':>8}{'parsed':>8}{'refused':>9}{'error':>7}{'crash':>7}{'hang':>6}{'s':>7}"
        rows = [head]
        for parser, c in self.counts.items():
            rows.append(
                f"{parser:<14}{self.tried(parser):>8}{c.get('ok', 0):>8}{c.get('refused', 0):>9}"
                f"{c.get('error', 0):>7}{c.get('crash', 0):>7}{c.get('hang', 0):>6}"
                f"{self.seconds.get(parser, 0.0):>7.1f}"
            )
        return "\n".join(rows)


def run_fuzz(
    parsers: tuple[str, ...] | list[str] = PARSERS,
    *,
    n: int = 300,
    seed: int = 0,
    timeout: float = 20.0,
    keep: int = 20,
) -> FuzzReport:
    """Fuzz each parser with ``n`` generated inputs, each bounded by ``timeout`` seconds."""
    report = FuzzReport(seed=seed)
    for parser in parsers:
        counts: dict[str, int] = {}
        worker = _Worker(parser)
        start = time.monotonic()
        try:
            for i, data in enumerate(generate(parser, n, seed=seed)):
                answer = worker.run(data, timeout)
                kind = answer["outcome"]
                counts[kind] = counts.get(kind, 0) + 1
                if kind not in {"ok", "refused"} and len(report.findings) < keep:
                    report.findings.append(
                        Outcome(parser, i, kind, answer["detail"], data, answer.get("trace", ""))
                    )
        finally:
            worker.stop()
        report.counts[parser] = counts
        report.seconds[parser] = time.monotonic() - start
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parser", action="append", choices=PARSERS, help="default: all")
    ap.add_argument("--n", type=int, default=1000, help="inputs per parser")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per input")
    ap.add_argument("--show", action="store_true", help="print each finding's trace")
    ap.add_argument("--save", type=Path, help="write failing inputs into this folder")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        _worker(args.worker)
        return 0
    report = run_fuzz(args.parser or PARSERS, n=args.n, seed=args.seed, timeout=args.timeout)
    print(report.table())
    for f in report.findings:
        print(f"\n[{f.parser} #{f.index}] {f.outcome}: {f.detail}")
        if args.show and f.trace:
            print(f.trace)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{f.parser}-{f.index}.bin").write_bytes(f.data)
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    raise SystemExit(main())
