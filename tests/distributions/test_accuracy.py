"""Accuracy regressions (issue 10, item 7), with mpmath as the oracle where SciPy
is not accurate enough: far-tail truncated-normal quantiles, the inverse gamma
at large shape in float32, discrete quantiles outside [0, 1], the Wald
quantile, and beta-binomial / hypergeometric cdfs and quantiles with a
symbolic ``n``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt

mpmath = pytest.importorskip("mpmath")
mpmath.mp.dps = 60
QS = np.array([1e-9, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 1e-9])


def _truncnorm_quantile(q: Any, lo: float, hi: float) -> float:
    """The N(0, 1) quantile truncated to [lo, hi], by bisection in mpmath on the
    survival function (the mirror image for an interval below zero)."""
    if hi <= 0:
        return -_truncnorm_quantile(1 - mpmath.mpf(q), -hi, -lo)  # 1 - q exactly
    a = mpmath.mpf(lo) if np.isfinite(lo) else -mpmath.inf
    b = mpmath.mpf(hi) if np.isfinite(hi) else mpmath.inf
    sf = lambda x: mpmath.ncdf(-x)  # noqa: E731
    mass = sf(a) - sf(b)
    left, right = (a if np.isfinite(lo) else b - 60), (b if np.isfinite(hi) else a + 60)
    for _ in range(200):
        mid = (left + right) / 2
        left, right = (mid, right) if (sf(a) - sf(mid)) / mass < q else (left, mid)
    return float((left + right) / 2)


@pytest.mark.parametrize("lower, upper", [(39.0, None), (100.0, None), (39.0, 42.0),
                                          (None, -39.0), (-1.0, 2.0)])  # fmt: skip
def test_truncated_normal_icdf_far_in_a_tail(lower: float | None, upper: float | None) -> None:
    lo = -np.inf if lower is None else lower
    hi = np.inf if upper is None else upper
    want = [_truncnorm_quantile(q, lo, hi) for q in QS]
    x = pg.TruncatedNormal.dist(mu=0.0, sigma=1.0, lower=lower, upper=upper)
    got = pg.icdf(x, QS).eval()
    np.testing.assert_allclose(got, want, rtol=1e-13)
    assert np.all(np.diff(got) > 0)  # not the bound for every q
    with pg.config.change_flags(floatX="float32"):
        x32 = pg.TruncatedNormal.dist(mu=0.0, sigma=1.0, lower=lower, upper=upper)
        got32 = pg.icdf(x32, QS[1:-1].astype("float32")).eval()
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, want[1:-1], rtol=2e-6)


def _invgamma_logpdf(x: float, mu: float, sigma: float) -> float:
    """InverseGamma by mean and sd: alpha = mu^2 / sigma^2 + 2, beta = mu (alpha - 1)."""
    x, mu, sigma = mpmath.mpf(x), mpmath.mpf(mu), mpmath.mpf(sigma)
    a = mu**2 / sigma**2 + 2
    b = mu * (a - 1)
    return float(a * mpmath.log(b) - mpmath.loggamma(a) - (a + 1) * mpmath.log(x) - b / x)


def test_inverse_gamma_at_large_shape_in_float32_and_float64() -> None:
    xs = np.array([99.98, 99.995, 100.0, 100.005, 100.03], dtype="float32")
    want = [_invgamma_logpdf(float(x), 100.0, 0.01) for x in xs]  # at the float32 values
    with pg.config.change_flags(floatX="float32"):
        got32 = pg.logp(pg.InverseGamma.dist(mu=100.0, sigma=0.01), xs).eval()
    assert got32.dtype == np.float32
    # the log-density's condition number in x here is ~1e4: 1e-3 is float32's limit
    np.testing.assert_allclose(got32, want, rtol=2e-3)
    got = pg.logp(pg.InverseGamma.dist(mu=100.0, sigma=0.01), xs.astype(float)).eval()
    np.testing.assert_allclose(got, want, rtol=1e-10)
    # and the usual range of shapes still matches SciPy
    for alpha, beta in [(0.3, 0.2), (3.0, 2.0), (1e4, 50.0)]:
        x = stats.invgamma(alpha, scale=beta).ppf([1e-6, 0.5, 1 - 1e-6])
        got = pg.logp(pg.InverseGamma.dist(alpha=alpha, beta=beta), x).eval()
        np.testing.assert_allclose(got, stats.invgamma(alpha, scale=beta).logpdf(x), rtol=1e-11)


def _compile(rv_of: Any, *names: str) -> Any:
    ins = [pt.scalar(n) for n in names]
    q = pt.vector("q")
    return pg.function([q, *ins], pg.icdf(rv_of(*ins), q))


def _summed_logcdf(logpmf: np.ndarray, support: np.ndarray, x: np.ndarray) -> np.ndarray:
    """log P(X <= x) from SciPy's log-masses on the support: the sum below x, or
    log1p of minus the sum above it where that is the smaller."""
    from scipy.special import logsumexp

    out = []
    for xi in x:
        below = logsumexp(np.where(support <= xi, logpmf, -np.inf))
        above = logsumexp(np.where(support > xi, logpmf, -np.inf))
        out.append(below if below < np.log(0.5) else np.log1p(-np.exp(above)))
    return np.array(out)


def test_beta_binomial_cdf_and_quantile_with_a_symbolic_n() -> None:
    n, a, b = pt.scalar("n", dtype="int64"), pt.scalar("a"), pt.scalar("b")
    x = pt.vector("x")
    rv = pg.BetaBinomial.dist(alpha=a, beta=b, n=n)
    f = pg.function([x, n, a, b], pg.logcdf(rv, x))
    xs = np.array([-1.0, 0.0, 3.0, 7.5, 15.0, 29.0, 30.0, 31.0])
    for nn, aa, bb in [(30, 2.0, 3.0), (30, 0.2, 30.0), (7, 1.0, 1.0)]:
        k = np.arange(nn + 1)
        want = _summed_logcdf(stats.betabinom(nn, aa, bb).logpmf(k), k, xs)
        np.testing.assert_allclose(f(xs, nn, aa, bb), want, rtol=1e-12, atol=1e-300)
    g = pg.function([x, n, a, b], pg.icdf(rv, x))
    qs = np.array([0.0, 0.01, 0.3, 0.5, 0.99, 1.0])
    np.testing.assert_array_equal(g(qs, 30, 2.0, 3.0), stats.betabinom(30, 2.0, 3.0).ppf(qs))


def test_hypergeometric_cdf_and_quantile_with_a_symbolic_n() -> None:
    big_n, k, n = (pt.scalar(v, dtype="int64") for v in ("N", "k", "n"))
    x = pt.vector("x")
    rv = pg.HyperGeometric.dist(N=big_n, k=k, n=n)
    f = pg.function([x, big_n, k, n], pg.logcdf(rv, x))
    xs = np.array([-1.0, 0.0, 5.0, 11.0, 12.5, 16.0, 20.0, 30.0])
    for nn, kk, dd in [(50, 20, 30), (40, 35, 10), (12, 3, 12)]:
        dist = stats.hypergeom(nn, kk, dd)
        support = np.arange(max(0, dd - nn + kk), min(kk, dd) + 1)
        want = _summed_logcdf(dist.logpmf(support), support, xs)
        np.testing.assert_allclose(f(xs, nn, kk, dd), want, rtol=1e-12, atol=1e-300)
    g = pg.function([x, big_n, k, n], pg.icdf(rv, x))
    qs = np.array([0.0, 0.01, 0.3, 0.5, 0.99, 1.0])
    np.testing.assert_array_equal(g(qs, 50, 20, 30), stats.hypergeom(50, 20, 30).ppf(qs))


@pytest.mark.parametrize("mu, lam, alpha", [(1.0, 1.0, 0.0), (2.0, 0.1, 1.0), (0.5, 50.0, 0.0)])
def test_wald_icdf(mu: float, lam: float, alpha: float) -> None:
    dist = stats.invgauss(mu / lam, loc=alpha, scale=lam)
    q = pt.vector("q")
    f = pg.function([q], pg.icdf(pg.Wald.dist(mu=mu, lam=lam, alpha=alpha), q))
    qs = np.array([1e-9, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 1e-9])
    got = f(qs)
    np.testing.assert_allclose(got, dist.ppf(qs), rtol=1e-11)
    # round trips in the tail that keeps the digits
    np.testing.assert_allclose(dist.logcdf(got[:3]), np.log(qs[:3]), rtol=1e-12)
    np.testing.assert_allclose(dist.logsf(got[-3:]), np.log1p(-qs[-3:]), rtol=1e-9)
    ends = f(np.array([0.0, 1.0, -0.1, 1.5, np.nan]))
    np.testing.assert_array_equal(ends, [alpha, np.inf, np.nan, np.nan, np.nan])
    with pg.config.change_flags(floatX="float32"):
        got32 = pg.icdf(pg.Wald.dist(mu=mu, lam=lam, alpha=alpha), qs[1:-1].astype("float32"))
        assert got32.dtype == "float32"
        np.testing.assert_allclose(got32.eval(), dist.ppf(qs[1:-1].astype("float32")), rtol=1e-5)


@pytest.mark.parametrize(
    "rv, twin",
    [
        (lambda: pg.Poisson.dist(3.0), stats.poisson(3.0)),
        (lambda: pg.NegativeBinomial.dist(n=2.0, p=0.4), stats.nbinom(2.0, 0.4)),
        (lambda: pg.Geometric.dist(0.3), stats.geom(0.3)),
        (lambda: pg.Binomial.dist(n=10, p=0.3), stats.binom(10, 0.3)),
        (lambda: pg.DiscreteUniform.dist(lower=2, upper=7), stats.randint(2, 8)),
    ],
)
def test_discrete_icdf_outside_the_unit_interval_is_nan(rv: Any, twin: Any) -> None:
    qs = np.array([-0.1, 1.1, np.nan, 0.0, 0.3, 0.5, 1.0])
    out = pg.icdf(rv(), qs)
    assert out.dtype == "float64"  # floatX: NaN and inf are quantiles too, as scipy's ppf
    np.testing.assert_array_equal(out.eval(), twin.ppf(qs))  # nan, nan, nan, ..., inf or n
