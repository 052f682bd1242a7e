"""``pg.constrain``: from an unconstrained position (what samplers move in) to the
values a user reads: every free variable in its own space, and the deterministics.

Concrete arrays with leading draw/chain axes are mapped in jitted chunks (NumPy
out); traced arrays (inside your ``jax.jit``/``vmap``) are mapped with
``jax.vmap`` (JAX out), so ``constrain`` composes with JAX transformations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import numpy as np

from ppgraph.compile import _compiled
from ppgraph.graph.basic import SharedVariable
from ppgraph.model.core import Model, modelcontext
from ppgraph.sampling.batch import map_draws, x64_scope
from ppgraph.tensor.type import TensorVariable

__all__ = ["Constrainer", "constrain"]


class Constrainer:
    """The lowered map ``position -> {name: constrained value}`` of a model (the
    free variables, then the deterministics, in registration order)."""

    def __init__(self, model: Model) -> None:
        self.value_vars: list[TensorVariable] = list(model.value_vars)
        self.names = [str(v.name) for v in self.value_vars]
        outs = [*model.free_RVs, *model.deterministics]
        self.out_names = [str(v.name) for v in outs]
        graphs = model.replace_rvs_by_values(outs)
        c = _compiled(list(self.value_vars), graphs, True, "off")
        self.pure = c.pure()
        self.shared: list[SharedVariable] = list(c.shared)
        self.x64: bool = c.x64
        self.jit_one = jax.jit(self.one)

    def one(self, *args: Any) -> dict[str, Any]:
        """The outputs at one point: value arrays, then the data, in order."""
        return dict(zip(self.out_names, self.pure(*args), strict=True))

    def batch_ndim(self, position: Mapping[str, Any]) -> int:
        """How many leading (draw, chain) axes ``position`` has."""
        extra = {np.ndim(position[n]) - v.ndim for n, v in zip(self.names, self.value_vars)}  # noqa: B905
        if len(extra) != 1 or min(extra) < 0:
            shapes = {n: np.shape(position[n]) for n in self.names}
            raise ValueError(
                f"the position's arrays do not share leading (chain, draw) axes: {shapes}"
            )
        return extra.pop()


def constrainer(model: Model) -> Constrainer:
    """The model's ``Constrainer``, built once per version of the model."""
    out: Constrainer = model._cached(("sampling", "constrainer"), lambda: Constrainer(model))
    return out


def constrain(
    position: Mapping[str, Any],
    model: Model | None = None,
    var_names: Sequence[str] | None = None,
    chunk_size: int | None = None,
) -> dict[str, Any]:
    """The constrained value of every free variable and every deterministic, by
    name, from an unconstrained ``position`` ``{value variable name: array}``.

    The arrays may have leading axes (draws, or chains and draws), the same for
    all; the results have them too. ``var_names`` picks some of the outputs.
    Concrete input is done in jitted chunks of ``chunk_size`` draws (by default
    what fits in 128 MB); traced input (inside ``jax.jit``/``vmap``) returns JAX
    arrays.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> with pg.Model() as m:
        ...     s = pg.HalfNormal("s", 1.0)
        ...     d = pg.Deterministic("d", 2.0 * s)
        >>> out = pg.constrain({"s_log__": np.log([[1.0, 2.0], [3.0, 4.0]])}, model=m)
        >>> out["s"].round(6), out["d"].round(6)
        (array([[1., 2.],
               [3., 4.]]), array([[2., 4.],
               [6., 8.]]))
    """
    model = modelcontext(model, needs="pg.constrain")
    if not isinstance(position, Mapping):
        raise TypeError(
            f"constrain takes a position dict {{value name: array}}, got {type(position).__name__}"
        )
    c = constrainer(model)
    missing = [n for n in c.names if n not in position]
    if missing:
        raise KeyError(f"the position has no value for {missing}; expected names: {c.names}")
    wanted = c.out_names if var_names is None else list(var_names)
    unknown = [n for n in wanted if n not in c.out_names]
    if unknown:
        raise KeyError(f"unknown var_names {unknown}; known: {c.out_names}")
    nb = c.batch_ndim(position)
    values = [position[n] for n in c.names]
    data = [s.get_value() for s in c.shared]
    if any(isinstance(v, jax.core.Tracer) for v in jax.tree.leaves(values)):
        f: Callable[..., Any] = c.one
        for _ in range(nb):
            f = jax.vmap(f, in_axes=(0,) * len(values) + (None,) * len(data))
        out = f(*values, *data)
        return {n: out[n] for n in wanted}
    if nb == 0:
        with x64_scope(c.x64):
            out = jax.tree.map(np.asarray, c.jit_one(*values, *data))
        return {n: out[n] for n in wanted}
    lead = np.shape(values[0])[:nb]
    flat = [np.reshape(np.asarray(v), (-1, *np.shape(v)[nb:])) for v in values]
    res = map_draws(c.one, flat, data, x64=c.x64, chunk_size=chunk_size)
    return {n: res[n].reshape(*lead, *res[n].shape[1:]) for n in wanted}
