"""Missing observed values imputed as PyMC 5 does (``Model.make_obs_var``):
``{name}_unobserved`` free, ``{name}_observed`` observed, ``{name}`` a
Deterministic of the completed array, and an ``ImputationWarning``.

The oracle is a conjugate Normal model with known variance, whose posterior
over (mu, missing entries) is Gaussian in closed form: its mode is the
posterior mean and minus the inverse Hessian of the log-density is its
covariance, both exact; a short NUTS run checks the same means by sampling.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg

M0, S0, SIGMA = 1.0, 2.0, 0.5
Y = np.array([0.3, np.nan, 1.1, 0.8, np.nan, 1.4])


def _conjugate(observed: object) -> pg.Model:
    with pg.Model() as m, pytest.warns(pg.ImputationWarning, match="y contains 2 missing"):
        mu = pg.Normal("mu", M0, S0)
        pg.Normal("y", mu, SIGMA, observed=observed)
    return m


def _closed_form() -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of (mu, y_miss_1, y_miss_2) given the present ys."""
    seen = Y[~np.isnan(Y)]
    prec = 1 / S0**2 + len(seen) / SIGMA**2
    mean_mu, var_mu = (M0 / S0**2 + seen.sum() / SIGMA**2) / prec, 1 / prec
    # y_miss = mu + e with e ~ N(0, SIGMA) independent: Cov = var_mu everywhere,
    # plus SIGMA^2 on the y's diagonal
    cov = np.full((3, 3), var_mu) + np.diag([0.0, SIGMA**2, SIGMA**2])
    return np.full(3, mean_mu), cov


def test_names_and_lists_as_pymc() -> None:
    m = _conjugate(Y)
    assert [v.name for v in m.free_RVs] == ["mu", "y_unobserved"]
    assert [v.name for v in m.observed_RVs] == ["y_observed"]
    assert [v.name for v in m.deterministics] == ["y"]
    assert [v.name for v in m.value_vars] == ["mu", "y_unobserved"]
    assert m["y_unobserved"].type.shape == (2,) and m["y_observed"].type.shape == (4,)
    # the completed array: data where present, the free values where missing
    y = m.compile_fn(m["y"])({"mu": 0.0, "y_unobserved": np.array([7.0, 8.0])})
    np.testing.assert_array_equal(y, [0.3, 7.0, 1.1, 0.8, 8.0, 1.4])


def test_logp_is_the_complete_data_density() -> None:
    m = _conjugate(Y)
    point = {"mu": 0.7, "y_unobserved": np.array([-0.2, 2.0])}
    full = Y.copy()
    full[np.isnan(Y)] = point["y_unobserved"]
    want = st.norm(M0, S0).logpdf(0.7) + st.norm(0.7, SIGMA).logpdf(full).sum()
    np.testing.assert_allclose(m.compile_logp()(point), want, rtol=1e-12)


@pytest.mark.parametrize(
    "observed",
    [Y, np.ma.masked_invalid(Y), np.ma.masked_array(np.nan_to_num(Y, nan=99.0), np.isnan(Y))],
    ids=["nan", "masked_invalid", "masked_hidden_99"],
)
def test_posterior_of_missing_entries_in_closed_form(observed: object) -> None:
    # A Gaussian posterior: zero gradient at the closed-form mean, and minus the
    # inverse Hessian is the closed-form covariance (both exact).
    m = _conjugate(observed)
    mean, cov = _closed_form()
    at_mean = {"mu": mean[0], "y_unobserved": mean[1:]}
    np.testing.assert_allclose(m.compile_dlogp()(at_mean), 0.0, atol=1e-10)
    np.testing.assert_allclose(-np.linalg.inv(m.compile_d2logp()(at_mean)), cov, rtol=1e-8)


def test_pandas_missing_values() -> None:
    pd = pytest.importorskip("pandas")
    m = _conjugate(pd.Series(Y))
    mean, _ = _closed_form()
    mode = pg.find_MAP(model=m)  # the mode of a Gaussian posterior is its mean
    np.testing.assert_allclose([mode["mu"], *mode["y_unobserved"]], mean, rtol=1e-6)


@pytest.mark.slow
def test_sampled_posterior_matches_the_closed_form() -> None:
    m = _conjugate(Y)
    mean, cov = _closed_form()
    # the moments below are the test; an r-hat of 1.016 from 2 short chains is noise
    idata = pg.sample(
        draws=400, tune=300, chains=2, random_seed=3, progress_bar=False,
        model=m, compute_convergence_checks=False,
    )  # fmt: skip
    post = idata.posterior
    draws = post["y_unobserved"].values.reshape(-1, 2)
    se = np.sqrt(np.diag(cov)[1:] / 200)  # a conservative effective sample size
    assert np.all(np.abs(draws.mean(0) - mean[1:]) < 5 * se)
    np.testing.assert_allclose(draws.std(0), np.sqrt(np.diag(cov)[1:]), rtol=0.2)
    # the completed array is in the posterior: data where present
    y = post["y"].values.reshape(-1, 6)
    np.testing.assert_array_equal(y[:, ~np.isnan(Y)], np.broadcast_to(Y[~np.isnan(Y)], (800, 4)))
    np.testing.assert_array_equal(y[:, np.isnan(Y)], draws)


def test_discrete_masked_counts_with_log_rate() -> None:
    # A coal-mining-style count series: the masked years are imputed as integers.
    counts = np.ma.masked_array([4, 5, -999, 3, 2], mask=[0, 0, 1, 0, 0])
    with pg.Model() as m, pytest.warns(pg.ImputationWarning):
        rate = pg.Exponential("rate", 1.0)
        pg.Poisson("d", rate, observed=counts)
    assert m["d_unobserved"].dtype.startswith("int") and m["d_unobserved"].type.shape == (1,)
    # the hidden -999 is not data: the observed part is the four unmasked counts
    np.testing.assert_array_equal(m.rvs_to_values[m["d_observed"]].get_value(), [4, 5, 3, 2])
    point = {"rate_log__": np.log(3.0), "d_unobserved": np.array([6])}
    want = st.expon.logpdf(3.0) + np.log(3.0) + st.poisson(3.0).logpmf([4, 5, 6, 3, 2]).sum()
    np.testing.assert_allclose(m.compile_logp()(point), want, rtol=1e-12)


def test_multivariate_whole_rows() -> None:
    cov = np.array([[1.0, 0.6], [0.6, 2.0]])
    obs = np.array([[0.5, 1.0], [np.nan, np.nan], [1.5, -1.0]])
    with pg.Model() as m, pytest.warns(pg.ImputationWarning):
        pg.MvNormal("w", mu=np.array([1.0, -1.0]), cov=cov, observed=obs)
    assert m["w_unobserved"].type.shape == (1, 2) and m["w_observed"].type.shape == (2, 2)
    point = {"w_unobserved": np.array([[0.2, 0.3]])}
    full = obs.copy()
    full[1] = point["w_unobserved"][0]
    want = st.multivariate_normal([1.0, -1.0], cov).logpdf(full).sum()
    np.testing.assert_allclose(m.compile_logp()(point), want, rtol=1e-12)
    # the missing row's posterior is its prior (no parameter is free): exact Gaussian
    hess = m.compile_d2logp()(point)
    np.testing.assert_allclose(-np.linalg.inv(hess), cov, rtol=1e-10)


def test_dims_go_to_the_completed_array_and_float32() -> None:
    with pg.config.change_flags(floatX="float32"):
        with pg.Model(coords={"obs": list("abcdef")}) as m, pytest.warns(pg.ImputationWarning):
            mu = pg.Normal("mu", 0.0, 1.0)
            pg.Normal("y", mu, 1.0, observed=Y, dims="obs")
        assert m.dims["y"] == ("obs",) and m["y_unobserved"].dtype == "float32"
        prior = pg.sample_prior_predictive(draws=5, random_seed=0, model=m)
    assert prior.prior["y"].dims == ("chain", "draw", "obs")
    np.testing.assert_array_equal(prior.prior["y"].values[0][:, ~np.isnan(Y)].shape, (5, 4))
