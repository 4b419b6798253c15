"""Malformed documents: every parser either parses or raises the project's own error.

Two kinds of generated input:

- the fuzz driver (``tests/fuzz_driver.py``): the real seeds, ``graph/`` and
  W3C files mutated deterministically, each input in a worker process with a
  time bound (a hang or a crash inside Rust is caught, not just Python
  exceptions); through the ingest pipeline, a refused document must leave
  the store unchanged;
- Hypothesis: arbitrary text and bytes, and structured near-misses, in process
  under a per-input ``setitimer`` alarm.

Quick runs try a few hundred inputs per parser; ``STANCEGRAPH_STRESS=1``
(``make stress``) runs the ``slow`` tests with at least 10,000 per parser and
prints the figures.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import random
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fuzz_driver import PARSERS, FuzzReport, generate, mutate, run_fuzz, seeds_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stress_report import record

from stancegraph.errors import ParseError, StancegraphError
from stancegraph.parse.card import parse_card
from stancegraph.parse.factcheck import parse_factcheck
from stancegraph.parse.rdfdoc import parse_rdf
from stancegraph.parse.yamlcard import parse_yaml
from stancegraph.resolve.registry import read_registry

STRESS = os.environ.get("STANCEGRAPH_STRESS") == "1"
QUICK_INPUTS = {"pipeline": 120, "registry": 150}  # the slower targets
QUICK_DEFAULT = 250
STRESS_INPUTS = 10_000
PER_INPUT_SECONDS = 30.0  # generous: a bound against hangs, not a speed test
EXAMPLES = 1000 if STRESS else 60
GRAPH = "https://w3id.org/stancegraph/graph/source/fuzz"


def _explain(report: FuzzReport) -> str:
    lines = [report.table()]
    for f in report.findings:
        lines.append(f"[{f.parser} #{f.index}] {f.outcome}: {f.detail}\n{f.trace}")
        lines.append(f"input (first 300 bytes): {f.data[:300]!r}")
    return "\n".join(lines)


def _record(report: FuzzReport, label: str) -> None:
    for parser in report.counts:
        c = report.counts[parser]
        record(
            f"fuzz ({label})",
            f"{parser}: inputs / parsed / refused / bad",
            f"{report.tried(parser)} / {c.get('ok', 0)} / {c.get('refused', 0)} / "
            f"{sum(v for k, v in c.items() if k not in {'ok', 'refused'})}",
        )


# -- the fuzz driver ---------------------------------------------------------------------


def test_mutations_are_deterministic() -> None:
    a = list(generate("card", 60, seed=5))
    b = list(generate("card", 60, seed=5))
    c = list(generate("card", 60, seed=6))
    assert a == b and a != c
    data = seeds_for("card")[0]
    assert mutate(data, random.Random(1)) == mutate(data, random.Random(1))


def test_seeds_are_real_documents() -> None:
    for parser in PARSERS:
        assert seeds_for(parser), parser
    assert any(b"Trump" in s for s in seeds_for("card"))


@pytest.mark.parametrize("parser", PARSERS)
def test_fuzz_quick(parser: str) -> None:
    n = QUICK_INPUTS.get(parser, QUICK_DEFAULT)
    report = run_fuzz([parser], n=n, seed=20261123, timeout=PER_INPUT_SECONDS)
    _record(report, "quick")
    assert report.tried(parser) == n
    assert not report.findings, _explain(report)
    c = report.counts[parser]
    assert c.get("ok", 0) > 0 and c.get("refused", 0) > 0  # both halves exercised


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_fuzz_stress() -> None:
    """At least 10,000 inputs per parser, two parsers at a time (each in its own worker)."""
    reports: list[FuzzReport] = []
    with cf.ThreadPoolExecutor(2) as pool:
        futures = [
            pool.submit(run_fuzz, [p], n=STRESS_INPUTS, seed=7, timeout=PER_INPUT_SECONDS)
            for p in PARSERS
        ]
        reports = [f.result() for f in futures]
    merged = FuzzReport(seed=7)
    for r in reports:
        merged.counts.update(r.counts)
        merged.seconds.update(r.seconds)
        merged.findings.extend(r.findings)
    print("\n" + merged.table())
    _record(merged, "stress")
    for parser in PARSERS:
        assert merged.tried(parser) >= STRESS_INPUTS
    assert not merged.findings, _explain(merged)


# -- Hypothesis, in process with an alarm ----------------------------------------------


class _TimeBoundError(Exception):
    pass


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise if the block runs longer than ``seconds`` (Python code only; see the driver)."""

    def fire(_signum: int, _frame: Any) -> None:
        raise _TimeBoundError(f"no result within {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _parses_or_refuses(fn: Callable[[], object]) -> None:
    with time_bound(20.0):
        try:
            fn()
        except StancegraphError:
            pass


_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_CARD_WORDS = st.sampled_from(
    [
        "Donald Trump on Vladimir Putin",
        "Stance: Mixed, strong, flip",
        "Stance:",
        "Timeline",
        "Actions",
        "Criticism",
        "Checked on 2025-03-01",
        "Findings",
        "- ",
        "2025-02-30",
        "July 2018",
        '"quoted"',
        "[1]",
        "\u201c",
        "\x00",
        "\ufeff",
        "\r\n",
        "9" * 50,
        "",
    ]
)
_near_card = st.lists(st.one_of(_CARD_WORDS, st.text(max_size=40)), max_size=40).map("\n".join)


@_SETTINGS
@given(st.one_of(st.text(), _near_card))
def test_card_parser_total(text: str) -> None:
    _parses_or_refuses(lambda: parse_card(text, path="h.txt"))


@_SETTINGS
@given(st.one_of(st.text(), _near_card))
def test_factcheck_parser_total(text: str) -> None:
    _parses_or_refuses(lambda: parse_factcheck(text, path="h.txt"))


_yaml_scalar = st.one_of(
    st.text(max_size=30), st.integers(), st.floats(), st.booleans(), st.none(), st.dates()
)
_yaml_value = st.recursive(
    _yaml_scalar,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=12), kids, max_size=4)
    ),
    max_leaves=20,
)
_card_keys = st.sampled_from(
    [
        "type",
        "holder",
        "target",
        "stance",
        "timeline",
        "actions",
        "criticism",
        "cards",
        "source",
        "actors",
        "name",
        "aliases",
    ]
)


@_SETTINGS
@given(st.one_of(st.text(), st.dictionaries(_card_keys, _yaml_value, max_size=6)))
def test_yaml_parser_total(doc: Any) -> None:
    import yaml

    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, allow_unicode=True)
    _parses_or_refuses(lambda: parse_yaml(text, path="h.yaml"))


@_SETTINGS
@given(st.one_of(st.text(), st.dictionaries(_card_keys, _yaml_value, max_size=6)))
def test_registry_reader_total(doc: Any) -> None:
    import tempfile

    import yaml

    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, allow_unicode=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "actors.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _parses_or_refuses(lambda: read_registry(path))


_FORMATS = [
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.TRIG,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.N_QUADS,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.RDF_XML,
]
_RDF_BITS = st.sampled_from(
    [
        "<http://e/a>",
        "_:b",
        '"x"',
        "@prefix e: <http://e/> .",
        "e:a",
        " . ",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        '{"@id": "http://e/a"',
        '"@context":',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
        "</rdf:RDF>",
        '<!DOCTYPE r [<!ENTITY a "&a;&a;">]>',
        "&a;",
        "<<",
        ">>",
        "\\u0000",
        "\x00",
        "\ufeff",
    ]
)
_near_rdf = st.lists(st.one_of(_RDF_BITS, st.text(max_size=10)), max_size=60).map("".join)


@_SETTINGS
@given(st.sampled_from(_FORMATS), st.one_of(st.binary(max_size=400), _near_rdf.map(str.encode)))
def test_rdf_parser_total(fmt: ox.RdfFormat, data: bytes) -> None:
    def run() -> None:
        for q in parse_rdf(data, graph=GRAPH, fmt=fmt, path="h"):
            assert q.graph_name == ox.NamedNode(GRAPH)

    _parses_or_refuses(run)


def test_parse_errors_name_the_file() -> None:
    """Where a path is given it is in the error, and a line where the syntax has one."""
    bad = {
        "card": lambda: parse_card("nothing here", path="x.txt"),
        "factcheck": lambda: parse_factcheck("no date", path="x.txt"),
        "yaml": lambda: parse_yaml("type: [", path="x.txt"),
        "rdf": lambda: parse_rdf(b"<a> <b> .", graph=GRAPH, fmt=ox.RdfFormat.TURTLE, path="x.txt"),
    }
    for name, fn in bad.items():
        with pytest.raises(ParseError) as err:
            fn()
        assert err.value.path == "x.txt", name
        assert err.value.line is not None or name == "factcheck", name


def test_pipeline_refusal_leaves_the_store_unchanged(tmp_path: Path) -> None:
    """A batch with one bad document writes nothing at all (the driver checks it per input)."""
    from stancegraph.ingest.pipeline import ingest
    from stancegraph.store import Store

    good = tmp_path / "good.ttl"
    good.write_text("<http://e/a> <http://e/b> <http://e/c> .\n", encoding="utf-8")
    bad = tmp_path / "bad.rdf"
    bad.write_bytes(
        (Path(__file__).parent / "fixtures" / "bombs" / "billion-laughs.rdf").read_bytes()
    )
    with Store(tmp_path / "store") as store:
        ingest(store, [good])
        before = sorted(str(q) for q in store.iter_quads())
        changed = tmp_path / "good.ttl"
        changed.write_text("<http://e/a> <http://e/b> <http://e/d> .\n", encoding="utf-8")
        with pytest.raises(ParseError):
            ingest(store, [changed, bad])
        assert sorted(str(q) for q in store.iter_quads()) == before
