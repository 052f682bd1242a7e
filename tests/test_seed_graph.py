"""The seed tutorial's graph half (up to "Aesara RandomVariables"), replayed with
ppgraph names and the seed's numbers. NumPy is the oracle for every value."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt

SEED_W = """\
Elemwise{log} [id A] 'log(x + y)'
 |Elemwise{add} [id B] 'x + y'
   |DimShuffle{x} [id C]
   | |x [id D]
   |y [id E]"""


@pytest.fixture
def seed() -> dict[str, pt.TensorVariable]:
    x = pt.scalar(name="x")
    y = pt.vector(name="y")
    z = x + y
    z.name = "x + y"
    w = pt.log(z)
    w.name = "log(x + y)"
    return {"x": x, "y": y, "z": z, "w": w}


def test_types_and_names(seed: dict[str, pt.TensorVariable]) -> None:
    x, y = seed["x"], seed["y"]
    assert str(x.type) == "TensorType(float64, shape=())"
    assert str(y.type) == "TensorType(float64, shape=(None,))"
    assert (x.name, y.name) == ("x", "y")
    assert (x.dtype, x.ndim, y.ndim) == ("float64", 0, 1)


def test_dprint_of_w(seed: dict[str, pt.TensorVariable]) -> None:
    assert pg.dprint(seed["w"], file="str") == SEED_W
    out = io.StringIO()
    with redirect_stdout(out):
        assert pg.dprint(seed["w"]) is None
    assert out.getvalue() == SEED_W + "\n"


def test_function_by_name_gives_seed_values(seed: dict[str, pt.TensorVariable]) -> None:
    x, y, w = seed["x"], seed["y"], seed["w"]
    f = pg.function(inputs=[x, y], outputs=w)
    got = f(x=0, y=[1, np.e])
    np.testing.assert_allclose(got, np.log(0 + np.array([1, np.e])), rtol=1e-15)
    np.testing.assert_allclose(got, [0.0, 1.0], atol=1e-15)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64


def test_eval_with_inputs_and_with_the_intermediate(seed: dict[str, pt.TensorVariable]) -> None:
    x, y, z, w = seed["x"], seed["y"], seed["z"], seed["w"]
    np.testing.assert_allclose(w.eval({x: 0, y: [1, np.e]}), [0.0, 1.0], atol=1e-15)
    # Giving z cuts the graph there: x and y are not needed.
    np.testing.assert_allclose(w.eval({z: [1, np.e]}), [0.0, 1.0], atol=1e-15)
    np.testing.assert_allclose(w.eval({z: [np.e**2, 1.0]}), [2.0, 0.0], atol=1e-15)


def test_owner_inputs_op_outputs(seed: dict[str, pt.TensorVariable]) -> None:
    x, y, z = seed["x"], seed["y"], seed["z"]
    node = z.owner
    assert node is not None
    assert str(node.op) == "Elemwise{add}"
    assert node.outputs == [z]
    assert str(node.outputs) == "[x + y]"
    assert str(node.inputs) == "[DimShuffle{x}.0, y]"
    assert node.inputs[1] is y
    assert node.inputs[0].owner is not None and node.inputs[0].owner.inputs == [x]
    assert repr(node) == "Elemwise{add}(DimShuffle{x}.0, y)"
    assert str(node.inputs[0].type) == "TensorType(float64, shape=(1,))"


def test_stack_walk_of_w(seed: dict[str, pt.TensorVariable]) -> None:
    lines: list[str] = []
    stack = [seed["w"]]
    while stack:
        var = stack.pop(0)
        lines.append(f"Checking variable {var} of type {var.type}")
        if var.owner is not None:
            lines.append(f" > Op is {var.owner.op}")
            for i, inp in enumerate(var.owner.inputs):
                lines.append(f" > Input {i} is {inp}")
                stack.append(inp)
        else:
            lines.append(f" > {var} is a root variable")
    assert lines == [
        "Checking variable log(x + y) of type TensorType(float64, shape=(None,))",
        " > Op is Elemwise{log}",
        " > Input 0 is x + y",
        "Checking variable x + y of type TensorType(float64, shape=(None,))",
        " > Op is Elemwise{add}",
        " > Input 0 is DimShuffle{x}.0",
        " > Input 1 is y",
        "Checking variable DimShuffle{x}.0 of type TensorType(float64, shape=(1,))",
        " > Op is DimShuffle{x}",
        " > Input 0 is x",
        "Checking variable y of type TensorType(float64, shape=(None,))",
        " > y is a root variable",
        "Checking variable x of type TensorType(float64, shape=())",
        " > x is a root variable",
    ]


def test_graph_inputs(seed: dict[str, pt.TensorVariable]) -> None:
    assert pg.graph_inputs([seed["w"]]) == [seed["x"], seed["y"]]


def test_clone_replace_leaves_w_unchanged(seed: dict[str, pt.TensorVariable]) -> None:
    x, y, w = seed["x"], seed["y"], seed["w"]
    parent_of_w = w.owner.inputs[0]  # type: ignore[union-attr]
    assert parent_of_w is seed["z"]
    new_parent_of_w = pt.exp(parent_of_w)
    new_parent_of_w.name = "exp(x + y)"
    assert pg.dprint(w, file="str") == SEED_W
    new_w = pg.clone_replace([w], replace={parent_of_w: new_parent_of_w})[0]
    new_w.name = "log(exp(x + y))"
    assert new_w is not w and pg.dprint(w, file="str") == SEED_W
    assert w.name == "log(x + y)"
    assert pg.dprint(new_w, file="str") == (
        "Elemwise{log} [id A] 'log(exp(x + y))'\n"
        " |Elemwise{exp} [id B] 'exp(x + y)'\n"
        "   |Elemwise{add} [id C] 'x + y'\n"
        "     |DimShuffle{x} [id D]\n"
        "     | |x [id E]\n"
        "     |y [id F]"
    )
    np.testing.assert_allclose(new_w.eval({x: 0, y: [1, np.e]}), [1.0, np.e], rtol=1e-15)
    # The original still computes log(x + y).
    np.testing.assert_allclose(w.eval({x: 0, y: [1, np.e]}), [0.0, 1.0], atol=1e-15)


def test_b_times_a_over_b_compiles_to_a() -> None:
    a, b = pt.scalar(name="a"), pt.scalar(name="b")
    c = a / b
    c.name = "a / b"
    d = b * c
    d.name = "b * c"
    assert pg.dprint(d, file="str") == (
        "Elemwise{mul} [id A] 'b * c'\n"
        " |b [id B]\n"
        " |Elemwise{true_div} [id C] 'a / b'\n"
        "   |a [id D]\n"
        "   |b [id B]"
    )
    g = pg.function(inputs=[a, b], outputs=d)
    assert g.outputs[0].owner is None  # no computation left
    assert pg.dprint(g, file="str") == "a [id A]"
    for av, bv in [(3.0, 2.0), (-1.5, 7.0), (0.1, 1e-3)]:
        assert g(av, bv) == av
    # Without rewrites it is computed, to the same value up to rounding.
    raw = pg.function([a, b], d, rewrite=False)
    np.testing.assert_allclose(raw(0.1, 1e-3), 1e-3 * (0.1 / 1e-3), rtol=1e-15)
    assert a.name == "a" and d.name == "b * c"  # compiling renamed nothing


def test_log_exp_compiles_to_add(seed: dict[str, pt.TensorVariable]) -> None:
    x, y, z, w = seed["x"], seed["y"], seed["z"], seed["w"]
    new_w = pg.clone_replace([w], replace={z: pt.exp(z)})[0]
    new_w.name = "log(exp(x + y))"
    f = pg.function(inputs=[x, y], outputs=new_w)
    assert pg.dprint(f, file="str") == (
        "Elemwise{add} [id A] 'x + y' 1\n |DimShuffle{x} [id B] 0\n | |x [id C]\n |y [id D]"
    )
    # exp then log would overflow here; x + y does not.
    np.testing.assert_allclose(f(x=0, y=[1, np.e]), [1.0, np.e], rtol=1e-15)
    np.testing.assert_allclose(f(x=800.0, y=[1.0, -1.0]), [801.0, 799.0], rtol=1e-15)
    assert pg.dprint(w, file="str") == SEED_W


def test_random_normal_type_print_and_fixed_eval() -> None:
    y = pt.random.normal(0, 1, name="y")
    assert str(y.type) == "TensorType(float64, shape=())"
    assert y.name == "y"
    rng, size, loc, scale = y.owner.inputs  # type: ignore[union-attr]
    assert float(loc.data) == 0.0 and float(scale.data) == 1.0  # type: ignore[attr-defined]
    assert isinstance(rng, pg.SharedVariable)
    text = pg.dprint(y, file="str")
    assert isinstance(text, str)
    lines = text.splitlines()
    assert lines[0] == "normal_rv{(),()->(), float64} [id A] 'y'"
    assert lines[1] == f" |{rng!r} [id B]" and lines[1].startswith(" |RandomKey(")
    assert lines[2:] == [
        " |TensorConstant{[]} [id C]",
        " |TensorConstant{0.0} [id D]",
        " |TensorConstant{1.0} [id E]",
    ]
    assert np.asarray(size.data).size == 0  # type: ignore[attr-defined]
    first = y.eval()
    assert first.shape == () and first.dtype == np.float64 and np.isfinite(first)
    samples = [y.eval() for _ in range(10)]
    assert all(s == first for s in samples)
    # A different key gives a different value: eval is not returning a constant.
    other = pt.random.normal(0, 1, name="y2")
    assert other.eval() != first
