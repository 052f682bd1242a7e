"""``MarginalLogp``: a held graph summed over the support of discrete values.

The op holds ``inner``, a graph of a stand-in ``value`` (the discrete
variable's value) and of other variables, and a finite ``support``. Its output
is, elementwise over ``inner``'s shape,

    log sum_k exp(inner(value = s_k))        (``mode="logsumexp"``)

or the stacked ``inner(value = s_k)`` over ``k`` on a new leading axis
(``mode="logits"``: the unnormalized log-probabilities of each support value,
which recover the discrete variable's conditional after sampling). The
stand-in is filled with ``s_k`` everywhere, so a vector of independent
per-row discrete variables is summed out row by row in one pass over the
support (``K`` evaluations, not ``K ** n``), provided row ``i`` of ``inner``
depends on row ``i`` of the value only (``pg.marginalize`` checks that).

Several values summed jointly (two switches feeding one likelihood, say)
take a ``support`` of configurations instead: each entry a tuple holding one
value of every summed variable, flattened and concatenated in the order of
``value``; ``inner`` is then a scalar and the sum runs over the listed
configurations (the product space, which ``pg.marginalize`` bounds).

The JAX backend lowers ``inner`` once and maps it over the support with
``jax.vmap``, so the cost is one batched evaluation.

Example:
    >>> import numpy as np, ppgraph.tensor as pt
    >>> from ppgraph.tensor.marginal import marginal_logp
    >>> z, w = pt.scalar("z", dtype="int64"), pt.scalar("w")
    >>> out = marginal_logp(pt.log(w) * pt.cast(z, "float64"), z, (0, 1, 2))
    >>> float(out.eval({w: 0.5})) == float(np.log(1 + 0.5 + 0.25))
    True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, ClassVar

from ppgraph.graph.basic import Apply, Constant, Op, Variable
from ppgraph.graph.traversal import graph_inputs
from ppgraph.tensor.type import TensorType, TensorVariable, as_tensor_variable

__all__ = ["MarginalLogp", "marginal_logp"]


@dataclasses.dataclass(frozen=True)
class MarginalLogp(Op):
    """``inner`` summed (``logsumexp``) or listed (``logits``) over ``support``
    of ``inputs[:n_values]``; the node's inputs are ``inputs[n_values:]``.
    ``support`` holds ints (one value filled in everywhere) or, for a joint
    sum, tuples (one configuration of all the values, flattened)."""

    inner: Variable
    inputs: tuple[Variable, ...]
    support: tuple[Any, ...]
    mode: str = "logsumexp"
    n_values: int = 1

    default_output: ClassVar[int | None] = 0

    def make_node(self, *args: Any) -> Apply:
        outer = [a if isinstance(a, Variable) else as_tensor_variable(a) for a in args]
        n = len(self.inputs) - self.n_values
        if len(outer) != n:
            raise TypeError(f"{self}: expected {n} inputs, got {len(outer)}")
        t = self.inner.type
        assert isinstance(t, TensorType)
        shape = t.shape if self.mode == "logsumexp" else (len(self.support), *t.shape)
        return Apply(self, outer, [TensorType(t.dtype, shape)])

    def props_str(self) -> str:
        values = ", ".join(repr(v) for v in self.inputs[: self.n_values])
        return f"{values} in {len(self.support)} values, {self.mode}"


def marginal_logp(
    inner: Any,
    value: TensorVariable | Sequence[TensorVariable],
    support: Sequence[Any],
    mode: str = "logsumexp",
) -> TensorVariable:
    """``inner`` with ``value`` (or several values, jointly) summed out over
    ``support`` (see the module docstring)."""
    if mode not in ("logsumexp", "logits"):
        raise ValueError(f"marginal_logp: mode is 'logsumexp' or 'logits', got {mode!r}")
    values = [value] if isinstance(value, Variable) else list(value)
    for v in values:
        if any(s is None for s in v.type.shape):
            raise ValueError(
                f"marginal_logp: {v!r} needs a static shape to be summed out, got {v.type}"
            )
    joint = len(values) > 1 or any(isinstance(s, tuple | list) for s in support)
    width = sum(static_size(v) for v in values)
    table = tuple(tuple(int(x) for x in s) if joint else int(s) for s in support)
    if joint and any(len(row) != width for row in table):  # type: ignore[arg-type]
        raise ValueError(
            f"marginal_logp: each configuration holds {width} values (the summed values "
            f"flattened), got lengths {sorted({len(r) for r in table})}"  # type: ignore[arg-type]
        )
    inner = as_tensor_variable(inner)
    others = [
        v for v in graph_inputs([inner], blockers=values)
        if v not in values and not isinstance(v, Constant)
    ]  # fmt: skip
    op = MarginalLogp(inner, (*values, *others), table, mode, len(values))
    out = op(*others)
    assert isinstance(out, TensorVariable)
    return out


def static_size(v: Variable) -> int:
    """The number of entries of ``v`` (its static shape's product)."""
    n = 1
    for d in v.type.shape:  # type: ignore[attr-defined]
        n *= int(d)
    return n
