"""``gp.MarginalApprox`` against the same sparse approximations written densely in
NumPy and SciPy: ``y ~ N(m, Q_ff + Lambda)`` with the n x n Nystrom matrix
formed explicitly (Quinonero-Candela & Rasmussen 2005, Titsias 2009); and
``gp.LatentKron``/``gp.MarginalKron`` against dense Kronecker products."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

import ppgraph as pg

RNG = np.random.default_rng(11)
X = np.sort(RNG.uniform(0, 6, size=40))[:, None]
XU = np.linspace(0.2, 5.8, 7)[:, None]
Y = np.sin(X[:, 0]) + 0.2 * RNG.normal(size=40)
XNEW = np.array([[0.5], [2.9], [7.0]])
LS, ETA, SIGMA, C, JIT = 0.8, 1.3, 0.3, 0.2, 1e-6


def k_np(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return ETA**2 * np.exp(-0.5 * ((a[:, None, 0] - b[None, :, 0]) / LS) ** 2)


def nystrom(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``K_au (K_uu + jitter)^-1 K_ub``."""
    Kuu = k_np(XU, XU) + JIT * np.eye(len(XU))
    return k_np(a, XU) @ np.linalg.solve(Kuu, k_np(XU, b))


def dense_logp(approx: str) -> float:
    Q = nystrom(X, X)
    lam = SIGMA**2 * np.ones(len(X))
    if approx == "FITC":
        lam = lam + np.clip(np.diag(k_np(X, X)) - np.diag(Q), 0, None)
    lp = stats.multivariate_normal(np.full(len(X), C), Q + np.diag(lam)).logpdf(Y)
    if approx == "VFE":
        lp -= np.trace(k_np(X, X) - Q) / (2 * SIGMA**2)
    return float(lp)


def dense_predict(approx: str) -> tuple[np.ndarray, np.ndarray]:
    """Predictive mean and covariance of f at XNEW under the approximation:
    ``mu = Q_sf (Q_ff + Lambda)^-1 r``, ``cov = K_ss - Q_sf (Q_ff + Lambda)^-1 Q_fs``
    (FITC/DTC/VFE share it, with their Lambda; VFE's is DTC's)."""
    Q = nystrom(X, X)
    lam = SIGMA**2 * np.ones(len(X))
    if approx == "FITC":
        lam = lam + np.clip(np.diag(k_np(X, X)) - np.diag(Q), 0, None)
    S = Q + np.diag(lam)
    Qsf = nystrom(XNEW, X)
    mu = C + Qsf @ np.linalg.solve(S, Y - C)
    cov = k_np(XNEW, XNEW) - Qsf @ np.linalg.solve(S, Qsf.T)
    return mu, cov


@pytest.fixture(scope="module")
def models() -> dict[str, Any]:
    out = {}
    for approx in ("FITC", "VFE", "DTC"):
        with pg.Model() as model:
            sigma = pg.HalfNormal("sigma", 1.0)
            gp = pg.gp.MarginalApprox(
                approx=approx,
                mean_func=pg.gp.mean.Constant(C),
                cov_func=ETA**2 * pg.gp.cov.ExpQuad(1, ls=LS),
            )
            gp.marginal_likelihood("y", X=X, Xu=XU, y=Y, sigma=sigma)
        out[approx] = (model, gp)
    return out


@pytest.mark.parametrize("approx", ["FITC", "VFE", "DTC"])
def test_marginal_likelihood_is_the_dense_approximation(models: Any, approx: str) -> None:
    model, _ = models[approx]
    [pot] = model.potentials
    assert pot.name == "marginalapprox_loglik_y"
    got = pot.eval({model["sigma"]: SIGMA})
    np.testing.assert_allclose(got, dense_logp(approx), rtol=1e-9)


@pytest.mark.parametrize("approx", ["FITC", "VFE", "DTC"])
def test_predict_is_the_dense_approximation(models: Any, approx: str) -> None:
    _, gp = models[approx]
    mu_np, cov_np = dense_predict(approx)
    mu, cov = gp.predict(XNEW, point={"sigma": SIGMA})
    np.testing.assert_allclose(mu, mu_np, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(cov, cov_np + JIT * np.eye(3), rtol=1e-6, atol=1e-9)
    mu_d, var = gp.predict(XNEW, point={"sigma": SIGMA}, diag=True, pred_noise=True)
    np.testing.assert_allclose(mu_d, mu_np, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(var, np.diag(cov_np) + SIGMA**2, rtol=1e-6, atol=1e-9)


def test_dense_limit_and_errors() -> None:
    # with the inducing inputs at the data, DTC is the exact marginal likelihood
    with pg.Model() as model:
        gp = pg.gp.MarginalApprox(approx="DTC", cov_func=ETA**2 * pg.gp.cov.ExpQuad(1, ls=LS))
        gp.marginal_likelihood("y", X=X[:8], Xu=X[:8], y=Y[:8], sigma=SIGMA, jitter=1e-9)
    exact = stats.multivariate_normal(np.zeros(8), k_np(X[:8], X[:8]) + SIGMA**2 * np.eye(8))
    np.testing.assert_allclose(model.compile_logp()({}), exact.logpdf(Y[:8]), rtol=1e-6)
    with pytest.raises(ValueError, match="approx must be one of"):
        pg.gp.MarginalApprox(approx="SoR", cov_func=pg.gp.cov.ExpQuad(1, ls=LS))
    with pytest.raises(ValueError, match="call marginal_likelihood first"):
        pg.gp.MarginalApprox(cov_func=pg.gp.cov.ExpQuad(1, ls=LS)).predict(XNEW)


def test_float32_and_jit() -> None:
    import jax

    with pg.config.change_flags(floatX="float32"), pg.Model() as model:
        sigma = pg.HalfNormal("sigma", 1.0)
        gp = pg.gp.MarginalApprox(approx="FITC", cov_func=ETA**2 * pg.gp.cov.ExpQuad(1, ls=LS))
        gp.marginal_likelihood(
            "y", X=X.astype("float32"), Xu=XU, y=Y.astype("float32"), sigma=sigma
        )
        fn, position = pg.logdensity(model)
    assert fn(position).dtype == np.float32
    value = jax.jit(fn)({"sigma_log__": np.float32(np.log(SIGMA))})
    with pg.Model() as ref:
        sigma = pg.HalfNormal("sigma", 1.0)
        gp = pg.gp.MarginalApprox(approx="FITC", cov_func=ETA**2 * pg.gp.cov.ExpQuad(1, ls=LS))
        gp.marginal_likelihood("y", X=X, Xu=XU, y=Y, sigma=sigma, jitter=1e-4)
    expect = ref.compile_logp()({"sigma_log__": np.log(SIGMA)})
    np.testing.assert_allclose(float(value), expect, rtol=1e-4)


def test_latent_kron_is_the_dense_kronecker_gp() -> None:
    from ppgraph.gp.kron import cartesian

    X1, X2 = np.linspace(0, 1, 4)[:, None], np.linspace(0, 2, 3)[:, None]
    covs = [pg.gp.cov.ExpQuad(1, ls=0.5), pg.gp.cov.Matern52(1, ls=1.0)]
    with pg.Model() as model:
        gp = pg.gp.LatentKron(mean_func=pg.gp.mean.Constant(C), cov_funcs=covs)
        f = gp.prior("f", Xs=[X1, X2])
        fnew = gp.conditional("fnew", XNEW2 := np.array([[0.3, 0.4], [0.9, 1.7]]))
    # dense oracle: the product kernel on the full grid, written out in NumPy
    grid = cartesian(X1, X2)
    assert grid.tolist()[:4] == [[0.0, 0.0], [0.0, 1.0], [0.0, 2.0], [1 / 3, 0.0]]

    def k(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        r1 = np.abs(a[:, None, 0] - b[None, :, 0]) / 0.5
        r2 = np.sqrt(5) * np.abs(a[:, None, 1] - b[None, :, 1]) / 1.0
        return np.exp(-0.5 * r1**2) * (1 + r2 + r2**2 / 3) * np.exp(-r2)

    K1, K2 = k(grid[::3], grid[::3]), k(grid[:3], grid[:3])  # the factors, on their axes
    L = np.kron(np.linalg.cholesky(K1 + JIT * np.eye(4)), np.linalg.cholesky(K2 + JIT * np.eye(3)))
    v = RNG.normal(size=12)
    rotated = model["f_rotated_"]
    np.testing.assert_allclose(f.eval({rotated: v}), C + L @ v, rtol=1e-9)
    # the conditional against dense GP regression on the grid (kron of jittered factors)
    fv = C + L @ v
    Kxx = L @ L.T
    Ks = k(grid, XNEW2)
    mu = C + Ks.T @ np.linalg.solve(Kxx, fv - C)
    cov = k(XNEW2, XNEW2) - Ks.T @ np.linalg.solve(Kxx, Ks) + JIT * np.eye(2)
    value = np.array([0.1, -0.2])
    expect = stats.multivariate_normal(mu, cov).logpdf(value)
    np.testing.assert_allclose(pg.logp(fnew, value).eval({rotated: v}), expect, rtol=1e-6)
    with pytest.raises(ValueError, match="2 covariance functions but 1 inputs"):
        with pg.Model():
            pg.gp.LatentKron(cov_funcs=covs).prior("g", Xs=[X1])


def test_marginal_kron_is_the_dense_kronecker_likelihood() -> None:
    from ppgraph.gp.kron import cartesian

    X1, X2 = np.linspace(0, 1, 4)[:, None], np.linspace(0, 2, 3)[:, None]
    covs = [pg.gp.cov.ExpQuad(1, ls=0.5), pg.gp.cov.Matern52(1, ls=1.0)]
    y = np.sin(cartesian(X1, X2).sum(axis=1))
    with pg.Model():
        sigma = pg.HalfNormal("sigma", 1.0)
        gp = pg.gp.MarginalKron(mean_func=pg.gp.mean.Constant(C), cov_funcs=covs)
        obs = gp.marginal_likelihood("y", Xs=[X1, X2], y=y, sigma=sigma)
    r1 = (X1[:, None, 0] - X1[None, :, 0]) / 0.5
    r2 = np.sqrt(5) * np.abs(X2[:, None, 0] - X2[None, :, 0])
    K = np.kron(np.exp(-0.5 * r1**2), (1 + r2 + r2**2 / 3) * np.exp(-r2))
    for s in (0.1, 0.7):
        expect = stats.multivariate_normal(np.full(12, C), K + s**2 * np.eye(12)).logpdf(y)
        got = pg.logp(obs, y).eval({sigma: s})
        np.testing.assert_allclose(got, expect, rtol=1e-8)


def test_marginal_kron_predict_is_dense_gp_regression() -> None:
    from ppgraph.gp.kron import cartesian

    X1, X2 = np.linspace(0, 1, 3)[:, None], np.linspace(0, 2, 3)[:, None]
    grid = cartesian(X1, X2)
    y = np.cos(grid.sum(axis=1))
    Xn = np.array([[0.2, 0.3], [0.8, 1.9]])
    with pg.Model():
        gp = pg.gp.MarginalKron(
            cov_funcs=[pg.gp.cov.ExpQuad(1, ls=0.5), pg.gp.cov.ExpQuad(1, ls=1.0)]
        )
        gp.marginal_likelihood("y", Xs=[X1, X2], y=y, sigma=SIGMA)

    def k(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        d = (a[:, None, :] - b[None, :, :]) / np.array([0.5, 1.0])
        return np.exp(-0.5 * np.sum(d**2, axis=-1))

    S = k(grid, grid) + SIGMA**2 * np.eye(9)
    mu = k(Xn, grid) @ np.linalg.solve(S, y)
    cov = k(Xn, Xn) - k(Xn, grid) @ np.linalg.solve(S, k(grid, Xn))
    got_mu, got_cov = gp.predict(Xn)
    np.testing.assert_allclose(got_mu, mu, rtol=1e-8)
    np.testing.assert_allclose(got_cov, cov + JIT * np.eye(2), rtol=1e-7, atol=1e-10)
    _, var = gp.predict(Xn, diag=True, pred_noise=True)
    np.testing.assert_allclose(var, np.diag(cov) + SIGMA**2, rtol=1e-7)
