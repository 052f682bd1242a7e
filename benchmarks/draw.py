"""10,000 prior draws of a 10-variable graph: one ``pg.draw`` call against a
Python loop of single draws (and PyMC's ``pm.draw`` when PyMC is installed).

The graph is a small hierarchy: Normal, HalfNormal, Exponential, Gamma,
Poisson, a Truncated normal and a NormalMixture, each child drawn from its
parents' draws. ``pg.draw(vars, draws=10_000)`` is one jitted call, vectorized
over split keys; the loop calls ``pg.draw(vars)`` once per draw. A loop of
10,000 calls takes long, so the loop times 200 single draws and scales by 50
(per-call cost does not depend on how many calls came before: the compiled
function is cached after the first). Rounds are interleaved, after a warm-up
of each side, in one process; medians are reported.

Run: ``python benchmarks/draw.py [--rounds N]``; prints a Markdown section.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from typing import Any

import jax
import numpy as np

import ppgraph as pg

DRAWS = 10_000
LOOP_CALLS = 200


def graph() -> list[Any]:
    """Ten random variables, each child drawn from its parents' draws."""
    mu = pg.Normal.dist(0.0, 5.0)
    tau = pg.HalfNormal.dist(2.0)
    theta = pg.Normal.dist(mu, tau, size=8)
    sigma = pg.Exponential.dist(1.0)
    y = pg.Normal.dist(theta, sigma)
    rate = pg.Gamma.dist(alpha=2.0, beta=1.0)
    counts = pg.Poisson.dist(rate, size=8)
    z = pg.Truncated.dist(pg.Normal.dist(mu, 1.0), lower=0.0)
    mix = pg.NormalMixture.dist([0.3, 0.7], [-1.0, 1.0], sigma=tau)
    obs = pg.Normal.dist(z + mix, sigma)
    return [mu, tau, theta, sigma, y, rate, counts, z, mix, obs]


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def pymc_draw() -> Callable[[], Any] | None:
    """PyMC's ``pm.draw`` of the same graph, if PyMC is installed."""
    try:
        import pymc as pm
    except ImportError:
        return None
    mu = pm.Normal.dist(0.0, 5.0)
    tau = pm.HalfNormal.dist(2.0)
    theta = pm.Normal.dist(mu, tau, size=8)
    sigma = pm.Exponential.dist(1.0)
    y = pm.Normal.dist(theta, sigma)
    rate = pm.Gamma.dist(alpha=2.0, beta=1.0)
    counts = pm.Poisson.dist(rate, size=8)
    z = pm.Truncated.dist(pm.Normal.dist(mu, 1.0), lower=0.0)
    mix = pm.NormalMixture.dist([0.3, 0.7], [-1.0, 1.0], sigma=tau)
    obs = pm.Normal.dist(z + mix, sigma)
    pm_vars = [mu, tau, theta, sigma, y, rate, counts, z, mix, obs]
    return lambda: pm.draw(pm_vars, draws=DRAWS, random_seed=1)


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next(
            line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line
        )
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} cores visible, {jax.devices()[0].platform.upper()} backend; "
        f"Python {platform.python_version()}, JAX {jax.__version__}, NumPy {np.__version__}; "
        f"load average {load} at the end (other jobs were running)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    variables = graph()
    first = timed(lambda: pg.draw(variables, draws=DRAWS, random_seed=0))
    first_single = timed(lambda: pg.draw(variables, random_seed=0))
    pm_fn = pymc_draw()
    if pm_fn is not None:
        pm_fn()  # PyMC compiles on the first call
    # Where the time goes: the same call without the Poisson (JAX's Poisson sampler,
    # a rejection loop per element, is most of the vectorized call).
    no_poisson = [x for x in variables if type(x.owner.op).__name__ != "PoissonRV"]
    pg.draw(no_poisson, draws=DRAWS, random_seed=0)
    pg.draw(no_poisson, random_seed=0)
    seeds = iter(range(1, 10**9))
    vec, loop, pm_times, vec9, loop9 = [], [], [], [], []

    def looped(vs: list[Any]) -> float:
        calls = [lambda: pg.draw(vs, random_seed=next(seeds)) for _ in range(LOOP_CALLS)]
        return timed(lambda: [call() for call in calls]) * (DRAWS / LOOP_CALLS)

    for _ in range(rounds):
        vec.append(timed(lambda: pg.draw(variables, draws=DRAWS, random_seed=next(seeds))))
        loop.append(looped(variables))
        vec9.append(timed(lambda: pg.draw(no_poisson, draws=DRAWS, random_seed=next(seeds))))
        loop9.append(looped(no_poisson))
        if pm_fn is not None:
            pm_times.append(timed(pm_fn))
    v, lp = statistics.median(vec), statistics.median(loop)
    families = ", ".join(type(x.owner.op).__name__ for x in variables)
    print("## draw\n")
    print(f"`python benchmarks/draw.py --rounds {rounds}` on {machine()}.\n")
    print(
        f"{DRAWS:,} draws of a 10-variable graph ({families}); "
        f"medians of {rounds} interleaved rounds, after warm-up.\n"
    )
    print("| how | time for 10,000 draws | relative to one `pg.draw` call |")
    print("| --- | ---: | ---: |")
    print(f"| `pg.draw(vars, draws=10_000)`: one jitted, vmapped call | {v * 1e3:.1f} ms | 1 |")
    print(
        f"| loop of `pg.draw(vars)`, 200 calls timed and scaled by 50 | {lp * 1e3:.0f} ms "
        f"| {lp / v:.0f} times slower |"
    )
    v9, lp9 = statistics.median(vec9), statistics.median(loop9)
    print(
        f"| the 9 variables other than the Poisson: one call | {v9 * 1e3:.1f} ms | "
        f"{v9 / v:.2f} |"
    )
    print(
        f"| the 9 variables other than the Poisson: loop | {lp9 * 1e3:.0f} ms | "
        f"{lp9 / v9:.0f} times slower than their one call |"
    )
    if pm_times:
        pm = statistics.median(pm_times)
        print(f"| PyMC `pm.draw(vars, draws=10_000)` | {pm * 1e3:.0f} ms | {pm / v:.1f} |")
    else:
        print("| PyMC `pm.draw` | not installed here, not timed | |")
    print(
        f"\nFirst calls (tracing and XLA compile included): {first * 1e3:.0f} ms for 10,000 "
        f"draws, {first_single * 1e3:.0f} ms for one draw. Target: one call at least 50 "
        f"times faster than the loop; measured {lp / v:.0f} times ({lp9 / v9:.0f} times "
        "without the Poisson, whose JAX sampler, a rejection loop per element, is most "
        "of the vectorized call)."
    )


if __name__ == "__main__":
    main()
