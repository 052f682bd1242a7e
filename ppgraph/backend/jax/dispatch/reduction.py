"""Reductions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import jax.scipy.special as jss

from ppgraph.backend.jax.dispatch.basic import (
    as_dtype,
    jax_funcify,
    static_when_concrete,
    tensor_type,
)
from ppgraph.graph.basic import Apply
from ppgraph.tensor.reduction import Reduce

JAX_REDUCE: dict[str, Callable[..., Any]] = {
    "sum": jnp.sum,
    "prod": jnp.prod,
    "max": jnp.max,
    "min": jnp.min,
    "mean": jnp.mean,
    "logsumexp": jss.logsumexp,
    "all": jnp.all,
    "any": jnp.any,
}


@jax_funcify.register(Reduce)
@static_when_concrete
def _reduce(op: Reduce, node: Apply) -> Callable[..., Any]:
    dtype = tensor_type(node.outputs[0]).dtype
    axis = op.axis
    if op.kind in ("argmax", "argmin"):
        arg = jnp.argmax if op.kind == "argmax" else jnp.argmin
        ax = None if axis is None else axis[0]
        return lambda x: as_dtype(arg(x, axis=ax), dtype)
    fn = JAX_REDUCE[op.kind]
    keepdims = op.keepdims

    def reduce(x: Any) -> Any:
        return as_dtype(fn(x, axis=axis, keepdims=keepdims), dtype)

    return reduce
