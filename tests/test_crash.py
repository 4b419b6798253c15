"""Crash safety: SIGKILL during ingest, replace and retract never leaves a torn source.

A child process runs the real CLI against an on-disk store and is killed at a
random moment (seeded). After every kill the store must open, and each source
must be either absent or exactly as complete as a reference ingest made it.
The quick version kills a few times; ``STANCEGRAPH_STRESS=1`` (``make stress``)
kills at least 50 times per operation.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stress_report import record

from stancegraph.ingest.pipeline import ingest
from stancegraph.store import ONTOLOGY_GRAPH, Store
from stancegraph.validate import validate_store

STRESS = os.environ.get("STANCEGRAPH_STRESS") == "1"
KILLS = 50 if STRESS else 4
N_DOCS = 30


def _card(i: int) -> str:
    lines = [
        "type: stance-card",
        f"holder: Minister Number {i}",
        f"target: {{name: Policy Area {i % 7}, kind: issue}}",
        "stance: {polarity: %s, kind: policy, strength: moderate}"
        % ("positive" if i % 2 else "negative"),
        "summary: A generated card for the crash tests.",
        "timeline:",
    ]
    for j in range(40):
        lines.append(f"  - text: Statement {j} of minister {i} on policy {i % 7}.")
        lines.append(f"    date: '20{10 + j % 15:02d}-{1 + j % 12:02d}'")
        lines.append(f"    quote: 'quote {i}-{j}'")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], dict[str, int]]:
    folder = tmp_path_factory.mktemp("crash-docs")
    files = []
    for i in range(N_DOCS):
        f = folder / f"card-{i:03d}.yaml"
        f.write_text(_card(i), encoding="utf-8")
        files.append(f)
    with Store(None) as ref:
        report = ingest(ref, files)
        expected = {s.graph: s.triples for s in report.sources}
    return files, expected


def _child(store: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "stancegraph", "--store", str(store), "--wait", "5", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_at_random(proc: subprocess.Popen[bytes], rng: random.Random, span: float) -> bool:
    time.sleep(rng.uniform(0.0, span))
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    return killed


def _check(store_path: Path, expected: dict[str, int], *, variants: dict[str, set[int]]) -> int:
    """Every source is absent or complete; returns how many sources are present."""
    with Store(store_path, wait=10) as st:
        present = 0
        for info in st.sources():
            if info.graph == ONTOLOGY_GRAPH:
                continue
            n = st.count(info.graph)
            allowed = variants.get(info.graph, {expected.get(info.graph, -1)})
            assert n in allowed, f"torn source {info.path}: {n} quads, expected {allowed}"
            present += 1
        # no quads outside complete sources
        graphs = {g.value for g in st.ox.named_graphs()}
        sources = {i.graph for i in st.sources()}
        assert graphs <= sources, f"graphs without provenance: {graphs - sources}"
        return present


def _span(store: Path, *args: str) -> float:
    """How long an uninterrupted run takes, so kills land inside the work."""
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "stancegraph", "--store", str(store), *args],
        check=True,
        capture_output=True,
    )
    return time.monotonic() - start


def test_kill_during_ingest(tmp_path: Path, corpus: tuple[list[Path], dict[str, int]]) -> None:
    files, expected = corpus
    rng = random.Random(20261123)
    span = _span(tmp_path / "timing", "ingest", *map(str, files))
    kills = 0
    for round_ in range(KILLS):
        store = tmp_path / f"store-{round_ % 3}"
        proc = _child(store, "ingest", *map(str, files))
        kills += _kill_at_random(proc, rng, span)
        _check(store, expected, variants={})
    assert kills >= 1
    record("crash", "SIGKILLs during ingest survived", kills)
    # a clean run afterwards completes every source
    subprocess.run(
        [
            sys.executable,
            "-m",
            "stancegraph",
            "--store",
            str(tmp_path / "store-0"),
            "ingest",
            *map(str, files),
        ],
        check=True,
        capture_output=True,
    )
    assert _check(tmp_path / "store-0", expected, variants={}) == N_DOCS
    with Store(tmp_path / "store-0", read_only=True) as st:
        assert validate_store(st).conforms


def test_kill_during_replace_and_retract(
    tmp_path: Path, corpus: tuple[list[Path], dict[str, int]]
) -> None:
    files, expected = corpus
    rng = random.Random(7)
    store = tmp_path / "store"
    subprocess.run(
        [sys.executable, "-m", "stancegraph", "--store", str(store), "ingest", *map(str, files)],
        check=True,
        capture_output=True,
    )
    # changed versions of every document: one timeline item fewer
    changed_dir = tmp_path / "changed"
    changed_dir.mkdir()
    changed = []
    for f in files:
        text = f.read_text(encoding="utf-8").splitlines()
        c = changed_dir / f.name
        c.write_text("\n".join(text[:-3]) + "\n", encoding="utf-8")
        changed.append(c)
    with Store(None) as ref:
        new_counts = {s.graph: s.triples for s in ingest(ref, changed).sources}
    variants = {g: {expected[g], new_counts[g]} for g in expected}
    span = _span(tmp_path / "timing", "ingest", *map(str, changed))
    kills = 0
    for round_ in range(KILLS):
        docs = changed if round_ % 2 == 0 else files
        proc = _child(store, "ingest", *map(str, docs))
        kills += _kill_at_random(proc, rng, span)
        assert _check(store, expected, variants=variants) == N_DOCS
    record("crash", "SIGKILLs during replace survived", kills)
    retract_kills = 0
    for round_ in range(KILLS):
        proc = _child(store, "retract", files[round_ % N_DOCS].name)
        retract_kills += _kill_at_random(proc, rng, 1.5)
        _check(store, expected, variants=variants)
    record("crash", "SIGKILLs during retract survived", retract_kills)
