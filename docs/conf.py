"""Sphinx configuration for the ppgraph documentation.

Build: ``sphinx-build -W --keep-going -b html docs docs/_build/html``
(``tests/test_docs.py`` runs exactly that, so CI builds the site).
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
from typing import Any

import ppgraph
import ppgraph.tensor

project = "ppgraph"
author = "the ppgraph authors"
copyright = "the ppgraph authors"
release = ppgraph.__version__
version = release

extensions = [
    "myst_nb",  # Markdown pages (MyST) and notebooks
    "sphinx.ext.autodoc",  # the API reference, from the docstrings
    "sphinx.ext.napoleon",  # docstrings are Google style (Args:, Returns:, Example:)
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
# docs/notebooks is a link to ../notebooks: only the notebooks there are pages.
exclude_patterns = ["_build", "**.ipynb_checkpoints", "notebooks/*.md"]

# Notebooks are shown with the outputs stored in them, never executed here:
# the test suite executes them (tests/test_notebooks.py), so running them
# again would double the CI time and could not make the pages more correct.
nb_execution_mode = "off"
# A notebook output with a MIME type Sphinx cannot render (a progress-bar
# widget, say) is dropped; the text fallback stored beside it is shown.
suppress_warnings = ["mystnb.unknown_mime_type"]

myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
napoleon_google_docstring = True
napoleon_numpy_docstring = False

html_theme = "pydata_sphinx_theme"
html_title = f"ppgraph {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path: list[str] = []


# -- API lists filled in at build time ----------------------------------------
# A line ``<!-- api: tensor ppgraph.tensor.math -->`` in a page becomes one
# autodoc entry, documented as ``ppgraph.tensor.<name>``, for each public name
# of ``ppgraph.tensor`` defined in that module; ``<!-- api: distributions
# continuous -->`` does the same for ``ppgraph.distributions.continuous.__all__``
# as ``ppgraph.<name>``. So a new function or distribution appears in its
# section by itself; tests/test_docs.py fails for a public name that is on no
# page, and that name then needs a place on a page.
API_LINE = re.compile(r"^<!-- api: (tensor|distributions) (\S+) -->$", re.M)
UNLISTED = {"SCALAR_OPS"}  # documented by hand on the page


def _entry(qualname: str, obj: Any) -> str:
    if inspect.isclass(obj):
        directive = "autoclass"
    elif callable(obj):
        directive = "autofunction"
    else:
        directive = "autodata"
    return f"```{{eval-rst}}\n.. {directive}:: {qualname}\n```\n"


def _api_entries(match: re.Match[str]) -> str:
    kind, where = match.groups()
    if kind == "tensor":
        names = [
            n
            for n in ppgraph.tensor.__all__
            if n not in UNLISTED
            and not isinstance(getattr(ppgraph.tensor, n), types.ModuleType)
            and getattr(getattr(ppgraph.tensor, n), "__module__", None) == where
        ]
        return "\n".join(_entry(f"ppgraph.tensor.{n}", getattr(ppgraph.tensor, n)) for n in names)
    module = importlib.import_module(f"ppgraph.distributions.{where}")
    return "\n".join(_entry(f"ppgraph.{n}", getattr(ppgraph, n)) for n in module.__all__)


def _expand_api_lines(app: Any, docname: str, source: list[str]) -> None:
    if docname.startswith("api/"):
        source[0] = API_LINE.sub(_api_entries, source[0])


def _distribution_signature(
    app: Any, what: str, name: str, obj: Any, options: Any, signature: Any, annotation: Any
) -> tuple[str, str] | None:
    # ``pg.Normal(name, *args, **kwargs)`` says nothing; its parameters are those of
    # ``parametrize`` (PyMC's names), plus the model keywords (observed=, dims=, ...).
    if not (what == "class" and inspect.isclass(obj) and issubclass(obj, ppgraph.Distribution)):
        return None
    params = list(inspect.signature(obj.parametrize).parameters.values())
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return None
    plain = str(inspect.Signature([p.replace(annotation=p.empty) for p in params]))[1:-1]
    return (f"(name, {plain}, **kwargs)" if plain else "(name, **kwargs)"), ""


def setup(app: Any) -> None:
    app.connect("source-read", _expand_api_lines)
    app.connect("autodoc-process-signature", _distribution_signature)
