"""``pg.gp`` against PyMC's ``pm.gp`` (an outside oracle, the optional extra
``oracle``): the same kernels, GP models and HSGP bases built in both, with
fixed hyperparameters, give the same numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ppgraph as pg

pytestmark = pytest.mark.slow  # PyTensor compiles C on first use

RNG = np.random.default_rng(7)
X = RNG.uniform(-2, 3, size=(15, 2))
XS = RNG.uniform(-2, 3, size=(6, 2))
Y = np.sin(X[:, 0]) + 0.2 * X[:, 1] + 0.1 * RNG.normal(size=15)

# kernel builders taking either library's ``gp.cov`` module: same names, same arguments
KERNELS: dict[str, Callable[[Any], Any]] = {
    "ExpQuad": lambda c: c.ExpQuad(2, ls=[0.7, 1.3]),
    "Matern52": lambda c: c.Matern52(2, ls=0.9),
    "Matern32_active": lambda c: c.Matern32(2, ls=0.6, active_dims=[1]),
    "RatQuad": lambda c: c.RatQuad(2, alpha=1.5, ls=[0.5, 2.0]),
    "Periodic": lambda c: c.Periodic(2, period=1.7, ls=0.8, active_dims=[0]),
    "Linear+Exponential": lambda c: c.Linear(2, c=0.5) + c.Exponential(2, ls_inv=[1.2, 0.4]),
    "scaled_product": lambda c: 2.5 * c.ExpQuad(2, ls=1.1) * c.Cosine(2, ls=3.0),
    "Polynomial": lambda c: c.Polynomial(2, c=0.3, d=2, offset=1.0),
}
# PyMC's distance is sqrt(r^2 + 1e-12): an Exponential kernel's k(x, x) is
# exp(-1e-6 / 2), 5e-7 below ours (exact 1); smoother kernels lose O(1e-12).
ATOL = {"Linear+Exponential": 1e-6, "scaled_product": 1e-10}


@pytest.fixture(scope="module")
def pm() -> Any:
    return pytest.importorskip("pymc")


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_kernel_matrices_match_pymc(pm: Any, name: str) -> None:
    ours, theirs = KERNELS[name](pg.gp.cov), KERNELS[name](pm.gp.cov)
    atol = ATOL.get(name, 1e-12)
    for args in ((X,), (X, XS)):
        np.testing.assert_allclose(
            ours(*args).eval(), theirs(*args).eval(), rtol=1e-10, atol=atol, err_msg=name
        )
    np.testing.assert_allclose(
        ours.diag(X).eval(), theirs(X, diag=True).eval(), rtol=1e-10, atol=atol, err_msg=name
    )


LS, ETA, SIGMA, C = 0.8, 1.3, 0.25, 0.4
XNEW = np.array([[0.1, 0.5], [1.5, -1.0], [4.0, 2.0]])


def _marginal(lib: Any) -> tuple[Any, Any, Any, Any]:
    """A Marginal GP with a free constant mean ``b``, the same in both libraries."""
    with lib.Model() as model:
        b = lib.Normal("b", 0.0, 1.0)
        cov = ETA**2 * lib.gp.cov.ExpQuad(2, ls=[LS, 2 * LS])
        gp = lib.gp.Marginal(mean_func=lib.gp.mean.Constant(b), cov_func=cov)
        gp.marginal_likelihood("y", X=X, y=Y, sigma=SIGMA)
        fnew = gp.conditional("fnew", XNEW)
    return model, gp, fnew, b


@pytest.fixture(scope="module")
def marginals(pm: Any) -> tuple[Any, Any]:
    return _marginal(pg), _marginal(pm)


def test_marginal_likelihood_logp_matches_pymc(marginals: Any) -> None:
    (ours, *_), (theirs, *_) = marginals
    f_ours = ours.compile_logp(vars=[ours["y"]])
    f_theirs = theirs.compile_logp(vars=[theirs["y"]])
    for b in (0.0, C, -1.2):
        got = f_ours({"b": b, "fnew": np.zeros(len(XNEW))})  # ppgraph asks every value
        expect = f_theirs({"b": b, "fnew": np.zeros(len(XNEW))})
        np.testing.assert_allclose(got, expect, rtol=1e-10)


def test_conditional_logp_and_predict_match_pymc(pm: Any, marginals: Any) -> None:
    (_, gp_ours, fnew_ours, b_ours), (model_pm, gp_theirs, fnew_theirs, b_theirs) = marginals
    value = RNG.normal(size=len(XNEW))
    # the conditional's MvNormal: its density at a value covers the mean and covariance
    got = pg.logp(fnew_ours, value).eval({b_ours: C})
    expect = pm.logp(fnew_theirs, value).eval({b_theirs: C})
    np.testing.assert_allclose(got, expect, rtol=1e-9)
    for diag in (False, True):
        for pred_noise in (False, True):
            mu, cov = gp_ours.predict(XNEW, point={"b": C}, diag=diag, pred_noise=pred_noise)
            mu_pm, cov_pm = gp_theirs.predict(
                XNEW, point={"b": C}, diag=diag, pred_noise=pred_noise, model=model_pm
            )
            np.testing.assert_allclose(mu, mu_pm, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(cov, cov_pm, rtol=1e-8, atol=1e-12)


@pytest.mark.filterwarnings("ignore:The drop_first argument:DeprecationWarning")
@pytest.mark.parametrize("drop_first", [False, True])
def test_hsgp_basis_and_spectral_density_match_pymc(pm: Any, drop_first: bool) -> None:
    X1 = np.linspace(-3, 7, 40)[:, None]
    X2 = RNG.uniform(0, 4, size=(30, 2))
    cases: list[tuple[np.ndarray, Callable[[Any], Any], dict[str, Any]]] = [
        (X1, lambda c: 1.7 * c.ExpQuad(1, ls=1.2), {"m": [12], "c": 1.6}),
        (X1, lambda c: c.Matern52(1, ls=0.9), {"m": [10], "L": [9.0]}),
        (X2, lambda c: c.Matern32(2, ls=[0.8, 1.5]), {"m": [5, 4], "c": 2.0}),
    ]
    for x, kernel, kw in cases:
        ours = pg.gp.HSGP(cov_func=kernel(pg.gp.cov), drop_first=drop_first, **kw)
        theirs = pm.gp.HSGP(cov_func=kernel(pm.gp.cov), drop_first=drop_first, **kw)
        phi, sqrt_psd = (v.eval() for v in ours.prior_linearized(x))
        phi_pm, sqrt_psd_pm = (np.asarray(v.eval()) for v in theirs.prior_linearized(x))
        np.testing.assert_allclose(phi, phi_pm, rtol=1e-9, atol=1e-12, err_msg=str(kw))
        # PyMC's Matern32 takes Gamma((D + 3) / 2) in float32 (its 2.5 constant):
        # 3.7e-8 relative in the density, half that in its square root
        np.testing.assert_allclose(sqrt_psd, sqrt_psd_pm, rtol=3e-8, err_msg=str(kw))


def test_hsgp_periodic_basis_matches_pymc(pm: Any) -> None:
    """The cosine and sine bases match PyMC's. The coefficients do not, by
    design: PyMC's are ``scale * q_j^2`` with ``a = 1 / ls^2`` (a variance used
    as a standard deviation, pymc-devs/pymc#8167, for the kernel
    ``exp(-2 sin^2(pi tau / T) / ls^2)``), ours ``scale * q_j`` with
    ``a = 1 / (4 ls^2)``, for the ``Periodic`` kernel both libraries compute,
    ``exp(-sin^2(pi tau / T) / (2 ls^2))``: PyMC's ``q_j^2`` at ``2 ls``."""
    x = np.linspace(0, 5, 50)[:, None]
    ls, scale = 0.9, 1.4
    ours = pg.gp.HSGPPeriodic(m=8, scale=scale, cov_func=pg.gp.cov.Periodic(1, period=1.3, ls=ls))
    theirs = pm.gp.HSGPPeriodic(m=8, scale=1.0, cov_func=pm.gp.cov.Periodic(1, period=1.3, ls=ls))
    (cos, sin), psd = ours.prior_linearized(x)
    (cos_pm, sin_pm), _ = theirs.prior_linearized(x)
    for a, b in ((cos, cos_pm), (sin, sin_pm)):
        np.testing.assert_allclose(a.eval(), np.asarray(b.eval()), rtol=1e-9, atol=1e-12)
    q2_pm = pm.gp.cov.Periodic(1, period=1.3, ls=2 * ls).power_spectral_density_approx(np.arange(8))
    # ours: Bessel terms as a cosine sum, exact to ~1e-16 of q_0, so relative
    # error grows in the far tail (3e-8 at q_7 ~ 3e-5, checked with mpmath)
    np.testing.assert_allclose(psd.eval(), scale * np.sqrt(q2_pm.eval()), rtol=1e-7)
