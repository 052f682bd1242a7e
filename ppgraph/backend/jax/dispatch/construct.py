"""``ppgraph.tensor.construct``: diagonals and triangles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ppgraph.backend.jax.dispatch.basic import jax_funcify
from ppgraph.graph.basic import Apply
from ppgraph.tensor.construct import AllocDiag, Diagonal, Tri


@jax_funcify.register(Diagonal)
def _diagonal(op: Diagonal, node: Apply) -> Callable[..., Any]:
    return lambda x: jnp.diagonal(x, op.offset, op.axis1, op.axis2)


@jax_funcify.register(AllocDiag)
def _alloc_diag(op: AllocDiag, node: Apply) -> Callable[..., Any]:
    k = op.offset

    def alloc_diag(x: Any) -> Any:
        n = x.shape[-1]
        idx = jnp.arange(n)
        rows, cols = idx + max(-k, 0), idx + max(k, 0)
        out = jnp.zeros((*x.shape[:-1], n + abs(k), n + abs(k)), x.dtype)
        return out.at[..., rows, cols].set(x)

    return alloc_diag


@jax_funcify.register(Tri)
def _tri(op: Tri, node: Apply) -> Callable[..., Any]:
    fn = jnp.tril if op.lower else jnp.triu
    return lambda x: fn(x, op.k)
