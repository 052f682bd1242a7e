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

Loops (issue 12): an HMM forward pass over T steps (3 states, ``logsumexp``),
written with ``pt.scan`` (one ``jax.lax.scan``: the program does not grow
with T) and, for small T, unrolled into the graph by a Python loop, with the
same stages timed.

Run: ``python benchmarks/compile_overhead.py [--repeats 5] [--sizes 10,100,1000,10000]
[--scan-steps 10,100,1000,10000,100000] [--only graphs|scan] [--write]``; ``--write``
puts the tables into ``benchmarks/README.md``.
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
    "chain": _chain,
    "shared": _shared,
    "tree": _tree,
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


def _hmm(t: int, unrolled: bool) -> tuple[list[Any], Any]:
    """The forward algorithm's log-likelihood over ``t`` steps of a 3-state HMM."""
    log_b, log_a, a0 = pt.matrix("log_b", shape=(t, 3)), pt.matrix("log_a"), pt.vector("a0")

    def step(lb_t: Any, a_tm1: Any, log_a: Any) -> Any:
        return pt.logsumexp(a_tm1[:, None] + log_a, axis=0) + lb_t

    if unrolled:
        a = a0
        for i in range(t):
            a = step(log_b[i], a, log_a)
    else:
        alphas = pt.scan(
            step, sequences=log_b, outputs_info=a0, non_sequences=log_a, return_updates=False
        )
        a = alphas[-1]
    return [log_b, log_a, a0], pt.logsumexp(a)


SCAN_CAP = 300  # unrolled loops beyond this take minutes to compile: not run


def measure_scan(t: int, unrolled: bool) -> dict[str, float]:
    """One repetition of the HMM graph: seconds per stage."""
    gc.collect()
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    inputs, out = _hmm(t, unrolled)
    times["build"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    [new] = pg.rewrite_graph([out], inputs)
    times["rewrite"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    fn = lower(inputs, [new], [], "off")
    times["lower"] = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    vals = (rng.normal(size=(t, 3)), np.log(np.full((3, 3), 1 / 3)), np.log(np.ones(3) / 3))
    with jax.enable_x64(True):
        t0 = time.perf_counter()
        lowered = jax.jit(fn).lower(*vals)
        times["trace"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        compiled = lowered.compile()
        times["xla"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        jax.block_until_ready(compiled(*vals))
        times["call"] = time.perf_counter() - t0
    return times


def run_scan(steps: list[int], repeats: int) -> list[dict[str, Any]]:
    """Medians over interleaved repetitions, one row per (T, scan or unrolled)."""
    samples: dict[tuple[int, str], list[dict[str, float]]] = {}
    for _ in range(repeats):
        for t in steps:
            for how in ("scan", "unrolled"):
                if how == "unrolled" and t > SCAN_CAP:
                    continue
                samples.setdefault((t, how), []).append(measure_scan(t, how == "unrolled"))
    return [
        {
            "T": t,
            "how": how,
            "n": len(reps),
            **{s: statistics.median(r[s] for r in reps) * 1e3 for s in STAGES},
        }
        for (t, how), reps in samples.items()
    ]


def scan_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| T | loop | build | rewrite + lower | jit trace | XLA compile | **total** | "
        "first call | reps |",
        "| ---: | --- |" + " ---: |" * 7,
    ]
    for r in rows:
        total = sum(r[s] for s in ("build", "rewrite", "lower", "trace", "xla"))
        lines.append(
            f"| {r['T']:,} | {r['how']} | {r['build']:.1f} | {r['rewrite'] + r['lower']:.1f} | "
            f"{r['trace']:.1f} | {r['xla']:.0f} | **{total:.0f}** | {r['call']:.2f} | {r['n']} |"
        )
    return "\n".join(lines)


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
        row = {
            "shape": shape,
            "K": k,
            "nodes": int(reps[0]["nodes"]),
            "after": int(reps[0]["after"]),
            "ours": ours,
            "cpu": cpu,
            "n": len(reps),
            **med,
        }
        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| graph | K | nodes after rewrite | build | rewrite | lower | "
        "**ours** (rewrite + lower) | ours, CPU time | ours per node (µs) | jit trace | "
        "XLA compile | first call | reps |"
    )
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
    return (
        f"{cpu_desc} ({platform.system()} {platform.machine()}); Python "
        f"{platform.python_version()}; jax {jax.__version__}; load average at the end "
        f"{load}"
    )


def write_readme(text: str, header: str = "## compile_overhead\n") -> None:
    """Replace (or add) the ``header`` section of benchmarks/README.md."""
    path = Path(__file__).with_name("README.md")
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    start = old.find(header)
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
    ap.add_argument("--scan-steps", default="10,100,1000,10000,100000")
    ap.add_argument("--only", choices=("graphs", "scan"), default=None)
    ap.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = ap.parse_args()
    measure("chain", 10)  # warm up: imports, JAX backend start-up
    if args.only != "graphs":
        main_scan(args)
    if args.only != "scan":
        main_graphs(args)


def main_scan(args: argparse.Namespace) -> None:
    steps = [int(s) for s in args.scan_steps.split(",")]
    rows = run_scan(steps, args.repeats)
    text = (
        "## compile_overhead: loops\n\n"
        "An HMM forward pass (3 states, `logsumexp`) over T steps: with `pt.scan` (one "
        "`jax.lax.scan`, whose program does not grow with T) and unrolled into the graph "
        f"by a Python loop (run up to T = {SCAN_CAP}). Medians, milliseconds of wall "
        "time; total = build + rewrite + lower + trace + XLA compile. When the load "
        "average is above the number of CPUs, wall times include waiting for a CPU: "
        "compare the rows of one table, not runs.\n\n"
        f"Machine: {machine()}.\n\n"
        f"Reproduce: `python benchmarks/compile_overhead.py --only scan --repeats "
        f"{args.repeats} --scan-steps {args.scan_steps} --write`\n\n" + scan_table(rows) + "\n"
    )
    print(text)
    if args.write:
        write_readme(text, "## compile_overhead: loops")


def main_graphs(args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = run(sizes, args.repeats, args.big_repeats)
    text = (
        "## compile_overhead\n\n"
        "From a graph of K nodes to its first value: our part (rewrite + lower) "
        "against JAX's (trace) and XLA's (compile). Medians, milliseconds of wall "
        'time, except "ours, CPU time" (the process\'s CPU time for rewrite + lower, '
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
