"""Samplers of the multivariate families (registered with ``sampler``).

``shape`` is the full output shape (batch + core); parameters broadcast over the
batch part.
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.backend.jax.dispatch.basic import jax_dtype
from ppgraph.backend.jax.dispatch.random import SAMPLERS, WITH_OP, sampler
from ppgraph.random import multivariate as mv

Shape = tuple[int, ...]


def _affine(mu: Any, chol: Any, z: Any) -> Any:
    """``mu + chol @ z`` over broadcast batch dims."""
    return mu + jnp.einsum("...ij,...j->...i", chol, z)


@sampler(mv.MvNormalRV)
def _mvnormal(key: Any, shape: Shape, dtype: Any, mu: Any, cov: Any) -> Any:
    return _affine(mu, jnp.linalg.cholesky(cov), jax.random.normal(key, shape, dtype))


@sampler(mv.MvStudentTRV)
def _mvt(key: Any, shape: Shape, dtype: Any, nu: Any, mu: Any, scale: Any) -> Any:
    # mu + L z / sqrt(w), w = chi2(nu) / nu = Gamma(nu / 2, rate nu / 2)
    k_norm, k_gamma = jax.random.split(key)
    nu = jnp.asarray(nu, dtype)
    w = jax.random.gamma(k_gamma, jnp.broadcast_to(nu / 2, shape[:-1]), dtype=dtype) * 2 / nu
    z = jax.random.normal(k_norm, shape, dtype) / jnp.sqrt(w)[..., None]
    return _affine(mu, jnp.linalg.cholesky(scale), z)


@sampler(mv.DirichletRV)
def _dirichlet(key: Any, shape: Shape, dtype: Any, a: Any) -> Any:
    return jax.random.dirichlet(key, jnp.asarray(a, dtype), shape[:-1], dtype)


def _multinomial(key: Any, shape: Shape, n: Any, p: Any) -> Any:
    p = jnp.broadcast_to(jnp.asarray(p, jnp.result_type(float, p)), shape)
    n = jnp.broadcast_to(jnp.asarray(n, p.dtype), shape[:-1])
    return jax.random.multinomial(key, n, p, dtype=p.dtype)


@sampler(mv.MultinomialRV)
def _multinomial_rv(key: Any, shape: Shape, dtype: Any, n: Any, p: Any) -> Any:
    return _multinomial(key, shape, n, p)


@sampler(mv.DirichletMultinomialRV)
def _dirichlet_multinomial(key: Any, shape: Shape, dtype: Any, n: Any, a: Any) -> Any:
    k_dir, k_mult = jax.random.split(key)
    a = jnp.asarray(a, jnp.result_type(float, a))
    return _multinomial(k_mult, shape, n, jax.random.dirichlet(k_dir, a, shape[:-1], a.dtype))


def lkj_corr_cholesky(key: Any, batch: Shape, n: int, eta: Any, dtype: Any) -> Any:
    """The Cholesky factor of an LKJ(eta) correlation matrix, by the onion method
    (Lewandowski, Kurowicka & Joe 2009, section 3.2): row i is sqrt(y_i) times a
    uniform direction in R^i, y_i ~ Beta(i / 2, eta + (n - 1 - i) / 2), and its
    diagonal entry completes the unit norm."""
    if n == 1:
        return jnp.ones((*batch, 1, 1), dtype)
    k_beta, k_dir = jax.random.split(key)
    i = jnp.arange(1, n, dtype=dtype)
    eta = jnp.asarray(eta, dtype)[..., None]
    y = jax.random.beta(k_beta, i / 2, eta + (n - 1 - i) / 2, (*batch, n - 1), dtype)
    z = jax.random.normal(k_dir, (*batch, n - 1, n - 1), dtype) * np.tri(n - 1)
    w = jnp.sqrt(y)[..., None] * z / jnp.linalg.norm(z, axis=-1, keepdims=True)
    low = jnp.zeros((*batch, n, n), dtype).at[..., 1:, :-1].set(w)
    diag = jnp.sqrt(jnp.clip(1 - jnp.sum(low**2, axis=-1), 0.0))
    return low + diag[..., None] * jnp.eye(n, dtype=dtype)


@sampler(mv.LKJCorrRV)
def _lkjcorr(key: Any, shape: Shape, dtype: Any, n: Any, eta: Any) -> Any:
    size = int(np.rint((1 + np.sqrt(1 + 8 * shape[-1])) / 2))  # m = size (size - 1) / 2
    low = lkj_corr_cholesky(key, shape[:-1], size, eta, dtype)
    corr = low @ jnp.swapaxes(low, -1, -2)
    rows, cols = np.triu_indices(size, 1)
    return corr[..., rows, cols]


@sampler(mv.LKJCholeskyCovRV, with_op=True)
def _lkjcholeskycov(
    op: mv.LKJCholeskyCovRV, key: Any, shape: Shape, dtype: Any, n: Any, eta: Any, *sd_params: Any
) -> Any:
    size = int(np.rint((np.sqrt(1 + 8 * shape[-1]) - 1) / 2))  # m = size (size + 1) / 2
    k_sd, k_corr = jax.random.split(key)
    sd_op = op.sd_op
    assert sd_op is not None
    draw_sd = SAMPLERS[type(sd_op)]
    if type(sd_op) in WITH_OP:
        draw_sd = functools.partial(draw_sd, sd_op)
    sd = draw_sd(k_sd, (*shape[:-1], size), jax_dtype(sd_op.dtype), *sd_params)
    low = lkj_corr_cholesky(k_corr, shape[:-1], size, eta, dtype)
    chol = jnp.asarray(sd, dtype)[..., :, None] * low
    rows, cols = np.tril_indices(size)
    return chol[..., rows, cols]
