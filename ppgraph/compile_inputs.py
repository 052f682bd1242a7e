"""Checking and converting the values given to a compiled ``Function``: each
input gets a preparer with a fast path for arrays already of its dtype and
shape; anything else is converted, or refused with an ``InputError`` naming
the input (a masked array with masked entries included: its hidden values
would be used).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from ppgraph.errors import InputError
from ppgraph.graph.basic import Variable
from ppgraph.tensor.type import TensorType

# Types of concrete JAX arrays seen so far: checked by type, not isinstance, on the fast path.
_JAX_ARRAY_TYPES: set[type] = set()


def _preparer(var: Variable) -> Callable[[Any], Any]:
    """A function checking and converting values for input ``var``: a fast path
    for arrays of exactly its dtype and shape and for Python numbers into a
    float scalar, and ``_prepare`` for everything else."""
    t = var.type
    if not isinstance(t, TensorType):
        return lambda value: value
    dtype, ndim, any_shape = np.dtype(t.dtype), t.ndim, all(s is None for s in t.shape)
    scalar_type = dtype.type if ndim == 0 else None
    to_scalar = scalar_type if dtype.kind == "f" else None
    ndarray, jax_types, accepts = np.ndarray, _JAX_ARRAY_TYPES, t.accepts_shape

    def prepare(value: Any) -> Any:
        tp = type(value)
        if tp is ndarray or tp in jax_types:
            if value.dtype == dtype and value.ndim == ndim and (any_shape or accepts(value.shape)):
                return value
        elif tp is scalar_type:
            return value
        elif to_scalar is not None and (tp is float or tp is int):
            return to_scalar(value)
        return _prepare(var, value)

    return prepare


def _prepare(var: Variable, value: Any) -> Any:
    """``value`` as an array of ``var``'s dtype, or an InputError naming ``var``."""
    t = var.type
    if not isinstance(t, TensorType):
        return value
    if isinstance(value, jax.core.Tracer):
        raise InputError(
            f"input {var!r} got a JAX tracer: a Function runs eagerly on concrete values; "
            "inside jax.jit, vmap or grad call its pure function f.jax_fn instead"
        )
    if isinstance(value, jax.Array):
        _JAX_ARRAY_TYPES.add(type(value))
        if value.dtype == t.dtype and t.accepts_shape(value.shape):
            return value
    try:
        arr = np.asarray(value)
    except Exception as exc:
        raise InputError(f"input {var!r}: cannot make an array of {type(value).__name__}") from exc
    if np.ma.isMaskedArray(value) and np.ma.getmaskarray(value).any():
        raise InputError(
            f"input {var!r}: got a masked array with {int(np.ma.count_masked(value))} masked "
            "entries, whose hidden values would be used: fill them (np.ma.filled) or drop them"
        )
    if arr.dtype.kind not in "biufc":
        raise InputError(
            f"input {var!r} expects {t.dtype} numbers; got {type(value).__name__} {value!r}"
        )
    want = np.dtype(t.dtype)
    if arr.dtype != want and not np.can_cast(arr.dtype, want, "same_kind"):
        if not (arr.dtype.kind in "biu" and want.kind in "iu"):
            raise InputError(
                f"input {var!r} expects dtype {t.dtype}; got {arr.dtype}, which cannot be "
                "cast safely"
            )
    if arr.dtype.kind in "iu" and want.kind in "iu" and not np.can_cast(arr.dtype, want):
        info = np.iinfo(want)
        if arr.size and (arr.min() < info.min or arr.max() > info.max):
            raise InputError(
                f"input {var!r} expects {t.dtype}, from {info.min} to {info.max}; got values "
                f"from {arr.min()} to {arr.max()}"
            )
    if not t.accepts_shape(arr.shape):
        raise InputError(
            f"input {var!r} expects shape {t.shape} ({t.ndim}-d); got shape {arr.shape}"
        )
    return arr.astype(want, copy=False)


def _check_traced_arg(var: Variable, value: Any) -> None:
    """An InputError naming ``var`` when ``value`` (an array or a JAX tracer) has
    a rank or static size its type rules out; checked while tracing, so JAX
    never meets the mistake deep inside the graph."""
    t = var.type
    if not isinstance(t, TensorType):
        return
    if isinstance(value, int | float | complex | np.generic):
        shape: tuple[Any, ...] = np.shape(value)
    elif hasattr(value, "shape") and hasattr(value, "dtype"):
        shape = tuple(value.shape)
    else:
        raise InputError(
            f"input {var!r} expects an array ({t.dtype}, shape {t.shape}); got "
            f"{type(value).__name__}: jax_fn takes JAX or NumPy arrays (np.asarray it first)"
        )
    if not t.accepts_shape(shape):
        raise InputError(
            f"input {var!r} expects shape {t.shape} ({t.ndim}-d); got shape {shape}"
            " (under vmap, the shape of one example)"
        )
