"""Starting positions for chains: ``pg.initial_positions`` (a leading chain axis),
``initvals`` given by the user in either space, jitter, and the check that
every chain starts where the log-density and its gradient are finite.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import jax
import numpy as np

from ppgraph.compile import function
from ppgraph.model.core import Model, modelcontext
from ppgraph.model.missing import refuse_masked
from ppgraph.sampling.batch import map_draws
from ppgraph.sampling.constrain import constrain
from ppgraph.sampling.diagnostics import SamplingError
from ppgraph.sampling.logdensity import LogDensity, logdensity
from ppgraph.sampling.seeds import seed_data
from ppgraph.tensor.type import TensorVariable

__all__ = ["apply_initvals", "initial_positions"]

_RETRIES = 10


def apply_initvals(
    model: Model, point: dict[str, np.ndarray], initvals: Mapping[str, Any]
) -> dict[str, np.ndarray]:
    """``point`` with ``initvals`` applied: keyed by value-variable name (the
    unconstrained space: ``"sigma_log__"``) or by free variable name (its own
    space: ``"sigma"``, transformed here)."""
    if not isinstance(initvals, Mapping):
        raise TypeError(f"initvals is a dict {{name: value}}, got {type(initvals).__name__}")
    point = dict(point)
    by_value = {str(v.name): v for v in model.value_vars}
    by_rv = {str(rv.name): rv for rv in model.free_RVs}
    pending = {}
    for name, value in initvals.items():
        refuse_masked(value, f"initvals[{name!r}]")
        if name in by_value:
            point[name] = _fit(name, value, by_value[name], point[name])
        elif name in by_rv:
            pending[by_rv[name]] = value
        else:
            raise KeyError(
                f"initvals: {name!r} is not a free variable or value variable of the model; "
                f"free variables: {list(by_rv)}, value variables: {list(by_value)}"
            )
    for rv in model.free_RVs:  # in order: a transform's bounds may use earlier values
        if rv not in pending:
            continue
        value_var = model.rvs_to_values[rv]
        vname = str(value_var.name)
        tr = model.rvs_to_transforms.get(rv)
        if tr is None:
            point[vname] = _fit(str(rv.name), pending[rv], value_var, point[vname])
            continue
        assert rv.owner is not None
        x = rv.type.make_variable(name=str(rv.name))
        [fwd] = model.replace_rvs_by_values([tr.forward(x, *rv.owner.inputs[2:])])
        f = function([*model.value_vars, x], fwd, check_mode="off")
        like = constrain(point, model, var_names=[str(rv.name)])[str(rv.name)]
        given = _fit(str(rv.name), pending[rv], rv, like)
        new = np.asarray(f(*[point[str(v.name)] for v in model.value_vars], given))
        if not np.all(np.isfinite(new)):
            raise ValueError(
                f"initvals: {rv.name} = {pending[rv]!r} is outside its support "
                f"(its {tr.name} transform gives {new})"
            )
        point[vname] = _fit(vname, new, value_var, point[vname])
    return point


def _fit(name: str, value: Any, var: TensorVariable, like: np.ndarray) -> np.ndarray:
    """``value`` as an array of ``var``'s dtype and ``like``'s shape."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"initvals: {name} must be numbers, got {value!r}")
    try:
        out = np.broadcast_to(arr, np.shape(like))
    except ValueError:
        raise ValueError(
            f"initvals: {name} has shape {arr.shape}, but the variable has shape {np.shape(like)}"
        ) from None
    return np.array(out, dtype=var.dtype)


@functools.lru_cache(maxsize=32)
def _checker(ld: LogDensity) -> Any:
    """``(*position arrays, *data) -> (logp, [gradient finite per variable])``."""
    names = ld.names

    def check(*args: Any) -> Any:
        leaves, data = args[: len(names)], args[len(names) :]
        pos = dict(zip(names, leaves, strict=True))
        value, grad = jax.value_and_grad(ld.apply)(pos, data)
        finite = [jax.numpy.all(jax.numpy.isfinite(grad[n])) for n in names]
        return value, jax.numpy.stack(finite) if finite else jax.numpy.ones(0, bool)

    return check


def initial_positions(
    model: Model | None = None,
    chains: int = 4,
    random_seed: Any = None,
    jitter: float = 1.0,
    initvals: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    jitter_max_retries: int = _RETRIES,
) -> dict[str, np.ndarray]:
    """Starting positions for ``chains`` chains: ``{value name: array}`` with a
    leading chain axis, in the unconstrained space.

    ``random_seed`` is an int, a NumPy Generator, a JAX key or None, as for ``pg.draw``.
    Each chain starts at the model's initial point (with ``initvals``: one dict,
    or one per chain, keyed by variable or value-variable name) plus uniform
    noise in ``(-jitter, jitter)`` on the continuous values. A chain whose
    jittered start has a non-finite log-density or gradient is jittered again (up
    to ``jitter_max_retries`` times, PyMC's name), then started without jitter; if
    that start is not finite either, ``SamplingError`` explains why, naming the variable.

    Example:
        >>> import ppgraph as pg
        >>> with pg.Model() as m:
        ...     s = pg.HalfNormal("s", 1.0)
        >>> pos = pg.initial_positions(m, chains=3, random_seed=1, jitter=0.0, initvals={"s": 2.0})
        >>> pos["s_log__"].round(4)
        array([0.6931, 0.6931, 0.6931])
    """
    model = modelcontext(model, needs="pg.initial_positions")
    if not isinstance(chains, int | np.integer) or isinstance(chains, bool) or chains < 1:
        raise ValueError(f"chains must be a positive int, got {chains!r}")
    base = model.initial_point()
    if initvals is None or isinstance(initvals, Mapping):
        starts = [apply_initvals(model, base, initvals or {})] * chains
    else:
        if len(initvals) != chains:
            raise ValueError(f"initvals: one dict per chain ({chains}), got {len(initvals)}")
        starts = [apply_initvals(model, base, iv) for iv in initvals]
    names = [str(v.name) for v in model.value_vars]
    stacked = {n: np.stack([s[n] for s in starts]) for n in names}
    ld, _ = logdensity(model)
    check = _checker(ld)
    rng = _numpy_rng(random_seed)
    ok = np.zeros(chains, bool)
    pos = {n: v.copy() for n, v in stacked.items()}
    if not isinstance(jitter_max_retries, int | np.integer) or jitter_max_retries < 0:
        raise ValueError(f"jitter_max_retries must be an int >= 0, got {jitter_max_retries!r}")
    for _ in range(max(int(jitter_max_retries), 1) if jitter else 1):
        todo = ~ok
        for n, v in stacked.items():
            if jitter and v.dtype.kind == "f":
                noise = rng.uniform(-jitter, jitter, size=v.shape).astype(v.dtype)
                pos[n][todo] = (v + noise)[todo]
        value, finite = map_draws(check, [pos[n] for n in names], ld.data, x64=ld.x64)
        ok = np.isfinite(value) & np.all(finite, axis=1)
        if ok.all():
            return pos
    for i in np.flatnonzero(~ok):  # fall back to the start without jitter
        for n in names:
            pos[n][i] = stacked[n][i]
    value, finite = map_draws(check, [pos[n] for n in names], ld.data, x64=ld.x64)
    bad = np.flatnonzero(~(np.isfinite(value) & np.all(finite, axis=1)))
    if bad.size:
        raise _start_error(model, {n: pos[n][bad[0]] for n in names}, value[bad[0]], names,
                           finite[bad[0]], int(bad[0]))  # fmt: skip
    return pos


def _numpy_rng(random_seed: Any) -> np.random.Generator:
    """A NumPy Generator for the jitter, from any ``random_seed`` ``pg.draw`` takes
    (an int, a NumPy Generator, a JAX key or None; also a sequence of ints)."""
    if isinstance(random_seed, jax.Array):
        data = seed_data(random_seed)  # a clear error for an array that is no key
        if jax.dtypes.issubdtype(data.dtype, jax.dtypes.prng_key):
            data = jax.random.key_data(data)
        return np.random.default_rng(np.asarray(data, dtype=np.uint32).ravel())
    try:
        return np.random.default_rng(random_seed)
    except ValueError as exc:  # a negative int, for one
        raise ValueError(f"random_seed must be non-negative, got {random_seed!r}") from exc
    except TypeError as exc:
        raise TypeError(
            "random_seed must be an int, a NumPy Generator, a JAX key or None; "
            f"got {type(random_seed).__name__} {random_seed!r}"
        ) from exc


def _start_error(
    model: Model, point: dict[str, np.ndarray], value: float, names: list[str],
    finite: np.ndarray, chain: int,
) -> SamplingError:  # fmt: skip
    if np.isfinite(value):
        bad = [n for n, f in zip(names, finite, strict=True) if not f]
        why = f"the gradient of logp is not finite for {bad}"
    else:
        why = str(model.debug(point, file="str"))
    return SamplingError(
        f"the initial point of chain {chain} is not a valid start: logp = {value}; "
        f"cannot sample from it.\n{why}"
    )
