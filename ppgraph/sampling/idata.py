"""ArviZ containers from draws: coords and dims from the model, observed and
constant data, and both ArviZ APIs (``InferenceData`` with ArviZ 0.x,
``xarray.DataTree`` with ArviZ 1.x)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ppgraph.compile import function
from ppgraph.graph.basic import SharedVariable, Variable
from ppgraph.graph.traversal import graph_inputs
from ppgraph.model.core import Model
from ppgraph.sampling.diagnostics import require

__all__ = ["coords_and_dims", "make_idata", "observed_and_constant_data"]


def coords_and_dims(
    model: Model, shapes: Mapping[str, tuple[int, ...]], lead: int = 2
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """ArviZ ``coords`` and ``dims`` for variables of ``shapes`` (with ``lead``
    leading sample axes): the model's dims where a variable has them and its
    shape agrees, ArviZ's default names elsewhere."""
    dims: dict[str, list[str]] = {}
    coords: dict[str, Any] = {}
    lengths = model.dim_lengths
    for name, shape in shapes.items():
        var_dims = model.named_vars_to_dims.get(name)
        event = tuple(shape[lead:])
        if var_dims is None or len(var_dims) != len(event):
            continue
        names = []
        for i, (d, size) in enumerate(zip(var_dims, event, strict=True)):
            if d is None or lengths.get(d) != size:
                d = f"{name}_dim_{i}"
            names.append(d)
            values = model.coords.get(d)
            coords[d] = list(values) if values is not None else np.arange(size)
        dims[name] = names
    return coords, dims


def _value(var: Variable) -> np.ndarray:
    if isinstance(var, SharedVariable):
        return np.asarray(var.get_value())
    return np.asarray(function([], var)())


def observed_and_constant_data(model: Model) -> tuple[dict[str, Any], dict[str, Any]]:
    """``observed_data`` (each observed variable's data) and ``constant_data``
    (the ``pg.Data`` containers not used as observations)."""
    observed = {str(rv.name): _value(model.rvs_to_values[rv]) for rv in model.observed_RVs}
    used = set(graph_inputs([model.rvs_to_values[rv] for rv in model.observed_RVs]))
    constant = {
        str(v.name): np.asarray(v.get_value())
        for v in model.data_vars
        if isinstance(v, SharedVariable) and v not in used
    }
    return observed, constant


def make_idata(
    model: Model,
    groups: Mapping[str, Mapping[str, np.ndarray]],
    attrs: Mapping[str, Any] | None = None,
    include_data: bool = True,
) -> Any:
    """An ArviZ container of ``groups`` ``{group: {name: (chain, draw, ...)}}``
    plus, with ``include_data``, ``observed_data`` and ``constant_data``."""
    az = require("arviz", "ArviZ output")
    shapes = {n: np.shape(a) for g in groups.values() for n, a in g.items()}
    coords, dims = coords_and_dims(model, shapes)
    data_groups: dict[str, dict[str, Any]] = {}
    if include_data:
        observed, constant = observed_and_constant_data(model)
        data_shapes = {n: (1, 1, *np.shape(a)) for n, a in {**observed, **constant}.items()}
        c2, d2 = coords_and_dims(model, data_shapes)
        coords.update(c2)
        dims.update(d2)
        if observed:
            data_groups["observed_data"] = observed
        if constant:
            data_groups["constant_data"] = constant
    groups = {g: dict(v) for g, v in groups.items() if v}
    if int(str(az.__version__).split(".")[0]) >= 1:  # pragma: no cover - ArviZ 1.x
        idata = az.from_dict({**groups, **data_groups}, coords=coords, dims=dims)
    else:
        idata = az.from_dict(**groups, **data_groups, coords=coords, dims=dims)
    for group in groups:
        idata[group].attrs.update(attrs or {})
    return idata
