"""pg.marginalize and pg.sample on models with discrete free variables, against
exact enumeration with NumPy/SciPy.

Coal-mining disasters (PyMC's overview notebook): a switchpoint year, an early
and a late Poisson rate with Exponential(1) priors. Given the switchpoint the
rates are conjugate (Gamma(1 + counts, 1 + years)), so the switchpoint's
posterior is exact: p(s | y) is proportional to the product over the two
segments of Gamma(1 + S) / (1 + n)^(1 + S) (the 1 / y! factors cancel).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt

# fmt: off
DISASTERS = np.array([
    4, 5, 4, 0, 1, 4, 3, 4, 0, 6, 3, 3, 4, 0, 2, 6, 3, 3, 5, 4, 5, 3, 1, 4, 4, 1, 5, 5, 3,
    4, 2, 5, 2, 2, 3, 4, 2, 1, 3, np.nan, 2, 1, 1, 1, 1, 3, 0, 0, 1, 0, 1, 1, 0, 0, 3, 1,
    0, 3, 2, 2, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 2, 1, 0, 0, 0, 1, 1, 0, 2, 3, 3, 1,
    np.nan, 2, 1, 1, 1, 1, 2, 4, 2, 0, 0, 1, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1,
    0, 1,
])
# fmt: on
YEARS = np.arange(1851, 1962)
PRESENT = ~np.isnan(DISASTERS)


def exact(years: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """The switchpoint's posterior over ``YEARS``, and the rates' posterior means."""
    logw, early, late = [], [], []
    for s in YEARS:
        e = years <= s
        se, ne, sl, nl = y[e].sum(), e.sum(), y[~e].sum(), (~e).sum()
        logw.append(sp.gammaln(1 + se) - (1 + se) * np.log(1 + ne)
                    + sp.gammaln(1 + sl) - (1 + sl) * np.log(1 + nl))  # fmt: skip
        early.append((1 + se) / (1 + ne))
        late.append((1 + sl) / (1 + nl))
    w = np.exp(np.array(logw) - sp.logsumexp(logw))
    return YEARS, w, float(w @ early), float(w @ late)


def coal_model(years: np.ndarray, y: np.ndarray) -> pg.Model:
    with pg.Model() as m:
        switchpoint = pg.DiscreteUniform("switchpoint", lower=YEARS.min(), upper=YEARS.max())
        early_rate = pg.Exponential("early_rate", 1.0)
        late_rate = pg.Exponential("late_rate", 1.0)
        rate = pt.switch(switchpoint >= years, early_rate, late_rate)
        pg.Poisson("disasters", rate, observed=y)
    return m


def test_marginal_logp_against_the_sum_by_hand() -> None:
    years, y = YEARS[PRESENT], DISASTERS[PRESENT].astype(int)
    m = coal_model(years, y)
    mm = pg.marginalize(m)
    assert [v.name for v in mm.value_vars] == ["early_rate_log__", "late_rate_log__"]
    # the original model is PyMC's, untouched
    assert [v.name for v in m.value_vars] == ["switchpoint", "early_rate_log__",
                                              "late_rate_log__"]  # fmt: skip
    le, ll = np.log(2.5), np.log(0.8)
    got = mm.compile_logp()({"early_rate_log__": le, "late_rate_log__": ll})
    terms = [np.log(1 / YEARS.size) + st.poisson.logpmf(y, np.where(s >= years, 2.5, 0.8)).sum()
             for s in YEARS]  # fmt: skip
    prior = st.expon.logpdf(2.5) + le + st.expon.logpdf(0.8) + ll
    np.testing.assert_allclose(got, sp.logsumexp(terms) + prior, rtol=1e-10)


@pytest.mark.slow
def test_coal_mining_switchpoint_against_exact_enumeration() -> None:
    years, y = YEARS[PRESENT], DISASTERS[PRESENT].astype(int)
    support, w, early, late = exact(years, y)
    with coal_model(years, y):
        idata = pg.sample(draws=500, tune=500, chains=2, random_seed=3, progressbar=False)
    post = idata.posterior
    s = post["switchpoint"].values.ravel()
    freq = np.array([(s == v).mean() for v in support])
    assert np.abs(freq - w).sum() < 0.1  # total variation distance
    assert float(post["early_rate"].mean()) == pytest.approx(early, abs=0.05)
    assert float(post["late_rate"].mean()) == pytest.approx(late, abs=0.05)
    assert post["switchpoint"].dtype.kind == "i"


@pytest.mark.slow
def test_coal_mining_with_missing_years_imputed() -> None:
    """The two missing years are imputed; the switchpoint is as without them."""
    support, w, early, _ = exact(YEARS[PRESENT], DISASTERS[PRESENT])
    with pytest.warns(UserWarning, match="[Ii]mput"):
        m = coal_model(YEARS, np.ma.masked_invalid(DISASTERS))
    with m:
        idata = pg.sample(draws=500, tune=500, chains=2, random_seed=4, progressbar=False)
    post = idata.posterior
    s = post["switchpoint"].values.ravel()
    freq = np.array([(s == v).mean() for v in support])
    assert np.abs(freq - w).sum() < 0.1
    assert float(post["early_rate"].mean()) == pytest.approx(early, abs=0.05)
    imputed = post["disasters_unobserved"].values
    assert imputed.shape[-1] == 2 and imputed.dtype.kind == "i" and imputed.min() >= 0
    # E[count in 1890] = E[rate in 1890]: the early or the late rate's conjugate
    # mean, whichever side of the switchpoint 1890 falls, averaged over p(s | y)
    years, y = YEARS[PRESENT], DISASTERS[PRESENT]
    rate_1890 = []
    for s_year in support:
        side = (years <= s_year) if s_year >= 1890 else (years > s_year)
        rate_1890.append((1 + y[side].sum()) / (1 + side.sum()))
    assert float(imputed[..., 0].mean()) == pytest.approx(float(w @ rate_1890), abs=0.3)


def test_per_row_assignments_recovered_exactly() -> None:
    """A two-component mixture with explicit per-point Categorical assignments:
    the marginal logp is one sum per row, and the recovered assignments follow
    the exact per-point conditional."""
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-2.0, 1.0, 30), rng.normal(3.0, 1.0, 30)])
    w = np.array([0.4, 0.6])
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 5.0, shape=2)
        z = pg.Categorical("z", p=w, shape=60)
        pg.Normal("x", mu[z], 1.0, observed=x)
    mm = pg.marginalize(m, ["z"])
    point = {"mu": np.array([-1.5, 2.5])}
    per = np.log(w) + st.norm.logpdf(x[:, None], point["mu"], 1.0)
    want = sp.logsumexp(per, axis=1).sum() + st.norm.logpdf(point["mu"], 0, 5).sum()
    np.testing.assert_allclose(mm.compile_logp()(point), want, rtol=1e-10)
    # recovered assignments: draws at a fixed mu against the exact conditional
    from ppgraph.sampling.marginal import recover_marginals

    raw = {"mu": np.broadcast_to(point["mu"], (1, 4000, 2))}
    import jax

    draws = recover_marginals(mm, raw, jax.random.key(0))["z"][0]
    cond = np.exp(per - sp.logsumexp(per, axis=1, keepdims=True))[:, 1]
    np.testing.assert_allclose(draws.mean(0), cond, atol=0.04)


@pytest.mark.slow
def test_mixture_with_assignments_sampled() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(-2.0, 1.0, 40), rng.normal(3.0, 1.0, 60)])
    with pg.Model(coords={"obs": np.arange(100)}):
        mu = pg.Normal("mu", [-1.0, 1.0], 5.0, shape=2,
                       transform=pg.distributions.transforms.ordered)  # fmt: skip
        z = pg.Categorical("z", p=[0.4, 0.6], dims="obs")
        pg.Normal("x", mu[z], 1.0, observed=x, dims="obs")
        idata = pg.sample(draws=500, tune=500, chains=2, random_seed=0, progressbar=False)
    mu_draws = idata.posterior["mu"].values.reshape(-1, 2)
    np.testing.assert_allclose(mu_draws.mean(0), [-2.0, 3.0], atol=0.4)
    z = idata.posterior["z"].values
    assert z.shape == (2, 500, 100)
    assert (z[..., :40].mean() < 0.1) and (z[..., 40:].mean() > 0.9)
    assert idata.log_likelihood["x"].shape == (2, 500, 100)


def test_errors_name_the_variable() -> None:
    with pg.Model() as m:
        k = pg.Poisson("k", 3.0)
        pg.Normal("y", k, 1.0, observed=[1.0])
    with pytest.raises(NotImplementedError, match=r"'k'.*not finite.*bound it"):
        pg.marginalize(m)
    with pg.Model() as m2:
        n = pg.DiscreteUniform("n", 0, 20_000)
        pg.Normal("y", n, 1.0, observed=[1.0])
    with pytest.raises(ValueError, match=r"'n'.*20001 values.*max_support"):
        pg.marginalize(m2)
    with pg.Model() as m3:
        pg.Normal("a", 0.0, 1.0)
    with pytest.raises(ValueError, match="not a discrete free variable"):
        pg.marginalize(m3, ["a"])


def test_summed_term_reads_its_fixed_data_once() -> None:
    # inside the sum over the switchpoint, the Poisson's gammaln(y + 1) over the
    # observed counts is a constant computed once, and the support checks on the
    # counts are decided at compile time: no gammaln, no per-row test of y
    import jax

    years, y = YEARS[PRESENT], DISASTERS[PRESENT].astype(int)
    logdensity, position = pg.logdensity(pg.marginalize(coal_model(years, y)))
    jaxpr = str(jax.make_jaxpr(jax.value_and_grad(logdensity))(position))
    assert "lgamma" not in jaxpr
    value = float(logdensity({"early_rate_log__": np.log(2.5), "late_rate_log__": np.log(0.8)}))
    terms = [np.log(1 / YEARS.size) + st.poisson.logpmf(y, np.where(s >= years, 2.5, 0.8)).sum()
             for s in YEARS]  # fmt: skip
    prior = st.expon.logpdf(2.5) + np.log(2.5) + st.expon.logpdf(0.8) + np.log(0.8)
    np.testing.assert_allclose(value, sp.logsumexp(terms) + prior, rtol=1e-5)  # float32


def test_fixed_matrix_factored_once_inside_the_sum() -> None:
    # a Cholesky of fixed data inside the summed term is computed at compile time
    # and held by the lowered program (it is not an input of the outer node)
    import jax

    from ppgraph.graph.basic import FIXED
    from ppgraph.tensor.marginal import marginal_logp

    cov = np.array([[2.0, 0.3], [0.3, 1.0]])
    data = pt.shared(cov, name="data")
    data.tag[FIXED] = True
    z, w = pt.scalar("z", dtype="int64"), pt.vector("w")
    chol = pt.linalg.cholesky(data)
    inner = -0.5 * pt.sum(pt.square(pt.linalg.solve_triangular(chol, w * pt.cast(z, "float64"))))
    out = marginal_logp(inner, z, (0, 1, 2))
    f = pg.function([w], out)
    wv = np.array([0.4, -1.2])
    lc = np.linalg.cholesky(cov)
    want = sp.logsumexp([-0.5 * np.sum(np.linalg.solve(lc, wv * k) ** 2) for k in range(3)])
    np.testing.assert_allclose(f(wv), want, rtol=1e-10)
    assert "cholesky" not in str(jax.make_jaxpr(f.jax_fn)(wv))


def test_the_rates_log_is_taken_once_not_once_per_switchpoint_value() -> None:
    # the select of the rate by the switchpoint is moved out of the Poisson's
    # xlogy (rewrite/selects.py), so the sum over the 111 years computes the
    # logs of the two rates per row once, not per year, in the value and gradient
    import re

    import jax

    years, y = YEARS[PRESENT], DISASTERS[PRESENT].astype(int)
    logdensity, position = pg.logdensity(pg.marginalize(coal_model(years, y)))
    jaxpr = str(jax.make_jaxpr(jax.value_and_grad(logdensity))(position))
    per_value = rf"\[{YEARS.size},{years.size}\] = (log|div)\b"
    assert re.search(rf"\[{years.size}\] = log\b", jaxpr)
    assert not re.search(per_value, jaxpr)
