"""Imputation against PyMC itself (the ``oracle`` extra): the same model with
missing observed values built in ppgraph and in PyMC has the same free,
observed and value variables, by name and shape, and the same log-density,
term by term, at the same point.

One model holds every case: NaN in a univariate observation, a positive family
(its imputed entries get the family's transform, ``s_unobserved_log__``), a
masked count series, an ``MvNormal`` with whole rows missing and one with rows
partly missing (PyMC's ``PartialObservedRV``).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg

Y = np.array([0.3, np.nan, 1.1, 0.8, np.nan])
S = np.array([0.5, np.nan, 2.0])
D = np.ma.masked_array([4, 5, -999, 3], mask=[0, 0, 1, 0])
COV = np.array([[1.0, 0.6], [0.6, 2.0]])
WHOLE = np.array([[0.5, 1.0], [np.nan, np.nan], [1.5, -1.0]])
PART = np.array([[0.5, 1.0], [np.nan, 0.3], [1.5, np.nan], [np.nan, np.nan]])


def _build(lib: Any) -> Any:
    with lib.Model() as m:
        mu = lib.Normal("mu", 0.0, 2.0)
        lib.Normal("y", mu, 0.5, observed=Y)
        lib.HalfNormal("s", 1.5, observed=S)
        rate = lib.Exponential("rate", 1.0)
        lib.Poisson("d", rate, observed=D)
        lib.MvNormal("v", mu=np.array([1.0, -1.0]), cov=COV, observed=WHOLE)
        lib.MvNormal("w", mu=mu * np.ones(2), cov=COV, observed=PART)
    return m


POINT = {
    "mu": 0.4,
    "y_unobserved": np.array([0.2, 1.7]),
    "s_unobserved_log__": np.array([-0.3]),
    "rate_log__": np.log(3.0),
    "d_unobserved": np.array([6]),
    "v_unobserved": np.array([[0.1, -0.4]]),
    "w_unobserved": np.array([0.2, -0.5, 1.0, 0.7]),
}


@pytest.fixture(scope="module")
def both() -> tuple[Any, pg.Model, dict[str, float]]:
    pymc = pytest.importorskip("pymc")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn ImputationWarning; PyMC more besides
        pm_model, pg_model = _build(pymc), _build(pg)
        terms = pm_model.compile_logp(sum=False)(POINT)
    # PyMC's terms come in the order free RVs, then observed RVs
    names = [rv.name for rv in [*pm_model.free_RVs, *pm_model.observed_RVs]]
    return pm_model, pg_model, {n: float(np.sum(t)) for n, t in zip(names, terms, strict=True)}


def _described(model: Any) -> dict[str, list[Any]]:
    return {
        "free": [v.name for v in model.free_RVs],
        "observed": [v.name for v in model.observed_RVs],
        "deterministics": [v.name for v in model.deterministics],
        "values": [v.name for v in model.value_vars],
    }


@pytest.mark.slow
def test_same_variables_as_pymc(both: Any) -> None:
    pm_model, pg_model, _ = both
    assert _described(pg_model) == _described(pm_model)
    pm_start, pg_start = pm_model.initial_point(), pg_model.initial_point()
    assert {k: np.shape(v) for k, v in pg_start.items()} == {
        k: np.shape(v) for k, v in pm_start.items()
    }


@pytest.mark.slow
def test_same_logp_term_by_term(both: Any) -> None:
    _, pg_model, pm_terms = both
    rvs = [*pg_model.free_RVs, *pg_model.observed_RVs]
    terms = pg_model.compile_logp(vars=rvs, sum=False)(POINT)
    ours = {str(rv.name): float(np.sum(t)) for rv, t in zip(rvs, terms, strict=True)}
    assert ours.keys() == pm_terms.keys()
    # rtol 1e-7: PyTensor keeps some constants in float32 (DESIGN.md); ours match scipy
    for name, value in pm_terms.items():
        np.testing.assert_allclose(ours[name], value, rtol=1e-7, err_msg=name)
    # where they differ most, ours is scipy's (log-Jacobian of exp included)
    s_value = np.exp(POINT["s_unobserved_log__"])
    want = st.halfnorm(scale=1.5).logpdf(s_value).sum() + POINT["s_unobserved_log__"].sum()
    np.testing.assert_allclose(ours["s_unobserved"], want, rtol=1e-13)
    np.testing.assert_allclose(pg_model.compile_logp()(POINT), sum(pm_terms.values()), rtol=1e-7)
