"""LKJCorr and LKJCholeskyCov against oracles from outside ppgraph: for n = 2 the
correlation's density is a scaled Beta(eta, eta) (scipy.stats.beta); for n = 3 and
eta = 1 the density is uniform on the correlation matrices, whose volume is
pi^2 / 2 (Rousseeuw & Molenberghs 1994); other normalizers by Monte Carlo
integration; the LKJCholeskyCov Jacobian by central differences in NumPy;
draws against the Beta(eta - 1 + n/2, eta - 1 + n/2) marginals of (r + 1) / 2."""

from __future__ import annotations

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt

rng = np.random.default_rng(3)


def _lkj2(r: np.ndarray, eta: np.ndarray) -> np.ndarray:
    return stats.beta(eta, eta).logpdf((r + 1) / 2) - np.log(2)


def test_lkjcorr_n2_is_a_scaled_beta_and_its_gradient() -> None:
    eta_v, x = pt.vector("eta"), pt.matrix("x", shape=(None, 1))
    lp = pg.logp(pg.LKJCorr.dist(n=2, eta=eta_v), x)
    f = pg.function([x, eta_v], lp)
    eta = np.array([0.5, 1.0, 2.0, 7.5, 30.0])
    r = rng.uniform(-1, 1, size=(5, 1))
    np.testing.assert_allclose(f(r, eta), _lkj2(r[:, 0], eta), rtol=1e-8)
    with jax.enable_x64(True):
        grad = jax.grad(lambda e: jnp.sum(f.jax_fn(jnp.asarray(r), e)))(jnp.asarray(eta))
    eps = 1e-6
    want = (_lkj2(r[:, 0], eta + eps) - _lkj2(r[:, 0], eta - eps)) / (2 * eps)
    np.testing.assert_allclose(grad, want, rtol=1e-6)
    np.testing.assert_array_equal(f(np.array([[1.5], [np.nan]]), eta[:2]), -np.inf)


def _corr3(packed: np.ndarray) -> np.ndarray:
    r = np.eye(3)[None].repeat(len(packed), 0)
    r[:, 0, 1] = r[:, 1, 0] = packed[:, 0]
    r[:, 0, 2] = r[:, 2, 0] = packed[:, 1]
    r[:, 1, 2] = r[:, 2, 1] = packed[:, 2]
    return r


def test_lkjcorr_n3_uniform_density_and_support() -> None:
    x = pt.matrix("x", shape=(None, 3))
    f = pg.function([x], pg.logp(pg.LKJCorr.dist(n=3, eta=1.0), x))
    pts = rng.uniform(-1, 1, size=(400, 3))
    pd = np.linalg.eigvalsh(_corr3(pts)).min(-1) > 0
    got = f(pts)
    np.testing.assert_allclose(got[pd], -np.log(np.pi**2 / 2), rtol=1e-12)
    np.testing.assert_array_equal(got[~pd], -np.inf)


@pytest.mark.parametrize("eta", [0.8, 2.5])
def test_lkjcorr_n3_shape_and_normalization(eta: float) -> None:
    x = pt.matrix("x", shape=(None, 3))
    f = pg.function([x], pg.logp(pg.LKJCorr.dist(n=3, eta=eta), x))
    pts = rng.uniform(-1, 1, size=(400_000, 3))
    got = f(pts)
    pd = np.isfinite(got)
    logdet = np.linalg.slogdet(_corr3(pts[pd]))[1]
    np.testing.assert_allclose(got[pd] - got[pd][0], (eta - 1) * (logdet - logdet[0]), atol=1e-9)
    integral = 8 * np.mean(np.exp(got))  # the cube [-1, 1]^3 has volume 8
    assert abs(integral - 1) < 0.01, integral


def test_lkjcorr_draws_have_beta_marginals() -> None:
    n, eta = 4, 2.0
    d = pg.draw(pg.LKJCorr.dist(n=n, eta=eta, size=2), draws=10_000, random_seed=5)
    assert d.shape == (10_000, 2, 6)
    d = d.reshape(-1, 6)
    rows, cols = np.triu_indices(n, 1)
    full = np.eye(n)[None].repeat(len(d), 0)
    full[:, rows, cols] = full[:, cols, rows] = d
    assert (np.linalg.eigvalsh(full).min(-1) > 0).all()
    marginal = stats.beta(eta - 1 + n / 2, eta - 1 + n / 2)
    for k in range(6):
        assert stats.kstest((d[:, k] + 1) / 2, marginal.cdf).pvalue > 1e-3


def _fd_jacobian(fn, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:  # type: ignore[no-untyped-def]
    cols = []
    for i in range(len(x)):
        step = np.zeros_like(x)
        step[i] = eps
        cols.append((fn(x + step) - fn(x - step)) / (2 * eps))
    return np.stack(cols, axis=-1)


def _sd_and_corr(packed: np.ndarray, n: int) -> np.ndarray:
    """(row norms of L, upper off-diagonal correlations of L L^T) from the packed L."""
    low = np.zeros((n, n))
    low[np.tril_indices(n)] = packed
    sd = np.linalg.norm(low, axis=1)
    corr = (low @ low.T) / np.outer(sd, sd)
    return np.r_[sd, corr[np.triu_indices(n, 1)]]


def _random_chol(n: int) -> np.ndarray:
    a = rng.normal(size=(n, n))
    low = np.linalg.cholesky(a @ a.T + np.eye(n))
    return low[np.tril_indices(n)]


@pytest.mark.parametrize(("n", "eta"), [(2, 0.7), (2, 3.0), (3, 1.0)])
def test_lkjcholeskycov_density_by_change_of_variables(n: int, eta: float) -> None:
    """p(L) = p_sd(sd) p_LKJ(R) |d(sd, R) / dL|, every factor from outside ppgraph."""
    x = pt.vector("x", shape=(n * (n + 1) // 2,))
    sd_dist = pg.HalfNormal.dist(sigma=1.5)
    rv = pg.LKJCholeskyCov.dist(eta=eta, n=n, sd_dist=sd_dist, compute_corr=False)
    f = pg.function([x], pg.logp(rv, x))
    for _ in range(3):
        packed = _random_chol(n)
        sd_r = _sd_and_corr(packed, n)
        sd, r = sd_r[:n], sd_r[n:]
        lkj = _lkj2(r[0], eta) if n == 2 else -np.log(np.pi**2 / 2)
        jac = np.linalg.slogdet(_fd_jacobian(lambda p: _sd_and_corr(p, n), packed))[1]
        want = stats.halfnorm(scale=1.5).logpdf(sd).sum() + lkj + jac
        np.testing.assert_allclose(f(packed), want, rtol=1e-7)
    negative_diagonal = -_random_chol(n)
    assert f(negative_diagonal) == -np.inf


def test_lkjcholeskycov_draws_and_helper() -> None:
    n, eta = 3, 1.5
    sd_dist = pg.HalfNormal.dist(sigma=2.0)
    chol, corr, stds = pg.LKJCholeskyCov.dist(eta=eta, n=n, sd_dist=sd_dist, size=2)
    assert chol.type.shape == (2, n, n) and corr.type.shape == (2, n, n)
    c, r, s = pg.draw([chol, corr, stds], draws=8_000, random_seed=9)
    np.testing.assert_allclose(c @ np.swapaxes(c, -1, -2), r * s[..., :, None] * s[..., None, :])
    np.testing.assert_allclose(np.diagonal(r, axis1=-2, axis2=-1), 1.0)
    assert (np.diagonal(c, axis1=-2, axis2=-1) > 0).all() and (np.triu(c, 1) == 0).all()
    assert stats.kstest(s.reshape(-1), stats.halfnorm(scale=2.0).cdf).pvalue > 1e-3
    marginal = stats.beta(eta - 1 + n / 2, eta - 1 + n / 2)
    for i, j in zip(*np.triu_indices(n, 1), strict=True):
        assert stats.kstest((r[..., i, j].reshape(-1) + 1) / 2, marginal.cdf).pvalue > 1e-3
    # the two batch members draw their own standard deviations
    assert not np.allclose(s[:, 0], s[:, 1])


def test_packed_helpers_and_bad_input() -> None:
    np.testing.assert_array_equal(
        pg.expand_packed_triangular(3, np.arange(1.0, 7.0)).eval(),
        [[1, 0, 0], [2, 3, 0], [4, 5, 6]],
    )
    np.testing.assert_array_equal(
        pg.expand_packed_triangular(2, [1.0, 2.0, 3.0], lower=False).eval(), [[1, 2], [0, 3]]
    )
    corr = pg.LKJCorr.dist(n=3, eta=2.0, return_matrix=True)
    assert corr.type.shape == (3, 3)
    with pytest.raises(TypeError, match="n must be a constant positive int"):
        pg.LKJCorr.dist(n=pt.scalar("n", dtype="int64"), eta=1.0)
    with pytest.raises(TypeError, match="sd_dist must be a distribution variable"):
        pg.LKJCholeskyCov.dist(eta=1.0, n=3, sd_dist=np.ones(3))
    with pytest.raises(TypeError, match="unknown parameter 'sd'"):
        pg.LKJCholeskyCov.dist(eta=1.0, n=3, sd_dist=pg.HalfNormal.dist(1.0), sd=1.0)


@pytest.mark.parametrize("which", ["LKJCorr", "LKJCholeskyCov"])
def test_lkj_check_modes(which: str) -> None:
    if which == "LKJCorr":
        rv, value = pg.LKJCorr.dist(n=2, eta=-1.0), np.array([0.2])
    else:
        sd_dist = pg.HalfNormal.dist(1.0)
        rv = pg.LKJCholeskyCov.dist(eta=0.0, n=2, sd_dist=sd_dist, compute_corr=False)
        value = np.array([1.0, 0.2, 1.0])
    x = pt.vector("x", shape=value.shape)
    lp = pg.logp(rv, x)
    with pytest.raises(pg.ParameterValueError, match=re.escape("eta > 0")):
        pg.function([x], lp)(value)
    assert pg.function([x], lp, check_mode="-inf")(value) == -np.inf


@pytest.mark.parametrize(("name", "n"), [("cholesky_corr", 2), ("cholesky_corr", 4),
                                         ("cholesky-cov-packed", 3)])  # fmt: skip
def test_lkj_transforms_round_trip_and_log_jacobian(name: str, n: int) -> None:
    from ppgraph.logprob.transforms import get_transform

    tr = get_transform(name)
    size = n * (n - 1) // 2 if name == "cholesky_corr" else n * (n + 1) // 2
    y = pt.vector("y", shape=(size,))
    backward = pg.function([y], tr.backward(y))
    log_jac = pg.function([y], tr.log_jac_det(y))
    x = pt.vector("x", shape=(size,))
    forward = pg.function([x], tr.forward(x))
    for _ in range(3):
        point = rng.normal(size=size)
        value = backward(point)
        np.testing.assert_allclose(forward(value), point, rtol=1e-9, atol=1e-12)
        with jax.enable_x64(True):
            jac = jax.jacobian(backward.jax_fn)(jnp.asarray(point))
        np.testing.assert_allclose(log_jac(point), np.linalg.slogdet(np.asarray(jac))[1], rtol=1e-9)
    if name == "cholesky_corr":  # the values are correlation matrices
        rv = pg.LKJCorr.dist(n=n, eta=1.0)
        assert np.isfinite(pg.logp(rv, backward(rng.normal(size=size) * 3)).eval())


def test_lkjcholeskycov_in_a_model() -> None:
    data = rng.normal(size=(20, 3))
    with pg.Model() as model:
        chol, corr, stds = pg.LKJCholeskyCov("chol", eta=2.0, n=3, sd_dist=pg.HalfNormal.dist(1.0))
        pg.MvNormal("x", mu=np.zeros(3), chol=chol, observed=data)
    assert corr.type.shape == (3, 3) and stds.type.shape == (3,)
    assert [v.name for v in model.value_vars] == ["chol_cholesky-cov-packed__"]
    point = model.initial_point()
    # at the identity Cholesky factor: HalfNormal(1) sds of 1, LKJ(2) at R = I, the data
    want = (
        3 * stats.halfnorm.logpdf(1.0)
        + pg.logp(pg.LKJCorr.dist(n=3, eta=2.0), np.zeros(3)).eval()
        + stats.multivariate_normal.logpdf(data, np.zeros(3), np.eye(3)).sum()
    )
    np.testing.assert_allclose(model.compile_logp(jacobian=False)(point), want, rtol=1e-10)
