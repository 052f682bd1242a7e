"""Samplers of the discrete families (registered with ``sampler``).

Each returns draws of the full output ``shape``; the generic lowering casts them
to the op's integer dtype.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

from ppgraph.backend.jax.dispatch.random import sampler
from ppgraph.random import discrete as d

Shape = tuple[int, ...]


def _float(*xs: Any) -> Any:
    dtype = jnp.result_type(float, *xs)
    return [jnp.asarray(x, dtype) for x in xs]


@sampler(d.BernoulliRV)
def _bernoulli(key: Any, shape: Shape, dtype: Any, p: Any) -> Any:
    return jax.random.bernoulli(key, p, shape)


def _binomial(key: Any, shape: Shape, n: Any, p: Any) -> Any:
    n, p = _float(n, p)
    return jax.random.binomial(key, jnp.broadcast_to(n, shape), jnp.broadcast_to(p, shape))


@sampler(d.BinomialRV)
def _binomial_rv(key: Any, shape: Shape, dtype: Any, n: Any, p: Any) -> Any:
    return _binomial(key, shape, n, p)


PTRS_FROM = 30.0  # rates from here on use the rejection sampler (valid from 10 on)


def poisson(key: Any, mu: Any, shape: Shape, dtype: Any) -> Any:
    """Poisson draws of rates ``mu``, chosen per element: inversion by sequential
    search below ``PTRS_FROM`` (as many steps as the largest such draw, about
    60 at most), Hörmann's transformed rejection (PTRS, 1993) from there on
    (a few rounds: each proposal is accepted with probability above 0.9).

    Each loop runs only while one of its own elements is undecided, so a graph
    whose rates are all small (or all large) pays for one method only; JAX's
    ``jax.random.poisson`` runs both of its methods for every element. Vectorized,
    every element pays for every round of a loop that runs, and a PTRS round
    (two uniforms, logs, a log-gamma) costs about as much as 30 to 50 steps of
    the search: hence the switch at 30, not at 10 as in serial samplers (PTRS
    is valid from 10 on).
    """
    (mu,) = _float(mu)
    mu = jnp.broadcast_to(mu, shape)
    k_small, k_large = jax.random.split(key)
    small = mu < PTRS_FROM
    out = jnp.where(small, _poisson_inversion(k_small, mu, small), 0.0)
    out = jnp.where(small, out, _poisson_ptrs(k_large, mu, ~small))
    return jnp.where(mu >= 0, out, -1.0).astype(dtype)


def _poisson_inversion(key: Any, mu: Any, todo: Any) -> Any:
    # the smallest k with F(k) >= u, F built term by term: p_k = p_{k-1} mu / k
    u = jax.random.uniform(key, mu.shape, mu.dtype)
    eps = jnp.finfo(mu.dtype).eps
    p = jnp.exp(-jnp.where(todo, mu, 0.0))

    def more(state: Any) -> Any:
        _, p, cdf = state
        # stop where the terms left are below rounding (u can exceed the sum of all)
        return todo & (u > cdf) & (p > eps * cdf)

    def step(state: Any) -> Any:
        k, p, cdf = state
        go = more(state)
        k = jnp.where(go, k + 1.0, k)
        p = jnp.where(go, p * mu / k, p)
        return k, p, jnp.where(go, cdf + p, cdf)

    init = (jnp.zeros_like(mu), p, p)
    return lax.while_loop(lambda st: jnp.any(more(st)), step, init)[0]


def _poisson_ptrs(key: Any, mu: Any, todo: Any) -> Any:
    # Hörmann (1993), "The transformed rejection method for generating Poisson
    # random variables", Insurance: Mathematics and Economics 12, algorithm PTRS.
    mu = jnp.where(todo, mu, PTRS_FROM)
    log_mu, smu = jnp.log(mu), jnp.sqrt(mu)
    b = 0.931 + 2.53 * smu
    a = -0.059 + 0.02483 * b
    log_inv_alpha = jnp.log(1.1239 + 1.1328 / (b - 3.4))
    v_r = 0.9277 - 3.6224 / (b - 2.0)

    def step(state: Any) -> Any:
        i, k, done = state
        u_key, v_key = jax.random.split(jax.random.fold_in(key, i))
        u = jax.random.uniform(u_key, mu.shape, mu.dtype) - 0.5
        v = jax.random.uniform(v_key, mu.shape, mu.dtype)
        us = 0.5 - jnp.abs(u)
        kk = jnp.floor((2.0 * a / us + b) * u + mu + 0.43)
        quick = (us >= 0.07) & (v <= v_r)
        bad = (kk < 0) | ((us < 0.013) & (v > us))
        log_f = _poisson_logpmf(kk, mu, log_mu)
        slow = jnp.log(v) + log_inv_alpha - jnp.log(a / (us * us) + b) <= log_f
        accept = ~done & (quick | (~bad & slow))
        return i + 1, jnp.where(accept, kk, k), done | accept

    init = (0, jnp.zeros_like(mu), ~todo)
    return lax.while_loop(lambda st: ~jnp.all(st[2]), step, init)[1]


def _poisson_logpmf(k: Any, mu: Any, log_mu: Any) -> Any:
    """``k log mu - mu - log k!``, without the cancellation of its large terms
    (float32 at mu = 1e6 would lose it all): from k = 10 on, Stirling's series
    turns it into ``k log1p((mu - k) / k) - (mu - k) - log(2 pi k) / 2 - c(k)``
    with ``c(k) = 1/(12k) - 1/(360k^3) + 1/(1260k^5)``."""
    direct = k * log_mu - mu - jax.scipy.special.gammaln(k + 1.0)
    kb = jnp.maximum(k, 10.0)
    d = mu - kb
    r2 = 1.0 / (kb * kb)
    corr = (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 / 1260.0)) / kb
    big = kb * jnp.log1p(d / kb) - d - 0.5 * jnp.log(2.0 * jnp.pi * kb) - corr
    return jnp.where(k < 10.0, direct, big)


@sampler(d.PoissonRV)
def _poisson(key: Any, shape: Shape, dtype: Any, mu: Any) -> Any:
    return poisson(key, mu, shape, dtype)


def _nbinom(key: Any, shape: Shape, dtype: Any, n: Any, p: Any) -> Any:
    # a gamma-Poisson mixture: rate ~ Gamma(n, scale=(1 - p) / p)
    k_gamma, k_poisson = jax.random.split(key)
    n, p = _float(n, p)
    rate = jax.random.gamma(k_gamma, n, shape, n.dtype) * (1.0 - p) / p
    return poisson(k_poisson, rate, shape, dtype)


@sampler(d.NegativeBinomialRV)
def _nbinom_rv(key: Any, shape: Shape, dtype: Any, n: Any, p: Any) -> Any:
    return _nbinom(key, shape, dtype, n, p)


@sampler(d.GeometricRV)
def _geometric(key: Any, shape: Shape, dtype: Any, p: Any) -> Any:
    return jax.random.geometric(key, p, shape, dtype)


@sampler(d.DiscreteUniformRV)
def _discrete_uniform(key: Any, shape: Shape, dtype: Any, lower: Any, upper: Any) -> Any:
    lo = jnp.asarray(lower).astype(dtype)
    return jax.random.randint(key, shape, lo, jnp.asarray(upper).astype(dtype) + 1, dtype)


@sampler(d.BetaBinomialRV)
def _beta_binomial(key: Any, shape: Shape, dtype: Any, n: Any, a: Any, b: Any) -> Any:
    k_beta, k_binom = jax.random.split(key)
    a, b = _float(a, b)
    return _binomial(k_binom, shape, n, jax.random.beta(k_beta, a, b, shape, a.dtype))


@sampler(d.HyperGeometricRV)
def _hypergeometric(key: Any, shape: Shape, dtype: Any, good: Any, bad: Any, n: Any) -> Any:
    # n draws from an urn, one at a time (all elements step together; those done stop)
    good, bad, n = (jnp.broadcast_to(jnp.asarray(x).astype(dtype), shape) for x in (good, bad, n))

    def step(state: Any) -> Any:
        i, g, total, out = state
        u = jax.random.uniform(jax.random.fold_in(key, i), shape)
        hit = (i < n) & (u * total < g)
        active = i < n
        return i + 1, g - hit, total - active, out + hit

    def more(state: Any) -> Any:
        return jnp.any(state[0] < n)

    zero = jnp.zeros(shape, dtype)
    init = (jnp.asarray(0, dtype), good, good + bad, zero)
    return lax.while_loop(more, step, init)[3]


@sampler(d.CategoricalRV)
def _categorical(key: Any, shape: Shape, dtype: Any, p: Any) -> Any:
    return jax.random.categorical(key, jnp.log(p), axis=-1, shape=shape)


@sampler(d.OrderedLogisticRV)
def _ordered_logistic(key: Any, shape: Shape, dtype: Any, eta: Any, cutpoints: Any) -> Any:
    # the number of cutpoints below a latent eta + Logistic(0, 1)
    latent = eta + jax.random.logistic(key, shape, jnp.result_type(float, eta))
    return jnp.sum(latent[..., None] > cutpoints, axis=-1)


def _inflate(key: Any, shape: Shape, psi: Any, base: Any) -> Any:
    return jnp.where(jax.random.bernoulli(key, psi, shape), base, 0)


@sampler(d.ZeroInflatedPoissonRV)
def _zip(key: Any, shape: Shape, dtype: Any, psi: Any, mu: Any) -> Any:
    k_zero, k_base = jax.random.split(key)
    return _inflate(k_zero, shape, psi, poisson(k_base, mu, shape, dtype))


@sampler(d.ZeroInflatedBinomialRV)
def _zib(key: Any, shape: Shape, dtype: Any, psi: Any, n: Any, p: Any) -> Any:
    k_zero, k_base = jax.random.split(key)
    return _inflate(k_zero, shape, psi, _binomial(k_base, shape, n, p))


@sampler(d.ZeroInflatedNegativeBinomialRV)
def _zinb(key: Any, shape: Shape, dtype: Any, psi: Any, n: Any, p: Any) -> Any:
    k_zero, k_base = jax.random.split(key)
    return _inflate(k_zero, shape, psi, _nbinom(k_base, shape, dtype, n, p))
