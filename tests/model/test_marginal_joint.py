"""pg.marginalize on discrete variables summed jointly (they share a dependent,
or one depends on the other), against exact enumeration with NumPy/SciPy.

Model: two Bernoulli switches ``a`` and ``b`` both shifting the mean of one
Normal likelihood. At a fixed ``mu`` the marginal is the log-sum over the four
configurations of ``log p(a) + log p(b) + sum log N(y; mu + SA a + SB b, 1)``,
and the recovered pairs follow the same four weights normalized.
"""

from __future__ import annotations

import itertools

import jax
import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.sampling.marginal import recover_marginals

Y = np.array([1.9, 0.6, 1.4])
PA, PB, SA, SB = 0.3, 0.6, 1.0, -0.8


def switches() -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 2.0)
        a = pg.Bernoulli("a", p=PA)
        b = pg.Bernoulli("b", p=PB)
        pg.Normal("y", mu + SA * a + SB * b, 1.0, observed=Y)
    return m


def pair_logw(mu: float) -> np.ndarray:
    """log p(a, b, y | mu) over (a, b) in (0,0), (0,1), (1,0), (1,1)."""
    out = []
    for a, b in itertools.product((0, 1), repeat=2):
        prior = st.bernoulli.logpmf(a, PA) + st.bernoulli.logpmf(b, PB)
        out.append(prior + st.norm.logpdf(Y, mu + SA * a + SB * b, 1.0).sum())
    return np.array(out)


@pytest.fixture(scope="module")
def marginal() -> pg.Model:
    return pg.marginalize(switches())


def test_two_switches_sharing_a_likelihood(marginal: pg.Model) -> None:
    assert [v.name for v in marginal.value_vars] == ["mu"]
    mu = 0.7
    want = sp.logsumexp(pair_logw(mu)) + st.norm.logpdf(mu, 0.0, 2.0)
    np.testing.assert_allclose(marginal.compile_logp()({"mu": mu}), want, rtol=1e-10)


def test_joint_draws_follow_the_exact_conditional(marginal: pg.Model) -> None:
    mu, n = 0.4, 4000
    raw = {"mu": np.full((1, n), mu)}
    draws = recover_marginals(marginal, raw, jax.random.key(1))  # type: ignore[arg-type]
    assert draws["a"].shape == draws["b"].shape == (1, n) and draws["a"].dtype.kind == "i"
    pairs = 2 * draws["a"][0] + draws["b"][0]
    counts = np.bincount(pairs, minlength=4)
    w = np.exp(pair_logw(mu) - sp.logsumexp(pair_logw(mu)))
    assert st.chisquare(counts, n * w).pvalue > 1e-3


def test_one_depends_on_the_other_and_a_vector_summed_jointly() -> None:
    """``b``'s probability is indexed by ``a`` (a chain a -> b -> y); ``z`` is a
    vector whose rows all reach one sum (not row by row): 2 x 2 x 2^3 = 32
    configurations, each summed."""
    pb = np.array([0.2, 0.9])
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        a = pg.Bernoulli("a", p=0.4)
        b = pg.Bernoulli("b", p=pt.as_tensor_variable(pb)[a])
        z = pg.Bernoulli("z", p=0.3, shape=3)
        pg.Normal("y", mu + b, 1.0, observed=[0.5, 1.4])
        pg.Normal("w", pt.sum(z) + a, 1.0, observed=[2.0])
    mm = pg.marginalize(m)
    assert [v.name for v in mm.value_vars] == ["mu"]
    mu = -0.2
    terms = []
    for av, bv, *zv in itertools.product((0, 1), repeat=5):
        lp = st.bernoulli.logpmf(av, 0.4) + st.bernoulli.logpmf(bv, pb[av])
        lp += st.bernoulli.logpmf(zv, 0.3).sum()
        lp += st.norm.logpdf([0.5, 1.4], mu + bv, 1.0).sum() + st.norm.logpdf(2.0, sum(zv) + av)
        terms.append(lp)
    want = sp.logsumexp(terms) + st.norm.logpdf(mu)
    np.testing.assert_allclose(mm.compile_logp()({"mu": mu}), want, rtol=1e-10)
    draws = recover_marginals(mm, {"mu": np.full((1, 3), mu)}, jax.random.key(0))  # type: ignore[arg-type]
    assert draws["z"].shape == (1, 3, 3) and draws["b"].shape == (1, 3)


def test_float32_under_jit_and_vmap() -> None:
    with pg.config.change_flags(floatX="float32"):
        fn, _ = pg.logdensity(pg.marginalize(switches()))
    mus = np.array([0.7, -0.3], dtype="float32")
    out = jax.jit(jax.vmap(fn))({"mu": mus})
    want = [sp.logsumexp(pair_logw(x)) + st.norm.logpdf(x, 0.0, 2.0) for x in mus]
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, want, rtol=2e-5)


def test_joint_state_limit_names_the_variables_and_the_size() -> None:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        i = pg.DiscreteUniform("i", 0, 199)
        j = pg.DiscreteUniform("j", 0, 99)
        pg.Normal("y", mu + i - j, 1.0, observed=[1.0])
    with pytest.raises(ValueError, match=r"\['i', 'j'\] jointly.*20000 configurations.*10000"):
        pg.marginalize(m)
    with pytest.raises(ValueError, match=r"\['i', 'j'\] jointly.*20000.*max_support=500"):
        pg.marginalize(m, max_support=500)
    with pg.Model() as m2:
        z = pg.Bernoulli("z", p=0.5, shape=20)
        pg.Normal("y", pt.sum(z), 1.0, observed=[3.0])
    with pytest.raises(ValueError, match=r"'z' of shape \(20,\).*1048576 configurations"):
        pg.marginalize(m2)


@pytest.mark.slow
def test_two_switches_sampled_against_quadrature() -> None:
    """pg.sample: the posterior of (a, b) against p(a, b | y) integrated over mu on
    a grid, and the posterior mean of mu."""
    grid = np.linspace(-8, 8, 4001)
    logw = np.array([pair_logw(x) for x in grid]) + st.norm.logpdf(grid, 0, 2)[:, None]
    joint = np.exp(logw - sp.logsumexp(logw))
    with switches():
        idata = pg.sample(draws=500, tune=500, chains=2, random_seed=2, progress_bar=False)
    post = idata.posterior
    pairs = (2 * post["a"].values + post["b"].values).ravel()
    freq = np.bincount(pairs, minlength=4) / pairs.size
    np.testing.assert_allclose(freq, joint.sum(0), atol=0.05)
    assert float(post["mu"].mean()) == pytest.approx(float(grid @ joint.sum(1)), abs=0.1)
