"""``model.initial_point()``: a starting point inside every variable's support,
in the transformed (value) space.

Each free variable starts at, in order of preference: its ``initval=`` (a
value in its own space; ``"prior"`` for a draw from its prior given the other
starting values; ``"support_point"`` or PyMC's older ``"moment"`` for the
default below); its
family's ``support_point(*params)`` (a static method a distribution class may
define: a mean, mode or median that is always inside the support); its median
``icdf(0.5)``; ``backward(0)`` of its transform; zero. Parameters that depend
on other variables use those variables' starting values. All of it is one
compiled graph, built once per model.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.compile import Function, function
from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import clone_replace
from ppgraph.logprob.basic import icdf
from ppgraph.model.compiled import CompileMethods
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.math import floor, isfinite, where
from ppgraph.tensor.shape import broadcast_to, zeros
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


class InitialPointMethods(CompileMethods):
    """Starting points (mixed into ``pg.Model``)."""

    def _start(self, rv: TensorVariable) -> TensorVariable:
        """The constrained starting value of a free variable (a graph of its parameters)."""
        assert rv.owner is not None
        params = rv.owner.inputs[2:]
        init = self.rvs_to_initial_values.get(rv)
        if isinstance(init, str):
            if init == "prior":  # a prior draw, with the variable's stored key
                return rv
            if init not in ("support_point", "moment"):
                raise ValueError(
                    f"{rv.name}: initval is a value, 'support_point', 'moment' or 'prior'; "
                    f"got {init!r}"
                )
            init = None
        if init is not None:
            if isinstance(init, Variable):
                return _fit(as_tensor_variable(init), rv)
            arr = np.asarray(init)
            if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
                raise ValueError(f"{rv.name}: initval must be finite, got {init!r}")
            try:
                np.broadcast_to(arr, tuple(s or 1 for s in rv.type.shape))
            except ValueError:
                raise ValueError(
                    f"{rv.name}: initval has shape {arr.shape}, but {rv.name} has shape "
                    f"{rv.type.shape}"
                ) from None
            return _fit(as_tensor_variable(arr.astype(rv.dtype)), rv)
        from ppgraph.distributions.custom import custom_support_point

        custom = custom_support_point(rv)
        if custom is not None:
            return _fit(custom, rv)
        support_point = getattr(self.rvs_to_distributions.get(rv), "support_point", None)
        if support_point is not None:
            return _fit(as_tensor_variable(support_point(*params)), rv)
        if rv.owner.op.ndim_supp == 0:  # type: ignore[attr-defined]
            try:
                return _fit(icdf(rv, 0.5), rv)
            except NotImplementedError:
                pass
        tr = self.rvs_to_transforms.get(rv)
        value = self.rvs_to_values[rv]
        if tr is not None:
            return _fit(tr.backward(zeros(_shape_of(value), dtype=value.dtype), *params), rv)
        return zeros(_shape_of(rv), dtype=rv.dtype)

    def _initial_point_fn(self) -> Function:
        def build() -> Function:
            repl: dict[Variable, Variable] = {}
            outs = []
            for rv in self._rvs_in_order:
                if rv not in self.free_RVs:
                    repl[rv] = self.rvs_to_values[rv]
                    continue
                assert rv.owner is not None
                start = self._start(rv)
                tr = self.rvs_to_transforms.get(rv)
                params = rv.owner.inputs[2:]
                value = start if tr is None else tr.forward(start, *params)
                if tr is not None and rv not in self.rvs_to_initial_values:
                    # a default start the transform cannot take (equal entries under
                    # ``ordered``): any finite value is inside the support
                    value = where(isfinite(value), value, 0.0)
                    start = tr.backward(value, *params)
                new_start, new_value = clone_replace([start, value], repl)
                repl[rv] = new_start
                outs.append(new_value)
            return function([], outs)

        fn: Function = self._cached("initial_point_fn", build)
        return fn

    def initial_point(
        self, random_seed: Any = None, jitter: float | None = None
    ) -> dict[str, np.ndarray]:
        """``{value variable name: array}``, in the transformed space, inside every
        support. ``jitter`` adds uniform noise in ``(-jitter, jitter)`` to the
        continuous values (drawn with ``random_seed``), as samplers do to spread chains.

        Example:
            >>> import numpy as np, ppgraph as pg
            >>> with pg.Model() as model:
            ...     z = pg.Normal(name="z", mu=np.array([0, 0]), sigma=np.array([1, 2]))
            >>> model.initial_point()
            {'z': array([0., 0.])}
        """
        values = self._initial_point_fn()() if self.free_RVs else []
        point = {str(v.name): np.asarray(x) for v, x in zip(self.value_vars, values, strict=True)}
        for rv in self.free_RVs:
            x = point[str(self.rvs_to_values[rv].name)]
            given = rv in self.rvs_to_initial_values
            if given and x.dtype.kind == "f" and not np.isfinite(x).all():
                raise ValueError(
                    f"{rv.name}: initval={self.rvs_to_initial_values[rv]!r} is outside its "
                    f"support: its value variable {self.rvs_to_values[rv].name} starts at {x}"
                )
        if jitter:
            rng = np.random.default_rng(random_seed)
            for name, x in point.items():
                if x.dtype.kind == "f":
                    point[name] = x + rng.uniform(-jitter, jitter, size=x.shape).astype(x.dtype)
        return point


def _shape_of(var: TensorVariable) -> tuple[Any, ...]:
    """The static shape, with the symbolic size where it is unknown."""
    return tuple(var.shape[i] if s is None else s for i, s in enumerate(var.type.shape))


def _fit(value: TensorVariable, rv: TensorVariable) -> TensorVariable:
    """``value`` broadcast to ``rv``'s shape, in its dtype (floored for integers)."""
    if rv.dtype[:3] in ("int", "uin") and value.dtype.startswith("float"):
        value = floor(value)
    value = cast(value, rv.dtype)
    if value.type.shape != rv.type.shape:
        value = broadcast_to(value, _shape_of(rv))
    return value
