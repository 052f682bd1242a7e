"""NumPy functions on tensor variables build graph nodes, as on PyTensor variables.

``TensorVariable.__array_ufunc__`` and ``__array_function__`` (``type.py``)
call ``ufunc`` and ``function`` here: ``np.log10(rv)`` is ``pt.log10(rv)``,
``np.sum(x, axis=0)`` is ``pt.sum(x, axis=0)``, and ``np.array([...]) * rv``
is a ``mul`` node. A NumPy function with no counterpart is a ``TypeError``
naming it.

Example:
    >>> import numpy as np, ppgraph.tensor as pt
    >>> x = pt.vector("x")
    >>> np.log10(x).owner.op
    Elemwise{log10}
    >>> np.sum(np.exp(x)).eval({x: [0.0, 0.0]})
    array(2.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

# NumPy ufunc name -> ppgraph.tensor function name
UFUNCS: dict[str, str] = {
    "add": "add",
    "subtract": "sub",
    "multiply": "mul",
    "divide": "true_div",
    "true_divide": "true_div",
    "floor_divide": "floor_div",
    "remainder": "mod",
    "power": "pow",
    "float_power": "pow",
    "negative": "neg",
    "positive": "identity",
    "absolute": "abs",
    "fabs": "abs",
    "sign": "sign",
    "reciprocal": "reciprocal",
    "square": "square",
    "sqrt": "sqrt",
    "maximum": "maximum",
    "minimum": "minimum",
    "fmax": "maximum",
    "fmin": "minimum",
    "floor": "floor",
    "ceil": "ceil",
    "rint": "round",
    "exp": "exp",
    "exp2": "exp2",
    "expm1": "expm1",
    "log": "log",
    "log2": "log2",
    "log10": "log10",
    "log1p": "log1p",
    "logaddexp": "logaddexp",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "arcsin": "arcsin",
    "arccos": "arccos",
    "arctan": "arctan",
    "arctan2": "arctan2",
    "sinh": "sinh",
    "cosh": "cosh",
    "tanh": "tanh",
    "arcsinh": "arcsinh",
    "arccosh": "arccosh",
    "arctanh": "arctanh",
    "equal": "eq",
    "not_equal": "neq",
    "less": "lt",
    "less_equal": "le",
    "greater": "gt",
    "greater_equal": "ge",
    "logical_and": "and_",
    "logical_or": "or_",
    "logical_xor": "xor",
    "logical_not": "invert",
    "bitwise_and": "and_",
    "bitwise_or": "or_",
    "bitwise_xor": "xor",
    "invert": "invert",
    "isnan": "isnan",
    "isinf": "isinf",
    "isfinite": "isfinite",
    "matmul": "matmul",
}

# ufunc.reduce / ufunc.accumulate -> the ppgraph.tensor function taking axis=
REDUCE = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min"}
REDUCE |= {"logical_and": "all", "logical_or": "any"}
ACCUMULATE = {"add": "cumsum", "multiply": "cumprod"}


def _pt() -> Any:
    import ppgraph.tensor as pt

    return pt


def _no_out(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    out = kwargs.pop("out", None)
    if out is not None and not (isinstance(out, tuple) and all(o is None for o in out)):
        raise TypeError(
            f"np.{name}(..., out=...): a symbolic result cannot be written into an array"
        )
    where = kwargs.pop("where", True)
    if where is not True:
        raise TypeError(
            f"np.{name}(..., where=...) is not supported on ppgraph variables; use pt.where"
        )
    return kwargs


def ufunc(ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """``ufunc.method(*inputs, **kwargs)`` as a graph (``__array_ufunc__``)."""
    pt = _pt()
    name = ufunc.__name__
    kwargs = _no_out(name, kwargs)
    dtype = kwargs.pop("dtype", None)
    if method == "__call__" and name in UFUNCS:
        if kwargs:
            raise TypeError(f"np.{name}: keyword arguments {sorted(kwargs)} are not supported here")
        out = getattr(pt, UFUNCS[name])(*inputs)
    elif method == "reduce" and name in REDUCE:
        (x,) = inputs
        out = getattr(pt, REDUCE[name])(x, axis=kwargs.pop("axis", 0), **kwargs)
    elif method == "accumulate" and name in ACCUMULATE:
        (x,) = inputs
        out = getattr(pt, ACCUMULATE[name])(x, axis=kwargs.pop("axis", 0))
    else:
        what = f"np.{name}" if method == "__call__" else f"np.{name}.{method}"
        raise TypeError(
            f"{what} has no ppgraph counterpart for symbolic tensors; "
            "use a ppgraph.tensor function (pt.*) on them"
        )
    return out if dtype is None else pt.cast(out, np.dtype(dtype).name)


def _trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    pt = _pt()
    return pt.sum(pt.diagonal(a, offset, axis1, axis2), axis=-1)


def _round(a: Any, decimals: int = 0) -> Any:
    if decimals != 0:
        scale = 10.0**decimals
        return _pt().round(a * scale) / scale
    return _pt().round(a)


def _reshape(a: Any, *args: Any, **kwargs: Any) -> Any:
    shape = kwargs.pop("shape", kwargs.pop("newshape", args[0] if args else None))
    if kwargs.pop("order", "C") != "C":
        raise TypeError("np.reshape: only order='C' is supported on ppgraph variables")
    return _pt().reshape(a, shape)


def _pt_name(name: str) -> Callable[..., Any]:
    return lambda *args, **kwargs: getattr(_pt(), name)(*args, **kwargs)


def _linalg(name: str) -> Callable[..., Any]:
    return lambda *args, **kwargs: getattr(_pt().linalg, name)(*args, **kwargs)


def _functions() -> dict[Callable[..., Any], Callable[..., Any]]:
    same = """sum prod mean max min std var argmax argmin all any dot matmul stack concatenate
    transpose squeeze expand_dims broadcast_to where clip cumsum cumprod diff repeat tile sort
    argsort diag diagonal tril triu outer kron einsum zeros_like ones_like full_like""".split()
    table: dict[Callable[..., Any], Callable[..., Any]] = {
        getattr(np, n): _pt_name(n) for n in same
    }
    table |= {
        np.amax: _pt_name("max"),
        np.amin: _pt_name("min"),
        np.ravel: _pt_name("flatten"),
        np.reshape: _reshape,
        np.round: _round,
        np.trace: _trace,
        np.ndim: lambda a: _pt().as_tensor(a).ndim,
        np.shape: lambda a: _pt().as_tensor(a).shape,
        np.linalg.inv: _linalg("inv"),
        np.linalg.det: _linalg("det"),
        np.linalg.slogdet: _linalg("slogdet"),
        np.linalg.cholesky: _linalg("cholesky"),
        np.linalg.solve: _linalg("solve"),
        np.linalg.eigh: _linalg("eigh"),
    }
    return table


_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {}


def function(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``func(*args, **kwargs)`` as a graph (``__array_function__``)."""
    if not _FUNCTIONS:
        _FUNCTIONS.update(_functions())
    impl = _FUNCTIONS.get(func)
    name = f"{func.__module__.replace('numpy', 'np')}.{func.__name__}"
    if impl is None:
        raise TypeError(
            f"{name} has no ppgraph counterpart for symbolic tensors; "
            "use a ppgraph.tensor function (pt.*) on them"
        )
    kwargs = _no_out(name.removeprefix("np."), dict(kwargs))
    try:
        return impl(*args, **kwargs)
    except TypeError as err:
        if "argument" in str(err):  # a NumPy keyword ppgraph's function does not take
            raise TypeError(f"{name} on ppgraph variables: {err}") from None
        raise
