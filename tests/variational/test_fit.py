"""pg.fit against exact Gaussian posteriors (closed forms computed with NumPy).

For a Gaussian posterior N(m, S) the optimal full-rank Gaussian is N(m, S)
itself, and the optimal mean-field Gaussian has mean m and variances
1 / (S^-1)_ii (the conditional variances), so both families have exact answers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ppgraph as pg
import ppgraph.tensor as pt
from tests.sampling.models import eight_schools

pytest.importorskip("optax")

RNG = np.random.default_rng(42)
X = np.column_stack([np.ones(30), RNG.normal(size=30), RNG.normal(size=30)])
X[:, 2] += 0.8 * X[:, 1]  # correlated columns: a correlated posterior
BETA = np.array([0.5, -1.0, 2.0])
NOISE, PRIOR = 0.7, 3.0
Y = X @ BETA + RNG.normal(scale=NOISE, size=30)


def regression() -> pg.Model:
    with pg.Model() as m:
        beta = pg.Normal("beta", 0.0, PRIOR, shape=3)
        pg.Normal("y", pt.dot(X, beta), NOISE, observed=Y)
    return m


def exact() -> tuple[np.ndarray, np.ndarray]:
    precision = X.T @ X / NOISE**2 + np.eye(3) / PRIOR**2
    cov = np.linalg.inv(precision)
    return cov @ (X.T @ Y / NOISE**2), cov


@pytest.fixture(scope="module")
def fits() -> dict[str, Any]:
    m = regression()
    return {meth: pg.fit(n=8000, method=meth, model=m, random_seed=3, progressbar=False)
            for meth in ["advi", "fullrank_advi", "pathfinder"]}  # fmt: skip


def test_fullrank_recovers_mean_and_covariance(fits: dict[str, Any]) -> None:
    mean, cov = exact()
    approx = fits["fullrank_advi"]
    sd = np.sqrt(np.diag(cov))
    np.testing.assert_allclose(approx.mean, mean, atol=0.1 * sd.min())
    np.testing.assert_allclose(approx.std, sd, rtol=0.1)
    corr = approx.cov[1, 2] / np.sqrt(approx.cov[1, 1] * approx.cov[2, 2])
    assert corr == pytest.approx(cov[1, 2] / (sd[1] * sd[2]), abs=0.05)


def test_mean_field_recovers_mean_and_conditional_sds(fits: dict[str, Any]) -> None:
    mean, cov = exact()
    approx = fits["advi"]
    conditional_sd = 1.0 / np.sqrt(np.diag(np.linalg.inv(cov)))
    np.testing.assert_allclose(approx.mean, mean, atol=0.1 * conditional_sd.min())
    np.testing.assert_allclose(approx.std, conditional_sd, rtol=0.1)
    assert approx.hist.shape == (8000,) and np.all(np.isfinite(approx.hist))
    # the loss goes down: the last steps average below the first ones
    assert approx.hist[-500:].mean() < approx.hist[:50].mean()


def test_pathfinder_draws_match_the_posterior(fits: dict[str, Any]) -> None:
    mean, cov = exact()
    draws = fits["pathfinder"].sample(4000, random_seed=0).posterior["beta"].values[0]
    sd = np.sqrt(np.diag(cov))
    np.testing.assert_allclose(draws.mean(0), mean, atol=0.15 * sd.min())
    np.testing.assert_allclose(draws.std(0), sd, rtol=0.15)


def test_normal_mean_with_known_variance() -> None:
    y = np.random.default_rng(0).normal(1.0, 1.0, size=20)
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 10.0)
        pg.Normal("y", mu, 1.0, observed=y)
    precision = 1 / 100 + 20
    for method in ["advi", "fullrank_advi"]:
        approx = pg.fit(n=5000, method=method, model=m, random_seed=1, progress_bar=False)
        assert float(approx.mean[0]) == pytest.approx(y.sum() / precision, abs=0.03)
        assert float(approx.std[0]) == pytest.approx(precision**-0.5, rel=0.05)


def test_sample_is_constrained_with_deterministics() -> None:
    with pg.Model():
        s = pg.HalfNormal("s", 1.0)
        pg.Deterministic("twice", 2.0 * s)
        pg.Normal("y", 0.0, s, observed=[0.5, -0.3, 1.2])
        approx = pg.fit(n=2000, random_seed=0, progressbar=False)
    idata = approx.sample(300, random_seed=2)
    post = idata.posterior
    assert post["s"].shape == (1, 300) and float(post["s"].min()) > 0
    np.testing.assert_allclose(post["twice"], 2.0 * post["s"], rtol=1e-12)
    raw = approx.sample(10, random_seed=2, return_inferencedata=False)
    assert set(raw) == {"s", "twice"}


@pytest.mark.slow
def test_eight_schools_completes_without_nan() -> None:
    m = eight_schools()
    for method in ["advi", "fullrank_advi"]:
        approx = pg.fit(n=3000, method=method, model=m, random_seed=0, progressbar=False)
        assert np.all(np.isfinite(approx.hist))
        post = approx.sample(200, random_seed=0).posterior
        assert np.all(np.isfinite(post["theta"].values))
        assert float(post["tau"].min()) > 0


def test_divergence_names_the_step() -> None:
    optax = pytest.importorskip("optax")
    with pg.Model() as m:
        s = pg.HalfNormal("s", 1.0)
        pg.Normal("y", 0.0, s, observed=[0.5, -0.3])
    with pytest.raises(pg.FitError, match=r"not finite at step \d+"):
        pg.fit(n=500, model=m, obj_optimizer=optax.sgd(1e6), progressbar=False)


def test_bad_arguments() -> None:
    m = regression()
    with pytest.raises(ValueError, match="unknown method 'svgd'"):
        pg.fit(method="svgd", model=m)
    with pytest.raises(ValueError, match="n must be a positive int"):
        pg.fit(n=0, model=m)
    with pg.Model() as empty:
        pg.Normal("y", 0.0, 1.0, observed=[0.0])
    with pytest.raises(ValueError, match="no free random variables"):
        pg.fit(model=empty)


def test_sample_init_advi_starts_chains_from_the_fit() -> None:
    """PyMC's init="advi": chains start at draws of an ADVI fit, here of a
    posterior away from the prior's initial point (mean 10, sd 0.2)."""
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 100.0)
        pg.Normal("y", mu, 1.0, observed=np.full(25, 10.0))
    import jax

    from ppgraph.sampling.sample_kwargs import SampleOptions
    from ppgraph.variational.start import advi_start

    start = advi_start(m, 4, jax.random.key(0), 5000)
    assert start["mu"].shape == (4,)
    np.testing.assert_allclose(start["mu"], 10.0, atol=1.0)
    assert SampleOptions().advi_init is False
    with m:
        idata = pg.sample(draws=200, tune=200, chains=2, init="advi+adapt_diag", n_init=5000,
                          random_seed=1, progressbar=False,
                          compute_convergence_checks=False)  # fmt: skip
    assert float(idata.posterior["mu"].mean()) == pytest.approx(10.0 * 25 / (25 + 1e-4), abs=0.1)
