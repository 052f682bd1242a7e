"""Discrete free variables (issue 14): the coal-mining switchpoint model (PyMC's
overview notebook; the 109 years with a count, the two missing years left
out), ``pg.sample`` with the switchpoint summed out (NUTS on the two rates,
the switchpoint drawn back from its exact conditional) against PyMC's
compound step (``pm.sample``: Metropolis on the switchpoint, NUTS on the
rates, PyMC's default assignment).

Run through ``python benchmarks/sampling.py --only discrete [--rounds N]
[--steps-discrete N]`` (this module holds the models; ``sampling.py`` its
``timed`` helper, the command line and the machine line). Both sides run
the same chains, tune and draws in this one process; PyMC with ``cores=1``
(its chains one after the other in this process, as ``pg.sample``'s are
vectorized in one). The figure is the bulk ESS (ArviZ) of the rates per
second, the smaller of the two rates; wall and CPU seconds of each run after
a first (compiling) run; the sides interleaved, medians over rounds.
"""

from __future__ import annotations

import statistics
import types
from collections.abc import Callable
from typing import Any

import arviz as az
import numpy as np

import ppgraph as pg
import ppgraph.tensor as pt

# fmt: off
DISASTERS = np.array([
    4, 5, 4, 0, 1, 4, 3, 4, 0, 6, 3, 3, 4, 0, 2, 6, 3, 3, 5, 4, 5, 3, 1, 4, 4, 1, 5, 5, 3,
    4, 2, 5, 2, 2, 3, 4, 2, 1, 3, -1, 2, 1, 1, 1, 1, 3, 0, 0, 1, 0, 1, 1, 0, 0, 3, 1,
    0, 3, 2, 2, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 2, 1, 0, 0, 0, 1, 1, 0, 2, 3, 3, 1,
    -1, 2, 1, 1, 1, 1, 2, 4, 2, 0, 0, 1, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1,
    0, 1,
])  # -1: missing
# fmt: on
YEARS = np.arange(1851, 1962)
KEEP = DISASTERS >= 0
RATES = ["early_rate", "late_rate"]
# wall s, CPU s, min bulk ESS of the rates, switchpoint bulk ESS
Result = tuple[float, float, float, float]


def coal_pg() -> pg.Model:
    years, y = YEARS[KEEP], DISASTERS[KEEP]
    with pg.Model() as m:
        s = pg.DiscreteUniform("switchpoint", lower=YEARS.min(), upper=YEARS.max())
        early = pg.Exponential("early_rate", 1.0)
        late = pg.Exponential("late_rate", 1.0)
        pg.Poisson("disasters", pt.switch(s >= years, early, late), observed=y)
    return m


def rate_ess(posterior: Any) -> tuple[float, float]:
    ess = az.ess(posterior, var_names=[*RATES, "switchpoint"], method="bulk")
    return min(float(ess[k]) for k in RATES), float(ess["switchpoint"])


def pymc_run(steps: int, chains: int, timed: Callable[..., Any]) -> Callable[[int], Result] | None:
    """PyMC's ``pm.sample`` (compound step), or None without PyMC."""
    try:
        import pymc as pm
    except ImportError:
        return None
    years, y = YEARS[KEEP], DISASTERS[KEEP]
    with pm.Model() as m:
        s = pm.DiscreteUniform("switchpoint", lower=YEARS.min(), upper=YEARS.max())
        early = pm.Exponential("early_rate", 1.0)
        late = pm.Exponential("late_rate", 1.0)
        pm.Poisson("disasters", pm.math.switch(s >= years, early, late), observed=y)

    def run(seed: int) -> Result:
        with m:
            (wall, cpu), idata = timed(lambda: pm.sample(
                draws=steps, tune=steps, chains=chains, cores=1, random_seed=seed,
                progressbar=False, compute_convergence_checks=False))  # fmt: skip
        return wall, cpu, *rate_ess(idata.posterior)

    return run


def bench_discrete(rounds: int, steps: int, helpers: types.ModuleType) -> None:
    """Print the Markdown table (medians). ``helpers`` is ``sampling.py``."""
    chains, model = helpers.CHAINS, coal_pg()

    def pg_run(seed: int) -> Result:
        (wall, cpu), idata = helpers.timed(lambda: pg.sample(
            draws=steps, tune=steps, chains=chains, random_seed=seed, progress_bar=False,
            model=model, compute_convergence_checks=False))  # fmt: skip
        return wall, cpu, *rate_ess(idata.posterior)

    runs: dict[str, Callable[[int], Result]] = {"`pg.sample` (switchpoint summed out)": pg_run}
    pm_run = pymc_run(steps, chains, helpers.timed)
    if pm_run is not None:
        runs["PyMC `pm.sample` (Metropolis + NUTS)"] = pm_run
    first = {k: run(0)[0] for k, run in runs.items()}  # compiles
    results: dict[str, list[Result]] = {k: [] for k in runs}
    for r in range(1, rounds + 1):
        for k, run in runs.items():
            results[k].append(run(r))

    def med(k: str, f: Callable[[Result], float]) -> float:
        return statistics.median(f(x) for x in results[k])

    print(f"\n### coal mining switchpoint, {chains} chains x ({steps} tune + {steps} draws)\n")
    print("| sampler | first run, wall | run, wall | run, CPU | min bulk ESS of the rates "
          "| ESS / wall s | ESS / CPU s | switchpoint bulk ESS |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for k in runs:
        print(f"| {k} | {first[k]:.1f} s | {med(k, lambda x: x[0]):.2f} s "
              f"| {med(k, lambda x: x[1]):.2f} s | {med(k, lambda x: x[2]):.0f} "
              f"| {med(k, lambda x: x[2] / x[0]):.0f} | {med(k, lambda x: x[2] / x[1]):.0f} "
              f"| {med(k, lambda x: x[3]):.0f} |")  # fmt: skip
    if pm_run is None:
        print("\nPyMC is not installed here, so its compound step is not timed.")
        return
    ours, theirs = results[next(iter(runs))], results[list(runs)[1]]
    for i, what in ((0, "wall"), (1, "CPU")):
        ratios = [a[2] / a[i] / (b[2] / b[i]) for a, b in zip(ours, theirs, strict=True)]
        print(f"\n- ESS of the rates per {what} second, `pg.sample` / PyMC, median of the "
              f"per-round ratios: {statistics.median(ratios):.2f} "
              f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)})")  # fmt: skip
    print(
        f"\nDraws per second of the switchpoint are not comparable: ppgraph's are exact "
        f"conditional draws; ESS of the switchpoint is shown for information. Seeds 1-{rounds}."
    )
