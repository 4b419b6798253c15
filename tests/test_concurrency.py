"""Readers during a write, and two writers: nobody sees half a source, nothing is lost.

- A writer process ingests many documents (each source in its own
  transaction) while reader threads keep opening the store read-only (as
  ``stancegraph query`` does) and counting every source's quads: each source
  must be absent or complete in every snapshot.
- A second writer either fails at once with "in use by another writer" (exit
  status 2) or, with ``--wait``, waits its turn; both writers' sources end up
  complete and the store validates.

(``tests/test_crash.py`` covers SIGKILL in the middle of a write.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from stress_report import record
from test_crash import _card

from stancegraph.errors import StoreError
from stancegraph.ingest.pipeline import ingest
from stancegraph.store import ONTOLOGY_GRAPH, Store
from stancegraph.validate import validate_store

STRESS = os.environ.get("STANCEGRAPH_STRESS") == "1"
N_DOCS = 12
READERS = 2


def _corpus(folder: Path, prefix: str, n: int) -> tuple[list[Path], dict[str, int]]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        f = folder / f"{prefix}-{i:03d}.yaml"
        f.write_text(_card(i + (1000 if prefix == "b" else 0)), encoding="utf-8")
        files.append(f)
    with Store(None) as ref:
        expected = {s.graph: s.triples for s in ingest(ref, files).sources}
    return files, expected


def _cli(store: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "stancegraph", "--store", str(store), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


class Reader(threading.Thread):
    """Opens the store read-only again and again; records every torn source it sees."""

    def __init__(self, path: Path, expected: dict[str, int], stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.path, self.expected, self.stop = path, expected, stop
        self.snapshots = 0
        self.partial_progress = 0  # snapshots taken while some, not all, sources were in
        self.torn: list[str] = []
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with Store(self.path, read_only=True) as st:
                    present = 0
                    for graph, n in self.expected.items():
                        got = st.count(graph)
                        if got not in {0, n}:
                            self.torn.append(f"{graph}: {got} of {n} quads")
                        present += got == n
                    listed = {i.graph for i in st.sources()} - {ONTOLOGY_GRAPH}
                    for g in listed:
                        if st.count(g) != self.expected.get(g, -1):
                            self.torn.append(f"{g}: listed as a source but incomplete")
                self.snapshots += 1
                self.partial_progress += 0 < present < len(self.expected)
                time.sleep(0.01)  # leave the writer some CPU
            except StoreError as exc:
                self.errors.append(str(exc))
            except Exception as exc:  # anything else is a finding
                import traceback

                self.errors.append(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
                return


def _readers_during_write(tmp_path: Path, n_docs: int) -> dict[str, int]:
    files, expected = _corpus(tmp_path / "docs", "a", n_docs)
    store = tmp_path / "store"
    with Store(store) as st:  # exists, with the ontology, before readers start
        ingest(st, [files[0]])
    stop = threading.Event()
    readers = [Reader(store, expected, stop) for _ in range(READERS)]
    for r in readers:
        r.start()
    writer = _cli(store, "--wait", "30", "ingest", *map(str, files[1:]))
    _, err = writer.communicate(timeout=600)
    time.sleep(0.2)
    stop.set()
    for r in readers:
        r.join(timeout=60)
    assert writer.returncode == 0, err.decode()
    for r in readers:
        assert not r.errors, r.errors[:3]
        assert not r.torn, r.torn[:5]
    snapshots = sum(r.snapshots for r in readers)
    assert snapshots >= READERS
    with Store(store, read_only=True) as st:
        for graph, n in expected.items():
            assert st.count(graph) == n
        assert validate_store(st).conforms
    return {
        "snapshots": snapshots,
        "mid-write": sum(r.partial_progress for r in readers),
        "sources": len(expected),
    }


def test_readers_never_see_half_a_source(tmp_path: Path) -> None:
    figures = _readers_during_write(tmp_path, N_DOCS)
    record("concurrency", "reader snapshots checked (quick)", figures["snapshots"])
    record("concurrency", "snapshots taken mid-write (quick)", figures["mid-write"])
    record("concurrency", "torn sources seen by readers (quick)", 0)


def test_second_writer_fails_clearly_or_waits(tmp_path: Path) -> None:
    files, expected = _corpus(tmp_path / "docs", "b", 4)
    store = tmp_path / "store"
    Store(store).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from stancegraph.store import Store; s = Store(sys.argv[1]); "
            "print('locked', flush=True); sys.stdin.read()",
            str(store),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
        # No --wait: a clear error, exit status 2, nothing written.
        impatient = _cli(store, "ingest", str(files[0]))
        _, err = impatient.communicate(timeout=120)
        assert impatient.returncode == 2
        assert "in use by another writer" in err.decode(), err.decode()
        # --wait: blocks until the holder lets go, then succeeds.
        patient = _cli(store, "--wait", "60", "ingest", *map(str, files))
        time.sleep(1.0)
        assert patient.poll() is None  # still waiting
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    _, err = patient.communicate(timeout=120)
    assert patient.returncode == 0, err.decode()
    with Store(store, read_only=True) as st:
        for graph, n in expected.items():
            assert st.count(graph) == n
        assert validate_store(st).conforms


def test_two_writers_at_once_both_complete(tmp_path: Path) -> None:
    a_files, a_expected = _corpus(tmp_path / "a", "a", 10)
    b_files, b_expected = _corpus(tmp_path / "b", "b", 10)
    store = tmp_path / "store"
    a = _cli(store, "--wait", "120", "ingest", *map(str, a_files))
    b = _cli(store, "--wait", "120", "ingest", *map(str, b_files))
    for proc in (a, b):
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()
    with Store(store, read_only=True) as st:
        for graph, n in {**a_expected, **b_expected}.items():
            assert st.count(graph) == n, graph
        assert {i.graph for i in st.sources()} - {ONTOLOGY_GRAPH} == {*a_expected, *b_expected}
        assert validate_store(st).conforms
    record("concurrency", "concurrent writers, sources lost", 0)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_readers_during_long_writes_stress(tmp_path: Path) -> None:
    total = {"snapshots": 0, "mid-write": 0, "sources": 0}
    for round_ in range(5):
        figures = _readers_during_write(tmp_path / f"round-{round_}", 60)
        for k in total:
            total[k] += figures[k]
    print(
        f"\nconcurrency: {total['snapshots']} reader snapshots ({total['mid-write']} mid-write), "
        f"{total['sources']} sources written, 0 torn"
    )
    record("concurrency", "reader snapshots checked (stress)", total["snapshots"])
    record("concurrency", "snapshots taken mid-write (stress)", total["mid-write"])
    record("concurrency", "sources written under readers (stress)", total["sources"])
    record("concurrency", "torn sources seen by readers (stress)", 0)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_crash_kills_stress(tmp_path: Path) -> None:
    """``make stress`` selects ``slow`` tests only: run test_crash's kill loops (50 kills each) here."""
    import test_crash

    files, expected = _corpus(tmp_path / "docs", "a", test_crash.N_DOCS)
    assert [f.read_text() for f in files] == [test_crash._card(i) for i in range(test_crash.N_DOCS)]
    (tmp_path / "ingest").mkdir()
    (tmp_path / "replace").mkdir()
    test_crash.test_kill_during_ingest(tmp_path / "ingest", (files, expected))
    test_crash.test_kill_during_replace_and_retract(tmp_path / "replace", (files, expected))
