"""``pt.special`` (softmax, log_softmax) and the new elementwise rows (``xlogx``,
``invlogit``) against SciPy: values in float64 and float32 under jit, gradients."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as ss

import ppgraph.tensor as pt
from tests.helpers import compare_grad, compare_jax_and_py

RNG = np.random.default_rng(11)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softmax_and_log_softmax_match_scipy(dtype: str) -> None:
    x = pt.tensor(dtype, shape=(None, 4), name="x")
    xv = RNG.normal(size=(3, 4)).astype(dtype) * 3
    outs = [pt.softmax(x), pt.softmax(x, axis=-1), pt.softmax(x, axis=0)]
    outs += [pt.log_softmax(x), pt.log_softmax(x, axis=1)]
    wants = [ss.softmax(xv), ss.softmax(xv, axis=-1), ss.softmax(xv, axis=0)]
    wants += [ss.log_softmax(xv), ss.log_softmax(xv, axis=1)]
    compare_jax_and_py([x], outs, [xv], wants, rtol=1e-9 if dtype == "float64" else 1e-5)
    assert pt.special.softmax is pt.softmax and pt.special.log_softmax is pt.log_softmax


def test_log_softmax_is_finite_where_softmax_underflows() -> None:
    x = pt.vector("x")
    xv = np.array([0.0, -1000.0])
    got = pt.log_softmax(x, axis=0).eval({x: xv})
    np.testing.assert_allclose(got, ss.log_softmax(xv), rtol=1e-12)
    # the rewrite makes the naive spelling finite too
    naive = pt.log(pt.softmax(x, axis=0)).eval({x: xv})
    np.testing.assert_allclose(naive, ss.log_softmax(xv), rtol=1e-12)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_gradients(fn: str) -> None:
    x = pt.matrix("x")
    xv = RNG.normal(size=(2, 3))
    compare_grad([x], getattr(pt, fn)(x, axis=1), [xv], lambda v: getattr(ss, fn)(v, axis=1))
    compare_grad([x], getattr(pt, fn)(x), [xv], getattr(ss, fn))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_xlogx_and_invlogit(dtype: str) -> None:
    x = pt.tensor(dtype, shape=(None,), name="x")
    xv = np.array([0.0, 1e-3, 0.5, 2.0, 40.0], dtype=dtype)
    compare_jax_and_py(
        [x],
        [pt.xlogx(x), pt.invlogit(x)],
        [xv],
        [ss.xlogy(xv, xv), ss.expit(xv)],
        rtol=1e-12 if dtype == "float64" else 1e-6,
    )
    pos = np.array([0.1, 0.5, 2.0])
    compare_grad([x], pt.xlogx(x), [pos], lambda v: ss.xlogy(v, v))
    assert pt.invlogit is pt.sigmoid


def test_softmax_bad_axis() -> None:
    with pytest.raises(ValueError, match="axis 2 is out of range for a 2-d"):
        pt.softmax(pt.matrix("m"), axis=2)
