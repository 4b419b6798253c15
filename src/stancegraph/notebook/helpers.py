"""Glue for the notebooks in ``notebooks/``: the demo graph, a local server, two plots.

Why this module exists: notebooks are for reading, not for code. Anything a
notebook would otherwise define itself (finding the repository from the
notebook's working directory, building the demo graph the way ``make demo``
does, starting and stopping a throw-away Oxigraph server, plotting a stance
trajectory) lives here, where it has docstrings and tests, and the notebooks
stay one call per idea.

Examples
--------
>>> from stancegraph.notebook.helpers import demo_store
>>> store = demo_store()  # in memory, built from the repository's graph/
>>> store.count() > 0
True
"""

from __future__ import annotations

import atexit
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stancegraph.errors import StancegraphError, StoreError
from stancegraph.store import Store
from stancegraph.store.base import GraphStore

__all__ = [
    "OxigraphServer",
    "build_demo",
    "degree_histogram",
    "demo_store",
    "diff_frames",
    "find_repo_root",
    "oxigraph_server",
    "plot_trajectory",
    "start_oxigraph",
    "trajectory_frame",
]


def find_repo_root(start: str | Path | None = None) -> Path:
    """The stancegraph checkout that holds ``start`` (default: the working directory).

    A notebook runs with its own folder (``notebooks/``) as working directory,
    while a script may run from the root: walking up to the first folder with
    both ``pyproject.toml`` and ``graph/`` finds the repository either way, with
    no machine path written into the notebook. Falls back to the checkout the
    package was installed from (an editable install).

    Raises
    ------
    StancegraphError
        When neither ``start`` nor the package sits in a checkout.
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "graph").is_dir():
            return folder
    from stancegraph.paths import REPO_ROOT

    if REPO_ROOT is not None and (REPO_ROOT / "graph").is_dir():
        return REPO_ROOT
    raise StancegraphError(
        "no stancegraph checkout (a folder with pyproject.toml and graph/) "
        f"at or above {str(here)!r}"
    )


def demo_store(path: str | Path | None = None, *, root: str | Path | None = None) -> Store:
    """The graph ``make demo`` builds, in a fresh store (in memory by default).

    Parameters
    ----------
    path
        Folder for a persistent store (created if missing; an existing demo
        store there is brought up to date, unchanged sources are skipped).
        ``None`` keeps it in memory, which is what a notebook wants: nothing
        to clean up, nothing shared with the analyst's own ``.stancegraph``.
    root
        The repository (default: :func:`find_repo_root` from the working
        directory). Its ``graph/`` folder is built.

    Returns
    -------
    Store
        Open for reading and writing; close it (or use ``with``) when done.

    Notes
    -----
    Sources are recorded with repository-relative paths (``graph/sources/...``),
    as ``make demo`` records them, so results never show where the checkout
    lives on this machine.
    """
    store = Store(path)
    try:
        build_demo(store, root=root)
    except BaseException:
        store.close()
        raise
    return store


def build_demo(store: GraphStore, *, root: str | Path | None = None) -> Any:
    """Build the repository's ``graph/`` into ``store`` (embedded or remote), as ``make demo``.

    Parameters
    ----------
    store
        A :class:`~stancegraph.store.Store` or a :class:`~stancegraph.store.RemoteStore`
        (then every source graph travels to the server with one Graph Store
        Protocol request).
    root
        The repository (default: :func:`find_repo_root` from the working directory).

    Returns
    -------
    stancegraph.ingest.pipeline.IngestReport
        What was added, replaced or left unchanged.
    """
    from stancegraph.ingest.pipeline import build

    repo = find_repo_root(root)
    cwd = Path.cwd()
    os.chdir(repo)  # sources are recorded as graph/..., never as a machine path
    try:
        return build(store, Path("graph"))
    finally:
        os.chdir(cwd)


# -- a throw-away Oxigraph server ---------------------------------------------------
@dataclass
class OxigraphServer:
    """An ``oxigraph serve`` process this session started on 127.0.0.1.

    Only :meth:`stop` ends it (it signals exactly this process); use the
    object as a context manager, or call :meth:`stop` in the notebook's last cell.
    """

    port: int
    location: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint (what ``--endpoint`` takes)."""
        return self.base_url + "/query"

    @property
    def update_url(self) -> str:
        return self.base_url + "/update"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint."""
        return self.base_url + "/store"

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def remote(self, **options: Any) -> Any:
        """A :class:`stancegraph.store.remote.RemoteStore` on this server."""
        from stancegraph.store import RemoteStore

        return RemoteStore(self.query_url, **options)

    def stop(self, *, timeout: float = 10.0) -> int | None:
        """Terminate the server (SIGTERM, then SIGKILL after ``timeout`` s); returns its status."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        return self.process.returncode

    def __enter__(self) -> OxigraphServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if found is None:
        raise StoreError(
            "the 'oxigraph' command is missing: install the 'oxigraph' package "
            "(a dev dependency of stancegraph) into this environment"
        )
    return found


def start_oxigraph(
    location: str | Path,
    *,
    port: int | None = None,
    union_default_graph: bool = True,
    timeout: float = 30.0,
) -> OxigraphServer:
    """Start ``oxigraph serve`` on 127.0.0.1 and wait until it answers.

    Parameters
    ----------
    location
        Folder of the server's database (created by Oxigraph if missing).
    port
        TCP port; default a free one picked now.
    union_default_graph
        Query the union of all named graphs by default, as the query library
        expects (stancegraph keeps each source in its own graph).
    timeout
        Seconds to wait for the first answer before giving up (and stopping it).

    Returns
    -------
    OxigraphServer
        The running server; it binds to the loopback address only.
    """
    port = port or _free_port()
    cmd = [_oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        cmd.append("--union-default-graph")
    # stderr goes to a temporary file, not a pipe: a pipe nobody reads fills up
    # and stalls a long-running server.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
    server = OxigraphServer(port=port, location=Path(location), process=proc)
    # A notebook that fails before its last cell must not leave the server running
    # after the kernel exits: stop it (this process only) at interpreter exit too.
    atexit.register(server.stop)
    deadline = time.monotonic() + timeout
    probe = server.query_url + "?query=ASK%7B%7D"
    while True:
        if proc.poll() is not None:
            log.seek(0)
            err = log.read().decode("utf-8", "replace")
            raise StoreError(f"oxigraph serve exited with status {proc.returncode}: {err.strip()}")
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return server
        except urllib.error.HTTPError:
            return server
        except OSError as exc:
            if time.monotonic() > deadline:
                server.stop()
                raise StoreError(
                    f"oxigraph serve did not answer on {server.base_url} within {timeout} s: {exc}"
                ) from exc
            time.sleep(0.1)


@contextmanager
def oxigraph_server(location: str | Path, **options: Any) -> Iterator[OxigraphServer]:
    """:func:`start_oxigraph` as a ``with`` block that always stops the server."""
    server = start_oxigraph(location, **options)
    try:
        yield server
    finally:
        server.stop()


# -- comparing results ----------------------------------------------------------------
def diff_frames(
    left: Any, right: Any, *, set_columns: tuple[str, ...] | list[str] = (), sep: str = " | "
) -> Any:
    """The cells where two query results disagree (an empty DataFrame when they agree).

    Why not ``DataFrame.equals``: the same query on two engines (or two runs)
    may legitimately differ in ways SPARQL leaves open. ``GROUP_CONCAT`` has
    no defined order, so the library's ``quote`` columns (parts joined by
    ``" | "``) are compared as sets when listed in ``set_columns``; missing
    values compare equal whether they are ``None`` or ``NaN``.

    Parameters
    ----------
    left, right
        DataFrames from :func:`stancegraph.query` (same query, two stores).
    set_columns
        Columns whose cells are ``sep``-joined parts in no particular order.
    sep
        The ``GROUP_CONCAT`` separator.

    Returns
    -------
    pandas.DataFrame
        Columns ``row``, ``column``, ``left``, ``right``; one row per
        differing cell, plus one row (``column="<shape>"``) when the shapes
        or column names differ.
    """
    import pandas as pd

    out: list[dict[str, Any]] = []
    if list(left.columns) != list(right.columns) or len(left) != len(right):
        out.append(
            {
                "row": None,
                "column": "<shape>",
                "left": (len(left), list(left.columns)),
                "right": (len(right), list(right.columns)),
            }
        )
        return pd.DataFrame(out, columns=["row", "column", "left", "right"])

    def norm(value: Any, column: str) -> Any:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
            return None
        if column in set_columns and isinstance(value, str):
            return frozenset(value.split(sep))
        return value

    for i in range(len(left)):
        for col in left.columns:
            a, b = left.iloc[i][col], right.iloc[i][col]
            if norm(a, col) != norm(b, col):
                out.append({"row": i, "column": col, "left": a, "right": b})
    return pd.DataFrame(out, columns=["row", "column", "left", "right"])


# -- plots --------------------------------------------------------------------------
def trajectory_frame(traj: Any) -> Any:
    """A trajectory's periods as a DataFrame: one row per period, in time order.

    Columns: ``period`` (its key), ``start``, ``end`` and ``mid`` (timestamps:
    a period is plotted at its middle, so a year known only as "2025" lands
    after the months of that year, where the trajectory sorts it), ``value``
    (mean polarity, -1..1), ``sign``, ``mixed`` (bool), ``points`` (how many).
    """
    import pandas as pd

    rows = [
        {
            "period": p.key,
            "start": pd.Timestamp(p.start) if p.start else pd.NaT,
            "end": pd.Timestamp(p.end) if p.end else pd.NaT,
            "value": round(p.value, 4),
            "sign": p.sign,
            "mixed": p.mixed_reason is not None,
            "points": len(p.points),
        }
        for p in traj.periods
    ]
    frame = pd.DataFrame(
        rows, columns=["period", "start", "end", "value", "sign", "mixed", "points"]
    )
    frame["mid"] = frame["start"] + (frame["end"] - frame["start"]) / 2
    return frame


def plot_trajectory(traj: Any, *, ax: Any = None) -> Any:
    """Plot a stance trajectory: mean polarity per period over time, flips marked.

    A table of periods hides the shape of a relationship; the picture shows
    warm and cold spells at a glance. Points are coloured by sign (green
    positive, red negative, grey neutral), mixed periods are drawn hollow, and
    each flip is a dashed vertical line between the two periods it separates.

    Parameters
    ----------
    traj
        A :class:`stancegraph.analysis.trajectory.Trajectory`.
    ax
        A matplotlib Axes to draw on (default: a new figure's).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.5))
    frame = trajectory_frame(traj).dropna(subset=["mid", "value"])
    colours = {1: "tab:green", -1: "tab:red", 0: "tab:grey"}
    ax.axhline(0, color="black", linewidth=0.8)
    if not frame.empty:
        ax.plot(frame["mid"], frame["value"], color="tab:blue", linewidth=1, zorder=1)
        for _, row in frame.iterrows():
            c = colours.get(int(row["sign"]), "tab:grey")
            ax.hlines(row["value"], row["start"], row["end"], colors=c, linewidth=3, alpha=0.4)
            ax.scatter(
                [row["mid"]],
                [row["value"]],
                s=30 + 12 * row["points"],
                facecolors="none" if row["mixed"] else c,
                edgecolors=c,
                linewidths=2,
                zorder=2,
            )
    mids = dict(zip(frame["period"], frame["mid"], strict=True))
    for i, flip in enumerate(traj.flips):
        a, b = mids.get(flip.before.key), mids.get(flip.after.key)
        if a is None or b is None:
            continue
        ax.axvline(
            a + (b - a) / 2,
            color="tab:purple",
            linestyle="--",
            linewidth=1,
            label="flip" if i == 0 else None,
        )
    ax.set_ylim(-1.1, 1.1)
    ax.set_ylabel("mean polarity")
    ax.set_title(f"{traj.holder_label} → {traj.target_label} ({traj.freq})")
    if traj.flips:
        ax.legend(loc="lower left")
    ax.figure.autofmt_xdate()
    ax.figure.tight_layout()
    return ax


def degree_histogram(G: Any, *, ax: Any = None) -> Any:  # noqa: N803 - networkx convention
    """Bar chart of how many actors have each degree (edges counted once per pair).

    Why a histogram and not a table: in a relationship network a few hubs and
    many actors with one tie is the usual shape, and a picture shows that
    skew at once. Multi-edges between the same two actors count once, and
    direction is ignored, so the degree is "how many others an actor is tied to".

    Parameters
    ----------
    G
        A NetworkX graph (e.g. :func:`stancegraph.project.graph.to_networkx`).
    ax
        A matplotlib Axes to draw on (default: a new figure's).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    import networkx as nx
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    simple = nx.Graph(G.to_undirected()) if G.is_directed() or G.is_multigraph() else G
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    counts = nx.degree_histogram(simple)
    ax.bar(range(len(counts)), counts, color="tab:blue")
    ax.set_xlabel("degree (distinct neighbours)")
    ax.set_ylabel("actors")
    ax.set_title(f"Degree distribution ({simple.number_of_nodes()} actors)")
    ax.set_xticks(range(len(counts)))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.figure.tight_layout()
    return ax
