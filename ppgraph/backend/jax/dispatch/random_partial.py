"""Draws of a partly observed multivariate variable (``ppgraph/random/partial.py``):
one draw of the base family over the full shape, flattened, at the op's entries.
The observed and unobserved parts hold the same key, so together they are one
draw of the completed array."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from ppgraph.backend.jax.dispatch.basic import jax_funcify
from ppgraph.graph.basic import Apply
from ppgraph.random.partial import PartialObservedRV
from ppgraph.tensor.type import TensorType, constant


@jax_funcify.register(PartialObservedRV)
def _partial_observed(op: PartialObservedRV, node: Apply) -> Callable[..., Any]:
    assert op.base is not None
    base_params = node.inputs[2 : 2 + op.n_base]
    ndim_supp = op.base.ndim_supp
    batch = op.full_shape[: len(op.full_shape) - ndim_supp]
    size = constant(np.asarray(batch, dtype="int64").reshape(-1))
    base_node = Apply(
        op.base, [node.inputs[0], size, *base_params], [TensorType(op.dtype, op.full_shape)]
    )
    base_draw = jax_funcify(op.base, base_node)
    take = np.asarray(op.take, dtype=np.int64)

    def draw(key_data: Any, _size: Any, *params: Any) -> Any:
        full = base_draw(key_data, size.data, *params[: op.n_base])
        return jnp.reshape(full, (-1,))[take]

    return draw
