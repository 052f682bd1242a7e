"""Time to first draw with the persistent cache (issue 15): ``pg.sample`` of the
eight schools in a fresh process, then the same in a second fresh process that
shares the first one's cache folder (``PPGRAPH_CACHE_DIR``), with the progress
bar off and on. Each pair gets a new, empty folder; pairs are interleaved and
the medians of the per-pair ratios reported. Target: the second run's time is
a third or less of the first's.

Each child times ``pg.sample`` alone (``import ppgraph``, ``import arviz`` and
building the model are before the clock starts and reported apart: ArviZ's
import, which ``pg.sample`` needs, is a per-process cost no cache touches).

Run: ``python benchmarks/sampling.py --only first-draw --rounds N``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import json, sys, time
T = time.process_time
w, c = time.perf_counter(), T()
import ppgraph as pg
imp = T() - c
c = T()
import arviz
imp_az = T() - c
sys.path.insert(0, sys.argv[2])
from sampling import schools_pg
m = schools_pg()
w, c = time.perf_counter(), T()
idata = pg.sample(draws=200, tune=200, chains=4, random_seed=1, model=m,
                  progressbar=sys.argv[1] == "on", compute_convergence_checks=False)
print(json.dumps({"wall": time.perf_counter() - w, "cpu": T() - c, "import": imp,
                  "import_arviz": imp_az, "mu": float(idata.posterior["mu"].mean())}))
"""


def _child(bar: str, folder: str) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAX_COMPILATION")}
    env["PPGRAPH_CACHE_DIR"] = folder
    res = subprocess.run([sys.executable, "-c", CHILD, bar, str(HERE)], env=env,
                         capture_output=True, text=True, timeout=1800)  # fmt: skip
    if res.returncode:
        raise RuntimeError(res.stderr[-3000:])
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def bench_first_draw(rounds: int) -> None:
    """Print the Markdown table of first and second runs, bar off and on."""
    rows: dict[str, list[tuple[dict[str, float], dict[str, float]]]] = {"off": [], "on": []}
    for _ in range(rounds):
        for bar in ("off", "on"):
            with tempfile.TemporaryDirectory() as folder:
                first, second = _child(bar, folder), _child(bar, folder)
                assert first["mu"] == second["mu"], "the loaded programs drew differently"
                rows[bar].append((first, second))
    print("\n### time to first draw: a second process with the cache\n")
    print("eight schools, `pg.sample(draws=200, tune=200, chains=4)`; seconds, medians of "
          f"{rounds} interleaved pairs of fresh processes.\n")  # fmt: skip
    print("| progress bar | first run, CPU | second run, CPU | ratio (CPU) | first, wall "
          "| second, wall | ratio (wall) | `import arviz`, CPU | ratio with it (CPU) "
          "| target |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for bar, pairs in rows.items():
        first = {k: statistics.median(a[k] for a, _ in pairs) for k in ("cpu", "wall")}
        second = {k: statistics.median(b[k] for _, b in pairs) for k in ("cpu", "wall")}
        cpu = statistics.median(b["cpu"] / a["cpu"] for a, b in pairs)
        wall = statistics.median(b["wall"] / a["wall"] for a, b in pairs)
        az = statistics.median(b["import_arviz"] for _, b in pairs)
        with_az = statistics.median(
            (b["cpu"] + b["import_arviz"]) / (a["cpu"] + a["import_arviz"]) for a, b in pairs
        )
        verdict = "met" if cpu <= 1 / 3 else "missed"
        print(f"| {bar} | {first['cpu']:.2f} | {second['cpu']:.2f} | {cpu:.2f} "
              f"| {first['wall']:.2f} | {second['wall']:.2f} | {wall:.2f} | {az:.2f} "
              f"| {with_az:.2f} | {verdict} |")  # fmt: skip
