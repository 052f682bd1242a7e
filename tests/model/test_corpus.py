"""A corpus of models whose logp and gradient agree with hand-written JAX
log-densities (jax.scipy.stats, written in the value space, Jacobians by hand)
at random points."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.scipy import stats as jst
from jax.scipy.special import logsumexp

import ppgraph as pg
import ppgraph.tensor as pt

Ref = Callable[[dict[str, Any]], Any]
DATA = np.random.default_rng(42)
Y_SCHOOLS = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA_SCHOOLS = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
X = DATA.normal(size=(20, 3))
Y_LIN = X @ np.array([1.0, -2.0, 0.5]) + 0.3 + DATA.normal(size=20) * 0.7
Y_LOGIT = (DATA.uniform(size=20) < 1 / (1 + np.exp(-(X @ np.array([1.0, -1.0, 0.0]))))).astype(int)
GROUP = np.repeat(np.arange(4), 5)
COUNTS = DATA.poisson(np.array([1.0, 3.0, 6.0, 2.0])[GROUP])
Y_MIX = np.concatenate([DATA.normal(-2, 1, size=15), DATA.normal(3, 1, size=15)])
COUNTS_MULTI = DATA.multinomial(10, [0.2, 0.3, 0.5], size=4)
COV = np.array([[1.0, 0.3, 0.1], [0.3, 2.0, -0.4], [0.1, -0.4, 1.5]])
Y_MV = DATA.multivariate_normal([0.5, -1.0, 0.0], COV, size=10)


def halfcauchy_log(value: Any, beta: float) -> Any:
    x = jnp.exp(value)  # log transform: + value for the Jacobian
    return jnp.log(2.0) + jst.cauchy.logpdf(x, 0.0, beta) + value


def halfnormal_log(value: Any, sigma: float) -> Any:
    x = jnp.exp(value)
    return jnp.log(2.0) + jst.norm.logpdf(x, 0.0, sigma) + value


def eight_schools_centered() -> tuple[pg.Model, Ref]:
    with pg.Model(coords={"school": range(8)}) as m:
        mu = pg.Normal("mu", 0.0, 5.0)
        tau = pg.HalfCauchy("tau", 5.0)
        theta = pg.Normal("theta", mu, tau, dims="school")
        pg.Normal("y", theta, SIGMA_SCHOOLS, observed=Y_SCHOOLS, dims="school")

    def ref(p: dict[str, Any]) -> Any:
        tau = jnp.exp(p["tau_log__"])
        return (
            jst.norm.logpdf(p["mu"], 0.0, 5.0)
            + halfcauchy_log(p["tau_log__"], 5.0)
            + jst.norm.logpdf(p["theta"], p["mu"], tau).sum()
            + jst.norm.logpdf(Y_SCHOOLS, p["theta"], SIGMA_SCHOOLS).sum()
        )

    return m, ref


def eight_schools_noncentered() -> tuple[pg.Model, Ref]:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 5.0)
        tau = pg.HalfCauchy("tau", 5.0)
        z = pg.Normal("theta_tilde", 0.0, 1.0, shape=8)
        theta = pg.Deterministic("theta", mu + tau * z)
        pg.Normal("y", theta, SIGMA_SCHOOLS, observed=Y_SCHOOLS)

    def ref(p: dict[str, Any]) -> Any:
        theta = p["mu"] + jnp.exp(p["tau_log__"]) * p["theta_tilde"]
        return (
            jst.norm.logpdf(p["mu"], 0.0, 5.0)
            + halfcauchy_log(p["tau_log__"], 5.0)
            + jst.norm.logpdf(p["theta_tilde"]).sum()
            + jst.norm.logpdf(Y_SCHOOLS, theta, SIGMA_SCHOOLS).sum()
        )

    return m, ref


def linear_regression() -> tuple[pg.Model, Ref]:
    with pg.Model() as m:
        x = pg.Data("X", X)
        alpha = pg.Normal("alpha", 0.0, 10.0)
        beta = pg.Normal("beta", 0.0, 10.0, shape=3)
        sigma = pg.HalfNormal("sigma", 1.0)
        pg.Normal("y", alpha + pt.dot(x, beta), sigma, observed=Y_LIN)

    def ref(p: dict[str, Any]) -> Any:
        return (
            jst.norm.logpdf(p["alpha"], 0.0, 10.0)
            + jst.norm.logpdf(p["beta"], 0.0, 10.0).sum()
            + halfnormal_log(p["sigma_log__"], 1.0)
            + jst.norm.logpdf(Y_LIN, p["alpha"] + X @ p["beta"], jnp.exp(p["sigma_log__"])).sum()
        )

    return m, ref


def logistic_regression() -> tuple[pg.Model, Ref]:
    with pg.Model() as m:
        beta = pg.Normal("beta", 0.0, 2.0, shape=3)
        pg.Bernoulli("y", logit_p=pt.dot(pt.constant(X), beta), observed=Y_LOGIT)

    def ref(p: dict[str, Any]) -> Any:
        eta = X @ p["beta"]
        ll = Y_LOGIT * jax.nn.log_sigmoid(eta) + (1 - Y_LOGIT) * jax.nn.log_sigmoid(-eta)
        return jst.norm.logpdf(p["beta"], 0.0, 2.0).sum() + ll.sum()

    return m, ref


def hierarchical_poisson() -> tuple[pg.Model, Ref]:
    with pg.Model() as m:
        a = pg.Exponential("a", 1.0)
        b = pg.Gamma("b", alpha=2.0, beta=1.0)
        lam = pg.Gamma("lam", alpha=a, beta=b, shape=4)
        pg.Poisson("y", lam[GROUP], observed=COUNTS)

    def ref(p: dict[str, Any]) -> Any:
        a, b, lam = (jnp.exp(p[k]) for k in ("a_log__", "b_log__", "lam_log__"))
        jac = p["a_log__"] + p["b_log__"] + p["lam_log__"].sum()
        return (
            jst.expon.logpdf(a)
            + jst.gamma.logpdf(b, 2.0)
            + jst.gamma.logpdf(lam, a, scale=1.0 / b).sum()
            + jst.poisson.logpmf(COUNTS, lam[GROUP]).sum()
            + jac
        )

    return m, ref


def normal_mixture() -> tuple[pg.Model, Ref]:
    with pg.Model() as m:
        w = pg.Beta("w", 2.0, 2.0)
        mu = pg.Normal("mu", 0.0, 5.0, shape=2)
        sigma = pg.HalfNormal("sigma", 2.0)
        pg.NormalMixture("y", w=pt.stack([w, 1.0 - w]), mu=mu, sigma=sigma, observed=Y_MIX)

    def ref(p: dict[str, Any]) -> Any:
        w = jax.nn.sigmoid(p["w_logodds__"])
        jac_w = jax.nn.log_sigmoid(p["w_logodds__"]) + jax.nn.log_sigmoid(-p["w_logodds__"])
        sigma = jnp.exp(p["sigma_log__"])
        comps = jst.norm.logpdf(Y_MIX[:, None], p["mu"], sigma) + jnp.log(jnp.stack([w, 1 - w]))
        return (
            jst.beta.logpdf(w, 2.0, 2.0)
            + jac_w
            + jst.norm.logpdf(p["mu"], 0.0, 5.0).sum()
            + halfnormal_log(p["sigma_log__"], 2.0)
            + logsumexp(comps, axis=-1).sum()
        )

    return m, ref


def simplex_backward(y: Any) -> Any:
    """PyMC's simplex map: y (K-1) completed with -sum(y), then softmax."""
    return jax.nn.softmax(jnp.concatenate([y, -jnp.sum(y, keepdims=True)]))


def dirichlet_multinomial() -> tuple[pg.Model, Ref]:
    a = np.array([1.5, 2.0, 3.0])
    with pg.Model() as m:
        p = pg.Dirichlet("p", a=a)
        pg.Multinomial("y", n=10, p=p, observed=COUNTS_MULTI)

    def ref(point: dict[str, Any]) -> Any:
        y = point["p_simplex__"]
        p = simplex_backward(y)
        # log |det J| of y -> p[:-1], from jax.jacobian of the map written above
        _, ljd = jnp.linalg.slogdet(jax.jacobian(lambda v: simplex_backward(v)[:-1])(y))
        ll = jax.vmap(lambda c: jst.multinomial.logpmf(c, 10, p))(COUNTS_MULTI)
        return jst.dirichlet.logpdf(p, a) + ljd + ll.sum()

    return m, ref


def mv_normal() -> tuple[pg.Model, Ref]:
    with pg.Model() as m:
        mu = pg.Normal("mu", 0.0, 2.0, shape=3)
        pg.MvNormal("y", mu=mu, cov=COV, observed=Y_MV)

    def ref(point: dict[str, Any]) -> Any:
        mu = point["mu"]
        ll = jst.multivariate_normal.logpdf(Y_MV, mu, COV).sum()
        return jst.norm.logpdf(mu, 0.0, 2.0).sum() + ll

    return m, ref


def lkj_log_normalizer(n: int, eta: float) -> Any:
    """log c_n(eta), with p(R) = det(R)**(eta - 1) / c_n (Lewandowski et al. 2009, eq. 16)."""
    k = np.arange(1, n)
    b = eta + (n - k - 1) / 2.0
    log_beta = jax.scipy.special.betaln(b, b)
    return jnp.log(2.0) * np.sum((2 * eta - 2 + n - k) * (n - k)) + jnp.sum((n - k) * log_beta)


def lkj_cholesky_cov_ref(y: Any, n: int, eta: float) -> Any:
    """log p of the packed value y of LKJCholeskyCov(n, eta, sd_dist=Exponential(1)),
    by change of variables y -> (sigma, C's free entries), Jacobians by jax.jacobian."""
    rows, cols = np.tril_indices(n)
    diag = rows == cols
    strict = np.tril_indices(n, -1)

    def to_sigma_c(v: Any) -> Any:
        packed = jnp.where(diag, jnp.exp(v), v)  # the value's diagonal is on the log scale
        chol = jnp.zeros((n, n)).at[rows, cols].set(packed)
        sigma = jnp.sqrt(jnp.sum(chol**2, axis=1))
        return jnp.concatenate([sigma, (chol / sigma[:, None])[strict]])

    def corr_from_c(c: Any) -> Any:
        lower = jnp.zeros((n, n)).at[strict].set(c)
        corr_chol = lower + jnp.diag(jnp.sqrt(1.0 - jnp.sum(lower**2, axis=1)))
        return corr_chol @ corr_chol.T

    def r_free(c: Any) -> Any:
        return corr_from_c(c)[np.triu_indices(n, 1)]

    s_c = to_sigma_c(y)
    sigma, c = s_c[:n], s_c[n:]
    _, log_jac_y = jnp.linalg.slogdet(jax.jacobian(to_sigma_c)(y))
    _, log_jac_c = jnp.linalg.slogdet(jax.jacobian(r_free)(c))
    _, logdet_r = jnp.linalg.slogdet(corr_from_c(c))
    log_lkj = (eta - 1.0) * logdet_r - lkj_log_normalizer(n, eta)
    return jst.expon.logpdf(sigma).sum() + log_lkj + log_jac_c + log_jac_y


def mv_normal_lkj() -> tuple[pg.Model, Ref]:
    if not hasattr(pg, "LKJCholeskyCov"):
        pytest.skip("LKJCholeskyCov is not in ppgraph yet")
    try:
        pg.Model().register_rv  # noqa: B018
        from ppgraph.logprob.transforms import get_transform

        get_transform("cholesky-cov-packed")
    except ValueError:
        pytest.skip("the cholesky-cov-packed transform is not registered yet")
    with pg.Model() as m:
        chol, _, _ = pg.LKJCholeskyCov("chol", n=3, eta=2.0, sd_dist=pg.Exponential.dist(1.0))
        mu = pg.Normal("mu", 0.0, 2.0, shape=3)
        pg.MvNormal("y", mu=mu, chol=chol, observed=Y_MV)

    def ref(point: dict[str, Any]) -> Any:
        y = point["chol_cholesky-cov-packed__"]
        rows, cols = np.tril_indices(3)
        packed = jnp.where(rows == cols, jnp.exp(y), y)
        chol = jnp.zeros((3, 3)).at[rows, cols].set(packed)
        ll = jst.multivariate_normal.logpdf(Y_MV, point["mu"], chol @ chol.T).sum()
        return lkj_cholesky_cov_ref(y, 3, 2.0) + jst.norm.logpdf(point["mu"], 0.0, 2.0).sum() + ll

    return m, ref


CORPUS: dict[str, Callable[[], tuple[pg.Model, Ref]]] = {
    "eight_schools_centered": eight_schools_centered,
    "eight_schools_noncentered": eight_schools_noncentered,
    "linear_regression": linear_regression,
    "logistic_regression": logistic_regression,
    "hierarchical_poisson": hierarchical_poisson,
    "normal_mixture": normal_mixture,
    "dirichlet_multinomial": dirichlet_multinomial,
    "mv_normal": mv_normal,
    "mv_normal_lkj": mv_normal_lkj,
}


def random_point(model: pg.Model, rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {str(v.name): rng.normal(size=v.type.shape) * 0.8 for v in model.value_vars}


def check_against_reference(model: pg.Model, ref: Ref, seeds: range = range(3)) -> None:
    logp, dlogp = model.compile_logp(), model.compile_dlogp()
    assert np.isfinite(logp(model.initial_point()))
    names = [str(v.name) for v in model.value_vars]
    value_and_grad = jax.jit(jax.value_and_grad(ref))
    for seed in seeds:
        point = random_point(model, np.random.default_rng(seed))
        with jax.enable_x64(True):
            value, g = value_and_grad({k: jnp.asarray(v) for k, v in point.items()})
            want = float(value)
            want_grad = np.concatenate([np.ravel(g[n]) for n in names])
        np.testing.assert_allclose(logp(point), want, rtol=1e-10)
        np.testing.assert_allclose(dlogp(point), want_grad, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", list(CORPUS))
def test_model_logp_and_gradient(name: str) -> None:
    """logp and dlogp match the reference at random points; logp is finite at
    the initial point."""
    model, ref = CORPUS[name]()
    check_against_reference(model, ref)
