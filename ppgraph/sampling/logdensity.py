"""A model's log-density as pure JAX functions of a position, for external
samplers and optimizers: ``logdensity`` (the joint, what BlackJAX takes),
``logprior`` and ``loglikelihood`` (what BlackJAX's SMC takes apart),
``potential_fn`` (``-logp``, what NumPyro takes) and
``pointwise_loglikelihood`` (one array per observed variable, for ArviZ's
``log_likelihood`` group and LOO).

A *position* is a dict keyed by value-variable name, in the unconstrained
(transformed) space: ``{"mu": ..., "tau_log__": ..., "theta_t": ...}``; with
``flat=True`` it is one vector, raveled in ``model.value_vars`` order (the
order of the mass matrix and of ``model.dlogp()``).

Observed data and ``pg.Data`` containers are arguments of the lowered
function, not constants of it. ``fn(position)`` reads them when it is called
(or traced); ``fn.apply(position, data)`` takes them explicitly, so they can be
arguments of your own ``jax.jit`` too. Data captured by a jitted closure
becomes a constant of the compiled program, which makes XLA compile time grow
with the size of the data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.compile import _compiled
from ppgraph.config import validate_check_mode
from ppgraph.graph.basic import SharedVariable, Variable
from ppgraph.model.core import Model, modelcontext
from ppgraph.sampling.batch import x64_scope
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.type import TensorVariable

__all__ = [
    "LogDensity",
    "logdensity",
    "loglikelihood",
    "logprior",
    "pointwise_loglikelihood",
    "potential_fn",
]


class LogDensity:
    """A pure JAX function of a position (see the module docstring).

    ``fn(position)`` uses the model's current data; ``fn.apply(position, data)``
    takes ``data`` (a tuple of arrays, ``fn.data`` by default) explicitly.
    ``fn.names``, ``fn.shapes`` and ``fn.dtypes`` describe the position;
    ``fn.ravel``/``fn.unravel`` convert between the dict and the flat vector.
    ``fn.x64`` says whether the model computes in 64-bit (then call it inside
    ``jax.enable_x64(True)``, or it computes in 32-bit as JAX does by default).

    Example:
        >>> import jax, ppgraph as pg
        >>> with pg.Model() as m:
        ...     x = pg.Normal("x", 0.0, 1.0)
        >>> fn, position = pg.logdensity(m)
        >>> with jax.enable_x64(True):
        ...     print(float(jax.jit(fn)(position)), float(jax.grad(fn)({"x": 1.0})["x"]))
        -0.9189385332046727 -1.0
    """

    def __init__(
        self,
        model: Model,
        outputs: Sequence[Variable],
        checks: str,
        flat: bool = False,
        combine: Callable[[list[Any]], Any] | None = None,
        data_sharding: Any = None,
    ) -> None:
        mode = validate_check_mode(checks)
        self.data_sharding = _check_sharding(data_sharding)
        self._placed: dict[int, tuple[Any, Any]] = {}
        self.value_vars: list[TensorVariable] = list(model.value_vars)
        self.names = [str(v.name) for v in self.value_vars]
        compiled = _compiled(list(self.value_vars), list(outputs), True, mode)
        self._pure = compiled.pure()
        self.shared: list[SharedVariable] = list(compiled.shared)
        self.x64: bool = compiled.x64
        point = model.initial_point() if self.value_vars else {}
        self.shapes = [tuple(np.shape(point[n])) for n in self.names]
        self.dtypes = [np.dtype(v.dtype) for v in self.value_vars]
        self.sizes = [int(np.prod(s, dtype=int)) for s in self.shapes]
        self.flat = flat
        self._combine = combine if combine is not None else (lambda outs: outs[0])
        self._point = point

    @property
    def data(self) -> tuple[Any, ...]:
        """The model's data (observed values, ``pg.Data``), in argument order;
        with ``data_sharding``, placed on its devices (once per value)."""
        if self.data_sharding is None:
            return tuple(s.get_value() for s in self.shared)
        return tuple(self._place(i, s.get_value()) for i, s in enumerate(self.shared))

    def _place(self, i: int, value: Any) -> Any:
        hit = self._placed.get(i)
        if hit is not None and hit[0] is value:
            return hit[1]  # the same value as before: already on the devices
        # A concrete array even when read under jit; 64-bit for a 64-bit model.
        with jax.ensure_compile_time_eval(), x64_scope(self.x64):
            placed = jax.device_put(value, _row_sharding(self.data_sharding, np.shape(value)))
        self._placed[i] = (value, placed)
        return placed

    def __call__(self, position: Any) -> Any:
        return self.apply(position, self.data)

    def apply(self, position: Any, data: Sequence[Any]) -> Any:
        """The function at ``position`` with ``data`` (a tuple like ``self.data``)."""
        point = self.unravel(position) if self.flat else position
        try:
            args = [point[n] for n in self.names]
        except (KeyError, TypeError):
            raise _bad_position(position, self.names) from None
        return self._combine(self._pure(*args, *data))

    def call(self, *args: Any) -> Any:
        """The function of positional arrays: the position's in ``names`` order,
        then the data (a stable callable for ``jax.jit``/``vmap`` caches)."""
        n = len(self.names)
        return self._combine(self._pure(*args[:n], *args[n:]))

    def ravel(self, position: Mapping[str, Any]) -> Any:
        """The position dict as one vector, in ``value_vars`` order (JAX arrays in,
        a JAX array out; NumPy in, NumPy out).

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as m:
            ...     s = pg.HalfNormal("s", 1.0)
            ...     x = pg.Normal("x", 0.0, s, shape=2)
            >>> fn, x0 = pg.logdensity(m, flat=True)
            >>> fn.unravel(fn.ravel({"s_log__": 0.5, "x": [1.0, 2.0]}))
            {'s_log__': array(0.5), 'x': array([1., 2.])}
        """
        leaves = [position[n] for n in self.names]
        xp = jnp if any(isinstance(v, jax.Array) for v in leaves) else np
        parts = [xp.reshape(xp.asarray(v), (-1,)) for v in leaves]
        if not parts:
            return xp.zeros(0)
        return xp.concatenate(parts)

    def unravel(self, flat: Any) -> dict[str, Any]:
        """The vector as a position dict (the inverse of ``ravel``)."""
        xp = np if isinstance(flat, np.ndarray) else jnp
        out, i = {}, 0
        for name, shape, size in zip(self.names, self.shapes, self.sizes, strict=True):
            out[name] = xp.reshape(flat[i : i + size], shape)
            i += size
        return out

    def initial_position(self) -> Any:
        """The model's initial point (a dict, or a vector if ``flat``)."""
        point = dict(self._point)
        return self.ravel(point) if self.flat else point

    def __repr__(self) -> str:
        kind = "flat vector" if self.flat else "{" + ", ".join(self.names) + "}"
        return f"LogDensity({kind})"


def _cached(model: Model, key: tuple[Any, ...], build: Callable[[], LogDensity]) -> LogDensity:
    """One LogDensity per model version and ``key`` (so jitted callers hit their caches)."""
    out: LogDensity = model._cached(("sampling", *key), build)
    return out


def _bad_position(position: Any, names: list[str]) -> Exception:
    if not isinstance(position, Mapping):
        return TypeError(
            "a position is a dict {value variable name: array} (or a vector with flat=True), "
            f"got {type(position).__name__}"
        )
    missing = [n for n in names if n not in position]
    return KeyError(f"the position has no value for {missing}; expected names: {names}")


def _negate(outs: list[Any]) -> Any:
    return -outs[0]


def _sum_all(outs: list[Any]) -> Any:
    total = jnp.sum(outs[0])
    for x in outs[1:]:
        total = total + jnp.sum(x)
    return total


def _check_sharding(sharding: Any) -> Any:
    if sharding is None:
        return None
    from jax.sharding import NamedSharding

    if not isinstance(sharding, NamedSharding):
        raise TypeError(
            "data_sharding must be a jax.sharding.NamedSharding (a mesh and the "
            f"PartitionSpec of the rows, e.g. P('data')), got {type(sharding).__name__}"
        )
    if len(sharding.spec) > 1:
        raise ValueError(
            "data_sharding's PartitionSpec names the row axis only (one entry, e.g. "
            f"P('data')), got {sharding.spec}"
        )
    return sharding


def _row_sharding(sharding: Any, shape: tuple[int, ...]) -> Any:
    """``sharding`` for an array of ``shape`` split along its rows, or the same
    mesh replicated when it has no rows or they do not split evenly."""
    from jax.sharding import NamedSharding, PartitionSpec

    mesh, spec = sharding.mesh, sharding.spec
    names = spec[0] if len(spec) else None
    axes = (names,) if isinstance(names, str) else tuple(names or ())
    parts = int(np.prod([mesh.shape[a] for a in axes])) if axes else 1
    if not shape or shape[0] % parts:
        return NamedSharding(mesh, PartitionSpec())
    return sharding


def logdensity(
    model: Model | None = None,
    checks: str = "-inf",
    flat: bool = False,
    jacobian: bool = True,
    data_sharding: Any = None,
) -> tuple[LogDensity, Any]:
    """The model's joint log-density as a pure JAX function of a position, and
    the initial position: ``(logdensity_fn, initial_position)``.

    ``logdensity_fn(position)`` is a scalar with the transforms' Jacobians
    (``jacobian=False`` leaves them out); a failing parameter Check gives -inf
    (``checks="off"`` skips them). It composes with ``jax.jit``, ``vmap``,
    ``grad`` and ``lax.scan``. With ``flat=True`` the position is a vector
    (``logdensity_fn.ravel``/``.unravel`` convert). A float64 model computes in
    float64 inside ``jax.enable_x64(True)``.

    ``data_sharding`` (a ``jax.sharding.NamedSharding`` whose PartitionSpec
    names the row axis, ``NamedSharding(mesh, P("data"))``) places the observed
    data and ``pg.Data`` containers split along their first axis over the
    mesh's devices (arrays whose rows do not split evenly, and scalars, are
    replicated); under ``jax.jit`` XLA then computes each device's rows where
    they are and adds the partial sums across devices. The values are those of
    the unsharded function, up to the order of the additions.

    Example:
        >>> import jax, blackjax, numpy as np, ppgraph as pg
        >>> with pg.Model() as m:
        ...     mu = pg.Normal("mu", 0.0, 1.0)
        ...     y = pg.Normal("y", mu, 1.0, observed=[0.5, 1.5])
        >>> logdensity_fn, position = pg.logdensity(m)
        >>> position
        {'mu': array(0.)}
        >>> with jax.enable_x64(True):
        ...     nuts = blackjax.nuts(logdensity_fn, step_size=0.5, inverse_mass_matrix=np.ones(1))
        ...     state = nuts.init(position)
        ...     state, info = jax.jit(nuts.step)(jax.random.key(0), state)
        >>> sorted(state.position)
        ['mu']
    """
    model = modelcontext(model, needs="pg.logdensity")
    fn = _cached(
        model,
        ("logdensity", checks, flat, jacobian, data_sharding),
        lambda: LogDensity(
            model, [model.logp(jacobian=jacobian)], checks, flat, data_sharding=data_sharding
        ),
    )
    return fn, fn.initial_position()


def logprior(model: Model | None = None, checks: str = "-inf", flat: bool = False) -> LogDensity:
    """The log-density of the free variables alone (Jacobians included), a pure
    JAX function of a position. With ``loglikelihood`` it adds up to ``logdensity``
    (BlackJAX's SMC takes the two apart).

    Example:
        >>> import jax, ppgraph as pg
        >>> with pg.Model() as m:
        ...     mu = pg.Normal("mu", 0.0, 1.0)
        ...     y = pg.Normal("y", mu, 1.0, observed=[0.0])
        >>> with jax.enable_x64(True):
        ...     float(pg.logprior(m)({"mu": 0.0}))
        -0.9189385332046727
    """
    model = modelcontext(model, needs="pg.logprior")
    return _cached(
        model,
        ("logprior", checks, flat),
        lambda: LogDensity(model, [model.logp(vars=list(model.free_RVs))], checks, flat),
    )


def loglikelihood(
    model: Model | None = None, checks: str = "-inf", flat: bool = False
) -> LogDensity:
    """The log-density of the observed variables given the free ones, plus the
    model's ``pg.Potential`` terms (as PyMC's SMC counts them), a pure JAX
    function of a position.

    Example:
        >>> import jax, ppgraph as pg
        >>> with pg.Model() as m:
        ...     mu = pg.Normal("mu", 0.0, 1.0)
        ...     y = pg.Normal("y", mu, 1.0, observed=[0.0, 1.0])
        >>> with jax.enable_x64(True):
        ...     float(pg.loglikelihood(m)({"mu": 0.0}))
        -2.3378770664093453
    """
    model = modelcontext(model, needs="pg.loglikelihood")

    def build() -> list[Variable]:
        terms: list[Variable] = [model.logp(vars=list(model.observed_RVs))]
        return terms + [sum_(p) for p in model.replace_rvs_by_values(model.potentials)]

    return _cached(
        model,
        ("loglikelihood", checks, flat),
        lambda: LogDensity(model, build(), checks, flat, combine=_sum_all),
    )


def potential_fn(
    model: Model | None = None, checks: str = "-inf", flat: bool = False
) -> LogDensity:
    """``-logdensity``: the potential energy NumPyro's ``NUTS(potential_fn=...)``
    takes (a failing Check gives +inf).

    Example:
        >>> import jax, ppgraph as pg
        >>> with pg.Model() as m:
        ...     x = pg.Normal("x", 0.0, 1.0)
        >>> with jax.enable_x64(True):
        ...     float(pg.potential_fn(m)({"x": 0.0}))
        0.9189385332046727
    """
    model = modelcontext(model, needs="pg.potential_fn")
    return _cached(
        model,
        ("potential", checks, flat),
        lambda: LogDensity(model, [model.logp()], checks, flat, combine=_negate),
    )


def pointwise_loglikelihood(model: Model | None = None, checks: str = "-inf") -> LogDensity:
    """The elementwise log-likelihood of each observed variable: a pure JAX
    function of a position returning ``{observed name: array}`` (the shape of the
    data, less a multivariate variable's event dims), as ArviZ's
    ``log_likelihood`` group and LOO want.

    Example:
        >>> import jax, ppgraph as pg
        >>> with pg.Model() as m:
        ...     mu = pg.Normal("mu", 0.0, 1.0)
        ...     y = pg.Normal("y", mu, 1.0, observed=[0.0, 1.0])
        >>> with jax.enable_x64(True):
        ...     pg.pointwise_loglikelihood(m)({"mu": 0.0})["y"].round(4)
        Array([-0.9189, -1.4189], dtype=float64)
    """
    model = modelcontext(model, needs="pg.pointwise_loglikelihood")
    observed = list(model.observed_RVs)
    names = [str(rv.name) for rv in observed]

    def combine(outs: list[Any]) -> dict[str, Any]:
        return dict(zip(names, outs, strict=True))

    def build() -> LogDensity:
        terms = model.logp(vars=observed, sum=False) if observed else []
        return LogDensity(model, terms, checks, combine=combine)

    return _cached(model, ("pointwise", checks), build)
