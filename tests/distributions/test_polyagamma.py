"""PolyaGamma draws (Devroye's method for integer ``h``, a gamma series for the
fractional part): means and variances against the closed forms of Polson, Scott &
Windle (2013), a KS test against the ``polyagamma`` package's CDF when it is
installed, float32, and draws inside ``jax.jit``/``vmap``. The logcdf against
mpmath (PG(1, z)'s survival function by its other series) and the package."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.backend.jax.dispatch.random_polyagamma import _polyagamma

H = np.array([1.0, 1.0, 3.0, 0.5, 2.7, 1.0])
Z = np.array([0.0, 2.5, -1.0, 1.0, 4.0, 30.0])
N = 4000
# the draw tests are slow: the rejection sampler compiles for ~10 s per dtype/shape


def _mean(h: np.ndarray, z: np.ndarray) -> np.ndarray:
    safe = np.where(z == 0, 1.0, z)
    return np.where(z == 0, h / 4, h / (2 * safe) * np.tanh(safe / 2))


def _var(h: np.ndarray, z: np.ndarray) -> np.ndarray:
    # h (sinh z - z) / (4 z^3 cosh^2(z/2)); h/24 at z = 0
    safe = np.where(z == 0, 1.0, z)
    return np.where(
        z == 0, h / 24, h * (np.sinh(safe) - safe) / (4 * safe**3 * np.cosh(safe / 2) ** 2)
    )


@pytest.fixture(scope="module")
def draws() -> np.ndarray:
    return np.asarray(pg.draw(pg.PolyaGamma.dist(h=H, z=Z), draws=N, random_seed=1))


@pytest.mark.slow
def test_moments_against_closed_forms(draws: np.ndarray) -> None:
    assert draws.shape == (N, len(H)) and np.all(draws > 0)
    mean, var = _mean(H, Z), _var(H, Z)
    # the sample mean within 5 standard errors; the variance within 5 of its own
    # (the fourth moment bounded by 3 var^2 + a margin: PG is close to gamma-like)
    np.testing.assert_array_less(np.abs(draws.mean(0) - mean), 5 * np.sqrt(var / N))
    np.testing.assert_array_less(np.abs(draws.var(0) / var - 1), 5 * np.sqrt(4 / N))


@pytest.mark.slow
def test_ks_against_the_polyagamma_package(draws: np.ndarray) -> None:
    polyagamma = pytest.importorskip("polyagamma")
    for j, (h, z) in enumerate(zip(H, Z, strict=True)):
        cdf = lambda x, h=h, z=z: polyagamma.polyagamma_cdf(x, h=h, z=z)  # noqa: E731
        assert stats.kstest(draws[:, j], cdf).pvalue > 1e-3, (h, z)


@pytest.mark.slow
def test_ks_against_our_logp_integrated() -> None:
    # PG(1, 1.5) against the cdf of ppgraph's density, integrated numerically
    # (the logp was checked against mpmath in test_multivariate_extra)
    from scipy import integrate

    x = np.linspace(1e-4, 3.0, 6000)
    dens = np.exp(pg.logp(pg.PolyaGamma.dist(h=1.0, z=1.5), x).eval())
    cdf = integrate.cumulative_trapezoid(dens, x, initial=0.0)
    d = np.asarray(pg.draw(pg.PolyaGamma.dist(h=1.0, z=1.5), draws=2000, random_seed=4))
    assert stats.kstest(d, lambda v: np.interp(v, x, cdf)).pvalue > 1e-3


@pytest.mark.slow
def test_float32_and_under_jit_vmap() -> None:
    with pg.config.change_flags(floatX="float32"):
        d = pg.draw(pg.PolyaGamma.dist(h=np.float32(2.0), z=np.float32(1.0)), draws=3000,
                    random_seed=2)  # fmt: skip
    assert d.dtype == np.float32 and np.all(np.isfinite(d))
    mean, var = _mean(np.array(2.0), np.array(1.0)), _var(np.array(2.0), np.array(1.0))
    assert abs(d.mean() - mean) < 5 * np.sqrt(var / 3000)
    keys = jax.random.split(jax.random.key(0), 3)
    fn = jax.jit(jax.vmap(lambda k, z: _polyagamma(k, (500,), jnp.float32, 1.0, z)))
    out = np.asarray(fn(keys, jnp.array([0.0, 1.0, 5.0], jnp.float32)))
    assert out.dtype == np.float32 and out.shape == (3, 500)
    zs = np.array([0.0, 1.0, 5.0])
    err = np.abs(out.mean(1) - _mean(np.ones(3), zs))
    np.testing.assert_array_less(err, 5 * np.sqrt(_var(np.ones(3), zs) / 500))


def _mp_logcdf_pg1(x: float, z: float) -> float:
    """log P(X <= x), X ~ PG(1, z), by the large-x series of the density integrated
    from x to infinity (not the series ppgraph sums)."""
    import mpmath

    mpmath.mp.dps = 25
    half, pi = mpmath.mpf(1) / 2, mpmath.pi

    def term(n: Any) -> Any:
        c = 2 * (n + half) ** 2 * pi**2 + mpmath.mpf(z) ** 2 / 2
        return (-1) ** n * (n + half) * mpmath.exp(-c * x) / c

    survival = 4 * pi * mpmath.cosh(mpmath.mpf(z) / 2) * mpmath.nsum(term, [0, mpmath.inf])
    return float(mpmath.log1p(-survival))


def test_logcdf_against_mpmath() -> None:
    v, h, z = pt.vector("v"), pt.scalar("h"), pt.scalar("z")
    f = pg.function([v, h, z], pg.logcdf(pg.PolyaGamma.dist(h=h, z=z), v))
    xs = np.array([0.05, 0.1, 0.25, 0.6, 1.5, 4.0])
    for zz in [0.0, -3.0]:
        want = [_mp_logcdf_pg1(float(x), zz) for x in xs]
        np.testing.assert_allclose(f(xs, 1.0, zz), want, rtol=1e-10, atol=1e-13)
    np.testing.assert_array_equal(
        f(np.array([0.0, -1.0, np.inf]), 1.0, 0.0), [-np.inf, -np.inf, 0.0]
    )


@pytest.mark.slow
def test_logcdf_float32_and_against_the_package() -> None:
    xs = np.array([0.05, 0.1, 0.25, 0.6, 1.5, 4.0])
    v, h, z = pt.vector("v"), pt.scalar("h"), pt.scalar("z")
    f = pg.function([v, h, z], pg.logcdf(pg.PolyaGamma.dist(h=h, z=z), v))
    with pg.config.change_flags(floatX="float32"):
        out = pg.logcdf(pg.PolyaGamma.dist(h=1.0, z=3.0), xs.astype(np.float32))
        assert out.dtype == "float32"
        np.testing.assert_allclose(out.eval(), f(xs, 1.0, 3.0), rtol=1e-4, atol=1e-6)
    polyagamma = pytest.importorskip("polyagamma")
    for hh, zz in [(0.5, -2.0), (2.5, 1.0), (7.0, 0.0)]:
        want = np.log(polyagamma.polyagamma_cdf(xs, h=hh, z=zz))
        np.testing.assert_allclose(f(xs, hh, zz), want, rtol=1e-9, atol=1e-12)
