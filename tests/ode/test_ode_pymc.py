"""PyMC as an outside oracle: the Lotka-Volterra model built with PyMC's
``pm.ode.DifferentialEquation`` (SciPy's ``odeint`` with forward sensitivities)
has the same log-density and gradient at a point as the same model on
``pg.ode`` (slow: PyMC and PyTensor import and build)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import ppgraph as pg
from tests.ode.test_ode import HARE, LYNX, TIMES, lotka_volterra, lv_model

pytest.importorskip("diffrax")

POINT = {"theta": np.array([0.52, 0.027, 0.83, 0.025]), "z0_log__": np.log([33.0, 6.1]),
         "sigma_log__": np.log([0.23, 0.28])}  # fmt: skip


def _pymc_logp_and_gradient(pm: Any) -> tuple[float, np.ndarray, list[str]]:
    """The model on ``pm.ode`` at ``POINT``: logp, gradient, value-variable order."""
    ode = pm.ode.DifferentialEquation(func=lotka_volterra, times=TIMES, n_states=2, n_theta=4)
    with pm.Model() as model:
        theta = pm.Normal("theta", mu=[1.0, 0.05, 1.0, 0.05], sigma=[0.5, 0.05, 0.5, 0.05],
                          shape=4, transform=None)  # fmt: skip
        z0 = pm.LogNormal("z0", mu=np.log(10.0), sigma=1.0, shape=2)
        sigma = pm.LogNormal("sigma", mu=-1.0, sigma=1.0, shape=2)
        sol = ode(y0=z0, theta=theta)
        pm.Normal("y_init", pm.math.log(z0), sigma, observed=np.log([HARE[0], LYNX[0]]))
        pm.Normal("y", pm.math.log(sol), sigma, observed=np.log(np.column_stack([HARE, LYNX])[1:]))
    logp = float(model.compile_logp(mode="FAST_COMPILE")(POINT))
    grad = np.asarray(model.compile_dlogp(mode="FAST_COMPILE")(POINT))
    return logp, grad, [v.name for v in model.value_vars]


@pytest.mark.slow
def test_lotka_volterra_logp_and_gradient_match_pymc_ode() -> None:
    pm = pytest.importorskip("pymc")
    with warnings.catch_warnings():  # PyTensor's BLAS notice and PyMC's own, not ours
        warnings.simplefilter("ignore")
        want, want_grad, pm_names = _pymc_logp_and_gradient(pm)
    ode = pg.ode.DifferentialEquation(lotka_volterra, times=TIMES, n_states=2, n_theta=4,
                                      rtol=1e-10, atol=1e-10)  # fmt: skip
    model = lv_model(ode)
    # The logp is near 0 here (0.22), a sum of terms of size ~10; odeint's default
    # tolerances (1.5e-8 relative on the solution) move it by ~1e-7 (measured 1.7e-7).
    np.testing.assert_allclose(float(model.compile_logp()(POINT)), want, rtol=0, atol=1e-6)
    # both flatten the gradient in value-variable order, the same order here
    assert [str(v.name) for v in model.value_vars] == pm_names
    grad = np.asarray(model.compile_dlogp()(POINT))
    np.testing.assert_allclose(grad, want_grad, rtol=1e-5, atol=1e-5)
