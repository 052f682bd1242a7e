"""``einsum``: NumPy's Einstein summation, as one node lowered to ``jnp.einsum``."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ppgraph.graph.basic import Apply, Op
from ppgraph.tensor.elemwise import as_tensors, broadcast_shapes
from ppgraph.tensor.type import Shape, TensorType, TensorVariable

__all__ = ["Einsum", "einsum"]


def _parse(subscripts: str, n_operands: int) -> tuple[list[str], str]:
    """The operands' index strings and the output's (NumPy's implicit output:
    the letters used once, sorted, after any ellipsis)."""
    spec = subscripts.replace(" ", "")
    lhs, arrow, rhs = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != n_operands:
        raise ValueError(f"einsum: {subscripts!r} names {len(terms)} operands, got {n_operands}")
    for t in [*terms, rhs]:
        letters = t.replace("...", "")
        if not all(c.isalpha() for c in letters) or t.count("...") > 1:
            raise ValueError(f"einsum: bad subscripts {subscripts!r}")
    if not arrow:
        letters = "".join(terms).replace("...", "")
        once = sorted(c for c in set(letters) if letters.count(c) == 1)
        rhs = ("..." if "..." in lhs else "") + "".join(once)
    return terms, rhs


def _out_shape(terms: list[str], rhs: str, shapes: list[Shape]) -> Shape:
    sizes: dict[str, int | None] = {}
    batches: list[Shape] = []
    for t, s in zip(terms, shapes, strict=True):
        named = t.replace("...", "")
        if ("..." not in t and len(named) != len(s)) or len(named) > len(s):
            raise ValueError(f"einsum: {t!r} does not fit an operand of shape {s}")
        head, _, tail = t.partition("...") if "..." in t else (t, "", "")
        batch = s[len(head) : len(s) - len(tail)]
        batches.append(batch)
        for c, d in zip(head + tail, s[: len(head)] + s[len(s) - len(tail) :], strict=True):
            known = sizes.get(c)
            if known is not None and d is not None and known != d and 1 not in (known, d):
                raise ValueError(f"einsum: index {c!r} has sizes {known} and {d}")
            sizes[c] = d if known is None or known == 1 else known
    batch = broadcast_shapes(*batches, context="einsum ...")
    for c in rhs.replace("...", ""):
        if c not in sizes:
            raise ValueError(f"einsum: output index {c!r} of {rhs!r} is on no operand")
    head, dots, tail = rhs.partition("...")
    return (*(sizes[c] for c in head), *(batch if dots else ()), *(sizes[c] for c in tail))


@dataclasses.dataclass(frozen=True)
class Einsum(Op):
    """``np.einsum(subscripts, *operands)``; ``subscripts`` always explicit ("ij,jk->ik")."""

    subscripts: str

    def make_node(self, *operands: Any) -> Apply:
        xs = as_tensors(*operands)
        terms, rhs = _parse(self.subscripts, len(xs))
        shape = _out_shape(terms, rhs, [x.type.shape for x in xs])
        dtype = str(np.result_type(*[x.dtype for x in xs]))
        return Apply(self, xs, [TensorType(dtype, shape)])


def einsum(subscripts: str, *operands: Any) -> TensorVariable:
    """Einstein summation over ``operands`` as NumPy's ``einsum`` (implicit and
    explicit output, ``...`` for broadcast axes).

    Example:
        >>> import ppgraph.tensor as pt
        >>> A = pt.constant([[1.0, 2.0], [3.0, 4.0]])
        >>> pt.einsum("ij,j->i", A, pt.constant([1.0, 1.0])).eval()
        array([3., 7.])
        >>> float(pt.einsum("ii", A).eval())
        5.0
    """
    terms, rhs = _parse(subscripts, len(operands))
    out = Einsum(",".join(terms) + "->" + rhs)(*operands)
    assert isinstance(out, TensorVariable)
    return out
