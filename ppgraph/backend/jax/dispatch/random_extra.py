"""Samplers of the families in ``ppgraph/random/extra.py`` (registered with ``sampler``).

Pure ``jax.numpy`` and ``lax`` loops, so ``pg.draw`` can ``vmap`` and ``jit`` them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

from ppgraph.backend.jax.dispatch.random import sampler
from ppgraph.backend.jax.dispatch.random_discrete import _nbinom, poisson
from ppgraph.random import extra as rv

Shape = tuple[int, ...]
MAX_ROUNDS = 10_000  # rejection rounds of a truncated draw (PyMC's max_n_steps)


def _as(dtype: Any, *params: Any) -> list[Any]:
    return [jnp.asarray(p, dtype) for p in params]


def _uniform(key: Any, shape: Shape, dtype: Any) -> Any:
    """Uniform on (0, 1), never 0."""
    return jax.random.uniform(key, shape, dtype, minval=jnp.finfo(dtype).tiny, maxval=1.0)


def _rejected_below(key: Any, draw: Callable[[Any], Any], lower: Any, fallback: Any) -> Any:
    """Draws of ``draw(key)`` conditioned on ``x >= lower``, by rejection: each
    element redrawn until accepted. After ``MAX_ROUNDS`` rounds (acceptance below
    about 1e-3) an element left takes ``fallback``, the limit of the conditional
    law as its acceptance goes to 0 (its lower end)."""
    first = draw(jax.random.fold_in(key, 0))

    def more(state: Any) -> Any:
        i, x = state
        return (i < MAX_ROUNDS) & jnp.any(x < lower)

    def step(state: Any) -> Any:
        i, x = state
        return i + 1, jnp.where(x < lower, draw(jax.random.fold_in(key, i)), x)

    x = lax.while_loop(more, step, (1, first))[1]
    return jnp.where(x < lower, fallback, x)


def _hurdle(key: Any, shape: Shape, psi: Any, positive: Any) -> Any:
    return jnp.where(jax.random.bernoulli(key, psi, shape), positive, jnp.zeros_like(positive))


@sampler(rv.HurdlePoissonRV)
def _hurdle_poisson(key: Any, shape: Shape, dtype: Any, psi: Any, mu: Any) -> Any:
    # Poisson given >= 1 as arrival counts: the first arrival time t of a unit-rate
    # process, conditioned on t < mu, is -log(u) with u ~ U(e^-mu, 1); the
    # arrivals left in (t, mu] are Poisson(mu - t). Exact for any mu > 0.
    k_zero, k_first, k_rest = jax.random.split(key, 3)
    (mu,) = _as(jnp.result_type(float, mu), mu)
    mu = jnp.broadcast_to(mu, shape)
    u = jax.random.uniform(k_first, shape, mu.dtype)
    first = -jnp.log1p(u * jnp.expm1(-mu))  # -log(e^-mu + u (1 - e^-mu))
    rest = poisson(k_rest, jnp.maximum(mu - first, 0.0), shape, dtype)
    return _hurdle(k_zero, shape, psi, rest + 1)


@sampler(rv.HurdleNegativeBinomialRV)
def _hurdle_nbinom(key: Any, shape: Shape, dtype: Any, psi: Any, n: Any, p: Any) -> Any:
    k_zero, k_base = jax.random.split(key)
    positive = _rejected_below(
        k_base, lambda k: _nbinom(k, shape, dtype, n, p), 1, jnp.ones(shape, dtype)
    )
    return _hurdle(k_zero, shape, psi, positive)


@sampler(rv.HurdleGammaRV)
def _hurdle_gamma(key: Any, shape: Shape, dtype: Any, psi: Any, alpha: Any, beta: Any) -> Any:
    k_zero, k_base = jax.random.split(key)
    alpha, beta = _as(dtype, alpha, beta)
    eps = jnp.finfo(dtype).eps

    def draw(k: Any) -> Any:
        return jax.random.gamma(k, alpha, shape, dtype) / beta

    return _hurdle(k_zero, shape, psi, _rejected_below(k_base, draw, eps, eps))


@sampler(rv.HurdleLogNormalRV)
def _hurdle_lognormal(key: Any, shape: Shape, dtype: Any, psi: Any, mu: Any, sigma: Any) -> Any:
    k_zero, k_base = jax.random.split(key)
    mu, sigma = _as(dtype, mu, sigma)
    eps = jnp.finfo(dtype).eps

    def draw(k: Any) -> Any:
        return jnp.exp(mu + sigma * jax.random.normal(k, shape, dtype))

    return _hurdle(k_zero, shape, psi, _rejected_below(k_base, draw, eps, eps))


@sampler(rv.ZeroSumNormalRV, with_op=True)
def _zerosum_normal(op: rv.ZeroSumNormalRV, key: Any, shape: Shape, dtype: Any, sigma: Any) -> Any:
    # Normal draws with the mean of each zero-sum axis removed in turn: the
    # projection of N(0, sigma^2 I) onto the zero-sum subspace.
    n = op.n_zerosum_axes
    (sigma,) = _as(dtype, sigma)
    sigma = jnp.reshape(sigma, (*jnp.shape(sigma), *([1] * n)))
    x = sigma * jax.random.normal(key, shape, dtype)
    for axis in range(-n, 0):
        x = x - jnp.mean(x, axis=axis, keepdims=True)
    return x


@sampler(rv.OrderedProbitRV)
def _ordered_probit(
    key: Any, shape: Shape, dtype: Any, eta: Any, cutpoints: Any, sigma: Any
) -> Any:
    # the number of cutpoints below a latent eta + sigma * Normal(0, 1)
    ftype = jnp.result_type(float, eta, sigma)
    latent = eta + sigma * jax.random.normal(key, shape, ftype)
    return jnp.sum(latent[..., None] > cutpoints, axis=-1)


@sampler(rv.DiracDeltaRV)
def _dirac_delta(key: Any, shape: Shape, dtype: Any, c: Any) -> Any:
    return jnp.broadcast_to(jnp.asarray(c, dtype), shape)


@sampler(rv.DiscreteWeibullRV)
def _discrete_weibull(key: Any, shape: Shape, dtype: Any, q: Any, beta: Any) -> Any:
    # Inverse cdf: the smallest x with 1 - q^((x + 1)^beta) >= u, i.e.
    # x = ceil((log(1 - u) / log q)^(1 / beta) - 1), with 1 - u drawn as u.
    q, beta = _as(jnp.result_type(float, q, beta), q, beta)
    u = _uniform(key, shape, q.dtype)
    x = jnp.ceil(jnp.power(jnp.log(u) / jnp.log(q), 1.0 / beta) - 1.0)
    return jnp.maximum(x, 0.0)


@sampler(rv.RiceRV)
def _rice(key: Any, shape: Shape, dtype: Any, nu: Any, sigma: Any) -> Any:
    # the length of (nu, 0) + sigma * (Z1, Z2)
    nu, sigma = _as(dtype, nu, sigma)
    z = jax.random.normal(key, (2, *shape), dtype)
    return jnp.hypot(nu + sigma * z[0], sigma * z[1])


@sampler(rv.SkewStudentTRV)
def _skew_studentt(key: Any, shape: Shape, dtype: Any, a: Any, b: Any, mu: Any, sigma: Any) -> Any:
    # Jones & Faddy (2003): T = sqrt(a + b) (2Y - 1) / (2 sqrt(Y (1 - Y))), Y ~ Beta(a, b)
    a, b, mu, sigma = _as(dtype, a, b, mu, sigma)
    y = jax.random.beta(key, a, b, shape, dtype)
    t = jnp.sqrt(a + b) * (2.0 * y - 1.0) / (2.0 * jnp.sqrt(y * (1.0 - y)))
    return mu + sigma * t


@sampler(rv.InterpolatedRV)
def _interpolated(key: Any, shape: Shape, dtype: Any, x_points: Any, pdf_points: Any) -> Any:
    # Inverse cdf of the piecewise-linear density: find the segment i with
    # C_i <= t < C_{i+1} (C the trapezoid cumulative areas, t = u C_n), then solve
    # p_i d + s d^2 / 2 = t - C_i for the offset d in it (s the segment's slope),
    # as d = 2 r / (p_i + sqrt(p_i^2 + 2 s r)), which holds for s = 0 too.
    xs, ps = _as(dtype, x_points, pdf_points)
    n = xs.shape[-1]
    xs = jnp.broadcast_to(xs, (*shape, n))
    ps = jnp.broadcast_to(ps, (*shape, n))
    width = xs[..., 1:] - xs[..., :-1]
    area = 0.5 * (ps[..., 1:] + ps[..., :-1]) * width
    cum = jnp.concatenate([jnp.zeros((*shape, 1), dtype), jnp.cumsum(area, axis=-1)], axis=-1)
    t = jax.random.uniform(key, shape, dtype) * cum[..., -1]
    i = jnp.clip(jnp.sum(cum[..., 1:-1] <= t[..., None], axis=-1), 0, n - 2)[..., None]

    def at(a: Any) -> Any:
        return jnp.take_along_axis(a, i, axis=-1)[..., 0]

    x0, p0, w = at(xs), at(ps), at(width)
    slope = (at(ps[..., 1:]) - p0) / w
    r = jnp.maximum(t - at(cum), 0.0)
    d = 2.0 * r / (p0 + jnp.sqrt(jnp.maximum(p0 * p0 + 2.0 * slope * r, 0.0)))
    return jnp.clip(x0 + jnp.where(jnp.isfinite(d), d, 0.0), xs[..., 0], xs[..., -1])
