"""Shared fixtures: the demo graph in a temporary store, and a real Oxigraph server.

Fixtures
--------
``demo_store_path``
    Session-scoped folder of an embedded store built from the repository's
    ``graph/`` (the demo graph: actor registry, stance card, fact-check brief).
    Built once per test process with relative source paths (``graph/...``), so
    results never contain a machine path. Open it yourself, read-only, when a
    test needs its own handle (e.g. a server or a subprocess).
``demo_store``
    Session-scoped :class:`stancegraph.store.embedded.Store` opened on that folder,
    read-only: tests must not change it (copy what you need into ``tmp_path``).
``oxigraph_server``
    Session-scoped real ``oxigraph serve`` on 127.0.0.1 with a free port, an
    empty store in a temporary folder and ``--union-default-graph``; yields an
    :class:`OxigraphServer` (``query_url``, ``update_url``, ``store_url``,
    ``remote()`` for a :class:`stancegraph.store.remote.RemoteStore`). The process is
    terminated at the end of the session. Tests that use it are marked
    ``server``. Tests sharing it load into their own graphs or clear it first.
``oxigraph_demo``
    The same server loaded with the demo graph through ``RemoteStore`` (the
    Graph Store Protocol), graph for graph as in ``demo_store``.

Markers: ``slow`` tests are skipped unless ``STANCEGRAPH_STRESS=1``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["stress_report"]  # robustness figures in the terminal summary

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("STANCEGRAPH_STRESS") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set STANCEGRAPH_STRESS=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def build_demo(path: Path) -> Path:
    """Build the demo graph (``graph/``) into a store folder, with relative source paths."""
    from stancegraph.ingest.pipeline import build
    from stancegraph.store import Store

    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        with Store(path) as store:
            build(store, Path("graph"))
    finally:
        os.chdir(cwd)
    return path


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a store holding the demo graph (build once per test process)."""
    return build_demo(tmp_path_factory.mktemp("demo") / "store")


@pytest.fixture(scope="session")
def demo_store(demo_store_path: Path) -> Iterator[object]:
    """The demo graph, opened read-only."""
    from stancegraph.store import Store

    store = Store(demo_store_path, read_only=True)
    yield store
    store.close()


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server this test run started (only that process): terminate, then kill."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` command of this virtualenv (PyPI package ``oxigraph``), if installed."""
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


def wait_http(
    url: str, *, timeout: float = 30.0, proc: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll ``url`` until it answers (any HTTP status), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError as exc:
            last = exc
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s: {last}")


@dataclass
class OxigraphServer:
    """A running ``oxigraph serve`` process on 127.0.0.1."""

    port: int
    process: subprocess.Popen[bytes]
    location: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    def remote(self, **kwargs: object) -> object:
        """A RemoteStore on this server (GSP and update endpoints derived from /query)."""
        from stancegraph.store import RemoteStore

        return RemoteStore(self.query_url, **kwargs)  # type: ignore[arg-type]

    def clear(self) -> None:
        """Drop everything (for tests that need an empty server)."""
        req = urllib.request.Request(
            self.update_url,
            data=b"DROP ALL",
            method="POST",
            headers={"Content-Type": "application/sparql-update"},
        )
        with urllib.request.urlopen(req, timeout=30):
            pass


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real Oxigraph server on 127.0.0.1 (free port), stopped at the end of the session."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.fail("the 'oxigraph' command is missing: pip install oxigraph (a dev dependency)")
    location = tmp_path_factory.mktemp("oxigraph") / "db"
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = OxigraphServer(port=port, process=proc, location=location)
    try:
        wait_http(server.query_url + "?query=ASK%7B%7D", proc=proc)
        yield server
    finally:
        stop_process(proc)


@pytest.fixture(scope="session")
def oxigraph_demo(oxigraph_server: OxigraphServer, demo_store: object) -> OxigraphServer:
    """The Oxigraph server holding the demo graph, loaded graph by graph through RemoteStore."""
    load_into_remote(demo_store, oxigraph_server.remote())
    return oxigraph_server


def load_into_remote(store: object, remote: object) -> int:
    """Copy every named graph of an embedded store to a RemoteStore (GSP PUT per graph)."""
    import pyoxigraph as ox

    by_graph: dict[str, list[ox.Quad]] = {}
    for q in store.ox.quads_for_pattern(None, None, None, None):  # type: ignore[attr-defined]
        if isinstance(q.graph_name, ox.NamedNode):
            by_graph.setdefault(q.graph_name.value, []).append(q)
    for graph, quads in sorted(by_graph.items()):
        remote.replace_graph(graph, quads)  # type: ignore[attr-defined]
    return sum(len(v) for v in by_graph.values())


@contextlib.contextmanager
def served_store(
    store: Path, *, timeout: float, max_results: int, max_request_bytes: int
) -> Iterator[dict[str, Any]]:
    """Run ``stancegraph serve`` over ``store`` on a free 127.0.0.1 port; stop only that process."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "stancegraph", "--store", str(store), "serve",
            "--port", str(port), "--timeout", str(timeout),
            "--max-results", str(max_results), "--max-request-bytes", str(max_request_bytes),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_http(url, proc=proc, timeout=60)
        yield {"url": url, "port": port, "store": store, "proc": proc}
    finally:
        stop_process(proc)
