"""MarginalLogp: the held graph lowered once and mapped over the support with ``jax.vmap``
(over support values, or over the rows of a table of joint configurations).

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
import numpy as np
from jax.scipy.special import logsumexp

from ppgraph.backend.jax.dispatch.basic import jax_dtype, jax_funcify, tensor_type
from ppgraph.graph.basic import Apply, SharedVariable, Variable, is_fixed
from ppgraph.graph.traversal import graph_inputs
from ppgraph.tensor.marginal import MarginalLogp


@functools.lru_cache(maxsize=64)
def _inner(out: Variable, inputs: tuple[Variable, ...], n_values: int) -> Callable[..., Any]:
    from ppgraph.backend.jax.linker import lower
    from ppgraph.rewrite.pipeline import rewrite_graph
    from ppgraph.rewrite.selects import hoist_selects

    # fixed data (a model's private copy of observed values) stays unblocked, so
    # the rewrites decide its conditions and sum its terms once, as in the outer graph
    unblocked = [v for v in inputs if not is_fixed(v)]
    [held] = rewrite_graph([out], unblocked)
    # selects on the summed values moved out of the per-row work, which the
    # vmap over the support then does once (rewritten again: log(exp(a)) in a branch)
    [held] = rewrite_graph(hoist_selects([held], inputs[:n_values]), unblocked)
    extra = [
        v for v in graph_inputs([held]) if isinstance(v, SharedVariable) and v not in inputs
    ]  # fixed values the rewrites computed (a Cholesky factor): held in the program
    f = lower([*inputs, *extra], [held], [], "-inf")
    held_values = [v.get_value() for v in extra]
    return lambda *args: f(*args, *held_values)[0]


@jax_funcify.register(MarginalLogp)
def _marginal(op: MarginalLogp, node: Apply) -> Callable[..., Any]:
    inner = _inner(op.inner, op.inputs, op.n_values)
    types = [tensor_type(v) for v in op.inputs[: op.n_values]]
    # static shapes: marginal_logp checked them
    shapes = [tuple(int(s or 0) for s in t.shape) for t in types]
    joint = bool(op.support) and isinstance(op.support[0], tuple)
    ends = np.cumsum([0, *(int(np.prod(s)) for s in shapes)])

    def fill(row: Any) -> list[Any]:
        """The summed values at one support entry: filled everywhere (an int) or
        cut out of one flattened configuration (a joint sum)."""
        if not joint:
            return [jnp.full(shapes[0], row)]
        return [
            row[a:b].reshape(shape).astype(jax_dtype(t.dtype))
            for a, b, shape, t in zip(ends[:-1], ends[1:], shapes, types, strict=True)
        ]

    def marginal(*args: Any) -> Any:
        dtype = jax_dtype(np.result_type(*[t.dtype for t in types]))
        support = jnp.asarray(np.asarray(op.support), dtype=dtype)
        per_value = jax.vmap(lambda row: inner(*fill(row), *args))(support)
        if op.mode == "logits":
            return per_value
        return logsumexp(per_value, axis=0)

    return marginal
