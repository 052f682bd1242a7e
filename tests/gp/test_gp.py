"""Latent and Marginal against closed-form GP regression in NumPy and SciPy."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
from ppgraph.errors import ParameterValueError

RNG = np.random.default_rng(1)
X = np.sort(RNG.uniform(0, 5, size=12))[:, None]
Y = np.sin(X[:, 0]) + 0.1 * RNG.normal(size=12)
XNEW = np.array([[0.5], [2.2], [6.0]])
LS, ETA, SIGMA, C = 0.9, 1.4, 0.2, 0.3
JIT = 1e-6


def k_np(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """ETA^2 exp(-(a - b)^2 / (2 LS^2)), by broadcasting."""
    return ETA**2 * np.exp(-0.5 * ((a[:, None, 0] - b[None, :, 0]) / LS) ** 2)


def regression_np(noise: bool) -> tuple[np.ndarray, np.ndarray]:
    """The textbook posterior of f (or of new y) at XNEW (Rasmussen & Williams eq. 2.23-2.24)."""
    K = k_np(X, X) + (SIGMA**2 + JIT) * np.eye(len(X))
    Ks = k_np(X, XNEW)
    mu = C + Ks.T @ np.linalg.solve(K, Y - C)
    cov = k_np(XNEW, XNEW) - Ks.T @ np.linalg.solve(K, Ks)
    return mu, cov + (SIGMA**2 * np.eye(len(XNEW)) if noise else 0)


POINT = {"ls": LS, "eta": ETA, "sigma": SIGMA}


@pytest.fixture(scope="module")
def marginal() -> tuple[pg.Model, Any, Any]:
    with pg.Model() as model:
        ls = pg.HalfNormal("ls", 2.0)
        eta = pg.HalfNormal("eta", 2.0)
        sigma = pg.HalfNormal("sigma", 1.0)
        gp = pg.gp.Marginal(
            mean_func=pg.gp.mean.Constant(C), cov_func=pg.gp.cov.ExpQuad(1, ls=ls) * eta**2
        )
        y = gp.marginal_likelihood("y", X=X, y=Y, sigma=sigma)
        fnew = gp.conditional("fnew", XNEW)
        ynew = gp.conditional("ynew", XNEW, pred_noise=True)
    return model, gp, (y, fnew, ynew, ls, eta, sigma)


def test_marginal_likelihood_is_scipy_multivariate_normal(marginal: Any) -> None:
    model, _, (y, *_rest) = marginal
    point = {"ls_log__": np.log(LS), "eta_log__": np.log(ETA), "sigma_log__": np.log(SIGMA)}
    point |= {"fnew": np.zeros(3), "ynew": np.zeros(3)}  # not in the term asked for
    terms = model.compile_logp(vars=[y], sum=True)(point)
    cov = k_np(X, X) + (SIGMA**2 + JIT) * np.eye(len(X))
    expect = stats.multivariate_normal(np.full(len(X), C), cov).logpdf(Y)
    np.testing.assert_allclose(terms, expect, rtol=1e-10)


@pytest.mark.parametrize("pred_noise", [False, True])
def test_predict_is_closed_form_regression(marginal: Any, pred_noise: bool) -> None:
    _, gp, _ = marginal
    mu_np, cov_np = regression_np(pred_noise)
    mu, cov = gp.predict(XNEW, point=POINT, pred_noise=pred_noise)
    np.testing.assert_allclose(mu, mu_np, rtol=1e-8)
    jitter = 0.0 if pred_noise else JIT  # as PyMC: a noise-free matrix is jittered
    np.testing.assert_allclose(cov, cov_np + jitter * np.eye(3), rtol=1e-7, atol=1e-10)
    mu_d, var = gp.predict(XNEW, point=POINT, diag=True, pred_noise=pred_noise)
    np.testing.assert_allclose(mu_d, mu_np, rtol=1e-8)
    np.testing.assert_allclose(var, np.diag(cov_np), rtol=1e-7, atol=1e-10)


def test_predict_names_missing_point_values(marginal: Any) -> None:
    _, gp, _ = marginal
    with pytest.raises(ValueError, match=r"point has no value for \['eta', 'sigma'\]"):
        gp.predict(XNEW, point={"ls": LS})


def test_conditional_is_the_closed_form_mvnormal(marginal: Any) -> None:
    _, _, (_, fnew, ynew, ls, eta, sigma) = marginal
    value = np.array([0.3, 0.7, -0.1])
    givens = {ls: LS, eta: ETA, sigma: SIGMA}
    for rv, noise in ((fnew, False), (ynew, True)):
        mu, cov = regression_np(noise)
        jitter = 0.0 if noise else JIT  # as PyMC: only the noise-free one is jittered
        expect = stats.multivariate_normal(mu, cov + jitter * np.eye(3)).logpdf(value)
        got = pg.logp(rv, value).eval(givens)
        np.testing.assert_allclose(got, expect, rtol=1e-7)


def test_noise_kernel_and_given() -> None:
    with pg.Model():
        gp = pg.gp.Marginal(cov_func=pg.gp.cov.ExpQuad(1, ls=LS) * ETA**2)
        noise = pg.gp.cov.WhiteNoise(SIGMA)
        y = gp.marginal_likelihood("y", X=X, y=Y, sigma=noise)
    expect = stats.multivariate_normal(
        np.zeros(len(X)), k_np(X, X) + (SIGMA**2 + JIT) * np.eye(len(X))
    ).logpdf(Y)
    np.testing.assert_allclose(pg.logp(y, Y).eval(), expect, rtol=1e-10)
    fresh = pg.gp.Marginal(cov_func=pg.gp.cov.ExpQuad(1, ls=LS) * ETA**2)
    mu, _ = fresh.predict(XNEW, given={"X": X, "y": Y, "sigma": SIGMA})
    K = k_np(X, X) + (SIGMA**2 + JIT) * np.eye(len(X))
    np.testing.assert_allclose(mu, k_np(X, XNEW).T @ np.linalg.solve(K, Y), rtol=1e-8)


def test_latent_prior_and_conditional() -> None:
    with pg.Model() as model:
        ls = pg.HalfNormal("ls", 2.0)
        gp = pg.gp.Latent(mean_func=pg.gp.mean.Constant(C), cov_func=pg.gp.cov.ExpQuad(1, ls=ls))
        f = gp.prior("f", X=X)
        fnew = gp.conditional("fnew", XNEW)
    assert [v.name for v in model.value_vars] == ["ls_log__", "f_rotated_", "fnew"]
    v = RNG.normal(size=len(X))
    K = k_np(X, X) / ETA**2 + JIT * np.eye(len(X))
    L = np.linalg.cholesky(K)
    rotated = model.free_RVs[1]
    np.testing.assert_allclose(f.eval({ls: LS, rotated: v}), C + L @ v, rtol=1e-10)
    # f at X is known: the conditional is the noise-free regression from (X, f)
    fx = C + L @ v
    Ks = k_np(X, XNEW) / ETA**2
    mu = C + Ks.T @ np.linalg.solve(K, fx - C)
    cov = k_np(XNEW, XNEW) / ETA**2 - Ks.T @ np.linalg.solve(K, Ks) + JIT * np.eye(3)
    value = mu + 0.01
    expect = stats.multivariate_normal(mu, cov).logpdf(value)
    got = pg.logp(fnew, value).eval({ls: LS, rotated: v})
    np.testing.assert_allclose(got, expect, rtol=1e-6)


def test_latent_prior_not_reparameterized_is_mvnormal() -> None:
    with pg.Model():
        gp = pg.gp.Latent(cov_func=pg.gp.cov.Matern32(1, ls=LS))
        f = gp.prior("f", X=X, reparameterize=False)
    r = np.abs(X - X.T) * np.sqrt(3) / LS
    K = (1 + r) * np.exp(-r) + JIT * np.eye(len(X))
    expect = stats.multivariate_normal(np.zeros(len(X)), K).logpdf(Y)
    np.testing.assert_allclose(pg.logp(f, Y).eval(), expect, rtol=1e-9)


def _not_pd_models() -> list[pg.Model]:
    """Two models whose covariance is not positive definite where ``eta < 0``."""
    models = []
    for kind in ("marginal", "latent"):
        with pg.Model() as model:
            eta = pg.Normal("eta", 1.0, 1.0)
            cov = pg.gp.cov.ExpQuad(1, ls=LS) * eta
            if kind == "marginal":
                pg.gp.Marginal(cov_func=cov).marginal_likelihood("y", X=X, y=Y, sigma=0.1)
            else:
                f = pg.gp.Latent(cov_func=cov).prior("f", X=X)
                pg.Normal("y", mu=f, sigma=0.1, observed=Y)
        models.append(model)
    return models


def test_not_positive_definite_is_minus_inf_or_a_named_error() -> None:
    for model in _not_pd_models():
        point = {k: np.zeros_like(v) for k, v in model.initial_point().items()}
        bad = {**point, "eta": np.array(-1.0)}
        assert np.isfinite(model.compile_logp(check_mode="-inf")(point))
        assert model.compile_logp(check_mode="-inf")(bad) == -np.inf
        with pytest.raises(ParameterValueError, match="cov positive definite"):
            model.compile_logp(check_mode="raise")(bad)
        logdensity, position = pg.logdensity(model)
        assert float(logdensity({**position, "eta": -1.0})) == -np.inf


def test_float32_marginal_and_predict() -> None:
    with pg.config.change_flags(floatX="float32"):
        with pg.Model() as model:
            ls = pg.HalfNormal("ls", 2.0)
            gp = pg.gp.Marginal(cov_func=pg.gp.cov.ExpQuad(1, ls=ls) * np.float32(ETA**2))
            y = gp.marginal_likelihood(
                "y", X=X.astype("float32"), y=Y.astype("float32"), sigma=SIGMA
            )
        logp = model.compile_logp(vars=[y])({"ls_log__": np.float32(np.log(LS))})
        mu, var = gp.predict(XNEW.astype("float32"), point={"ls": np.float32(LS)}, diag=True)
    assert np.asarray(logp).dtype == np.float32 and mu.dtype == np.float32
    jit32 = 1e-4  # the float32 jitter
    K = k_np(X, X) + (SIGMA**2 + jit32) * np.eye(len(X))
    expect = stats.multivariate_normal(np.zeros(len(X)), K).logpdf(Y)
    np.testing.assert_allclose(logp, expect, rtol=2e-5)
    Ks = k_np(X, XNEW)
    np.testing.assert_allclose(mu, Ks.T @ np.linalg.solve(K, Y), rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(
        var, ETA**2 - np.sum(Ks * np.linalg.solve(K, Ks), 0), rtol=1e-3, atol=1e-4
    )


def test_conditional_before_prior_is_an_error() -> None:
    with pg.Model(), pytest.raises(ValueError, match="call prior"):
        pg.gp.Latent(cov_func=pg.gp.cov.ExpQuad(1, ls=1.0)).conditional("g", XNEW)
    with pytest.raises(TypeError, match="cov_func must be a covariance function"):
        pg.gp.Marginal(cov_func=np.eye(2))


def test_logdensity_under_jit_and_vmap() -> None:
    import jax

    with pg.Model() as model:
        ls = pg.HalfNormal("ls", 2.0)
        gp = pg.gp.Marginal(cov_func=pg.gp.cov.Matern52(1, ls=ls))
        gp.marginal_likelihood("y", X=X, y=Y, sigma=SIGMA)
    logdensity, _ = pg.logdensity(model)
    log_ls = np.log([0.5, 1.0, 2.0])
    with jax.enable_x64(True):  # a float64 model computes in float64
        batched = jax.jit(jax.vmap(lambda v: logdensity({"ls_log__": v})))(log_ls)
    for v, got in zip(log_ls, np.asarray(batched), strict=True):
        r = np.abs(X - X.T) * np.sqrt(5) / np.exp(v)
        K = (1 + r + r**2 / 3) * np.exp(-r) + (SIGMA**2 + JIT) * np.eye(len(X))
        expect = stats.multivariate_normal(np.zeros(len(X)), K).logpdf(Y)
        expect += stats.halfnorm(scale=2.0).logpdf(np.exp(v)) + v  # prior and log-Jacobian
        np.testing.assert_allclose(got, expect, rtol=1e-9)


def test_student_t_process_prior_and_conditional() -> None:
    nu = 5.0
    with pg.Model() as model:
        tp = pg.gp.TP(scale_func=pg.gp.cov.ExpQuad(1, ls=LS), nu=nu)
        f = tp.prior("f", X=X)
        fnew = tp.conditional("fnew", XNEW)
        g = pg.gp.TP(scale_func=pg.gp.cov.ExpQuad(1, ls=LS), nu=nu).prior(
            "g", X=X, reparameterize=False
        )
    assert [v.name for v in model.free_RVs] == ["f_rotated_", "f_chi2_", "fnew", "g"]
    K = k_np(X, X) / ETA**2 + JIT * np.eye(len(X))
    expect_g = stats.multivariate_t(np.zeros(len(X)), K, df=nu).logpdf(Y)
    np.testing.assert_allclose(pg.logp(g, Y).eval(), expect_g, rtol=1e-9)
    v, chi2 = np.random.default_rng(4).normal(size=len(X)), 3.0
    rotated, chi2_rv = model.free_RVs[:2]
    fx = np.linalg.cholesky(K) @ v * np.sqrt(nu / chi2)
    np.testing.assert_allclose(f.eval({rotated: v, chi2_rv: chi2}), fx, rtol=1e-10)
    # Shah et al. (2014), eq. 5: the conditional is multivariate t with nu + n dof
    Ks = k_np(X, XNEW) / ETA**2
    mu = Ks.T @ np.linalg.solve(K, fx)
    beta = fx @ np.linalg.solve(K, fx)
    scale = (
        (nu + beta - 2)
        / (nu + len(X) - 2)
        * (k_np(XNEW, XNEW) / ETA**2 - Ks.T @ np.linalg.solve(K, Ks))
    )
    scale += JIT * np.eye(3)
    value = mu + 0.05
    expect = stats.multivariate_t(mu, scale, df=nu + len(X)).logpdf(value)
    got = pg.logp(fnew, value).eval({rotated: v, chi2_rv: chi2})
    np.testing.assert_allclose(got, expect, rtol=1e-6)


def test_fixed_kernel_is_factored_once() -> None:
    from ppgraph.graph.traversal import toposort

    n = 100  # beyond constant folding's size limit
    Xf = np.linspace(0, 5, n)[:, None]
    with pg.Model() as model:
        f = pg.gp.Latent(cov_func=pg.gp.cov.ExpQuad(1, ls=LS)).prior("f", X=Xf)
        pg.Normal("y", mu=f, sigma=0.1, observed=np.sin(Xf[:, 0]))
    fn = model.compile_logp()
    assert not any("Cholesky" in str(node.op) for node in toposort(fn.function.outputs))
    v = np.random.default_rng(5).normal(size=n)
    K = ETA**-2 * k_np(Xf, Xf) + JIT * np.eye(n)
    fx = np.linalg.cholesky(K) @ v
    expect = stats.norm.logpdf(v).sum() + stats.norm(fx, 0.1).logpdf(np.sin(Xf[:, 0])).sum()
    np.testing.assert_allclose(fn({"f_rotated_": v}), expect, rtol=1e-9)


def _cholesky_count(model: pg.Model) -> int:
    """Cholesky primitives in the lowered jaxpr of the log-density and its gradient."""
    import jax

    fn, position = pg.logdensity(model)
    with jax.enable_x64(True):
        jaxpr = jax.make_jaxpr(jax.value_and_grad(fn))(position)
    return len(re.findall(r"= cholesky\b", str(jaxpr)))  # the primitive's equations


@pytest.mark.parametrize("free_ls", [False, True])
def test_marginal_fixed_kernel_is_factored_once_at_compile_time(free_ls: bool) -> None:
    # 100 x 100 kernel entries: beyond constant folding's limit for elementwise work
    n = 100
    Xf = np.linspace(0, 5, n)[:, None]
    yf = np.sin(Xf[:, 0])
    with pg.Model() as model:
        b = pg.Normal("b", 0.0, 1.0)
        ls = pg.HalfNormal("ls", 1.0) if free_ls else LS
        gp = pg.gp.Marginal(
            mean_func=pg.gp.mean.Constant(b), cov_func=pg.gp.cov.ExpQuad(1, ls=ls) * ETA**2
        )
        gp.marginal_likelihood("y", X=Xf, y=yf, sigma=SIGMA)
    # a kernel with a free lengthscale is factored at every call: the count can fail
    assert (_cholesky_count(model) > 0) == free_ls
    if free_ls:
        return
    K = k_np(Xf, Xf) + (SIGMA**2 + JIT) * np.eye(n)
    logp = model.compile_logp()
    for bv in (0.0, 0.7):
        expect = stats.norm.logpdf(bv) + stats.multivariate_normal(np.full(n, bv), K).logpdf(yf)
        np.testing.assert_allclose(logp({"b": bv}), expect, rtol=1e-9)
