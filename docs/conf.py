"""Sphinx configuration for the ppgraph documentation.

Build: ``sphinx-build -W --keep-going -b html docs docs/_build/html``
(``tests/test_docs.py`` runs exactly that, so CI builds the site).
"""

from __future__ import annotations

import ppgraph

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
autodoc_typehints = "description"
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
