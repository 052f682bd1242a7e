"""MatrixNormal, KroneckerNormal, Wishart, CAR, ICAR, StickBreakingWeights and
PolyaGamma: log-densities against ``scipy.stats`` (matrix_normal, wishart,
multivariate_normal with the Kronecker or CAR covariance), closed forms and
mpmath; draws by moments and Kolmogorov-Smirnov tests; float32; jit and vmap."""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate, stats

import ppgraph as pg
import ppgraph.tensor as pt

rng = np.random.default_rng(3)
U = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 1.5]])  # among rows
V = np.array([[1.0, 0.4], [0.4, 3.0]])  # among columns
M = rng.normal(size=(3, 2))
W = np.array([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]])  # a 4-cycle
DRAWS = 10_000


def _wishart(**kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pg.Wishart.dist(**kwargs)


def _car_prec(alpha: float, tau: float) -> np.ndarray:
    return tau * (np.diag(W.sum(1)) - alpha * W)


def _sbw_logpdf(x: np.ndarray, alpha: float) -> float:
    """Stick-breaking weights by change of variables from v_k ~ Beta(1, alpha):
    v_k = x_k / S_k, S_k = sum_{j >= k} x_j, Jacobian prod 1 / S_k."""
    tails = np.cumsum(x[::-1])[::-1][:-1]
    return float(stats.beta(1, alpha).logpdf(x[:-1] / tails).sum() - np.log(tails).sum())


def test_matrix_normal_logp_matches_scipy_for_each_parametrization() -> None:
    x = rng.normal(size=(4, 3, 2))
    want = [stats.matrix_normal.logpdf(xi, M, U, V) for xi in x]
    chol_u = np.linalg.cholesky(U)
    for kwargs in (
        {"rowcov": U, "colcov": V},
        {"rowchol": chol_u, "colchol": np.linalg.cholesky(V)},
        {"rowtau": np.linalg.inv(U), "coltau": np.linalg.inv(V)},
    ):
        got = pg.logp(pg.MatrixNormal.dist(mu=M, **kwargs), x).eval()
        np.testing.assert_allclose(got, want, rtol=1e-10, err_msg=str(list(kwargs)))


def test_kronecker_normal_logp_matches_a_dense_mvnormal() -> None:
    x = rng.normal(size=(4, 6))
    mu = rng.normal(size=6)
    for sigma in (0.0, 0.5):
        cov = np.kron(U, V) + sigma**2 * np.eye(6)
        want = stats.multivariate_normal.logpdf(x, mu, cov)
        for kwargs in (
            {"covs": [U, V]},
            {"chols": [np.linalg.cholesky(U), np.linalg.cholesky(V)]},
            {"evds": [np.linalg.eigh(U), np.linalg.eigh(V)]},
        ):
            got = pg.logp(pg.KroneckerNormal.dist(mu=mu, sigma=sigma, **kwargs), x).eval()
            np.testing.assert_allclose(got, want, rtol=1e-10, err_msg=f"{list(kwargs)} {sigma}")


def test_wishart_warns_and_its_logp_matches_scipy() -> None:
    with pytest.warns(UserWarning, match="LKJCholeskyCov"):
        pg.Wishart.dist(nu=4.0, V=V)
    x = stats.wishart(5.0, V).rvs(size=4, random_state=1)
    got = pg.logp(_wishart(nu=5.0, V=V), x).eval()
    np.testing.assert_allclose(got, stats.wishart(5.0, V).logpdf(np.moveaxis(x, 0, -1)), rtol=1e-10)
    # not symmetric, not positive definite: no density
    bad = np.array([[[1.0, 0.2], [0.3, 1.0]], [[1.0, 2.0], [2.0, 1.0]]])
    np.testing.assert_array_equal(pg.logp(_wishart(nu=5.0, V=V), bad).eval(), -np.inf)
    with pytest.raises(pg.ParameterValueError, match="nu > p - 1"):
        pg.logp(_wishart(nu=0.5, V=V), x[0]).eval()


def test_car_logp_is_a_dense_mvnormal_with_the_car_precision() -> None:
    mu = rng.normal(size=4)
    x = rng.normal(size=(3, 4))
    alpha = np.array([0.9, -0.5, 0.0])
    got = pg.logp(pg.CAR.dist(mu=mu, W=W, alpha=alpha, tau=1.7), x).eval()
    want = [
        stats.multivariate_normal.logpdf(xi, mu, np.linalg.inv(_car_prec(a, 1.7)))
        for xi, a in zip(x, alpha, strict=True)
    ]
    np.testing.assert_allclose(got, want, rtol=1e-10)
    with pytest.raises(pg.ParameterValueError, match="alpha < 1"):
        pg.logp(pg.CAR.dist(mu=mu, W=W, alpha=1.5, tau=1.0), x[0]).eval()


def test_icar_logp_is_pymcs_pairwise_form() -> None:
    x = rng.normal(size=4)
    sigma, stdev = 1.3, 0.01
    edges = [(i, j) for i in range(4) for j in range(i) if W[i, j]]
    want = -sum((x[i] - x[j]) ** 2 for i, j in edges) / (2 * sigma**2)
    want += stats.norm(0, stdev * 4).logpdf(x.sum())
    got = pg.logp(pg.ICAR.dist(W=W, sigma=sigma, zero_sum_stdev=stdev), x).eval()
    np.testing.assert_allclose(got, want, rtol=1e-12)
    with pytest.raises(ValueError, match="W must be symmetric"):
        pg.ICAR.dist(W=np.triu(W))
    with pytest.raises(ValueError, match="only 0s and 1s"):
        pg.ICAR.dist(W=2 * W)


def test_stick_breaking_logp_by_change_of_variables() -> None:
    x = rng.dirichlet(np.ones(5), size=3)
    alpha = np.array([0.5, 1.0, 4.0])
    got = pg.logp(pg.StickBreakingWeights.dist(alpha=alpha, K=4), x).eval()
    want = [_sbw_logpdf(xi, a) for xi, a in zip(x, alpha, strict=True)]
    np.testing.assert_allclose(got, want, rtol=1e-10)
    off = np.array([[0.5, 0.5, 0.1, 0.0, -0.1], [0.5, 0.6, 0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(
        pg.logp(pg.StickBreakingWeights.dist(1.0, 4), off).eval(), -np.inf
    )
    with pytest.raises(TypeError, match="K must be a constant"):
        pg.StickBreakingWeights.dist(alpha=1.0, K=pt.scalar("K", dtype="int64"))


def test_polyagamma_logp_against_mpmath_and_its_moments() -> None:
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50

    def pg1(x: float) -> float:  # PG(1, 0) by its large-x series (not the one in the code)
        half = mpmath.mpf(1) / 2

        def terms(n: Any) -> Any:
            return (-1) ** n * (n + half) * mpmath.exp(-2 * (n + half) ** 2 * mpmath.pi**2 * x)

        return float(mpmath.log(4 * mpmath.pi * mpmath.nsum(terms, [0, mpmath.inf])))

    xs = np.array([0.02, 0.1, 0.25, 0.6, 1.5, 4.0, 20.0])
    v, h, z = pt.vector("v"), pt.scalar("h"), pt.scalar("z")
    f = pg.function([v, h, z], pg.logp(pg.PolyaGamma.dist(h=h, z=z), v))
    np.testing.assert_allclose(f(xs, 1.0, 0.0), [pg1(x) for x in xs], rtol=1e-12)
    # tilting: log cosh(z/2) - z^2 x / 2 on top of PG(1, 0)
    tilt = np.log(np.cosh(1.5)) - 4.5 * xs
    np.testing.assert_allclose(f(xs, 1.0, 3.0), [pg1(x) for x in xs] + tilt, rtol=1e-12)
    for hh, zz in [(0.5, -3.0), (2.5, 1.5), (7.0, 0.0)]:
        dens = lambda x, hh=hh, zz=zz: float(np.exp(f(np.array([x]), hh, zz)[0]))  # noqa: E731
        total = integrate.quad(dens, 0, np.inf, limit=200)[0]
        mean = integrate.quad(lambda x, d=dens: x * d(x), 0, np.inf, limit=200)[0]
        np.testing.assert_allclose(total, 1.0, rtol=1e-8)
        want = hh / 4 if zz == 0 else hh / (2 * zz) * np.tanh(zz / 2)  # Polson et al., eq. 2
        np.testing.assert_allclose(mean, want, rtol=1e-8)
    np.testing.assert_array_equal(f(np.array([0.0, -1.0, np.inf]), 1.0, 0.0), -np.inf)
    # draws: tests/distributions/test_polyagamma.py


def _moments(d: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> None:
    flat = d.reshape(len(d), -1)
    se = np.sqrt(np.diag(cov) / len(d))
    np.testing.assert_allclose(flat.mean(0), mean.reshape(-1), atol=5 * se.max())
    np.testing.assert_allclose(np.cov(flat.T), cov, atol=0.06 * np.abs(cov).max())


def test_gaussian_draws_have_the_mean_and_covariance() -> None:
    d = pg.draw(pg.MatrixNormal.dist(mu=M, rowcov=U, colcov=V), draws=DRAWS, random_seed=1)
    _moments(d, M, np.kron(U, V))
    mu = rng.normal(size=6)
    kron = pg.KroneckerNormal.dist(mu=mu, covs=[U, V], sigma=0.5)
    _moments(pg.draw(kron, draws=DRAWS, random_seed=2), mu, np.kron(U, V) + 0.25 * np.eye(6))
    car = pg.CAR.dist(mu=mu[:4], W=W, alpha=0.7, tau=2.0)
    _moments(pg.draw(car, draws=DRAWS, random_seed=3), mu[:4], np.linalg.inv(_car_prec(0.7, 2.0)))
    # ICAR: the normal of precision (D - W) / sigma^2 + 1 1^T / (s N)^2
    icar = pg.draw(pg.ICAR.dist(W=W, sigma=2.0, zero_sum_stdev=0.1), draws=DRAWS, random_seed=4)
    prec = (np.diag(W.sum(1)) - W) / 4.0 + 1.0 / 0.4**2
    _moments(icar, np.zeros(4), np.linalg.inv(prec))
    z = icar @ np.ones(4) / 0.4  # the sum has sd s N
    assert stats.kstest(z, stats.norm.cdf).pvalue > 1e-3


def test_wishart_and_stick_breaking_draws() -> None:
    d = pg.draw(_wishart(nu=5.0, V=V, size=2), draws=DRAWS // 4, random_seed=5)
    assert d.shape == (DRAWS // 4, 2, 2, 2)
    flat = d.reshape(-1, 2, 2)
    np.testing.assert_allclose(flat.mean(0), 5.0 * V, rtol=0.03)
    # Wishart marginals: X_ii / V_ii ~ chi2(nu)
    assert stats.kstest(flat[:, 1, 1] / V[1, 1], stats.chi2(5.0).cdf).pvalue > 1e-3
    np.testing.assert_array_equal(flat, np.swapaxes(flat, -1, -2))
    w = pg.draw(pg.StickBreakingWeights.dist(alpha=1.5, K=3), draws=DRAWS, random_seed=6)
    np.testing.assert_allclose(w.sum(-1), 1.0, rtol=1e-12)
    assert stats.kstest(w[:, 0], stats.beta(1, 1.5).cdf).pvalue > 1e-3  # x_1 = v_1
    r = 1.5 / 2.5
    want = np.array([1, r, r**2, r**3 * 2.5]) / 2.5  # the means: r^(k-1) / (1 + a), last r^K
    np.testing.assert_allclose(w.mean(0), want, atol=0.015)


def _f32(a: Any) -> np.ndarray:
    return np.asarray(a, "float32")


FLOAT32: dict[str, tuple[Any, Any, float | None]] = {  # build(convert), value, scipy's logp
    "MatrixNormal": (
        lambda c: pg.MatrixNormal.dist(mu=c(M), rowcov=c(U), colcov=c(V)),
        M + 0.3,
        stats.matrix_normal.logpdf(M + 0.3, M, U, V),
    ),
    "Kronecker": (
        lambda c: pg.KroneckerNormal.dist(mu=0.0, covs=[c(U), c(V)]),
        np.full(6, 0.4),
        stats.multivariate_normal.logpdf(np.full(6, 0.4), np.zeros(6), np.kron(U, V)),
    ),
    "Wishart": (lambda c: _wishart(nu=5.0, V=c(V)), 4 * V, stats.wishart(5.0, V).logpdf(4 * V)),
    "CAR": (
        lambda c: pg.CAR.dist(mu=0.0, W=c(W), alpha=0.5, tau=2.0),
        np.full(4, 0.3),
        stats.multivariate_normal.logpdf(np.full(4, 0.3), cov=np.linalg.inv(_car_prec(0.5, 2))),
    ),
    "ICAR": (lambda c: pg.ICAR.dist(W=W, sigma=1.0, zero_sum_stdev=0.1), np.full(4, 0.1), None),
    "SBW": (
        lambda c: pg.StickBreakingWeights.dist(alpha=2.0, K=2),
        np.array([0.5, 0.3, 0.2]),
        _sbw_logpdf(np.array([0.5, 0.3, 0.2]), 2.0),
    ),
    "PG": (lambda c: pg.PolyaGamma.dist(h=2.0, z=1.0), 0.4, None),
}


@pytest.mark.parametrize("name", list(FLOAT32))
def test_float32(name: str) -> None:
    build, value, want = FLOAT32[name]
    with pg.config.change_flags(floatX="float32"):
        out = pg.logp(build(_f32), _f32(value))
        assert out.dtype == "float32"
        got = out.eval()
    if want is None:  # against the float64 result
        want = pg.logp(build(np.asarray), value).eval()
    np.testing.assert_allclose(got, want, rtol=2e-5)


def test_under_jit_and_vmap_and_in_a_model() -> None:
    alpha = pt.scalar("alpha")
    v = pt.vector("v", shape=(4,))
    f = pg.function([v, alpha], pg.logp(pg.CAR.dist(mu=0.0, W=W, alpha=alpha, tau=1.0), v))
    xs = rng.normal(size=(3, 4))
    with jax.enable_x64(True):
        got = jax.jit(jax.vmap(f.jax_fn, in_axes=(0, None)))(jnp.asarray(xs), 0.4)
    want = stats.multivariate_normal.logpdf(xs, cov=np.linalg.inv(_car_prec(0.4, 1.0)))
    np.testing.assert_allclose(got, want, rtol=1e-10)
    with pg.Model() as model:
        pg.StickBreakingWeights("w", alpha=2.0, K=3)
        pg.MatrixNormal("m", mu=M, rowcov=U, colcov=V)
    point = model.initial_point()
    assert set(point) == {"w_simplex__", "m"}
    np.testing.assert_allclose(point["m"], M)
    start = model.compile_logp()(point)
    r = 2.0 / 3.0
    sbw_mean = np.array([1, r, r**2, r**3 * 3]) / 3
    want_start = _sbw_logpdf(sbw_mean, 2.0) + stats.matrix_normal.logpdf(M, M, U, V)
    # plus the simplex transform's log-Jacobian (checked in the transforms' tests)
    assert np.isfinite(start)
    no_jac = model.compile_logp(jacobian=False)(point)
    np.testing.assert_allclose(no_jac, want_start, rtol=1e-10)
