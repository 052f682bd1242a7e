"""CustomDist as PyMC's docs write it: a ``logp`` with a NumPy-Generator
``random`` (the docs' example, unchanged), and a ``dist`` function building a
LogNormal; densities against scipy, draws by a KS test."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
from scipy import stats

import ppgraph as pm
import ppgraph.tensor as pt

DATA = np.random.default_rng(0).normal(size=20)
DIST_OBS = np.array([0.5, 1.2, 2.5, 0.9])


def logp(value: Any, mu: Any) -> Any:
    return -((value - mu) ** 2)


def random(mu: Any, rng: Any = None, size: Any = None) -> Any:
    return rng.normal(loc=mu, scale=1, size=size)


def logp_model(pm: ModuleType = pm) -> pm.Model:
    """The docs' ``logp``/``random`` example; ``pm`` is ppgraph or PyMC."""
    with pm.Model() as model:
        mu = pm.Normal("mu", 0, 1)
        pm.CustomDist("custom_dist", mu, logp=logp, random=random, observed=DATA)
    return model


def dist_model(pm: ModuleType = pm, pt: ModuleType = pt) -> pm.Model:
    """The docs' ``dist`` example (a LogNormal built from a Normal); ``pm``/``pt``
    are ppgraph's or PyMC's."""

    def dist(mu: Any, sigma: Any, size: Any) -> Any:
        return pt.exp(pm.Normal.dist(mu, sigma, size=size))

    with pm.Model() as model:
        mu = pm.Normal("mu", 0, 1)
        sigma = pm.HalfNormal("sigma", 1)
        pm.CustomDist("lognormal", mu, sigma, dist=dist, observed=DIST_OBS)
    return model


def test_logp_and_random_example() -> None:
    model = logp_model()
    got = model.compile_logp()({"mu": np.array(0.4)})
    want = stats.norm(0, 1).logpdf(0.4) - ((DATA - 0.4) ** 2).sum()
    np.testing.assert_allclose(got, want, rtol=1e-12)
    prior = pm.sample_prior_predictive(draws=200, model=model, random_seed=1)
    draws = prior.prior_predictive["custom_dist"].values.reshape(-1, 20)[:, 0]
    # custom_dist ~ N(mu, 1), mu ~ N(0, 1): marginally N(0, sqrt 2)
    assert stats.kstest(draws, stats.norm(0, np.sqrt(2)).cdf).pvalue > 1e-3


def test_dist_example() -> None:
    obs = DIST_OBS
    model = dist_model()
    got = model.compile_logp()({"mu": np.array(0.2), "sigma_log__": np.array(np.log(0.7))})
    want = (
        stats.norm(0, 1).logpdf(0.2)
        + stats.halfnorm(0, 1).logpdf(0.7)
        + np.log(0.7)
        + stats.lognorm(0.7, scale=np.exp(0.2)).logpdf(obs).sum()
    )
    np.testing.assert_allclose(got, want, rtol=1e-12)
