"""Write the notebooks from the cell texts in ``_cells_*.py`` and execute them,
saving each WITH its outputs (plots as PNG), so readers see them without running.

Run from the repository root (it takes a minute or two per notebook):

    python notebooks/_make.py                 # all three
    python notebooks/_make.py sampling        # one, by name

This script is not part of the package; ``tests/test_notebooks.py`` executes the
committed notebooks again in a fresh kernel.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
NOTEBOOKS = ("ppgraph_and_jax", "sampling", "accelerators")


def build(name: str) -> nbformat.NotebookNode:
    """The notebook ``name`` from ``_cells_{name}.CELLS`` (a list of (kind, text))."""
    sys.path.insert(0, str(HERE))
    try:
        cells = importlib.import_module(f"_cells_{name}").CELLS
    finally:
        sys.path.remove(str(HERE))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    for kind, text in cells:
        text = text.strip("\n")
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(text))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(text))
    return nb


def main(names: list[str]) -> None:
    for name in names or NOTEBOOKS:
        nb = build(name)
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(HERE)}}).execute()  # fmt: skip
        nbformat.validate(nb)
        # Cell ids are random: make them stable so a rebuild diffs only on outputs.
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{name[:12]}-{i:03d}"
        nbformat.write(nb, HERE / f"{name}.ipynb")
        print(f"{name}.ipynb: {len(nb.cells)} cells, {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
