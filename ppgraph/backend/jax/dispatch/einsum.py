"""``ppgraph.tensor.einsum``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ppgraph.backend.jax.dispatch.basic import as_dtype, jax_funcify, tensor_type
from ppgraph.graph.basic import Apply
from ppgraph.tensor.einsum import Einsum


@jax_funcify.register(Einsum)
def _einsum(op: Einsum, node: Apply) -> Callable[..., Any]:
    dtype = tensor_type(node.outputs[0]).dtype

    def einsum(*xs: Any) -> Any:
        xs = tuple(as_dtype(x, dtype) for x in xs)
        return jnp.einsum(op.subscripts, *xs)

    return einsum
