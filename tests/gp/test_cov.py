"""Covariance and mean functions against NumPy formulas written out here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import integrate

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.gp import cov, mean
from ppgraph.graph.traversal import toposort

RNG = np.random.default_rng(0)
X = RNG.uniform(-2, 2, size=(6, 2))
XS = RNG.uniform(-2, 2, size=(4, 2))
LS = np.array([0.7, 1.3])


def _r(a: np.ndarray, b: np.ndarray, ls: Any = LS) -> np.ndarray:
    """Scaled Euclidean distances by a double loop."""
    out = np.zeros((len(a), len(b)))
    for i in range(len(a)):
        for j in range(len(b)):
            out[i, j] = np.sqrt(np.sum(((a[i] - b[j]) / ls) ** 2))
    return out


STATIONARY = [
    (cov.ExpQuad(2, ls=LS), lambda r: np.exp(-0.5 * r**2)),
    (cov.RatQuad(2, alpha=1.5, ls=LS), lambda r: (1 + r**2 / 3.0) ** -1.5),
    (
        cov.Matern52(2, ls=LS),
        lambda r: (1 + np.sqrt(5) * r + 5 * r**2 / 3) * np.exp(-np.sqrt(5) * r),
    ),
    (cov.Matern32(2, ls=LS), lambda r: (1 + np.sqrt(3) * r) * np.exp(-np.sqrt(3) * r)),
    (cov.Matern12(2, ls=LS), lambda r: np.exp(-r)),
    (cov.Exponential(2, ls=LS), lambda r: np.exp(-0.5 * r)),
    (cov.Cosine(2, ls=LS), lambda r: np.cos(2 * np.pi * r)),
]


@pytest.mark.parametrize(("k", "formula"), STATIONARY, ids=lambda v: type(v).__name__)
def test_stationary_kernels_match_formulas(k: cov.Covariance, formula: Any) -> None:
    np.testing.assert_allclose(k(X).eval(), formula(_r(X, X)), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(k(X, XS).eval(), formula(_r(X, XS)), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(k.diag(X).eval(), np.diag(formula(_r(X, X))), rtol=1e-12)
    np.testing.assert_allclose(k(X, diag=True).eval(), np.ones(len(X)))


def test_periodic_linear_polynomial() -> None:
    per = cov.Periodic(2, period=1.7, ls=LS)
    expect = np.exp(-0.5 * np.sum((np.sin(np.pi * (X[:, None] - XS[None]) / 1.7) / LS) ** 2, -1))
    np.testing.assert_allclose(per(X, XS).eval(), expect, rtol=1e-10)
    lin = cov.Linear(2, c=0.5)
    np.testing.assert_allclose(lin(X, XS).eval(), (X - 0.5) @ (XS - 0.5).T, rtol=1e-12)
    np.testing.assert_allclose(lin.diag(X).eval(), np.sum((X - 0.5) ** 2, 1), rtol=1e-12)
    poly = cov.Polynomial(2, c=0.5, d=3, offset=0.2)
    np.testing.assert_allclose(poly(X).eval(), ((X - 0.5) @ (X - 0.5).T + 0.2) ** 3, rtol=1e-10)
    np.testing.assert_allclose(poly.diag(X).eval(), np.diag(poly(X).eval()), rtol=1e-12)


def test_active_dims_ls_inv_constant_whitenoise() -> None:
    k = cov.ExpQuad(3, ls_inv=2.0, active_dims=[0, 2])
    X3 = RNG.normal(size=(5, 3))
    r = _r(X3[:, [0, 2]], X3[:, [0, 2]], ls=0.5)
    np.testing.assert_allclose(k(X3).eval(), np.exp(-0.5 * r**2), rtol=1e-10)
    np.testing.assert_allclose(cov.Constant(2.5)(X, XS).eval(), np.full((6, 4), 2.5))
    np.testing.assert_allclose(cov.WhiteNoise(0.3)(X).eval(), 0.09 * np.eye(6), rtol=1e-12)
    np.testing.assert_allclose(cov.WhiteNoise(0.3)(X, XS).eval(), np.zeros((6, 4)))
    np.testing.assert_allclose(cov.WhiteNoise(0.3).diag(X).eval(), np.full(6, 0.09), rtol=1e-12)


def test_sums_products_and_scaling_by_a_variable() -> None:
    eq, m32 = cov.ExpQuad(2, ls=LS), cov.Matern32(2, ls=LS)
    a, b = eq(X).eval(), m32(X).eval()
    np.testing.assert_allclose((eq + m32)(X).eval(), a + b, rtol=1e-12)
    np.testing.assert_allclose((eq * m32)(X).eval(), a * b, rtol=1e-12)
    np.testing.assert_allclose((2.0 * eq + 1.0)(X).eval(), 2 * a + 1, rtol=1e-12)
    np.testing.assert_allclose((eq * m32).diag(X).eval(), np.ones(6), rtol=1e-12)
    eta = pt.scalar("eta")
    scaled = eq * eta**2  # a model variable scales the kernel
    np.testing.assert_allclose(scaled(X).eval({eta: 3.0}), 9 * a, rtol=1e-12)
    np.testing.assert_allclose(scaled.diag(X).eval({eta: 3.0}), np.full(6, 9.0), rtol=1e-12)


def test_scaled_warped_coregion() -> None:
    eq = cov.ExpQuad(2, ls=LS)
    scaled = cov.ScaledCov(2, eq, lambda x, c: c + x[:, 0] ** 2, (1.0,))
    s = 1.0 + X[:, 0] ** 2
    np.testing.assert_allclose(scaled(X).eval(), s[:, None] * eq(X).eval() * s, rtol=1e-12)
    np.testing.assert_allclose(scaled.diag(X).eval(), s**2, rtol=1e-12)
    warped = cov.WarpedInput(2, eq, lambda x, c: c * x, (2.0,))
    np.testing.assert_allclose(warped(X, XS).eval(), eq(2 * X, 2 * XS).eval(), rtol=1e-12)
    W, kappa = np.array([[1.0, 0.5], [0.2, -1.0], [0.3, 0.3]]), np.array([0.1, 0.2, 0.3])
    B = W @ W.T + np.diag(kappa)
    idx = np.array([[0.0], [2.0], [1.0], [2.0]])
    k = cov.Coregion(1, W=W, kappa=kappa)
    np.testing.assert_allclose(k(idx).eval(), B[np.ix_([0, 2, 1, 2], [0, 2, 1, 2])], rtol=1e-12)
    np.testing.assert_allclose(k.diag(idx).eval(), np.diag(B)[[0, 2, 1, 2]], rtol=1e-12)


@pytest.mark.parametrize(
    ("k", "fourier"),
    [
        (cov.ExpQuad(1, ls=0.8), lambda r: np.exp(-0.5 * (r / 0.8) ** 2)),
        (cov.Matern52(1, ls=0.8), None),
        (cov.Matern32(1, ls=0.8), None),
        (cov.Matern12(1, ls=0.8), lambda r: np.exp(-abs(r) / 0.8)),
    ],
    ids=["ExpQuad", "Matern52", "Matern32", "Matern12"],
)
def test_power_spectral_density_is_the_fourier_transform(k: Any, fourier: Any) -> None:
    # S(w) = int k(r) cos(w r) dr over the real line, by quadrature
    if fourier is None:
        nu = k.nu
        c = np.sqrt(2 * nu)

        def fourier(r: float) -> float:
            x = c * abs(r) / 0.8
            return float((1 + x) * np.exp(-x) if nu == 1.5 else (1 + x + x**2 / 3) * np.exp(-x))

    omega = np.array([0.0, 0.5, 1.3, 3.0])
    expect = [
        2 * integrate.quad(fourier, 0, np.inf, weight="cos", wvar=w)[0]
        if w > 0
        else 2 * integrate.quad(fourier, 0, np.inf)[0]
        for w in omega
    ]
    np.testing.assert_allclose(k.power_spectral_density(omega[:, None]).eval(), expect, rtol=1e-6)


def test_psd_of_a_scaled_sum() -> None:
    eq, m52 = cov.ExpQuad(1, ls=0.8), cov.Matern52(1, ls=1.2)
    omega = np.array([[0.3], [1.0]])
    expect = (
        4.0 * eq.power_spectral_density(omega).eval() + m52.power_spectral_density(omega).eval()
    )
    got = (4.0 * eq + m52).power_spectral_density(omega).eval()
    np.testing.assert_allclose(got, expect, rtol=1e-12)
    with pytest.raises(NotImplementedError, match="Linear has no power spectral density"):
        cov.Linear(1, c=0.0).power_spectral_density(omega)


def test_means() -> None:
    np.testing.assert_allclose(mean.Zero()(X).eval(), np.zeros(6))
    np.testing.assert_allclose(mean.Constant(1.5)(X).eval(), np.full(6, 1.5))
    lin = mean.Linear(coeffs=np.array([1.0, -2.0]), intercept=0.5)
    np.testing.assert_allclose(lin(X).eval(), X @ [1.0, -2.0] + 0.5, rtol=1e-12)
    both = lin + mean.Constant(1.0)
    np.testing.assert_allclose(both(X).eval(), X @ [1.0, -2.0] + 1.5, rtol=1e-12)
    np.testing.assert_allclose((lin * mean.Constant(2.0))(X).eval(), 2 * (X @ [1, -2] + 0.5))


def test_float32_kernels() -> None:
    X32 = X.astype("float32")
    k = cov.Matern52(2, ls=LS.astype("float32")) + cov.WhiteNoise(np.float32(0.1))
    K = k(X32).eval()
    assert K.dtype == np.float32
    np.testing.assert_allclose(K, cov.Matern52(2, ls=LS)(X).eval() + 0.01 * np.eye(6), rtol=2e-5)


def test_wrong_input_width_names_kernel_and_shapes() -> None:
    k = cov.ExpQuad(2, ls=1.0)
    with pytest.raises(ValueError, match=r"ExpQuad\(input_dim=2\): X has shape \(5, 3\)"):
        k(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"ExpQuad\(input_dim=2\): Xs has shape \(4, 1\)"):
        k(np.zeros((5, 2)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"Matern32: active_dims \[0, 3\] do not fit input_dim=2"):
        cov.Matern32(2, ls=1.0, active_dims=[0, 3])
    with pytest.raises(ValueError, match=r"inputs X must be a matrix.*shape \(5,\)"):
        k(np.zeros(5))
    with pytest.raises(ValueError, match="ls must be a scalar or have one entry per active dim"):
        cov.ExpQuad(2, ls=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="exactly one of ls and ls_inv"):
        cov.ExpQuad(1)


def test_kernel_matrix_of_fixed_inputs_is_folded_at_compile_time() -> None:
    # fixed inputs and hyperparameters: K and its Cholesky factor are constants
    # of the compiled function, not recomputed at every call
    K = cov.ExpQuad(1, ls=0.5)(np.linspace(0, 1, 20)[:, None]) + 1e-6 * np.eye(20)
    y = pt.vector("y", shape=(20,))
    out = pt.sum(pt.solve_triangular(pt.cholesky(K), y))
    f = pg.function([y], out)
    ops = [str(node.op) for node in toposort(f.outputs)]
    assert not any("Cholesky" in op or "exp" in op for op in ops), ops
    assert any("SolveTriangular" in op for op in ops)  # y is an input: solved per call


def test_model_variable_times_kernel_on_the_left() -> None:
    """PyMC's ``eta**2 * pm.gp.cov.ExpQuad(...)``: the tensor on the left defers."""
    X = np.linspace(0.0, 1.0, 4)[:, None]
    with pg.Model():
        eta = pg.HalfNormal("eta", 1.0)
        left = (eta**2 * pg.gp.cov.ExpQuad(1, ls=0.3))(X)
        right = (pg.gp.cov.ExpQuad(1, ls=0.3) * eta**2)(X)
    d2 = (X - X.T) ** 2
    want = 4.0 * np.exp(-0.5 * d2 / 0.3**2)
    np.testing.assert_allclose(pg.clone_replace([left], {eta: pt.constant(2.0)})[0].eval(),
                               want, rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(pg.clone_replace([right], {eta: pt.constant(2.0)})[0].eval(),
                               want, rtol=1e-12)  # fmt: skip
