"""Time-series distributions: each log-density against a plain NumPy/SciPy loop
over the sequence, draws against the same recursion simulated in NumPy (by
moments), float32, shapes from ``steps``/``shape``/``dims``, PyMC's warnings
and errors, support points."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import jax
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt

RNG = np.random.default_rng(20261203)
N_DRAWS = 4000


def _logp(rv: Any, value: np.ndarray) -> np.ndarray:
    return np.asarray(pg.logp(rv, value).eval())


# ---- the NumPy/SciPy loops (the oracles) ----------------------------------------


def grw_loop(x: np.ndarray, mu: float, sigma: float, m0: float, s0: float) -> float:
    total = stats.norm.logpdf(x[0], m0, s0)
    for t in range(1, len(x)):
        total += stats.norm.logpdf(x[t], x[t - 1] + mu, sigma)
    return float(total)


def ar_loop(x: np.ndarray, rho: np.ndarray, sigma: float, constant: bool, s0: float) -> float:
    p = len(rho) - int(constant)
    total = sum(stats.norm.logpdf(x[i], 0.0, s0) for i in range(p))
    for t in range(p, len(x)):
        mean = rho[0] if constant else 0.0
        for i in range(1, p + 1):
            mean += rho[int(constant) + i - 1] * x[t - i]
        total += stats.norm.logpdf(x[t], mean, sigma)
    return float(total)


def garch_loop(x: np.ndarray, omega: float, a: float, b: float, vol0: float) -> float:
    var, total = vol0**2, 0.0
    for t in range(len(x)):
        if t:
            var = omega + a * x[t - 1] ** 2 + b * var
        total += stats.norm.logpdf(x[t], 0.0, np.sqrt(var))
    return float(total)


def ou_loop(x: np.ndarray, dt: float, k: float, s: float, s0: float) -> float:
    total = stats.norm.logpdf(x[0], 0.0, s0)
    for t in range(1, len(x)):
        total += stats.norm.logpdf(x[t], x[t - 1] - k * x[t - 1] * dt, s * np.sqrt(dt))
    return float(total)


def ou(x: Any, k: Any, s: Any) -> tuple[Any, Any]:
    """Ornstein-Uhlenbeck drift and diffusion, from ``pt`` functions."""
    return -k * x, s + 0.0 * x


# ---- log-densities ----------------------------------------------------------------


def test_gaussian_random_walk_logp_batched() -> None:
    mu, sigma = np.array([0.3, -1.0]), np.array([0.5, 2.0])
    x = RNG.normal(size=(2, 8)).cumsum(-1)
    rv = pg.GaussianRandomWalk.dist(
        mu=mu, sigma=sigma, init_dist=pg.Normal.dist(1.0, 3.0), shape=(2, 8)
    )
    want = [grw_loop(x[i], mu[i], sigma[i], 1.0, 3.0) for i in range(2)]
    np.testing.assert_allclose(_logp(rv, x), want, rtol=1e-10)


def test_random_walk_of_any_innovation() -> None:
    x = RNG.normal(size=12).cumsum()
    rv = pg.RandomWalk.dist(
        init_dist=pg.Laplace.dist(0.5, 2.0),
        innovation_dist=pg.StudentT.dist(nu=3.0, sigma=0.7),
        steps=11,
    )
    want = stats.laplace.logpdf(x[0], 0.5, 2.0)
    want += sum(stats.t.logpdf(x[t] - x[t - 1], 3.0, 0.0, 0.7) for t in range(1, 12))
    np.testing.assert_allclose(_logp(rv, x), want, rtol=1e-10)


def _spd(k: int) -> np.ndarray:
    a = RNG.normal(size=(k, k))
    return a @ a.T + k * np.eye(k)


def test_mv_random_walks_logp() -> None:
    mu, cov, x = RNG.normal(size=3), _spd(3), RNG.normal(size=(6, 3)).cumsum(0)
    init = pg.MvNormal.dist(np.zeros(3), cov=4.0 * np.eye(3))
    rv = pg.MvGaussianRandomWalk.dist(mu=mu, cov=cov, init_dist=init, steps=5)
    want = stats.multivariate_normal.logpdf(x[0], np.zeros(3), 4.0 * np.eye(3))
    want += sum(stats.multivariate_normal.logpdf(x[t] - x[t - 1], mu, cov) for t in range(1, 6))
    np.testing.assert_allclose(_logp(rv, x), want, rtol=1e-10)
    rv_t = pg.MvStudentTRandomWalk.dist(
        nu=4.0, mu=mu, chol=np.linalg.cholesky(cov), init_dist=init, steps=5
    )
    want_t = stats.multivariate_normal.logpdf(x[0], np.zeros(3), 4.0 * np.eye(3))
    want_t += sum(
        stats.multivariate_t.logpdf(x[t] - x[t - 1], mu, cov, df=4.0) for t in range(1, 6)
    )
    np.testing.assert_allclose(_logp(rv_t, x), want_t, rtol=1e-10)


@pytest.mark.parametrize(
    ("rho", "constant"), [([0.6], False), ([0.5, -0.3], False), ([0.2, 0.5, -0.3, 0.1], True)]
)
def test_ar_logp(rho: list[float], constant: bool) -> None:
    x = RNG.normal(size=10)
    p = len(rho) - int(constant)
    rv = pg.AR.dist(
        rho=rho, sigma=0.8, constant=constant, init_dist=pg.Normal.dist(0.0, 2.0), steps=10 - p
    )
    assert rv.type.shape == (10,)
    np.testing.assert_allclose(
        _logp(rv, x), ar_loop(x, np.array(rho), 0.8, constant, 2.0), rtol=1e-10
    )


def test_ar_batched_rho_and_tau() -> None:
    rho = np.array([[0.5, -0.3], [0.1, 0.2]])
    x = RNG.normal(size=(2, 7))
    rv = pg.AR.dist(rho=rho, tau=4.0, init_dist=pg.Normal.dist(0.0, 2.0), shape=(2, 7))
    want = [ar_loop(x[i], rho[i], 0.5, False, 2.0) for i in range(2)]
    np.testing.assert_allclose(_logp(rv, x), want, rtol=1e-10)


def test_ar_with_a_vector_init_dist() -> None:
    x, cov = RNG.normal(size=9), np.array([[1.0, 0.5], [0.5, 2.0]])
    init = pg.MvNormal.dist(mu=[0.5, -0.5], cov=cov)
    rv = pg.AR.dist(rho=[0.5, -0.3], sigma=0.8, init_dist=init, steps=7)
    want = stats.multivariate_normal.logpdf(x[:2], [0.5, -0.5], cov)
    want += ar_loop(x, np.array([0.5, -0.3]), 0.8, False, 1.0) - stats.norm.logpdf(x[:2]).sum()
    np.testing.assert_allclose(_logp(rv, x), want, rtol=1e-10)
    draws = pg.draw(rv, draws=2000, random_seed=4)
    np.testing.assert_allclose(np.cov(draws[:, :2].T), cov, rtol=0.15, atol=0.1)
    with pytest.raises(ValueError, match="ar_order=3 values"):
        pg.AR.dist(rho=[0.5, -0.3, 0.1], init_dist=init, steps=7)


def test_garch11_logp() -> None:
    x = RNG.normal(size=(2, 30))
    rv = pg.GARCH11.dist(omega=0.2, alpha_1=0.3, beta_1=[0.5, 0.6], initial_vol=1.5, steps=29)
    want = [garch_loop(x[i], 0.2, 0.3, b, 1.5) for i, b in enumerate([0.5, 0.6])]
    np.testing.assert_allclose(_logp(rv, x), want, rtol=1e-10)


def test_euler_maruyama_logp() -> None:
    x = RNG.normal(size=15)
    rv = pg.EulerMaruyama.dist(
        dt=0.1, sde_fn=ou, sde_pars=(1.5, 0.7), init_dist=pg.Normal.dist(0.0, 2.0), steps=14
    )
    np.testing.assert_allclose(_logp(rv, x), ou_loop(x, 0.1, 1.5, 0.7, 2.0), rtol=1e-10)


def test_invalid_parameters_and_values() -> None:
    rv = pg.GARCH11.dist(omega=-0.1, alpha_1=0.3, beta_1=0.5, initial_vol=1.0, steps=3)
    with pytest.raises(pg.ParameterValueError, match="omega > 0"):
        pg.logp(rv, np.zeros(4)).eval()
    rv = pg.GaussianRandomWalk.dist(sigma=1.0, init_dist=pg.Normal.dist(), steps=3)
    assert _logp(rv, np.array([0.0, np.nan, 1.0, 2.0])) == -np.inf


# ---- draws against the recursion in NumPy, by moments ------------------------------


def _close_moments(draws: np.ndarray, sims: np.ndarray, z: float = 5.0) -> None:
    """Mean and standard deviation over axis 0 agree within ``z`` standard errors."""
    n = draws.shape[0]
    se_mean = np.sqrt(draws.var(0) / n + sims.var(0) / sims.shape[0])
    np.testing.assert_array_less(np.abs(draws.mean(0) - sims.mean(0)), z * se_mean + 1e-12)
    sd_d, sd_s = draws.std(0), sims.std(0)
    np.testing.assert_array_less(np.abs(sd_d / sd_s - 1.0), z * np.sqrt(2.0 / n) + 1e-12)


def _simulate(
    step: Callable[[np.ndarray, np.ndarray, np.random.Generator], np.ndarray],
    x0: np.ndarray,
    steps: int,
) -> np.ndarray:
    rng = np.random.default_rng(7)
    xs = [x0]
    for _ in range(steps):
        xs.append(step(xs[-1], np.stack(xs), rng))
    return np.stack(xs, axis=-1)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_draws_match_numpy_recursions(dtype: str) -> None:
    n, rng = N_DRAWS, np.random.default_rng(3)
    with pg.config.change_flags(floatX=dtype):
        grw = pg.GaussianRandomWalk.dist(
            mu=0.5, sigma=2.0, init_dist=pg.Normal.dist(1.0, 1.0), steps=6
        )
        ar = pg.AR.dist(
            rho=[1.0, 0.6, -0.3],
            sigma=0.5,
            constant=True,
            init_dist=pg.Normal.dist(0.0, 1.0),
            steps=8,
        )
        garch = pg.GARCH11.dist(omega=0.2, alpha_1=0.3, beta_1=0.5, initial_vol=1.0, steps=8)
        em = pg.EulerMaruyama.dist(
            dt=0.2, sde_fn=ou, sde_pars=(1.0, 0.8), init_dist=pg.Normal.dist(2.0, 0.1), steps=8
        )
        draws = pg.draw([grw, ar, garch, em], draws=n, random_seed=11)
    assert all(d.dtype == np.dtype(dtype) for d in draws)
    sims = [
        _simulate(lambda x, h, r: x + 0.5 + 2.0 * r.normal(size=n), rng.normal(1.0, 1.0, n), 6),
        np.concatenate([rng.normal(size=(n, 2)), _ar_sims(n)], axis=1)[:, :10],
        _garch_sims(n),
        _simulate(
            lambda x, h, r: x - x * 0.2 + 0.8 * np.sqrt(0.2) * r.normal(size=n),
            rng.normal(2.0, 0.1, n),
            8,
        ),
    ]
    for d, s in zip(draws, sims, strict=True):
        assert d.shape == s.shape
        _close_moments(d.astype(float), s)


def _ar_sims(n: int) -> np.ndarray:
    rng = np.random.default_rng(5)
    x = [rng.normal(size=n), rng.normal(size=n)]
    for _ in range(8):
        x.append(1.0 + 0.6 * x[-1] - 0.3 * x[-2] + 0.5 * rng.normal(size=n))
    return np.stack(x[2:], axis=1)


def _garch_sims(n: int) -> np.ndarray:
    rng = np.random.default_rng(6)
    var = np.ones(n)
    x = [rng.normal(size=n)]
    for _ in range(8):
        var = 0.2 + 0.3 * x[-1] ** 2 + 0.5 * var
        x.append(np.sqrt(var) * rng.normal(size=n))
    return np.stack(x, axis=1)


COV = np.array([[1.0, 0.6], [0.6, 2.0]])


def _check_last_step(draws: np.ndarray, factor: float) -> None:
    """x[4] = x[0] + 4 innovations: mean 4 mu, covariance I + 4 cov (times
    nu / (nu - 2) for Student's t innovations)."""
    assert draws.shape == (N_DRAWS, 5, 2)
    want_cov = np.eye(2) + 4 * factor * COV
    se = 5 * np.sqrt(np.diag(want_cov) / N_DRAWS)
    np.testing.assert_array_less(np.abs(draws[:, -1].mean(0) - [2.0, -2.0]), se)
    np.testing.assert_allclose(np.cov(draws[:, -1].T), want_cov, rtol=0.15, atol=0.2)


def test_mv_gaussian_walk_draws_have_the_covariance() -> None:
    init = pg.MvNormal.dist(np.zeros(2), cov=np.eye(2))
    rv = pg.MvGaussianRandomWalk.dist(mu=[0.5, -0.5], cov=COV, init_dist=init, steps=4)
    _check_last_step(pg.draw(rv, draws=N_DRAWS, random_seed=2), 1.0)


@pytest.mark.slow  # ~20 s on the loaded 2-CPU machine (compiling the t draws and guard)
def test_mv_studentt_walk_draws_have_the_covariance() -> None:
    init = pg.MvNormal.dist(np.zeros(2), cov=np.eye(2))
    rv = pg.MvStudentTRandomWalk.dist(nu=5.0, mu=[0.5, -0.5], scale=COV, init_dist=init, steps=4)
    _check_last_step(pg.draw(rv, draws=N_DRAWS, random_seed=3), 5.0 / 3.0)


# ---- shapes, dims, warnings, errors, support points, jit/vmap ----------------------


def test_steps_from_shape_dims_and_batch() -> None:
    rv = pg.GaussianRandomWalk.dist(sigma=[1.0, 2.0, 3.0], init_dist=pg.Normal.dist(), steps=4)
    assert rv.type.shape == (3, 5)
    rv = pg.GaussianRandomWalk.dist(init_dist=pg.Normal.dist(), shape=(4, 10))
    assert rv.type.shape == (4, 10)
    with pg.Model(coords={"t": range(7)}):
        x = pg.AR("x", rho=[0.5, 0.1], init_dist=pg.Normal.dist(), dims="t")
        y = pg.GARCH11("y", 0.1, 0.2, 0.3, 1.0, observed=np.zeros(9))
    assert x.type.shape == (7,) and y.type.shape == (9,)
    with pytest.raises(ValueError, match="steps=3 disagrees with shape"):
        pg.GaussianRandomWalk.dist(init_dist=pg.Normal.dist(), steps=3, shape=(10,))
    with pytest.raises(ValueError, match="Must specify steps or shape parameter"):
        pg.GARCH11.dist(0.1, 0.2, 0.3, 1.0)


def test_default_init_dist_warns_as_pymc() -> None:
    for make in (
        lambda: pg.GaussianRandomWalk.dist(steps=3),
        lambda: pg.AR.dist(rho=[0.5], steps=3),
        lambda: pg.MvGaussianRandomWalk.dist(mu=np.zeros(2), cov=np.eye(2), steps=3),
        lambda: pg.EulerMaruyama.dist(dt=0.1, sde_fn=ou, sde_pars=(1.0, 1.0), steps=3),
    ):
        with pytest.warns(UserWarning, match="Initial distribution not specified"):
            make()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pg.GaussianRandomWalk.dist(steps=3, init_dist=pg.Normal.dist())


def test_init_dist_from_the_model_is_pymcs_error() -> None:
    with pg.Model():
        init = pg.Normal("init")
        for make in (
            lambda: pg.GaussianRandomWalk("w", init_dist=init, steps=3),
            lambda: pg.AR("a", rho=[0.5], init_dist=init, steps=3),
            lambda: pg.EulerMaruyama("e", 0.1, ou, (1.0, 1.0), init_dist=init, steps=3),
        ):
            with pytest.raises(ValueError, match="The dist init was already registered") as err:
                make()
            assert "`.dist()` API" in str(err.value)
    with pytest.raises(TypeError, match="init_dist must be a distribution variable"):
        pg.GaussianRandomWalk.dist(init_dist=1.0, steps=3)


def test_ar_order_errors() -> None:
    with pytest.raises(ValueError, match="Inferred ar_order is smaller than 1"):
        pg.AR.dist(rho=[0.5], constant=True, steps=3, init_dist=pg.Normal.dist())
    with pytest.raises(ValueError, match="expected 3"):
        pg.AR.dist(rho=[0.5, 0.2], ar_order=3, steps=3, init_dist=pg.Normal.dist())


def test_support_point_of_a_walk_accumulates_the_drift() -> None:
    with pg.Model() as model:
        pg.GaussianRandomWalk("w", mu=0.5, sigma=1.0, init_dist=pg.Normal.dist(2.0), steps=4)
        pg.AR("a", rho=[0.5, 0.1], init_dist=pg.Normal.dist([1.0, 3.0]), steps=3)
        pg.GARCH11("g", 0.1, 0.2, 0.3, 1.0, steps=3)
        pg.GaussianRandomWalk("b", mu=[0.5, 1.0], init_dist=pg.Normal.dist(1.0), steps=2)
        init = pg.MvNormal.dist(np.ones(2), cov=np.eye(2))
        pg.MvGaussianRandomWalk("mv", mu=[1.0, -1.0], cov=np.eye(2), init_dist=init, steps=2)
    point = model.initial_point()
    np.testing.assert_allclose(point["b"], [[1.0, 1.5, 2.0], [1.0, 2.0, 3.0]])  # batched drifts
    np.testing.assert_allclose(point["mv"], [[1.0, 1.0], [2.0, 0.0], [3.0, -1.0]])
    np.testing.assert_allclose(point["w"], 2.0 + 0.5 * np.arange(5))
    np.testing.assert_allclose(point["a"], np.full(5, 3.0))  # the init's last lag
    np.testing.assert_allclose(point["g"], np.zeros(4))


def test_logp_and_grad_under_jit_and_vmap() -> None:
    v = pt.vector("v")
    rv = pg.GARCH11.dist(omega=0.2, alpha_1=0.3, beta_1=0.5, initial_vol=1.0, steps=19)
    fn = pg.function([v], pg.logp(rv, v)).jax_fn
    xs = RNG.normal(size=(3, 20))
    with jax.enable_x64(True):
        vals = jax.jit(jax.vmap(fn))(xs)
        np.testing.assert_allclose(
            vals, [garch_loop(x, 0.2, 0.3, 0.5, 1.0) for x in xs], rtol=1e-10
        )
        g = jax.grad(fn)(xs[0])
        eps, e0 = 1e-6, np.eye(20)[0]
        fd = (
            garch_loop(xs[0] + eps * e0, 0.2, 0.3, 0.5, 1.0)
            - garch_loop(xs[0] - eps * e0, 0.2, 0.3, 0.5, 1.0)
        ) / (2 * eps)
        np.testing.assert_allclose(g[0], fd, rtol=1e-6)


def test_logp_in_float32() -> None:
    x = RNG.normal(size=(2, 12)).cumsum(-1)
    with pg.config.change_flags(floatX="float32"):
        series = [
            pg.GaussianRandomWalk.dist(
                mu=0.1, sigma=0.5, init_dist=pg.Normal.dist(), shape=(2, 12)
            ),
            pg.AR.dist(rho=[0.5, -0.2], sigma=0.8, init_dist=pg.Normal.dist(), shape=(2, 12)),
            pg.GARCH11.dist(omega=0.2, alpha_1=0.3, beta_1=0.5, initial_vol=1.0, shape=(2, 12)),
            pg.EulerMaruyama.dist(
                dt=0.1, sde_fn=ou, sde_pars=(1.5, 0.7), init_dist=pg.Normal.dist(), shape=(2, 12)
            ),
        ]
        got = pg.function([], [pg.logp(rv, x.astype("float32")) for rv in series])()  # one compile
    want = [
        [grw_loop(xi, 0.1, 0.5, 0.0, 1.0) for xi in x],
        [ar_loop(xi, np.array([0.5, -0.2]), 0.8, False, 1.0) for xi in x],
        [garch_loop(xi, 0.2, 0.3, 0.5, 1.0) for xi in x],
        [ou_loop(xi, 0.1, 1.5, 0.7, 1.0) for xi in x],
    ]
    for g, w in zip(got, want, strict=True):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, w, rtol=2e-5)
