"""NumPy functions on ppgraph variables build graph nodes (``__array_ufunc__``,
``__array_function__``); values against NumPy itself, float64 and float32, under jit."""

from __future__ import annotations

import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.tensor.numpy_interop import UFUNCS
from tests.helpers import compare_grad, compare_jax_and_py

RNG = np.random.default_rng(17)
UNARY = [n for n in UFUNCS if getattr(np, n).nin == 1 and n not in ("invert", "logical_not")]
BINARY = [n for n in UFUNCS if getattr(np, n).nin == 2 and not n.startswith(("bitwise", "logical"))]
BINARY.remove("matmul")


def _domain(name: str, size: int) -> np.ndarray:
    if name in ("arccosh",):
        return RNG.uniform(1.1, 3.0, size)
    if name in ("arcsin", "arccos", "arctanh"):
        return RNG.uniform(-0.9, 0.9, size)
    return RNG.uniform(0.2, 2.0, size)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_every_mapped_ufunc_matches_numpy(dtype: str) -> None:
    x = pt.tensor(dtype, shape=(None,), name="x")
    y = pt.tensor(dtype, shape=(None,), name="y")
    xs = {n: _domain(n, 4).astype(dtype) for n in UNARY}
    outs, wants, ins, vals = [], [], [], []
    for k, n in enumerate(UNARY):
        v = pt.tensor(dtype, shape=(None,), name=f"u{k}")
        outs.append(getattr(np, n)(v))
        wants.append(getattr(np, n)(xs[n]))
        ins.append(v)
        vals.append(xs[n])
    xv, yv = _domain("", 4).astype(dtype), _domain("", 4).astype(dtype)
    for n in BINARY:
        outs.append(getattr(np, n)(x, yv))  # an array on the right
        outs.append(getattr(np, n)(xv, y))  # and on the left
        wants += [getattr(np, n)(xv, yv)] * 2
    for o in outs:
        assert isinstance(o, pt.TensorVariable)
    rtol = 1e-9 if dtype == "float64" else 2e-5
    compare_jax_and_py([*ins, x, y], outs, [*vals, xv, yv], wants, rtol=rtol, check_dtype=False)


def test_array_on_the_left_of_an_operator_is_a_graph_node() -> None:
    rv = pg.Normal.dist(0.0, 1.0, size=3)
    a = np.array([1.0, 2.0, 3.0])
    for out in (a * rv, a + rv, a - rv, a / rv, a**rv, a @ rv, a > rv, np.float32(2.0) * rv):
        assert isinstance(out, pt.TensorVariable)
        assert rv in out.owner.inputs or any(
            rv in i.owner.inputs for i in out.owner.inputs if i.owner
        )
    x = pt.vector("x")
    np.testing.assert_allclose((a * x).eval({x: a}), a * a)
    np.testing.assert_allclose((a - x).eval({x: 2 * a}), -a)


def test_best_model_log10_of_a_random_variable() -> None:
    with pg.Model():
        nu = pg.Exponential("nu_minus_one", 1 / 29.0) + 1
        lognu = pg.Deterministic("lognu", np.log10(nu))
    nus, lognus = pg.draw([nu, lognu], draws=20, random_seed=1)
    np.testing.assert_allclose(lognus, np.log10(nus), rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_array_functions_match_numpy(dtype: str) -> None:
    m = pt.tensor(dtype, shape=(3, 3), name="m")
    v = pt.tensor(dtype, shape=(None,), name="v")
    mv = (RNG.normal(size=(3, 3)) + 3 * np.eye(3)).astype(dtype)
    vv = RNG.normal(size=3).astype(dtype)
    cases = [
        lambda a, b: np.sum(a, axis=0),
        lambda a, b: np.prod(a, axis=1, keepdims=True),
        lambda a, b: np.mean(a),
        lambda a, b: np.max(a, axis=0),
        lambda a, b: np.amin(a),
        lambda a, b: np.std(a, axis=1),
        lambda a, b: np.var(a, ddof=1),
        lambda a, b: np.dot(a, b),
        lambda a, b: np.matmul(a, a),
        lambda a, b: np.stack([b, b], axis=1),
        lambda a, b: np.concatenate([b, b]),
        lambda a, b: np.reshape(a, (9,)),
        lambda a, b: np.transpose(a),
        lambda a, b: np.where(b > 0, b, 0.0),
        lambda a, b: np.clip(b, -0.5, 0.5),
        lambda a, b: np.cumsum(a, axis=0),
        lambda a, b: np.diff(b),
        lambda a, b: np.outer(b, b),
        lambda a, b: np.trace(a),
        lambda a, b: np.tril(a),
        lambda a, b: np.diag(b),
        lambda a, b: np.ravel(a),
        lambda a, b: np.linalg.inv(a),
        lambda a, b: np.linalg.det(a),
        lambda a, b: np.linalg.solve(a, b),
        lambda a, b: np.exp(a).sum(),
        lambda a, b: np.einsum("ij,j->i", a, b),
        lambda a, b: np.add.reduce(a, axis=1),
        lambda a, b: np.multiply.accumulate(b),
    ]
    outs = [c(m, v) for c in cases]
    wants = [c(mv, vv) for c in cases]
    rtol = 1e-9 if dtype == "float64" else 1e-4
    compare_jax_and_py([m, v], outs, [mv, vv], wants, rtol=rtol, atol=rtol, check_dtype=False)


def test_gradient_through_numpy_calls() -> None:
    x = pt.vector("x")
    xv = np.array([0.5, 1.5, 2.5])
    compare_grad(
        [x],
        np.log10(np.cumsum(x) * np.array([1.0, 2.0, 3.0])),
        [xv],
        lambda v: np.log10(np.cumsum(v) * np.array([1.0, 2.0, 3.0])),
    )


def test_numpy_function_without_counterpart_is_a_type_error_naming_it() -> None:
    x = pt.vector("x")
    with pytest.raises(TypeError, match=r"np.gcd has no ppgraph counterpart"):
        np.gcd(x, x)
    with pytest.raises(TypeError, match=r"np.fft.fft has no ppgraph counterpart"):
        np.fft.fft(x)
    with pytest.raises(TypeError, match=r"np.add.outer has no ppgraph counterpart"):
        np.add.outer(x, x)
    with pytest.raises(TypeError, match=r"np.exp\(..., out=...\)"):
        np.exp(x, out=np.zeros(2))
    with pytest.raises(TypeError, match=r"np.sum on ppgraph variables: .*'initial'"):
        np.sum(x, initial=1.0)
