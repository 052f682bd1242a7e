"""The JAX dispatch table: coverage of the tensor ops, and behaviour under the
user's own jax transformations."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.backend.jax.dispatch import jax_funcify
from ppgraph.graph.basic import Op
from ppgraph.tensor import elemwise, linalg, reduction, shape, subtensor


def _op_classes() -> list[type]:
    found = []
    for module in (elemwise, linalg, reduction, shape, subtensor):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Op) and obj.__module__ == module.__name__:
                if not obj.__name__.startswith("_"):
                    found.append(obj)
    return found


@pytest.mark.parametrize("cls", _op_classes(), ids=lambda c: c.__name__)
def test_every_tensor_op_has_a_lowering(cls: type) -> None:
    assert jax_funcify.dispatch(cls) is not jax_funcify.dispatch(Op), cls


def test_jax_fn_under_vmap_matches_a_loop() -> None:
    x = pt.matrix("x")
    w = pt.vector("w")
    out = pt.logsumexp(x * w, axis=0) + x.reshape((-1,))[: x.shape[1]] @ w
    f = pg.function([x, w], out)
    xs = np.arange(24.0).reshape(4, 2, 3) / 10
    wv = np.array([1.0, -1.0, 0.5])
    with jax.enable_x64(True):
        got = jax.vmap(f.jax_fn, in_axes=(0, None))(xs, wv)
    np.testing.assert_allclose(got, [f(xv, wv) for xv in xs], rtol=1e-12)


def test_float32_graph_runs_without_64_bit_jax() -> None:
    with pg.config.change_flags(floatX="float32"):
        x = pt.vector("x")
        out = pt.exp(x).sum() / x.shape[0]
        f = pg.function([x], out)
    assert not jax.config.jax_enable_x64
    got = jax.jit(f.jax_fn)(np.ones(3, dtype="float32"))
    assert got.dtype == np.float32
    assert float(got) == pytest.approx(np.e, rel=1e-6)


def test_float64_calls_leave_jax_global_config_alone() -> None:
    x = pt.scalar("x")
    assert pg.function([x], x * 2)(1.5) == 3.0
    assert not jax.config.jax_enable_x64


@pytest.mark.parametrize("name", ["xlogy", "xlog1py"])
def test_xlogy_derivatives_at_zero_x_and_second_order(name: str) -> None:
    # the lowering writes its JVP out; first and second derivatives against the
    # closed forms (d/dx = log(y), d/dy = x / y, d2/dy2 = -x / y^2) and at x = 0
    import scipy.special as sp

    x, y = pt.vector("x"), pt.vector("y")
    out = getattr(pt, name)(x, y)
    f = pg.function([x, y], out)
    shift = 1.0 if name == "xlog1py" else 0.0
    xs = np.array([0.0, 0.0, 2.0, 3.0])
    ys = np.array([0.5, 0.0, 1.5, 4.0]) - shift  # y + shift = 0 at row 1: log of 0
    with jax.enable_x64(True):
        fn = lambda a, b: f.jax_fn(a, b).sum()  # noqa: E731
        np.testing.assert_allclose(fn(xs, ys), getattr(sp, name)(xs, ys).sum(), rtol=1e-14)
        gx, gy = jax.grad(fn, argnums=(0, 1))(xs, ys)
        hy = np.asarray(jax.hessian(fn, argnums=1)(xs, ys))
    gx, gy = np.asarray(gx), np.asarray(gy)
    rows = np.array([0, 2, 3])
    np.testing.assert_allclose(gx[rows], np.log(ys[rows] + shift), rtol=1e-14)
    np.testing.assert_array_equal(gy[:2], 0.0)  # x = 0: no slope in y, even at log(0)
    np.testing.assert_allclose(gy[2:], xs[2:] / (ys[2:] + shift), rtol=1e-14)
    np.testing.assert_allclose(np.diag(hy)[2:], -xs[2:] / (ys[2:] + shift) ** 2, rtol=1e-12)
    assert np.all(np.isfinite(hy))
    eps = 1e-6  # and by central differences in y at the rows with x != 0
    for i in (2, 3):
        d = np.zeros(4)
        d[i] = eps
        fd = (getattr(sp, name)(xs, ys + d).sum() - getattr(sp, name)(xs, ys - d).sum()) / 2 / eps
        np.testing.assert_allclose(gy[i], fd, rtol=1e-7)
