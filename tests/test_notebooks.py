"""The notebooks in ``notebooks/``: each runs top to bottom in a fresh kernel
without an error or a warning from ppgraph, and the committed file carries the
outputs of that run (so readers and the docs see them without running it)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebooks extra runs the notebooks")
nbclient = pytest.importorskip("nbclient", reason="the notebooks extra runs the notebooks")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = ("ppgraph_and_jax", "sampling", "accelerators")
MIN_PLOTS = {"ppgraph_and_jax": 3, "sampling": 10, "accelerators": 1}
CELL_TIMEOUT = 300  # seconds; a sampling cell takes ~20 s on a loaded 2-core machine

# Run first in the kernel. A warning raised while ppgraph's code is on the stack,
# or of a warning class of ppgraph's, becomes an error; other libraries' warnings
# pass. It imports neither JAX nor ppgraph: a notebook may set XLA_FLAGS first.
PREAMBLE = """
import importlib.util, os, sys, warnings
_PPGRAPH = os.path.dirname(importlib.util.find_spec("ppgraph").origin) + os.sep
_show = warnings.showwarning

def _ours_are_errors(message, category, filename, lineno, file=None, line=None):
    ours = category.__module__.startswith("ppgraph")
    frame = sys._getframe(1)
    while frame is not None and not ours:
        ours = frame.f_code.co_filename.startswith(_PPGRAPH)
        frame = frame.f_back
    if ours:
        raise AssertionError(f"ppgraph warned: {category.__name__}: {message}")
    _show(message, category, filename, lineno, file, line)

warnings.simplefilter("default")
warnings.showwarning = _ours_are_errors
"""


def _params() -> list[Any]:
    # One xdist group per notebook: with --dist loadgroup each runs in its own worker.
    return [pytest.param(n, marks=pytest.mark.xdist_group(f"notebook-{n}"), id=n)
            for n in NOTEBOOKS]  # fmt: skip


def _read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("name", _params())
def test_notebook_runs_in_a_fresh_kernel(name: str, tmp_path: Path) -> None:
    copy = tmp_path / f"{name}.ipynb"
    shutil.copyfile(NOTEBOOK_DIR / f"{name}.ipynb", copy)
    nb = _read(copy)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    _execute(nb)  # a cell error raises CellExecutionError, naming the cell
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert _count_plots(nb) >= MIN_PLOTS[name]


def _execute(nb: Any) -> None:
    """Run ``nb`` (in place) in a fresh python3 kernel, in the notebooks folder."""
    nb.cells.insert(0, nbformat.v4.new_code_cell(PREAMBLE))
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )  # fmt: skip
    client.execute()


def test_a_ppgraph_warning_fails_a_notebook_and_others_do_not() -> None:
    others = "import warnings\nwarnings.warn('a library says hello', FutureWarning)"
    ours = "import ppgraph as pg\nwarnings.warn('r-hat is high', pg.SamplingWarning)"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(others)])
    _execute(nb)
    assert "a library says hello" in nb.cells[1].outputs[0]["text"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in (others, ours)])
    with pytest.raises(nbclient.exceptions.CellExecutionError, match="ppgraph warned"):
        _execute(nb)


def _count_plots(nb: Any) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
               for o in c.outputs)  # fmt: skip


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_has_its_outputs(name: str) -> None:
    nb = _read(NOTEBOOK_DIR / f"{name}.ipynb")
    code = [c for c in nb.cells if c.cell_type == "code"]
    # Executed once, top to bottom: execution counts 1, 2, 3, ...
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    # Only a cell that binds names or sets things up may print nothing.
    silent = [c.source.splitlines()[0] for c in code if not c.outputs]
    assert len(silent) <= 2, silent
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert _count_plots(nb) >= MIN_PLOTS[name]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_matches_its_source_and_opens_and_closes_in_prose(name: str) -> None:
    spec = importlib.util.spec_from_file_location("_nb_make", NOTEBOOK_DIR / "_make.py")
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    try:
        built = make.build(name)
    finally:
        sys.modules.pop(f"_cells_{name}", None)
    committed = _read(NOTEBOOK_DIR / f"{name}.ipynb")
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in built.cells
    ], "the .ipynb is out of date with notebooks/_cells_*.py: run python notebooks/_make.py"
    first, last = committed.cells[0], committed.cells[-1]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert last.cell_type == "markdown" and "## Where to go next" in last.source
