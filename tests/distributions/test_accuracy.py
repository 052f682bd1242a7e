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
