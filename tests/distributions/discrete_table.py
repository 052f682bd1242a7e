"""One table: each discrete distribution, its parameters for the tests, and its
oracle from outside ppgraph (``scipy.stats``, or a formula from the reference
given, evaluated with NumPy/SciPy special functions).

A ``Case`` holds parameter rows (one row per parameter set, the test draws
points for each row), the log-mass/logcdf/quantile oracles as functions of
``(x, **params)`` on NumPy arrays, the support as functions of the parameters,
the parameters to differentiate, and an invalid parameter set with the Check
message it must trigger.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.special as sp
from scipy import stats

import ppgraph as pg

Params = dict[str, np.ndarray]
Oracle = Callable[..., Any]


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    dist: Any  # the pg distribution class
    rows: Params  # parameter sets: arrays with a leading axis of rows
    logpmf: Oracle  # (x, **params) -> log P(x)
    logcdf: Oracle | None
    ppf: Oracle | None
    lower: Oracle  # (**params) -> the smallest value of the support
    upper: Oracle  # (**params) -> the largest (inf when unbounded)
    grad: tuple[str, ...]  # float parameters to differentiate
    invalid: Params  # one parameter set (scalars) that violates a constraint
    message: str  # the Check message it triggers
    sample: Params  # one parameter set (scalars) for the draws
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)  # static kwargs


def _zero_inflated(logpmf: Oracle) -> Oracle:
    # log((1 - psi) [x == 0] + psi P(x)), PyMC's ZeroInflated* docs
    def fn(x: Any, psi: Any, **params: Any) -> Any:
        with np.errstate(divide="ignore"):
            base = np.log(psi) + logpmf(x, **params)
            return np.where(x == 0, np.logaddexp(np.log1p(-psi), base), base)

    return fn


def _zero_inflated_cdf(logcdf: Oracle) -> Oracle:
    def fn(x: Any, psi: Any, **params: Any) -> Any:
        sf = -np.expm1(logcdf(x, **params))  # 1 - F, accurate where F is near 1
        with np.errstate(divide="ignore"):
            return np.where(x < 0, -np.inf, np.log1p(-psi * sf))

    return fn


def _ordered_logistic_p(eta: Any, cutpoints: Any) -> np.ndarray:
    # P(k) = sigmoid(eta - c_{k-1}) - sigmoid(eta - c_k), c_{-1} = -inf, c_{K-1} = inf
    # (McCullagh 1980; PyMC's OrderedLogistic docs)
    c = np.concatenate(
        [
            np.full((*cutpoints.shape[:-1], 1), -np.inf),
            cutpoints,
            np.full((*cutpoints.shape[:-1], 1), np.inf),
        ],
        axis=-1,
    )
    s = sp.expit(np.asarray(eta)[..., None] - c)
    return s[..., :-1] - s[..., 1:]


def _pick(table: np.ndarray, x: Any) -> np.ndarray:
    # table[..., x], NaN-safe for x outside 0..K-1 (the caller masks those)
    x = np.asarray(x)
    table = np.broadcast_to(
        table, (*np.broadcast_shapes(x.shape, table.shape[:-1]), table.shape[-1])
    )
    idx = np.clip(np.nan_to_num(np.floor(x)), 0, table.shape[-1] - 1).astype(int)
    idx = np.broadcast_to(idx, table.shape[:-1])
    return np.take_along_axis(table, idx[..., None], axis=-1)[..., 0]


def _categorical_logpmf(x: Any, table: np.ndarray) -> np.ndarray:
    k = table.shape[-1]
    ok = (x == np.floor(x)) & (x >= 0) & (x <= k - 1)
    with np.errstate(divide="ignore"):
        return np.where(ok, np.log(_pick(table, x)), -np.inf)


def _categorical_logcdf(x: Any, table: np.ndarray) -> np.ndarray:
    k = table.shape[-1]
    cdf = _pick(np.cumsum(table, axis=-1), x)
    with np.errstate(divide="ignore"):
        return np.where(x < 0, -np.inf, np.where(x >= k - 1, 0.0, np.log(cdf)))


def _categorical_ppf(q: Any, table: np.ndarray) -> np.ndarray:
    # the smallest k with F(k) >= q (as scipy's ppf; -1 at q = 0)
    cdf = np.cumsum(table, axis=-1)
    k = np.minimum(np.sum(cdf < np.asarray(q)[..., None], axis=-1), table.shape[-1] - 1)
    return np.where(q > 0, k, -1.0)


def _ol_logpmf(x: Any, eta: Any, cutpoints: Any) -> np.ndarray:
    return _categorical_logpmf(x, _ordered_logistic_p(eta, cutpoints))


def _ol_logcdf(x: Any, eta: Any, cutpoints: Any) -> np.ndarray:
    return _categorical_logcdf(x, _ordered_logistic_p(eta, cutpoints))


def _ppf_by_search(logcdf: Oracle, lower: Oracle) -> Oracle:
    # the smallest k of the support with F(k) >= q (scipy's ppf), by counting
    # the support points below q; -1 below the support at q = 0
    def fn(q: Any, **params: Any) -> Any:
        k = np.asarray(lower(**params), dtype=float)[..., None] + np.arange(3000.0)
        cols = {n: np.asarray(v)[:, None] if np.ndim(v) == 1 else v for n, v in params.items()}
        with np.errstate(divide="ignore"):
            cdf = np.exp(logcdf(k, **cols))
        below = np.sum(cdf < np.asarray(q)[..., None], axis=-1)
        return np.where(q > 0, k[..., 0] + below, k[..., 0] - 1.0)

    return fn


def _sorted_rows(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return np.sort(rng.normal(0.0, 1.5, size=(n, k)), axis=-1)


def _simplex_rows(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return rng.dirichlet(np.full(k, 2.0), size=n)


def _quiet(fn: Oracle) -> Oracle:
    def quiet(*args: Any, **kwargs: Any) -> Any:
        with np.errstate(divide="ignore"):
            return fn(*args, **kwargs)

    return quiet


def _inf(**params: Any) -> Any:
    return np.inf


def _zero(**params: Any) -> Any:
    return np.zeros(np.broadcast(*params.values()).shape)


def _nb_mu_alpha(x: Any, mu: Any, alpha: Any) -> Any:
    return stats.nbinom.logpmf(x, alpha, alpha / (mu + alpha))


def _nb_mu_alpha_cdf(x: Any, mu: Any, alpha: Any) -> Any:
    return stats.nbinom.logcdf(x, alpha, alpha / (mu + alpha))


def _hypergeom(fn: str) -> Oracle:
    def oracle(x: Any, N: Any, k: Any, n: Any) -> Any:
        # scipy's (total, good, draws); its cdf at a non-integer x is wrong (NaN, or
        # the cdf at ceil(x) for logcdf, scipy 1.17), so the cdf is taken at floor(x)
        x = np.floor(x) if fn == "logcdf" else x
        return getattr(stats.hypergeom, fn)(x, N, k, n)

    return oracle


_rng = np.random.default_rng(20240601)
R = 6  # parameter rows per distribution

CASES: list[Case] = [
    Case(
        "Bernoulli",
        pg.Bernoulli,
        {"p": np.array([0.0, 1.0, 0.3, 0.5, 0.77, 0.01])},
        lambda x, p: stats.bernoulli.logpmf(x, p),
        lambda x, p: stats.bernoulli.logcdf(x, p),
        lambda q, p: stats.bernoulli.ppf(q, p),
        lambda p: 0,
        lambda p: 1,
        ("p",),
        {"p": np.array(1.5)},
        "0 <= p <= 1",
        {"p": np.array(0.3)},
    ),
    Case(
        "Binomial",
        pg.Binomial,
        {
            "n": np.array([0.0, 1.0, 10.0, 25.0, 100.0, 7.0]),
            "p": np.array([0.3, 0.5, 0.4, 0.05, 0.9, 1.0]),
        },
        lambda x, n, p: stats.binom.logpmf(x, n, p),
        lambda x, n, p: stats.binom.logcdf(x, n, p),
        lambda q, n, p: stats.binom.ppf(q, n, p),
        lambda n, p: 0,
        lambda n, p: n,
        ("p",),
        {"n": np.array(5.0), "p": np.array(-0.1)},
        "n >= 0, 0 <= p <= 1",
        {"n": np.array(12.0), "p": np.array(0.35)},
    ),
    Case(
        "Poisson",
        pg.Poisson,
        {"mu": np.array([0.0, 0.1, 1.0, 3.5, 20.0, 150.0])},
        lambda x, mu: stats.poisson.logpmf(x, mu),
        lambda x, mu: stats.poisson.logcdf(x, mu),
        lambda q, mu: stats.poisson.ppf(q, mu),
        lambda mu: 0,
        _inf,
        ("mu",),
        {"mu": np.array(-1.0)},
        "mu >= 0",
        {"mu": np.array(4.5)},
    ),
    Case(
        "NegativeBinomial",
        pg.NegativeBinomial,
        {
            "mu": np.array([0.5, 3.0, 10.0, 40.0, 2.0, 7.5]),
            "alpha": np.array([0.7, 2.0, 1.0, 12.0, 30.0, 4.2]),
        },
        _nb_mu_alpha,
        _nb_mu_alpha_cdf,
        lambda q, mu, alpha: stats.nbinom.ppf(q, alpha, alpha / (mu + alpha)),
        lambda mu, alpha: 0,
        _inf,
        ("mu", "alpha"),
        {"mu": np.array(3.0), "alpha": np.array(-2.0)},
        "n > 0, 0 < p <= 1",
        {"mu": np.array(5.0), "alpha": np.array(3.0)},
    ),
    Case(
        "Geometric",
        pg.Geometric,
        {"p": np.array([1.0, 0.9, 0.5, 0.25, 0.05, 0.01])},
        lambda x, p: stats.geom.logpmf(x, p),
        lambda x, p: stats.geom.logcdf(x, p),
        _quiet(lambda q, p: stats.geom.ppf(q, p)),
        lambda p: 1,
        _inf,
        ("p",),
        {"p": np.array(2.0)},
        "0 <= p <= 1",
        {"p": np.array(0.2)},
    ),
    Case(
        "DiscreteUniform",
        pg.DiscreteUniform,
        {
            "lower": np.array([0.0, -3.0, 5.0, 1.0, -10.0, 2.0]),
            "upper": np.array([0.0, 3.0, 9.0, 6.0, 10.0, 3.0]),
        },
        lambda x, lower, upper: stats.randint.logpmf(x, lower, upper + 1),
        lambda x, lower, upper: stats.randint.logcdf(x, lower, upper + 1),
        lambda q, lower, upper: stats.randint.ppf(q, lower, upper + 1),
        lambda lower, upper: lower,
        lambda lower, upper: upper,
        (),
        {"lower": np.array(3.0), "upper": np.array(1.0)},
        "lower <= upper",
        {"lower": np.array(-2.0), "upper": np.array(4.0)},
    ),
    Case(
        "BetaBinomial",
        pg.BetaBinomial,
        {
            "alpha": np.array([0.5, 2.0, 1.0, 10.0, 0.3, 4.0]),
            "beta": np.array([0.5, 3.0, 1.0, 2.0, 7.0, 4.0]),
            "n": np.array([0.0, 10.0, 5.0, 20.0, 30.0, 1.0]),
        },
        lambda x, alpha, beta, n: stats.betabinom.logpmf(x, n, alpha, beta),
        lambda x, alpha, beta, n: stats.betabinom.logcdf(x, n, alpha, beta),
        lambda q, alpha, beta, n: stats.betabinom.ppf(q, n, alpha, beta),
        lambda alpha, beta, n: 0,
        lambda alpha, beta, n: n,
        ("alpha", "beta"),
        {"alpha": np.array(0.0), "beta": np.array(1.0), "n": np.array(5.0)},
        "n >= 0, alpha > 0, beta > 0",
        {"alpha": np.array(2.0), "beta": np.array(3.0), "n": np.array(10.0)},
        {"constant": ("n",)},
    ),
    Case(
        "HyperGeometric",
        pg.HyperGeometric,
        {
            "N": np.array([20.0, 10.0, 50.0, 5.0, 30.0, 8.0]),
            "k": np.array([7.0, 10.0, 12.0, 0.0, 25.0, 3.0]),
            "n": np.array([5.0, 4.0, 20.0, 3.0, 10.0, 8.0]),
        },
        _hypergeom("logpmf"),
        _hypergeom("logcdf"),
        _hypergeom("ppf"),
        lambda N, k, n: np.maximum(0, n - N + k),
        lambda N, k, n: np.minimum(k, n),
        (),
        {"N": np.array(10.0), "k": np.array(12.0), "n": np.array(3.0)},
        "0 <= k <= N, 0 <= n <= N",
        {"N": np.array(30.0), "k": np.array(12.0), "n": np.array(9.0)},
        {"constant": ("n",)},
    ),
    Case(
        "Categorical",
        pg.Categorical,
        {"p": _simplex_rows(_rng, R, 4)},
        lambda x, p: _categorical_logpmf(x, p),
        lambda x, p: _categorical_logcdf(x, p),
        lambda q, p: _categorical_ppf(q, p),
        lambda p: 0,
        lambda p: p.shape[-1] - 1,
        (),
        {"p": np.array([0.5, 0.6, -0.1, 0.0])},
        "0 <= p <= 1, sum(p) = 1",
        {"p": np.array([0.1, 0.4, 0.2, 0.3])},
    ),
    Case(
        "OrderedLogistic",
        pg.OrderedLogistic,
        {"eta": _rng.normal(0.0, 2.0, size=R), "cutpoints": _sorted_rows(_rng, R, 3)},
        _ol_logpmf,
        _ol_logcdf,
        lambda q, eta, cutpoints: _categorical_ppf(q, _ordered_logistic_p(eta, cutpoints)),
        lambda eta, cutpoints: 0,
        lambda eta, cutpoints: cutpoints.shape[-1],
        ("eta", "cutpoints"),
        {"eta": np.array(0.0), "cutpoints": np.array([1.0, -1.0, 2.0])},
        "cutpoints increasing",
        {"eta": np.array(0.4), "cutpoints": np.array([-1.0, 0.2, 1.5])},
    ),
    Case(
        "ZeroInflatedPoisson",
        pg.ZeroInflatedPoisson,
        {
            "psi": np.array([0.0, 1.0, 0.7, 0.2, 0.5, 0.95]),
            "mu": np.array([3.0, 2.0, 0.5, 10.0, 0.0, 60.0]),
        },
        _zero_inflated(lambda x, mu: stats.poisson.logpmf(x, mu)),
        _zero_inflated_cdf(lambda x, mu: stats.poisson.logcdf(x, mu)),
        _ppf_by_search(_zero_inflated_cdf(lambda x, mu: stats.poisson.logcdf(x, mu)), _zero),
        lambda psi, mu: 0,
        _inf,
        ("psi", "mu"),
        {"psi": np.array(1.2), "mu": np.array(1.0)},
        "0 <= psi <= 1, mu >= 0",
        {"psi": np.array(0.6), "mu": np.array(3.0)},
    ),
    Case(
        "ZeroInflatedBinomial",
        pg.ZeroInflatedBinomial,
        {
            "psi": np.array([0.0, 1.0, 0.7, 0.2, 0.5, 0.95]),
            "n": np.array([10.0, 5.0, 1.0, 30.0, 0.0, 12.0]),
            "p": np.array([0.4, 0.0, 0.5, 0.8, 0.3, 0.1]),
        },
        _zero_inflated(lambda x, n, p: stats.binom.logpmf(x, n, p)),
        _zero_inflated_cdf(lambda x, n, p: stats.binom.logcdf(x, n, p)),
        _ppf_by_search(_zero_inflated_cdf(lambda x, n, p: stats.binom.logcdf(x, n, p)), _zero),
        lambda psi, n, p: 0,
        lambda psi, n, p: n,
        ("psi", "p"),
        {"psi": np.array(0.5), "n": np.array(5.0), "p": np.array(1.1)},
        "0 <= psi <= 1, n >= 0, 0 <= p <= 1",
        {"psi": np.array(0.6), "n": np.array(10.0), "p": np.array(0.4)},
    ),
    Case(
        "ZeroInflatedNegativeBinomial",
        pg.ZeroInflatedNegativeBinomial,
        {
            "psi": np.array([0.0, 1.0, 0.7, 0.2, 0.5, 0.95]),
            "mu": np.array([3.0, 2.0, 0.5, 10.0, 1.0, 25.0]),
            "alpha": np.array([1.0, 5.0, 0.8, 3.0, 20.0, 2.0]),
        },
        _zero_inflated(_nb_mu_alpha),
        _zero_inflated_cdf(_nb_mu_alpha_cdf),
        _ppf_by_search(_zero_inflated_cdf(_nb_mu_alpha_cdf), _zero),
        lambda psi, mu, alpha: 0,
        _inf,
        ("psi", "mu", "alpha"),
        {"psi": np.array(-0.5), "mu": np.array(1.0), "alpha": np.array(1.0)},
        "0 <= psi <= 1, n > 0, 0 < p <= 1",
        {"psi": np.array(0.6), "mu": np.array(4.0), "alpha": np.array(2.5)},
    ),
]

BY_NAME = {c.name: c for c in CASES}


# Issue 10 (PyMC's rarer families): hurdles, the discrete Weibull, ordered probit.


def _hurdle(logpmf: Oracle, logsf: Oracle) -> Oracle:
    # log(1 - psi) at 0, log psi + log P(x) - log(1 - P(0)) above (PyMC's hurdle docs)
    def fn(x: Any, psi: Any, **params: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            base = np.log(psi) + logpmf(x, **params) - logsf(np.zeros_like(x), **params)
            return np.where(x == 0, np.log1p(-psi), base)

    return fn


def _hurdle_cdf(logsf: Oracle) -> Oracle:
    # 1 - F(x) = psi S(x) / S(0) for x >= 0 (S the base survival function)
    def fn(x: Any, psi: Any, **params: Any) -> Any:
        ratio = np.exp(logsf(np.floor(x), **params) - logsf(np.zeros_like(x), **params))
        with np.errstate(divide="ignore"):
            return np.where(x < 0, -np.inf, np.log1p(-psi * np.where(x < 1, 1.0, ratio)))

    return fn


def _nb_logsf(x: Any, mu: Any, alpha: Any) -> Any:
    return stats.nbinom.logsf(x, alpha, alpha / (mu + alpha))


def _mp_elementwise(fn: Callable[..., Any]) -> Oracle:
    # fn in 50-digit arithmetic over broadcast arrays (oracles with no scipy twin)
    import mpmath

    def run(x: Any, **params: Any) -> np.ndarray:
        mpmath.mp.dps = 50
        arrays = np.broadcast_arrays(np.asarray(x, float), *params.values())
        out = np.empty(arrays[0].shape)
        for idx in np.ndindex(out.shape):
            args = [mpmath.mpf(float(a[idx])) if np.isfinite(a[idx]) else a[idx] for a in arrays]
            out[idx] = float(fn(*args))
        return out

    return run


def _dweibull_logpmf(x: Any, q: Any, beta: Any) -> Any:
    # P(x) = q^(x^beta) - q^((x + 1)^beta), x = 0, 1, ... (Nakagawa & Osaki 1975)
    import mpmath

    if not (np.isfinite(float(x)) and x >= 0 and x == int(x)):
        return -np.inf
    return mpmath.log(q ** (x**beta) - q ** ((x + 1) ** beta))


def _dweibull_logcdf(x: Any, q: Any, beta: Any) -> Any:
    import mpmath

    if np.isnan(float(x)):
        return np.nan
    if x < 0:
        return -np.inf
    if not np.isfinite(float(x)):
        return 0.0
    return mpmath.log(1 - q ** ((mpmath.floor(x) + 1) ** beta))


def _dweibull_ppf(u: Any, q: Any, beta: Any) -> Any:
    # the smallest k >= 0 with F(k) = 1 - q^((k + 1)^beta) >= u, by counting (-1 at u = 0)
    k = np.arange(3000.0)
    cdf = -np.expm1((k + 1.0) ** np.asarray(beta)[..., None] * np.log(q)[..., None])
    below = np.sum(cdf < np.asarray(u)[..., None], axis=-1)
    return np.where(u > 0, below, -1.0)


def _probit_p(eta: Any, cutpoints: Any, sigma: Any) -> np.ndarray:
    # P(k) = Phi((c_k - eta) / sigma) - Phi((c_{k-1} - eta) / sigma), from the
    # upper tail where both are above the median (PyMC's OrderedProbit docs)
    z = (cutpoints - np.asarray(eta)[..., None]) / np.asarray(sigma)[..., None]
    edge = np.full((*z.shape[:-1], 1), np.inf)
    lo, hi = np.concatenate([-edge, z], axis=-1), np.concatenate([z, edge], axis=-1)
    upper = stats.norm.sf(lo) - stats.norm.sf(hi)
    return np.where(lo > 0, upper, stats.norm.cdf(hi) - stats.norm.cdf(lo))


CASES.extend(
    [
        Case(
            "HurdlePoisson",
            pg.HurdlePoisson,
            {
                "psi": np.array([0.0, 1.0, 0.7, 0.2, 0.5, 0.95]),
                "mu": np.array([3.0, 2.0, 0.5, 10.0, 0.05, 30.0]),
            },
            _hurdle(stats.poisson.logpmf, stats.poisson.logsf),
            _hurdle_cdf(stats.poisson.logsf),
            None,
            lambda psi, mu: 0,
            _inf,
            ("psi", "mu"),
            {"psi": np.array(0.5), "mu": np.array(-1.0)},
            "0 <= psi <= 1, mu > 0",
            {"psi": np.array(0.6), "mu": np.array(3.0)},
        ),
        Case(
            "HurdleNegativeBinomial",
            pg.HurdleNegativeBinomial,
            {
                "psi": np.array([0.0, 1.0, 0.7, 0.2, 0.5, 0.95]),
                "mu": np.array([3.0, 2.0, 0.5, 10.0, 1.0, 25.0]),
                "alpha": np.array([1.0, 5.0, 0.8, 3.0, 20.0, 2.0]),
            },
            _hurdle(_nb_mu_alpha, _nb_logsf),
            _hurdle_cdf(_nb_logsf),
            None,
            lambda psi, mu, alpha: 0,
            _inf,
            ("psi", "mu", "alpha"),
            {"psi": np.array(1.5), "mu": np.array(1.0), "alpha": np.array(1.0)},
            "0 <= psi <= 1, n > 0, 0 < p < 1",
            {"psi": np.array(0.6), "mu": np.array(4.0), "alpha": np.array(2.5)},
        ),
        Case(
            "DiscreteWeibull",
            pg.DiscreteWeibull,
            {
                "q": np.array([0.5, 0.9, 0.1, 0.99, 0.7, 0.3]),
                "beta": np.array([1.0, 0.6, 2.5, 1.5, 0.3, 4.0]),
            },
            _mp_elementwise(_dweibull_logpmf),
            _mp_elementwise(_dweibull_logcdf),
            _dweibull_ppf,
            lambda q, beta: 0,
            _inf,
            ("q", "beta"),
            {"q": np.array(1.2), "beta": np.array(1.0)},
            "0 < q < 1, beta > 0",
            {"q": np.array(0.8), "beta": np.array(1.3)},
        ),
        Case(
            "OrderedProbit",
            pg.OrderedProbit,
            {
                "eta": _rng.normal(0.0, 2.0, size=R),
                "cutpoints": _sorted_rows(_rng, R, 3),
                "sigma": _rng.uniform(0.5, 2.0, size=R),
            },
            lambda x, eta, cutpoints, sigma: _categorical_logpmf(
                x, _probit_p(eta, cutpoints, sigma)
            ),
            lambda x, eta, cutpoints, sigma: _categorical_logcdf(
                x, _probit_p(eta, cutpoints, sigma)
            ),
            None,
            lambda eta, cutpoints, sigma: 0,
            lambda eta, cutpoints, sigma: cutpoints.shape[-1],
            ("eta", "cutpoints", "sigma"),
            {"eta": np.array(0.0), "cutpoints": np.linspace(-1, 1, 3), "sigma": np.array(-1.0)},
            "sigma > 0",
            {"eta": np.array(0.4), "cutpoints": np.array([-1.0, 0.2, 1.5]), "sigma": np.array(1.3)},
        ),
    ]
)
BY_NAME.update({c.name: c for c in CASES})
