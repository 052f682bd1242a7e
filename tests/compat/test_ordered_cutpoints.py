"""Ordered logistic regression as PyMC's docs write it: cutpoints with the
``ordered`` transform and an ``initval``; the model's log-density at a point
against scipy summed by hand (Normal priors, the ordered transform's Jacobian,
ordered-logistic probabilities from the logistic cdf)."""

from __future__ import annotations

from types import ModuleType

import numpy as np
from scipy import stats
from scipy.special import expit

import ppgraph

RNG = np.random.default_rng(42)
X = RNG.normal(size=30)
Y = RNG.integers(0, 4, size=30)


def build(pm: ModuleType = ppgraph) -> ppgraph.Model:
    """The model file; ``pm`` is ppgraph or PyMC."""
    with pm.Model(coords={"cut": range(3)}) as model:
        beta = pm.Normal("beta", mu=0.0, sigma=2.0)
        cutpoints = pm.Normal(
            "cutpoints",
            mu=np.array([-1.0, 0.0, 1.0]),
            sigma=5.0,
            dims="cut",
            transform=pm.distributions.transforms.ordered,
            initval=np.array([-2.0, 0.0, 2.0]),
        )
        pm.OrderedLogistic("y", eta=beta * X, cutpoints=cutpoints, observed=Y)
    return model


def oracle(beta: float, raw: np.ndarray) -> float:
    cut = np.cumsum(np.r_[raw[0], np.exp(raw[1:])])  # ordered: y0, then log-gaps
    total = stats.norm(0, 2).logpdf(beta) + stats.norm([-1.0, 0.0, 1.0], 5.0).logpdf(cut).sum()
    total += raw[1:].sum()  # log|J| of the ordered transform
    cdf = np.c_[np.ones(30), expit(beta * X[:, None] - cut[None, :]), np.zeros(30)]
    probs = cdf[np.arange(30), Y] - cdf[np.arange(30), Y + 1]
    return float(total + np.log(probs).sum())


def test_value_variables_and_initial_point() -> None:
    model = build()
    assert [v.name for v in model.value_vars] == ["beta", "cutpoints_ordered__"]
    start = model.initial_point()
    np.testing.assert_allclose(start["cutpoints_ordered__"], [-2.0, np.log(2.0), np.log(2.0)])


def test_logp_against_scipy() -> None:
    model = build()
    f = model.compile_logp()
    for beta, raw in [(0.3, np.array([-1.5, 0.2, -0.4])), (-1.0, np.array([0.5, 1.0, 0.0]))]:
        got = f({"beta": np.array(beta), "cutpoints_ordered__": raw})
        np.testing.assert_allclose(got, oracle(beta, raw), rtol=1e-10)
