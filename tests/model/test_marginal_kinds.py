"""pg.marginalize on the finite families the issue names beyond the switchpoint
and the assignments: a Binomial count with a constant ``n``, a BetaBinomial
count, and the zero-inflation indicator of a mixture, each against the sum over
the support written with scipy.stats, and the recovered draws against the exact
conditional."""

from __future__ import annotations

import jax
import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import ppgraph as pg
from ppgraph.sampling.marginal import recover_marginals

Y = np.array([1.3, 2.9, 2.2])


def _conditional_check(mm: pg.Model, raw: dict, name: str, logw: np.ndarray) -> None:
    """Recovered draws at a fixed continuous point against the exact
    conditional ``softmax(logw)`` over the support 0..len(logw)-1."""
    raw = {k: np.broadcast_to(v, (1, 6000, *np.shape(v))) for k, v in raw.items()}
    draws = np.asarray(recover_marginals(mm, raw, jax.random.key(1))[name][0])
    freq = np.bincount(draws.ravel(), minlength=logw.size) / draws.size
    np.testing.assert_allclose(freq, np.exp(logw - sp.logsumexp(logw)), atol=0.025)


def test_binomial_with_a_constant_n() -> None:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 2.0)
        k = pg.Binomial("k", n=5, p=0.3)
        pg.Normal("y", mu + k, 1.0, observed=Y)
    mm = pg.marginalize(m)
    assert [v.name for v in mm.value_vars] == ["mu"]
    support = np.arange(6)
    logw = st.binom.logpmf(support, 5, 0.3) + np.array(
        [st.norm.logpdf(Y, 0.4 + s, 1.0).sum() for s in support]
    )
    got = mm.compile_logp()({"mu": 0.4})
    np.testing.assert_allclose(got, sp.logsumexp(logw) + st.norm.logpdf(0.4, 0, 2), rtol=1e-10)
    _conditional_check(mm, {"mu": 0.4}, "k", logw)


def test_beta_binomial() -> None:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 2.0)
        k = pg.BetaBinomial("k", alpha=2.0, beta=3.0, n=4)
        pg.Normal("y", mu + k, 1.0, observed=Y)
    mm = pg.marginalize(m, ["k"])
    support = np.arange(5)
    logw = st.betabinom.logpmf(support, 4, 2.0, 3.0) + np.array(
        [st.norm.logpdf(Y, -0.2 + s, 1.0).sum() for s in support]
    )
    got = mm.compile_logp()({"mu": -0.2})
    np.testing.assert_allclose(got, sp.logsumexp(logw) + st.norm.logpdf(-0.2, 0, 2), rtol=1e-10)
    _conditional_check(mm, {"mu": -0.2}, "k", logw)


def test_zero_inflation_indicator_per_row() -> None:
    # y_i ~ Poisson(z_i * lam), z_i ~ Bernoulli(psi): summed per row, the
    # zero-inflated Poisson's density log(psi Pois(y | lam) + (1 - psi) [y = 0])
    counts = np.array([0, 3, 0, 1, 0, 5])
    psi, lam = 0.7, 2.2
    with pg.Model() as m:
        lam_rv = pg.Gamma("lam", 2.0, 1.0)
        z = pg.Bernoulli("z", p=psi, shape=counts.size)
        pg.Poisson("y", z * lam_rv, observed=counts)
    mm = pg.marginalize(m)
    zip_logp = np.log(psi * st.poisson.pmf(counts, lam) + (1 - psi) * (counts == 0))
    got = mm.compile_logp(jacobian=False)({"lam_log__": np.log(lam)})
    want = zip_logp.sum() + st.gamma.logpdf(lam, 2.0)
    np.testing.assert_allclose(got, want, rtol=1e-10)

    # the gradient is finite: the impossible branch (z = 0 under a positive
    # count) has weight 0, and its slope does not turn that into 0 * inf = NaN
    def zip_total(log_lam: float) -> float:
        lam_ = np.exp(log_lam)
        dens = psi * st.poisson.pmf(counts, lam_) + (1 - psi) * (counts == 0)
        return float(np.log(dens).sum() + st.gamma.logpdf(lam_, 2.0))

    h = 1e-6
    fd = (zip_total(np.log(lam) + h) - zip_total(np.log(lam) - h)) / (2 * h)
    grad = mm.compile_dlogp(jacobian=False)({"lam_log__": np.log(lam)})
    np.testing.assert_allclose(np.ravel(grad), [fd], rtol=1e-6)
    # the indicator is 1 for certain where the count is positive; at a zero it
    # is 1 with probability psi e^-lam / (psi e^-lam + 1 - psi)
    raw = {"lam_log__": np.broadcast_to(np.log(lam), (1, 6000))}  # value space
    z_draws = np.asarray(recover_marginals(mm, raw, jax.random.key(2))["z"][0])
    assert z_draws.shape == (6000, counts.size)
    p_zero = psi * np.exp(-lam) / (psi * np.exp(-lam) + 1 - psi)
    want_mean = np.where(counts > 0, 1.0, p_zero)
    np.testing.assert_allclose(z_draws.mean(0), want_mean, atol=0.025)


@pytest.mark.slow
def test_zero_inflated_counts_sampled_against_the_zip_distribution() -> None:
    """The indicator model sampled with ``pg.sample`` gives the same posterior
    for (psi, lam) as the model written with ``pg.ZeroInflatedPoisson``."""
    rng = np.random.default_rng(3)
    counts = np.where(rng.random(200) < 0.6, rng.poisson(3.0, 200), 0)
    kw = dict(draws=600, tune=600, chains=2, random_seed=5, progressbar=False)
    with pg.Model():
        psi = pg.Beta("psi", 1.0, 1.0)
        lam = pg.Gamma("lam", 2.0, 0.5)
        z = pg.Bernoulli("z", p=psi, shape=counts.size)
        pg.Poisson("y", z * lam, observed=counts)
        ind = pg.sample(**kw)
    with pg.Model():
        psi = pg.Beta("psi", 1.0, 1.0)
        lam = pg.Gamma("lam", 2.0, 0.5)
        pg.ZeroInflatedPoisson("y", psi=psi, mu=lam, observed=counts)
        ref = pg.sample(**kw)
    for name in ("psi", "lam"):
        a, b = ind.posterior[name].values.ravel(), ref.posterior[name].values.ravel()
        assert abs(a.mean() - b.mean()) < 0.25 * b.std(), name
        assert a.std() == pytest.approx(b.std(), rel=0.2), name
    z = ind.posterior["z"].values
    assert z.shape == (2, 600, 200) and z.dtype.kind == "i"
    assert np.all(z[..., counts > 0] == 1)
