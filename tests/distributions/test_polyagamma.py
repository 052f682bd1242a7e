"""PolyaGamma draws (Devroye's method for integer ``h``, a gamma series for the
fractional part): means and variances against the closed forms of Polson, Scott &
Windle (2013), a KS test against the ``polyagamma`` package's CDF when it is
installed, float32, and draws inside ``jax.jit``/``vmap``."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
from ppgraph.backend.jax.dispatch.random_polyagamma import _polyagamma

H = np.array([1.0, 1.0, 3.0, 0.5, 2.7, 1.0])
Z = np.array([0.0, 2.5, -1.0, 1.0, 4.0, 30.0])
N = 4000
pytestmark = pytest.mark.slow  # the rejection sampler compiles for ~10 s per dtype/shape


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


def test_moments_against_closed_forms(draws: np.ndarray) -> None:
    assert draws.shape == (N, len(H)) and np.all(draws > 0)
    mean, var = _mean(H, Z), _var(H, Z)
    # the sample mean within 5 standard errors; the variance within 5 of its own
    # (the fourth moment bounded by 3 var^2 + a margin: PG is close to gamma-like)
    np.testing.assert_array_less(np.abs(draws.mean(0) - mean), 5 * np.sqrt(var / N))
    np.testing.assert_array_less(np.abs(draws.var(0) / var - 1), 5 * np.sqrt(4 / N))


def test_ks_against_the_polyagamma_package(draws: np.ndarray) -> None:
    polyagamma = pytest.importorskip("polyagamma")
    for j, (h, z) in enumerate(zip(H, Z, strict=True)):
        cdf = lambda x, h=h, z=z: polyagamma.polyagamma_cdf(x, h=h, z=z)  # noqa: E731
        assert stats.kstest(draws[:, j], cdf).pvalue > 1e-3, (h, z)


def test_ks_against_our_logp_integrated() -> None:
    # PG(1, 1.5) against the cdf of ppgraph's density, integrated numerically
    # (the logp was checked against mpmath in test_multivariate_extra)
    from scipy import integrate

    x = np.linspace(1e-4, 3.0, 6000)
    dens = np.exp(pg.logp(pg.PolyaGamma.dist(h=1.0, z=1.5), x).eval())
    cdf = integrate.cumulative_trapezoid(dens, x, initial=0.0)
    d = np.asarray(pg.draw(pg.PolyaGamma.dist(h=1.0, z=1.5), draws=2000, random_seed=4))
    assert stats.kstest(d, lambda v: np.interp(v, x, cdf)).pvalue > 1e-3


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
