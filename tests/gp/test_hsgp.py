"""HSGP and HSGPPeriodic: the covariance of the approximation against the exact
kernel written out in NumPy, as the number of basis functions grows."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import ppgraph as pg
from ppgraph.gp import cov

X = np.linspace(0, 10, 60)[:, None]


def exact_expquad(a: np.ndarray, ls: float) -> np.ndarray:
    return np.exp(-0.5 * ((a[:, None, 0] - a[None, :, 0]) / ls) ** 2)


def approx_cov(gp: pg.gp.HSGP, X: np.ndarray) -> np.ndarray:
    phi, sqrt_psd = gp.prior_linearized(X)
    phi, s = phi.eval(), sqrt_psd.eval()
    return (phi * s**2) @ phi.T


def test_hsgp_error_decreases_as_m_grows() -> None:
    exact = exact_expquad(X, 1.5)
    errors = []
    for m in (4, 8, 16, 32):
        gp = pg.gp.HSGP(m=[m], c=3.0, cov_func=cov.ExpQuad(1, ls=1.5))
        errors.append(np.abs(approx_cov(gp, X) - exact).max())
    assert all(a > b for a, b in itertools.pairwise(errors)), errors
    assert errors[0] > 0.1 and errors[-1] < 1e-5, errors


def test_hsgp_matern_and_scaled_kernel_2d() -> None:
    rng = np.random.default_rng(0)
    X2 = rng.uniform(-1, 1, size=(40, 2))
    k = 2.0 * cov.Matern52(2, ls=[0.3, 0.4])
    exact = k(X2).eval()
    errors = []
    for m in (4, 8, 16):  # the boundary L = c * max|x| must be well beyond ls
        gp = pg.gp.HSGP(m=[m, m], c=3.0, cov_func=k)
        errors.append(np.abs(approx_cov(gp, X2) - exact).max())
    assert all(a > b for a, b in itertools.pairwise(errors)), errors
    assert errors[-1] < 0.15, errors


def test_basis_of_fixed_inputs_is_computed_once_as_data() -> None:
    from ppgraph.graph.basic import is_fixed
    from ppgraph.tensor.type import TensorSharedVariable

    gp = pg.gp.HSGP(m=[10], c=2.0, cov_func=cov.ExpQuad(1, ls=pg.HalfNormal.dist(1.0)))
    phi, _ = gp.prior_linearized(X)
    assert isinstance(phi, TensorSharedVariable) and is_fixed(phi)
    with pg.Model():
        x_data = pg.Data("x", X)  # data that pg.set_data may change: a basis per call
        gp = pg.gp.HSGP(m=[10], L=[8.0], cov_func=cov.ExpQuad(1, ls=1.0))
        phi_data, _ = gp.prior_linearized(x_data)
    assert not isinstance(phi_data, TensorSharedVariable)
    j, xc = np.arange(1, 11), X[:, 0] - 5.0  # centred at the midpoint of [0, 10]
    for value, L in ((phi.get_value(), 10.0), (phi_data.eval(), 8.0)):
        expect = np.sin(np.pi * j * (xc[:, None] + L) / (2 * L)) / np.sqrt(L)
        np.testing.assert_allclose(value, expect, rtol=1e-10, atol=1e-12)


def test_hsgp_prior_names_conditional_and_parametrizations() -> None:
    for parametrization in ("noncentered", "centered"):
        with pg.Model() as model:
            gp = pg.gp.HSGP(
                m=[12], L=[8.0], parametrization=parametrization, cov_func=cov.ExpQuad(1, ls=2.0)
            )
            f = gp.prior("f", X=X)
            fnew = gp.conditional("fnew", X)
        beta = model["f_hsgp_coeffs"]
        assert [v.name for v in model.free_RVs] == ["f_hsgp_coeffs"]
        value = np.linspace(-1, 1, 12)
        phi, sqrt_psd = gp.prior_linearized(X)
        w = value * sqrt_psd.eval() if parametrization == "noncentered" else value
        np.testing.assert_allclose(f.eval({beta: value}), phi.eval() @ w, rtol=1e-10)
        np.testing.assert_allclose(fnew.eval({beta: value}), f.eval({beta: value}), rtol=1e-10)
    with pg.Model() as model:
        gp = pg.gp.HSGP(m=[12], c=1.5, drop_first=True, cov_func=cov.ExpQuad(1, ls=2.0))
        gp.prior("f", X=X)
    assert model["f_hsgp_coeffs"].type.shape == (11,)


def test_hsgp_periodic_matches_the_periodic_kernel() -> None:
    k = cov.Periodic(1, period=2.5, ls=0.9)
    exact = 4.0 * k(X).eval()
    errors = []
    for m in (2, 4, 8):
        gp = pg.gp.HSGPPeriodic(m=m, scale=2.0, cov_func=k)
        (phi_cos, phi_sin), psd = gp.prior_linearized(X)
        c, s, q = phi_cos.eval(), phi_sin.eval(), psd.eval()
        errors.append(np.abs((c * q**2) @ c.T + (s * q**2) @ s.T - exact).max())
    assert all(a > b for a, b in itertools.pairwise(errors)), errors
    assert errors[-1] < 1e-6, errors
    with pg.Model() as model:
        pg.gp.HSGPPeriodic(m=8, cov_func=k).prior("f", X=X)
    assert model["f_hsgp_coeffs_"].type.shape == (15,)


def test_hsgp_float32() -> None:
    with pg.config.change_flags(floatX="float32"):
        X32 = X.astype("float32")
        gp = pg.gp.HSGP(m=[32], c=3.0, cov_func=cov.ExpQuad(1, ls=np.float32(1.5)))
        phi, sqrt_psd = gp.prior_linearized(X32)
        assert phi.dtype == "float32" and sqrt_psd.dtype == "float32"
        err = np.abs((phi.eval() * sqrt_psd.eval() ** 2) @ phi.eval().T - exact_expquad(X, 1.5))
    assert err.max() < 1e-4


def test_hsgp_bad_arguments() -> None:
    k = cov.ExpQuad(2, ls=1.0)
    with pytest.raises(ValueError, match="one int per active dim of the kernel"):
        pg.gp.HSGP(m=[10], c=1.5, cov_func=k)
    with pytest.raises(ValueError, match="exactly one of L and c"):
        pg.gp.HSGP(m=[10, 10], cov_func=k)
    with pytest.raises(NotImplementedError, match="Linear has no power spectral density"):
        pg.gp.HSGP(m=[5], c=1.5, cov_func=cov.Linear(1, c=0.0)).prior_linearized(X)
    with pytest.raises(ValueError, match="must be a Periodic kernel"):
        pg.gp.HSGPPeriodic(m=5, cov_func=cov.ExpQuad(1, ls=1.0))  # type: ignore[arg-type]
