"""TensorType and the tensor variable classes, and turning Python values into constants."""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable
from typing import Any

import numpy as np

from ppgraph.config import config
from ppgraph.graph.basic import Apply, Constant, SharedVariable, Type, Variable
from ppgraph.tensor.operators import TensorOperators

Shape = tuple[int | None, ...]

# dtype as given (a name, a NumPy dtype or scalar type) -> its canonical name
_DTYPE_NAMES: dict[Any, str] = {}


@dataclasses.dataclass(frozen=True)
class TensorType(Type):
    """An n-d array type: a dtype and a static shape, ``None`` for unknown sizes.

    Example:
        >>> TensorType("float64", (None, 3))
        TensorType(float64, shape=(None, 3))
    """

    dtype: str
    shape: Shape = ()

    def __post_init__(self) -> None:
        # Types are made for every node built: the normalized dtype is looked up,
        # and a shape that is already a tuple of ints and Nones is kept.
        dtype = self.dtype
        canon = _DTYPE_NAMES.get(dtype) if isinstance(dtype, Hashable) else None
        if canon is None:
            canon = str(np.dtype(dtype))
            if isinstance(dtype, Hashable):
                _DTYPE_NAMES[dtype] = canon
        if canon is not dtype:
            object.__setattr__(self, "dtype", canon)
        shape = self.shape
        if type(shape) is not tuple or not all(
            s is None or (type(s) is int and s >= 0) for s in shape
        ):
            shape = tuple(None if s is None else int(s) for s in shape)
            if any(s is not None and s < 0 for s in shape):
                raise ValueError(f"TensorType: negative size in shape {shape}")
            object.__setattr__(self, "shape", shape)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        return tuple(s == 1 for s in self.shape)

    def __repr__(self) -> str:
        return f"TensorType({self.dtype}, shape={self.shape})"

    __str__ = __repr__

    def make_variable(
        self, owner: Apply | None = None, index: int | None = None, name: str | None = None
    ) -> TensorVariable:
        return TensorVariable(self, owner, index, name)

    def is_super(self, other: Type) -> bool:
        if not isinstance(other, TensorType) or other.dtype != self.dtype:
            return False
        if other.ndim != self.ndim:
            return False
        return all(s is None or s == o for s, o in zip(self.shape, other.shape, strict=True))

    def accepts_shape(self, shape: tuple[int, ...]) -> bool:
        """True when an array of ``shape`` fits this type's static shape."""
        return len(shape) == self.ndim and all(
            s is None or s == o for s, o in zip(self.shape, shape, strict=True)
        )

    def with_shape(self, shape: Shape) -> TensorType:
        return TensorType(self.dtype, shape)

    def with_dtype(self, dtype: str) -> TensorType:
        return TensorType(dtype, self.shape)


class TensorVariable(TensorOperators, Variable):
    """A symbolic array: carries NumPy-style operators and attributes.

    ``==`` and ``!=`` compare variables by identity, as in PyTensor (variables
    are dict keys, as in ``eval`` givens); the elementwise comparison is
    ``pt.eq(x, y)`` (``pt.neq``). ``<``, ``<=``, ``>``, ``>=`` build graphs.

    Example:
        >>> import ppgraph.tensor as pt
        >>> x = pt.matrix("x")
        >>> (x.T @ x).type
        TensorType(float64, shape=(None, None))
        >>> x == x, pt.eq(x, x).dtype
        (True, 'bool')
    """

    __slots__ = ()
    type: TensorType

    @property
    def dtype(self) -> str:
        return self.type.dtype

    @property
    def ndim(self) -> int:
        return self.type.ndim

    @property
    def shape(self) -> Any:
        """The symbolic shape (a graph): ``pt.shape(x)``. See ``.type.shape`` for the static one."""
        from ppgraph.tensor.shape import shape

        return shape(self)

    @property
    def T(self) -> TensorVariable:
        from ppgraph.tensor.shape import transpose

        return transpose(self)

    def eval(self, givens: dict[Variable, Any] | None = None, **kwargs: Any) -> np.ndarray:
        """Compile (cached) and evaluate this variable.

        ``givens`` maps variables of the graph (inputs or intermediate ones) to values.

        Example:
            >>> import ppgraph.tensor as pt
            >>> x = pt.scalar("x")
            >>> float((x * 2).eval({x: 3.0}))
            6.0
        """
        from ppgraph.compile import eval_var

        return eval_var(self, givens or {}, **kwargs)

    def __bool__(self) -> bool:
        raise TypeError(
            f"the truth value of symbolic variable {self!r} is unknown until it is computed; "
            "use pt.where / pt.switch instead of `if`"
        )

    def __iter__(self) -> Any:
        n = self.type.shape[0] if self.ndim else None
        if n is None:
            raise TypeError(f"cannot iterate over {self!r}: its first dimension is not known")
        return (self[i] for i in range(n))

    def __len__(self) -> int:
        n = self.type.shape[0] if self.ndim else None
        if n is None:
            raise TypeError(f"len() of {self!r} is unknown: its first dimension is not static")
        return n

    # NumPy functions build graph nodes: np.log10(x), np.sum(x), array * x
    # (ppgraph/tensor/numpy_interop.py); one without a counterpart is a TypeError.
    __array_priority__ = 1000

    def __array_ufunc__(  # type: ignore[override]  # the mixin opts out; this opts back in
        self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any
    ) -> Any:
        from ppgraph.tensor import numpy_interop

        return numpy_interop.ufunc(ufunc, method, *inputs, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        from ppgraph.tensor import numpy_interop

        return numpy_interop.function(func, args, kwargs)


class TensorConstant(TensorVariable, Constant):
    """A constant array. Printed as ``TensorConstant{...}`` unless named."""

    __slots__ = ()
    data: np.ndarray

    def __init__(self, type: TensorType, data: Any, name: str | None = None) -> None:
        Constant.__init__(self, type, np.asarray(data, dtype=type.dtype), name)
        self.data.setflags(write=False)

    def signature(self) -> tuple[Any, ...]:
        data = self.data
        if data.size <= 64:
            return (self.type, data.tobytes())
        return (self.type, id(data))

    def value_str(self) -> str:
        """The value as printed: ``0``, ``[1. 2.]`` or ``(2,) of 0`` for a repeated value."""
        data = self.data
        if data.ndim and data.size > 1 and np.all(data == data.flat[0]):
            return f"{data.shape} of {data.flat[0]}"
        if data.size > 16:
            return f"{data.dtype}{data.shape}"
        return np.array2string(data, separator=" ") if data.ndim else str(data)

    def __repr__(self) -> str:
        return self.name if self.name is not None else f"TensorConstant{{{self.value_str()}}}"

    __str__ = __repr__


class TensorSharedVariable(TensorVariable, SharedVariable):
    """A shared array: a data container passed to compiled functions as an argument.

    Example:
        >>> import numpy as np, ppgraph.tensor as pt
        >>> d = pt.shared(np.zeros(3), name="d")
        >>> d.type
        TensorType(float64, shape=(None,))
    """

    __slots__ = ()

    def __init__(self, type: TensorType, value: Any, name: str | None = None) -> None:
        SharedVariable.__init__(self, type, None, name)
        self.set_value(value)

    def set_value(self, value: Any) -> None:
        arr = np.asarray(value)
        if not np.can_cast(arr.dtype, self.type.dtype, "same_kind"):
            raise TypeError(
                f"shared variable {self.name!r} holds {self.type.dtype}; "
                f"got an array of {arr.dtype}"
            )
        arr = arr.astype(self.type.dtype, copy=False)
        if not self.type.accepts_shape(arr.shape):
            raise ValueError(
                f"shared variable {self.name!r} has static shape {self.type.shape}; "
                f"got a value of shape {arr.shape}"
            )
        self._value = arr


def shared(
    value: Any, name: str | None = None, *, dtype: str | None = None, static_shape: bool = False
) -> TensorSharedVariable:
    """A shared variable holding ``value``; its sizes stay unknown unless ``static_shape``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.shared([1.0, 2.0], name="data").get_value()
        array([1., 2.])
    """
    arr = _to_array(value, dtype)
    shape: Shape = arr.shape if static_shape else tuple(None for _ in arr.shape)
    return TensorShared(TensorType(str(arr.dtype), shape), arr, name)


TensorShared = TensorSharedVariable


def _not_a_constant(value: Any, why: str = "") -> TypeError:
    return TypeError(
        f"cannot make a tensor constant of {type(value).__name__} {value!r}: "
        f"expected a number, a bool, or an array-like of numbers{why}"
    )


def _to_array(value: Any, dtype: str | None) -> np.ndarray:
    if np.ma.isMaskedArray(value) and np.ma.getmaskarray(value).any():
        n, fix = int(np.ma.count_masked(value)), "np.ma.filled or .compressed(); observed= imputes"
        raise TypeError(f"cannot make a tensor of a masked array ({n} masked entries): {fix}")
    if dtype is None and isinstance(value, bool | np.bool_):
        return np.asarray(value, dtype=bool)
    if dtype is None and isinstance(value, int):
        dtype = "int64"
    elif dtype is None and isinstance(value, float):
        dtype = config.floatX
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as exc:
        # ragged nested lists, ints beyond int64, strings given a numeric dtype
        raise _not_a_constant(value, f" ({exc})") from None
    if arr.dtype == object or arr.dtype.kind not in "biufc":
        raise _not_a_constant(value)
    if dtype is None and arr.dtype.kind == "f" and not isinstance(value, np.ndarray | np.generic):
        # A Python list of floats takes the graph's float dtype, like a Python float.
        arr = arr.astype(config.floatX)
    return arr


def constant(value: Any, name: str | None = None, dtype: str | None = None) -> TensorConstant:
    """A constant tensor. Python floats take ``config.floatX``; ints take int64.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.constant([1.0, 2.0])
        TensorConstant{[1. 2.]}
    """
    arr = _to_array(value, dtype)
    return TensorConstant(TensorType(str(arr.dtype), arr.shape), arr, name)


def as_tensor_variable(
    value: Any, name: str | None = None, dtype: str | None = None
) -> TensorVariable:
    """``value`` if it is already a tensor variable, else a constant made from it.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.as_tensor_variable(2.0).type
        TensorType(float64, shape=())
    """
    if isinstance(value, TensorVariable):
        return value
    if isinstance(value, Variable):
        raise TypeError(f"expected a tensor variable, got {value!r} of type {value.type}")
    if _holds_variable(value):
        from ppgraph.tensor.shape import stack

        # Python numbers beside the variables take their dtype, as in ``x32 * 2.0``.
        return stack(list(value))
    return constant(value, name=name, dtype=dtype)


as_tensor = as_tensor_variable


def _holds_variable(value: Any) -> bool:
    """True for a (nested) list or tuple with a variable in it."""
    return isinstance(value, list | tuple) and any(
        isinstance(v, Variable) or _holds_variable(v) for v in value
    )


def _new(ndim: int, name: str | None, dtype: str | None, shape: Shape | None) -> TensorVariable:
    if shape is None:
        shape = (None,) * ndim
    elif len(shape) != ndim:
        raise ValueError(f"{name!r}: shape {shape} has {len(shape)} dims, expected {ndim}")
    return TensorType(dtype or config.floatX, shape).make_variable(name=name)


def scalar(name: str | None = None, dtype: str | None = None) -> TensorVariable:
    """A 0-d input. Example: ``pt.scalar("x").type`` is ``TensorType(float64, shape=())``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.scalar("x").type
        TensorType(float64, shape=())
    """
    return _new(0, name, dtype, ())


def vector(
    name: str | None = None, dtype: str | None = None, shape: Shape | None = None
) -> TensorVariable:
    """A 1-d input of unknown (or given static) length.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.vector("y").type
        TensorType(float64, shape=(None,))
    """
    return _new(1, name, dtype, shape)


def matrix(
    name: str | None = None, dtype: str | None = None, shape: Shape | None = None
) -> TensorVariable:
    """A 2-d input.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.matrix("m", dtype="float32").type
        TensorType(float32, shape=(None, None))
    """
    return _new(2, name, dtype, shape)


def tensor(dtype: str | None = None, shape: Shape = (), name: str | None = None) -> TensorVariable:
    """An input of any rank: ``shape`` gives its static sizes, ``None`` where unknown.

    The first argument may also be the name, as in PyTensor: ``pt.tensor("X", shape=(2,))``.

    Example:
        >>> import ppgraph.tensor as pt
        >>> pt.tensor("float64", shape=(None, 3), name="X").type
        TensorType(float64, shape=(None, 3))
    """
    if dtype is not None and name is None and not _is_dtype(dtype):
        name, dtype = dtype, None
    return _new(len(shape), name, dtype, tuple(shape))


def _is_dtype(text: str) -> bool:
    try:
        np.dtype(text)
    except TypeError:
        return False
    return True
