"""MvNormal, MvStudentT, Dirichlet, Multinomial and DirichletMultinomial against
``scipy.stats``: log-densities over batched parameters in one compiled function
per family (jitted and not), support edges, gradients against central
differences, draws (moments and marginals) and the Check modes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

import ppgraph as pg
import ppgraph.tensor as pt

RTOL = 1e-8
rng = np.random.default_rng(7)
B, K = 5, 3  # parameter rows, dimension


def _spd(batch: int, k: int) -> np.ndarray:
    a = rng.normal(size=(batch, k, k))
    return a @ np.swapaxes(a, -1, -2) + k * np.eye(k)


MU = rng.normal(size=(B, K))
COV = _spd(B, K)
CHOL = np.linalg.cholesky(COV)
NU = np.array([1.5, 3.0, 5.0, 30.0, 2.2])
A = rng.uniform(0.3, 4.0, size=(B, K))
P = rng.dirichlet(np.ones(K), size=B)
N = np.array([0.0, 1.0, 5.0, 12.0, 40.0])


def _mvn(x: np.ndarray, mu: np.ndarray, cov: np.ndarray) -> np.ndarray:
    return np.array([stats.multivariate_normal.logpdf(*a) for a in zip(x, mu, cov, strict=True)])


def _mvt(x: np.ndarray, nu: np.ndarray, mu: np.ndarray, scale: np.ndarray) -> np.ndarray:
    rows = zip(x, nu, mu, scale, strict=True)
    return np.array([stats.multivariate_t.logpdf(xi, m, s, df=d) for xi, d, m, s in rows])


def _dirichlet(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    return np.array([stats.dirichlet.logpdf(xi, ai) for xi, ai in zip(x, a, strict=True)])


def _counts(n: np.ndarray, p: np.ndarray) -> np.ndarray:
    return np.array([rng.multinomial(int(ni), pi) for ni, pi in zip(n, p, strict=True)])


def _multinomial(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    rows = zip(x, n, p, strict=True)
    return np.array([stats.multinomial.logpmf(xi, ni, pi) for xi, ni, pi in rows])


def _dirmult(x: np.ndarray, n: np.ndarray, a: np.ndarray) -> np.ndarray:
    rows = zip(x, n, a, strict=True)
    return np.array([stats.dirichlet_multinomial.logpmf(xi, ai, ni) for xi, ni, ai in rows])


# name -> (distribution, keyword parameters as arrays, value rows, scipy oracle of
#          (value, *op-order params), the params in the oracle's order)
CASES: dict[str, tuple[Any, dict[str, np.ndarray], np.ndarray, Callable[..., Any], list[Any]]] = {
    "MvNormal_cov": (pg.MvNormal, {"mu": MU, "cov": COV}, rng.normal(size=(B, K)) * 2, _mvn,
                     [MU, COV]),
    "MvNormal_chol": (pg.MvNormal, {"mu": MU, "chol": CHOL}, rng.normal(size=(B, K)), _mvn,
                      [MU, COV]),
    "MvNormal_tau": (pg.MvNormal, {"mu": MU, "tau": np.linalg.inv(COV)},
                     rng.normal(size=(B, K)), _mvn, [MU, COV]),
    "MvStudentT_scale": (pg.MvStudentT, {"nu": NU, "mu": MU, "scale": COV},
                         rng.normal(size=(B, K)) * 3, _mvt, [NU, MU, COV]),
    "MvStudentT_chol": (pg.MvStudentT, {"nu": NU, "mu": MU, "chol": CHOL},
                        rng.normal(size=(B, K)), _mvt, [NU, MU, COV]),
    "Dirichlet": (pg.Dirichlet, {"a": A}, rng.dirichlet(np.ones(K), size=B),
                  _dirichlet, [A]),
    "Multinomial": (pg.Multinomial, {"n": N, "p": P}, _counts(N, P), _multinomial, [N, P]),
    "DirichletMultinomial": (pg.DirichletMultinomial, {"n": N, "a": A}, _counts(N, P), _dirmult,
                             [N, A]),
}  # fmt: skip


def _compile(name: str, check_mode: str | None = None) -> tuple[pg.Function, list[np.ndarray]]:
    dist, params, x, _, _ = CASES[name]
    inputs = {
        k: pt.tensor("float64", shape=(None, *v.shape[1:]), name=k) for k, v in params.items()
    }
    v = pt.matrix("v", shape=(None, K))
    f = pg.function([v, *inputs.values()], pg.logp(dist.dist(**inputs), v), check_mode=check_mode)
    return f, [x, *params.values()]


@pytest.mark.parametrize("name", list(CASES))
def test_logp_matches_scipy_with_and_without_jit(name: str) -> None:
    _, _, x, oracle, oracle_params = CASES[name]
    f, args = _compile(name)
    want = oracle(x, *oracle_params)
    np.testing.assert_allclose(f(*args), want, rtol=RTOL, err_msg=name)
    with jax.enable_x64(True):
        eager = f.jax_fn(*[jnp.asarray(a) for a in args])
    np.testing.assert_allclose(eager, want, rtol=RTOL, err_msg=f"{name} eager")


def test_values_outside_the_support_have_zero_density() -> None:
    f, (_, a) = _compile("Dirichlet")
    off = np.array(
        [
            [0.2, 0.3, 0.6],
            [-0.1, 0.6, 0.5],
            [np.nan, 0.5, 0.5],
            [0.0, np.inf, 1.0],
            [1.2, -0.2, 0.0],
        ]
    )
    np.testing.assert_array_equal(f(off, a), -np.inf)
    g, (_, n, p) = _compile("Multinomial")
    bad = np.array(
        [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0], [2.5, 2.5, 0.0], [13.0, -1.0, 0.0], [40.0, 1, 0]]
    )
    # not summing to n, non-integer, negative
    np.testing.assert_array_equal(g(bad, n, p), -np.inf)
    d, (_, n, a) = _compile("DirichletMultinomial")
    np.testing.assert_array_equal(d(bad, n, a), -np.inf)


def _fd(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """d sum(fn(x)) / dx by central differences, entry by entry."""
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        out[i] = (np.sum(fn(x + step)) - np.sum(fn(x - step))) / (2 * eps)
    return out


GRADS = {  # name -> {parameter input: oracle of that parameter}
    "MvNormal_chol": {
        "mu": lambda x, mu: _mvn(x, mu, COV),
        "chol": lambda x, c: _mvn(x, MU, c @ np.swapaxes(c, -1, -2)),
    },
    "MvStudentT_chol": {
        "nu": lambda x, nu: _mvt(x, nu, MU, COV),
        "mu": lambda x, mu: _mvt(x, NU, mu, COV),
    },
    "Dirichlet": {"a": _dirichlet},
    "DirichletMultinomial": {"a": lambda x, a: _dirmult(x, N, a)},
}


@pytest.mark.parametrize("name", list(GRADS))
def test_gradients_match_finite_differences(name: str) -> None:
    f, args = _compile(name)
    names = [i.name for i in f.inputs]
    wrt = tuple(names.index(k) for k in GRADS[name])
    x = args[0]
    with jax.enable_x64(True):
        grads = jax.jit(jax.grad(lambda *a: jnp.sum(f.jax_fn(*a)), argnums=wrt))(
            *[jnp.asarray(a) for a in args]
        )
    for (k, oracle), i, got in zip(GRADS[name].items(), wrt, grads, strict=True):
        want = _fd(lambda p, o=oracle: o(x, p), args[i])
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=f"{name} d/d{k}")


def _draws(rv: Any, n: int = 20_000) -> np.ndarray:
    return pg.draw(rv, draws=n, random_seed=11)


def test_mvnormal_draws_have_the_mean_and_covariance() -> None:
    x = pg.MvNormal.dist(mu=MU[:2], cov=COV[0], size=(3, 2))
    assert x.type.shape == (3, 2, K)
    d = _draws(x, 10_000).reshape(-1, 2, K)
    for j in range(2):
        np.testing.assert_allclose(d[:, j].mean(0), MU[j], atol=4 * np.sqrt(COV[0].max() / len(d)))
        np.testing.assert_allclose(np.cov(d[:, j].T), COV[0], rtol=0.05, atol=0.05)
        # each marginal is normal: Kolmogorov-Smirnov against scipy
        z = (d[:, j, 0] - MU[j, 0]) / np.sqrt(COV[0, 0, 0])
        assert stats.kstest(z, stats.norm.cdf).pvalue > 1e-3


def test_mvstudentt_draws_have_t_marginals() -> None:
    nu = 6.0
    d = _draws(pg.MvStudentT.dist(nu=nu, mu=MU[0], scale=COV[0]))
    np.testing.assert_allclose(np.cov(d.T), COV[0] * nu / (nu - 2), rtol=0.1)
    for i in range(K):
        z = (d[:, i] - MU[0, i]) / np.sqrt(COV[0, i, i])
        assert stats.kstest(z, stats.t(nu).cdf).pvalue > 1e-3


def test_dirichlet_draws_have_beta_marginals() -> None:
    a = A[0]
    d = _draws(pg.Dirichlet.dist(a=a))
    np.testing.assert_allclose(d.sum(-1), 1.0, rtol=1e-12)
    for i in range(K):
        assert stats.kstest(d[:, i], stats.beta(a[i], a.sum() - a[i]).cdf).pvalue > 1e-3


@pytest.mark.parametrize("dirichlet", [False, True])
def test_count_draws_have_the_moments(dirichlet: bool) -> None:
    n, a = 12, A[1]
    p = a / a.sum() if dirichlet else P[1]
    rv = pg.DirichletMultinomial.dist(n=n, a=a) if dirichlet else pg.Multinomial.dist(n=n, p=p)
    d = _draws(rv)
    assert d.dtype == np.int64 and (d.sum(-1) == n).all() and (d >= 0).all()
    inflate = (n + a.sum()) / (1 + a.sum()) if dirichlet else 1.0
    var = n * p * (1 - p) * inflate
    np.testing.assert_allclose(d.mean(0), n * p, atol=4 * np.sqrt(var.max() / len(d)))
    np.testing.assert_allclose(d.var(0), var, rtol=0.05)
    # the first count's marginal: chi-square against the oracle's mass function
    k = np.arange(n + 1)
    pmf = (
        stats.betabinom.pmf(k, n, a[0], a.sum() - a[0])
        if dirichlet
        else stats.binom.pmf(k, n, p[0])
    )
    observed = np.bincount(d[:, 0], minlength=n + 1)
    keep = pmf * len(d) >= 5
    expected = np.r_[pmf[keep], pmf[~keep].sum()] * len(d)
    obs = np.r_[observed[keep], observed[~keep].sum()]
    assert stats.chisquare(obs[expected > 0], expected[expected > 0]).pvalue > 1e-3


INVALID = [
    (pg.MvNormal, {"mu": [0.0, 0.0], "cov": [[1.0, 2.0], [2.0, 1.0]]}, "cov positive definite"),
    (pg.MvStudentT, {"nu": -1.0, "mu": [0.0, 0.0], "scale": np.eye(2)}, "nu > 0"),
    (pg.Dirichlet, {"a": [1.0, -0.5]}, "a > 0"),
    (pg.Multinomial, {"n": 3, "p": [0.5, 0.6]}, "0 <= p <= 1, sum(p) = 1, n >= 0"),
    (pg.DirichletMultinomial, {"n": -3, "a": [1.0, 2.0]}, "a > 0, n >= 0"),
]


@pytest.mark.parametrize(("dist", "params", "message"), INVALID)
def test_check_modes(dist: Any, params: dict[str, Any], message: str) -> None:
    v = pt.vector("v", shape=(2,))
    lp = pg.logp(dist.dist(**params), v)
    value = np.array([0.0, 1.0]) if dist is not pg.Dirichlet else np.array([0.5, 0.5])
    with pytest.raises(pg.ParameterValueError, match=re.escape(message)):
        pg.function([v], lp)(value)
    assert pg.function([v], lp, check_mode="-inf")(value) == -np.inf
    with jax.enable_x64(True):
        assert jax.jit(pg.function([v], lp, check_mode="-inf").jax_fn)(value) == -np.inf


def test_alternative_parametrizations_are_exclusive() -> None:
    with pytest.raises(TypeError, match="give only one of cov, tau, chol"):
        pg.MvNormal.dist(mu=[0.0, 0.0], cov=np.eye(2), chol=np.eye(2))
    with pytest.raises(TypeError, match="one of cov, tau, chol is required"):
        pg.MvNormal.dist(mu=[0.0, 0.0])
    with pytest.raises(TypeError, match="give only one of scale, Sigma, cov, tau, chol"):
        pg.MvStudentT.dist(nu=3.0, scale=np.eye(2), tau=np.eye(2))
    with pytest.raises(TypeError, match="unknown parameter 'sigma'"):
        pg.MvNormal.dist(mu=[0.0, 0.0], sigma=np.eye(2))
    with pytest.raises(ValueError, match="core size"):
        pg.MvNormal.dist(mu=[0.0, 0.0, 0.0], cov=np.eye(2))


def test_upper_cholesky_and_scalar_mu() -> None:
    x = pg.MvNormal.dist(mu=1.0, chol=CHOL[0].T, lower=False)
    assert x.type.shape == (K,)
    v = rng.normal(size=K)
    want = stats.multivariate_normal.logpdf(v, np.ones(K), COV[0])
    np.testing.assert_allclose(pg.logp(x, v).eval(), want, rtol=RTOL)
