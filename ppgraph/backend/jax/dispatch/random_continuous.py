"""Samplers of the continuous families (registered with ``sampler``).

Each is ``fn(key, shape, dtype, *params)``: parameters broadcast against
``shape``, results in ``dtype``. Where ``jax.random`` has no sampler, an
inverse cdf or a standard construction (cited beside it) is used; every
sampler is pure ``jax.numpy``, so ``pg.draw`` can ``vmap`` it over keys.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.special as jss

from ppgraph.backend.jax.dispatch.random import sampler
from ppgraph.random import continuous as rv

Shape = tuple[int, ...]


def _as(dtype: Any, *params: Any) -> list[Any]:
    return [jnp.asarray(p, dtype) for p in params]


def _uniform(key: Any, shape: Shape, dtype: Any) -> Any:
    """Uniform on (0, 1): never 0, so logs and inverse cdfs stay finite."""
    return jax.random.uniform(key, shape, dtype, minval=jnp.finfo(dtype).tiny, maxval=1.0)


def _no_draws(name: str) -> Any:
    def refuse(key: Any, shape: Shape, dtype: Any) -> Any:
        raise NotImplementedError(f"{name} is an improper distribution: it cannot be drawn from")

    return refuse


sampler(rv.FlatRV)(_no_draws("Flat"))
sampler(rv.HalfFlatRV)(_no_draws("HalfFlat"))


@sampler(rv.TruncatedNormalRV)
def _truncated_normal(
    key: Any, shape: Shape, dtype: Any, mu: Any, sigma: Any, lo: Any, hi: Any
) -> Any:
    # Inverse cdf; when both bounds lie above the mean, draw the mirror image
    # from the lower tail, where ndtr keeps its relative precision.
    mu, sigma, lo, hi = _as(dtype, mu, sigma, lo, hi)
    a, b = (lo - mu) / sigma, (hi - mu) / sigma
    flip = a > 0
    left, right = jnp.where(flip, -b, a), jnp.where(flip, -a, b)
    pa, pb = jss.ndtr(left), jss.ndtr(right)
    z = jss.ndtri(pa + _uniform(key, shape, dtype) * (pb - pa))
    return jnp.clip(mu + sigma * jnp.where(flip, -z, z), lo, hi)


@sampler(rv.UniformRV)
def _uniform_rv(key: Any, shape: Shape, dtype: Any, lower: Any, upper: Any) -> Any:
    lower, upper = _as(dtype, lower, upper)
    return lower + (upper - lower) * jax.random.uniform(key, shape, dtype)


@sampler(rv.BetaRV)
def _beta(key: Any, shape: Shape, dtype: Any, alpha: Any, beta: Any) -> Any:
    alpha, beta = _as(dtype, alpha, beta)
    return jax.random.beta(key, alpha, beta, shape, dtype)


@sampler(rv.KumaraswamyRV)
def _kumaraswamy(key: Any, shape: Shape, dtype: Any, a: Any, b: Any) -> Any:
    # Inverse cdf x = (1 - (1 - u)^(1/b))^(1/a), with 1 - u drawn as u.
    a, b = _as(dtype, a, b)
    log_u = jnp.log(_uniform(key, shape, dtype))
    return jnp.exp(jnp.log(-jnp.expm1(log_u / b)) / a)


@sampler(rv.GammaRV)
def _gamma(key: Any, shape: Shape, dtype: Any, alpha: Any, beta: Any) -> Any:
    alpha, beta = _as(dtype, alpha, beta)
    return jax.random.gamma(key, alpha, shape, dtype) / beta


@sampler(rv.InverseGammaRV)
def _inverse_gamma(key: Any, shape: Shape, dtype: Any, alpha: Any, beta: Any) -> Any:
    # beta / Gamma(alpha, 1), through loggamma so a tiny gamma draw is no division by 0.
    alpha, beta = _as(dtype, alpha, beta)
    return beta * jnp.exp(-jax.random.loggamma(key, alpha, shape, dtype))


@sampler(rv.ExponentialRV)
def _exponential(key: Any, shape: Shape, dtype: Any, lam: Any) -> Any:
    (lam,) = _as(dtype, lam)
    return jax.random.exponential(key, shape, dtype) / lam


@sampler(rv.ChiSquaredRV)
def _chisquared(key: Any, shape: Shape, dtype: Any, nu: Any) -> Any:
    (nu,) = _as(dtype, nu)
    return 2.0 * jax.random.gamma(key, nu / 2.0, shape, dtype)


@sampler(rv.WeibullRV)
def _weibull(key: Any, shape: Shape, dtype: Any, alpha: Any, beta: Any) -> Any:
    alpha, beta = _as(dtype, alpha, beta)
    return beta * jax.random.exponential(key, shape, dtype) ** (1.0 / alpha)


@sampler(rv.ParetoRV)
def _pareto(key: Any, shape: Shape, dtype: Any, alpha: Any, m: Any) -> Any:
    alpha, m = _as(dtype, alpha, m)
    return m * jnp.exp(jax.random.exponential(key, shape, dtype) / alpha)


@sampler(rv.WaldRV)
def _wald(key: Any, shape: Shape, dtype: Any, mu: Any, lam: Any, alpha: Any) -> Any:
    # Michael, Schucany & Haas (1976). The smaller root of the quadratic,
    # y = mu / (1 + w + sqrt(w^2 + 2w)) with w = mu * nu^2 / (2 lam), is the
    # cancellation-free form of mu + mu w - mu sqrt(w^2 + 2w).
    mu, lam, alpha = _as(dtype, mu, lam, alpha)
    k_n, k_u = jax.random.split(key)
    w = mu * jax.random.normal(k_n, shape, dtype) ** 2 / (2.0 * lam)
    y = mu / (1.0 + w + jnp.sqrt(w * w + 2.0 * w))
    u = jax.random.uniform(k_u, shape, dtype)
    return alpha + jnp.where(u * (mu + y) <= mu, y, mu * mu / y)


@sampler(rv.LogNormalRV)
def _lognormal(key: Any, shape: Shape, dtype: Any, mu: Any, sigma: Any) -> Any:
    mu, sigma = _as(dtype, mu, sigma)
    return jnp.exp(mu + sigma * jax.random.normal(key, shape, dtype))


@sampler(rv.LogitNormalRV)
def _logitnormal(key: Any, shape: Shape, dtype: Any, mu: Any, sigma: Any) -> Any:
    mu, sigma = _as(dtype, mu, sigma)
    return jax.nn.sigmoid(mu + sigma * jax.random.normal(key, shape, dtype))


@sampler(rv.SkewNormalRV)
def _skewnormal(key: Any, shape: Shape, dtype: Any, mu: Any, sigma: Any, alpha: Any) -> Any:
    # Azzalini (1985): with delta = alpha / sqrt(1 + alpha^2) and independent
    # normals u0, v, the sign of u0 picks delta |u0| + sqrt(1 - delta^2) v.
    mu, sigma, alpha = _as(dtype, mu, sigma, alpha)
    k0, k1 = jax.random.split(key)
    u0, v = jax.random.normal(k0, shape, dtype), jax.random.normal(k1, shape, dtype)
    delta = alpha / jnp.sqrt(1.0 + alpha * alpha)
    z = delta * jnp.abs(u0) + jnp.sqrt(1.0 - delta * delta) * v
    return mu + sigma * z


@sampler(rv.StudentTRV)
def _studentt(key: Any, shape: Shape, dtype: Any, nu: Any, mu: Any, sigma: Any) -> Any:
    nu, mu, sigma = _as(dtype, nu, mu, sigma)
    return mu + sigma * jax.random.t(key, nu, shape, dtype)


@sampler(rv.HalfStudentTRV)
def _halfstudentt(key: Any, shape: Shape, dtype: Any, nu: Any, sigma: Any) -> Any:
    nu, sigma = _as(dtype, nu, sigma)
    return sigma * jnp.abs(jax.random.t(key, nu, shape, dtype))


@sampler(rv.CauchyRV)
def _cauchy(key: Any, shape: Shape, dtype: Any, alpha: Any, beta: Any) -> Any:
    alpha, beta = _as(dtype, alpha, beta)
    return alpha + beta * jax.random.cauchy(key, shape, dtype)


@sampler(rv.HalfCauchyRV)
def _halfcauchy(key: Any, shape: Shape, dtype: Any, loc: Any, beta: Any) -> Any:
    loc, beta = _as(dtype, loc, beta)
    return loc + beta * jnp.abs(jax.random.cauchy(key, shape, dtype))


@sampler(rv.LaplaceRV)
def _laplace(key: Any, shape: Shape, dtype: Any, mu: Any, b: Any) -> Any:
    mu, b = _as(dtype, mu, b)
    return mu + b * jax.random.laplace(key, shape, dtype)


@sampler(rv.AsymmetricLaplaceRV)
def _asymmetric_laplace(key: Any, shape: Shape, dtype: Any, b: Any, kappa: Any, mu: Any) -> Any:
    # The difference of two exponentials with rates b * kappa (right) and b / kappa (left).
    b, kappa, mu = _as(dtype, b, kappa, mu)
    k0, k1 = jax.random.split(key)
    e0, e1 = jax.random.exponential(k0, shape, dtype), jax.random.exponential(k1, shape, dtype)
    return mu + (e0 / kappa - e1 * kappa) / b


@sampler(rv.LogisticRV)
def _logistic(key: Any, shape: Shape, dtype: Any, mu: Any, s: Any) -> Any:
    mu, s = _as(dtype, mu, s)
    return mu + s * jax.random.logistic(key, shape, dtype)


@sampler(rv.GumbelRV)
def _gumbel(key: Any, shape: Shape, dtype: Any, mu: Any, beta: Any) -> Any:
    mu, beta = _as(dtype, mu, beta)
    return mu + beta * jax.random.gumbel(key, shape, dtype)


@sampler(rv.MoyalRV)
def _moyal(key: Any, shape: Shape, dtype: Any, mu: Any, sigma: Any) -> Any:
    # exp(-z) of a standard Moyal z is ChiSquared(1), so z = -2 log|N(0, 1)|.
    mu, sigma = _as(dtype, mu, sigma)
    return mu - 2.0 * sigma * jnp.log(jnp.abs(jax.random.normal(key, shape, dtype)))


@sampler(rv.ExGaussianRV)
def _exgaussian(key: Any, shape: Shape, dtype: Any, mu: Any, sigma: Any, nu: Any) -> Any:
    mu, sigma, nu = _as(dtype, mu, sigma, nu)
    k0, k1 = jax.random.split(key)
    normal = jax.random.normal(k0, shape, dtype)
    return mu + sigma * normal + nu * jax.random.exponential(k1, shape, dtype)


@sampler(rv.TriangularRV)
def _triangular(key: Any, shape: Shape, dtype: Any, lower: Any, c: Any, upper: Any) -> Any:
    lower, c, upper = _as(dtype, lower, c, upper)
    u = jax.random.uniform(key, shape, dtype)
    width = upper - lower
    left = lower + jnp.sqrt(u * width * (c - lower))
    right = upper - jnp.sqrt((1.0 - u) * width * (upper - c))
    return jnp.where(u * width < c - lower, left, right)


@sampler(rv.VonMisesRV)
def _vonmises(key: Any, shape: Shape, dtype: Any, mu: Any, kappa: Any) -> Any:
    mu, kappa = _as(dtype, mu, kappa)
    angle = _vonmises_centered(key, jnp.broadcast_to(kappa, shape), dtype)
    return jnp.mod(mu + angle + jnp.pi, 2.0 * jnp.pi) - jnp.pi


def _vonmises_centered(key: Any, kappa: Any, dtype: Any) -> Any:
    # Best & Fisher (1979) rejection sampler, as in NumPyro and TFP: repeat
    # proposals until every element is accepted (a batched while loop).
    shape = kappa.shape
    cutoff = 1.2e-4 if jnp.dtype(dtype) == jnp.float64 else 2e-2
    r = 1.0 + jnp.sqrt(1.0 + 4.0 * kappa * kappa)
    rho = (r - jnp.sqrt(2.0 * r)) / (2.0 * kappa)
    s = jnp.where(kappa > cutoff, (1.0 + rho * rho) / (2.0 * rho), 1.0 / kappa)

    def propose(state: tuple[Any, Any, Any, Any]) -> tuple[Any, Any, Any, Any]:
        key, done, u, w = state
        key, k_u, k_v = jax.random.split(key, 3)
        u = jax.random.uniform(k_u, shape, dtype, minval=-1.0, maxval=1.0)
        z = jnp.cos(jnp.pi * u)
        w = jnp.where(done, w, (1.0 + s * z) / (s + z))
        y = kappa * (s - w)
        v = _uniform(k_v, shape, dtype)
        accept = (y * (2.0 - y) >= v) | (jnp.log(y / v) + 1.0 >= y)
        return key, done | accept, u, w

    zeros = jnp.zeros(shape, dtype)
    init = (key, jnp.zeros(shape, bool), zeros, zeros)
    _, _, u, w = jax.lax.while_loop(lambda st: ~jnp.all(st[1]), propose, init)
    # The sign of the last proposal is a fair coin independent of w.
    return jnp.sign(u) * jnp.arccos(jnp.clip(w, -1.0, 1.0))
