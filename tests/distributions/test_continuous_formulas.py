"""Hand-derived oracles for the distributions ``scipy.stats`` lacks (each from
the reference in its comment), and tests that hold them to their own
definitions: densities integrate to 1, cdfs integrate the densities, quantile
functions invert the cdfs. ``scipy_table`` uses them as twins."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.special as sp
from scipy import integrate, stats


class Formula:
    """A distribution SciPy lacks, from its closed forms: ``logpdf``, ``logcdf``
    and ``ppf`` on NumPy arrays; ``cdf``, ``mean`` and ``var`` follow."""

    lower, upper = -np.inf, np.inf

    def logpdf(self, x: Any) -> Any:
        raise NotImplementedError

    def logcdf(self, x: Any) -> Any:
        raise NotImplementedError

    def ppf(self, q: Any) -> Any:
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        return self.lower, self.upper

    def cdf(self, x: Any) -> Any:
        return np.exp(self.logcdf(x))

    def _moment(self, k: int) -> float:
        f = lambda x: x**k * np.exp(self.logpdf(x))  # noqa: E731
        return float(integrate.quad(f, self.lower, self.upper, limit=200)[0])

    def mean(self) -> float:
        return self._moment(1)

    def var(self) -> float:
        return self._moment(2) - self.mean() ** 2

    def stats(self, moments: str) -> float:
        return np.nan  # kurtosis unknown: the variance test is skipped


def _inside(x: Any, lo: float, hi: float, fn: Callable[[Any], Any], out: float) -> Any:
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        res = fn(np.clip(x, lo, hi))
    return np.where((x >= lo) & (x <= hi), res, np.where(x > hi, out, -np.inf))


@dataclasses.dataclass
class Kumaraswamy(Formula):
    # Jones (2009), "Kumaraswamy's distribution", Stat. Methodology 6: pdf
    # a b x^(a-1) (1 - x^a)^(b-1), cdf 1 - (1 - x^a)^b, on [0, 1].
    a: float
    b: float
    lower, upper = 0.0, 1.0

    def logpdf(self, x: Any) -> Any:
        a, b = self.a, self.b
        # log(1 - x^a) as log(-expm1(a log x)) where x^a rounds near 1.
        f = lambda x: np.log(a * b) + sp.xlogy(a - 1, x) + (b - 1) * self._log1m_xa(x)  # noqa: E731
        return np.where(np.asarray(x) > 1, -np.inf, _inside(x, 0, 1, f, -np.inf))

    def _log1m_xa(self, x: Any) -> Any:
        xa = x**self.a
        return np.where(xa < 0.5, np.log1p(-xa), np.log(-np.expm1(self.a * np.log(x))))

    def logcdf(self, x: Any) -> Any:
        f = lambda x: np.log(-np.expm1(self.b * self._log1m_xa(x)))  # noqa: E731
        return _inside(x, 0, 1, f, 0.0)

    def ppf(self, q: Any) -> Any:
        q = np.where((np.asarray(q) >= 0) & (np.asarray(q) <= 1), q, np.nan)
        return (-np.expm1(np.log1p(-q) / self.b)) ** (1 / self.a)


@dataclasses.dataclass
class LogitNormal(Formula):
    # logit(x) ~ N(mu, sigma): the normal density times the Jacobian 1 / (x (1 - x)).
    mu: float
    sigma: float
    lower, upper = 0.0, 1.0

    def logpdf(self, x: Any) -> Any:
        n = stats.norm(self.mu, self.sigma)
        f = lambda x: n.logpdf(sp.logit(x)) - np.log(x) - np.log1p(-x)  # noqa: E731
        x = np.asarray(x, dtype=float)
        return np.where((x <= 0) | (x >= 1), -np.inf, _inside(x, 0, 1, f, -np.inf))

    def logcdf(self, x: Any) -> Any:
        f = lambda x: stats.norm(self.mu, self.sigma).logcdf(sp.logit(x))  # noqa: E731
        return _inside(x, 0, 1, f, 0.0)

    def ppf(self, q: Any) -> Any:
        return sp.expit(stats.norm(self.mu, self.sigma).ppf(q))


@dataclasses.dataclass
class HalfStudentT(Formula):
    # |T| for T ~ StudentT(nu, 0, sigma): twice the density on [0, inf); the cdf
    # 2 F(z) - 1 = I_{z^2/(nu+z^2)}(1/2, nu/2) (Abramowitz & Stegun 26.7.1), or
    # 1 - 2 sf(z) in the upper tail.
    nu: float
    sigma: float
    lower = 0.0

    def logpdf(self, x: Any) -> Any:
        f = lambda x: np.log(2) + stats.t(self.nu, 0, self.sigma).logpdf(x)  # noqa: E731
        return _inside(x, 0, np.inf, f, -np.inf)

    def logcdf(self, x: Any) -> Any:
        def f(x: Any) -> Any:
            z = x / self.sigma
            t = z * z / (self.nu + z * z)
            upper = np.log1p(-2 * stats.t(self.nu).sf(z))
            return np.where(t < 0.5, np.log(sp.betainc(0.5, self.nu / 2, t)), upper)

        return _inside(x, 0, np.inf, f, 0.0)

    def ppf(self, q: Any) -> Any:
        q = np.asarray(q, dtype=float)
        ok = (q >= 0) & (q <= 1)  # P(|T| <= x) = q; no quantile outside [0, 1]
        return np.where(ok, self.sigma * stats.t(self.nu).isf((1 - q) / 2), np.nan)


@dataclasses.dataclass
class VonMises(Formula):
    # PyMC's support [-pi, pi] with mean mu: scipy's centred von Mises density at
    # the wrapped angle x - mu; the cdf integrates it from -pi (turns counted).
    mu: float
    kappa: float
    lower, upper = -np.pi, np.pi

    def _centred(self, x: Any) -> Any:
        return np.mod(np.asarray(x) - self.mu + np.pi, 2 * np.pi) - np.pi

    def logpdf(self, x: Any) -> Any:
        f = lambda x: stats.vonmises(self.kappa).logpdf(self._centred(x))  # noqa: E731
        return _inside(x, -np.pi, np.pi, f, -np.inf)

    def _turns(self, t: Any) -> Any:
        # The cdf of the centred density, unwrapped: F0(wrap t) + full turns.
        f0 = stats.vonmises(self.kappa).cdf(np.mod(t + np.pi, 2 * np.pi) - np.pi)
        return f0 + np.floor((t + np.pi) / (2 * np.pi))

    def logcdf(self, x: Any) -> Any:
        x = np.clip(np.asarray(x, dtype=float), -np.pi, np.pi)
        with np.errstate(divide="ignore"):
            return np.log(self._turns(x - self.mu) - self._turns(-np.pi - self.mu))

    def ppf(self, q: Any) -> Any:
        return -np.pi + 2 * np.pi * np.asarray(q)  # points to evaluate at, not quantiles


@dataclasses.dataclass
class Flat(Formula):
    # The improper uniform: log-density 0; PyMC's logcdf, log(1/2) at finite points.
    positive: bool = False

    def __post_init__(self) -> None:
        self.lower = 0.0 if self.positive else -np.inf

    def logpdf(self, x: Any) -> Any:
        x = np.asarray(x, dtype=float)
        return np.where(np.isfinite(x) & (x >= self.lower), 0.0, -np.inf)

    def logcdf(self, x: Any) -> Any:
        x = np.asarray(x, dtype=float)
        finite = -np.inf if self.positive else np.log(0.5)
        return np.where(x == np.inf, 0.0, np.where(x == -np.inf, -np.inf, finite))

    def ppf(self, q: Any) -> Any:
        return np.tan(np.pi * (np.asarray(q) - 0.5)) * 10  # points to evaluate at


FORMULAS = [
    Kumaraswamy(2.0, 3.0),
    Kumaraswamy(0.5, 0.3),
    LogitNormal(0.5, 1.5),
    HalfStudentT(3.0, 2.0),
    HalfStudentT(0.7, 0.5),
    VonMises(0.5, 2.0),
    VonMises(-2.0, 30.0),
]


@pytest.mark.parametrize("dist", FORMULAS, ids=repr)
def test_formula_is_consistent(dist: Formula) -> None:
    """The density integrates to 1; the cdf at a few points is the integral of
    the density up to there; the quantile function inverts the cdf."""
    pdf = lambda x: np.exp(dist.logpdf(x))  # noqa: E731
    lo, hi = dist.support()
    assert integrate.quad(pdf, lo, hi, limit=200)[0] == pytest.approx(1.0, rel=1e-8)
    q = np.array([0.05, 0.3, 0.7, 0.95])
    x = lo + (q * (hi - lo) if np.isfinite(hi) else q / (1 - q))
    area = [integrate.quad(pdf, lo, xi, limit=200)[0] for xi in x]
    np.testing.assert_allclose(np.exp(dist.logcdf(x)), area, rtol=1e-8)
    if not isinstance(dist, VonMises):  # its ppf only spreads points over [-pi, pi]
        np.testing.assert_allclose(dist.cdf(dist.ppf(q)), q, rtol=1e-8)
