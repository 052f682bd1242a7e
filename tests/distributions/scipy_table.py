"""One table: each continuous distribution beside its ``scipy.stats`` twin.

A ``Twin`` holds the ppgraph class, a function from PyMC-style parameters to a
frozen ``scipy.stats`` distribution (or, where SciPy has none, a ``Formula`` of
``test_continuous_formulas``, from the reference in its comment), hand-picked
parameter sets (the first one is drawn from), a sampler of random parameter sets, and one invalid
parameter with the Check message it must raise. ``points`` and ``quantiles``
turn a twin into the flat arrays the tests feed one compiled function.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats

import ppgraph as pg
from tests.distributions.test_continuous_formulas import (
    Flat,
    HalfStudentT,
    Kumaraswamy,
    LogitNormal,
    VonMises,
)

Params = dict[str, float]
Rng = np.random.Generator


def _trunc(mu: float, sigma: float, lower: float, upper: float) -> Any:
    return stats.truncnorm((lower - mu) / sigma, (upper - mu) / sigma, mu, sigma)


def _beta_mu(mu: float, sigma: float | None = None, nu: float | None = None) -> Any:
    kappa = mu * (1 - mu) / sigma**2 - 1 if sigma is not None else nu
    return stats.beta(mu * kappa, (1 - mu) * kappa)


def _wald(mu: float | None = None, lam: float | None = None, phi: float | None = None, alpha=0.0):  # type: ignore[no-untyped-def]
    # PyMC: mu only means lam = 1; mu, phi means lam = mu phi; lam, phi means mu = lam / phi.
    lam = (1.0 if phi is None else mu * phi) if lam is None else lam  # type: ignore[operator]
    mu = lam / phi if mu is None else mu  # type: ignore[operator]
    return stats.invgauss(mu / lam, loc=alpha, scale=lam)


def uniform_in(**ranges: tuple[float, float]) -> Callable[[Rng], Params]:
    """Random parameter sets: each parameter log-uniform in its range if the
    range is positive, uniform otherwise."""

    def draw(rng: Rng) -> Params:
        out = {}
        for k, (lo, hi) in ranges.items():
            log = lo > 0
            u = rng.uniform(np.log(lo) if log else lo, np.log(hi) if log else hi)
            out[k] = float(np.exp(u) if log else u)
        return out

    return draw


def _ordered(*names: str, lo: float = -5.0, hi: float = 5.0) -> Callable[[Rng], Params]:
    def draw(rng: Rng) -> Params:
        return dict(zip(names, map(float, np.sort(rng.uniform(lo, hi, len(names)))), strict=True))

    return draw


@dataclasses.dataclass(frozen=True)
class Twin:
    name: str
    dist: Any  # the ppgraph class
    oracle: Callable[..., Any]  # (**params) -> frozen scipy distribution or Formula
    params: tuple[Params, ...]  # hand-picked regimes; the first is drawn from
    random: Callable[[Rng], Params]  # random parameter sets
    bad: Params  # an out-of-domain parameter (merged into params[0]) ...
    msg: str  # ... and the Check message it must raise
    logcdf: bool = True
    icdf: bool = True
    draws: bool = True
    extra: tuple[float, ...] = ()  # more values: far tails, edges
    no_cdf_grad: tuple[str, ...] = ()  # parameters only betainc sees (JAX has no d/da, d/db)
    grad: bool = True  # test jit and gradients (alternative parametrizations mostly not)
    edges: tuple[str, ...] = ()  # parameters that are support edges or kinks
    rtol: float = 1e-8  # for logp; logcdf and icdf use cdf_rtol
    cdf_rtol: float = 1e-8
    moments: bool = True  # False for heavy tails (no finite mean or variance)


T = Twin
ALT = {"logcdf": False, "icdf": False, "grad": False}  # another parametrization: logp only
U = uniform_in
TWINS: list[Twin] = [
    # The normal family.
    T("Normal", pg.Normal, lambda mu, sigma: stats.norm(mu, sigma),
      ({"mu": 0.0, "sigma": 1.0}, {"mu": -3.0, "sigma": 0.01}, {"mu": 1e3, "sigma": 50.0}),
      U(mu=(-10, 10), sigma=(0.1, 10)), {"sigma": -1.0}, "sigma > 0",
      extra=(-40.0, 40.0, -1e3, 1e4)),
    T("Normal_tau", pg.Normal, lambda mu, tau: stats.norm(mu, tau**-0.5),
      ({"mu": 1.0, "tau": 4.0},), U(mu=(-10, 10), tau=(0.01, 100)), {"tau": -1.0}, "tau > 0",
      **ALT),
    T("HalfNormal", pg.HalfNormal, lambda sigma: stats.halfnorm(scale=sigma),
      ({"sigma": 1.0}, {"sigma": 0.01}), U(sigma=(0.1, 10)), {"sigma": 0.0}, "sigma > 0",
      extra=(1e-300, 30.0)),
    T("TruncatedNormal", pg.TruncatedNormal, _trunc,
      ({"mu": 0.0, "sigma": 1.0, "lower": -1.0, "upper": 2.0},
       {"mu": 0.5, "sigma": 2.0, "lower": 0.0, "upper": np.inf},
       {"mu": 0.5, "sigma": 2.0, "lower": -np.inf, "upper": 1.0},
       {"mu": 0.0, "sigma": 1.0, "lower": 5.0, "upper": 8.0},
       {"mu": 0.0, "sigma": 1.0, "lower": -12.0, "upper": -10.0},
       {"mu": 1.0, "sigma": 1.0, "lower": -np.inf, "upper": np.inf}),
      lambda rng: {**U(mu=(-3, 3), sigma=(0.3, 3))(rng), **_ordered("lower", "upper")(rng)},
      {"sigma": -1.0}, "sigma > 0, lower < upper", edges=("lower", "upper"),
      # scipy's truncnorm.logcdf 1e-10 above a bound is a difference of nearly equal
      # cdfs, off by up to 3e-7; test_near_lower_bound checks ppgraph there (mpmath).
      cdf_rtol=5e-7),
    T("LogNormal", pg.LogNormal, lambda mu, sigma: stats.lognorm(sigma, scale=np.exp(mu)),
      ({"mu": 0.0, "sigma": 1.0}, {"mu": 2.0, "sigma": 0.1}), U(mu=(-3, 3), sigma=(0.1, 3)),
      {"sigma": -2.0}, "sigma > 0", extra=(1e-300, 1e10)),
    T("LogNormal_tau", pg.LogNormal, lambda mu, tau: stats.lognorm(tau**-0.5, scale=np.exp(mu)),
      ({"mu": 0.5, "tau": 2.0},), U(mu=(-3, 3), tau=(0.1, 10)), {"tau": 0.0}, "tau > 0", **ALT),
    T("LogitNormal", pg.LogitNormal, LogitNormal,
      ({"mu": 0.0, "sigma": 1.0}, {"mu": 2.0, "sigma": 0.3}), U(mu=(-3, 3), sigma=(0.1, 3)),
      {"sigma": -1.0}, "sigma > 0", extra=(1e-300, 1e-20)),
    T("SkewNormal", pg.SkewNormal, lambda alpha, mu, sigma: stats.skewnorm(alpha, mu, sigma),
      ({"alpha": 3.0, "mu": 1.0, "sigma": 2.0}, {"alpha": -10.0, "mu": 0.0, "sigma": 0.5}),
      U(alpha=(-5, 5), mu=(-3, 3), sigma=(0.1, 3)), {"sigma": 0.0}, "sigma > 0",
      logcdf=False, icdf=False, extra=(-30.0, 30.0)),
    # Student's t and Cauchy.
    T("StudentT", pg.StudentT, lambda nu, mu, sigma: stats.t(nu, mu, sigma),
      ({"nu": 3.0, "mu": 1.0, "sigma": 2.0}, {"nu": 0.5, "mu": 0.0, "sigma": 1.0},
       {"nu": 1e3, "mu": -2.0, "sigma": 0.1}),
      U(nu=(0.5, 50), mu=(-5, 5), sigma=(0.1, 10)), {"nu": 0.0}, "nu > 0, sigma > 0",
      extra=(-1e6, 1e6), no_cdf_grad=("nu",)),
    T("StudentT_lam", pg.StudentT, lambda nu, mu, lam: stats.t(nu, mu, lam**-0.5),
      ({"nu": 5.0, "mu": 0.0, "lam": 4.0},), U(nu=(1, 50), mu=(-5, 5), lam=(0.1, 10)),
      {"lam": -1.0}, "lam > 0", **ALT),
    T("HalfStudentT", pg.HalfStudentT, HalfStudentT,
      ({"nu": 3.0, "sigma": 2.0}, {"nu": 0.7, "sigma": 0.5}),
      U(nu=(0.5, 50), sigma=(0.1, 10)), {"nu": -1.0}, "nu > 0, sigma > 0",
      extra=(1e-300, 1e6), no_cdf_grad=("nu",)),
    T("HalfStudentT_lam", pg.HalfStudentT, lambda nu, lam: HalfStudentT(nu, lam**-0.5),
      ({"nu": 4.0, "lam": 0.5},), U(nu=(0.5, 50), lam=(0.1, 10)), {"lam": -1.0}, "lam > 0",
      **ALT),
    T("Cauchy", pg.Cauchy, lambda alpha, beta: stats.cauchy(alpha, beta),
      ({"alpha": 1.0, "beta": 2.0}, {"alpha": -5.0, "beta": 0.01}),
      U(alpha=(-5, 5), beta=(0.1, 10)), {"beta": -1.0}, "beta > 0",
      extra=(-1e15, 1e15), moments=False),
    T("HalfCauchy", pg.HalfCauchy, lambda beta: stats.halfcauchy(scale=beta),
      ({"beta": 2.0}, {"beta": 0.01}), U(beta=(0.1, 10)), {"beta": -2.0}, "beta > 0",
      extra=(1e-300, 1e15), moments=False),
    # The real line.
    T("Laplace", pg.Laplace, lambda mu, b: stats.laplace(mu, b),
      ({"mu": 1.0, "b": 2.0}, {"mu": 0.0, "b": 0.05}), U(mu=(-5, 5), b=(0.1, 10)),
      {"b": 0.0}, "b > 0", extra=(-1e3, 1e3), edges=("mu",)),
    T("AsymmetricLaplace", pg.AsymmetricLaplace,
      lambda kappa, mu, b: stats.laplace_asymmetric(kappa, mu, 1 / b),
      ({"kappa": 1.5, "mu": 1.0, "b": 0.5}, {"kappa": 0.3, "mu": -2.0, "b": 3.0}),
      U(kappa=(0.2, 5), mu=(-5, 5), b=(0.1, 10)), {"kappa": -1.0}, "b > 0, kappa > 0",
      extra=(-1e3, 1e3), edges=("mu",)),
    T("AsymmetricLaplace_q", pg.AsymmetricLaplace,
      lambda q, mu, b: stats.laplace_asymmetric(np.sqrt((1 - q) / q), mu, 1 / b),
      ({"q": 0.3, "mu": 1.0, "b": 0.5},), U(q=(0.05, 0.95), mu=(-5, 5), b=(0.1, 10)),
      {"q": 1.5}, "0 < q < 1", **ALT),
    T("Logistic", pg.Logistic, lambda mu, s: stats.logistic(mu, s),
      ({"mu": 1.0, "s": 2.0}, {"mu": 0.0, "s": 0.1}), U(mu=(-5, 5), s=(0.1, 10)),
      {"s": -1.0}, "s > 0", extra=(-1e3, 1e3)),
    T("Gumbel", pg.Gumbel, lambda mu, beta: stats.gumbel_r(mu, beta),
      ({"mu": 1.0, "beta": 2.0}, {"mu": -3.0, "beta": 0.1}), U(mu=(-5, 5), beta=(0.1, 10)),
      {"beta": 0.0}, "beta > 0", extra=(-5.0, 1e3)),
    T("Moyal", pg.Moyal, lambda mu, sigma: stats.moyal(mu, sigma),
      ({"mu": 1.0, "sigma": 2.0}, {"mu": 0.0, "sigma": 0.1}), U(mu=(-5, 5), sigma=(0.1, 10)),
      {"sigma": -1.0}, "sigma > 0", extra=(-3.0, 1e3)),
    T("ExGaussian", pg.ExGaussian, lambda mu, sigma, nu: stats.exponnorm(nu / sigma, mu, sigma),
      ({"mu": 1.0, "sigma": 2.0, "nu": 3.0}, {"mu": 0.0, "sigma": 1.0, "nu": 0.2}),
      U(mu=(-5, 5), sigma=(0.2, 5), nu=(0.2, 5)), {"nu": 0.0}, "sigma > 0, nu > 0",
      icdf=False, extra=(-20.0, 100.0)),
    T("Flat", pg.Flat, lambda: Flat(), ({},), lambda rng: {}, {}, "", draws=False, **ALT),
    T("HalfFlat", pg.HalfFlat, lambda: Flat(positive=True), ({},), lambda rng: {}, {}, "",
      draws=False, **ALT),
    # The positive half-line.
    T("Gamma", pg.Gamma, lambda alpha, beta: stats.gamma(alpha, scale=1 / beta),
      ({"alpha": 2.0, "beta": 3.0}, {"alpha": 0.3, "beta": 1.0}, {"alpha": 500.0, "beta": 10.0}),
      U(alpha=(0.2, 50), beta=(0.1, 10)), {"alpha": -1.0}, "alpha > 0, beta > 0",
      extra=(1e-300, 1e3)),
    T("Gamma_mu_sigma", pg.Gamma,
      lambda mu, sigma: stats.gamma((mu / sigma) ** 2, scale=sigma**2 / mu),
      ({"mu": 2.0, "sigma": 0.5},), U(mu=(0.1, 10), sigma=(0.1, 5)),
      {"sigma": -0.5}, "mu > 0, sigma > 0", icdf=False),
    T("InverseGamma", pg.InverseGamma, lambda alpha, beta: stats.invgamma(alpha, scale=beta),
      ({"alpha": 3.0, "beta": 2.0}, {"alpha": 0.5, "beta": 0.1}),
      U(alpha=(0.2, 50), beta=(0.1, 10)), {"beta": -1.0}, "alpha > 0, beta > 0",
      extra=(1e-3, 1e6)),
    T("InverseGamma_alpha", pg.InverseGamma, lambda alpha: stats.invgamma(alpha),
      ({"alpha": 4.0},), U(alpha=(0.5, 20)), {"alpha": 0.0}, "alpha > 0, beta > 0", **ALT),
    T("InverseGamma_mu_sigma", pg.InverseGamma,
      lambda mu, sigma: stats.invgamma(2 + (mu / sigma) ** 2, scale=mu * (1 + (mu / sigma) ** 2)),
      ({"mu": 2.0, "sigma": 1.0},), U(mu=(0.1, 10), sigma=(0.1, 5)),
      {"mu": -1.0}, "mu > 0, sigma > 0", **ALT),
    T("Exponential", pg.Exponential, lambda lam: stats.expon(scale=1 / lam),
      ({"lam": 2.0}, {"lam": 1e-3}), U(lam=(0.1, 10)), {"lam": 0.0}, "lam > 0",
      extra=(1e-300, 700.0)),
    T("Exponential_scale", pg.Exponential, lambda scale: stats.expon(scale=scale),
      ({"scale": 3.0},), U(scale=(0.1, 10)), {"scale": -1.0}, "scale > 0", **ALT),
    T("ChiSquared", pg.ChiSquared, lambda nu: stats.chi2(nu),
      ({"nu": 3.0}, {"nu": 0.5}, {"nu": 200.0}), U(nu=(0.5, 50)), {"nu": -3.0}, "nu > 0"),
    T("Weibull", pg.Weibull, lambda alpha, beta: stats.weibull_min(alpha, scale=beta),
      ({"alpha": 1.5, "beta": 2.0}, {"alpha": 0.5, "beta": 0.3}),
      U(alpha=(0.3, 10), beta=(0.1, 10)), {"beta": 0.0}, "alpha > 0, beta > 0",
      extra=(1e-300, 1e3)),
    T("Pareto", pg.Pareto, lambda alpha, m: stats.pareto(alpha, scale=m),
      ({"alpha": 3.0, "m": 2.0}, {"alpha": 0.7, "m": 0.1}), U(alpha=(0.3, 10), m=(0.1, 10)),
      {"m": -1.0}, "alpha > 0, m > 0", extra=(1e300,), moments=False, edges=("m",),
      # scipy's pareto.logcdf just above m rounds x / m first: off by up to 4e-7
      # there; test_near_lower_bound checks ppgraph (mpmath).
      cdf_rtol=5e-7),
    T("Wald", pg.Wald, _wald,
      ({"mu": 2.0, "lam": 3.0, "alpha": 0.0}, {"mu": 0.5, "lam": 20.0, "alpha": 1.0},
       {"mu": 10.0, "lam": 0.5, "alpha": 0.0}),
      U(mu=(0.2, 10), lam=(0.2, 20), alpha=(0.0, 3)), {"lam": -3.0},
      "mu > 0, lam > 0, alpha >= 0", icdf=False, edges=("alpha",)),
    T("Wald_mu", pg.Wald, _wald, ({"mu": 1.5},), U(mu=(0.2, 5)),
      {"mu": -1.0}, "mu > 0, lam > 0, alpha >= 0", **ALT),
    T("Wald_mu_phi", pg.Wald, _wald, ({"mu": 1.5, "phi": 2.0},), U(mu=(0.2, 5), phi=(0.2, 5)),
      {"phi": -1.0}, "mu > 0, lam > 0, alpha >= 0", **ALT),
    T("Wald_lam_phi", pg.Wald, _wald, ({"lam": 1.5, "phi": 2.0},), U(lam=(0.2, 5), phi=(0.2, 5)),
      {"lam": -1.0}, "mu > 0, lam > 0, alpha >= 0", **ALT),
    # Bounded supports.
    T("Uniform", pg.Uniform, lambda lower, upper: stats.uniform(lower, upper - lower),
      ({"lower": -1.0, "upper": 3.0}, {"lower": 10.0, "upper": 10.001}),
      _ordered("lower", "upper"), {"lower": 4.0}, "lower < upper", edges=("lower", "upper")),
    T("Beta", pg.Beta, lambda alpha, beta: stats.beta(alpha, beta),
      ({"alpha": 2.0, "beta": 3.0}, {"alpha": 0.3, "beta": 0.6}, {"alpha": 1.0, "beta": 1.0},
       {"alpha": 200.0, "beta": 5.0}),
      U(alpha=(0.2, 50), beta=(0.2, 50)), {"alpha": -1.0}, "alpha > 0, beta > 0",
      extra=(1e-300, 1 - 1e-16), no_cdf_grad=("alpha", "beta")),
    T("Beta_mu_sigma", pg.Beta, lambda mu, sigma: _beta_mu(mu, sigma=sigma),
      ({"mu": 0.3, "sigma": 0.2},), U(mu=(0.1, 0.9), sigma=(0.01, 0.05)),
      {"sigma": 0.5}, "0 < sigma**2 < mu * (1 - mu)", icdf=False, grad=False),
    T("Beta_mu_nu", pg.Beta, lambda mu, nu: _beta_mu(mu, nu=nu),
      ({"mu": 0.3, "nu": 5.0},), U(mu=(0.1, 0.9), nu=(0.5, 50)),
      {"mu": 1.5}, "0 < mu < 1, nu > 0", **ALT),
    T("Kumaraswamy", pg.Kumaraswamy, Kumaraswamy,
      ({"a": 2.0, "b": 3.0}, {"a": 0.5, "b": 0.3}), U(a=(0.2, 10), b=(0.2, 10)),
      {"a": -1.0}, "a > 0, b > 0", extra=(1e-300, 1 - 1e-16)),
    T("Triangular", pg.Triangular,
      lambda lower, upper, c: stats.triang((c - lower) / (upper - lower), lower, upper - lower),
      ({"lower": 0.0, "upper": 4.0, "c": 1.3}, {"lower": -1.0, "upper": 1.0, "c": 1.0},
       {"lower": -1.0, "upper": 1.0, "c": -1.0}),
      _ordered("lower", "c", "upper"), {"c": 5.0}, "lower <= c <= upper, lower < upper",
      edges=("lower", "c", "upper")),
    T("VonMises", pg.VonMises, VonMises,
      ({"mu": 0.5, "kappa": 2.0}, {"mu": -2.0, "kappa": 1e-3}, {"mu": 0.0, "kappa": 500.0}),
      U(mu=(-3, 3), kappa=(0.1, 50)), {"kappa": -1.0}, "kappa > 0", icdf=False, logcdf=False),
]  # fmt: skip

TAIL_Q = (1e-10, 1e-4, 0.02, 0.2, 0.45, 0.6, 0.8, 0.98, 1 - 1e-4, 1 - 1e-10)
ICDF_Q = (0.0, 1e-12, 1e-6, 0.01, 0.25, 0.5, 0.75, 0.99, 1 - 1e-6, 1.0, -0.5, 1.5)
N_RANDOM = 3


def parameter_sets(twin: Twin) -> list[Params]:
    """The hand-picked regimes and a few random sets (a fixed seed per twin)."""
    rng = np.random.default_rng(sum(map(ord, twin.name)))
    return [*twin.params, *(twin.random(rng) for _ in range(N_RANDOM))]


def _support_points(dist: Any) -> list[float]:
    lo, hi = (float(b) for b in dist.support())
    pts = [-np.inf, np.inf]
    for b, step in ((lo, -1.0), (hi, 1.0)):
        if np.isfinite(b):
            # Just beside the edge (not much closer: scipy's (x - loc) / scale loses the digits).
            near = 1e-6 * max(1.0, abs(b))
            pts += [b, b + step, b + near, b - near]
    return pts


def points(
    twin: Twin,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Flat arrays (parameters, values, interior, inside, scale): for each
    parameter set, quantiles from the far tails in, a few random interior points,
    the support's edges and just beyond, infinities, NaN and the twin's extra
    values. ``interior`` marks the points where finite differences make sense,
    ``inside`` those in the support; ``scale`` is the distance to the support's
    edges (a yardstick for steps)."""
    rng = np.random.default_rng(1 + sum(map(ord, twin.name)))
    rows: list[Params] = []
    values: list[float] = []
    interior: list[bool] = []
    inside: list[bool] = []
    scale: list[float] = []
    for p in parameter_sets(twin):
        dist = twin.oracle(**p)
        inner = [*dist.ppf(np.array(TAIL_Q[2:-2])), *dist.ppf(rng.uniform(0.05, 0.95, 3))]
        outer = [*dist.ppf(np.array([*TAIL_Q[:2], *TAIL_Q[-2:]])), *_support_points(dist)]
        outer += [*twin.extra, np.nan]
        lo, hi = dist.support()
        for v, ok in [*((v, True) for v in inner), *((v, False) for v in outer)]:
            rows.append(p)
            values.append(float(v))
            interior.append(ok)
            inside.append(bool(lo <= v <= hi))
            with np.errstate(invalid="ignore"):
                scale.append(min(abs(v - lo), abs(hi - v)))
    columns = [np.array(a) for a in (values, interior, inside, scale)]
    return _columns(rows), *columns  # type: ignore[return-value]


def quantiles(twin: Twin) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Flat arrays (parameters, probabilities) for the icdf: the ends, the far
    tails, the middle, random points and probabilities outside [0, 1]."""
    rng = np.random.default_rng(2 + sum(map(ord, twin.name)))
    rows: list[Params] = []
    qs: list[float] = []
    for p in parameter_sets(twin):
        for q in [*ICDF_Q, *rng.uniform(0, 1, 3)]:
            rows.append(p)
            qs.append(float(q))
    return _columns(rows), np.array(qs)


def _columns(rows: list[Params]) -> dict[str, np.ndarray]:
    return {k: np.array([r[k] for r in rows], dtype=float) for k in rows[0]}


def oracle(twin: Twin, method: str, params: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """``method`` ("logpdf", "logcdf", "ppf") of the twin elementwise over flat arrays."""
    out = np.empty(len(x))
    keys = list(params)
    combos: dict[tuple[float, ...], list[int]] = {}
    for i in range(len(x)):
        combos.setdefault(tuple(params[k][i] for k in keys), []).append(i)
    with np.errstate(all="ignore"):
        for combo, idx in combos.items():
            dist = twin.oracle(**dict(zip(keys, combo, strict=True)))
            out[idx] = getattr(dist, method)(x[idx])
    return out


# Issue 10 (PyMC's rarer families). Rice has no logcdf or icdf in PyMC (scipy's
# twin is its reference for logp and draws); jf_skew_t is Jones and Faddy's skew t.


class _Quiet:
    """A frozen scipy distribution whose methods run without floating-point
    warnings (jf_skew_t's ppf divides by 0 at q = 0 and 1, and returns the ends)."""

    def __init__(self, dist: Any) -> None:
        self._dist = dist

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._dist, name)

        def quiet(*args: Any, **kwargs: Any) -> Any:
            with np.errstate(all="ignore"):
                return method(*args, **kwargs)

        return quiet


class _JonesFaddy(_Quiet):
    """scipy's jf_skew_t, with logpdf and logcdf in 50-digit arithmetic from the
    definitions (scipy's ``1 + t / sqrt(a + b + t^2)`` cancels in the far left
    tail): t = (x - mu) / sigma, r = t / sqrt(a + b + t^2),
    log p = (a + 1/2) log(1 + r) + (b + 1/2) log(1 - r) - (a + b - 1) log 2
    - log B(a, b) - log(a + b) / 2 - log sigma; F = I_{(1 + r) / 2}(a, b)."""

    def __init__(self, a: float, b: float, mu: float = 0.0, sigma: float = 1.0) -> None:
        super().__init__(stats.jf_skew_t(a, b, loc=mu, scale=sigma))
        self._p = (a, b, mu, sigma)

    def _each(self, x: Any, fn: Callable[..., Any]) -> np.ndarray:
        import mpmath

        mpmath.mp.dps = 50
        a, b, mu, sigma = (mpmath.mpf(v) for v in self._p)
        out = []
        for v in np.atleast_1d(np.asarray(x, float)):
            if not np.isfinite(v):
                out.append(np.nan)
                continue
            t = (mpmath.mpf(v) - mu) / sigma
            out.append(float(fn(t / mpmath.sqrt(a + b + t * t), a, b, sigma)))
        return np.array(out).reshape(np.shape(x))

    def logpdf(self, x: Any) -> np.ndarray:
        import mpmath

        def f(r: Any, a: Any, b: Any, sigma: Any) -> Any:
            norm = (a + b - 1) * mpmath.log(2) + mpmath.log(mpmath.beta(a, b))
            norm += mpmath.log(a + b) / 2 + mpmath.log(sigma)
            return (a + 0.5) * mpmath.log1p(r) + (b + 0.5) * mpmath.log1p(-r) - norm

        return self._each(x, f)

    def logcdf(self, x: Any) -> np.ndarray:
        import mpmath

        def f(r: Any, a: Any, b: Any, sigma: Any) -> Any:
            return mpmath.log(mpmath.betainc(a, b, 0, (1 + r) / 2, regularized=True))

        return self._each(x, f)

    def ppf(self, q: Any) -> np.ndarray:
        """scipy's, and where it overflows inside (0, 1): by bisection on
        I_y(a, b) = q (below the median) or I_c(b, a) = 1 - q (above, c = 1 - y),
        then t = sqrt(a + b) (y - c) / (2 sqrt(y c))."""
        import mpmath

        mpmath.mp.dps = 30
        a, b, mu, sigma = (mpmath.mpf(v) for v in self._p)
        out = []
        with np.errstate(all="ignore"):
            fast = np.atleast_1d(self._dist.ppf(q))
        for u, quick in zip(np.atleast_1d(np.asarray(q, float)), fast, strict=True):
            if not 0 < u < 1 or np.isfinite(quick):  # scipy's, where it has one
                out.append(quick)
                continue
            lo_a, lo_b, target = (a, b, u) if u < 0.5 else (b, a, 1 - u)
            lo, hi = mpmath.mpf(-1500), mpmath.mpf(0)  # bisection on log z
            for _ in range(64):
                mid = (lo + hi) / 2
                below = mpmath.betainc(lo_a, lo_b, 0, mpmath.exp(mid), regularized=True) < target
                lo, hi = (mid, hi) if below else (lo, mid)
            z = mpmath.exp((lo + hi) / 2)
            y, c = (z, 1 - z) if u < 0.5 else (1 - z, z)
            out.append(float(mu + sigma * mpmath.sqrt(a + b) * (y - c) / (2 * mpmath.sqrt(y * c))))
        return np.array(out).reshape(np.shape(q))


TWINS.extend(
    [
        T("Rice", pg.Rice, lambda nu, sigma: stats.rice(nu / sigma, scale=sigma),
          ({"nu": 2.0, "sigma": 1.5}, {"nu": 0.0, "sigma": 1.0}, {"nu": 30.0, "sigma": 0.5}),
          U(nu=(0.1, 10), sigma=(0.2, 5)), {"sigma": -1.0}, "nu >= 0, sigma > 0",
          logcdf=False, icdf=False),
        T("Rice_b", pg.Rice, lambda b, sigma: stats.rice(b, scale=sigma),
          ({"b": 1.5, "sigma": 2.0},), U(b=(0.1, 10), sigma=(0.2, 5)), {"sigma": -1.0},
          "nu >= 0, sigma > 0", **ALT),
        T("SkewStudentT", pg.SkewStudentT,
          _JonesFaddy,
          ({"a": 3.0, "b": 1.5, "mu": 0.5, "sigma": 2.0},
           {"a": 1.0, "b": 1.0, "mu": 0.0, "sigma": 1.0},
           {"a": 0.6, "b": 8.0, "mu": -2.0, "sigma": 0.3}),
          U(a=(0.3, 20), b=(0.3, 20), mu=(-5, 5), sigma=(0.1, 5)), {"b": -1.0},
          "a > 0, b > 0, sigma > 0", no_cdf_grad=("a", "b")),
        T("SkewStudentT_lam", pg.SkewStudentT,
          lambda a, b, lam: _JonesFaddy(a, b, 0.0, lam**-0.5),
          ({"a": 2.0, "b": 4.0, "lam": 4.0},), U(a=(0.5, 10), b=(0.5, 10), lam=(0.1, 10)),
          {"lam": -1.0}, "lam > 0", **ALT),
    ]
)  # fmt: skip
