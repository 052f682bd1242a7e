"""``model_to_graphviz``: nodes, edges and plates of models whose structure we
wrote down by hand, the DOT text, and the matplotlib drawing."""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph as pg
from ppgraph.model.graph import ModelGraph, model_to_graphviz

Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


@pytest.fixture
def eight_schools() -> pg.Model:
    with pg.Model(coords={"school": list("ABCDEFGH")}) as m:
        mu = pg.Normal("mu", 0.0, 5.0)
        tau = pg.HalfCauchy("tau", 5.0)
        theta_t = pg.Normal("theta_t", 0.0, 1.0, dims="school")
        theta = pg.Deterministic("theta", mu + tau * theta_t, dims="school")
        pg.Normal("obs", theta, SIGMA, observed=Y, dims="school")
    return m


@pytest.fixture
def regression() -> pg.Model:
    """Data without dims (a shape plate), a potential, a chain through a deterministic."""
    with pg.Model() as m:
        x = pg.Data("x", np.linspace(0.0, 1.0, 5))
        a = pg.Normal("a", 0.0, 1.0, shape=3)
        s = pg.HalfNormal("s", 1.0)
        mu = pg.Deterministic("mu", a[0] + a[1] * x)
        pg.Normal("y", mu, s, observed=np.ones(5))
        pg.Potential("s_small", -(s**2))
    return m


def test_eight_schools_nodes_edges_plates(eight_schools: pg.Model) -> None:
    g = model_to_graphviz(eight_schools)
    kinds = {n.name: (n.kind, n.what) for n in g.nodes}
    assert kinds == {
        "mu": ("free", "Normal"),
        "tau": ("free", "HalfCauchy"),
        "theta_t": ("free", "Normal"),
        "theta": ("deterministic", "Deterministic"),
        "obs": ("observed", "Normal"),
    }
    assert set(g.edges) == {("mu", "theta"), ("tau", "theta"), ("theta_t", "theta"),
                            ("theta", "obs")}  # fmt: skip
    assert len(g.edges) == 4  # obs reads mu and tau only through theta
    assert g.plates == {"": ["mu", "tau"], "school (8)": ["theta_t", "theta", "obs"]}


def test_regression_data_potential_and_shape_plates(regression: pg.Model) -> None:
    g = model_to_graphviz(regression)
    kinds = {n.name: n.kind for n in g.nodes}
    assert kinds == {"x": "data", "a": "free", "s": "free", "mu": "deterministic",
                     "y": "observed", "s_small": "potential"}  # fmt: skip
    assert set(g.edges) == {("x", "mu"), ("a", "mu"), ("mu", "y"), ("s", "y"),
                            ("s", "s_small")}  # fmt: skip
    # mu's static shape is unknown (x is a Data container); it is found as 5.
    assert g.plates == {"": ["s", "s_small"], "5": ["x", "mu", "y"], "3": ["a"]}


@pytest.mark.parametrize("which", ["eight_schools", "regression"])
def test_layout_no_overlaps(which: str, request: pytest.FixtureRequest) -> None:
    """Parents above children; nodes apart; plate boxes hold only their members."""
    g = model_to_graphviz(request.getfixturevalue(which))
    pos = g.layout()
    assert set(pos) == {n.name for n in g.nodes}
    for a, b in g.edges:
        assert pos[a][1] > pos[b][1], (a, b)
    width = 1.7  # a node's drawn width
    for a in pos:
        for b in pos:
            if a < b and pos[a][1] == pos[b][1]:
                assert abs(pos[a][0] - pos[b][0]) >= width, (a, b)
    # No node sits inside the box of a plate it does not belong to.
    for plate, members in g.plates.items():
        if not plate:
            continue
        xs = [pos[m][0] for m in members]
        ys = [pos[m][1] for m in members]
        for name, (x, y) in pos.items():
            if name not in members and min(ys) <= y <= max(ys):
                assert x + width / 2 <= min(xs) - width / 2 or x - width / 2 >= max(xs) + width / 2


def test_dot_source(eight_schools: pg.Model) -> None:
    src = model_to_graphviz(eight_schools).source
    lines = [ln.strip() for ln in src.splitlines()]
    assert lines[0] == "digraph {" and lines[-1] == "}"
    assert '"mu" [label="mu\\n~\\nNormal" shape=ellipse]' in lines
    assert '"obs" [label="obs\\n~\\nNormal" shape=ellipse style=filled fillcolor=lightgrey]' in (
        lines
    )
    assert '"theta" [label="theta\\n~\\nDeterministic" shape=box]' in lines
    assert 'subgraph "cluster_school (8)" {' in lines
    assert sorted(ln for ln in lines if "->" in ln) == sorted(
        ['"mu" -> "theta"', '"tau" -> "theta"', '"theta_t" -> "theta"', '"theta" -> "obs"']
    )
    # The plate's members are declared inside its cluster.
    start = lines.index('subgraph "cluster_school (8)" {')
    block = lines[start : lines.index("}", start)]
    assert [ln.split()[0] for ln in block[1:4]] == ['"theta_t"', '"theta"', '"obs"']


def test_draw_and_png(eight_schools: pg.Model) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure
    from matplotlib.patches import Ellipse, FancyBboxPatch

    g = model_to_graphviz(eight_schools)
    ax = g.draw(Figure().add_subplot())
    ellipses = [p for p in ax.patches if isinstance(p, Ellipse)]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(ellipses) == 4  # mu, tau, theta_t, obs
    assert len(boxes) == 2  # theta and the school plate
    assert {t.get_text() for t in ax.texts} >= {"mu\n~\nNormal", "school (8)"}
    png = g._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


def test_outside_a_model_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="model_to_graphviz"):
        model_to_graphviz()
    assert repr(ModelGraph([], [])) == "ModelGraph(0 nodes, 0 edges)"
