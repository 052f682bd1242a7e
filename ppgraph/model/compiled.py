"""Compiled log-densities of a model, called with a point ``{value name: value}``.

``compile_logp``/``compile_dlogp``/``compile_d2logp`` wrap ``pg.function`` of
the model's graphs in a ``PointFunction``: the point's names are checked (a
missing or unknown name is an error naming it) before the compiled function
sees the values, which checks dtypes and shapes before anything is traced.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ppgraph.compile import Function, function
from ppgraph.config import config, validate_check_mode
from ppgraph.errors import InputError
from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import clone_replace
from ppgraph.model.joint import LogpMethods
from ppgraph.model.shapes import shape_mismatch
from ppgraph.tensor.type import TensorVariable

__all__ = ["PointFunction"]


class PointFunction:
    """A compiled function of a point: a dict keyed by value-variable name.

    ``fn.function`` is the underlying ``pg.Function``; ``fn.jax_fn`` the pure
    JAX function of a point dict (for ``jax.jit``, ``vmap``, ``grad``).

    With ``lazy_checks`` (log-densities and their derivatives, whose outputs a
    failing Check makes -inf in "-inf" mode), "raise" mode is served by the
    "-inf" compilation, which XLA builds faster; only when an output is not
    finite is the "raise" compilation built and run, to raise the
    ``ParameterValueError`` if a Check fails (values are the same either way).

    Example:
        >>> import ppgraph as pg
        >>> with pg.Model() as m:
        ...     x = pg.Normal("x", 0.0, 1.0)
        >>> f = m.compile_logp()
        >>> f({"x": 0.0})
        array(-0.91893853)
        >>> f({"y": 0.0})
        Traceback (most recent call last):
        ...
        KeyError: "the point has no value for 'x' and an unknown name 'y'; expected names: ['x']"
    """

    def __init__(
        self,
        inputs: Sequence[TensorVariable],
        outputs: TensorVariable | Sequence[TensorVariable],
        check_mode: str | None = None,
        describe: Callable[[TensorVariable], str] = repr,
        lazy_checks: bool = False,
        diagnose: Callable[[], Exception | None] | None = None,
    ) -> None:
        self.inputs = list(inputs)
        self._diagnose = diagnose
        self.names = [str(v.name) for v in self.inputs]
        self._keys = set(self.names)
        self._describe = describe
        self._outputs = outputs
        mode = validate_check_mode(check_mode or config.check_mode)
        self.check_mode = mode
        self._lazy = lazy_checks and mode == "raise"
        self.function: Function = function(
            self.inputs, outputs, check_mode="-inf" if self._lazy else mode
        )
        self._checked: Function | None = None

    def __getstate__(self) -> dict[str, Any]:
        # The graphs (the compiled function pickles as its graph); not the
        # model's callbacks, which would pickle the whole model.
        return {"inputs": self.inputs, "outputs": self._outputs, "mode": self.check_mode,
                "lazy": self._lazy}  # fmt: skip

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["inputs"], state["outputs"], state["mode"], lazy_checks=state["lazy"]
        )

    def __call__(self, point: Mapping[str, Any]) -> Any:
        try:
            args = [point[n] for n in self.names]
        except (KeyError, TypeError):
            raise self._bad_point(point) from None
        if len(point) != len(self.names):
            raise self._bad_point(point)
        try:
            out = self.function(*args)
        except InputError as exc:
            raise self._bad_values(point) or exc from exc
        except (TypeError, ValueError) as exc:  # from JAX: data of a new shape?
            found = self._diagnose() if self._diagnose is not None else None
            if found is None:
                raise
            raise found from exc
        if self._lazy and not _finite(out):
            if self._checked is None:
                self._checked = function(self.inputs, self._outputs, check_mode="raise")
            return self._checked(*args)
        return out

    @property
    def jax_fn(self) -> Callable[[Mapping[str, Any]], Any]:
        """The pure JAX function of a point dict (failing Checks give -inf)."""
        f, names = self.function.jax_fn, self.names
        return lambda point: f(*[point[n] for n in names])

    def _bad_point(self, point: Any) -> Exception:
        if not isinstance(point, Mapping):
            return TypeError(
                f"a point is a dict {{value variable name: value}}, got {type(point).__name__}"
            )
        missing = [n for n in self.names if n not in point]
        unknown = [k for k in point if k not in self._keys]
        parts = []
        if missing:
            parts.append("no value for " + ", ".join(repr(n) for n in missing))
        if unknown:
            parts.append(
                ("an unknown name " if len(unknown) == 1 else "unknown names ")
                + ", ".join(repr(k) for k in unknown)
            )
        return KeyError(f"the point has {' and '.join(parts)}; expected names: {self.names}")

    def _bad_values(self, point: Mapping[str, Any]) -> Exception | None:
        for var, name in zip(self.inputs, self.names, strict=True):
            shape = np.shape(point[name])
            if not var.type.accepts_shape(shape):
                want = tuple("?" if s is None else s for s in var.type.shape)
                return ValueError(
                    f"point[{name!r}] has shape {shape}, but the value variable {name} "
                    f"({self._describe(var)}) has shape {want}"
                )
        return None

    def __repr__(self) -> str:
        return f"PointFunction({self.names} -> {self.function.outputs})"


def _finite(out: Any) -> bool:
    if isinstance(out, list):
        return all(_finite(o) for o in out)
    if out.ndim == 0:
        return math.isfinite(out)
    return bool(np.isfinite(out).all())


class CompileMethods(LogpMethods):
    """Compiled log-densities (mixed into ``pg.Model``)."""

    def _describe_value(self, value: TensorVariable) -> str:
        rv = self.values_to_rvs.get(value)
        return f"of {rv!r}" if rv is not None else "an input"

    def replace_rvs_by_values(self, graphs: Sequence[Variable]) -> list[Variable]:
        """Copies of ``graphs`` with each random variable replaced by its value
        (constrained: ``backward`` of a transformed value variable; data if observed)."""
        return clone_replace(list(graphs), self.replacements())

    def compile_fn(self, outputs: Any, check_mode: str | None = None) -> PointFunction:
        """Compile graphs of the model's variables (random variables stand for
        their values) as a function of a point.

        Example:
            >>> import ppgraph as pg, ppgraph.tensor as pt
            >>> with pg.Model() as m:
            ...     s = pg.HalfNormal("s", 1.0)
            >>> float(m.compile_fn(2.0 * s)({"s_log__": 0.0}))
            2.0
        """
        single = isinstance(outputs, Variable)
        outs = self.replace_rvs_by_values([outputs] if single else list(outputs))
        return self._point_fn(outs[0] if single else outs, check_mode)

    def _point_fn(
        self, outputs: Any, check_mode: str | None, lazy_checks: bool = False
    ) -> PointFunction:
        return PointFunction(
            self.value_vars, outputs, check_mode, self._describe_value, lazy_checks,
            diagnose=lambda: shape_mismatch(self),
        )  # fmt: skip

    def compile_logp(
        self,
        vars: Any = None,
        jacobian: bool = True,
        sum: bool = True,
        check_mode: str | None = None,
    ) -> PointFunction:
        """``logp(vars, sum, jacobian)`` compiled: a point -> a scalar, or a list of
        arrays with ``sum=False``. Invalid parameters raise ``ParameterValueError``
        (``check_mode="-inf"`` gives -inf instead, as samplers want).

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as model_2:
            ...     mu = pg.Normal("mu", mu=0, sigma=2)
            ...     sigma = pg.HalfNormal("sigma", sigma=3)
            ...     x = pg.Normal("x", mu=mu, sigma=sigma)
            >>> model_2.compile_logp(sum=False)({"mu": 0, "sigma_log__": -10, "x": 0})
            [array(-1.61208571), array(-11.32440364), array(9.08106147)]
        """
        logp = self.logp(vars=vars, sum=sum, jacobian=jacobian)
        return self._point_fn(logp, check_mode, lazy_checks=True)

    def compile_dlogp(
        self, vars: Any = None, jacobian: bool = True, check_mode: str | None = None
    ) -> PointFunction:
        """``dlogp()`` compiled: a point -> the flat gradient, in ``value_vars`` order.

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as m:
            ...     x = pg.Normal("x", mu=1.0, sigma=2.0)
            >>> m.compile_dlogp()({"x": 0.0})
            array([0.25])
        """
        dlogp = self.dlogp(vars=vars, jacobian=jacobian)
        return self._point_fn(dlogp, check_mode, lazy_checks=True)

    def compile_d2logp(
        self, vars: Any = None, jacobian: bool = True, check_mode: str | None = None
    ) -> PointFunction:
        """``d2logp()`` compiled: a point -> the Hessian (not negated), a square matrix.

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as m:
            ...     x = pg.Normal("x", mu=1.0, sigma=2.0)
            >>> m.compile_d2logp()({"x": 0.0})
            array([[-0.25]])
        """
        d2logp = self.d2logp(vars=vars, jacobian=jacobian)
        return self._point_fn(d2logp, check_mode, lazy_checks=True)

    def point_logps(
        self, point: Mapping[str, Any] | None = None, round_vals: int | None = 2
    ) -> dict[str, float]:
        """Each random variable's (and potential's) summed log-density at ``point``
        (the initial point by default), by name; failing Checks give -inf.

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as m:
            ...     x = pg.Normal("x", mu=0.0, sigma=1.0, shape=2)
            >>> m.point_logps()
            {'x': -1.84}
        """
        if point is None:
            point = self.initial_point()  # type: ignore[attr-defined]
        terms = self.compile_logp(sum=False, check_mode="-inf")(point)
        names = [str(v.name) for v in (*self._rvs_in_order, *self.potentials)]
        out = {}
        for name, term in zip(names, terms, strict=True):
            total = float(np.sum(term))
            out[name] = total if round_vals is None else round(total, round_vals)
        return out
