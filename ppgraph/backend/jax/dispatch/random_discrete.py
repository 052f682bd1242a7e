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


@sampler(d.PoissonRV)
def _poisson(key: Any, shape: Shape, dtype: Any, mu: Any) -> Any:
    return jax.random.poisson(key, mu, shape, dtype)


def _nbinom(key: Any, shape: Shape, dtype: Any, n: Any, p: Any) -> Any:
    # a gamma-Poisson mixture: rate ~ Gamma(n, scale=(1 - p) / p)
    k_gamma, k_poisson = jax.random.split(key)
    n, p = _float(n, p)
    rate = jax.random.gamma(k_gamma, n, shape, n.dtype) * (1.0 - p) / p
    return jax.random.poisson(k_poisson, rate, shape, dtype)


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
    return _inflate(k_zero, shape, psi, jax.random.poisson(k_base, mu, shape, dtype))


@sampler(d.ZeroInflatedBinomialRV)
def _zib(key: Any, shape: Shape, dtype: Any, psi: Any, n: Any, p: Any) -> Any:
    k_zero, k_base = jax.random.split(key)
    return _inflate(k_zero, shape, psi, _binomial(k_base, shape, n, p))


@sampler(d.ZeroInflatedNegativeBinomialRV)
def _zinb(key: Any, shape: Shape, dtype: Any, psi: Any, n: Any, p: Any) -> Any:
    k_zero, k_base = jax.random.split(key)
    return _inflate(k_zero, shape, psi, _nbinom(k_base, shape, dtype, n, p))
