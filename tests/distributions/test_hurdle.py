"""The continuous hurdles (HurdleGamma, HurdleLogNormal) against scipy densities
combined by hand, as PyMC defines them: 0 with probability 1 - psi, else the base
family truncated below at machine epsilon. The discrete hurdles run through the
shared ``discrete_table`` tests; here their samplers' edge cases and parametrizations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt

EPS = np.finfo(np.float64).eps
VALUES = np.array([-1.0, 0.0, 1e-17, EPS, 1e-8, 0.3, 1.0, 2.5, 10.0, 80.0, np.inf, np.nan])

CASES = {
    "HurdleGamma": (
        pg.HurdleGamma,
        {"psi": 0.7, "alpha": 2.0, "beta": 3.0},
        lambda alpha, beta: stats.gamma(alpha, scale=1.0 / beta),
    ),
    "HurdleGamma_small_alpha": (
        pg.HurdleGamma,
        {"psi": 0.4, "alpha": 0.05, "beta": 0.5},
        lambda alpha, beta: stats.gamma(alpha, scale=1.0 / beta),
    ),
    "HurdleLogNormal": (
        pg.HurdleLogNormal,
        {"psi": 0.7, "mu": 0.5, "sigma": 2.0},
        lambda mu, sigma: stats.lognorm(sigma, scale=np.exp(mu)),
    ),
}


def _oracle(psi: float, base: object, x: np.ndarray, eps: float = EPS) -> tuple[np.ndarray, ...]:
    """(logp, logcdf) by hand: P(0) = 1 - psi, psi f(x) / (1 - F(eps)) from eps on."""
    with np.errstate(divide="ignore", invalid="ignore"):
        s_eps = base.sf(eps)  # type: ignore[attr-defined]
        logp = np.where(
            x == 0,
            np.log1p(-psi),
            np.where(x >= eps, np.log(psi) + base.logpdf(x) - np.log(s_eps), -np.inf),  # type: ignore[attr-defined]
        )
        tail = psi * base.sf(np.maximum(x, eps)) / s_eps  # type: ignore[attr-defined]
        logcdf = np.where(x < 0, -np.inf, np.log1p(-np.where(x >= eps, tail, psi)))
    logp = np.where(np.isnan(x) | np.isinf(x), -np.inf, logp)
    return logp, np.where(np.isnan(x), np.nan, logcdf)


@pytest.mark.parametrize("name", list(CASES))
def test_logp_and_logcdf_match_scipy(name: str) -> None:
    dist, params, base = CASES[name]
    psi = params["psi"]
    rest = {k: v for k, v in params.items() if k != "psi"}
    rv = dist.dist(**params)
    v = pt.vector("v")
    f = pg.function([v], [pg.logp(rv, v), pg.logcdf(rv, v)])
    got_p, got_c = f(VALUES)
    want_p, want_c = _oracle(psi, base(**rest), VALUES)
    np.testing.assert_allclose(got_p, want_p, rtol=1e-10)
    np.testing.assert_allclose(got_c, want_c, rtol=1e-10, atol=1e-15)


def test_alternative_parametrizations() -> None:
    x = np.array([0.0, 0.5, 2.0])
    a = pg.logp(pg.HurdleGamma.dist(psi=0.6, mu=2.0, sigma=1.0), x).eval()
    b = pg.logp(pg.HurdleGamma.dist(psi=0.6, alpha=4.0, beta=2.0), x).eval()
    np.testing.assert_allclose(a, b, rtol=1e-12)
    c = pg.logp(pg.HurdleLogNormal.dist(psi=0.6, mu=0.2, tau=4.0), x).eval()
    d = pg.logp(pg.HurdleLogNormal.dist(psi=0.6, mu=0.2, sigma=0.5), x).eval()
    np.testing.assert_allclose(c, d, rtol=1e-12)
    k = np.array([0, 1, 4])
    e = pg.logp(pg.HurdleNegativeBinomial.dist(psi=0.6, n=2.0, p=0.4), k).eval()
    g = pg.logp(pg.HurdleNegativeBinomial.dist(psi=0.6, mu=3.0, alpha=2.0), k).eval()
    np.testing.assert_allclose(e, g, rtol=1e-12)


@pytest.mark.parametrize(
    ("dist", "params", "msg"),
    [
        (pg.HurdleGamma, {"psi": 1.5, "alpha": 2.0, "beta": 1.0}, "0 <= psi <= 1, alpha > 0"),
        (pg.HurdleGamma, {"psi": 0.5, "alpha": -2.0, "beta": 1.0}, "alpha > 0, beta > 0"),
        (pg.HurdleLogNormal, {"psi": 0.5, "mu": 0.0, "sigma": -1.0}, "sigma > 0"),
        (pg.HurdlePoisson, {"psi": -0.1, "mu": 2.0}, "0 <= psi <= 1, mu > 0"),
    ],
)
def test_bad_parameters(dist: type, params: dict[str, float], msg: str) -> None:
    v = pt.vector("v")
    lp = pg.logp(dist.dist(**{k: pt.constant(x) for k, x in params.items()}), v)  # type: ignore[attr-defined]
    with pytest.raises(pg.ParameterValueError, match=msg):
        pg.function([v], lp)(np.array([0.0, 1.0]))
    np.testing.assert_array_equal(pg.function([v], lp, check_mode="-inf")([0.0, 1.0]), -np.inf)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", ["HurdleGamma", "HurdleLogNormal"])
def test_draws(name: str, dtype: str) -> None:
    """The share of zeros (binomial, 5 standard errors) and the positive part by
    a Kolmogorov-Smirnov test against the base (its truncation at eps moves
    the cdf by F(eps) < 1e-12 here)."""
    dist, params, base = CASES[name]
    n = 4000
    with pg.config.change_flags(floatX=dtype):
        x = pg.draw(dist.dist(**params, size=2), draws=n, random_seed=11).ravel()
    assert x.dtype == dtype
    psi = params["psi"]
    zeros = float((x == 0).mean())
    assert abs(zeros - (1 - psi)) < 5 * np.sqrt(psi * (1 - psi) / x.size)
    positive = x[x > 0].astype(float)
    assert positive.min() >= np.finfo(dtype).eps
    rest = {k: v for k, v in params.items() if k != "psi"}
    assert stats.kstest(positive, base(**rest).cdf).pvalue > 1e-3


def test_float32_logp() -> None:
    with pg.config.change_flags(floatX="float32"):
        rv = pg.HurdleGamma.dist(psi=0.7, alpha=2.0, beta=3.0)
        got = pg.logp(rv, np.array([0.0, 0.5, 2.0], dtype="float32")).eval()
    assert got.dtype == np.float32
    want, _ = _oracle(0.7, stats.gamma(2.0, scale=1 / 3), np.array([0.0, 0.5, 2.0]))
    np.testing.assert_allclose(got, want, rtol=1e-5)


@pytest.mark.parametrize("mu", [0.01, 40.0])
def test_hurdle_poisson_positive_part(mu: float) -> None:
    """The positive part is Poisson given >= 1 at a tiny and a large rate (the
    sampler's first-arrival construction), by a chi-square test."""
    x = pg.draw(pg.HurdlePoisson.dist(psi=1.0, mu=mu), draws=5000, random_seed=3)
    assert x.min() >= 1
    k = np.arange(1, int(x.max()) + 1)
    pmf = stats.poisson.pmf(k, mu) / stats.poisson.sf(0, mu)
    counts = np.bincount(x, minlength=k[-1] + 1)[1:]
    keep = pmf * x.size >= 5
    observed = np.r_[counts[keep], counts[~keep].sum()]
    expected = np.r_[pmf[keep], 1 - pmf[keep].sum()] * x.size
    observed, expected = observed[expected > 0], expected[expected > 0]
    assert stats.chisquare(observed, expected * observed.sum() / expected.sum()).pvalue > 1e-3


def test_hurdle_negative_binomial_rare_positives() -> None:
    """At a tiny mean the positive part is mostly 1 (rejection finds it)."""
    x = pg.draw(pg.HurdleNegativeBinomial.dist(psi=1.0, mu=0.05, alpha=2.0), 400, random_seed=4)
    assert x.min() >= 1
    p1 = stats.nbinom.pmf(1, 2.0, 2.0 / 2.05) / stats.nbinom.sf(0, 2.0, 2.0 / 2.05)
    assert abs((x == 1).mean() - p1) < 5 * np.sqrt(p1 * (1 - p1) / x.size) + 1e-3


def test_support_points_in_a_model() -> None:
    with pg.Model() as model:
        pg.HurdleGamma("g", psi=0.5, alpha=2.0, beta=4.0)
        pg.HurdleLogNormal("l", psi=0.5, mu=0.0, sigma=1.0)
        pg.HurdlePoisson("k", psi=0.5, mu=4.0)
    start = model.initial_point()
    assert [v.name for v in model.value_vars] == ["g", "l", "k"]  # no transform, as PyMC
    np.testing.assert_allclose(start["g"], 0.25)
    np.testing.assert_allclose(start["l"], 0.5 * np.exp(0.5))
    assert start["k"] == 2


def test_jit_vmap_and_gradients() -> None:
    """The pure logp function under jax.jit and jax.vmap (a bad psi is -inf in
    one row), and its gradient in (psi, alpha, beta) against central
    differences of the scipy oracle."""
    import jax
    import jax.numpy as jnp

    psi, alpha, beta, v = (pt.scalar(n) for n in ("psi", "alpha", "beta", "v"))
    lp = pg.logp(pg.HurdleGamma.dist(psi=psi, alpha=alpha, beta=beta), v)
    fn = pg.function([psi, alpha, beta, v], lp, check_mode="-inf").jax_fn
    x = np.array([0.0, 0.5, 2.0])

    def oracle(p: float, a: float, b: float, at: float) -> float:
        return float(_oracle(p, stats.gamma(a, scale=1 / b), np.array([at]))[0][0])

    with jax.enable_x64(True):
        rows = np.asarray(
            jax.jit(jax.vmap(fn, in_axes=(0, None, None, 0)))(
                jnp.array([0.7, 1.5, 0.7]), 2.0, 3.0, jnp.asarray(x)
            )
        )
        grads = [np.asarray(jax.grad(fn, argnums=(0, 1, 2))(0.7, 2.0, 3.0, at)) for at in x[1:]]
    np.testing.assert_allclose(rows[0], oracle(0.7, 2.0, 3.0, 0.0), rtol=1e-12)
    assert rows[1] == -np.inf
    np.testing.assert_allclose(rows[2], oracle(0.7, 2.0, 3.0, 2.0), rtol=1e-12)
    h = 1e-6
    base = np.array([0.7, 2.0, 3.0])
    for at, got in zip(x[1:], grads, strict=True):
        for i in range(3):
            up, down = base.copy(), base.copy()
            up[i] += h
            down[i] -= h
            want = (oracle(*up, at) - oracle(*down, at)) / (2 * h)
            np.testing.assert_allclose(float(got[i]), want, rtol=1e-6, atol=1e-8)
