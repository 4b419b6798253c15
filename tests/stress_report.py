"""Figures of the stress run, gathered from every xdist worker and printed once at the end.

Tests call :func:`record`; the controller prints one table in the terminal
summary (``make stress`` shows it; quick runs record too, so the table also
tells what a plain ``make test`` tried). Registered by ``conftest.py``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

__all__ = ["record"]

_ENV = "STANCEGRAPH_STRESS_REPORT"


def record(section: str, metric: str, value: float | int | str) -> None:
    """Add one figure (e.g. ``record("fuzz", "inputs tried: card", 10000)``)."""
    target = os.environ.get(_ENV)
    if not target:
        return
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"section": section, "metric": metric, "value": value}) + "\n")


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: the controller set the variable
        return
    fd, name = tempfile.mkstemp(prefix="stancegraph-figures-", suffix=".jsonl")
    os.close(fd)
    os.environ[_ENV] = name
    config._stancegraph_figures = name  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    name = getattr(config, "_stancegraph_figures", None)
    if not name or not Path(name).exists():
        return
    rows = [
        json.loads(line) for line in Path(name).read_text(encoding="utf-8").splitlines() if line
    ]
    Path(name).unlink(missing_ok=True)
    if not rows:
        return
    terminalreporter.section("stancegraph robustness figures")
    section = None
    for row in sorted(rows, key=lambda r: (r["section"], r["metric"])):
        if row["section"] != section:
            section = row["section"]
            terminalreporter.write_line(f"[{section}]")
        terminalreporter.write_line(f"  {row['metric']:<48} {row['value']}")
