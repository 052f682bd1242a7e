"""Shapes that follow the data: random variables sized by ``dims`` or by a
symbolic shape (``shape=x.shape[0]`` of a ``pg.Data``), redrawn at the new size
after ``pg.set_data``.

XLA compiles for static shapes, so a random variable's size is a constant of
the graph. A variable sized by the data keeps a *spec* of where its size comes
from (its dims, or the symbolic shape); ``refresh`` rebuilds the graph with
each stale random variable at its current size, and what is compiled from the
rebuilt graph is cached by those sizes: a new length compiles once, a length
seen before reuses its function. ``shape_mismatch`` finds a variable whose
parameters or observed data no longer fit its size after ``set_data`` and names
the data container, the variable and both shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ppgraph.graph.basic import SharedVariable, Variable
from ppgraph.graph.traversal import ancestors, toposort
from ppgraph.tensor.type import TensorVariable

__all__ = ["ShapeSpec", "refresh", "resolve_shape", "shape_mismatch"]

ShapeSpec = tuple[Any, ...]  # ints and symbolic int scalars
SPEC_TAG = "shape_spec"
SET_TAG = "set_data"  # on a data container given a value by pg.set_data


def resolve_shape(name: str, shape: Any) -> tuple[tuple[int, ...], ShapeSpec | None]:
    """``shape`` as ints, and the symbolic spec it came from (None if all ints).

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> from ppgraph.model.shapes import resolve_shape
        >>> with pg.Model():
        ...     x = pg.Data("x", np.zeros(4))
        ...     resolve_shape("y", x.shape[0])[0]
        (4,)
        >>> resolve_shape("y", 2.5)
        Traceback (most recent call last):
        ...
        TypeError: y: shape must be ints (or int scalars of the graph, e.g. x.shape[0]), got 2.5
    """
    items = list(shape) if isinstance(shape, tuple | list) else [shape]
    bad = [
        s for s in items
        if not (isinstance(s, int | np.integer) and not isinstance(s, bool))
        and not (isinstance(s, TensorVariable) and s.ndim == 0 and s.dtype.startswith("int"))
    ]  # fmt: skip
    if bad or (isinstance(shape, np.ndarray) and shape.dtype.kind not in "iu"):
        raise TypeError(
            f"{name}: shape must be ints (or int scalars of the graph, e.g. x.shape[0]), "
            f"got {shape!r}"
        )
    symbolic = [s for s in items if isinstance(s, Variable)]
    if not symbolic:
        return tuple(int(s) for s in items), None
    values = iter(_evaluate(symbolic))
    ints = tuple(int(next(values)) if isinstance(s, Variable) else int(s) for s in items)
    return ints, tuple(items)


def _evaluate(graphs: Sequence[Variable]) -> list[Any]:
    from ppgraph.compile import function

    return list(function([], list(graphs), check_mode="off")())


def _batch_ndim(rv: TensorVariable) -> int:
    assert rv.owner is not None
    return rv.ndim - rv.owner.op.ndim_supp  # type: ignore[attr-defined]


def current_sizes(
    model: Any, rvs: Sequence[TensorVariable]
) -> dict[TensorVariable, tuple[int, ...]]:
    """The batch size each of ``rvs`` should have now, for those whose size
    follows the data (a symbolic shape spec or dims) and changed."""
    out: dict[TensorVariable, tuple[int, ...]] = {}
    specs = {rv: rv.tag[SPEC_TAG] for rv in rvs if SPEC_TAG in rv.tag}
    symbolic = [s for spec in specs.values() for s in spec if isinstance(s, Variable)]
    values = iter(_evaluate(symbolic)) if symbolic else iter(())
    for rv in rvs:
        shape: tuple[Any, ...] = tuple(rv.type.shape)
        want: tuple[Any, ...]
        if rv in specs:
            want = tuple(int(next(values)) if isinstance(s, Variable) else int(s)
                         for s in specs[rv])  # fmt: skip
        else:
            dims = model.named_vars_to_dims.get(str(rv.name), ())
            lengths = model._dim_lengths
            want = tuple(lengths.get(d, s) if d is not None else s
                         for d, s in zip(dims, shape, strict=False))  # fmt: skip
            want = (*want, *shape[len(want) :])
        batch = want[: _batch_ndim(rv)]
        if batch != shape[: _batch_ndim(rv)]:
            out[rv] = tuple(int(s) for s in batch)
    return out


def refresh(
    model: Any, outputs: Sequence[Variable]
) -> tuple[list[Variable], dict[TensorVariable, TensorVariable], tuple[Any, ...]]:
    """``outputs`` with each random variable whose size follows the data rebuilt
    at its current size; the map old -> new random variable; and a key of the
    sizes (equal keys: equal graphs).

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> from ppgraph.model.shapes import refresh
        >>> with pg.Model(coords={"obs": range(3)}) as m:
        ...     x = pg.Data("x", np.zeros(3), dims="obs")
        ...     y = pg.Normal("y", x, 1.0, dims="obs")
        ...     pg.set_data({"x": np.zeros(5)}, coords={"obs": range(5)})
        >>> [new], _, key = refresh(m, [y])
        >>> new.type.shape, key
        ((5,), (('y', (5,)),))
    """
    rvs = [v for v in model._rvs_in_order if v in set(ancestors(list(outputs)))]
    stale = current_sizes(model, rvs)
    if not stale:
        return list(outputs), {}, ()
    repl: dict[Any, Any] = {}
    for rv in rvs:
        assert rv.owner is not None
        rng, size, *params = rv.owner.inputs
        new_params = _rebuild(params, repl) if repl else params
        if rv not in stale and all(a is b for a, b in zip(new_params, params, strict=True)):
            continue
        want = stale.get(rv, tuple(int(s) for s in size.data))
        try:
            new = rv.owner.op(rng, want if len(want) else None, *new_params)
        except ValueError as err:
            raise ValueError(f"{rv.name}: at its new size {want} after pg.set_data: {err}") from err
        new.name = rv.name
        new.tag.update(rv.tag)
        repl[rv] = new
    key = tuple((str(rv.name), stale[rv]) for rv in rvs if rv in stale)
    return _rebuild(list(outputs), repl), repl, key


def _rebuild(outputs: list[Variable], repl: dict[Any, Any]) -> list[Variable]:
    """``clone_replace`` where a replacement may have another shape: every node
    after one is built anew, so its type follows the new shape."""
    memo: dict[Variable, Variable] = dict(repl)
    for node in toposort(outputs, blockers=list(repl)):
        new_inputs = [memo.get(i, i) for i in node.inputs]
        if all(a is b for a, b in zip(new_inputs, node.inputs, strict=True)):
            continue
        new_node = node.op.make_node(*new_inputs)
        for old_out, new_out in zip(node.outputs, new_node.outputs, strict=True):
            new_out.name = old_out.name
            new_out.tag.update(old_out.tag)
            memo[old_out] = new_out
    return [memo.get(o, o) for o in outputs]


def _data_in(var: Variable) -> list[SharedVariable]:
    return [v for v in ancestors([var]) if isinstance(v, SharedVariable) and "model_data" in v.tag]


def shape_mismatch(
    model: Any, observed: bool = True, outputs: Sequence[Variable] | None = None
) -> Exception | None:
    """A ValueError naming the data container, the variable and both shapes
    when, after ``pg.set_data``, a random variable's parameters or
    (``observed``) observed data no longer fit its size, or a variable of the
    model (a parameter, a Deterministic, a Potential) can no longer be
    computed; None when every shape fits. ``outputs`` limits the search to the
    variables they depend on. Predictive draws pass ``observed=False``: they do
    not read observed data.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> from ppgraph.model.shapes import shape_mismatch
        >>> with pg.Model() as m:
        ...     x = pg.Data("x", np.zeros(3))
        ...     y = pg.Normal("y", x, 1.0, observed=np.zeros(3))
        ...     pg.set_data({"x": np.zeros(4)})
        >>> print(str(shape_mismatch(m)).split(" (from")[0])
        y has shape (3,), but its parameter loc has shape (4,)
    """
    if not any(SET_TAG in v.tag for v in model.data_vars):
        return None  # shapes as built, where they all fit
    among = None if outputs is None else set(ancestors(list(outputs)))
    rvs = [rv for rv in model._rvs_in_order if among is None or rv in among]
    sizes = current_sizes(model, rvs)
    probes: list[tuple[TensorVariable, str, int, Variable]] = []  # var, what, core ndim, graph
    for rv in rvs:
        assert rv.owner is not None
        op: Any = rv.owner.op
        if op.name == "partial_observed":  # flat parts of fixed (imputed) data
            continue
        names = list(op.params) or [f"parameter {i}" for i in range(len(op.ndims_params))]
        probes += [(rv, n, nd, p) for n, nd, p in
                   zip(names, op.ndims_params, rv.owner.inputs[2:], strict=True)]  # fmt: skip
        value = model.rvs_to_values.get(rv)
        if observed and rv in model.observed_RVs and isinstance(value, Variable):
            probes.append((rv, "observed", -1, value))
    others = [*model.potentials, *model.deterministics]  # what a log-density needs first
    probes += [(v, "value", -2, v) for v in others if among is None or v in among]
    # shapes as they are now: through random variables at their current sizes
    now = refresh(model, [p for *_, p in probes])[0] if probes else []
    try:
        shapes: list[Any] = _evaluate([p.shape for p in now]) if probes else []  # type: ignore[attr-defined]
    except (TypeError, ValueError):  # some cannot be computed: one at a time
        shapes = [_shape_or_error(p) for p in now]
    for (rv, what, core_nd, var), shp in zip(probes, shapes, strict=True):
        if isinstance(shp, Exception):
            return _cannot_compute(rv, what, var, shp)
        if core_nd == -2:
            continue
        nb = _batch_ndim(rv)
        batch = sizes.get(rv, tuple(rv.type.shape[:nb]))
        full = (*batch, *rv.type.shape[nb:])
        shp = tuple(int(s) for s in shp)
        if _fits(shp, full, batch, core_nd):
            continue
        part = "its observed data" if what == "observed" else f"its parameter {what}"
        return ValueError(
            f"{rv.name} has shape {full}, but {part} has shape {shp} (from {_named(var)}); "
            f"{_ADVICE}"
        )
    return None


_ADVICE = (
    "after pg.set_data, give every data container of a variable the same new length "
    "(and new coords=... for its dims)"
)


def _named(var: Variable) -> str:
    data = [v for v in ancestors([var]) if isinstance(v, SharedVariable) and "model_data" in v.tag]
    shown = [f"data container {d.name!r} of shape {np.shape(d.get_value())}" for d in data]
    return ", ".join(shown) or "data fixed when the model was built"


def _shape_or_error(var: Variable) -> Any:
    try:
        return _evaluate([var.shape])[0]  # type: ignore[attr-defined]
    except (TypeError, ValueError) as exc:
        return exc


def _cannot_compute(var: Variable, what: str, graph: Variable, exc: Exception) -> Exception:
    """The error for a variable whose ``what`` cannot be computed, with the
    operation and its operands' shapes (the innermost cause's first line)."""
    cause: BaseException = exc
    while cause.__cause__ is not None:
        cause = cause.__cause__
    first = (str(cause).splitlines() or [type(cause).__name__])[0].rstrip(".")
    part = {"value": "its value", "observed": "its observed data"}.get(
        what, f"its parameter {what}"
    )
    return ValueError(
        f"{var.name}: {part} cannot be computed with the data's current shapes "
        f"({first}; from {_named(graph)}); {_ADVICE}"
    )


def _fits(shp: tuple[int, ...], full: tuple[Any, ...], batch: tuple[Any, ...], core: int) -> bool:
    """Observed data (``core`` < 0) has the variable's shape; a parameter's batch
    shape broadcasts to the variable's."""
    if core < 0:
        return len(shp) == len(full) and all(f in (None, s) for f, s in zip(full, shp, strict=True))
    pb = shp[: len(shp) - core]
    return len(pb) <= len(batch) and all(
        s in (1, b) for s, b in zip(pb[::-1], batch[::-1], strict=False)
    )
