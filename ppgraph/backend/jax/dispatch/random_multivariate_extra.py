"""Samplers of the families in ``ppgraph/random/multivariate_extra.py``.

``shape`` is the full output shape (batch + core); parameters broadcast over the
batch part. Gaussian families given by a precision ``Q`` draw ``mu + L^-T z``
with ``Q = L L^T``.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from ppgraph.backend.jax.dispatch.random import sampler
from ppgraph.random import multivariate_extra as mv

Shape = tuple[int, ...]


def _t(x: Any) -> Any:
    return jnp.swapaxes(x, -1, -2)


@sampler(mv.StickBreakingWeightsRV)
def _stick_breaking(key: Any, shape: Shape, dtype: Any, alpha: Any, k: Any) -> Any:
    # v_j ~ Beta(1, alpha); w_j = v_j prod_{l<j} (1 - v_l); the last piece is what is left
    alpha = jnp.broadcast_to(jnp.asarray(alpha, dtype)[..., None], (*shape[:-1], shape[-1] - 1))
    v = jax.random.beta(key, jnp.ones((), dtype), alpha, dtype=dtype)
    left = jnp.cumprod(1 - v, axis=-1)
    before = jnp.concatenate([jnp.ones((*shape[:-1], 1), dtype), left[..., :-1]], axis=-1)
    return jnp.concatenate([before * v, left[..., -1:]], axis=-1)


@sampler(mv.MatrixNormalRV)
def _matrix_normal(key: Any, shape: Shape, dtype: Any, mu: Any, rowchol: Any, colchol: Any) -> Any:
    z = jax.random.normal(key, shape, dtype)
    return mu + rowchol @ z @ _t(colchol)


@sampler(mv.KroneckerNormalRV)
def _kronecker_normal(key: Any, shape: Shape, dtype: Any, mu: Any, sigma: Any, *chols: Any) -> Any:
    # kron(L_1, ..., L_k) z: z as a (a_1, ..., a_k) tensor, L_i applied along axis i
    k_kron, k_noise = jax.random.split(key)
    batch, sizes = shape[:-1], [c.shape[-1] for c in chols]
    z = jax.random.normal(k_kron, (*batch, *sizes), dtype)
    for i, chol in enumerate(chols):
        z = jnp.moveaxis(jnp.tensordot(z, chol, axes=([len(batch) + i], [1])), -1, len(batch) + i)
    noise = jnp.asarray(sigma, dtype)[..., None] * jax.random.normal(k_noise, shape, dtype)
    return mu + z.reshape(shape) + noise


def _from_precision(key: Any, shape: Shape, dtype: Any, mu: Any, prec: Any) -> Any:
    prec = jnp.broadcast_to(prec, (*shape, shape[-1]))
    chol = jnp.linalg.cholesky(prec)
    z = jax.random.normal(key, shape, dtype)[..., None]
    return mu + jsl.solve_triangular(_t(chol), z, lower=False)[..., 0]


def _degrees(w: Any) -> Any:
    """``diag(sum_j W_ij)``."""
    return jnp.sum(w, axis=-1)[..., None] * jnp.eye(w.shape[-1], dtype=w.dtype)


@sampler(mv.CARRV)
def _car(key: Any, shape: Shape, dtype: Any, mu: Any, w: Any, alpha: Any, tau: Any) -> Any:
    w = jnp.asarray(w, dtype)
    a, t = (jnp.asarray(v, dtype)[..., None, None] for v in (alpha, tau))
    return _from_precision(key, shape, dtype, mu, t * (_degrees(w) - a * w))


@sampler(mv.ICARRV)
def _icar(key: Any, shape: Shape, dtype: Any, w: Any, sigma: Any, zero_sum_stdev: Any) -> Any:
    w, n = jnp.asarray(w, dtype), shape[-1]
    s, zs = (jnp.asarray(v, dtype)[..., None, None] for v in (sigma, zero_sum_stdev))
    prec = (_degrees(w) - w) / s**2 + 1 / (zs * n) ** 2
    return _from_precision(key, shape, dtype, jnp.zeros((), dtype), prec)


@sampler(mv.WishartRV)
def _wishart(key: Any, shape: Shape, dtype: Any, nu: Any, v: Any) -> Any:
    # Bartlett: X = L A A^T L^T, A lower with A_ii^2 ~ chi2(nu - i), A_ij ~ N(0, 1) below
    k_chi, k_norm = jax.random.split(key)
    batch, p = shape[:-2], shape[-1]
    dof = jnp.asarray(nu, dtype)[..., None] - jnp.arange(p, dtype=dtype)
    chi2 = 2 * jax.random.gamma(k_chi, jnp.broadcast_to(dof / 2, (*batch, p)), dtype=dtype)
    low = jnp.tril(jax.random.normal(k_norm, shape, dtype), -1)
    a = low + jnp.sqrt(chi2)[..., None] * jnp.eye(p, dtype=dtype)
    la = jnp.linalg.cholesky(jnp.asarray(v, dtype)) @ a
    return la @ _t(la)
