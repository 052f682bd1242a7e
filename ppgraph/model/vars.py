"""``pg.Deterministic``, ``pg.Potential``, ``pg.Data`` and ``pg.set_data``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ppgraph.graph.basic import Constant
from ppgraph.model.core import Model, modelcontext
from ppgraph.model.shapes import SET_TAG
from ppgraph.tensor.math import identity
from ppgraph.tensor.type import TensorSharedVariable, TensorVariable, as_tensor_variable, shared

__all__ = ["Data", "Deterministic", "Potential", "set_data"]


def _own_node(var: Any) -> TensorVariable:
    """``var`` as a tensor that the model may name: an expression of its own."""
    v = as_tensor_variable(var)
    if v.owner is None or isinstance(v, Constant) or "model_kind" in v.tag or v.name is not None:
        v = identity(v)
    return v


def Deterministic(name: str, var: Any, dims: Any = None, model: Model | None = None) -> Any:
    """Name an expression of the model's variables so it is recorded with the draws.

    Example:
        >>> import ppgraph as pg
        >>> with pg.Model() as m:
        ...     x = pg.Normal("x", 0.0, 1.0)
        ...     y = pg.Deterministic("y", 2.0 * x)
        >>> y, m.deterministics
        (y ~ Deterministic(f(x)), [y ~ Deterministic(f(x))])
    """
    model = modelcontext(model, what=f"pg.Deterministic({name!r}, ...)")
    return model.register_named(_own_node(var), name, "deterministic", dims)


def Potential(name: str, var: Any, dims: Any = None, model: Model | None = None) -> Any:
    """Add ``var`` (summed) to the model's log-density, e.g. a soft constraint.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> with pg.Model() as m:
        ...     x = pg.Normal("x", 0.0, 1.0)
        ...     pg.Potential("x_positive", pt.where(x > 0, 0.0, -1.0))
        x_positive ~ Potential(f(x))
        >>> float(m.compile_logp()({"x": -1.0}))
        -2.4189385332046727
    """
    model = modelcontext(model, what=f"pg.Potential({name!r}, ...)")
    return model.register_named(_own_node(var), name, "potential", dims)


def Data(
    name: str,
    value: Any,
    dims: Any = None,
    model: Model | None = None,
    dtype: str | None = None,
) -> TensorSharedVariable:
    """A data container: passed to compiled functions as an argument, so
    ``pg.set_data`` can change it without recompiling (same shape: no retrace either).

    Floats take ``config.floatX``; integers stay integers.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> with pg.Model() as m:
        ...     x = pg.Data("x", [1.0, 2.0, 3.0])
        ...     y = pg.Normal("y", mu=x, sigma=1.0, observed=[1.0, 2.0, 3.0])
        >>> float(m.compile_logp()({}))
        -2.756815599614018
    """
    model = modelcontext(model, what=f"pg.Data({name!r}, ...)")
    from ppgraph.model.missing import check_data_value

    check_data_value(name, value, "pg.Data")  # a mask or NaN, before asarray drops the mask
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"pg.Data {name!r}: the value must be numbers, got dtype {arr.dtype}")
    if dtype is None and arr.dtype.kind == "f":
        from ppgraph.config import config

        dtype = config.floatX
    var = shared(arr, name=name, dtype=dtype)
    if dims is not None:
        model.shape_from_dims(dims, observed_shape=arr.shape)
    out = model.register_named(var, name, "data", dims)
    assert isinstance(out, TensorSharedVariable)
    return out


def set_data(
    new_data: Mapping[str, Any],
    model: Model | None = None,
    coords: Mapping[str, Any] | None = None,
) -> None:
    """Give ``pg.Data`` containers new values (by name). A dim whose length
    changes needs new ``coords`` if it had coordinate values.

    Example:
        >>> import ppgraph as pg
        >>> with pg.Model() as m:
        ...     x = pg.Data("x", [1.0, 2.0])
        ...     pg.set_data({"x": [3.0, 4.0, 5.0]})
        >>> x.get_value()
        array([3., 4., 5.])
    """
    model = modelcontext(model, needs="pg.set_data")
    for name, value in new_data.items():
        var = model[name] if name in model else None
        if not isinstance(var, TensorSharedVariable) or var not in model.data_vars:
            names = [str(v.name) for v in model.data_vars]
            raise KeyError(
                f"set_data: {name!r} is not a pg.Data variable of the model; data: {names}"
            )
        from ppgraph.model.missing import check_data_value

        check_data_value(name, value, "pg.set_data")
        arr = np.asarray(value)
        dims = model.named_vars_to_dims.get(str(var.name), ())
        for i, d in enumerate(dims):
            if d is None or i >= arr.ndim:
                continue
            new_coords = (coords or {}).get(d)
            if new_coords is not None:
                model._coords[d] = tuple(np.asarray(new_coords).tolist())
                model._dim_lengths[d] = len(model._coords[d] or ())
            elif model._dim_lengths.get(d) != arr.shape[i]:
                if model._coords.get(d) is not None:
                    raise ValueError(
                        f"set_data: {name!r} changes dim {d!r} from length "
                        f"{model._dim_lengths[d]} to {arr.shape[i]}; give coords={{{d!r}: ...}}"
                    )
                model._dim_lengths[d] = arr.shape[i]
        if arr.dtype.kind == "f" and var.dtype.startswith("int"):
            raise TypeError(f"set_data: {name!r} holds {var.dtype}; got floats")
        var.set_value(arr.astype(var.dtype) if arr.dtype != var.dtype else arr)
        var.tag[SET_TAG] = True  # shapes may no longer fit: checked (shapes.shape_mismatch)
