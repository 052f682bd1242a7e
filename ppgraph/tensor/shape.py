"""Shape ops: shape, reshape, transpose, expand/squeeze, stack, concatenate, broadcast_to.

Indexing lives in ``ppgraph.tensor.subtensor``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import Apply, Op, Variable
from ppgraph.tensor.elemwise import DimShuffle, as_tensors, broadcast_shapes, cast
from ppgraph.tensor.reduction import normalize_axis
from ppgraph.tensor.type import (
    Shape,
    TensorConstant,
    TensorType,
    TensorVariable,
    as_tensor_variable,
    constant,
)


@dataclasses.dataclass(frozen=True)
class ShapeOp(Op):
    """The shape of a tensor as an int64 vector. Printed ``Shape``."""

    def make_node(self, x: Any) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", (x.ndim,))])

    def __str__(self) -> str:
        return "Shape"

    __repr__ = __str__


def shape(x: Any) -> TensorVariable:
    """The shape of ``x`` as a symbolic int64 vector (a constant when static).

    Example:
        >>> import ppgraph.tensor as pt
        >>> m = pt.matrix("m")
        >>> pt.shape(m).eval({m: [[1.0, 2.0]]})
        array([1, 2])
    """
    x = as_tensor_variable(x)
    if all(s is not None for s in x.type.shape):
        return constant(np.array(x.type.shape, dtype="int64"))
    out = ShapeOp()(x)
    assert isinstance(out, TensorVariable)
    return out


def static_int(var: Variable) -> int | None:
    """The value of a scalar int graph when it is known before running it: a
    constant, or an entry of a shape (``x.shape[1]``) that ``x``'s type knows.

    Example:
        >>> import ppgraph.tensor as pt
        >>> m = pt.tensor("float64", shape=(None, 3))
        >>> static_int(m.shape[1]), static_int(m.shape[0])
        (3, None)
    """
    if isinstance(var, TensorConstant) and var.data.size == 1:
        return int(var.data.reshape(()))
    node = var.owner
    if node is None or type(node.op).__name__ != "Subtensor" or len(node.inputs) != 1:
        return None
    index = node.op.index  # type: ignore[attr-defined]
    if len(index) != 1 or index[0][0] != "i":
        return None
    source, k = node.inputs[0], index[0][1]
    if isinstance(source, TensorConstant) and source.ndim == 1:
        return int(source.data[k])
    if source.owner is not None and isinstance(source.owner.op, ShapeOp):
        x = source.owner.inputs[0]
        return x.type.shape[k] if -x.ndim <= k < x.ndim else None  # type: ignore[attr-defined]
    return None


def _static_ints(var: TensorVariable) -> list[int | None] | None:
    """The entries of a 1-d int graph that are known before running it."""
    if isinstance(var, TensorConstant):
        return [int(v) for v in var.data.reshape(-1)]
    if var.owner is not None and isinstance(var.owner.op, Stack) and var.ndim == 1:
        return [static_int(i) for i in var.owner.inputs]
    if var.type.shape and var.type.shape[0] is not None:
        return [None] * var.type.shape[0]
    return None


@dataclasses.dataclass(frozen=True)
class Reshape(Op):
    """``x`` reshaped to the int vector ``shape`` (one entry may be -1)."""

    ndim: int

    def make_node(self, x: Any, shp: Any) -> Apply:
        x = as_tensor_variable(x)
        shp = cast(as_tensor_variable(shp), "int64")
        if shp.ndim != 1:
            raise ValueError(f"reshape: the shape must be a vector, got {shp.type}")
        known = _static_ints(shp)
        if known is not None and len(known) != self.ndim:
            raise ValueError(f"reshape: shape has {len(known)} entries, expected {self.ndim}")
        out: list[int | None] = list(known) if known is not None else [None] * self.ndim
        size = math.prod(s for s in x.type.shape if s is not None)
        all_known = all(s is not None for s in x.type.shape)
        if out.count(-1) > 1:
            raise ValueError(f"reshape: at most one -1 in {out}")
        if -1 in out:
            rest = [s for s in out if s != -1]
            idx = out.index(-1)
            if all_known and all(s is not None for s in rest):
                out[idx] = size // max(math.prod(rest), 1)  # type: ignore[arg-type]
            else:
                out[idx] = None
        if all_known and all(s is not None for s in out) and math.prod(out) != size:  # type: ignore[arg-type]
            raise ValueError(
                f"reshape: cannot reshape {x!r} of shape {x.type.shape} into shape {tuple(out)}"
            )
        return Apply(self, [x, shp], [TensorType(x.dtype, tuple(out))])


def reshape(x: Any, newshape: Any, ndim: int | None = None) -> TensorVariable:
    """``x`` with a new shape (a tuple of ints/scalars or an int vector).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.reshape(pt.constant([1.0, 2.0, 3.0, 4.0]), (2, 2)).type
        TensorType(float64, shape=(2, 2))
    """
    x = as_tensor_variable(x)
    if isinstance(newshape, int | np.integer):
        newshape = (newshape,)
    if isinstance(newshape, Sequence):
        shp = (
            stack([as_tensor_variable(s, dtype="int64") for s in newshape])
            if any(isinstance(s, Variable) for s in newshape)
            else constant(np.array(newshape, dtype="int64").reshape(len(newshape)))
        )
        ndim = len(newshape)
    else:
        shp = as_tensor_variable(newshape)
        if ndim is None:
            ndim = shp.type.shape[0] if shp.ndim == 1 else None
        if ndim is None:
            raise ValueError("reshape: pass ndim= when the new shape's length is not static")
    out = Reshape(ndim)(x, shp)
    assert isinstance(out, TensorVariable)
    return out


def flatten(x: Any) -> TensorVariable:
    """``x`` as a vector.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.flatten(pt.matrix("m")).ndim
        1
    """
    return reshape(x, (-1,))


def transpose(x: Any, axes: Sequence[int] | None = None) -> TensorVariable:
    """``x`` with its axes permuted (reversed by default).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.transpose(pt.tensor("float64", shape=(2, 3))).type
        TensorType(float64, shape=(3, 2))
    """
    x = as_tensor_variable(x)
    if axes is None:
        order: tuple[int, ...] = tuple(reversed(range(x.ndim)))
    elif len(axes) != x.ndim or any(not -x.ndim <= a < x.ndim for a in axes):
        raise ValueError(f"transpose: axes {tuple(axes)} are not a permutation of {x.ndim} dims")
    else:
        order = tuple(a % x.ndim for a in axes)
    if sorted(order) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {axes} are not a permutation of {x.ndim} dims")
    if order == tuple(range(x.ndim)):
        return x
    out = DimShuffle(order)(x)
    assert isinstance(out, TensorVariable)
    return out


def expand_dims(x: Any, axis: int | Sequence[int]) -> TensorVariable:
    """``x`` with size-1 dims inserted at ``axis``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.expand_dims(pt.vector("v"), 0).type
        TensorType(float64, shape=(1, None))
    """
    x = as_tensor_variable(x)
    axes = [axis] if isinstance(axis, int | np.integer) else list(axis)
    ndim = x.ndim + len(axes)
    new = set(normalize_axis(axes, ndim, "expand_dims: axis") or ())
    it = iter(range(x.ndim))
    order = tuple("x" if d in new else next(it) for d in range(ndim))
    out = DimShuffle(order)(x)
    assert isinstance(out, TensorVariable)
    return out


def squeeze(x: Any, axis: int | Sequence[int] | None = None) -> TensorVariable:
    """``x`` without its static size-1 dims (or the given ones, which must be size 1).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.squeeze(pt.tensor("float64", shape=(1, 3))).type
        TensorType(float64, shape=(3,))
    """
    x = as_tensor_variable(x)
    axes = normalize_axis(axis, x.ndim)
    if axes is None:
        axes = tuple(d for d, s in enumerate(x.type.shape) if s == 1)
    out = DimShuffle(tuple(d for d in range(x.ndim) if d not in axes))(x)
    assert isinstance(out, TensorVariable)
    return out


def _axis(axis: int, ndim: int, what: str) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"{what}: axis {axis} is out of range for {ndim} dims")
    return axis % ndim


@dataclasses.dataclass(frozen=True)
class Stack(Op):
    """Inputs of one shape stacked along a new ``axis``."""

    axis: int = 0

    def make_node(self, *xs: Any) -> Apply:
        ts = as_tensors(*xs)
        if not ts:
            raise ValueError("stack needs at least one tensor")
        ndim = ts[0].ndim
        if any(t.ndim != ndim for t in ts):
            raise ValueError(f"stack: inputs of different ranks {[t.type.shape for t in ts]}")
        dtype = str(np.result_type(*[t.dtype for t in ts]))
        base: list[int | None] = []
        for d in range(ndim):
            known = {t.type.shape[d] for t in ts} - {None}
            if len(known) > 1:
                shown = " and ".join(str(t.type.shape) for t in ts)
                raise ValueError(f"stack: inputs of different shapes {shown} (dim {d})")
            base.append(known.pop() if known else None)
        axis = _axis(self.axis, ndim + 1, "stack")
        shape = (*base[:axis], len(ts), *base[axis:])
        return Apply(self, [cast(t, dtype) for t in ts], [TensorType(dtype, shape)])


def stack(tensors: Sequence[Any], axis: int = 0) -> TensorVariable:
    """Tensors of one shape joined along a new axis.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.stack([pt.scalar("a"), pt.scalar("b")]).type
        TensorType(float64, shape=(2,))
    """
    out = Stack(axis)(*tensors)
    assert isinstance(out, TensorVariable)
    return out


@dataclasses.dataclass(frozen=True)
class Concatenate(Op):
    """Inputs joined along an existing ``axis``."""

    axis: int = 0

    def make_node(self, *xs: Any) -> Apply:
        ts = as_tensors(*xs)
        if not ts or ts[0].ndim == 0:
            raise ValueError("concatenate needs at least one tensor of rank >= 1")
        ndim = ts[0].ndim
        if any(t.ndim != ndim for t in ts):
            raise ValueError(f"concatenate: inputs of different ranks {[t.type.shape for t in ts]}")
        axis = _axis(self.axis, ndim, "concatenate")
        dtype = str(np.result_type(*[t.dtype for t in ts]))
        shape: list[int | None] = []
        for d in range(ndim):
            sizes = [t.type.shape[d] for t in ts]
            if d == axis:
                shape.append(None if None in sizes else sum(s for s in sizes if s is not None))
                continue
            known = {s for s in sizes if s is not None}
            if len(known) > 1:
                raise ValueError(
                    f"concatenate along axis {axis}: shapes {[t.type.shape for t in ts]} "
                    f"differ in dim {d}"
                )
            shape.append(known.pop() if known else None)
        return Apply(self, [cast(t, dtype) for t in ts], [TensorType(dtype, tuple(shape))])


def concatenate(tensors: Sequence[Any], axis: int = 0) -> TensorVariable:
    """Tensors joined along an existing axis.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.concatenate([pt.constant([1.0]), pt.constant([2.0, 3.0])]).type
        TensorType(float64, shape=(3,))
    """
    out = Concatenate(axis)(*tensors)
    assert isinstance(out, TensorVariable)
    return out


@dataclasses.dataclass(frozen=True)
class BroadcastTo(Op):
    """``x`` broadcast to a shape given as scalar int inputs."""

    def make_node(self, x: Any, *shp: Any) -> Apply:
        x = as_tensor_variable(x)
        dims = [cast(as_tensor_variable(s), "int64") for s in shp]
        static: Shape = tuple(static_int(d) for d in dims)
        if len(static) < x.ndim:
            raise ValueError(f"broadcast_to: cannot broadcast {x.type.shape} to {static}")
        out = broadcast_shapes(x.type.shape, static, context="broadcast_to")
        out = tuple(s if s is not None else o for s, o in zip(static, out, strict=True))
        for xs, os_ in zip(reversed(x.type.shape), reversed(out), strict=False):
            if xs is not None and os_ is not None and xs not in (1, os_):
                raise ValueError(f"broadcast_to: cannot broadcast {x.type.shape} to {static}")
        return Apply(self, [x, *dims], [TensorType(x.dtype, out)])

    def __str__(self) -> str:
        return "BroadcastTo"

    __repr__ = __str__


def broadcast_to(x: Any, shp: Sequence[Any]) -> TensorVariable:
    """``x`` broadcast to ``shp`` (ints or int scalars).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.broadcast_to(pt.scalar("x"), (2, 3)).type
        TensorType(float64, shape=(2, 3))
    """
    out = BroadcastTo()(x, *shp)
    assert isinstance(out, TensorVariable)
    return out


def full(shp: Any, fill_value: Any, dtype: str | None = None) -> TensorVariable:
    """An array of shape ``shp`` (ints or int scalars, or one int) filled with ``fill_value``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.full((2,), 3.0).eval()
        array([3., 3.])
    """
    value = as_tensor_variable(fill_value, dtype=dtype)
    if dtype is not None:
        value = cast(value, dtype)
    return broadcast_to(value, (shp,) if isinstance(shp, int | np.integer) else shp)


def zeros(shp: Any, dtype: str | None = None) -> TensorVariable:
    """An array of zeros (``config.floatX`` by default).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.zeros((2,)).eval()
        array([0., 0.])
    """
    return full(shp, 0.0, dtype)


def ones(shp: Any, dtype: str | None = None) -> TensorVariable:
    """An array of ones (``config.floatX`` by default).

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.ones((2,)).eval()
        array([1., 1.])
    """
    return full(shp, 1.0, dtype)


def _concrete_bound(value: Any, what: str) -> Any:
    """A bound of ``arange`` as a number: a constant's value, or a static size
    (``x.shape[0]`` when ``x``'s type knows it); another variable is an error
    naming it (the length would not be static)."""
    if isinstance(value, TensorConstant) and value.data.ndim == 0:
        return value.data.item()
    if isinstance(value, Variable):
        is_int = isinstance(value, TensorVariable) and value.dtype.startswith(("int", "uint"))
        known = static_int(value) if is_int else None
        if known is not None:
            return known
        raise TypeError(
            f"arange: {what} is the symbolic variable {value!r}; the length of a range "
            "must be known when the graph is built (XLA compiles for static shapes): "
            "give a Python number"
        )
    return value


def arange(
    start: float, stop: float | None = None, step: float = 1, dtype: str | None = None
) -> TensorVariable:
    """A constant range (its length must be known to compile for XLA); ints give
    int64, floats ``config.floatX``, unless ``dtype`` says otherwise.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.arange(3).eval(), pt.arange(0, 1, 0.5).eval()
        (array([0, 1, 2]), array([0. , 0.5]))
    """
    if stop is None:
        start, stop = 0, start
    start, stop, step = (
        _concrete_bound(v, what) for v, what in ((start, "start"), (stop, "stop"), (step, "step"))
    )
    if dtype is None:
        ints = all(isinstance(v, int | np.integer) for v in (start, stop, step))
        dtype = "int64" if ints else config.floatX
    return constant(np.arange(start, stop, step, dtype=dtype))
