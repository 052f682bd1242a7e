"""Missing values in observed data, imputed as PyMC does.

NaN entries of ``observed`` (NumPy or pandas) and the masked entries of a
``numpy.ma`` array split a random variable in two: ``{name}_unobserved``, a
free variable over the missing entries (with the family's default
transform), and ``{name}_observed``, observed at the present ones.
``{name}`` is a Deterministic of the completed array. For a multivariate
family the split is by whole rows (all core entries of a row missing), as in
PyMC's independent split; when some row has only some of its entries missing,
the split is by entries instead, over one joint draw (``partial.py``, PyMC's
``PartialObservedRV``).

Data containers (``pg.Data``, ``pg.set_data``) are not imputed: a NaN there is
an error, as is a masked array anywhere its mask would be dropped.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ppgraph.graph.basic import Variable
from ppgraph.random.op import make_rv
from ppgraph.tensor.shape import broadcast_to, reshape, zeros
from ppgraph.tensor.subtensor import set_subtensor
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

__all__ = ["ImputationWarning", "check_data_value", "missing_mask", "refuse_masked"]

DATA_TAG = "model_data"  # the tag of a pg.Data container (checked for NaN when used)


class ImputationWarning(UserWarning):
    """Observed data has missing values (NaN or masked), which are imputed:
    sampled as a free variable ``{name}_unobserved`` (PyMC's warning of the same name).

    Example:
        >>> import numpy as np, ppgraph as pg, warnings
        >>> with pg.Model() as m, warnings.catch_warnings(record=True) as w:
        ...     warnings.simplefilter("always")
        ...     y = pg.Normal("y", 0.0, 1.0, observed=[1.0, np.nan])
        >>> w[0].category.__name__, [v.name for v in m.free_RVs]
        ('ImputationWarning', ['y_unobserved'])
    """


def refuse_masked(value: Any, what: str) -> None:
    """A TypeError naming ``what`` when ``value`` is a masked array with masked
    entries: the caller would silently use the hidden values under the mask.

    Example:
        >>> import numpy as np
        >>> from ppgraph.model.missing import refuse_masked
        >>> try:
        ...     refuse_masked(np.ma.masked_invalid([1.0, np.nan]), "input x")
        ... except TypeError as err:
        ...     print(str(err)[:50])
        input x: got a masked array with 1 masked entry; m
    """
    if np.ma.isMaskedArray(value) and np.ma.getmaskarray(value).any():
        n = int(np.ma.getmaskarray(value).sum())
        raise TypeError(
            f"{what}: got a masked array with {n} masked entr{'y' if n == 1 else 'ies'}; "
            "masks are honoured only in observed= (where the entries are imputed): fill "
            "or drop them first (np.ma.filled / .compressed())"
        )


def check_data_value(name: str, value: Any, where: str = "pg.Data") -> None:
    """A ValueError naming the data container when ``value`` has NaN (data
    containers are not imputed, as in PyMC), a TypeError when it is a masked
    array with masked entries.

    Example:
        >>> import numpy as np
        >>> from ppgraph.model.missing import check_data_value
        >>> try:
        ...     check_data_value("x", [1.0, np.nan], "pg.set_data")
        ... except ValueError as err:
        ...     print(str(err).split(";")[0])
        pg.set_data: data container 'x' has 1 NaN value(s) (at [[1]])
    """
    refuse_masked(value, f"{where}: data container {name!r}")
    arr = np.asarray(value)
    if arr.dtype.kind in "fc":
        bad = np.isnan(arr)
        if bad.any():
            where_ = np.argwhere(bad)[:3].tolist()
            raise ValueError(
                f"{where}: data container {name!r} has {int(bad.sum())} NaN value(s) "
                f"(at {where_}{'...' if bad.sum() > 3 else ''}); data containers are not "
                "imputed: give NaN observations as plain arrays in observed= to impute "
                "them, or drop them"
            )


def missing_mask(observed: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """``(data, mask)`` when ``observed`` (an array, not a graph variable) has
    missing entries (NaN, pandas NA or masked), else None.

    Example:
        >>> import numpy as np
        >>> from ppgraph.model.missing import missing_mask
        >>> missing_mask([1.0, np.nan])[1]
        array([False,  True])
        >>> missing_mask([1.0, 2.0]) is None
        True
    """
    if isinstance(observed, Variable):
        return None
    if np.ma.isMaskedArray(observed):
        mask = np.ma.getmaskarray(observed)
        data = np.asarray(np.ma.getdata(observed))
        if data.dtype.kind == "f":
            mask = mask | np.isnan(data)
        return (data, mask) if mask.any() else None
    if hasattr(observed, "to_numpy") and hasattr(observed, "isna"):  # pandas
        mask = np.asarray(observed.isna())
        if not mask.any():
            return None
        return np.asarray(observed.to_numpy(dtype="float64", na_value=np.nan)), mask
    try:
        data = np.asarray(observed)
    except Exception:
        return None
    if data.dtype.kind != "f":
        return None
    mask = np.isnan(data)
    return (data, mask) if mask.any() else None


def _row_mask(mask: np.ndarray, ndim_supp: int) -> np.ndarray | None:
    """The mask over batch entries (rows for a multivariate family), or None
    when a row has only some of its entries missing."""
    if ndim_supp == 0:
        return mask
    core_axes = tuple(range(mask.ndim - ndim_supp, mask.ndim))
    rows = mask.any(axis=core_axes)
    if (rows & ~mask.all(axis=core_axes)).any():
        return None
    return np.asarray(rows)


def _split_params(rv: TensorVariable, idx: np.ndarray, batch: tuple[int, ...]) -> list[Any]:
    """The rv's parameters broadcast to its batch shape and taken at flat batch ``idx``."""
    assert rv.owner is not None
    op = rv.owner.op
    out = []
    n = int(np.prod(batch, dtype=int))
    for p, d in zip(rv.owner.inputs[2:], op.ndims_params, strict=True):  # type: ignore[attr-defined]
        p = as_tensor_variable(p)
        core = [p.shape[i] for i in range(p.ndim - d, p.ndim)]
        full = broadcast_to(p, (*batch, *core)) if batch else p
        out.append(reshape(full, (n, *core))[idx])
    return out


def impute(
    model: Any,
    rv: TensorVariable,
    name: str,
    distribution: Any,
    data: np.ndarray,
    mask: np.ndarray,
    dims: Any = None,
    transform: Any = None,
    default_transform: Any = None,
    initval: Any = None,
    total_size: Any = None,
) -> TensorVariable:
    """Register ``rv`` observed at ``data`` with ``mask``-ed entries missing, as
    ``{name}_unobserved`` (free), ``{name}_observed`` and the Deterministic ``{name}``."""
    assert rv.owner is not None
    full = model.prefix + name
    if total_size is not None:
        raise ValueError(f"{full}: total_size= is not compatible with imputed (missing) values")
    op = rv.owner.op
    ndim_supp = op.ndim_supp  # type: ignore[attr-defined]
    shape = tuple(int(s or 0) for s in rv.type.shape)  # from the observed data
    if data.shape != shape:
        raise ValueError(
            f"{full}: observed data has shape {data.shape}, but {full} has shape {shape}"
        )
    rows = _row_mask(mask, ndim_supp)
    if rows is None:  # rows partly missing: split by entries (partial.py)
        from ppgraph.model.partial import impute_partial, refuse_constrained

        refuse_constrained(full, rv, distribution, mask, default_transform)
        _warn(full, mask)
        return impute_partial(model, rv, name, distribution, data, mask, dims=dims,
                              transform=transform, default_transform=default_transform,
                              initval=initval)  # fmt: skip
    _warn(full, mask)
    batch = shape[: len(shape) - ndim_supp]
    flat_rows = rows.reshape(-1)
    miss, seen = np.flatnonzero(flat_rows), np.flatnonzero(~flat_rows)
    core = shape[len(batch) :]
    flat_data = data.reshape(-1, *core)
    unobs = make_rv(op, *_split_params(rv, miss, batch), size=(len(miss),))  # type: ignore[arg-type]
    unobs = model.register_rv(
        unobs, f"{name}_unobserved", distribution,
        transform=transform, default_transform=default_transform, initval=initval,
    )  # fmt: skip
    joined = set_subtensor(zeros((len(flat_rows), *core), dtype=rv.dtype)[miss], unobs)
    if len(seen):
        obs = make_rv(op, *_split_params(rv, seen, batch), size=(len(seen),))  # type: ignore[arg-type]
        obs = model.register_rv(obs, f"{name}_observed", distribution, observed=flat_data[seen])
        joined = set_subtensor(joined[seen], obs)
    out: TensorVariable = model.register_named(reshape(joined, shape), name, "deterministic", dims)
    return out


def _warn(full: str, mask: np.ndarray) -> None:
    warnings.warn(
        f"Data in {full} contains {int(mask.sum())} missing value(s) and will be "
        f"automatically imputed from the sampling distribution (as {full}_unobserved)",
        ImputationWarning,
        stacklevel=5,
    )
