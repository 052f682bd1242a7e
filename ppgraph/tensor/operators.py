"""Python operators and NumPy-style methods of tensor variables.

``==`` keeps Python's identity meaning (variables are dict keys); use ``pt.eq``.
The op modules are imported when first used: they import the tensor type.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any


def _t() -> ModuleType:
    import ppgraph.tensor as pt

    return pt


def _defers(other: Any) -> bool:
    """Objects that combine with tensors themselves (GP covariance and mean
    functions: ``eta**2 * cov``) set ``__ppgraph_operand__ = True``."""
    return getattr(type(other), "__ppgraph_operand__", False) is True


class TensorOperators:
    """Mixed into TensorVariable: arithmetic, comparisons, indexing, methods."""

    __slots__ = ()
    # NumPy defers to our operators: ``np.float64(2.0) - x`` builds a graph node,
    # not an object array of nodes.
    __array_ufunc__ = None

    def __add__(self, other: Any) -> Any:
        if _defers(other):
            return NotImplemented
        return _t().add(self, other)

    def __radd__(self, other: Any) -> Any:
        return _t().add(other, self)

    def __sub__(self, other: Any) -> Any:
        if _defers(other):
            return NotImplemented
        return _t().sub(self, other)

    def __rsub__(self, other: Any) -> Any:
        return _t().sub(other, self)

    def __mul__(self, other: Any) -> Any:
        if _defers(other):
            return NotImplemented
        return _t().mul(self, other)

    def __rmul__(self, other: Any) -> Any:
        return _t().mul(other, self)

    def __truediv__(self, other: Any) -> Any:
        if _defers(other):
            return NotImplemented
        return _t().true_div(self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return _t().true_div(other, self)

    def __floordiv__(self, other: Any) -> Any:
        return _t().floor_div(self, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return _t().floor_div(other, self)

    def __mod__(self, other: Any) -> Any:
        return _t().mod(self, other)

    def __rmod__(self, other: Any) -> Any:
        return _t().mod(other, self)

    def __pow__(self, other: Any) -> Any:
        return _t().pow(self, other)

    def __rpow__(self, other: Any) -> Any:
        return _t().pow(other, self)

    def __matmul__(self, other: Any) -> Any:
        return _t().matmul(self, other)

    def __rmatmul__(self, other: Any) -> Any:
        return _t().matmul(other, self)

    def __neg__(self) -> Any:
        return _t().neg(self)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return _t().abs(self)

    def __invert__(self) -> Any:
        return _t().invert(self)

    def __and__(self, other: Any) -> Any:
        return _t().and_(self, other)

    def __rand__(self, other: Any) -> Any:
        return _t().and_(other, self)

    def __or__(self, other: Any) -> Any:
        return _t().or_(self, other)

    def __ror__(self, other: Any) -> Any:
        return _t().or_(other, self)

    def __xor__(self, other: Any) -> Any:
        return _t().xor(self, other)

    def __lt__(self, other: Any) -> Any:
        return _t().lt(self, other)

    def __le__(self, other: Any) -> Any:
        return _t().le(self, other)

    def __gt__(self, other: Any) -> Any:
        return _t().gt(self, other)

    def __ge__(self, other: Any) -> Any:
        return _t().ge(self, other)

    def __getitem__(self, index: Any) -> Any:
        from ppgraph.tensor.subtensor import getitem

        return getitem(self, index)  # type: ignore[arg-type]

    # NumPy-style methods
    def sum(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _t().sum(self, axis=axis, keepdims=keepdims)

    def prod(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _t().prod(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _t().mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _t().max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _t().min(self, axis=axis, keepdims=keepdims)

    def all(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _t().all(self, axis=axis, keepdims=keepdims)

    def any(self, axis: Any = None, keepdims: bool = False) -> Any:
        return _t().any(self, axis=axis, keepdims=keepdims)

    def std(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Any:
        return _t().std(self, axis=axis, keepdims=keepdims, ddof=ddof)

    def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Any:
        return _t().var(self, axis=axis, keepdims=keepdims, ddof=ddof)

    def argmax(self, axis: int | None = None) -> Any:
        return _t().argmax(self, axis=axis)

    def argmin(self, axis: int | None = None) -> Any:
        return _t().argmin(self, axis=axis)

    def reshape(self, *shape: Any) -> Any:
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = shape[0]
        return _t().reshape(self, shape)

    def flatten(self) -> Any:
        return _t().flatten(self)

    def transpose(self, *axes: Any) -> Any:
        return _t().transpose(self, axes or None)

    def dimshuffle(self, *order: Any) -> Any:
        from ppgraph.tensor.elemwise import DimShuffle

        if len(order) == 1 and isinstance(order[0], list | tuple):
            order = tuple(order[0])
        return DimShuffle(tuple(order))(self)

    def squeeze(self, axis: Any = None) -> Any:
        return _t().squeeze(self, axis)

    def astype(self, dtype: str) -> Any:
        return _t().cast(self, dtype)

    def dot(self, other: Any) -> Any:
        return _t().dot(self, other)
