"""Constant folding: a node whose inputs are all constants becomes a constant,
computed eagerly by the JAX backend (the one place that knows how to compute).

A DimShuffle only moves data, so it is folded with NumPy: the same array, and
no JAX dispatch for the many ``DimShuffle{x}(2.0)`` that broadcasting makes.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from ppgraph.backend.jax.dispatch import jax_funcify
from ppgraph.graph.basic import Apply, Constant, Variable
from ppgraph.random.op import RandomVariable
from ppgraph.tensor.check import Check
from ppgraph.tensor.elemwise import DimShuffle
from ppgraph.tensor.type import TensorConstant, TensorType

# Random draws stay random; a Check must report its failure at run time.
NOT_FOLDED: tuple[type, ...] = (RandomVariable, Check)


def _dimshuffle(op: DimShuffle, data: np.ndarray) -> np.ndarray:
    kept = [d for d in op.new_order if isinstance(d, int)]
    dropped = tuple(d for d in range(data.ndim) if d not in kept)
    moved = np.transpose(np.squeeze(data, dropped), np.argsort(np.argsort(kept)))
    return moved.reshape([data.shape[d] if isinstance(d, int) else 1 for d in op.new_order])


def eval_node(node: Apply, args: list[Any]) -> list[Any]:
    """The node's outputs computed eagerly by the JAX backend, in float64 on the
    CPU (raises what the lowering raises).

    Example:
        >>> import numpy as np, ppgraph.tensor as pt
        >>> from ppgraph.rewrite.fold import eval_node
        >>> [float(v) for v in eval_node(pt.exp(pt.scalar("x")).owner, [np.float64(0.0)])]
        [1.0]
    """
    with jax.enable_x64(True), jax.default_device(jax.devices("cpu")[0]):
        res = jax_funcify(node.op, node)(*args)
    return [res] if len(node.outputs) == 1 else list(res)


def fold_node(node: Apply, max_size: int) -> list[Variable] | None:
    """The node's outputs as constants, or None when it is not folded.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.fold import fold_node
        >>> fold_node(pt.exp(pt.constant(0.0)).owner, 16)
        [TensorConstant{1.0}]
    """
    if isinstance(node.op, NOT_FOLDED):
        return None
    types = [o.type for o in node.outputs]
    if not all(isinstance(t, TensorType) for t in types):
        return None
    for t in types:
        assert isinstance(t, TensorType)
        if None in t.shape or int(np.prod([s or 0 for s in t.shape])) > max_size:
            return None
    args = [i.data for i in node.inputs if isinstance(i, Constant)]
    if isinstance(node.op, DimShuffle):
        values = [_dimshuffle(node.op, np.asarray(args[0]))]
    else:
        try:
            values = eval_node(node, args)
        except Exception:  # leave it to run time, where the error reaches the user
            return None
    out: list[Variable] = []
    for t, v in zip(types, values, strict=True):
        assert isinstance(t, TensorType)
        arr = np.asarray(v, dtype=t.dtype).reshape([s or 0 for s in t.shape])
        out.append(TensorConstant(t, arr))
    return out
