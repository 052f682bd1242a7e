"""``MarginalLogp``: a held graph summed over the support of one discrete value.

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
    of ``inputs[0]``; the node's inputs are ``inputs[1:]``."""

    inner: Variable
    inputs: tuple[Variable, ...]
    support: tuple[int, ...]
    mode: str = "logsumexp"

    default_output: ClassVar[int | None] = 0

    def make_node(self, *args: Any) -> Apply:
        outer = [a if isinstance(a, Variable) else as_tensor_variable(a) for a in args]
        if len(outer) != len(self.inputs) - 1:
            raise TypeError(f"{self}: expected {len(self.inputs) - 1} inputs, got {len(outer)}")
        t = self.inner.type
        assert isinstance(t, TensorType)
        shape = t.shape if self.mode == "logsumexp" else (len(self.support), *t.shape)
        return Apply(self, outer, [TensorType(t.dtype, shape)])

    def props_str(self) -> str:
        return f"{self.inputs[0]!r} in {len(self.support)} values, {self.mode}"


def marginal_logp(
    inner: Any, value: TensorVariable, support: Sequence[int], mode: str = "logsumexp"
) -> TensorVariable:
    """``inner`` with ``value`` summed out over ``support`` (see the module docstring)."""
    if mode not in ("logsumexp", "logits"):
        raise ValueError(f"marginal_logp: mode is 'logsumexp' or 'logits', got {mode!r}")
    if any(s is None for s in value.type.shape):
        raise ValueError(
            f"marginal_logp: {value!r} needs a static shape to be summed out, got {value.type}"
        )
    inner = as_tensor_variable(inner)
    others = [
        v for v in graph_inputs([inner], blockers=[value])
        if v is not value and not isinstance(v, Constant)
    ]  # fmt: skip
    op = MarginalLogp(inner, (value, *others), tuple(int(s) for s in support), mode)
    out = op(*others)
    assert isinstance(out, TensorVariable)
    return out
