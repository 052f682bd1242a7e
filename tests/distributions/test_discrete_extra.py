"""DiracDelta, OrderedMultinomial, and what the shared ``discrete_table`` tests do
not cover of OrderedProbit and DiscreteWeibull: PyMC's ``compute_p``
Deterministics, support points and float32. Oracles: scipy.stats."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sp
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt


def test_dirac_delta_int_and_float() -> None:
    k = pg.DiracDelta.dist(c=3)
    assert k.dtype == "int64"
    np.testing.assert_array_equal(pg.logp(k, np.array([2, 3, 4])).eval(), [-np.inf, 0.0, -np.inf])
    np.testing.assert_array_equal(pg.logcdf(k, np.array([2, 3, 4])).eval(), [-np.inf, 0.0, 0.0])
    np.testing.assert_array_equal(pg.draw(k, draws=4, random_seed=1), [3, 3, 3, 3])
    with pg.config.change_flags(floatX="float32"):
        x = pg.DiracDelta.dist(c=[0.5, -1.5])
        assert x.dtype == "float32"
        draws = pg.draw(x, draws=2, random_seed=1)
    assert draws.dtype == np.float32
    np.testing.assert_array_equal(draws, [[0.5, -1.5], [0.5, -1.5]])
    with pytest.raises(TypeError, match="c is required"):
        pg.DiracDelta.dist()


def test_dirac_delta_in_a_model() -> None:
    with pg.Model() as model:
        pg.DiracDelta("d", c=2.5)
        pg.DiracDelta("obs", c=4, observed=[4, 4])
    assert model.initial_point()["d"] == 2.5
    assert model.compile_logp()({"d": 2.5}) == 0.0
    assert model.compile_logp()({"d": 2.0}) == -np.inf


def _ordered_logistic_p(eta: np.ndarray, cutpoints: np.ndarray) -> np.ndarray:
    # p_k = expit(eta - c_{k-1}) - expit(eta - c_k) (PyMC's OrderedLogistic docs)
    s = sp.expit(np.asarray(eta)[..., None] - cutpoints)
    ones, zeros = np.ones_like(s[..., :1]), np.zeros_like(s[..., :1])
    return np.concatenate([ones, s], -1) - np.concatenate([s, zeros], -1)


def test_ordered_multinomial_matches_scipy() -> None:
    eta = np.array([-0.5, 1.2])
    cut = np.array([-1.0, 0.3, 2.0])
    counts = np.array([[2, 3, 4, 1], [0, 1, 5, 4]])
    rv = pg.OrderedMultinomial.dist(eta=eta, cutpoints=cut, n=10)
    p = _ordered_logistic_p(eta, cut)
    want = [stats.multinomial(10, p[i]).logpmf(counts[i]) for i in range(2)]
    np.testing.assert_allclose(pg.logp(rv, counts).eval(), want, rtol=1e-10)
    x = pg.draw(rv, draws=3000, random_seed=2)
    assert x.shape == (3000, 2, 4) and np.all(x.sum(-1) == 10)
    se = np.sqrt(10 * p * (1 - p) / 3000)
    assert np.all(np.abs(x.mean(0) - 10 * p) < 5 * se)


def test_ordered_multinomial_bad_cutpoints() -> None:
    c = pt.vector("c", shape=(2,))
    lp = pg.logp(pg.OrderedMultinomial.dist(eta=0.0, cutpoints=c, n=3), [1, 1, 1])
    with pytest.raises(pg.ParameterValueError, match="0 <= p <= 1"):
        pg.function([c], lp)([1.0, -1.0])
    with pytest.raises(ValueError, match="cutpoints"):
        pg.OrderedMultinomial.dist(eta=0.0, cutpoints=pt.vector("c"), n=3)


def test_compute_p_deterministics() -> None:
    cut = np.array([-1.0, 0.5])
    with pg.Model() as model:
        pg.OrderedProbit("y", eta=0.3, cutpoints=cut, sigma=1.5, observed=[0, 2, 1])
        pg.OrderedMultinomial("m", eta=0.3, cutpoints=cut, n=5, observed=[1, 2, 2])
        pg.OrderedProbit("quiet", eta=0.3, cutpoints=cut, compute_p=False, observed=1)
    assert [d.name for d in model.deterministics] == ["y_probs", "m_probs"]
    z = (cut - 0.3) / 1.5
    want = np.diff(np.r_[0.0, stats.norm.cdf(z), 1.0])
    np.testing.assert_allclose(model.deterministics[0].eval(), want, rtol=1e-12)
    np.testing.assert_allclose(
        model.deterministics[1].eval(), _ordered_logistic_p(np.array(0.3), cut), rtol=1e-12
    )


def test_ordered_probit_float32_and_far_tail() -> None:
    # category 0 far below eta: Phi(-12) keeps its digits in log space
    with pg.config.change_flags(floatX="float32"):
        rv = pg.OrderedProbit.dist(eta=12.0, cutpoints=[0.0, 1.0])
        got = pg.logp(rv, np.array([0, 1, 2])).eval()
    assert got.dtype == np.float32
    want = [
        stats.norm.logcdf(-12.0),
        np.log(stats.norm.sf(11.0) - stats.norm.sf(12.0)),
        stats.norm.logsf(-11.0),
    ]
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_discrete_weibull_support_point_and_float32() -> None:
    q, beta = 0.8, 1.3
    with pg.Model() as model:
        pg.DiscreteWeibull("k", q=q, beta=beta)
    k = np.arange(200)
    cdf = 1 - q ** ((k + 1.0) ** beta)  # P(X <= k), from P(X >= x) = q^(x^beta)
    assert model.initial_point()["k"] == k[np.argmax(cdf >= 0.5)]  # the median
    with pg.config.change_flags(floatX="float32"):
        got = pg.logp(pg.DiscreteWeibull.dist(q=q, beta=beta), np.array([0, 3, 9])).eval()
    assert got.dtype == np.float32
    x = np.array([0.0, 3.0, 9.0])
    np.testing.assert_allclose(got, np.log(q ** (x**beta) - q ** ((x + 1) ** beta)), rtol=1e-5)


def test_ordered_probit_support_point_is_the_mode() -> None:
    cut = np.array([-1.0, 1.0])
    with pg.Model() as model:
        pg.OrderedProbit("y", eta=[0.0, 3.0, -2.5], cutpoints=cut, compute_p=False)
    cdf = stats.norm.cdf(cut - np.array([[0.0], [3.0], [-2.5]]))
    p = np.diff(np.c_[np.zeros(3), cdf, np.ones(3)])
    np.testing.assert_array_equal(model.initial_point()["y"], p.argmax(-1))
