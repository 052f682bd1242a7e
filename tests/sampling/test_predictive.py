"""Prior and posterior predictive sampling: shapes, groups, moments against the
model's analytic marginals, reproducibility, errors."""

from __future__ import annotations

import arviz as az
import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg

N = 4000


def _model() -> pg.Model:
    with pg.Model(coords={"obs": ["a", "b", "c"]}) as m:
        x = pg.Data("x", [1.0, 2.0, 3.0], dims="obs")
        mu = pg.Normal("mu", 1.0, 2.0)
        pg.HalfNormal("scale", 1.0)
        pg.Deterministic("shift", mu * x, dims="obs")
        pg.Normal("y", mu * x, 1.0, observed=[0.5, 2.5, 2.0], dims="obs")
    return m


def test_prior_predictive_groups_and_moments() -> None:
    m = _model()
    idata = pg.sample_prior_predictive(draws=N, random_seed=3, model=m)
    assert set(idata.groups()) == {"prior", "prior_predictive", "observed_data", "constant_data"}
    assert list(idata.prior.data_vars) == ["mu", "scale", "shift"]
    assert idata.prior["mu"].shape == (1, N)
    y = idata.prior_predictive["y"]
    assert y.dims == ("chain", "draw", "obs") and list(y["obs"].values) == ["a", "b", "c"]
    np.testing.assert_array_equal(idata.constant_data["x"], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(idata.observed_data["y"], [0.5, 2.5, 2.0])
    mu = idata.prior["mu"].values.ravel()
    assert st.kstest((mu - 1.0) / 2.0, "norm").pvalue > 1e-3
    assert st.kstest(idata.prior["scale"].values.ravel(), st.halfnorm.cdf).pvalue > 1e-3
    np.testing.assert_allclose(idata.prior["shift"].values[0], mu[:, None] * [1.0, 2.0, 3.0])
    # y_i = mu x_i + e_i jointly with mu: the residual is N(0, 1), independent of mu
    resid = y.values[0] - mu[:, None] * [1.0, 2.0, 3.0]
    assert st.kstest(resid.ravel(), "norm").pvalue > 1e-3
    assert abs(np.corrcoef(mu, resid[:, 0])[0, 1]) < 5 / np.sqrt(N)
    again = pg.sample_prior_predictive(draws=N, random_seed=3, model=m)
    np.testing.assert_array_equal(again.prior_predictive["y"], y)
    only = pg.sample_prior_predictive(draws=10, var_names=["y"], random_seed=1, model=m)
    assert "prior" not in only.groups() and only.prior_predictive["y"].shape == (1, 10, 3)


def test_posterior_predictive_given_draws() -> None:
    m = _model()
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(3, 500))
    post = az.from_dict(posterior={"mu": mu, "scale": np.ones((3, 500))})
    pp = pg.sample_posterior_predictive(post, random_seed=1, model=m)
    assert set(pp.groups()) == {"posterior_predictive", "observed_data", "constant_data"}
    y = pp.posterior_predictive["y"]
    assert y.shape == (3, 500, 3) and y.dims == ("chain", "draw", "obs")
    resid = y.values - mu[..., None] * [1.0, 2.0, 3.0]
    assert st.kstest(resid.ravel(), "norm").pvalue > 1e-3
    same = pg.sample_posterior_predictive(post, random_seed=1, model=m)
    other = pg.sample_posterior_predictive(post, random_seed=2, model=m)
    np.testing.assert_array_equal(same.posterior_predictive["y"], y)
    assert not np.array_equal(other.posterior_predictive["y"], y)
    both = pg.sample_posterior_predictive({"mu": mu}, var_names=["shift", "y"], model=m)
    np.testing.assert_allclose(both.posterior_predictive["shift"], mu[..., None] * [1, 2, 3])
    # a free variable in var_names is drawn afresh from its prior
    fresh = pg.sample_posterior_predictive({"mu": mu}, var_names=["scale"], model=m,
                                           random_seed=4)  # fmt: skip
    scale = fresh.posterior_predictive["scale"].values.ravel()
    assert st.kstest(scale, st.halfnorm.cdf).pvalue > 1e-3
    extended = pg.sample_posterior_predictive(post, model=m, extend_inferencedata=True)
    assert extended is post and "posterior_predictive" in post.groups()


def test_predictive_errors() -> None:
    m = _model()
    with pytest.raises(KeyError, match=r"unknown var_names \['z'\]"):
        pg.sample_prior_predictive(draws=5, var_names=["z"], model=m)
    with pytest.raises(TypeError, match="list of names"):
        pg.sample_prior_predictive(draws=5, var_names="mu", model=m)
    with pytest.raises(KeyError, match=r"no draws of \['mu'\]"):
        pg.sample_posterior_predictive({"scale": np.ones((2, 3))}, model=m)
    with pytest.raises(TypeError, match="InferenceData with a posterior"):
        pg.sample_posterior_predictive(3.0, model=m)
