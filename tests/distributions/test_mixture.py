"""Mixture and NormalMixture against NumPy's logsumexp of SciPy's component
densities; draws against the mixture cdf (KS) with fixed seeds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.stats as st
from scipy.special import logsumexp

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.errors import ParameterValueError
from tests.helpers import compare_grad, compare_jax_and_py

W = np.array([0.2, 0.5, 0.3])
MU = np.array([-2.0, 0.5, 3.0])
SIGMA = np.array([0.7, 1.0, 2.0])
VALUES = np.array([-40.0, -2.5, 0.0, 0.3, 2.9, 8.0, 35.0])


def mixture_logpdf(v: Any, w: Any = W, mu: Any = MU, sigma: Any = SIGMA) -> Any:
    v = np.asarray(v)[..., None]
    return logsumexp(np.log(w) + st.norm(mu, sigma).logpdf(v), axis=-1)


def mixture_cdf(v: Any) -> Any:
    return np.sum(W * st.norm(MU, SIGMA).cdf(np.asarray(v)[..., None]), axis=-1)


def as_list() -> Any:
    return pg.Mixture.dist(W, [pg.Normal.dist(m, s) for m, s in zip(MU, SIGMA, strict=True)])


def as_batch() -> Any:
    return pg.Mixture.dist(W, pg.Normal.dist(MU, SIGMA))


def as_normal_mixture() -> Any:
    return pg.NormalMixture.dist(W, MU, sigma=SIGMA)


def as_tau() -> Any:
    return pg.NormalMixture.dist(W, MU, tau=SIGMA**-2)


FORMS = {"list": as_list, "batched": as_batch, "NormalMixture": as_normal_mixture, "tau": as_tau}


@pytest.mark.parametrize("form", list(FORMS))
def test_logp_and_logcdf_match_scipy(form: str) -> None:
    x = FORMS[form]()
    v = pt.vector("v")
    # The logcdf comes from each component's log_ndtr: exact in the far left tail,
    # where SciPy's sum of cdfs underflows.
    want_cdf = logsumexp(np.log(W) + st.norm(MU, SIGMA).logcdf(VALUES[:, None]), axis=-1)
    want = [mixture_logpdf(VALUES), want_cdf]
    compare_jax_and_py([v], [pg.logp(x, v), pg.logcdf(x, v)], [VALUES], want, rtol=1e-10)


def test_far_tail_logcdf_is_finite() -> None:
    # log(sum_i w_i F_i(-40)) from each component's log_ndtr, no underflow.
    want = logsumexp(np.log(W) + st.norm(MU, SIGMA).logcdf(-40.0))
    got = pg.logcdf(as_list(), -40.0).eval()
    np.testing.assert_allclose(got, want, rtol=1e-10)


@pytest.mark.parametrize("form", ["list", "batched"])
def test_draws_follow_the_mixture(form: str) -> None:
    draws = pg.draw(FORMS[form](), draws=5000, random_seed=11)
    assert draws.shape == (5000,)
    assert st.kstest(draws, mixture_cdf).pvalue > 0.01


def test_batched_weights_and_size() -> None:
    w = np.array([[0.9, 0.1], [0.1, 0.9]])
    x = pg.NormalMixture.dist(w, np.array([-5.0, 5.0]), sigma=1.0, size=(1000, 2))
    assert x.type.shape == (1000, 2)
    draws = pg.draw(x, random_seed=2)
    np.testing.assert_allclose((draws > 0).mean(axis=0), [0.1, 0.9], atol=0.04)
    v = pt.matrix("v")
    vals = np.array([[-5.0, 5.0], [0.5, -4.0]])
    want = logsumexp(np.log(w) + st.norm([-5.0, 5.0], 1.0).logpdf(vals[..., None]), axis=-1)
    y = pg.NormalMixture.dist(w, np.array([-5.0, 5.0]), sigma=1.0)
    compare_jax_and_py([v], pg.logp(y, v), [vals], want)


def test_components_of_different_families() -> None:
    x = pg.Mixture.dist([0.4, 0.6], [pg.Normal.dist(0.0, 1.0), pg.HalfNormal.dist(2.0)])
    v = pt.vector("v")
    vals = np.array([-1.0, 0.5, 3.0])
    want = np.log(0.4 * st.norm.pdf(vals) + 0.6 * st.halfnorm(scale=2.0).pdf(vals))
    compare_jax_and_py([v], pg.logp(x, v), [vals], want)


def test_discrete_components() -> None:
    x = pg.Mixture.dist([0.3, 0.7], [pg.Geometric.dist(0.8), pg.Geometric.dist(0.2)])
    assert x.dtype == "int64"
    k = np.arange(12)
    got = pg.logp(x, pt.constant(k)).eval()
    with np.errstate(divide="ignore"):
        want = np.log(0.3 * st.geom(0.8).pmf(k) + 0.7 * st.geom(0.2).pmf(k))
    np.testing.assert_allclose(got, want, rtol=1e-10)
    draws = pg.draw(x, draws=5000, random_seed=5)
    freq = np.bincount(draws, minlength=200)[:12] / draws.size
    np.testing.assert_allclose(freq, np.exp(want), atol=0.02)


def test_gradients() -> None:
    w, mu, v = pt.vector("w"), pt.vector("mu"), pt.vector("v")
    out = pg.logp(pg.NormalMixture.dist(w, mu, sigma=SIGMA), v)
    vals = [W, MU, VALUES[1:-1]]

    def oracle(w_: Any, mu_: Any, v_: Any) -> Any:
        return mixture_logpdf(v_, w=w_, mu=mu_)

    compare_grad([w, mu, v], out, vals, oracle, eager=False)


def test_weights_are_checked() -> None:
    w = pt.vector("w")
    x = pg.NormalMixture.dist(w, MU, sigma=SIGMA)
    x.name = "x"
    out = pg.logp(x, 0.3)
    f = pg.function([w], out)
    np.testing.assert_allclose(f(W), mixture_logpdf(0.3))
    with pytest.raises(ParameterValueError, match=r"x: 0 <= w <= 1, sum\(w\) == 1"):
        f(np.array([0.5, 0.6, 0.3]))
    assert pg.function([w], out, check_mode="-inf")(np.array([0.5, 0.6, 0.3])) == -np.inf


def test_a_bad_component_is_not_lost_in_the_sum() -> None:
    s = pt.scalar("s")
    x = pg.Mixture.dist([0.5, 0.5], [pg.Normal.dist(0.0, 1.0), pg.Normal.dist(0.0, s)])
    out = pg.logp(x, 0.3)
    with pytest.raises(ParameterValueError, match="sigma > 0"):
        pg.function([s], out)(-1.0)
    assert pg.function([s], out, check_mode="-inf")(-1.0) == -np.inf
    with pytest.raises(ParameterValueError, match="is NaN"):
        pg.function([s], out)(np.nan)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="mixture axis"):
        pg.Mixture.dist(0.5, pg.Normal.dist(0.0, 1.0))
    with pytest.raises(ValueError, match="mixture axis last"):
        pg.Mixture.dist([0.5, 0.5], pg.Normal.dist(0.0, 1.0))
    with pytest.raises(ValueError, match="disagree on the mixture axis"):
        pg.Mixture.dist(W, [pg.Normal.dist(0.0, 1.0), pg.Normal.dist(1.0, 1.0)])
    with pytest.raises(TypeError, match="different dtypes"):
        pg.Mixture.dist([0.5, 0.5], [pg.Normal.dist(0.0, 1.0), pg.Geometric.dist(0.5)])
    with pytest.raises(NotImplementedError, match="scalars with scalar parameters"):
        pg.Mixture.dist([0.5, 0.5], [pg.MvNormal.dist(np.zeros(2), np.eye(2))] * 2)
    with pytest.raises(TypeError, match=r"list of \.dist variables"):
        pg.Mixture.dist([0.5, 0.5], "normal")


def test_batched_component_of_unknown_length() -> None:
    mu, v = pt.vector("mu"), pt.vector("v")
    x = pg.NormalMixture.dist(W, mu, sigma=1.5)  # sigma broadcasts along the mixture axis
    vals = VALUES[1:-1]
    compare_jax_and_py([mu, v], pg.logp(x, v), [MU, vals], mixture_logpdf(vals, sigma=1.5))
    with pytest.raises(ValueError, match="disagree on the mixture axis"):
        pg.NormalMixture.dist(W, [0.0, 1.0], sigma=1.0)


def test_in_a_model_the_components_shared_transform_is_used() -> None:
    with pg.Model() as model:
        x = pg.Mixture("x", [0.4, 0.6], [pg.HalfNormal.dist(1.0), pg.Exponential.dist(2.0)])
        y = pg.NormalMixture("y", [0.4, 0.6], [0.0, 1.0], sigma=1.0)
    assert model.rvs_to_values[x].name == "x_log__"
    assert model.rvs_to_values[y].name == "y"
    got = model.compile_logp(vars=[x])({"x_log__": 0.2, "y": 0.5})
    v = np.exp(0.2)
    want = np.log(0.4 * st.halfnorm.pdf(v) + 0.6 * st.expon(scale=0.5).pdf(v)) + 0.2
    np.testing.assert_allclose(got, want)
