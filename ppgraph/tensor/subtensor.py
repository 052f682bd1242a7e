"""Indexing: ``x[...]`` with ints, slices, None, Ellipsis and integer tensors
(NumPy's basic and advanced indexing), and ``set_subtensor`` / ``inc_subtensor``.

The index's structure is the op's parameter; the tensors in it are inputs. In
the structure, ``"t"`` marks a place filled by the next tensor input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from ppgraph.graph.basic import Apply, Op, Variable
from ppgraph.tensor.elemwise import broadcast_shapes, cast
from ppgraph.tensor.type import TensorConstant, TensorType, TensorVariable, as_tensor_variable

IndexItem = tuple[Any, ...]  # ("s", start, stop, step) | ("i", k) | ("n",) | ("t",)


def _slice_part(v: Any, inputs: list[TensorVariable]) -> Any:
    if v is None or isinstance(v, int | np.integer):
        return None if v is None else int(v)
    t = as_tensor_variable(v)
    if t.ndim != 0 or t.dtype[:3] not in ("int", "uin"):
        raise TypeError(f"a slice bound must be an int or an int scalar, got {t!r} ({t.type})")
    inputs.append(t)
    return "t"


def parse_index(
    x: TensorVariable, index: Any
) -> tuple[tuple[IndexItem, ...], list[TensorVariable]]:
    """The index's structure (the op parameter) and its tensor inputs."""
    items = list(index) if isinstance(index, tuple) else [index]
    n_ell = sum(1 for i in items if i is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    consumed = sum(_ndim_used(i) for i in items if i is not None and i is not Ellipsis)
    if consumed > x.ndim:
        raise IndexError(f"too many indices for {x!r}: {x.ndim}-d, but {consumed} were indexed")
    structure: list[IndexItem] = []
    inputs: list[TensorVariable] = []
    for item in items:
        if item is Ellipsis:
            structure.extend([("s", None, None, None)] * (x.ndim - consumed))
        elif item is None:
            structure.append(("n",))
        elif isinstance(item, slice):
            parts = [_slice_part(p, inputs) for p in (item.start, item.stop, item.step)]
            if parts[2] == 0:
                raise ValueError("slice step cannot be zero")
            structure.append(("s", *parts))
        elif isinstance(item, bool | np.bool_):
            raise IndexError("a Python bool as an index is not supported; use a mask tensor")
        elif isinstance(item, int | np.integer):
            structure.append(("i", int(item)))
        else:
            t = as_tensor_variable(item)
            if t.dtype == "bool":
                if not isinstance(t, TensorConstant):
                    raise IndexError(
                        f"boolean mask index {t!r} has a data-dependent size, which XLA cannot "
                        "compile; use pt.where(mask, x, fill) instead"
                    )
                for nz in np.nonzero(t.data):
                    structure.append(("t",))
                    inputs.append(as_tensor_variable(nz.astype("int64")))
                continue
            if t.dtype[:3] not in ("int", "uin"):
                raise IndexError(f"index {t!r} must be an integer tensor, got {t.dtype}")
            structure.append(("t",))
            inputs.append(t)
    return tuple(structure), inputs


def _ndim_used(item: Any) -> int:
    if isinstance(item, np.ndarray) and item.dtype == bool:
        return item.ndim
    if isinstance(item, TensorVariable) and item.dtype == "bool":
        return item.ndim
    return 1


def index_shape(
    xshape: Sequence[int | None], structure: Sequence[IndexItem], inputs: Sequence[TensorVariable]
) -> tuple[int | None, ...]:
    """The static shape of ``x[index]`` by NumPy's rules (advanced dims go where
    the advanced indices are when adjacent, first otherwise)."""
    it = iter(inputs)
    dim = 0
    out: list[Any] = []
    adv_shapes: list[tuple[int | None, ...]] = []
    adv_pos: list[int] = []
    has_tensor = any(item[0] == "t" for item in structure)
    for k, item in enumerate(structure):
        kind = item[0]
        if kind == "n":
            out.append(1)
            continue
        size = xshape[dim]
        if kind == "s":
            parts = [next(it) if p == "t" else p for p in item[1:]]
            if size is not None and all(not isinstance(p, Variable) for p in parts):
                out.append(len(range(*slice(*parts).indices(size))))
            else:
                out.append(None)
        elif kind == "i":
            if size is not None and not -size <= item[1] < size:
                raise IndexError(
                    f"index {item[1]} is out of bounds for axis {dim} with size {size}"
                )
            if has_tensor:
                adv_shapes.append(())
                adv_pos.append(k)
                out.append("adv")
        else:
            t = next(it)
            _check_bounds(t, size, dim)
            adv_shapes.append(t.type.shape)
            adv_pos.append(k)
            out.append("adv")
        dim += 1
    out.extend(xshape[dim:])
    if not adv_pos:
        return tuple(out)
    bshape = broadcast_shapes(*adv_shapes, context="advanced indexing")
    adjacent = adv_pos == list(range(adv_pos[0], adv_pos[0] + len(adv_pos)))
    first = out.index("adv")
    rest = [s for s in out if s != "adv"]
    if adjacent:
        return (*rest[:first], *bshape, *rest[first:])
    return (*bshape, *rest)


def _check_bounds(index: TensorVariable, size: int | None, dim: int) -> None:
    # A constant index array is checked now: under jit, JAX clamps what NumPy rejects.
    if size is None or not isinstance(index, TensorConstant) or index.data.size == 0:
        return
    bad = index.data[(index.data < -size) | (index.data >= size)]
    if bad.size:
        raise IndexError(f"index {bad.flat[0]} is out of bounds for axis {dim} with size {size}")


@dataclasses.dataclass(frozen=True)
class Subtensor(Op):
    """``x[index]``; ``index`` is the structure, the tensors in it are inputs."""

    index: tuple[IndexItem, ...]

    def make_node(self, x: Any, *idx: Any) -> Apply:
        x = as_tensor_variable(x)
        idx_t = [
            cast(as_tensor_variable(i), "int64") if not isinstance(i, TensorVariable) else i
            for i in idx
        ]
        shape = index_shape(x.type.shape, self.index, idx_t)
        return Apply(self, [x, *idx_t], [TensorType(x.dtype, shape)])

    def props_str(self) -> str:
        return format_index(self.index)


def format_index(structure: Sequence[IndexItem]) -> str:
    """The index written as in Python source, tensors shown as ``t``."""
    parts = []
    for item in structure:
        if item[0] == "n":
            parts.append("None")
        elif item[0] == "i":
            parts.append(str(item[1]))
        elif item[0] == "t":
            parts.append("t")
        else:
            a, b, c = ("" if p is None else str(p) for p in item[1:])
            parts.append(f"{a}:{b}" + (f":{c}" if c else ""))
    return ", ".join(parts)


def getitem(x: TensorVariable, index: Any) -> TensorVariable:
    """``x[index]``, the implementation of ``TensorVariable.__getitem__``."""
    structure, inputs = parse_index(x, index)
    if all(item == ("s", None, None, None) for item in structure):
        return x
    out = Subtensor(structure)(x, *inputs)
    assert isinstance(out, TensorVariable)
    return out


@dataclasses.dataclass(frozen=True)
class IncSubtensor(Op):
    """``x`` with ``x[index]`` set to (or incremented by) ``y``."""

    index: tuple[IndexItem, ...]
    set_instead_of_inc: bool = True

    def make_node(self, x: Any, y: Any, *idx: Any) -> Apply:
        x = as_tensor_variable(x)
        y = cast(as_tensor_variable(y), x.dtype)
        target = index_shape(x.type.shape, self.index, list(idx))
        out = broadcast_shapes(target, y.type.shape, context="set_subtensor")
        if y.ndim > len(target) or any(
            t is not None and o != t for t, o in zip(target, out, strict=True)
        ):
            raise ValueError(
                f"set_subtensor: a value of shape {y.type.shape} does not fit "
                f"x[{format_index(self.index)}] of shape {target}"
            )
        return Apply(self, [x, y, *idx], [x.type])

    def __str__(self) -> str:
        name = "SetSubtensor" if self.set_instead_of_inc else "IncSubtensor"
        return f"{name}{{{format_index(self.index)}}}"

    __repr__ = __str__


def _inc(target: Any, y: Any, set_: bool) -> TensorVariable:
    if not (
        isinstance(target, TensorVariable)
        and target.owner is not None
        and isinstance(target.owner.op, Subtensor)
    ):
        raise TypeError(
            f"set_subtensor/inc_subtensor take an indexed tensor such as x[0:2], got {target!r}"
        )
    op = target.owner.op
    x, *idx = target.owner.inputs
    out = IncSubtensor(op.index, set_)(x, y, *idx)
    assert isinstance(out, TensorVariable)
    return out


def set_subtensor(target: Any, y: Any) -> TensorVariable:
    """A copy of ``x`` with ``x[index]`` replaced by ``y``, where ``target`` is ``x[index]``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> x = pt.constant([1.0, 2.0, 3.0])
        >>> pt.set_subtensor(x[1:], 0.0).eval()
        array([1., 0., 0.])
    """
    return _inc(target, y, True)


def inc_subtensor(target: Any, y: Any) -> TensorVariable:
    """A copy of ``x`` with ``y`` added to ``x[index]``, where ``target`` is ``x[index]``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> x = pt.constant([1.0, 2.0, 3.0])
        >>> pt.inc_subtensor(x[1:], 1.0).eval()
        array([1., 3., 4.])
    """
    return _inc(target, y, False)
