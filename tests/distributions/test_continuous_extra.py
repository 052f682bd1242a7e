"""Interpolated against NumPy's linear interpolation and scipy's quadrature; the
support points of Rice and SkewStudentT against scipy's means; the Lognormal
alias. (Rice and SkewStudentT logp, logcdf, icdf, gradients and draws run in the
shared ``scipy_table`` tests.)"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

import ppgraph as pg
import ppgraph.tensor as pt

XS = np.array([-1.0, 0.0, 0.5, 2.0, 3.0])
PS = np.array([0.0, 1.0, 1.0, 0.2, 0.6])


def _density(x: np.ndarray) -> np.ndarray:
    area = integrate.quad(lambda t: np.interp(t, XS, PS), XS[0], XS[-1], points=XS[1:-1])[0]
    return np.where((x >= XS[0]) & (x <= XS[-1]), np.interp(x, XS, PS) / area, 0.0)


def _cdf(x: float) -> float:
    if x <= XS[0]:
        return 0.0
    upper = min(x, XS[-1])
    inner = [p for p in XS[1:-1] if p < upper]
    num = integrate.quad(lambda t: np.interp(t, XS, PS), XS[0], upper, points=inner or None)[0]
    den = integrate.quad(lambda t: np.interp(t, XS, PS), XS[0], XS[-1], points=XS[1:-1])[0]
    return num / den


VALUES = np.array([-2.0, -1.0, -0.5, 0.0, 0.25, 0.5, 1.3, 2.0, 2.9, 3.0, 4.0, np.nan])


def test_interpolated_logp_and_logcdf() -> None:
    rv = pg.Interpolated.dist(x_points=XS, pdf_points=PS)
    v = pt.vector("v")
    logp, logcdf = pg.function([v], [pg.logp(rv, v), pg.logcdf(rv, v)])(VALUES)
    with np.errstate(divide="ignore"):
        want_p = np.log(_density(VALUES))
        want_c = np.log([_cdf(x) if np.isfinite(x) else np.nan for x in VALUES])
    want_p[np.isnan(VALUES)] = -np.inf
    np.testing.assert_allclose(logp, want_p, rtol=1e-10)
    ok = ~np.isnan(VALUES)
    np.testing.assert_allclose(logcdf[ok], want_c[ok], rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_interpolated_draws(dtype: str) -> None:
    with pg.config.change_flags(floatX=dtype):
        rv = pg.Interpolated.dist(x_points=XS, pdf_points=PS, size=2)
        x = pg.draw(rv, draws=2000, random_seed=7)
    assert x.dtype == dtype and x.shape == (2000, 2)
    assert x.min() >= XS[0] and x.max() <= XS[-1]
    cdf = np.vectorize(_cdf)
    assert stats.kstest(x.ravel().astype(float), cdf).pvalue > 1e-3


def test_interpolated_float32_logp_and_bad_points() -> None:
    with pg.config.change_flags(floatX="float32"):
        rv = pg.Interpolated.dist(x_points=XS.astype("float32"), pdf_points=PS.astype("float32"))
        got = pg.logp(rv, np.float32(0.25)).eval()
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.log(_density(np.array(0.25))), rtol=1e-6)
    xs = pt.tensor("float64", shape=(3,), name="xs")
    lp = pg.logp(pg.Interpolated.dist(x_points=xs, pdf_points=[1.0, 1.0, 1.0]), 0.5)
    with pytest.raises(pg.ParameterValueError, match="x_points increasing"):
        pg.function([xs], lp)([0.0, 2.0, 1.0])
    assert pg.function([xs], lp, check_mode="-inf")([0.0, 2.0, 1.0]) == -np.inf
    with pytest.raises(ValueError, match="at least 2 points with a static length"):
        pg.Interpolated.dist(x_points=pt.vector("x"), pdf_points=pt.vector("p"))


def test_interpolated_in_a_model() -> None:
    """The interval transform (``x_interval__``) on [x_0, x_n], the mean as the
    starting point, and the model's logp with its Jacobian."""
    with pg.Model() as model:
        pg.Interpolated("x", x_points=XS, pdf_points=PS)
    (value,) = model.value_vars
    assert value.name == "x_interval__"
    mean = integrate.quad(lambda t: t * _density(np.array(t)), XS[0], XS[-1], points=XS[1:-1])[0]
    start = model.initial_point()["x_interval__"]
    x0 = XS[0] + (XS[-1] - XS[0]) / (1 + np.exp(-start))
    np.testing.assert_allclose(x0, mean, rtol=1e-10)
    y = 0.3
    x = XS[0] + (XS[-1] - XS[0]) / (1 + np.exp(-y))
    jac = np.log(XS[-1] - XS[0]) - y - 2 * np.log1p(np.exp(-y))
    want = np.log(_density(np.array(x))) + jac
    np.testing.assert_allclose(model.compile_logp()({"x_interval__": y}), want, rtol=1e-10)


def test_rice_and_skew_t_support_points_are_the_means() -> None:
    with pg.Model() as model:
        pg.Rice("r", nu=2.0, sigma=1.5)
        pg.Rice("r0", b=0.0, sigma=2.0)
        pg.SkewStudentT("t", a=3.0, b=1.5, mu=0.5, sigma=2.0)
        pg.SkewStudentT("heavy", a=0.4, b=3.0, mu=-1.0)  # no mean: mu
    start = model.initial_point()
    np.testing.assert_allclose(np.exp(start["r_log__"]), stats.rice(2 / 1.5, scale=1.5).mean())
    np.testing.assert_allclose(np.exp(start["r0_log__"]), stats.rayleigh(scale=2.0).mean())
    np.testing.assert_allclose(start["t"], stats.jf_skew_t(3.0, 1.5, 0.5, 2.0).mean())
    assert start["heavy"] == -1.0


def test_rice_parametrizations_and_float32() -> None:
    with pytest.raises(TypeError, match="give only one of nu, b"):
        pg.Rice.dist(nu=1.0, b=1.0)
    with pg.config.change_flags(floatX="float32"):
        got = pg.logp(pg.Rice.dist(nu=2.0, sigma=1.5), np.float32(2.5)).eval()
        got_t = pg.logp(pg.SkewStudentT.dist(a=3.0, b=1.5), np.float32(-40.0)).eval()
    assert got.dtype == got_t.dtype == np.float32
    np.testing.assert_allclose(got, stats.rice(2 / 1.5, scale=1.5).logpdf(2.5), rtol=1e-6)
    # far in the left tail, where 1 + t / sqrt(a + b + t^2) cancels: mpmath from the definition
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    a, b, t = mpmath.mpf(3), mpmath.mpf(1.5), mpmath.mpf(-40)
    r = t / mpmath.sqrt(a + b + t * t)
    want = (a + 0.5) * mpmath.log1p(r) + (b + 0.5) * mpmath.log1p(-r)
    want -= (a + b - 1) * mpmath.log(2) + mpmath.log(mpmath.beta(a, b)) + mpmath.log(a + b) / 2
    np.testing.assert_allclose(got_t, float(want), rtol=1e-5)


def test_lognormal_alias() -> None:
    assert pg.Lognormal is pg.LogNormal
    with pg.Model() as model:
        pg.Lognormal("x", mu=0.0, sigma=1.0)
    assert model.value_vars[0].name == "x_log__"
