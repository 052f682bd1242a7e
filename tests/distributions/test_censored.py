"""Censored(dist, lower, upper) against SciPy: the tail masses (norm.logcdf,
norm.logsf) on the bounds, the base density inside; draws clipped."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.stats as st

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.errors import ParameterValueError
from tests.helpers import compare_grad, compare_jax_and_py

MU, SIGMA = 0.5, 2.0
VALUES = np.array([-9.0, -1.0, -0.999, 0.0, 1.3, 2.999, 3.0, 7.0])


def censored_logpdf(v: Any, lower: Any, upper: Any, mu: Any = MU, sigma: Any = SIGMA) -> Any:
    ref = st.norm(mu, sigma)
    out = ref.logpdf(v)
    if lower is not None:
        out = np.where(v == lower, ref.logcdf(lower), np.where(v < lower, -np.inf, out))
    if upper is not None:
        out = np.where(v == upper, ref.logsf(upper), np.where(v > upper, -np.inf, out))
    return out


BOUNDS = {"both": (-1.0, 3.0), "lower": (-1.0, None), "upper": (None, 3.0)}


@pytest.mark.parametrize("which", list(BOUNDS))
def test_logp_logcdf_icdf_match_scipy(which: str) -> None:
    lower, upper = BOUNDS[which]
    x = pg.Censored.dist(pg.Normal.dist(MU, SIGMA), lower=lower, upper=upper)
    ref = st.norm(MU, SIGMA)
    want_cdf = ref.logcdf(VALUES)
    if lower is not None:
        want_cdf = np.where(VALUES < lower, -np.inf, want_cdf)
    if upper is not None:
        want_cdf = np.where(VALUES >= upper, 0.0, want_cdf)
    qs = np.array([0.0, 0.1, 0.5, 0.95, 1.0])
    want = [censored_logpdf(VALUES, lower, upper), want_cdf, np.clip(ref.ppf(qs), lower, upper)]
    v, q = pt.vector("v"), pt.vector("q")
    outs = [pg.logp(x, v), pg.logcdf(x, v), pg.icdf(x, q)]
    compare_jax_and_py([v, q], outs, [VALUES, qs], want)


def test_far_tail_masses_are_finite() -> None:
    x = pg.Censored.dist(pg.Normal.dist(0.0, 1.0), lower=-40.0, upper=40.0)
    got = pg.logp(x, pt.constant([-40.0, 40.0])).eval()
    np.testing.assert_allclose(got, [st.norm.logcdf(-40.0), st.norm.logsf(40.0)], rtol=1e-9)


def test_draws_put_the_tail_mass_on_the_bounds() -> None:
    x = pg.Censored.dist(pg.Normal.dist(MU, SIGMA), lower=-1.0, upper=3.0)
    draws = pg.draw(x, draws=20000, random_seed=7)
    ref = st.norm(MU, SIGMA)
    assert draws.min() == -1.0 and draws.max() == 3.0
    np.testing.assert_allclose((draws == -1.0).mean(), ref.cdf(-1.0), atol=0.01)
    np.testing.assert_allclose((draws == 3.0).mean(), ref.sf(3.0), atol=0.01)
    inside = draws[(draws > -1.0) & (draws < 3.0)]
    cdf = lambda t: (ref.cdf(t) - ref.cdf(-1.0)) / (ref.cdf(3.0) - ref.cdf(-1.0))  # noqa: E731
    assert st.kstest(inside, cdf).pvalue > 0.01


def test_discrete_base() -> None:
    x = pg.Censored.dist(pg.Geometric.dist(0.3), lower=2, upper=5)
    ref = st.geom(0.3)
    k = np.arange(0, 8)
    with np.errstate(divide="ignore"):
        inside = np.where((k > 2) & (k < 5), ref.logpmf(k), -np.inf)
    # P(X <= 2) on 2; P(X >= 5) = P(X > 4) on 5.
    want = np.where(k == 2, ref.logcdf(2), np.where(k == 5, ref.logsf(4), inside))
    np.testing.assert_allclose(pg.logp(x, pt.constant(k)).eval(), want, rtol=1e-10)
    draws = pg.draw(x, draws=5000, random_seed=1)
    assert draws.dtype == np.int64 and draws.min() == 2 and draws.max() == 5
    freq = np.bincount(draws, minlength=8) / draws.size
    np.testing.assert_allclose(freq, np.exp(want), atol=0.02)


def test_gradients() -> None:
    mu, sigma, v = pt.scalar("mu"), pt.scalar("sigma"), pt.vector("v")
    x = pg.Censored.dist(pg.Normal.dist(mu, sigma), lower=-1.0, upper=3.0)

    def oracle(mu_: Any, sigma_: Any, v_: Any) -> Any:
        return censored_logpdf(v_, -1.0, 3.0, mu_, sigma_)

    values = [MU, SIGMA, np.array([-1.0, 0.7, 3.0])]
    compare_grad([mu, sigma, v], pg.logp(x, v), values, oracle, wrt=[0, 1], eager=False)


def test_checks_and_bad_input() -> None:
    sigma = pt.scalar("sigma")
    x = pg.Censored.dist(pg.Normal.dist(0.0, sigma), lower=0.0, upper=-1.0)
    x.name = "x"
    f = pg.function([sigma], pg.logp(x, 0.0))
    with pytest.raises(ParameterValueError, match="x: lower <= upper"):
        f(1.0)
    with pytest.raises(TypeError, match=r"\.dist"):
        pg.Censored.dist(1.0, lower=0.0)
    y = pg.Censored.dist(pg.Normal.dist(0.0, 1.0, size=(2, 3)), lower=0.0)
    assert y.type.shape == (2, 3)
    assert pg.draw(y, draws=4, random_seed=0).shape == (4, 2, 3)
