"""The documentation site and the README: the site builds with warnings as
errors, every public name is in its API reference, the notebooks are rendered,
and every code example in the pages and in README.md runs.

Code examples: in each page, the ```` ```python ```` blocks run in order in one
namespace, and the ```` ```pycon ```` blocks are doctests in that namespace, so
their printed results are checked too. Each page runs in its own process (a
page may register a new op or distribution, which must not leak into other
tests).
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = ("ppgraph_and_jax", "sampling", "accelerators")
# ``` fences, indented or not (a block inside a list item): the language, the body.
FENCE = re.compile(r"^([ \t]*)```(\w+)[^\n]*\n(.*?)^[ \t]*```[ \t]*$", re.S | re.M)


def code_blocks(text: str) -> list[tuple[str, str]]:
    """The ``(language, body)`` of each fenced ``python`` or ``pycon`` block."""
    return [
        (lang, textwrap.dedent(body))
        for indent, lang, body in FENCE.findall(text)
        if lang in ("python", "pycon")
    ]


def run_page(path: Path) -> None:
    """Run a page's examples; raise AssertionError naming the first that fails."""
    # A real module, so that classes defined in a page (a dataclass op) work.
    module = types.ModuleType("docs_page")
    sys.modules[module.__name__] = module
    namespace = module.__dict__
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    for i, (lang, body) in enumerate(code_blocks(path.read_text())):
        where = f"{path.name}, code block {i + 1} ({lang})"
        if lang == "python":
            exec(compile(body, where, "exec"), namespace)
            continue
        test = doctest.DocTestParser().get_doctest(body, namespace, where, str(path), 0)
        runner = doctest.DocTestRunner(optionflags=flags)
        runner.run(test, clear_globs=False)
        namespace.update(test.globs)  # DocTest ran on a copy of the namespace
        if runner.failures:
            raise AssertionError(f"{where}: {runner.failures} doctest failure(s), printed above")


def _run_in_subprocess(path: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        # -P: the script's folder (tests/, which holds a `random` package) must
        # not shadow the standard library.
        [sys.executable, "-P", __file__, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, f"{path}:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"


PAGES = sorted(
    p for p in DOCS.rglob("*.md") if "_build" not in p.parts and code_blocks(p.read_text())
)


def test_pages_have_examples() -> None:
    # The collection below must not silently become empty (a moved docs/ folder, a
    # changed fence style): these pages are known to carry examples.
    names = {p.relative_to(DOCS).as_posix() for p in PAGES}
    assert {"getting_started.md", "howto/samplers.md", "concepts/checks.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_examples_run(page: Path) -> None:
    _run_in_subprocess(page)


def test_readme_example_runs() -> None:
    readme = ROOT / "README.md"
    assert any("pg.sample(" in body for _, body in code_blocks(readme.read_text()))
    _run_in_subprocess(readme)


def test_readme_feature_table_points_at_tests_that_exist() -> None:
    # Each ppgraph "yes" links a test file, and names a test in it where one shows it.
    rows = [line for line in (ROOT / "README.md").read_text().splitlines() if "| yes: [" in line]
    assert len(rows) >= 10
    for row in rows:
        cell = row.split("| yes: ", 1)[1].split(" |", 1)[0]
        for path, names in re.findall(r"\]\((tests/[\w/]+\.py)\)(?: \(([^)]*)\))?", cell):
            source = (ROOT / path).read_text()
            for name in re.findall(r"`(test_\w+)`", names):
                assert f"def {name}(" in source, f"{path} has no {name}"


def test_code_block_extraction() -> None:
    # The runner must see exactly the python/pycon fences, not bash or text ones.
    text = "a\n```python\nx = 1\n```\n```bash\nls\n```\n- item\n\n  ```pycon\n  >>> x\n  1\n  ```\n"
    assert code_blocks(text) == [("python", "x = 1\n"), ("pycon", ">>> x\n1\n")]


def test_failing_example_is_reported(tmp_path: Path) -> None:
    page = tmp_path / "bad.md"
    page.write_text("```pycon\n>>> 1 + 1\n3\n```\n")
    with pytest.raises(AssertionError, match=r"bad\.md, code block 1"):
        run_page(page)


def _inventory_names(path: Path) -> set[str]:
    from sphinx.util.inventory import InventoryFile

    with path.open("rb") as f:
        inventory = InventoryFile.load(f, "", lambda base, uri: uri)
    data = getattr(inventory, "data", inventory)  # a plain dict before Sphinx 8.2
    return {name for entries in data.values() for name in entries}


def _build_site(out: Path) -> None:
    # -W: every warning is an error (a broken reference, a docstring that does not
    # render, a missing notebook).
    command = ["-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS), str(out)]
    proc = subprocess.run(
        [sys.executable, *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, f"sphinx-build failed:\n{proc.stdout}\n{proc.stderr}"


def test_site_builds_with_the_whole_api_and_the_notebooks(tmp_path: Path) -> None:
    # One test, so that the site is built once however pytest-xdist splits the tests.
    import ppgraph
    import ppgraph.tensor

    _build_site(tmp_path)
    for page in ("index", "getting_started", "api/index", "about"):
        assert (tmp_path / f"{page}.html").is_file(), page

    names = _inventory_names(tmp_path / "objects.inv")
    missing = [f"ppgraph.{n}" for n in ppgraph.__all__ if f"ppgraph.{n}" not in names]
    missing += [
        f"ppgraph.tensor.{n}" for n in ppgraph.tensor.__all__ if f"ppgraph.tensor.{n}" not in names
    ]
    assert not missing, f"not in the API reference (add them to a page in docs/api/): {missing}"
    # A module in __all__ is documented as a module, its functions on the page.
    assert isinstance(ppgraph.tensor.random, types.ModuleType)
    assert "ppgraph.tensor.random.normal" in names

    for name in NOTEBOOKS:
        assert (ROOT / "notebooks" / f"{name}.ipynb").is_file(), name
        html = tmp_path / "notebooks" / f"{name}.html"
        assert html.is_file(), html
        # Rendered from the stored outputs: the notebook's plots are in the page.
        assert "<img" in html.read_text(), f"{name}: no image output rendered"


if __name__ == "__main__":
    run_page(Path(sys.argv[1]))
