"""pg.CustomDist: logp=/logcdf=/random=/support_point=, dist=, free and observed,
inside model.logp, pg.draw, the predictive functions and pg.sample; densities
against scipy.stats, draws by a KS test."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt


def normal_logp(value: Any, mu: Any, sigma: Any) -> Any:
    return -0.5 * ((value - mu) / sigma) ** 2 - pt.log(sigma) - 0.5 * np.log(2 * np.pi)


def normal_logcdf(value: Any, mu: Any, sigma: Any) -> Any:
    return pt.log_ndtr((value - mu) / sigma)


def jax_random(mu: Any, sigma: Any, rng: Any = None, size: Any = None) -> Any:
    return mu + sigma * jax.random.normal(rng, size)


def numpy_random(mu: Any, sigma: Any, rng: Any = None, size: Any = None) -> Any:
    return rng.normal(mu, sigma, size=size)  # PyMC style: a NumPy Generator


def lognormal_dist(mu: Any, sigma: Any, size: Any) -> Any:
    return pt.exp(pg.Normal.dist(mu, sigma, size=size))


Y = np.array([0.5, -0.2, 1.3])


@pytest.fixture(scope="module")
def model() -> pg.Model:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        pg.CustomDist("y", mu, 2.0, logp=normal_logp, logcdf=normal_logcdf,
                      random=jax_random, observed=Y)  # fmt: skip
        pg.CustomDist("z", mu, 1.0, logp=normal_logp, random=numpy_random, shape=2)
    return m


def test_logp_free_and_observed(model: pg.Model) -> None:
    point = {"mu": np.array(0.3), "z": np.array([0.1, -0.4])}
    want = (
        stats.norm(0, 1).logpdf(0.3)
        + stats.norm(0.3, 2.0).logpdf(Y).sum()
        + stats.norm(0.3, 1.0).logpdf([0.1, -0.4]).sum()
    )
    np.testing.assert_allclose(model.compile_logp()(point), want, rtol=1e-12)
    y = pg.CustomDist.dist(0.3, 2.0, logp=normal_logp, logcdf=normal_logcdf)
    np.testing.assert_allclose(
        pg.logcdf(y, 0.7).eval(), stats.norm(0.3, 2.0).logcdf(0.7), rtol=1e-12
    )
    assert [v.name for v in model.value_vars] == ["mu", "z"]


@pytest.mark.parametrize("random", [jax_random, numpy_random], ids=["jax", "numpy"])
def test_draws(random: Any) -> None:
    x = pg.CustomDist.dist(1.0, 2.0, random=random, size=(4,))
    d = pg.draw(x, draws=300, random_seed=1)
    assert d.shape == (300, 4) and d.dtype == np.float64
    assert stats.kstest(d.ravel(), stats.norm(1.0, 2.0).cdf).pvalue > 1e-3
    again = pg.draw(x, draws=300, random_seed=1)
    np.testing.assert_array_equal(d, again)


def test_predictive_functions(model: pg.Model) -> None:
    prior = pg.sample_prior_predictive(draws=400, model=model, random_seed=3)
    y = prior.prior_predictive["y"].values.reshape(-1, 3)
    # y ~ N(mu, 2) with mu ~ N(0, 1): marginally N(0, sqrt(5))
    assert stats.kstest(y[:, 0], stats.norm(0, np.sqrt(5)).cdf).pvalue > 1e-3
    z = prior.prior["z"].values.reshape(-1, 2)
    assert stats.kstest(z[:, 1], stats.norm(0, np.sqrt(2)).cdf).pvalue > 1e-3
    import arviz as az

    post = az.from_dict(posterior={"mu": np.full((1, 200), 5.0), "z": np.zeros((1, 200, 2))})
    pp = pg.sample_posterior_predictive(post, model=model, random_seed=4)
    y = pp.posterior_predictive["y"].values.reshape(-1, 3)
    assert stats.kstest(y[:, 2], stats.norm(5.0, 2.0).cdf).pvalue > 1e-3


@pytest.mark.slow
def test_sample_with_custom_likelihood(model: pg.Model) -> None:
    idata = pg.sample(draws=150, tune=150, chains=2, random_seed=5, progressbar=False,
                      model=model, compute_convergence_checks=False)  # fmt: skip
    mu = idata.posterior["mu"].values
    # conjugate: mu ~ N(0, 1), y ~ N(mu, 2) (z does not inform mu): posterior
    # precision 1 + 3/4, mean (sum(y) / 4) / 1.75, sd 0.76; 0.4 is ~5 standard errors
    assert abs(mu.mean() - Y.sum() / 4 / 1.75) < 0.4
    assert idata.posterior["z"].shape == (2, 150, 2)


def test_logp_of_wrong_shape_names_the_variable() -> None:
    with pg.Model(), pytest.raises(ValueError, match=r"bad: logp returned shape \(\).*\(3,\)"):
        pg.CustomDist("bad", 0.0, logp=lambda v, mu: pt.sum(v - mu), shape=3)


def test_signature_multivariate_and_support_point() -> None:
    def logp(value: Any, mu: Any) -> Any:
        return pt.sum(normal_logp(value, mu, 1.0), axis=-1)

    def support_point(rv: Any, size: Any, mu: Any) -> Any:
        return mu + 1.0

    with pg.Model() as m:
        pg.CustomDist("v", np.zeros(3), logp=logp, signature="(n)->(n)",
                      support_point=support_point, shape=(2, 3))  # fmt: skip
    np.testing.assert_array_equal(m.initial_point()["v"], np.ones((2, 3)))
    point = np.arange(6.0).reshape(2, 3) / 10
    np.testing.assert_allclose(
        m.compile_logp()({"v": point}), stats.norm.logpdf(point).sum(), rtol=1e-12
    )


def test_dist_lognormal_density_draws_and_start() -> None:
    with pg.Model() as m:
        x = pg.CustomDist("x", 0.5, 0.8, dist=lognormal_dist, shape=2,
                          transform=pg.distributions.transforms.log)  # fmt: skip
    assert [v.name for v in m.value_vars] == ["x_log__"]
    y = np.array([0.1, -0.3])
    want = stats.lognorm(0.8, scale=np.exp(0.5)).logpdf(np.exp(y)).sum() + y.sum()
    np.testing.assert_allclose(m.compile_logp()({"x_log__": y}), want, rtol=1e-12)
    # the start: the graph with its Normal at its median
    np.testing.assert_allclose(m.initial_point()["x_log__"], [0.5, 0.5], rtol=1e-12)
    d = pg.draw(x, draws=300, random_seed=2)
    assert d.shape == (300, 2)
    assert stats.kstest(d.ravel(), stats.lognorm(0.8, scale=np.exp(0.5)).cdf).pvalue > 1e-3


def test_dist_observed_and_discrete() -> None:
    def shifted(lam: Any, size: Any) -> Any:
        return pg.Poisson.dist(lam, size=size) + 2

    with pg.Model() as m:
        lam = pg.HalfNormal("lam", 3.0)
        pg.CustomDist("k", lam, dist=shifted, observed=[2, 5, 3])
    want = stats.halfnorm(0, 3).logpdf(1.5) + np.log(1.5)
    want += stats.poisson(1.5).logpmf([0, 3, 1]).sum()
    np.testing.assert_allclose(m.compile_logp()({"lam_log__": np.log(1.5)}), want, rtol=1e-12)


def test_dist_that_cannot_be_derived_is_a_clear_error() -> None:
    def two(mu: Any, size: Any) -> Any:
        return pg.Normal.dist(mu, 1.0, size=size) + pg.Normal.dist(0.0, 1.0, size=size)

    with pg.Model() as m:
        pg.CustomDist("s", 0.0, dist=two)
    with pytest.raises(NotImplementedError, match="cannot derive the density"):
        m.logp()
    assert pg.draw(m["s"], draws=5, random_seed=1).shape == (5,)


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="needs logp="):
        pg.CustomDist.dist(0.0)
    with pytest.raises(TypeError, match="not both"):
        pg.CustomDist.dist(0.0, dist=lognormal_dist, logp=normal_logp)
    with pytest.raises(TypeError, match="unknown keyword 'mu'"):
        pg.CustomDist.dist(mu=0.0, logp=normal_logp)
    with pytest.raises(NotImplementedError, match="no random="):
        pg.draw(pg.CustomDist.dist(0.0, 1.0, logp=normal_logp))


def test_float32_jit_and_density_dist_alias() -> None:
    assert pg.DensityDist is pg.CustomDist
    with pg.config.change_flags(floatX="float32"), pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 1.0)
        pg.DensityDist("y", mu, 1.0, logp=normal_logp, observed=np.float32([0.5, 1.0]))
    f = m.compile_logp()
    want = stats.norm.logpdf(0.2) + stats.norm(0.2).logpdf([0.5, 1.0]).sum()
    out = f({"mu": np.float32(0.2)})
    assert np.asarray(out).dtype == np.float32
    np.testing.assert_allclose(out, want, rtol=2e-6)
    got = jax.jit(f.jax_fn)({"mu": np.float32(0.2)})
    np.testing.assert_allclose(got, want, rtol=2e-6)


def test_dims_discrete_dtype_and_ndim_supp() -> None:
    def pois_logp(value: Any, lam: Any) -> Any:
        return pg.logp(pg.Poisson.dist(lam), value)

    def pois_random(lam: Any, rng: Any = None, size: Any = None) -> Any:
        return jax.random.poisson(rng, lam, size)

    with pg.Model(coords={"site": ["a", "b", "c"]}) as m:
        k = pg.CustomDist("k", 2.5, logp=pois_logp, random=pois_random, dtype="int64",
                          dims="site", class_name="MyPoisson")  # fmt: skip
    assert k.type.shape == (3,) and k.dtype == "int64"
    assert m.discrete_value_vars == [m.rvs_to_values[k]]
    np.testing.assert_allclose(
        m.compile_logp()({"k": np.array([0, 2, 5])}), stats.poisson(2.5).logpmf([0, 2, 5]).sum()
    )
    d = pg.draw(k, draws=400, random_seed=3)
    assert d.dtype == np.int64 and abs(d.mean() - 2.5) < 0.3

    def mv_logp(value: Any, mu: Any) -> Any:
        return pt.sum(normal_logp(value, mu, 1.0), axis=-1)

    with pg.Model() as m2:
        pg.CustomDist("v", 0.0, logp=mv_logp, ndim_supp=1, ndims_params=[0], shape=(2, 4))
    assert m2.initial_point()["v"].shape == (2, 4)


def test_initval_feeds_the_samplers_start() -> None:
    with pg.Model() as m:
        pg.HalfNormal("s", 1.0, initval=3.0)
        pg.CustomDist("c", 0.0, logp=lambda v, mu: -((v - mu) ** 2), initval=0.25)
    pos = pg.initial_positions(m, chains=2, random_seed=0, jitter=0.0)
    np.testing.assert_allclose(pos["s_log__"], np.log([3.0, 3.0]))
    np.testing.assert_allclose(pos["c"], [0.25, 0.25])


def test_random_of_the_wrong_shape_and_moment_alias() -> None:
    def bad_random(mu: Any, rng: Any = None, size: Any = None) -> Any:
        return jax.random.normal(rng, (5,))

    with pg.Model() as m:
        y = pg.CustomDist("y", 0.0, logp=lambda v, mu: -((v - mu) ** 2), random=bad_random,
                          moment=lambda rv, size, mu: mu + 2.0, shape=3)  # fmt: skip
    assert str(y).startswith("y ~ CustomDist(")
    with pytest.raises(ValueError, match=r"y: random= returned draws of shape \(5,\), expected"):
        pg.draw(y)
    np.testing.assert_array_equal(m.initial_point()["y"], [2.0, 2.0, 2.0])


def test_float32_model_stays_float32() -> None:
    def logp(value: Any, mu: Any) -> Any:  # a float64 default outside the model block
        return pg.logp(pg.Normal.dist(mu, 1.0), value)

    with pg.config.change_flags(floatX="float32"), pg.Model() as m:
        pg.CustomDist("x", 0.5, 0.8, dist=lognormal_dist)
        pg.CustomDist("y", 0.0, logp=logp, observed=np.float32([0.3]))
    f = m.compile_logp()
    out = f({"x": np.float32(1.5)})
    assert out.dtype == np.float32
    want = stats.lognorm(0.8, scale=np.exp(0.5)).logpdf(1.5) + stats.norm.logpdf(0.3)
    np.testing.assert_allclose(out, want, rtol=2e-6)
