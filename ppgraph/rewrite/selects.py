"""Inside a sum over a discrete variable's support: a select on the summed
value moved out of the elementwise work it feeds.

In ``sum_i f(y_i, where(s >= t_i, a, b))`` (the coal-mining switchpoint ``s``
choosing the early or the late rate of each year), ``f`` (the Poisson's
``xlogy``) runs once per row and per support value: ``K x N`` times. Written
``where(s >= t_i, f(y_i, a), f(y_i, b))``, ``f`` no longer involves ``s``, so
the sum over the support (``jax.vmap`` over the support values, which leaves
what does not depend on them unbatched) computes it ``2 N`` times, and only the
select and the sum are done per support value, in the value and in the gradient.

    f(where(c, a, b), x)              -> where(c, f(a, x), f(b, x))
    f(where(c, a, b), where(c, d, e)) -> where(c, f(a, d), f(b, e))

for an elementwise ``f``, only where it pays: the condition ``c`` depends on
the summed values, and the branches and the other inputs do not. The value is
the same everywhere (both are a choice per element between the same two
results).
"""

from __future__ import annotations

from collections.abc import Sequence

from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import toposort
from ppgraph.tensor.elemwise import Elemwise, elemwise

__all__ = ["hoist_selects"]


def _select_on(v: Variable, depends: set[Variable]) -> tuple[Variable, Variable, Variable] | None:
    """``(c, a, b)`` if ``v`` is ``where(c, a, b)`` with only ``c`` depending on
    the summed values."""
    node = v.owner
    if node is None or not isinstance(node.op, Elemwise) or node.op.scalar_op != "where":
        return None
    c, a, b = node.inputs
    if c in depends and a not in depends and b not in depends:
        return c, a, b
    return None


def _hoisted(op: Elemwise, inputs: Sequence[Variable], depends: set[Variable]) -> Variable | None:
    cond: Variable | None = None
    first: list[Variable] = []
    second: list[Variable] = []
    for v in inputs:
        select = _select_on(v, depends)
        if select is not None:
            if cond is not None and select[0] is not cond:
                return None  # two different conditions: left alone
            cond = select[0]
            first.append(select[1])
            second.append(select[2])
        elif v in depends:
            return None
        else:
            first.append(v)
            second.append(v)
    if cond is None:
        return None
    return elemwise("where", cond, elemwise(op.scalar_op, *first), elemwise(op.scalar_op, *second))


def hoist_selects(outputs: Sequence[Variable], summed: Sequence[Variable]) -> list[Variable]:
    """``outputs`` with every select on ``summed`` moved out of the elementwise
    operations it feeds, where the branches do not involve ``summed``.

    Example:
        >>> import numpy as np
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.selects import hoist_selects
        >>> s, rate_a, rate_b = pt.scalar("s"), pt.scalar("a"), pt.scalar("b")
        >>> years = np.arange(5.0)
        >>> out = pt.sum(pt.log(pt.switch(s >= years, rate_a, rate_b)))
        >>> [new] = hoist_selects([out], [s])
        >>> str(new.owner.inputs[0].owner.op)  # the log moved into the branches
        'Elemwise{where}'
        >>> point = {s: 2.0, rate_a: 3.0, rate_b: 5.0}
        >>> new.eval(point), out.eval(point)  # 3 log 3 + 2 log 5 both
        (array(6.5147), array(6.5147))
    """
    depends = set(summed)
    memo: dict[Variable, Variable] = {}
    for node in toposort(outputs):
        inputs = [memo.get(v, v) for v in node.inputs]
        new = None
        if isinstance(node.op, Elemwise) and node.op.scalar_op != "where":
            new = _hoisted(node.op, inputs, depends)
        if new is not None:
            outs = [new]
        elif inputs != list(node.inputs):
            outs = node.op.make_node(*inputs).outputs
        else:
            outs = node.outputs
        involved = any(v in depends for v in inputs)
        for old, out in zip(node.outputs, outs, strict=True):
            if out is not old:
                out.name = old.name
            memo[old] = out
            if involved:
                depends.add(out)
    return [memo.get(o, o) for o in outputs]
