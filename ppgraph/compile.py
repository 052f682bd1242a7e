"""``function()``, ``eval``, and the ``Function`` object with its cache.

A Function is the rewritten graph, lowered once to a pure JAX function and
jitted. Calling it validates the inputs (naming the input on a mistake),
calls the jitted function and returns NumPy arrays. Built Functions are cached
by graph, so evaluating the same graph again neither traces nor compiles.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np
from jax.experimental import checkify

from ppgraph.backend.jax.linker import lower, shared_inputs
from ppgraph.config import CheckMode, config, validate_check_mode
from ppgraph.errors import InputError, MissingInputError, ParameterValueError
from ppgraph.graph.basic import Constant, SharedVariable, Variable
from ppgraph.graph.traversal import ancestors, graph_inputs
from ppgraph.tensor.check import Check
from ppgraph.tensor.type import TensorType

_CACHE_SIZE = 256
_cache: collections.OrderedDict[tuple[Any, ...], _Compiled] = collections.OrderedDict()
_cache_lock = threading.Lock()


def _needs_x64(variables: Sequence[Variable]) -> bool:
    for v in ancestors(variables):
        t = v.type
        if isinstance(t, TensorType) and t.dtype in ("float64", "int64", "uint64", "complex128"):
            return True
    return False


class _Compiled:
    """What a Function needs, built once per (inputs, outputs, rewrite, mode)."""

    def __init__(
        self, inputs: list[Variable], outputs: list[Variable], rewrite: bool, mode: CheckMode
    ) -> None:
        _check_inputs(inputs, outputs)
        if rewrite:
            from ppgraph.rewrite.pipeline import rewrite_graph

            outputs = rewrite_graph(outputs, inputs)
        self.inputs = inputs
        self.outputs = outputs
        self.mode = mode
        self.shared = shared_inputs(inputs, outputs)
        self.x64 = _needs_x64([*outputs, *inputs])
        self.has_checks = mode == "raise" and any(
            v.owner is not None and isinstance(v.owner.op, Check)
            for v in ancestors(outputs, inputs)
        )
        self.n_traces = 0
        # In "raise" mode with no Check left, nothing needs checkify.
        lower_mode: CheckMode = "off" if mode == "raise" and not self.has_checks else mode
        raw = lower(inputs, outputs, self.shared, lower_mode)

        def counted(*args: Any) -> list[Any]:
            self.n_traces += 1  # runs only while JAX traces
            return raw(*args)

        self.raw = raw
        self.jitted: Callable[..., Any] = jax.jit(
            checkify.checkify(counted) if self.has_checks else counted
        )
        self._pure: Callable[..., list[Any]] | None = None

    def pure(self) -> Callable[..., list[Any]]:
        """The lowering without checkify (failing Checks give -inf in "raise" mode)."""
        if self._pure is None:
            mode: CheckMode = "-inf" if self.mode == "raise" else self.mode
            self._pure = (
                self.raw
                if not self.has_checks
                else lower(self.inputs, self.outputs, self.shared, mode)
            )
        return self._pure


def _check_inputs(inputs: list[Variable], outputs: list[Variable]) -> None:
    for v in inputs:
        if not isinstance(v, Variable):
            raise TypeError(f"inputs must be variables, got {v!r}")
        if isinstance(v, Constant):
            raise TypeError(f"{v!r} is a constant and cannot be an input")
    if len(set(inputs)) != len(inputs):
        raise ValueError(f"an input is given twice in {inputs}")
    missing = [
        v
        for v in graph_inputs(outputs, blockers=inputs)
        if v not in inputs and not isinstance(v, Constant | SharedVariable)
    ]
    if missing:
        names = ", ".join(repr(v) for v in missing)
        raise MissingInputError(
            f"the graph needs input(s) {names}, which were not given; given: {list(inputs)}"
        )


def _compiled(
    inputs: list[Variable], outputs: list[Variable], rewrite: bool, mode: CheckMode
) -> _Compiled:
    key = (tuple(inputs), tuple(outputs), rewrite, mode, config.floatX)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    built = _Compiled(inputs, outputs, rewrite, mode)
    with _cache_lock:
        _cache[key] = built
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return built


def _prepare(var: Variable, value: Any) -> Any:
    """``value`` as an array of ``var``'s dtype, or an InputError naming ``var``."""
    t = var.type
    if not isinstance(t, TensorType):
        return value
    if isinstance(value, jax.Array) and value.dtype == t.dtype and t.accepts_shape(value.shape):
        return value
    try:
        arr = np.asarray(value)
    except Exception as exc:
        raise InputError(f"input {var!r}: cannot make an array of {type(value).__name__}") from exc
    if arr.dtype.kind not in "biufc":
        raise InputError(
            f"input {var!r} expects {t.dtype} numbers; got {type(value).__name__} {value!r}"
        )
    if arr.dtype != t.dtype and not np.can_cast(arr.dtype, t.dtype, "same_kind"):
        if not (arr.dtype.kind in "iu" and np.dtype(t.dtype).kind in "iu"):
            raise InputError(
                f"input {var!r} expects dtype {t.dtype}; got {arr.dtype}, which cannot be "
                "cast safely"
            )
    if not t.accepts_shape(arr.shape):
        raise InputError(
            f"input {var!r} expects shape {t.shape} ({t.ndim}-d); got shape {arr.shape}"
        )
    return arr.astype(t.dtype, copy=False)


class Function:
    """A compiled graph. Call it positionally or by input name; a list of
    outputs gives a list. ``jax_fn`` is the pure, un-jitted JAX function.

    Example:
        >>> import numpy as np, ppgraph as pg, ppgraph.tensor as pt
        >>> x, y = pt.scalar("x"), pt.vector("y")
        >>> f = pg.function([x, y], pt.log(x + y))
        >>> f(x=0, y=[1, np.e])
        array([0., 1.])
    """

    def __init__(
        self,
        inputs: Sequence[Variable],
        outputs: Variable | Sequence[Variable],
        rewrite: bool = True,
        check_mode: str | None = None,
    ) -> None:
        self.inputs = list(inputs)
        self.single = isinstance(outputs, Variable)
        outs = [outputs] if isinstance(outputs, Variable) else list(outputs)
        mode = validate_check_mode(check_mode or config.check_mode)
        self._c = _compiled(self.inputs, outs, rewrite, mode)
        self._names = {v.name: i for i, v in enumerate(self.inputs) if v.name is not None}

    @property
    def outputs(self) -> list[Variable]:
        """The outputs after rewriting (what is computed)."""
        return self._c.outputs

    @property
    def check_mode(self) -> str:
        return self._c.mode

    @property
    def n_traces(self) -> int:
        """How many times JAX traced this graph (once per new input shape/dtype)."""
        return self._c.n_traces

    @property
    def jax_fn(self) -> Callable[..., Any]:
        """The pure JAX function of the inputs (shared values read when it is
        called), for your own ``jax.jit``, ``vmap`` or ``grad``. A failing Check
        gives -inf here, since a pure function cannot raise. Graphs in float64
        compute in float64 only where 64-bit JAX is enabled (``jax.enable_x64``).
        """
        pure = self._c.pure()
        shared = self._c.shared
        single = self.single

        def jax_fn(*args: Any) -> Any:
            outs = pure(*args, *(s.get_value() for s in shared))
            return outs[0] if single else outs

        return jax_fn

    def _args(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        if len(args) > len(self.inputs):
            raise TypeError(f"expected at most {len(self.inputs)} inputs, got {len(args)}")
        values: list[Any] = list(args) + [_MISSING] * (len(self.inputs) - len(args))
        for name, value in kwargs.items():
            if name not in self._names:
                raise TypeError(f"unknown input name {name!r}; inputs: {list(self._names)}")
            i = self._names[name]
            if values[i] is not _MISSING:
                raise TypeError(f"input {name!r} given twice")
            values[i] = value
        missing = [repr(v) for v, val in zip(self.inputs, values, strict=True) if val is _MISSING]
        if missing:
            raise MissingInputError(f"missing value for input(s) {', '.join(missing)}")
        return [_prepare(v, val) for v, val in zip(self.inputs, values, strict=True)]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        c = self._c
        values = self._args(args, kwargs)
        values.extend(s.get_value() for s in c.shared)
        if c.x64:
            with jax.enable_x64(True):
                result = c.jitted(*values)
        else:
            result = c.jitted(*values)
        if c.has_checks:
            err, result = result
            msg = err.get()
            if msg is not None:
                raise ParameterValueError(_clean(msg))
        outs = [np.asarray(r) for r in result]
        return outs[0] if self.single else outs

    def __repr__(self) -> str:
        return f"Function(inputs={self.inputs}, outputs={self.outputs})"


def _clean(msg: str) -> str:
    msg = msg.split(" (`check` failed)")[0]
    return msg.split("\n")[0].strip()


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def function(
    inputs: Sequence[Variable],
    outputs: Variable | Sequence[Variable],
    rewrite: bool = True,
    check_mode: str | None = None,
) -> Function:
    """Compile ``outputs`` as a function of ``inputs`` (rewritten unless ``rewrite=False``).

    Example:
        >>> import numpy as np, ppgraph as pg, ppgraph.tensor as pt
        >>> a, b = pt.scalar("a"), pt.scalar("b")
        >>> g = pg.function([a, b], b * (a / b))
        >>> g(3.0, 2.0)
        array(3.)
        >>> pg.dprint(g)
        a [id A]
    """
    return Function(inputs, outputs, rewrite=rewrite, check_mode=check_mode)


def eval_var(var: Variable, givens: dict[Variable, Any], **kwargs: Any) -> Any:
    """Evaluate ``var`` given values for some variables (inputs or intermediate)."""
    if not isinstance(givens, dict):
        raise TypeError(f"eval takes a dict {{variable: value}}, got {type(givens).__name__}")
    for k in givens:
        if not isinstance(k, Variable):
            raise TypeError(
                f"eval's keys must be variables, got {k!r}; use {{x: value}}, not {{'x': value}}"
            )
    inputs = list(givens)
    f = Function(inputs, var, **kwargs)
    return f(*givens.values())
