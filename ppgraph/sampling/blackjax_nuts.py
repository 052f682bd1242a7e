"""NUTS with BlackJAX: window adaptation then NUTS, the whole run in one jit.

Chains are vectorized with ``jax.vmap``; with ``chain_method="sharded"`` they are
split over ``jax.devices()`` by ``jax.shard_map`` on a one-axis mesh, each
device running its share vectorized. The data are arguments of the jitted
run, never constants of it. Warm-up keeps no per-step trace (its
``adaptation_info_fn`` returns nothing); sampling keeps the positions and the
sampler statistics only.

Only BlackJAX's top-level API is used: ``blackjax.window_adaptation``,
``blackjax.nuts(...)``, ``.init`` and ``.step``.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.compile_cache import use_compile_cache
from ppgraph.sampling.batch import x64_scope
from ppgraph.sampling.diagnostics import require
from ppgraph.sampling.logdensity import LogDensity
from ppgraph.sampling.progress import ProgressBar, report

__all__ = ["run_blackjax"]

AXIS = "chain"

_runs: collections.OrderedDict[tuple[Any, ...], Callable[..., Any]] = collections.OrderedDict()
_lock = threading.Lock()


def _no_info(state: Any, info: Any, adaptation_state: Any) -> None:
    return None


def _run_fn(
    ld: LogDensity, tune: int, draws: int, target_accept: float, every: int, axis: str | None
) -> Callable[..., Any]:
    """The run for a block of chains: ``(key_data, positions, data, bar_id) ->
    (draws, stats)``, each with leading axes (chain, draw)."""
    blackjax = require("blackjax", 'pg.sample(sampler="blackjax")')
    # No progress bar: no host callback in the program, which JAX's persistent
    # compilation cache refuses to store.
    live = every <= tune + draws

    def run(key_data: Any, positions: Any, data: Any, bar_id: Any) -> Any:
        def logdensity(p: Any) -> Any:
            return ld.apply(p, data)

        keys = jax.vmap(lambda k: jax.random.split(jax.random.wrap_key_data(k)))(key_data)
        warm_keys, draw_keys = keys[:, 0], keys[:, 1]

        def warm(key: Any, position: Any) -> Any:
            if tune == 0:
                state = blackjax.nuts.init(position, logdensity)
                size = sum(int(np.prod(np.shape(x))) for x in jax.tree.leaves(position))
                return state, jnp.asarray(1.0, _float(position)), jnp.ones(size, _float(position))
            adapt = blackjax.window_adaptation(
                blackjax.nuts,
                logdensity,
                target_acceptance_rate=target_accept,
                adaptation_info_fn=_no_info,
            )
            (state, params), _ = adapt.run(key, position, num_steps=tune)
            return state, params["step_size"], params["inverse_mass_matrix"]

        states, step_sizes, imms = jax.vmap(warm)(warm_keys, positions)
        if live:
            report(bar_id, jnp.asarray(tune), 1, axis)

        def one(key: Any, state: Any, step_size: Any, imm: Any, i: Any) -> Any:
            nuts = blackjax.nuts(logdensity, step_size, imm)
            new, info = nuts.step(jax.random.fold_in(key, i), state)
            stats = {
                "diverging": info.is_divergent,
                "energy": info.energy,
                "tree_depth": info.num_trajectory_expansions,
                "n_steps": info.num_integration_steps,
                "acceptance_rate": info.acceptance_rate,
                "lp": new.logdensity,
                "step_size": step_size,
            }
            return new, (new.position, stats)

        def body(carry: Any, i: Any) -> Any:
            carry, out = jax.vmap(one, in_axes=(0, 0, 0, 0, None))(
                draw_keys, carry, step_sizes, imms, i
            )
            if live:
                report(bar_id, tune + i + 1, every, axis)
            return carry, out

        _, out = jax.lax.scan(body, states, jnp.arange(draws))
        return jax.tree.map(lambda x: jnp.swapaxes(x, 0, 1), out)

    return run


def _float(position: Any) -> Any:
    return jnp.result_type(*[jnp.asarray(x).dtype for x in jax.tree.leaves(position)])


def _compiled_run(
    ld: LogDensity,
    tune: int,
    draws: int,
    chains: int,
    target_accept: float,
    progress: bool,
    chain_method: str,
) -> Callable[..., Any]:
    every = max(1, min(200, (tune + draws) // 20)) if progress else (tune + draws + 1)
    n_dev = _n_devices(chains) if chain_method == "sharded" else 1
    key = (ld._pure, tuple(ld.names), tune, draws, chains, target_accept, every, n_dev,
           chain_method)  # fmt: skip
    with _lock:
        hit = _runs.get(key)
    if hit is not None:
        return hit
    use_compile_cache()  # a new process loads warm-up + sampling from JAX's cache
    fn: Callable[..., Any]
    if chain_method == "vectorized":
        fn = jax.jit(_run_fn(ld, tune, draws, target_accept, every, None))
    else:
        fn = _sharded(_run_fn(ld, tune, draws, target_accept, every, AXIS), n_dev)
    with _lock:
        _runs[key] = fn
        while len(_runs) > 16:
            _runs.popitem(last=False)
    return fn


def _sharded(local: Callable[..., Any], n_dev: int) -> Callable[..., Any]:
    """``local`` (a run of a block of chains) over a mesh of ``n_dev`` devices, the
    chains split along its one axis; the inputs are placed there first."""
    from jax.sharding import AxisType, NamedSharding
    from jax.sharding import PartitionSpec as P

    # Explicit axes, said so: make_mesh's default axis type changed across JAX versions.
    mesh = jax.make_mesh(
        (n_dev,), (AXIS,), axis_types=(AxisType.Explicit,), devices=jax.devices()[:n_dev]
    )
    run = jax.jit(
        jax.shard_map(
            local,
            mesh=mesh,
            in_specs=(P(AXIS), P(AXIS), P(), P()),
            out_specs=P(AXIS),
            check_vma=False,
        )
    )
    split, whole = NamedSharding(mesh, P(AXIS)), NamedSharding(mesh, P())

    def placed(key_data: Any, positions: Any, data: Any, bar_id: Any) -> Any:
        return run(
            jax.device_put(key_data, split),
            jax.device_put(positions, split),
            jax.device_put(tuple(data), whole),
            jax.device_put(bar_id, whole),
        )

    return placed


def _n_devices(chains: int) -> int:
    """The most devices (at most all of them) that split the chains evenly."""
    n = len(jax.devices())
    return max(d for d in range(1, n + 1) if chains % d == 0)


def run_blackjax(
    ld: LogDensity,
    positions: dict[str, np.ndarray],
    key: Any,
    tune: int,
    draws: int,
    target_accept: float,
    progress_bar: bool,
    chain_method: str,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """NUTS draws ``{value name: (chain, draw, ...)}`` and sampler statistics
    ``{stat: (chain, draw)}``, from ``positions`` with a leading chain axis."""
    chains = int(np.shape(next(iter(positions.values())))[0]) if positions else 0
    fn = _compiled_run(ld, tune, draws, chains, target_accept, progress_bar, chain_method)
    key_data = jax.random.key_data(jax.random.split(key, chains))
    desc = f"Sampling {chains} chain{'s' if chains > 1 else ''} (BlackJAX NUTS)"
    # Warm-up reports once, at its end: window_adaptation runs its own loop, with no
    # step counter outside the vmap over chains to gate a callback on.
    phases = [(0, f"warm-up ({tune} steps)"), (tune, "sampling")]
    bar = ProgressBar(tune + draws, desc, progress_bar, phases)
    with x64_scope(ld.x64), bar:
        out = fn(key_data, positions, ld.data, jnp.asarray(bar.id, jnp.int32))
        samples, stats = jax.tree.map(np.asarray, out)
    return dict(samples), dict(stats)
