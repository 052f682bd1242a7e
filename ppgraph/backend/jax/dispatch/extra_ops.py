"""``ppgraph.tensor.extra_ops``: cumulative sums and products, and friends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ppgraph.backend.jax.dispatch.basic import as_dtype, jax_funcify, tensor_type
from ppgraph.graph.basic import Apply
from ppgraph.tensor.extra_ops import CumOp


@jax_funcify.register(CumOp)
def _cumop(op: CumOp, node: Apply) -> Callable[..., Any]:
    fn = jnp.cumsum if op.mode == "add" else jnp.cumprod
    dtype = tensor_type(node.outputs[0]).dtype
    axis = op.axis

    def cumop(x: Any) -> Any:
        x = as_dtype(x, dtype)
        return fn(jnp.ravel(x) if axis is None else x, axis=0 if axis is None else axis)

    return cumop
