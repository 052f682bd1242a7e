"""Multivariate rows observed with only some entries missing (PyMC 5's
``PartialObservedRV``): ``{name}_unobserved`` is flat over the missing
entries, ``{name}_observed`` flat over the present ones, and the log-density
is the family's density of the completed rows.

Oracles: scipy's ``multivariate_normal`` / ``multivariate_t`` at the completed
rows, and the Gaussian conditional of the missing entries given the present
ones in closed form (``mu_1 + S_12 S_22^-1 (x_2 - mu_2)``,
``S_11 - S_12 S_22^-1 S_21``).
"""

from __future__ import annotations

import jax
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg

MU = np.array([1.0, -1.0, 0.5])
COV = np.array([[1.0, 0.6, 0.2], [0.6, 2.0, -0.4], [0.2, -0.4, 1.5]])
# row 1: one entry missing; row 2: two; row 3: all (a whole row); row 0: none
OBS = np.array(
    [[0.5, 1.0, 0.0], [np.nan, 0.3, 1.2], [1.5, np.nan, np.nan], [np.nan, np.nan, np.nan]]
)
MISS = np.isnan(OBS)


def _model(observed: object = OBS, dtype: str | None = None) -> pg.Model:
    with pg.Model() as m, pytest.warns(pg.ImputationWarning, match="w contains 6 missing"):
        pg.MvNormal("w", mu=MU, cov=COV, observed=observed)
    return m


def _conditional(row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of a row's missing entries given its present ones."""
    m, s = np.isnan(row), ~np.isnan(row)
    gain = COV[np.ix_(m, s)] @ np.linalg.inv(COV[np.ix_(s, s)])
    mean = MU[m] + gain @ (row[s] - MU[s])
    return mean, COV[np.ix_(m, m)] - gain @ COV[np.ix_(s, m)]


def _closed_form() -> tuple[np.ndarray, np.ndarray]:
    """The posterior of all missing entries (rows independent: block diagonal)."""
    parts = [_conditional(row) for row in OBS if np.isnan(row).any()]
    mean = np.concatenate([p[0] for p in parts])
    n = len(mean)
    cov, i = np.zeros((n, n)), 0
    for _, c in parts:
        cov[i : i + len(c), i : i + len(c)] = c
        i += len(c)
    return mean, cov


@pytest.fixture(scope="module")
def model() -> pg.Model:
    return _model()


def test_names_shapes_and_lists_as_pymc(model: pg.Model) -> None:
    m = model
    assert [v.name for v in m.free_RVs] == ["w_unobserved"]
    assert [v.name for v in m.observed_RVs] == ["w_observed"]
    assert [v.name for v in m.deterministics] == ["w"]
    assert [v.name for v in m.value_vars] == ["w_unobserved"]
    # flat, in C order over the whole array, as PyMC's boolean indexing
    assert m["w_unobserved"].type.shape == (6,) and m["w_observed"].type.shape == (6,)
    np.testing.assert_array_equal(m.rvs_to_values[m["w_observed"]].get_value(), OBS[~MISS])
    fill = np.arange(6.0) + 10
    w = m.compile_fn(m["w"])({"w_unobserved": fill})
    want = OBS.copy()
    want[MISS] = fill
    np.testing.assert_array_equal(w, want)
    # the missing entries start at the family's location, as PyMC's support point
    start = m.initial_point()["w_unobserved"]
    np.testing.assert_array_equal(start, np.broadcast_to(MU, OBS.shape)[MISS])


def test_logp_is_the_density_of_the_completed_rows(model: pg.Model) -> None:
    fill = np.array([0.2, -0.7, 1.1, 0.0, 2.0, -1.0])
    full = OBS.copy()
    full[MISS] = fill
    rows = st.multivariate_normal(MU, COV).logpdf(full)
    unobserved, observed = model.compile_logp(sum=False)({"w_unobserved": fill})
    assert unobserved.shape == (0,)  # PyMC's empty term: the density is in the observed one
    np.testing.assert_allclose(observed, rows, rtol=1e-12)
    np.testing.assert_allclose(model.compile_logp()({"w_unobserved": fill}), rows.sum())
    # a NaN imputed value: a named error in the default check mode, -inf for samplers
    bad = {"w_unobserved": np.where(np.arange(6) == 0, np.nan, fill)}
    with pytest.raises(pg.ParameterValueError, match="w_observed: w_unobserved is NaN"):
        model.compile_logp()(bad)
    assert pg.logdensity(model)[0](bad) == -np.inf


def test_posterior_is_the_gaussian_conditional(model: pg.Model) -> None:
    # Gaussian in the missing entries: zero gradient at the conditional mean, and
    # minus the inverse Hessian is the conditional covariance (both exact).
    mean, cov = _closed_form()
    at_mean = {"w_unobserved": mean}
    np.testing.assert_allclose(model.compile_dlogp()(at_mean), 0.0, atol=1e-12)
    np.testing.assert_allclose(-np.linalg.inv(model.compile_d2logp()(at_mean)), cov, atol=1e-12)


def test_prior_draws_are_one_joint_draw_of_each_row(model: pg.Model) -> None:
    # The two parts share one key: a prior draw of the completed array has the
    # family's covariance within a row (present and missing entries correlated).
    prior = pg.sample_prior_predictive(draws=4000, random_seed=0, model=model)
    w = prior.prior["w"].values.reshape(-1, 4, 3)
    for row in range(4):
        np.testing.assert_allclose(np.cov(w[:, row].T), COV, atol=0.15)
        np.testing.assert_allclose(w[:, row].mean(0), MU, atol=0.1)


def test_pandas_and_masked_partial_rows() -> None:
    pd = pytest.importorskip("pandas")
    masked = np.ma.masked_array(np.nan_to_num(OBS, nan=-99.0), MISS)
    for observed in (pd.DataFrame(OBS), masked):
        m = _model(observed)
        np.testing.assert_array_equal(m.rvs_to_values[m["w_observed"]].get_value(), OBS[~MISS])


def test_mvstudent_t_against_scipy() -> None:
    obs = np.array([[0.5, np.nan], [1.0, 2.0], [np.nan, -1.0]])
    scale = COV[:2, :2]
    with pg.Model() as m, pytest.warns(pg.ImputationWarning):
        pg.MvStudentT("t", nu=4.0, mu=MU[:2], scale=scale, observed=obs)
    fill = np.array([0.3, 0.9])
    full = obs.copy()
    full[np.isnan(obs)] = fill
    want = st.multivariate_t(MU[:2], scale, df=4.0).logpdf(full).sum()
    np.testing.assert_allclose(m.compile_logp()({"t_unobserved": fill}), want, rtol=1e-12)


@pytest.mark.parametrize("family", ["Dirichlet", "Multinomial"])
def test_constrained_families_refused_naming_the_row(family: str) -> None:
    # The missing entries of a simplex row (or of counts summing to n) are tied to
    # the present ones; PyMC imputes them unconstrained, ppgraph says why it won't.
    with pg.Model(), pytest.raises(NotImplementedError, match=r"w: .*\(row \[1\]\).*" + family):
        if family == "Dirichlet":
            obs = np.array([[0.2, 0.3, 0.5], [np.nan, 0.3, np.nan]])
            pg.Dirichlet("w", a=np.ones(3), observed=obs)
        else:
            obs = np.ma.masked_array([[2, 3, 5], [0, 3, 0]], [[0, 0, 0], [1, 0, 1]])
            pg.Multinomial("w", n=10, p=np.ones(3) / 3, observed=obs)


def test_float32_under_jit_and_vmap() -> None:
    with pg.config.change_flags(floatX="float32"):
        m = _model()
        assert m["w_unobserved"].dtype == "float32"
        fn, position = pg.logdensity(m)
    mean, _ = _closed_form()
    points = {"w_unobserved": np.stack([mean, mean + 1.0]).astype("float32")}
    out = jax.jit(jax.vmap(fn))(points)
    full = [OBS.copy(), OBS.copy()]
    full[0][MISS], full[1][MISS] = mean, mean + 1.0
    want = [st.multivariate_normal(MU, COV).logpdf(f).sum() for f in full]
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, want, rtol=2e-5)
    assert position["w_unobserved"].shape == (6,)


@pytest.mark.slow
def test_sampled_imputations_match_the_conditional(model: pg.Model) -> None:
    mean, cov = _closed_form()
    # the moments below are the test; an r-hat of 1.016 from 2 short chains is noise
    idata = pg.sample(
        draws=400, tune=300, chains=2, random_seed=4, progress_bar=False,
        model=model, compute_convergence_checks=False,
    )  # fmt: skip
    draws = idata.posterior["w_unobserved"].values.reshape(-1, 6)
    sd = np.sqrt(np.diag(cov))
    assert np.all(np.abs(draws.mean(0) - mean) < 5 * sd / np.sqrt(200))
    np.testing.assert_allclose(draws.std(0), sd, rtol=0.2)
    # the pointwise log-likelihood is one term per row, as PyMC's
    assert idata.log_likelihood["w_observed"].shape == (2, 400, 4)
    pred = pg.sample_posterior_predictive(idata, model=model, random_seed=5)
    assert pred.posterior_predictive["w_observed"].shape == (2, 400, 6)


def test_other_unconstrained_families_matrix_normal_and_random_walk() -> None:
    # any family without a constrained support: a matrix row, a random walk's step
    obs = np.array([[0.5, 1.0, 0.2], [np.nan, 0.3, 0.1]])
    with pg.Model() as m, pytest.warns(pg.ImputationWarning):
        pg.MatrixNormal("x", mu=np.zeros((2, 3)), rowcov=np.eye(2), colcov=np.eye(3), observed=obs)
    full = np.where(np.isnan(obs), 0.4, obs)
    want = st.matrix_normal(np.zeros((2, 3)), np.eye(2), np.eye(3)).logpdf(full)
    np.testing.assert_allclose(m.compile_logp()({"x_unobserved": np.array([0.4])}), want)
    walk = np.array([0.1, np.nan, 0.5, 0.2])
    with pg.Model() as m, pytest.warns(pg.ImputationWarning):
        init = pg.Normal.dist(0.0, 1.0)
        pg.GaussianRandomWalk("g", mu=0.0, sigma=1.0, init_dist=init, observed=walk)
    g = np.where(np.isnan(walk), 0.3, walk)
    want = st.norm.logpdf(g[0]) + st.norm.logpdf(np.diff(g)).sum()
    np.testing.assert_allclose(m.compile_logp()({"g_unobserved": np.array([0.3])}), want)
