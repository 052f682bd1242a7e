"""MarginalLogp: the held graph lowered once and mapped over the support with ``jax.vmap``.

The held graph is lowered in the ``-inf`` check mode: a support value that
fails a Check (a parameter indexed by it, say) contributes nothing to the sum,
as an impossible value should. Checks that do not involve the summed value are
carried to the outer graph by ``pg.marginalize``, where the function's own
check mode applies.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.scipy.special import logsumexp

from ppgraph.backend.jax.dispatch.basic import jax_dtype, jax_funcify, tensor_type
from ppgraph.graph.basic import Apply, Variable
from ppgraph.tensor.marginal import MarginalLogp


@functools.lru_cache(maxsize=64)
def _inner(out: Variable, inputs: tuple[Variable, ...]) -> Callable[..., Any]:
    from ppgraph.backend.jax.linker import lower
    from ppgraph.rewrite.pipeline import rewrite_graph

    [held] = rewrite_graph([out], inputs)
    f = lower(list(inputs), [held], [], "-inf")
    return lambda *args: f(*args)[0]


@jax_funcify.register(MarginalLogp)
def _marginal(op: MarginalLogp, node: Apply) -> Callable[..., Any]:
    inner = _inner(op.inner, op.inputs)
    value_type = tensor_type(op.inputs[0])
    shape = tuple(int(s or 0) for s in value_type.shape)  # static: marginal_logp checked it

    def marginal(*args: Any) -> Any:
        support = jnp.asarray(op.support, dtype=jax_dtype(value_type.dtype))
        per_value = jax.vmap(lambda s: inner(jnp.full(shape, s), *args))(support)
        if op.mode == "logits":
            return per_value
        return logsumexp(per_value, axis=0)

    return marginal
