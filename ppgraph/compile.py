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
import jax.numpy as jnp
import numpy as np

from ppgraph.backend.jax.dispatch.basic import jax_dtype
from ppgraph.backend.jax.dispatch.check import collecting_checks
from ppgraph.backend.jax.linker import lower, shared_inputs
from ppgraph.compile_cache import use_compile_cache
from ppgraph.compile_inputs import _check_traced_arg, _preparer
from ppgraph.config import CheckMode, config, validate_check_mode
from ppgraph.errors import MissingInputError, ParameterValueError
from ppgraph.graph.basic import Constant, SharedVariable, Variable
from ppgraph.graph.traversal import ancestors, clone_replace, graph_inputs
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


def _detach(
    inputs: list[Variable], outputs: list[Variable]
) -> tuple[list[Variable], list[Variable]]:
    """A copy of the graph over fresh stand-ins for ``inputs``, for when some are
    intermediate variables: the graph is cut there, so rewriting cannot see
    through one (``log(z)`` with ``z = a + 1`` given must not become ``log1p(a)``).
    """
    standins = [
        v.type.make_variable(name=v.name if v.name or v.owner is None else repr(v)) for v in inputs
    ]
    return standins, clone_replace(outputs, replace=dict(zip(inputs, standins, strict=True)))


def _rewrite(inputs: list[Variable], outputs: list[Variable]) -> list[Variable]:
    """The rewritten outputs (the engine builds new nodes; the caller's graph,
    names included, is left as it was)."""
    from ppgraph.rewrite.pipeline import rewrite_graph

    return rewrite_graph(outputs, inputs)


class _Compiled:
    """What a Function needs, built once per (inputs, outputs, rewrite, mode)."""

    def __init__(
        self, inputs: list[Variable], outputs: list[Variable], rewrite: bool, mode: CheckMode
    ) -> None:
        _check_inputs(inputs, outputs)
        self.spec = (list(inputs), list(outputs), rewrite, mode)  # what pickling rebuilds from
        self.preps = [_preparer(v) for v in inputs]
        if any(v.owner is not None for v in inputs):
            inputs, outputs = _detach(inputs, outputs)
        if rewrite:
            outputs = _rewrite(inputs, outputs)
        self.inputs = inputs
        self.outputs = outputs
        self.mode = mode
        self.shared = shared_inputs(inputs, outputs)
        # pg.Data containers (tagged by the model layer): NaN there is refused
        self.data = [v for v in self.shared if v.tag.get("model_data")]
        self.seen: dict[Variable, Any] = {}
        self.x64 = _needs_x64([*outputs, *inputs])
        self.has_checks = mode == "raise" and any(
            v.owner is not None and isinstance(v.owner.op, Check)
            for v in ancestors(outputs, inputs)
        )
        self.n_traces = 0
        self.messages: list[str] = []
        # In "raise" mode with no Check left, nothing needs collecting.
        lower_mode: CheckMode = "off" if mode == "raise" and not self.has_checks else mode
        raw = lower(inputs, outputs, self.shared, lower_mode)
        use_compile_cache()  # JAX's persistent cache, from the first compile on

        def traced(*args: Any) -> Any:
            self.n_traces += 1  # runs only while JAX traces
            if not self.has_checks:
                return raw(*args)
            with collecting_checks() as found:
                outs = raw(*args)
            self.messages = [msg for msg, _ in found]
            oks = jnp.stack([jnp.all(ok) for _, ok in found]) if found else jnp.ones(0, bool)
            return outs, oks

        self.raw = raw
        self.jitted: Callable[..., Any] = jax.jit(traced)
        self._pure: Callable[..., list[Any]] | None = None

    def pure(self) -> Callable[..., list[Any]]:
        """The lowering as a pure function (failing Checks give -inf in "raise" mode)."""
        if self._pure is None:
            mode: CheckMode = "-inf" if self.mode == "raise" else self.mode
            self._pure = _Pure(
                self.spec,
                self.raw
                if not self.has_checks
                else lower(self.inputs, self.outputs, self.shared, mode),
                self.shape_error if self.shared else None,
            )
        return self._pure

    def check_data(self) -> None:
        """A ValueError naming a data container holding NaN (each value checked
        once: ``pg.set_data`` gives a new array)."""
        for var in self.data:
            value = var.get_value()
            if self.seen.get(var) is not value:
                if value.dtype.kind == "f" and np.isnan(value).any():
                    raise ValueError(
                        f"data container {var.name!r} has {int(np.isnan(value).sum())} NaN "
                        "value(s) (given through pg.set_data?); data containers are not "
                        "imputed: drop them, or give them as observed= data to impute them"
                    )
                self.seen[var] = value

    def shape_error(self, exc: Exception) -> Exception:
        """``exc`` (a JAX shape error while tracing) said with the data's shapes."""
        shapes = ", ".join(f"{v.name} {np.shape(v.get_value())}"
                           for v in self.shared if isinstance(v.type, TensorType))  # fmt: skip
        first = str(exc).splitlines()[0].rstrip(".") if str(exc) else type(exc).__name__
        return ValueError(
            f"the graph cannot be computed with its data's current shapes ({shapes}): {first}. "
            "Data changed with pg.set_data must keep the shapes the graph relates"
        )

    def failed(self, oks: Any) -> ParameterValueError:
        """The error for the Checks whose flag in ``oks`` is False."""
        flags = np.asarray(oks)
        msgs = dict.fromkeys(m for m, ok in zip(self.messages, flags, strict=True) if not ok)
        return ParameterValueError("; ".join(msgs))


class _Pure:
    """A lowered pure function that pickles as the graph it was built from
    (rebuilt, and lowered again, when unpickled)."""

    def __init__(
        self,
        spec: tuple[Any, ...],
        fn: Callable[..., list[Any]],
        shape_error: Callable[[Exception], Exception] | None,
    ) -> None:
        self.spec, self.fn, self.shape_error = spec, fn, shape_error

    def __call__(self, *args: Any) -> list[Any]:
        try:
            return self.fn(*args)
        except TypeError as exc:  # while tracing: data of a shape the graph cannot take
            if self.shape_error is None or "shape" not in str(exc):
                raise
            raise self.shape_error(exc) from exc

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuilt_pure, self.spec)


def _rebuilt_pure(
    inputs: list[Variable], outputs: list[Variable], rewrite: bool, mode: CheckMode
) -> Callable[..., list[Any]]:
    return _compiled(inputs, outputs, rewrite, mode).pure()


def _check_inputs(inputs: list[Variable], outputs: list[Variable]) -> None:
    for v in inputs:
        if not isinstance(v, Variable):
            raise TypeError(f"inputs must be variables, got {v!r}")
        if isinstance(v, Constant):
            raise TypeError(f"{v!r} is a constant and cannot be an input")
    if len(set(inputs)) != len(inputs):
        raise ValueError(f"an input is given twice in {inputs}")
    for v in outputs:
        if not isinstance(v, Variable):
            raise TypeError(f"outputs must be variables, got {v!r}")
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
        self._spec = (self.inputs, outputs, rewrite, mode)
        self._c = _compiled(self.inputs, outs, rewrite, mode)
        self._n = len(self.inputs)
        self._preps = self._c.preps
        names = [v.name for v in self.inputs]
        # A name shared by two inputs cannot be used as a keyword (-1).
        self._names = {n: (i if names.count(n) == 1 else -1) for i, n in enumerate(names) if n}
        self._jax_fn: Callable[..., Any] | None = None

    def __getstate__(self) -> tuple[Any, ...]:
        # The graph, not the compiled program: unpickling compiles it again
        # (shared values, data included, are pickled with it, as copies).
        return self._spec

    def __setstate__(self, spec: tuple[Any, ...]) -> None:
        inputs, outputs, rewrite, mode = spec
        self.__init__(inputs, outputs, rewrite=rewrite, check_mode=mode)  # type: ignore[misc]

    @property
    def outputs(self) -> list[Variable]:
        """The outputs after rewriting (what is computed)."""
        return self._c.outputs

    @property
    def check_mode(self) -> str:
        """What a failing Check does in this Function: "raise", "-inf" or "off"."""
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
        if self._jax_fn is None:
            pure = self._c.pure()
            shared = self._c.shared
            single = self.single
            inputs = self.inputs

            def jax_fn(*args: Any) -> Any:
                if len(args) != len(inputs):
                    raise TypeError(
                        f"jax_fn takes {len(inputs)} argument(s) {inputs}, got {len(args)}"
                    )
                for var, arg in zip(inputs, args):  # noqa: B905  (same length)
                    _check_traced_arg(var, arg)
                # An explicit dtype: JAX caches a NumPy array met as a constant by
                # identity, and would reuse its 64-bit form in a later 32-bit trace.
                values = [np.asarray(s.get_value()) for s in shared]
                outs = pure(*args, *(jnp.asarray(v, dtype=jax_dtype(v.dtype)) for v in values))
                return outs[0] if single else outs

            self._jax_fn = jax_fn
        return self._jax_fn

    def _bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        """The values in input order from positional and keyword arguments."""
        if len(args) > self._n:
            raise TypeError(
                f"this Function takes {self._n} input(s) {self.inputs}, "
                f"got {len(args)} positional values"
            )
        values: list[Any] = list(args) + [_MISSING] * (self._n - len(args))
        for name, value in kwargs.items():
            i = self._names.get(name)
            if i is None:
                raise TypeError(f"unknown input name {name!r}; inputs: {self.inputs}")
            if i < 0:
                raise TypeError(f"two inputs are named {name!r}; pass them positionally")
            if values[i] is not _MISSING:
                raise TypeError(f"input {name!r} given twice")
            values[i] = value
        missing = [repr(v) for v, val in zip(self.inputs, values, strict=True) if val is _MISSING]
        if missing:
            raise MissingInputError(f"missing value for input(s) {', '.join(missing)}")
        return values

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        c = self._c
        if kwargs or len(args) != self._n:
            args = tuple(self._bind(args, kwargs))
        values = [prep(a) for prep, a in zip(self._preps, args)]  # noqa: B905  (same length)
        if c.shared:
            values.extend([s.get_value() for s in c.shared])
            if c.data:
                c.check_data()
        try:
            if c.x64:
                with jax.enable_x64(True):
                    result = c.jitted(*values)
            else:
                result = c.jitted(*values)
        except TypeError as exc:  # a shape JAX cannot broadcast: data changed shape?
            if not c.shared or "shape" not in str(exc):
                raise
            raise c.shape_error(exc) from exc
        if c.has_checks:
            result, oks = result
            if not np.asarray(oks).all():
                raise c.failed(oks)
        if self.single:
            return np.asarray(result[0])
        return [np.asarray(r) for r in result]

    def __repr__(self) -> str:
        return f"Function(inputs={self.inputs}, outputs={self.outputs})"


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
    """Evaluate ``var`` given values for some variables (inputs or intermediate).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.compile import eval_var
        >>> x = pt.scalar("x")
        >>> z = x + 1.0
        >>> float(eval_var(pt.log(z), {z: 1.0}))
        0.0
    """
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
