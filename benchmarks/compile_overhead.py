"""Compile overhead: where the time goes from a graph to its first value.

For graphs of K = 10, 100, 1,000 and 10,000 Apply nodes over a vector input,
in three shapes (``chain``: a deep chain of elementwise ops with constants and
patterns the rewrites simplify; ``shared``: a chain where each step computes a
subexpression twice, which merging makes one; ``tree``: a balanced sum of
distinct leaves, wide and shallow), times separately:

- build:   constructing the graph with ``ppgraph.tensor``;
- rewrite: ``ppgraph.rewrite_graph`` (the compile-time pipeline);
- lower:   ``ppgraph.backend.jax.linker.lower`` (graph -> pure JAX function);
- trace:   ``jax.jit(fn).lower(x)`` (JAX tracing to StableHLO);
- XLA:     ``.compile()`` of that;
- call:    the first call of the compiled function.

"ours" is rewrite + lower; "ours/K" shows it grows linearly. Every repetition
builds everything anew (no cache is hit); the (shape, K) cases are
interleaved and medians reported.

Run: ``python benchmarks/compile_overhead.py [--repeats 5] [--sizes 10,100,1000,10000]
[--write]``; ``--write`` puts the table into ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jax
import numpy as np

import ppgraph as pg
import ppgraph.tensor as pt
from ppgraph.backend.jax.linker import lower
from ppgraph.graph.traversal import toposort

STAGES = ("build", "rewrite", "lower", "trace", "xla", "call")
BIG = 10_000  # sizes from here on get at most --big-repeats repetitions (XLA takes seconds)


def _chain(k: int) -> tuple[Any, Any]:
    """A chain of k nodes; a step that would overshoot k is a one-node tanh."""
    x = pt.vector("x")
    steps: list[tuple[int, Callable[[Any], Any]]] = [
        (1, pt.tanh),
        (1, lambda v: v * x),
        (4, lambda v: pt.log(1.0 + pt.exp(v))),  # -> softplus(v)
        (2, lambda v: v * 0.5),  # DimShuffle{x}(0.5) is folded
        (3, lambda v: pt.exp(v) - 1.0),  # -> expm1(v)
        (2, lambda v: pt.sin(v) + x),
    ]
    v, n, i = x, 0, 0
    while n < k:
        size, step = steps[i % len(steps)]
        if n + size > k:
            size, step = 1, pt.tanh
        v, n, i = step(v), n + size, i + 1
    return x, v


def _shared(k: int) -> tuple[Any, Any]:
    """Each step builds sin(v * x) twice (6 nodes, 4 after merging)."""
    x = pt.vector("x")
    v, n = x, 0
    while n < k:
        if n + 6 > k:
            v, n = pt.tanh(v), n + 1
            continue
        v, n = pt.tanh(pt.sin(v * x) + pt.sin(v * x)), n + 6
    return x, v


def _tree(k: int) -> tuple[Any, Any]:
    """A balanced sum of sin(x + i) leaves (3 nodes each); tanh on top to reach k."""
    x = pt.vector("x")
    leaves = [pt.sin(x + float(i)) for i in range(max(1, (k + 1) // 4))]
    n = 4 * len(leaves) - 1
    while len(leaves) > 1:
        pairs = [a + b for a, b in zip(leaves[::2], leaves[1::2], strict=False)]
        leaves = pairs + ([leaves[-1]] if len(leaves) % 2 else [])
    v = leaves[0]
    for _ in range(k - n):
        v = pt.tanh(v)
    return x, v


SHAPES: dict[str, Callable[[int], tuple[Any, Any]]] = {
    "chain": _chain, "shared": _shared, "tree": _tree
}


def measure(shape: str, k: int) -> dict[str, float]:
    """One repetition: seconds per stage, plus node counts before and after."""
    gc.collect()
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    x, out = SHAPES[shape](k)
    t["build"] = time.perf_counter() - t0
    t["nodes"] = len(toposort([out]))
    t0, c0 = time.perf_counter(), time.process_time()
    [new] = pg.rewrite_graph([out], [x])
    t["rewrite"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    fn = lower([x], [new], [], "off")
    t["lower"] = time.perf_counter() - t0
    t["ours_cpu"] = time.process_time() - c0
    t["after"] = len(toposort([new]))
    xv = np.linspace(-1.0, 1.0, 16)
    with jax.enable_x64(True):
        t0 = time.perf_counter()
        lowered = jax.jit(fn).lower(xv)
        t["trace"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        compiled = lowered.compile()
        t["xla"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        jax.block_until_ready(compiled(xv))
        t["call"] = time.perf_counter() - t0
    return t


def run(sizes: list[int], repeats: int, big_repeats: int) -> list[dict[str, Any]]:
    """Medians over interleaved repetitions, one row per (shape, K)."""
    samples: dict[tuple[str, int], list[dict[str, float]]] = {}
    for rep in range(repeats):
        for shape in SHAPES:
            for k in sizes:
                if k >= BIG and rep >= big_repeats:
                    continue
                samples.setdefault((shape, k), []).append(measure(shape, k))
    rows = []
    for (shape, k), reps in samples.items():
        med = {s: statistics.median(r[s] for r in reps) * 1e3 for s in STAGES}
        ours = statistics.median((r["rewrite"] + r["lower"]) * 1e3 for r in reps)
        cpu = statistics.median(r["ours_cpu"] * 1e3 for r in reps)
        row = {"shape": shape, "K": k, "nodes": int(reps[0]["nodes"]),
               "after": int(reps[0]["after"]), "ours": ours, "cpu": cpu, "n": len(reps), **med}
        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    head = ("| graph | K | nodes after rewrite | build | rewrite | lower | "
            "**ours** (rewrite + lower) | ours, CPU time | ours per node (µs) | jit trace | "
            "XLA compile | first call | reps |")
    lines = [head, "| --- |" + " ---: |" * 12]
    for r in rows:
        lines.append(
            f"| {r['shape']} | {r['K']:,} | {r['after']:,} | {r['build']:.1f} | "
            f"{r['rewrite']:.1f} | {r['lower']:.1f} | **{r['ours']:.1f}** | {r['cpu']:.1f} | "
            f"{r['ours'] / r['nodes'] * 1e3:.0f} | {r['trace']:.1f} | {r['xla']:.0f} | "
            f"{r['call']:.2f} | {r['n']} |"
        )
    return "\n".join(lines)


def machine() -> str:
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        info = dict(line.split(":", 1) for line in cpu.splitlines() if ":" in line)
        cpu_desc = f"{info['Model name'].strip()}, {info['CPU(s)'].strip()} CPUs"
    except (OSError, subprocess.CalledProcessError, KeyError):
        cpu_desc = platform.processor() or platform.machine()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (f"{cpu_desc} ({platform.system()} {platform.machine()}); Python "
            f"{platform.python_version()}; jax {jax.__version__}; load average at the end "
            f"{load}")


def write_readme(text: str) -> None:
    """Replace (or add) the ``## compile_overhead`` section of benchmarks/README.md."""
    path = Path(__file__).with_name("README.md")
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    start = old.find("## compile_overhead")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + 1)
        new = old[:start] + text + ("" if end < 0 else old[end:])
    path.write_text(new.rstrip("\n") + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10,100,1000,10000")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--big-repeats", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    measure("chain", 10)  # warm up: imports, JAX backend start-up
    rows = run(sizes, args.repeats, args.big_repeats)
    text = (
        "## compile_overhead\n\n"
        "From a graph of K nodes to its first value: our part (rewrite + lower) "
        "against JAX's (trace) and XLA's (compile). Medians, milliseconds of wall "
        "time, except \"ours, CPU time\" (the process's CPU time for rewrite + lower, "
        "which other load on the machine disturbs less: when the load average is above "
        "the number of CPUs, wall times include waiting for a CPU). Target: ours under "
        "100 ms at K = 1,000, and linear in K.\n\n"
        f"Machine: {machine()}.\n\n"
        f"Reproduce: `python benchmarks/compile_overhead.py --repeats {args.repeats} "
        f"--sizes {args.sizes} --write`\n\n" + table(rows) + "\n"
    )
    print(text)
    if args.write:
        write_readme(text)


if __name__ == "__main__":
    main()
