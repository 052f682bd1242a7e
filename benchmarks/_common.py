"""Scaffolding shared by the logp + gradient benchmarks: timing a call, timing a
compiled function per call, interleaving sides over rounds, medians and the
ratio table, the load average. ``sampling_ode.py`` uses it; ``sampling_gp.py``'s
``prepare``/``bench_gp`` loops are the same pattern (``per_call``,
``interleave`` and ``ratio_table`` would replace them)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import jax


def timed(fn: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    """Wall time and this process's CPU time (all threads) of ``fn()``, its result
    ready (``jax.block_until_ready``)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = jax.block_until_ready(fn())
    return (time.perf_counter() - wall, time.process_time() - cpu), out


def per_call(fn: Callable[..., Any], args: Sequence[Any], calls: int) -> Callable[[], float]:
    """A timer of ``fn(*args)``: µs of wall time per call over ``calls`` calls
    (call it once first to compile)."""

    def run() -> float:
        (wall, _), _ = timed(lambda: [fn(*args) for _ in range(calls)][-1])
        return wall / calls * 1e6

    return run


def interleave(runs: dict[Hashable, Callable[[], Any]], rounds: int) -> dict[Hashable, list[Any]]:
    """Every run once per round, in turn, for ``rounds`` rounds: their results.
    Odd rounds go in reverse order, so no run always follows the same one (a
    multi-threaded run leaves XLA's worker threads busy for a moment, which
    slowed whichever run came next)."""
    out: dict[Hashable, list[Any]] = {k: [] for k in runs}
    for r in range(rounds):
        for key in list(runs) if r % 2 == 0 else list(reversed(runs)):
            out[key].append(runs[key]())
    return out


def median_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """The median over rounds of ``a[i] / b[i]`` (each round's sides ran together)."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def ratio_table(
    times: dict[Any, list[float]], cases: Sequence[str], sides: Sequence[str],
    headers: Sequence[str], target: float,
) -> list[str]:  # fmt: skip
    """Markdown rows: per case the median of each side and the median ratio of the
    first side to the second, against ``target`` (at most)."""
    rows = [f"| case | {' | '.join(headers)} | ratio | target |",
            "| --- |" + " ---: |" * (len(headers) + 1) + " --- |"]  # fmt: skip
    for case in cases:
        meds = [statistics.median(times[(case, s)]) for s in sides]
        r = median_ratio(times[(case, sides[0])], times[(case, sides[1])])
        verdict = "met" if r <= target else "missed"
        cells = " | ".join(f"{m:,.0f}" for m in meds)
        rows.append(f"| {case} | {cells} | {r:.2f} | {verdict} (at most {target}) |")
    return rows


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f}, {five:.1f}, {fifteen:.1f} on {os.cpu_count()} CPUs"


def nuts_chain(ld: Callable[[Any], Any], tune: int, draws: int) -> Callable[[Any, Any], Any]:
    """BlackJAX window adaptation then NUTS on ``ld``, one chain, traceable:
    ``(key, position) -> (draws, leapfrog steps of warm-up + draws)``."""
    import blackjax
    import jax.numpy as jnp

    def chain(key: Any, position: Any) -> Any:
        k1, k2 = jax.random.split(key)
        warmup = blackjax.window_adaptation(
            blackjax.nuts, ld, adaptation_info_fn=lambda s, info, a: info.num_integration_steps
        )
        (state, params), warm_steps = warmup.run(k1, position, num_steps=tune)
        nuts = blackjax.nuts(ld, **params)

        def step(state: Any, k: Any) -> Any:
            state, info = nuts.step(k, state)
            return state, (state.position, info.num_integration_steps)

        _, (out, steps) = jax.lax.scan(step, state, jax.random.split(k2, draws))
        return out, jnp.sum(warm_steps) + jnp.sum(steps)

    return chain
