"""Reverse-mode gradients of BetaBinomial and HyperGeometric logcdf with a
symbolic ``n`` (the log-masses summed in a run-time loop, differentiated by a
second loop): against central differences of ``scipy.stats``, in float32, under
``jax.jit`` and ``jax.vmap``, and zero for the integer arguments."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt


def _betabinom(dtype: str) -> pg.Function:
    x, a, b = pt.scalar("x", dtype=dtype), pt.scalar("a", dtype=dtype), pt.scalar("b", dtype=dtype)
    n = pt.scalar("n", dtype="int64")
    return pg.function([x, n, a, b], pg.logcdf(pg.BetaBinomial.dist(alpha=a, beta=b, n=n), x))


def _fd(x: float, n: int, a: float, b: float, h: float = 1e-6) -> list[float]:
    f = lambda a_, b_: stats.betabinom(n, a_, b_).logcdf(x)  # noqa: E731
    return [(f(a + h, b) - f(a - h, b)) / (2 * h), (f(a, b + h) - f(a, b - h)) / (2 * h)]


def test_betabinomial_gradient_against_scipy_differences() -> None:
    f = _betabinom("float64")
    with jax.enable_x64(True):
        grad = jax.jit(jax.grad(f.jax_fn, argnums=(0, 2, 3)))
        # below the median (the mass up to x), above it (1 - the mass past x), the ends
        for x, n, a, b in [(3.0, 10, 2.0, 3.0), (8.0, 10, 2.0, 3.0), (0.0, 10, 2.0, 3.0),
                           (40.0, 60, 0.7, 4.0), (10.0, 10, 2.0, 3.0)]:  # fmt: skip
            np.testing.assert_allclose(float(f(x, n, a, b)), stats.betabinom(n, a, b).logcdf(x),
                                       rtol=1e-10)  # fmt: skip
            gx, ga, gb = grad(jnp.float64(x), n, jnp.float64(a), jnp.float64(b))
            assert float(gx) == 0.0
            np.testing.assert_allclose([float(ga), float(gb)], _fd(x, n, a, b), rtol=1e-6,
                                       atol=1e-10)  # fmt: skip
        # below the support the logcdf is -inf and its gradient zero, not NaN
        assert [float(v) for v in grad(-1.0, 10, 2.0, 3.0)] == [0.0, 0.0, 0.0]


def test_betabinomial_gradient_float32_and_vmap() -> None:
    f = _betabinom("float32")
    grad = jax.jit(jax.vmap(jax.grad(f.jax_fn, argnums=(2, 3)), in_axes=(0, 0, None, None)))
    xs, ns = jnp.array([1.0, 2.0, 20.0], jnp.float32), jnp.array([5, 30, 30])
    ga, gb = grad(xs, ns, jnp.float32(2.0), jnp.float32(3.0))
    assert ga.dtype == jnp.float32
    want = np.array([_fd(float(x), int(n), 2.0, 3.0) for x, n in zip(xs, ns, strict=True)])
    np.testing.assert_allclose(np.c_[ga, gb], want, rtol=2e-4, atol=1e-6)


def test_hypergeometric_logcdf_differentiates_to_zero() -> None:
    # every argument is an integer: a gradient exists (zero) instead of JAX's error
    x = pt.scalar("x")
    big_n, k, n = (pt.scalar(v, dtype="int64") for v in ("N", "k", "n"))
    f = pg.function([x, big_n, k, n], pg.logcdf(pg.HyperGeometric.dist(N=big_n, k=k, n=n), x))
    with jax.enable_x64(True):
        np.testing.assert_allclose(float(f(2.0, 20, 7, 12)), stats.hypergeom(20, 7, 12).logcdf(2),
                                   rtol=1e-12)  # fmt: skip
        assert float(jax.grad(f.jax_fn)(jnp.float64(2.0), 20, 7, 12)) == 0.0
