"""Chains over devices: chain_method="sharded" in a subprocess with four CPU
devices (XLA_FLAGS must be set before JAX starts, and only there; importing
ppgraph changes no JAX setting); the progress bar fed from inside a jitted loop;
and what the jitted BlackJAX run keeps in memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import arviz as az
import jax
import numpy as np
import pytest

import ppgraph as pg
from ppgraph.sampling.progress import ProgressBar

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, os
flags_before = os.environ["XLA_FLAGS"]
import jax
config_before = dict(jax.config.values)
import numpy as np
import ppgraph as pg
config_after_import = dict(jax.config.values)

def no_pmap(*args, **kwargs):
    raise AssertionError("jax.pmap was called")

meshes = []
shard_map = jax.shard_map

def spy(f, *, mesh, **kwargs):
    meshes.append([int(mesh.devices.size), str(mesh.axis_types)])
    return shard_map(f, mesh=mesh, **kwargs)

jax.pmap, jax.shard_map = no_pmap, spy

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
    "config_changed_by_import": sorted(
        k for k in config_before if config_after_import.get(k) != config_before[k]),
    "config_changed_by_sample": sorted(
        k for k in config_before if jax.config.values.get(k) != config_before[k]),
    "shape": list(idata.posterior["mu"].shape),
    "mean": float(idata.posterior["mu"].mean()),
    "sd": float(idata.posterior["mu"].std()),
    "chain_means": idata.posterior["mu"].mean("draw").values.tolist(),
    "step_sizes": idata.sample_stats["step_size"].values[:, 0].tolist(),
    "mesh": [key[-2], key[-1]],
    "shard_map_meshes": meshes,
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
    assert out["config_changed_by_import"] == [] and out["config_changed_by_sample"] == []
    assert out["mesh"] == [4, "sharded"]
    assert out["shard_map_meshes"] == [[4, "(Explicit,)"]] * 2  # warm-up, draws
    assert out["shape"] == [8, 300]
    data = np.asarray(out["data"])
    var = 1.0 / (1.0 / 4.0 + data.size)
    assert abs(out["mean"] - var * data.sum()) < 5 * np.sqrt(var / (8 * 300 / 2))
    assert abs(out["sd"] - np.sqrt(var)) < 0.15 * np.sqrt(var)
    assert len(set(out["step_sizes"])) == 8  # each chain adapted on its own
    assert np.ptp(out["chain_means"]) < 6 * np.sqrt(var / 150)


def test_pg_sample_reports_progress_a_bounded_number_of_times() -> None:
    """A regression on a ``pg.Data`` predictor (conjugate: the exact posterior is
    known), sampled with the progress bar on: the bar moves between jitted blocks
    of at most (tune + draws) / 20 steps, not every step; the predictor is
    ``constant_data``."""
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=30), rng.normal(size=30)
    y = 0.7 * x + y
    with pg.Model() as m:
        xd = pg.Data("x", x)
        b = pg.Normal("b", 0.0, 1.0)
        pg.Normal("y", b * xd, 1.0, observed=y)
    seen: list[int] = []
    tune, draws = 200, 400
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ProgressBar, "update", lambda self, n: seen.append(n))
        idata = pg.sample(draws=draws, tune=tune, chains=2, random_seed=2, model=m,
                          progress_bar=True)  # fmt: skip
    every = (tune + draws) // 20
    assert seen[0] == tune and seen[-1] == tune + draws and seen == sorted(seen)
    assert len(seen) <= (tune + draws) // every + 2
    assert np.diff(seen).max() <= every
    np.testing.assert_array_equal(idata.constant_data["x"], x)
    np.testing.assert_array_equal(idata.observed_data["y"], y)
    var = 1.0 / (1.0 + x @ x)
    post = idata.posterior["b"].values
    mcse = float(az.mcse(idata.posterior, var_names=["b"])["b"])
    assert abs(post.mean() - var * (x @ y)) < 5 * mcse
    assert post.std() == pytest.approx(np.sqrt(var), rel=0.15)


def _scans(jaxpr: Any, found: list[tuple[int, list[tuple[int, ...]]]]) -> list[Any]:
    """(length, shapes of the stacked outputs) of every ``scan`` in ``jaxpr``."""
    for eqn in jaxpr.eqns:
        if eqn.primitive.name == "scan":
            ys = eqn.outvars[eqn.params["num_carry"] :]
            found.append((eqn.params["length"], [tuple(v.aval.shape) for v in ys]))
        for param in eqn.params.values():
            for sub in param if isinstance(param, list | tuple) else [param]:
                inner = getattr(sub, "jaxpr", None)
                if inner is not None:
                    _scans(getattr(inner, "jaxpr", inner), found)
    return found


def test_warm_up_keeps_no_trace_and_sampling_keeps_one_row_per_draw() -> None:
    from ppgraph.sampling.blackjax_nuts import _block_fn, _warm_fn

    with pg.Model() as m:
        pg.Normal("x", 0.0, 1.0, shape=50)
    fn, position = pg.logdensity(m)
    tune, draws, chains = 137, 11, 3
    keys = jax.random.key_data(jax.random.split(jax.random.key(0), chains))
    start = {k: np.stack([v] * chains) for k, v in position.items()}
    warm = jax.make_jaxpr(_warm_fn(fn, tune, 0.8))(keys, start, fn.data)
    assert dict(_scans(warm.jaxpr, [])) == {tune: []}  # BlackJAX's default stacks ~30 arrays
    state = jax.eval_shape(_warm_fn(fn, tune, 0.8), keys, start, fn.data)
    block = jax.make_jaxpr(_block_fn(fn, draws))(keys, *state, fn.data, np.int32(0))
    loops = dict(_scans(block.jaxpr, []))
    assert set(loops) == {draws}
    assert (draws, chains, 50) in loops[draws]
    assert all(s[:2] == (draws, chains) for s in loops[draws])


DATA_SCRIPT = r"""
import json
import jax, numpy as np
import ppgraph as pg
from jax.sharding import AxisType, NamedSharding, PartitionSpec as P

mesh = jax.make_mesh((4,), ("data",), axis_types=(AxisType.Auto,))
rng = np.random.default_rng(0)
x = rng.normal(size=40)
y = 0.5 + 2.0 * x + rng.normal(size=40)
with pg.Model() as m:
    xd = pg.Data("x", x)
    a, b = pg.Normal("a", 0.0, 1.0), pg.Normal("b", 0.0, 1.0)
    s = pg.HalfNormal("s", 1.0)
    pg.Normal("y", a + b * xd, s, observed=y)
plain, _ = pg.logdensity(m)
sharded, _ = pg.logdensity(m, data_sharding=NamedSharding(mesh, P("data")))
out = {"specs": [str(d.sharding.spec) for d in sharded.data],
       "devices": [len(d.sharding.device_set) for d in sharded.data]}
with jax.enable_x64(True):
    batch = {"a": np.linspace(-1, 1, 6), "b": np.linspace(1, 3, 6),
             "s_log__": np.linspace(-1, 0.5, 6)}
    one = {k: v[0] for k, v in batch.items()}
    for name, f in (("plain", plain), ("sharded", sharded)):
        vg = jax.jit(jax.value_and_grad(f.apply))
        v, g = jax.block_until_ready(vg(one, f.data))
        out[name] = [float(v)] + [float(g[k]) for k in sorted(g)]
        out[name + "_vmap"] = np.asarray(jax.block_until_ready(
            jax.jit(jax.vmap(f.apply, (0, None)))(batch, f.data))).tolist()
    hlo = jax.jit(sharded.apply).lower(one, sharded.data).compile().as_text()
    out["all_reduce"] = "all-reduce" in hlo
    pg.set_data({"x": x[::-1].copy()}, model=m)  # new data: placed again
    out["new_specs"] = [str(d.sharding.spec) for d in sharded.data]
    out["new"] = [float(jax.block_until_ready(jax.jit(f.apply)(one, f.data)))
                  for f in (plain, sharded)]
print(json.dumps(out))
"""


@pytest.mark.slow
def test_data_sharded_over_four_cpu_devices_gives_the_unsharded_values() -> None:
    """``pg.logdensity(m, data_sharding=NamedSharding(mesh, P("data")))``: the
    observed data and the ``pg.Data`` predictor are split along their rows over
    four devices, the compiled log-density adds the devices' partial sums (an
    all-reduce), and values, gradients and the values under ``vmap`` are the
    unsharded ones (to the order of the additions), also after ``pg.set_data``."""
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4",
           "JAX_PLATFORMS": "cpu"}  # fmt: skip
    res = subprocess.run([sys.executable, "-c", DATA_SCRIPT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=900)  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["specs"] == ["P('data',)"] * 2 and out["devices"] == [4, 4]
    assert out["all_reduce"]
    np.testing.assert_allclose(out["sharded"], out["plain"], rtol=1e-12)
    np.testing.assert_allclose(out["sharded_vmap"], out["plain_vmap"], rtol=1e-12)
    assert out["new_specs"] == out["specs"]
    np.testing.assert_allclose(out["new"][1], out["new"][0], rtol=1e-12)
    assert out["new"][0] != out["sharded"][0]  # the new data were used


def test_data_sharding_must_be_a_named_sharding_of_the_rows() -> None:
    from jax.sharding import NamedSharding
    from jax.sharding import PartitionSpec as P

    with pg.Model() as m:
        pg.Normal("y", 0.0, 1.0, observed=np.zeros(4))
        pg.Normal("mu", 0.0, 1.0)
    with pytest.raises(TypeError, match=r"data_sharding must be a jax\.sharding\.NamedSharding"):
        pg.logdensity(m, data_sharding="rows")
    mesh = jax.make_mesh((1, 1), ("a", "b"))
    with pytest.raises(ValueError, match="row axis only"):
        pg.logdensity(m, data_sharding=NamedSharding(mesh, P("a", "b")))
    fn, _ = pg.logdensity(m, data_sharding=NamedSharding(mesh, P("a")))  # one device: fine
    with jax.enable_x64(True):
        np.testing.assert_allclose(float(fn({"mu": 0.0})), 5 * -0.9189385332046727, rtol=1e-12)
