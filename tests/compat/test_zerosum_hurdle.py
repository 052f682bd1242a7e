"""Two model files written the PyMC way (``import ppgraph as pm``): a hierarchical
regression whose group effects are a ZeroSumNormal next to an intercept (as
PyMC's docs recommend), and a hurdle count regression. Each model's logp at a
point against scipy densities summed by hand."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import scipy.special as sp
from scipy import stats

import ppgraph as pm

RNG = np.random.default_rng(42)
GROUPS = ["north", "south", "east", "west"]
GROUP_IDX = RNG.integers(0, 4, size=30)
Y = RNG.normal(1.0, 1.0, size=30) + np.array([0.5, -0.2, 0.1, -0.4])[GROUP_IDX]

X = RNG.normal(size=40)
COUNTS = np.where(RNG.uniform(size=40) < 0.4, 0, RNG.poisson(np.exp(0.5 + 0.3 * X)) + 1)


def _zerosum(y: np.ndarray) -> np.ndarray:
    """PyMC's zerosum backward transform, written out: (y, c - s/sqrt n) - c,
    c = s / (n + sqrt n), s = sum(y)."""
    n = y.size + 1
    s, rt = y.sum(), np.sqrt(n)
    c = s / (n + rt)
    return np.r_[y, c - s / rt] - c


def zerosum_model(pm: ModuleType = pm) -> pm.Model:
    """The hierarchical regression; ``pm`` is ppgraph or PyMC."""
    with pm.Model(coords={"group": GROUPS}) as model:
        intercept = pm.Normal("intercept", mu=0, sigma=5)
        sigma_group = pm.HalfNormal("sigma_group", sigma=1)
        group_effect = pm.ZeroSumNormal("group_effect", sigma=sigma_group, dims="group")
        sigma = pm.HalfNormal("sigma", sigma=2)
        mu = intercept + group_effect[GROUP_IDX]
        pm.Normal("y", mu=mu, sigma=sigma, observed=Y)
    return model


def hurdle_model(pm: ModuleType = pm) -> pm.Model:
    """The hurdle count regression; ``pm`` is ppgraph or PyMC."""
    with pm.Model() as model:
        beta0 = pm.Normal("beta0", mu=0, sigma=2)
        beta1 = pm.Normal("beta1", mu=0, sigma=2)
        psi = pm.Beta("psi", alpha=2, beta=2)
        mu = pm.math.exp(beta0 + beta1 * X)
        pm.HurdlePoisson("counts", psi=psi, mu=mu, observed=COUNTS)
    return model


def test_hierarchical_zero_sum_model() -> None:
    model = zerosum_model()
    assert [v.name for v in model.value_vars] == [
        "intercept",
        "sigma_group_log__",
        "group_effect_zerosum__",
        "sigma_log__",
    ]
    point = {
        "intercept": np.array(0.9),
        "sigma_group_log__": np.array(np.log(0.6)),
        "group_effect_zerosum__": np.array([0.4, -0.3, 0.2]),
        "sigma_log__": np.array(np.log(1.1)),
    }
    effect = _zerosum(point["group_effect_zerosum__"])
    # ZeroSumNormal: N(0, sigma^2 (I - 1/n)) on the zero-sum hyperplane (scipy's
    # singular normal measures density on the covariance's range)
    cov = 0.6**2 * (np.eye(4) - 1 / 4)
    want = (
        stats.norm(0, 5).logpdf(0.9)
        + stats.halfnorm(scale=1).logpdf(0.6)
        + np.log(0.6)
        + stats.multivariate_normal(np.zeros(4), cov, allow_singular=True).logpdf(effect)
        + stats.halfnorm(scale=2).logpdf(1.1)
        + np.log(1.1)
        + stats.norm(0.9 + effect[GROUP_IDX], 1.1).logpdf(Y).sum()
    )
    np.testing.assert_allclose(model.compile_logp()(point), want, rtol=1e-10)
    np.testing.assert_allclose(model.initial_point()["group_effect_zerosum__"], np.zeros(3))


def test_hurdle_poisson_regression() -> None:
    model = hurdle_model()
    point = {
        "beta0": np.array(0.4),
        "beta1": np.array(0.25),
        "psi_logodds__": np.array(sp.logit(0.55)),
    }
    rate = np.exp(0.4 + 0.25 * X)
    # hurdle: P(0) = 1 - psi; P(k) = psi Poisson(k) / (1 - Poisson(0)) for k >= 1
    positive = np.log(0.55) + stats.poisson.logpmf(COUNTS, rate) - np.log(-np.expm1(-rate))
    counts_term = np.where(COUNTS == 0, np.log(0.45), positive).sum()
    want = (
        stats.norm(0, 2).logpdf(0.4)
        + stats.norm(0, 2).logpdf(0.25)
        + stats.beta(2, 2).logpdf(0.55)
        + np.log(0.55 * 0.45)  # the logodds Jacobian
        + counts_term
    )
    np.testing.assert_allclose(model.compile_logp()(point), want, rtol=1e-10)


def test_hurdle_gamma_prior_draws() -> None:
    with pm.Model() as model:
        psi = pm.Beta("psi", alpha=5, beta=5)
        pm.HurdleGamma("y", psi=psi, mu=2.0, sigma=1.0, shape=50)
        prior = pm.sample_prior_predictive(draws=40, random_seed=3)
    y = np.asarray(prior.prior["y"]).ravel()
    assert y.min() == 0.0 and 0.3 < (y == 0).mean() < 0.7  # zeros at about 1 - E[psi]
    assert model.value_vars[0].name == "psi_logodds__"
