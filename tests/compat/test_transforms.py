"""Transforms the PyMC way: ``pm.distributions.transforms`` instances as
``transform=`` (on top of the default, as PyMC 5 does) and
``default_transform=``; value-variable names as PyMC gives them, and the
log-density against scipy plus each Jacobian written by hand."""

from __future__ import annotations

from types import ModuleType

import numpy as np
from scipy import stats
from scipy.special import expit, softmax

import ppgraph as pm

tr = pm.distributions.transforms


def build(pm: ModuleType = pm) -> pm.Model:
    """The model file; ``pm`` is ppgraph or PyMC."""
    tr = pm.distributions.transforms
    with pm.Model() as model:
        pm.HalfNormal("s", sigma=1.0, shape=2, transform=tr.ordered)  # log, then ordered
        pm.Normal("x", 0.0, 1.0, transform=tr.Interval(-1.0, 2.0))
        pm.Beta("p", 2.0, 3.0, default_transform=None)
        pm.VonMises("c", mu=0.0, kappa=2.0)
        pm.Dirichlet("w", a=np.array([1.0, 2.0, 3.0]))
        pm.Exponential("e", 1.5, default_transform=tr.log_exp_m1)
    return model


def test_value_names_as_pymc() -> None:
    names = [v.name for v in build().value_vars]
    assert names == ["s_chain__", "x_interval__", "p", "c_circular__", "w_simplex__",
                     "e_log_exp_m1__"]  # fmt: skip


def test_logp_against_scipy() -> None:
    model = build()
    point = {
        "s_chain__": np.array([-0.3, 0.4]),
        "x_interval__": np.array(0.7),
        "p": np.array(0.35),
        "c_circular__": np.array(0.9),
        "w_simplex__": np.array([0.2, -0.5]),
        "e_log_exp_m1__": np.array(-0.2),
    }
    # s: x = exp(ordered backward(y)), y0 free, y1 the log-gap
    y = point["s_chain__"]
    inner = np.array([y[0], y[0] + np.exp(y[1])])
    s = np.exp(inner)
    want = stats.halfnorm.logpdf(s).sum() + inner.sum() + y[1]
    u = expit(0.7)
    x = -1.0 + 3.0 * u
    want += stats.norm.logpdf(x) + np.log(3.0 * u * (1 - u))
    want += stats.beta(2.0, 3.0).logpdf(0.35)
    want += stats.vonmises(2.0).logpdf(0.9)
    z = point["w_simplex__"]
    full = np.r_[z, -z.sum()]
    w = softmax(full)
    jac = np.linalg.slogdet(_simplex_jacobian(z))[1]
    want += stats.dirichlet([1.0, 2.0, 3.0]).logpdf(w) + jac
    e = np.log1p(np.exp(-0.2))
    want += stats.expon(scale=1 / 1.5).logpdf(e) + np.log(expit(-0.2))
    np.testing.assert_allclose(model.compile_logp()(point), want, rtol=1e-10)


def _simplex_jacobian(z: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d w[:-1] / dz by central differences of the softmax of (z, -sum z)."""

    def w(v: np.ndarray) -> np.ndarray:
        return softmax(np.r_[v, -v.sum()])[:-1]

    cols = [(w(z + h * e) - w(z - h * e)) / (2 * h) for e in np.eye(len(z))]
    return np.stack(cols, axis=1)


def test_initval_in_the_initial_point() -> None:
    with pm.Model() as model:
        pm.HalfNormal("sigma", 1.0, initval=2.0)
        pm.Normal("mu", 0.0, 1.0, shape=3, transform=tr.ordered, initval=[-1.0, 0.5, 3.0])
    start = model.initial_point()
    np.testing.assert_allclose(start["sigma_log__"], np.log(2.0))
    np.testing.assert_allclose(start["mu_ordered__"], [-1.0, np.log(1.5), np.log(2.5)])


def test_a_transform_that_does_not_fit_names_the_variable() -> None:
    import pytest

    with pm.Model(), pytest.raises(ValueError, match="scalar_cut: the ordered transform"):
        pm.Normal("scalar_cut", 0.0, 1.0, transform=tr.ordered)


def test_dirichlet_starts_at_its_mean() -> None:
    # PyMC's support point a / sum(a); the simplex transform's forward of it is
    # log(w[:-1]) - log(w[-1]) shifted so the full vector sums to zero
    with pm.Model() as model:
        pm.Dirichlet("w", a=np.array([1.0, 2.0, 3.0]))
    w = np.array([1.0, 2.0, 3.0]) / 6.0
    z = np.log(w) - np.log(w).mean()
    np.testing.assert_allclose(model.initial_point()["w_simplex__"], z[:-1], rtol=1e-12)
