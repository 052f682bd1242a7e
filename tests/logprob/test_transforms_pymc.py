"""PyMC's transform names (``pg.distributions.transforms``): each backward against a
NumPy formula, forward inverting it, and log|det J| against ``jax.jacobian`` of
the compiled backward; the zero-sum map as an isometry onto the zero-sum
subspace; float32 and jit."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.distributions import transforms as tr

RNG = np.random.default_rng(7)


def _fn(build: Any, shape: tuple[int, ...], dtype: str = "float64") -> pg.Function:
    y = pt.tensor(dtype, shape=shape, name="y")
    return pg.function([y], build(y))


def _jac(fn: pg.Function, y: np.ndarray) -> np.ndarray:
    with jax.enable_x64(True):
        jac = np.asarray(jax.jacobian(lambda v: jnp.ravel(fn.jax_fn(v)))(jnp.asarray(y)))
    return jac.reshape(jac.shape[0], -1)


def _softplus(y: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, y)


def test_pymc_names_exist() -> None:
    names = ("log", "logodds", "simplex", "sum_to_1", "ordered", "circular", "log_exp_m1",
             "Interval", "Chain", "ChainedTransform", "ZeroSumTransform", "Transform")  # fmt: skip
    for name in names:
        assert hasattr(tr, name), name
    assert tr.ChainedTransform is tr.Chain


SQUARE = {
    "log_exp_m1": (tr.log_exp_m1, (4,), _softplus),
    "ordered": (tr.ordered, (4,), lambda y: np.cumsum(np.r_[y[0], np.exp(y[1:])])),
    "chain(log, ordered)": (
        tr.Chain([tr.log, tr.ordered]), (3,),
        lambda y: np.exp(np.cumsum(np.r_[y[0], np.exp(y[1:])])),
    ),
    "chain(log_exp_m1, Interval(0, 2))": (
        tr.Chain([tr.Interval(0.0, 2.0), tr.log_exp_m1]), (3,),
        lambda y: 2.0 / (1.0 + np.exp(-_softplus(y))),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(SQUARE))
def test_square_transforms(name: str) -> None:
    t, shape, oracle = SQUARE[name]
    y = RNG.normal(size=shape)
    back = _fn(t.backward, shape)
    x = back(y)
    np.testing.assert_allclose(x, oracle(y), rtol=1e-12)
    np.testing.assert_allclose(_fn(t.forward, shape)(x), y, rtol=1e-9, atol=1e-12)
    sign, logdet = np.linalg.slogdet(_jac(back, y))
    assert sign != 0
    np.testing.assert_allclose(np.sum(_fn(t.log_jac_det, shape)(y)), logdet, rtol=1e-10)


def test_sum_to_1() -> None:
    y = np.array([0.2, -0.5, 0.9])
    back = _fn(tr.sum_to_1.backward, (3,))
    x = back(y)
    np.testing.assert_allclose(x, [0.2, -0.5, 0.9, 0.4], atol=1e-15)
    np.testing.assert_allclose(_fn(tr.sum_to_1.forward, (4,))(x), y)
    # the density lives on the first K-1 coordinates: d x[:-1] / dy is the identity
    jac = _jac(back, y)[:3]
    assert float(np.linalg.slogdet(jac)[1]) == 0.0
    ljd = _fn(tr.sum_to_1.log_jac_det, (2, 3))(np.ones((2, 3)))
    np.testing.assert_array_equal(ljd, np.zeros(2))


@pytest.mark.parametrize("axes,shape", [((-1,), (4,)), ((-1,), (2, 3)), ((-2, -1), (3, 2))])
def test_zerosum_transform(axes: tuple[int, ...], shape: tuple[int, ...]) -> None:
    t = tr.ZeroSumTransform(axes)
    y = RNG.normal(size=shape)
    back = _fn(t.backward, shape)
    x = back(y)
    full = list(shape)
    for a in axes:
        full[a] += 1
    assert x.shape == tuple(full)
    for a in axes:
        np.testing.assert_allclose(x.sum(axis=a), 0.0, atol=1e-12)
    np.testing.assert_allclose(_fn(t.forward, tuple(full))(x), y, rtol=1e-10, atol=1e-12)
    # an isometry onto the zero-sum subspace: J^T J = I, so log sqrt(det J^T J) = 0
    jac = _jac(back, y)
    np.testing.assert_allclose(jac.T @ jac, np.eye(jac.shape[1]), atol=1e-12)
    ljd = _fn(t.log_jac_det, shape)(y)
    np.testing.assert_array_equal(ljd, np.zeros(np.delete(shape, axes).astype(int)))


def test_zerosum_transform_bad_axes() -> None:
    with pytest.raises(ValueError, match="negative axes"):
        tr.ZeroSumTransform((0,))


def test_chain_takes_transforms_only() -> None:
    with pytest.raises(TypeError, match="Transform instances"):
        tr.Chain(["log"])  # type: ignore[list-item]


@pytest.mark.parametrize("t", [tr.log_exp_m1, tr.ZeroSumTransform((-1,)), tr.sum_to_1])
def test_float32_and_jit(t: Any) -> None:
    back = _fn(t.backward, (3,), "float32")
    y = np.array([0.3, -1.2, 0.7], dtype="float32")
    got = np.asarray(jax.jit(back.jax_fn)(y))
    assert got.dtype == np.float32
    want = _fn(t.backward, (3,))(y.astype("float64"))
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6)
    assert _fn(t.log_jac_det, (3,), "float32")(y).dtype == np.float32
