"""Chains over devices: chain_method="sharded" in a subprocess with four CPU
devices (XLA_FLAGS must be set before JAX starts, and only there); and the
progress bar fed from inside a jitted loop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.sampling.progress import ProgressBar, report

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, os
flags_before = os.environ["XLA_FLAGS"]
import jax
import numpy as np
import ppgraph as pg

data = np.random.default_rng(7).normal(1.0, 1.0, size=20)
with pg.Model() as m:
    mu = pg.Normal("mu", 0.0, 2.0)
    pg.Normal("y", mu, 1.0, observed=data)
idata = pg.sample(draws=300, tune=300, chains=8, chain_method="sharded", random_seed=3,
                  model=m, compute_convergence_checks=False)
from ppgraph.sampling.blackjax_nuts import _runs
[key] = _runs  # the compiled run's settings: (..., n_devices, chain_method)
print(json.dumps({
    "devices": len(jax.devices()),
    "flags_unchanged": os.environ["XLA_FLAGS"] == flags_before,
    "x64_unchanged": not jax.config.jax_enable_x64,
    "shape": list(idata.posterior["mu"].shape),
    "mean": float(idata.posterior["mu"].mean()),
    "sd": float(idata.posterior["mu"].std()),
    "chain_means": idata.posterior["mu"].mean("draw").values.tolist(),
    "step_sizes": idata.sample_stats["step_size"].values[:, 0].tolist(),
    "mesh": [key[-2], key[-1]],
    "data": data.tolist(),
}))
"""


def test_sharded_chains_over_four_cpu_devices() -> None:
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4",
           "JAX_PLATFORMS": "cpu"}  # fmt: skip
    res = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=900)  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["devices"] == 4 and out["flags_unchanged"] and out["x64_unchanged"]
    assert out["mesh"] == [4, "sharded"]
    assert out["shape"] == [8, 300]
    data = np.asarray(out["data"])
    var = 1.0 / (1.0 / 4.0 + data.size)
    assert abs(out["mean"] - var * data.sum()) < 5 * np.sqrt(var / (8 * 300 / 2))
    assert abs(out["sd"] - np.sqrt(var)) < 0.15 * np.sqrt(var)
    assert len(set(out["step_sizes"])) == 8  # each chain adapted on its own
    assert np.ptp(out["chain_means"]) < 6 * np.sqrt(var / 150)


def test_progress_bar_is_updated_every_few_steps_from_a_jitted_loop() -> None:
    seen: list[int] = []

    def loop(bar_id: jax.Array) -> jax.Array:
        def body(c: jax.Array, i: jax.Array) -> tuple[jax.Array, None]:
            report(bar_id, i + 1, 25)
            return c + 1.0, None

        return jax.lax.scan(body, jnp.zeros(()), jnp.arange(100))[0]

    run = jax.jit(loop)
    with ProgressBar(100, "test", enabled=True) as bar:
        bar.update = seen.append  # type: ignore[method-assign]
        jax.block_until_ready(run(jnp.asarray(bar.id, jnp.int32)))
    assert seen == [25, 50, 75, 100]
    with ProgressBar(100, "off", enabled=False) as off:  # an unknown id: nothing happens
        jax.block_until_ready(run(jnp.asarray(off.id, jnp.int32)))
