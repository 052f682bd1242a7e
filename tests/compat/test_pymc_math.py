"""Model files written the PyMC way with ``pm.math`` and NumPy calls on model
variables, run with ``pm`` bound to ppgraph: BEST (``np.log10(nu)``, as PyMC's
gallery writes it) and a logistic regression with ``pm.math``; each model's
log-density at a point against scipy summed by hand."""

from __future__ import annotations

from types import ModuleType

import numpy as np
from scipy import stats
from scipy.special import expit

import ppgraph

RNG = np.random.default_rng(3)
Y1, Y2 = RNG.normal(1.0, 1.0, 15), RNG.normal(0.0, 1.5, 12)
X = RNG.normal(size=(20, 2))
Y = RNG.integers(0, 2, size=20)


def best(pm: ModuleType = ppgraph) -> ppgraph.Model:
    """BEST as PyMC's gallery writes it; ``pm`` is ppgraph or PyMC."""
    with pm.Model() as model:
        mu = pm.Normal("mu", mu=0.0, sigma=10.0, shape=2)
        sigma = pm.Uniform("sigma", lower=0.1, upper=10.0, shape=2)
        nu = pm.Exponential("nu_minus_one", 1 / 29.0) + 1
        pm.Deterministic("nu_log10", np.log10(nu))
        lam = sigma**-2
        pm.StudentT("g1", nu=nu, mu=mu[0], lam=lam[0], observed=Y1)
        pm.StudentT("g2", nu=nu, mu=mu[1], lam=lam[1], observed=Y2)
        pm.Deterministic("effect", (mu[0] - mu[1]) / np.sqrt((sigma[0] ** 2 + sigma[1] ** 2) / 2))
    return model


def test_best_with_numpy_calls_against_scipy() -> None:
    model = best()
    assert [v.name for v in model.value_vars] == ["mu", "sigma_interval__", "nu_minus_one_log__"]
    mu, raw, lognu1 = np.array([0.8, -0.2]), np.array([-0.3, 0.4]), np.log(6.0)
    sigma = 0.1 + 9.9 * expit(raw)
    nu = np.exp(lognu1) + 1
    want = stats.norm(0, 10).logpdf(mu).sum()
    want += (
        stats.uniform(0.1, 9.9).logpdf(sigma) + np.log(9.9) + np.log(expit(raw) * expit(-raw))
    ).sum()
    want += stats.expon(scale=29.0).logpdf(nu - 1) + lognu1
    want += (
        stats.t(nu, mu[0], sigma[0]).logpdf(Y1).sum()
        + stats.t(nu, mu[1], sigma[1]).logpdf(Y2).sum()
    )
    point = {"mu": mu, "sigma_interval__": raw, "nu_minus_one_log__": np.array(lognu1)}
    np.testing.assert_allclose(model.compile_logp()(point), want, rtol=1e-10)
    nus, logs = ppgraph.draw([model["nu_minus_one"], model["nu_log10"]], draws=5, random_seed=0)
    np.testing.assert_allclose(logs, np.log10(nus + 1), rtol=1e-12)


def logistic(pm: ModuleType = ppgraph) -> ppgraph.Model:
    """A logistic regression with ``pm.math``; ``pm`` is ppgraph or PyMC."""
    with pm.Model() as model:
        alpha = pm.Normal("alpha", mu=0.0, sigma=2.0)
        beta = pm.Normal("beta", mu=0.0, sigma=2.0, shape=2)
        eta = alpha + pm.math.dot(X, beta)
        p = pm.Deterministic("p", pm.math.invlogit(eta))
        pm.Bernoulli("y", p=p, observed=Y)
        # the same likelihood written with pm.math's log1pexp and switch, as a Potential
        pm.Potential(
            "twice",
            -pm.math.sum(
                pm.math.switch(pm.math.eq(Y, 1), pm.math.log1pexp(-eta), pm.math.log1pexp(eta))
            ),
        )
    return model


def test_logistic_regression_with_pm_math_against_scipy() -> None:
    model = logistic()
    a, b = 0.3, np.array([0.5, -1.0])
    pv = expit(a + X @ b)
    loglik = stats.bernoulli(pv).logpmf(Y).sum()
    want = stats.norm(0, 2).logpdf(a) + stats.norm(0, 2).logpdf(b).sum() + 2 * loglik
    got = model.compile_logp()({"alpha": np.array(a), "beta": b})
    np.testing.assert_allclose(got, want, rtol=1e-10)
