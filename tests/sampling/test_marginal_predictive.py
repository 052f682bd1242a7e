"""Prior and posterior predictive draws on models with discrete free variables,
given to the original model or to its marginal one (``pg.marginalize``): the
discrete variables come out with their names, drawn from their prior, or
from their exact conditional when the posterior lacks them (a marginal
model's posterior); oracles from SciPy and NumPy.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import ppgraph as pg
from tests.model.test_marginal import DISASTERS, PRESENT, YEARS, coal_model

Y = np.array([1.0, 2.5])


def switch_model() -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        z = pg.Bernoulli("z", p=0.3)
        c = pg.Categorical("c", p=[0.2, 0.5, 0.3])
        pg.Normal("y", mu + 2.0 * z + c, 1.0, observed=Y)
    return m


@pytest.mark.parametrize("marginal", [False, True])
def test_prior_predictive_frequencies(marginal: bool) -> None:
    m = switch_model()
    n = 3000
    prior = pg.sample_prior_predictive(
        draws=n, random_seed=1, model=pg.marginalize(m) if marginal else m
    )
    z, c = prior.prior["z"].values.ravel(), prior.prior["c"].values.ravel()
    assert z.dtype.kind == c.dtype.kind == "i"
    assert st.chisquare(np.bincount(z, minlength=2), n * np.array([0.7, 0.3])).pvalue > 1e-3
    assert st.chisquare(np.bincount(c, minlength=3), n * np.array([0.2, 0.5, 0.3])).pvalue > 1e-3
    # y given the drawn z and c: standardized residuals are N(0, 1)
    y = prior.prior_predictive["y"].values[0]
    r = y - (prior.prior["mu"].values[0] + 2 * z + c)[:, None]
    assert st.kstest(r.ravel(), "norm").pvalue > 1e-3


def test_posterior_predictive_on_the_marginal_model_draws_the_conditional() -> None:
    """Given draws of mu alone, (z, c) are drawn from p(z, c | mu, y) (summed
    jointly: they share y), and y from its likelihood given them."""
    mm = pg.marginalize(switch_model())
    mu, n = 0.4, 4000
    pp = pg.sample_posterior_predictive(
        {"mu": np.full((1, n), mu)}, model=mm, random_seed=3, var_names=["y"]
    )
    logw = np.array([[np.log([0.7, 0.3][z]) + np.log([0.2, 0.5, 0.3][c])
                      + st.norm.logpdf(Y, mu + 2 * z + c).sum() for c in range(3)]
                     for z in range(2)])  # fmt: skip
    w = np.exp(logw - sp.logsumexp(logw))
    mean = mu + 2 * w[1].sum() + w.sum(0) @ np.arange(3)
    y = pp.posterior_predictive["y"].values
    assert y.shape == (1, n, 2)
    shift = 2 * np.arange(2)[:, None] + np.arange(3)[None, :]
    sd = np.sqrt(1 + (w * (shift - (mean - mu)) ** 2).sum())
    assert float(y[..., 0].mean()) == pytest.approx(mean, abs=4 * sd / np.sqrt(n))


def test_coal_mining_counts_given_the_rates() -> None:
    """Posterior predictive counts of the marginal coal-mining model at fixed rates:
    E[count in year t] = sum_s p(s | rates, y) rate_t(s)."""
    years, y = YEARS[PRESENT], DISASTERS[PRESENT].astype(int)
    mm = pg.marginalize(coal_model(years, y))
    early, late, n = 3.1, 0.95, 3000
    post = {"early_rate": np.full((1, n), early), "late_rate": np.full((1, n), late)}
    pp = pg.sample_posterior_predictive(post, model=mm, random_seed=5)
    counts = pp.posterior_predictive["disasters"].values[0]
    rates = np.where(YEARS[:, None] >= years[None, :], early, late)  # (switchpoint, year)
    logw = st.poisson.logpmf(y, rates).sum(1)
    w = np.exp(logw - sp.logsumexp(logw))
    want = w @ rates
    var = w @ rates + w @ rates**2 - want**2  # a Poisson mixture's variance
    z = (counts.mean(0) - want) / np.sqrt(var / n)
    assert np.abs(z).max() < 4.5


@pytest.mark.slow
def test_coal_mining_posterior_predictive_after_sample() -> None:
    """pg.sample then sample_posterior_predictive on the original model: each year's
    mean count against the mean over draws of that year's rate (the early or the
    late rate, whichever side of that draw's switchpoint the year falls)."""
    years, y = YEARS[PRESENT], DISASTERS[PRESENT].astype(int)
    with coal_model(years, y):
        idata = pg.sample(draws=300, tune=300, chains=2, random_seed=7, progress_bar=False)
        pp = pg.sample_posterior_predictive(idata, random_seed=8)
    post = idata.posterior
    s = post["switchpoint"].values.ravel()
    e, lt = post["early_rate"].values.ravel(), post["late_rate"].values.ravel()
    rate = np.where(s[:, None] >= years[None, :], e[:, None], lt[:, None])  # (draw, year)
    counts = pp.posterior_predictive["disasters"].values.reshape(-1, years.size)
    z = (counts - rate).sum(0) / np.sqrt(rate.sum(0))  # given the draws, Poisson noise only
    assert np.abs(z).max() < 4.5
