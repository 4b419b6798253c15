"""Every notebook in notebooks/ runs top to bottom on a fresh kernel, and is committed clean.

The kernel is this test run's own Python (a ``stancegraph`` kernelspec written
into a temporary Jupyter path, so the name matches the notebooks' metadata and
no kernel installed on the machine is picked up instead). Each notebook holds
its own assertions about its results, so one that runs but shows nonsense fails.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL_NAME = "stancegraph"
CELL_TIMEOUT = 180  # seconds per cell: a hung cell fails instead of stalling the suite
SERVER_NOTEBOOKS = {"04-sparql-server.ipynb"}


def _params() -> list[object]:
    out = []
    for nb in NOTEBOOKS:
        marks = [pytest.mark.server] if nb.name in SERVER_NOTEBOOKS else []
        out.append(pytest.param(nb, id=nb.stem, marks=marks))
    return out


def test_there_are_at_least_four_notebooks() -> None:
    names = [nb.name for nb in NOTEBOOKS]
    assert len(names) >= 4, names
    for expected in (
        "01-quick-start.ipynb",
        "02-trump-putin.ipynb",
        "03-network.ipynb",
        "04-sparql-server.ipynb",
    ):
        assert expected in names


@pytest.mark.parametrize("path", [pytest.param(nb, id=nb.stem) for nb in NOTEBOOKS])
def test_committed_clean(path: Path) -> None:
    """nbformat 4, valid, the project's kernel, and no outputs or execution counts."""
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    assert nb.nbformat == 4
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == KERNEL_NAME
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has committed outputs"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"
        machine_paths = ("/" + "work/", "/" + "tmp/")  # split so this file names none itself
        assert not any(m in cell.source for m in machine_paths), (
            f"{path.name} cell {i} names a machine path"
        )


@pytest.mark.parametrize("path", [pytest.param(nb, id=nb.stem) for nb in NOTEBOOKS])
def test_notebook_checks_its_results(path: Path) -> None:
    """A notebook that only runs proves little: each asserts something about its results."""
    nb = nbformat.read(path, as_version=4)
    asserts = [c for c in nb.cells if c.cell_type == "code" and "assert " in c.source]
    assert asserts, f"{path.name} has no cell that asserts on its results"


def test_makefile_kernel_matches_notebooks() -> None:
    """``make notebook`` registers the kernel the notebooks ask for."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert f"ipykernel install --user --name {KERNEL_NAME}" in makefile
    assert "[dev,notebook]" in makefile


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Jupyter data folder holding a ``stancegraph`` kernelspec for this very interpreter."""
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("jupyter")
    install(kernel_name=KERNEL_NAME, display_name=KERNEL_NAME, prefix=str(prefix))
    return prefix / "share" / "jupyter"


@pytest.mark.parametrize("path", _params())
def test_notebook_runs(path: Path, kernel_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient

    monkeypatch.setenv("JUPYTER_PATH", str(kernel_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    for var in ("STANCEGRAPH_ENDPOINT", "STANCEGRAPH_NOTEBOOK_STORE", "STANCEGRAPH_STORE"):
        monkeypatch.delenv(var, raising=False)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()  # raises CellExecutionError naming the cell on any error
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
