"""NUTS with BlackJAX: window adaptation, then NUTS, as two jitted programs.

The warm-up is one program (BlackJAX's ``window_adaptation`` loop, keeping no
per-step trace: its ``adaptation_info_fn`` returns nothing); the draws are a
second one, a ``lax.scan`` over a block of steps that keeps the positions and
the sampler statistics only. Without a progress bar the block is all the
draws; with one, the host calls the block program several times and moves the
bar in between, so no program holds a host callback (which neither JAX's
persistent cache nor a serialized executable can hold). Each draw's key is
``fold_in(chain key, draw index)``, so the blocks give the draws of one scan.

Chains are vectorized with ``jax.vmap``; with ``chain_method="sharded"`` they are
split over ``jax.devices()`` by ``jax.shard_map`` on a one-axis mesh, each
device running its share vectorized. The data are arguments of the programs,
never constants of them. On one device the compiled programs are stored in
ppgraph's cache folder (``ppgraph.compile_cache.load_or_compile``), so a new
process running the same model loads them without tracing BlackJAX again.

Only BlackJAX's public API is used: ``blackjax.window_adaptation``,
``blackjax.nuts(...)``, ``.init``, ``.step`` and ``blackjax.mcmc.hmc.HMCState``.
"""

from __future__ import annotations

import collections
import hashlib
import math
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.compile_cache import digest, fingerprint, load_or_compile, use_compile_cache
from ppgraph.sampling.batch import x64_scope
from ppgraph.sampling.diagnostics import require
from ppgraph.sampling.logdensity import LogDensity
from ppgraph.sampling.progress import ProgressBar

__all__ = ["run_blackjax"]

AXIS = "chain"
STATS = ("acceptance_rate", "diverging", "energy", "lp", "n_steps", "step_size", "tree_depth")
_SOURCE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

_runs: collections.OrderedDict[tuple[Any, ...], _Run] = collections.OrderedDict()
_lock = threading.Lock()


def _no_info(state: Any, info: Any, adaptation_state: Any) -> None:
    return None


def _chain_keys(key_data: Any) -> tuple[Any, Any]:
    """Each chain's (warm-up key, sampling key), from its raw key data."""
    keys = jax.vmap(lambda k: jax.random.split(jax.random.wrap_key_data(k)))(key_data)
    return keys[:, 0], keys[:, 1]


def _warm_fn(ld: LogDensity, tune: int, target_accept: float) -> Callable[..., Any]:
    """``(key_data, positions, data) -> (position, logdensity, grad, step_size,
    inverse_mass_matrix)``, each with a leading chain axis."""
    blackjax = require("blackjax", 'pg.sample(sampler="blackjax")')

    def warm(key_data: Any, positions: Any, data: Any) -> Any:
        def logdensity(p: Any) -> Any:
            return ld.apply(p, data)

        def one(key: Any, position: Any) -> Any:
            if tune == 0:
                state = blackjax.nuts.init(position, logdensity)
                size = sum(int(np.prod(np.shape(x))) for x in jax.tree.leaves(position))
                step, imm = jnp.asarray(1.0, _float(position)), jnp.ones(size, _float(position))
            else:
                adapt = blackjax.window_adaptation(
                    blackjax.nuts,
                    logdensity,
                    target_acceptance_rate=target_accept,
                    adaptation_info_fn=_no_info,
                )
                (state, params), _ = adapt.run(key, position, num_steps=tune)
                step, imm = params["step_size"], params["inverse_mass_matrix"]
            return state.position, state.logdensity, state.logdensity_grad, step, imm

        return jax.vmap(one)(_chain_keys(key_data)[0], positions)

    return warm


def _block_fn(ld: LogDensity, length: int) -> Callable[..., Any]:
    """``(key_data, position, logdensity, grad, step_size, imm, data, start) ->
    ((position, logdensity, grad), (draws, stats))``: NUTS steps ``start`` to
    ``start + length - 1``, the draws with leading axes (chain, step)."""
    blackjax = require("blackjax", 'pg.sample(sampler="blackjax")')
    from blackjax.mcmc.hmc import HMCState

    def block(key_data: Any, position: Any, lp: Any, grad: Any, step_sizes: Any, imms: Any,
              data: Any, start: Any) -> Any:  # fmt: skip
        def logdensity(p: Any) -> Any:
            return ld.apply(p, data)

        def one(key: Any, state: Any, step_size: Any, imm: Any, i: Any) -> Any:
            nuts = blackjax.nuts(logdensity, step_size, imm)
            new, info = nuts.step(jax.random.fold_in(key, i), state)
            stats = {
                "acceptance_rate": info.acceptance_rate,
                "diverging": info.is_divergent,
                "energy": info.energy,
                "lp": new.logdensity,
                "n_steps": info.num_integration_steps,
                "step_size": step_size,
                "tree_depth": info.num_trajectory_expansions,
            }
            return new, (new.position, stats)

        draw_keys = _chain_keys(key_data)[1]

        def body(carry: Any, i: Any) -> Any:
            return jax.vmap(one, in_axes=(0, 0, 0, 0, None))(draw_keys, carry, step_sizes, imms, i)

        steps = start + jnp.arange(length, dtype=jnp.int32)
        state, out = jax.lax.scan(body, HMCState(position, lp, grad), steps)
        out = jax.tree.map(lambda x: jnp.swapaxes(x, 0, 1), out)
        return (state.position, state.logdensity, state.logdensity_grad), out

    return block


def _float(position: Any) -> Any:
    return jnp.result_type(*[jnp.asarray(x).dtype for x in jax.tree.leaves(position)])


class _Program:
    """A jitted program and, on one device, its compiled executables by the
    shapes of the arguments (loaded from or stored to the cache folder)."""

    def __init__(self, jitted: Callable[..., Any], ld: LogDensity, parts: tuple[Any, ...],
                 out_tree: Callable[[Any], Any] | None) -> None:  # fmt: skip
        self.jitted, self.ld, self.parts, self.out_tree = jitted, ld, parts, out_tree
        self._compiled: dict[Any, Callable[..., Any]] = {}

    def __call__(self, *args: Any) -> Any:
        if self.out_tree is None:  # sharded: jit's own cache (and JAX's persistent one)
            return self.jitted(*args)
        leaves, tree = jax.tree.flatten(args)
        sig = (tree, tuple((np.shape(x), str(x.dtype)) for x in leaves))
        run = self._compiled.get(sig)
        if run is None:
            positions, data = args[1], args[-2] if len(args) > 3 else args[2]
            one = jax.tree.map(lambda x: jax.ShapeDtypeStruct(np.shape(x)[1:], x.dtype), positions)
            shapes = jax.tree.map(lambda x: jax.ShapeDtypeStruct(np.shape(x), x.dtype), data)
            # differentiated: the custom derivative rules' bodies are part of the key
            what = fingerprint(self.ld.apply, one, shapes, differentiate=True)
            key = digest((*self.parts, _SOURCE, str(sig), what))
            run = load_or_compile(self.jitted, args, key, self.out_tree(args))
            self._compiled[sig] = run
        return run(*args)


class _Run:
    """The warm-up and block programs of one model, chain count and settings."""

    def __init__(self, ld: LogDensity, tune: int, length: int, target_accept: float,
                 chain_method: str, n_dev: int) -> None:  # fmt: skip
        import blackjax

        use_compile_cache()  # JAX's cache: what the stored executables do not cover
        warm, block = _warm_fn(ld, tune, target_accept), _block_fn(ld, length)
        parts = ("blackjax", blackjax.__version__, ld.x64, target_accept)
        if chain_method == "vectorized":
            self.warm = _Program(jax.jit(warm), ld, (*parts, "warm", tune), _warm_tree)
            self.block = _Program(jax.jit(block), ld, (*parts, "block", length), _block_tree)
        else:
            self.warm = _Program(_sharded(warm, n_dev, (True, True, False)), ld, (), None)
            split = (True,) * 6 + (False, False)
            self.block = _Program(_sharded(block, n_dev, split), ld, (), None)
        self.length = length


def _warm_tree(args: Any) -> Any:
    """The structure of the warm-up's outputs, known from its arguments."""
    position = _zeros_like_tree(args[1])
    return jax.tree.structure((position, 0, position, 0, 0))


def _block_tree(args: Any) -> Any:
    """The structure of a block's outputs, known from its arguments."""
    position = _zeros_like_tree(args[1])
    return jax.tree.structure(((position, 0, position), (position, dict.fromkeys(STATS, 0))))


def _zeros_like_tree(tree: Any) -> Any:
    leaves, structure = jax.tree.flatten(tree)
    return jax.tree.unflatten(structure, [0] * len(leaves))


def _compiled_run(
    ld: LogDensity,
    tune: int,
    draws: int,
    chains: int,
    target_accept: float,
    progress: bool,
    chain_method: str,
) -> _Run:
    """The programs for these settings, made once per process (and, on one
    device, loaded from the cache folder when an earlier process made them)."""
    length = _block_length(tune, draws) if progress else draws
    n_dev = _n_devices(chains) if chain_method == "sharded" else 1
    key = (ld._pure, tuple(ld.names), tune, length, chains, target_accept, n_dev, chain_method)
    with _lock:
        hit = _runs.get(key)
    if hit is not None:
        return hit
    run = _Run(ld, tune, length, target_accept, chain_method, n_dev)
    with _lock:
        _runs[key] = run
        while len(_runs) > 16:
            _runs.popitem(last=False)
    return run


def _block_length(tune: int, draws: int) -> int:
    """Steps per block with a progress bar: the bar moves about every 1/20 of
    the run (at most every 200 steps), the blocks of equal length wasting as
    few steps past ``draws`` as possible."""
    every = max(1, min(200, (tune + draws) // 20, draws))
    return math.ceil(draws / math.ceil(draws / every))


def _sharded(local: Callable[..., Any], n_dev: int, split: tuple[bool, ...]) -> Callable[..., Any]:
    """``local`` (a program for a block of chains) over a mesh of ``n_dev``
    devices: the arguments flagged in ``split`` (and all outputs) split along
    the chain axis, the others whole; the inputs are placed there first."""
    from jax.sharding import AxisType, NamedSharding
    from jax.sharding import PartitionSpec as P

    # Explicit axes, said so: make_mesh's default axis type changed across JAX versions.
    mesh = jax.make_mesh(
        (n_dev,), (AXIS,), axis_types=(AxisType.Explicit,), devices=jax.devices()[:n_dev]
    )
    specs = tuple(P(AXIS) if s else P() for s in split)
    run = jax.jit(jax.shard_map(local, mesh=mesh, in_specs=specs, out_specs=P(AXIS),
                                check_vma=False))  # fmt: skip
    places = [NamedSharding(mesh, spec) for spec in specs]

    def placed(*args: Any) -> Any:
        return run(*(jax.device_put(a, p) for a, p in zip(args, places, strict=True)))

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
    run = _compiled_run(ld, tune, draws, chains, target_accept, progress_bar, chain_method)
    key_data = np.asarray(jax.random.key_data(jax.random.split(key, chains)))
    desc = f"Sampling {chains} chain{'s' if chains > 1 else ''} (BlackJAX NUTS)"
    # The warm-up moves the bar once, at its end: window_adaptation is one loop.
    phases = [(0, f"warm-up ({tune} steps)"), (tune, "sampling")]
    bar = ProgressBar(tune + draws, desc, progress_bar, phases)
    blocks = []
    with x64_scope(ld.x64), bar:
        data = tuple(jnp.asarray(d) for d in ld.data)
        *state, steps, imms = run.warm(key_data, positions, data)
        if progress_bar:
            bar.update(tune)
        for start in range(0, draws, run.length):
            state, out = run.block(key_data, *state, steps, imms, data, np.int32(start))
            if progress_bar:
                jax.block_until_ready(out)
                bar.update(tune + min(draws, start + run.length))
            blocks.append(out)
        blocks = [jax.tree.map(np.asarray, b) for b in blocks]
    samples, stats = jax.tree.map(lambda *xs: np.concatenate(xs, axis=1)[:, :draws], *blocks)
    return dict(samples), dict(stats)
