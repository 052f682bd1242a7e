"""Elementwise ops with NumPy broadcasting made explicit, and DimShuffle.

Broadcasting is explicit in the graph: an input of lower rank is wrapped in a
``DimShuffle{x,...}`` that adds its leading dims, so every Elemwise node sees
inputs of equal rank (the seed's ``InplaceDimShuffle{x}``).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import Apply, Op
from ppgraph.tensor.type import Shape, TensorType, TensorVariable, as_tensor_variable

DtypeRule = Literal["same", "float", "bool", "where"]


@dataclasses.dataclass(frozen=True)
class ScalarOpInfo:
    """One row of the elementwise table: arity, output-dtype rule, infix symbol."""

    arity: int
    rule: DtypeRule = "same"
    symbol: str | None = None
    commutative: bool = False


def _float_of(dtype: str) -> str:
    return dtype if np.dtype(dtype).kind in "fc" else config.floatX


def out_dtype(rule: DtypeRule, dtypes: Sequence[str]) -> str:
    """The output dtype of an elementwise op from its inputs' dtypes."""
    if rule == "bool":
        return "bool"
    if rule == "where":
        dtypes = dtypes[1:]
    return _promoted(rule == "float", tuple(dtypes), config.floatX)


@functools.lru_cache(maxsize=1024)
def _promoted(to_float: bool, dtypes: tuple[str, ...], floatx: str) -> str:
    # NumPy's promotion costs microseconds a call; graphs meet few dtype tuples.
    common = str(np.result_type(*[np.dtype(d) for d in dtypes]))
    if to_float and np.dtype(common).kind not in "fc":
        return floatx
    return common


def broadcast_shapes(*shapes: Shape, context: str = "") -> Shape:
    """The static shape of NumPy broadcasting; an error naming both shapes when
    two known sizes disagree."""
    first = shapes[0] if shapes else ()
    if all(s == first for s in shapes):  # the common case: nothing to broadcast
        return tuple(first)
    ndim = max((len(s) for s in shapes), default=0)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    out: list[int | None] = []
    for dim, sizes in enumerate(zip(*padded, strict=True)):
        known = {s for s in sizes if s is not None and s != 1}
        if len(known) > 1:
            shown = " and ".join(str(tuple(s)) for s in shapes)
            raise ValueError(
                f"{context or 'broadcasting'}: incompatible shapes {shown} "
                f"(dim {dim}: sizes {sorted(known)})"
            )
        if known:
            out.append(known.pop())
        elif all(s == 1 for s in sizes):
            out.append(1)
        else:
            out.append(None)
    return tuple(out)


@dataclasses.dataclass(frozen=True)
class DimShuffle(Op):
    """Reorder dims, add broadcastable ones (``"x"``), drop size-1 ones.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.tensor.elemwise import DimShuffle
        >>> DimShuffle(("x", 0))(pt.vector("v")).type
        TensorType(float64, shape=(1, None))
    """

    new_order: tuple[int | str, ...]

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        kept = [d for d in self.new_order if d != "x"]
        if len(set(kept)) != len(kept) or any(
            not isinstance(d, int) or not 0 <= d < x.ndim for d in kept
        ):
            raise ValueError(f"DimShuffle{{{self.props_str()}}}: bad order for a {x.ndim}-d input")
        for d in set(range(x.ndim)) - set(kept):
            if x.type.shape[d] != 1:
                raise ValueError(
                    f"DimShuffle{{{self.props_str()}}} drops dim {d} of {x!r}, whose static "
                    f"size is {x.type.shape[d]}, not 1"
                )
        shape = tuple(1 if d == "x" else x.type.shape[d] for d in self.new_order)
        return Apply(self, [x], [TensorType(x.dtype, shape)])

    def props_str(self) -> str:
        return ",".join(str(d) for d in self.new_order)


@functools.cache
def _scalar_ops() -> dict[str, ScalarOpInfo]:
    # Imported on first use: the table's module imports this one.
    from ppgraph.tensor.math import SCALAR_OPS

    return SCALAR_OPS


@dataclasses.dataclass(frozen=True)
class Elemwise(Op):
    """An elementwise op named by a row of the table in ``ppgraph.tensor.math``.

    Its inputs must already have equal rank (``elemwise()`` inserts the DimShuffles).
    """

    scalar_op: str

    @property
    def info(self) -> ScalarOpInfo:
        return _scalar_ops()[self.scalar_op]

    def make_node(self, *inputs: Any) -> Apply:
        info = self.info
        if len(inputs) != info.arity:
            raise TypeError(f"{self.scalar_op} takes {info.arity} inputs, got {len(inputs)}")
        xs = [as_tensor_variable(x) for x in inputs]
        if len({x.ndim for x in xs}) > 1:
            raise ValueError(f"{self}: inputs of unequal rank; use pt.{self.scalar_op}()")
        if info.rule == "where" and xs[0].dtype != "bool":
            raise TypeError(f"where: the condition must be bool, got {xs[0].dtype}")
        shape = broadcast_shapes(*(x.type.shape for x in xs), context=self.scalar_op)
        dtype = out_dtype(info.rule, [x.dtype for x in xs])
        return Apply(self, xs, [TensorType(dtype, shape)])

    def props_str(self) -> str:
        return self.scalar_op


@dataclasses.dataclass(frozen=True)
class Cast(Op):
    """Convert to another dtype.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.cast(pt.vector("v"), "float32").dtype
        'float32'
    """

    dtype: str

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType(self.dtype, x.type.shape)])


def cast(x: Any, dtype: str) -> TensorVariable:
    """``x`` converted to ``dtype`` (no node if it already has it).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.cast(pt.vector("v", dtype="int64"), "float64").dtype
        'float64'
    """
    x = as_tensor_variable(x)
    dtype = str(np.dtype(dtype))
    return x if x.dtype == dtype else Cast(dtype)(x)


@functools.lru_cache(maxsize=64)
def _kind(dtype: str) -> str:
    return np.dtype(dtype).kind


def _python_constant(value: Any, tensors: Sequence[TensorVariable]) -> TensorVariable:
    """A Python number beside tensors takes their dtype where the kinds allow,
    so ``x32 * 2.0`` stays float32 and ``x64 * 2.0`` stays float64."""
    floats = [t.dtype for t in tensors if _kind(t.dtype) in "fc"]
    ints = [t.dtype for t in tensors if _kind(t.dtype) in "iu"]
    if isinstance(value, bool):
        return as_tensor_variable(value)
    if isinstance(value, int):
        if floats:
            dtype = _promoted(False, tuple(floats), config.floatX)
            return as_tensor_variable(value, dtype=dtype)
        if ints:
            dtype = str(np.result_type(*ints))
            info = np.iinfo(dtype)
            if info.min <= value <= info.max:
                return as_tensor_variable(value, dtype=dtype)
        return as_tensor_variable(value)
    if isinstance(value, float):
        dtype = _promoted(False, tuple(floats), config.floatX) if floats else config.floatX
        return as_tensor_variable(value, dtype=dtype)
    return as_tensor_variable(value)


def as_tensors(*args: Any) -> list[TensorVariable]:
    """Tensor variables from a mix of variables and Python/NumPy values."""
    tensors = [a for a in args if isinstance(a, TensorVariable)]
    return [a if isinstance(a, TensorVariable) else _python_constant(a, tensors) for a in args]


def expand_to(x: TensorVariable, ndim: int) -> TensorVariable:
    """``x`` with leading broadcastable dims added up to ``ndim``."""
    if x.ndim >= ndim:
        return x
    order = ("x",) * (ndim - x.ndim) + tuple(range(x.ndim))
    return DimShuffle(order)(x)


def elemwise(scalar_op: str, *args: Any) -> TensorVariable:
    """Apply a row of the elementwise table with NumPy broadcasting.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.tensor.elemwise import elemwise
        >>> elemwise("add", pt.scalar("x"), pt.vector("y")).type
        TensorType(float64, shape=(None,))
    """
    xs = as_tensors(*args)
    ndim = max(x.ndim for x in xs)
    broadcast_shapes(*(x.type.shape for x in xs), context=scalar_op)
    out = Elemwise(scalar_op)(*[expand_to(x, ndim) for x in xs])
    assert isinstance(out, TensorVariable)
    return out
