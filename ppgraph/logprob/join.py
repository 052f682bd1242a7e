"""The log-density of random variables joined along an axis.

PyMC writes an AR process as its initial values and a loop started from them,
joined: ``pt.concatenate([init, innov], axis=-1)`` with ``innov`` a ``scan``
whose ``outputs_info`` is ``init``. The density of the join at ``v`` is each
part's density at its slice of ``v``, a part that reads an earlier part taken
given that part's slice (the loop starts from the value's first entries, not
from a new draw), joined along the same axis.
"""

from __future__ import annotations

from typing import Any

from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import toposort
from ppgraph.logprob.basic import _as_value, _measurable_logprob, logp
from ppgraph.tensor.shape import Concatenate, concatenate
from ppgraph.tensor.type import TensorVariable

__all__ = ["join_logp"]


@_measurable_logprob.register(Concatenate)
def join_logp(op: Concatenate, var: TensorVariable, value: Any) -> TensorVariable:
    """The log-density of ``var = concatenate(parts, axis)`` at ``value``.

    Example:
        >>> import numpy as np
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> init = pg.Normal.dist(0.0, 1.0, size=1)
        >>> walk = pt.scan(lambda x_tm1: pg.Normal.dist(x_tm1, 1.0),
        ...                outputs_info=init[0], n_steps=2, return_updates=False)
        >>> x = pt.concatenate([init, walk])
        >>> pg.logp(x, [0.5, 1.0, 1.0]).eval().round(6)
        array([-1.043939, -1.043939, -0.918939])
    """
    node = var.owner
    assert node is not None
    parts = [p for p in node.inputs if isinstance(p, TensorVariable)]
    axis = op.axis % var.ndim
    value = _as_value(var, value)
    known = [p.type.shape[axis] for p in parts]
    sizes = [s for s in known if s is not None]
    if len(sizes) != len(parts):
        raise NotImplementedError(
            f"logp of {var!r}: the joined parts' sizes along axis {axis} must be known "
            f"when the graph is built, got {known}"
        )
    given: dict[Variable, Variable] = {}
    terms = []
    start = 0
    for part, size in zip(parts, sizes, strict=True):
        index = tuple([slice(None)] * axis + [slice(start, start + size)])
        v_part = value[index]
        start += size
        conditioned = _given(part, given)
        term = logp(conditioned, v_part)
        if term.ndim != part.ndim:
            raise NotImplementedError(
                f"logp of {var!r}: the part {part!r} has a density over its last "
                f"{part.ndim - term.ndim} axes, which a join along axis {axis} cannot split"
            )
        terms.append(term)
        given[part] = v_part
    out = concatenate(terms, axis=axis)
    out.name = f"{var.name}_logprob" if var.name else None
    return out


def _given(var: TensorVariable, given: dict[Variable, Variable]) -> TensorVariable:
    """``var`` with the variables in ``given`` replaced by their values; only the
    nodes that read them are rebuilt, so the model's own variables stay themselves."""
    memo: dict[Variable, Variable] = dict(given)
    for node in toposort([var], blockers=list(given)):
        ins = [memo.get(v, v) for v in node.inputs]
        if all(a is b for a, b in zip(ins, node.inputs, strict=True)):
            continue
        new = node.op.make_node(*ins)
        for old, out in zip(node.outputs, new.outputs, strict=True):
            out.name = old.name
            memo[old] = out
    out = memo.get(var, var)
    assert isinstance(out, TensorVariable)
    return out
