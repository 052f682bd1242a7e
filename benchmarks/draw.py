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


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """Wall time and process CPU time (all threads) of ``fn()``, in seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


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
    ten = graph()
    # Where the time goes: JAX's Poisson sampler (Knuth's loop and a rejection loop,
    # both run for every element) is most of the one call: also timed without it.
    nine = [x for x in ten if type(x.owner.op).__name__ != "PoissonRV"]
    first = timed(lambda: pg.draw(ten, draws=DRAWS, random_seed=0))[0]
    first_single = timed(lambda: pg.draw(ten, random_seed=0))[0]
    pg.draw(nine, draws=DRAWS, random_seed=0)
    pg.draw(nine, random_seed=0)
    pm_fn = pymc_draw()
    if pm_fn is not None:
        pm_fn()  # PyMC compiles on the first call
    seeds = iter(range(1, 10**9))

    def one_call(vs: list[Any]) -> tuple[float, float]:
        return timed(lambda: pg.draw(vs, draws=DRAWS, random_seed=next(seeds)))

    def loop(vs: list[Any]) -> tuple[float, float]:
        wall, cpu = timed(lambda: [pg.draw(vs, random_seed=next(seeds)) for _ in range(LOOP_CALLS)])
        return wall * DRAWS / LOOP_CALLS, cpu * DRAWS / LOOP_CALLS

    cases: dict[str, Callable[[], tuple[float, float]]] = {
        "10 variables: one `pg.draw(vars, draws=10_000)` call": lambda: one_call(ten),
        "10 variables: loop of `pg.draw(vars)` (200 calls, scaled by 50)": lambda: loop(ten),
        "9 (no Poisson): one call": lambda: one_call(nine),
        "9 (no Poisson): loop (200 calls, scaled by 50)": lambda: loop(nine),
    }
    if pm_fn is not None:
        cases["PyMC `pm.draw(vars, draws=10_000)`, 10 variables"] = lambda: timed(pm_fn)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(rounds):  # interleaved
        for name, case in cases.items():
            times[name].append(case())
    med = {
        name: (statistics.median(w for w, _ in ts), statistics.median(c for _, c in ts))
        for name, ts in times.items()
    }
    families = ", ".join(type(x.owner.op).__name__.removesuffix("RV") for x in ten)
    print("## draw\n")
    print(f"`python benchmarks/draw.py --rounds {rounds}` on {machine()}.\n")
    print(
        f"{DRAWS:,} draws of a 10-variable graph ({families}), each child drawn from its "
        f"parents' draws; medians of {rounds} interleaved rounds after warm-up. CPU time is "
        "the process's (all threads), less disturbed by other load than wall time.\n"
    )
    print("| how | wall, ms | CPU, ms |")
    print("| --- | ---: | ---: |")
    for name, (w, c) in med.items():
        print(f"| {name} | {w * 1e3:.1f} | {c * 1e3:.1f} |")
    if pm_fn is None:
        print("| PyMC `pm.draw` | not installed here | |")
    names = list(med)
    for label, one, many in (("10 variables", names[0], names[1]), ("9", names[2], names[3])):
        ratio_w, ratio_c = med[many][0] / med[one][0], med[many][1] / med[one][1]
        print(
            f"\n{label}: the loop is {ratio_w:.0f} times slower than one call in wall time, "
            f"{ratio_c:.0f} times in CPU time (target: 50)."
        )
    print(
        f"\nFirst calls (tracing and XLA compile included): {first * 1e3:.0f} ms for 10,000 "
        f"draws, {first_single * 1e3:.0f} ms for one draw."
    )


if __name__ == "__main__":
    main()
