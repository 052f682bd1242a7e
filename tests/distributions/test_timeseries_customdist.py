"""Time series written as PyMC writes them by hand: ``pg.CustomDist(dist=...)``
over a ``pt.scan`` whose step draws. A free one starts at its support point
(each draw of each step at its family's support point), deterministic and
finite, as PyMC's; the slow test compares with PyMC's ``initial_point``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.pytensorf import collect_default_updates

LAGS, TRIALS = 2, 8


def ar_model(lib: Any, scan: Any, tensor: Any) -> Any:
    """PyMC's "time series from a generative graph" AR(2), free, in ``lib``."""

    def ar_step(x_tm2: Any, x_tm1: Any, rho: Any, sigma: Any) -> Any:
        x = lib.Normal.dist(mu=x_tm1 * rho[0] + x_tm2 * rho[1], sigma=sigma)
        return x, collect_updates(lib)([x])

    def ar_dist(ar_init: Any, rho: Any, sigma: Any, size: Any) -> Any:
        return scan(
            fn=ar_step,
            outputs_info=[{"initial": ar_init, "taps": range(-LAGS, 0)}],
            non_sequences=[rho, sigma],
            n_steps=TRIALS - LAGS,
            strict=True,
        )[0]  # (outputs, updates): PyMC's loop has its keys' updates

    with lib.Model() as model:
        rho = lib.Normal("rho", np.array([0.6, -0.3]), 0.2, shape=(LAGS,))
        sigma = lib.HalfNormal("sigma", 0.2)
        ar_init = lib.Normal("ar_init", np.array([1.0, 2.0]), 1.0, shape=(LAGS,))
        lib.CustomDist("ar", ar_init, rho, sigma, dist=ar_dist)
    return model


def lognormal_chain_model(lib: Any, scan: Any, tensor: Any) -> Any:
    """A chain of LogNormals, each centred on the log of the previous value:
    its support point is the mean, exp(mu + s^2 / 2) (PyMC's), not the median."""

    def step(x_tm1: Any, s: Any) -> Any:
        x = lib.LogNormal.dist(tensor.log(x_tm1), s)
        return x, collect_updates(lib)([x])

    def chain(s: Any, size: Any) -> Any:
        return scan(step, outputs_info=[tensor.constant(2.0, dtype="float64")],
                    non_sequences=[s], n_steps=4, strict=True)[0]  # fmt: skip

    with lib.Model() as model:
        s = lib.HalfNormal("s", 0.5)
        lib.CustomDist("x", s, dist=chain)
    return model


def collect_updates(lib: Any) -> Any:
    if lib is pg:
        return collect_default_updates
    from pymc.pytensorf import collect_default_updates as pm_updates

    return pm_updates


def ar_means() -> np.ndarray:
    x = [1.0, 2.0]
    for _ in range(TRIALS - LAGS):
        x.append(0.6 * x[-1] - 0.3 * x[-2])
    return np.array(x[LAGS:])


def test_a_scan_custom_dist_starts_at_the_means_of_its_steps() -> None:
    model = ar_model(pg, pt.scan, pt)
    start = model.initial_point()
    np.testing.assert_allclose(start["ar"], ar_means(), rtol=1e-12)
    # deterministic: the same point again, and from a second build of the model
    np.testing.assert_array_equal(model.initial_point()["ar"], start["ar"])
    np.testing.assert_array_equal(ar_model(pg, pt.scan, pt).initial_point()["ar"], start["ar"])
    assert np.isfinite(model.compile_logp()(start))


def test_draws_chained_inside_a_step_use_each_others_support_points() -> None:
    model = lognormal_chain_model(pg, pt.scan, pt)
    start = model.initial_point()
    # s starts at HalfNormal(0.5)'s support point, 0.5 (PyMC's: sigma)
    want = 2.0 * np.exp(0.5 * 0.5**2 * np.arange(1, 5))
    np.testing.assert_allclose(start["x"], want, rtol=1e-12)
    assert np.isfinite(model.compile_logp()(start))

    # a draw whose parameter is another draw, outside a loop too
    with pg.Model() as m:
        pg.CustomDist("y", 1.0, dist=lambda mu, size: pg.Normal.dist(pg.Normal.dist(mu, 1.0), 2.0))
    assert m.initial_point()["y"] == 1.0


def test_a_loop_with_constant_parameters_is_a_dist() -> None:
    # no model variable among dist='s inputs: the loop's step is what draws
    def ar1(phi: Any, size: Any) -> Any:
        return pt.scan(lambda x, phi: pg.Normal.dist(phi * x, 1.0), outputs_info=pt.constant(2.0),
                       non_sequences=phi, n_steps=4, return_updates=False)  # fmt: skip

    with pg.Model() as model:
        pg.CustomDist("ar1", 0.5, dist=ar1)
    start = model.initial_point()
    np.testing.assert_allclose(start["ar1"], [1.0, 0.5, 0.25, 0.125], rtol=1e-12)
    v = np.array([0.3, -0.2, 0.4, 1.0])
    want = stats.norm(0.5 * np.r_[2.0, v[:-1]], 1.0).logpdf(v).sum()
    assert model.compile_logp()({"ar1": v}) == pytest.approx(want, rel=1e-12)
    with pytest.raises(TypeError, match="dist= must return a random variable"):
        pg.CustomDist.dist(0.5, dist=lambda phi, size: pt.scan(
            lambda x, phi: phi * x, outputs_info=pt.constant(2.0), non_sequences=phi, n_steps=3,
            return_updates=False))  # fmt: skip


@pytest.mark.slow
# PyTensor announces scan's new return signature; PyMC's loops need its updates
@pytest.mark.filterwarnings("ignore:Scan return signature will change:DeprecationWarning")
def test_starting_points_match_pymc() -> None:
    pm = pytest.importorskip("pymc")
    pytensor = pytest.importorskip("pytensor")
    import pytensor.tensor as ptt

    for build in (ar_model, lognormal_chain_model):
        want = build(pm, pytensor.scan, ptt).initial_point()
        got = build(pg, pt.scan, pt).initial_point()
        assert got.keys() == want.keys()
        for name in want:
            np.testing.assert_allclose(got[name], want[name], rtol=1e-12, err_msg=name)
