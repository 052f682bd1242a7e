"""Densities of invertible functions of one random variable, against SciPy's
densities of the transformed families (and the change-of-variables formula
written out with SciPy where SciPy has no such family)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.errors import ParameterValueError
from tests.helpers import compare_grad, compare_jax_and_py

MU, SIGMA = 0.5, 1.3
VALUES = np.array([-3.0, -0.7, 0.0, 0.4, 1.7, 6.0])


def _normal() -> Any:
    return pg.Normal.dist(MU, SIGMA)


def _reciprocal(v: np.ndarray) -> np.ndarray:
    # y = 3 / x: p(y) = p_x(3 / y) * 3 / y**2
    with np.errstate(divide="ignore"):
        return st.norm(MU, SIGMA).logpdf(3.0 / v) + np.log(3.0) - 2 * np.log(np.abs(v))


CASES: dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray], np.ndarray]]] = {
    "exp": (pt.exp, st.lognorm(SIGMA, scale=np.exp(MU)).logpdf),
    "a*x+b": (lambda x: 2.5 * x + 1.0, st.norm(2.5 * MU + 1.0, 2.5 * SIGMA).logpdf),
    "x+b": (lambda x: x + 4.0, st.norm(MU + 4.0, SIGMA).logpdf),
    "b+x": (lambda x: 4.0 + x, st.norm(MU + 4.0, SIGMA).logpdf),
    "x*a": (lambda x: x * -3.0, st.norm(-3.0 * MU, 3.0 * SIGMA).logpdf),
    "x-b": (lambda x: x - 2.0, st.norm(MU - 2.0, SIGMA).logpdf),
    "b-x": (lambda x: 2.0 - x, st.norm(2.0 - MU, SIGMA).logpdf),
    "-x": (lambda x: -x, st.norm(-MU, SIGMA).logpdf),
    "x/a": (lambda x: x / 4.0, st.norm(MU / 4.0, SIGMA / 4.0).logpdf),
    "a/x": (lambda x: 3.0 / x, _reciprocal),
    "exp(a*x+b)": (
        lambda x: pt.exp(0.5 * x - 1.0),
        st.lognorm(0.5 * SIGMA, scale=np.exp(0.5 * MU - 1.0)).logpdf,
    ),
    "log(exp(x))": (lambda x: pt.log(pt.exp(x)), st.norm(MU, SIGMA).logpdf),
}


@pytest.mark.parametrize("name", list(CASES))
def test_logp_matches_scipy(name: str) -> None:
    build, oracle = CASES[name]
    v = pt.vector("v")
    with np.errstate(divide="ignore", invalid="ignore"):
        want = oracle(VALUES)
    want = np.where(np.isnan(want), -np.inf, want)
    compare_jax_and_py([v], pg.logp(build(_normal()), v), [VALUES], want, rtol=1e-10, atol=1e-12)


def test_exp_of_normal_is_lognormal_at_the_support_edge() -> None:
    v = pt.vector("v")
    got = pg.logp(pt.exp(pg.Normal.dist(0.0, 1.0)), v).eval({v: [-1.0, 0.0, np.inf, np.nan]})
    np.testing.assert_array_equal(got, [-np.inf] * 4)


def test_log_of_a_positive_variable() -> None:
    # y = log x, x ~ HalfNormal(2): p(y) = p_x(e^y) e^y
    v = pt.vector("v")
    want = st.halfnorm(scale=2.0).logpdf(np.exp(VALUES)) + VALUES
    compare_jax_and_py([v], pg.logp(pt.log(pg.HalfNormal.dist(2.0)), v), [VALUES], want)


def test_batched_scale_and_shift() -> None:
    a, b = np.array([1.0, -2.0, 0.5]), np.array([0.0, 1.0, -1.0])
    x = pg.Normal.dist(np.array([0.0, 1.0, 2.0]), 1.5)
    v = pt.vector("v")
    want = st.norm(a * np.array([0.0, 1.0, 2.0]) + b, np.abs(a) * 1.5).logpdf(VALUES[:3])
    y = pt.constant(a) * x + b  # (a NumPy array on the left of * is NumPy's business)
    compare_jax_and_py([v], pg.logp(y, v), [VALUES[:3]], want)


def test_symbolic_parameters_and_gradients() -> None:
    mu, sigma, a, v = pt.scalar("mu"), pt.scalar("sigma"), pt.scalar("a"), pt.vector("v")
    y = pt.exp(a * pg.Normal.dist(mu, sigma))
    out = pg.logp(y, v)
    vals = [0.3, 0.8, 1.5, np.array([0.5, 1.0, 2.5])]

    def oracle(mu_: Any, sigma_: Any, a_: Any, v_: Any) -> Any:
        return st.lognorm(a_ * sigma_, scale=np.exp(a_ * mu_)).logpdf(v_)

    compare_jax_and_py([mu, sigma, a, v], out, vals, oracle)
    compare_grad([mu, sigma, a, v], out, vals, oracle, eager=False)


def test_discrete_shift_and_negation() -> None:
    x = pg.Poisson.dist(3.0)
    v = pt.vector("v", dtype="int64")
    k = np.arange(-2, 8)
    got = pg.logp(5 - (x + 2), v).eval({v: k})  # 5 - (x + 2) = 3 - x
    with np.errstate(divide="ignore"):
        want = st.poisson(3.0).logpmf(3 - k)
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_a_discrete_variable_has_no_scaled_density() -> None:
    with pytest.raises(NotImplementedError, match="discrete"):
        pg.logp(2.0 * pg.Poisson.dist(3.0), 4.0)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda x, z: x + z, "2 random operands"),
        (lambda x, z: x * pt.vector("b"), "not invertible"),
        (lambda x, z: pt.sin(x), "not an invertible step"),
        (lambda x, z: pt.sum(pg.Normal.dist(0.0, 1.0, size=2)), "not an invertible step"),
    ],
)
def test_not_invertible_is_refused(build: Callable[..., Any], match: str) -> None:
    x, z = pg.Normal.dist(0.0, 1.0), pg.Normal.dist(1.0, 1.0)
    with pytest.raises(NotImplementedError, match=match):
        pg.logp(build(x, z), 0.5)


def test_a_graph_without_random_variables_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="no random variable"):
        pg.logp(pt.exp(pt.scalar("x")), 0.5)


def test_checks_of_the_base_variable_stay_at_the_root() -> None:
    sigma = pt.scalar("sigma")
    y = pt.exp(pg.Normal.dist(0.0, sigma))
    y.name = "y"
    out = pg.logp(y, 1.5)
    assert out.name == "y_logprob"
    assert str(out.owner.op) == "Check{sigma > 0}"
    f = pg.function([sigma], out)
    assert np.isclose(f(2.0), st.lognorm(2.0).logpdf(1.5))
    with pytest.raises(ParameterValueError, match="y: sigma > 0"):
        f(-1.0)
    assert pg.function([sigma], out, check_mode="-inf")(-1.0) == -np.inf


def test_draws_of_a_derived_variable() -> None:
    y = pt.exp(pg.Normal.dist(MU, SIGMA))
    draws = pg.draw(y, draws=4000, random_seed=3)
    assert st.kstest(draws, st.lognorm(SIGMA, scale=np.exp(MU)).cdf).pvalue > 0.01


def test_multivariate_jacobian_sums_over_the_core_dims() -> None:
    cov, mu = np.array([[1.0, 0.3], [0.3, 2.0]]), np.array([0.5, -1.0])
    a, vals = np.array([2.0, -0.5]), np.array([0.2, 0.7])
    x = pg.MvNormal.dist(mu, cov)
    v = pt.vector("v")
    outs = [pg.logp(pt.constant(a) * x - 1.0, v), pg.logp(pt.exp(x), v)]
    want = [
        st.multivariate_normal(a * mu - 1.0, np.outer(a, a) * cov).logpdf(vals),
        st.multivariate_normal(mu, cov).logpdf(np.log(vals)) - np.log(vals).sum(),
    ]
    got = pg.function([v], outs)(vals)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert pg.logp(pt.exp(x), v).eval({v: np.array([-1.0, 2.0])}) == -np.inf
