"""Gamma's logcdf ``log P(alpha, beta x)`` and its gradients where ``beta x`` is
tiny (the regularized incomplete gamma underflows there, and a plain select sent
NaN gradients from its unselected branches): values and derivatives against
mpmath, float32 gradients finite, and the same through ChiSquared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt

mp.mp.dps = 50


def _mp_logcdf(x: float, a: float, b: float) -> mp.mpf:
    return mp.log(mp.gammainc(a, 0, b * x, regularized=True))


def _mp_grad(x: float, a: float, b: float, fn: Callable[..., Any] = _mp_logcdf) -> list[float]:
    """mpmath's derivatives of ``fn`` in (x, alpha, beta), each with a step relative
    to the point (x can be 1e-200)."""

    def d(g: Callable[..., Any], at: float) -> float:
        return float(mp.diff(g, mp.mpf(at), h=mp.mpf(at) * mp.mpf("1e-20")))

    return [
        d(lambda t: fn(t, a, b), x),
        d(lambda t: fn(x, t, b), a),
        d(lambda t: fn(x, a, t), b),
    ]


def _compiled(dtype: str) -> tuple[pg.Function, object]:
    x, a, b = (pt.scalar(n, dtype=dtype) for n in "xab")
    f = pg.function([x, a, b], pg.logcdf(pg.Gamma.dist(alpha=a, beta=b), x))
    return f, jax.jit(jax.grad(f.jax_fn, argnums=(0, 1, 2)))


POINTS = [
    (1e-200, 2.0, 1.0),  # gammainc underflows to 0: the old logcdf was -inf, gradients NaN
    (2.2e-16, 0.7, 3.0),  # HurdleGamma's eps
    (1e-10, 0.5, 1.0),
    (1e-3, 2.0, 1e-3),
    (0.05, 0.01, 1.0),  # alpha < 0.43: the series reaches past the mean
    (0.3, 1.0, 1.0),  # the series' edge, 0.3 (alpha + 1) = 0.6
    (0.2, 1000.0, 1000.0),  # the middle branch, log(gammainc)
    (3.0, 2.0, 1.0),  # the upper tail, log1p(-gammaincc)
    (40.0, 2.0, 1.0),
]


@pytest.fixture(scope="module")
def f64() -> tuple[pg.Function, object]:
    with jax.enable_x64(True):
        return _compiled("float64")


@pytest.mark.parametrize(("x", "a", "b"), POINTS)
def test_value_and_gradient_against_mpmath(x: float, a: float, b: float, f64: tuple) -> None:
    f, grad = f64
    with jax.enable_x64(True):
        got = float(f(x, a, b))
        g = [float(v) for v in grad(*(jnp.float64(v) for v in (x, a, b)))]
    np.testing.assert_allclose(got, float(_mp_logcdf(x, a, b)), rtol=1e-12)
    # d/dalpha goes through jax's gammainc gradient (a series good to ~1e-9)
    np.testing.assert_allclose(g, _mp_grad(x, a, b), rtol=1e-7, atol=1e-30)


def test_float32_gradients_finite_and_close() -> None:
    _, grad = _compiled("float32")
    for x, a, b in [(1.2e-7, 2.0, 1.0), (1e-30, 2.0, 1.0), (1e-3, 3.0, 2.0), (1.0, 2.0, 1.0)]:
        g = grad(jnp.float32(x), jnp.float32(a), jnp.float32(b))
        assert all(v.dtype == jnp.float32 for v in g)
        want = _mp_grad(x, a, b)
        np.testing.assert_allclose([float(v) for v in g], want, rtol=1e-3)


def test_zero_and_negative_values_have_zero_gradient() -> None:
    f, grad = _compiled("float32")
    for x in [0.0, -1.0]:
        assert float(f(x, 2.0, 1.0)) == -np.inf
        g = grad(jnp.float32(x), jnp.float32(2.0), jnp.float32(1.0))
        assert all(float(v) == 0.0 for v in g)


def test_chisquared_logcdf_far_left_tail() -> None:
    # ChiSquared(nu) = Gamma(nu / 2, 1 / 2)
    with jax.enable_x64(True):
        got = float(pg.logcdf(pg.ChiSquared.dist(nu=3.0), 1e-100).eval())
    np.testing.assert_allclose(got, float(_mp_logcdf(1e-100, 1.5, 0.5)), rtol=1e-12)


def _mp_invgamma_logcdf(x: float, a: float, b: float) -> mp.mpf:
    return mp.log(mp.gammainc(a, b / mp.mpf(x), mp.inf, regularized=True))


def test_inverse_gamma_logcdf_and_gradient_near_zero() -> None:
    # F(x) = Q(alpha, beta / x): at x = 1e-3, Q(2, 1000) = 1001 e^-1000 underflows
    # (gammaincc gave -inf and a NaN gradient); a continued fraction there
    x, a, b = pt.scalar("x"), pt.scalar("a"), pt.scalar("b")
    f = pg.function([x, a, b], pg.logcdf(pg.InverseGamma.dist(alpha=a, beta=b), x))
    with jax.enable_x64(True):
        grad = jax.jit(jax.grad(f.jax_fn, argnums=(0, 1, 2)))
        for xv, av, bv in [(1e-3, 2.0, 1.0), (0.05, 0.5, 1.0), (0.4, 3.0, 2.0), (30.0, 3.0, 2.0)]:
            want = float(_mp_invgamma_logcdf(xv, av, bv))
            np.testing.assert_allclose(float(f(xv, av, bv)), want, rtol=1e-12)
            g = [float(v) for v in grad(*(jnp.float64(v) for v in (xv, av, bv)))]
            np.testing.assert_allclose(g, _mp_grad(xv, av, bv, _mp_invgamma_logcdf), rtol=1e-7)
    xs = pt.scalar("xs", dtype="float32")
    g32 = pg.function([xs], pg.logcdf(pg.InverseGamma.dist(alpha=2.0, beta=1.0), xs))
    gx = jax.grad(g32.jax_fn)(jnp.float32(0.01))  # Q(2, 100) is below float32's range
    want = _mp_grad(0.01, 2.0, 1.0, _mp_invgamma_logcdf)[0]
    assert gx.dtype == jnp.float32
    np.testing.assert_allclose(float(gx), want, rtol=1e-4)
