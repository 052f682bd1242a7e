"""``ppgraph.tensor.special``: softmax and log-softmax along an axis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax

from ppgraph.backend.jax.dispatch.basic import jax_funcify
from ppgraph.graph.basic import Apply
from ppgraph.tensor.special import LogSoftmax, Softmax


@jax_funcify.register(Softmax)
def _softmax(op: Softmax, node: Apply) -> Callable[..., Any]:
    fn = jax.nn.log_softmax if isinstance(op, LogSoftmax) else jax.nn.softmax
    axis = op.axis
    # jax.nn's axis=None already means every axis, as PyTensor's does
    return lambda x: fn(x, axis=axis)
