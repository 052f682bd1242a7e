"""Cells of accelerators.ipynb (see _make.py)."""

CELLS = [
    ("md", r"""
# ppgraph on accelerators: float32, devices, sharded chains and timing

ppgraph lowers every model to pure JAX functions, so the same notebook runs on a CPU, a GPU or a TPU: JAX picks the device, and nothing below names one. This notebook shows:

1. which devices JAX sees, and how to ask for several CPU devices when you have no accelerator;
2. **float32 mode**, what GPUs and TPUs want;
3. **device placement**: putting data on a device with `jax.device_put`, and splitting a large data set over devices;
4. **chains vectorized and sharded** over devices with `pg.sample(..., chain_method=...)`;
5. how the time of one log-density-plus-gradient evaluation grows with the size of the data, next to a hand-written JAX version.
"""),
    ("md", r"""
## Devices

On a machine with only a CPU, JAX shows one device. To try out multi-device code anyway, XLA can split the host into several CPU devices. The flag must be set **before JAX is first imported**, and it is only a demo aid for CPUs: it does not make anything faster, and on a GPU or TPU machine JAX uses the accelerators and the flag has no effect on them.
"""),
    ("code", r"""
import os

if "xla_force_host_platform_device_count" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=4"
    ).strip()

import time

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from jax.scipy import stats as jstats
from jax.sharding import Mesh, NamedSharding, PartitionSpec

import ppgraph as pg

print("backend:", jax.default_backend())
print("devices:", jax.devices())
"""),
    ("md", r"""
## float32 mode

ppgraph defaults to float64, as PyMC does: it is the safe choice for statistics. GPUs run float32 many times faster than float64, and TPUs have no float64 at all. Setting `pg.config.floatX = "float32"` makes new variables, Python constants and `pg.Data` floats 32-bit, and every compiled function computes in float32 end to end. (`with pg.config.change_flags(floatX="float32"):` does the same for one block.) Either way, ppgraph never changes JAX's global settings.
"""),
    ("code", r"""
pg.config.floatX = "float32"


def simulate(n, seed=0):
    # n rows of y = 1 + 2 x + noise
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n).astype("float32")
    y = (1.0 + 2.0 * x + 0.5 * rng.normal(size=n)).astype("float32")
    return x, y


def regression_model(n):
    x, y = simulate(n)
    with pg.Model() as model:
        x_data = pg.Data("x", x)
        a = pg.Normal("a", 0.0, 5.0)
        b = pg.Normal("b", 0.0, 5.0)
        s = pg.HalfNormal("s", 1.0)
        pg.Normal("y", mu=a + b * x_data, sigma=s, observed=y)
    return model


model = regression_model(1_000)
point = model.initial_point()
print("initial point:", point)
print("logp:", repr(model.compile_logp()(point)))
"""),
    ("md", r"""
`pg.logdensity(model)` gives what JAX samplers and optimizers take: a pure function of a position (a dict of unconstrained values) and the initial position. `fn.x64` is False: this function computes in 32-bit, so it needs no `jax.enable_x64`.
"""),
    ("code", r"""
logp_fn, position = pg.logdensity(model)
print("x64:", logp_fn.x64)
print("data dtypes:", [d.dtype for d in logp_fn.data])
jax.jit(logp_fn)(position)
"""),
    ("md", r"""
## Device placement

JAX runs a computation where its inputs live. `jax.device_put` moves arrays (or a whole pytree) to a device. The observed data and `pg.Data` containers are *arguments* of the compiled log-density (`logp_fn.apply(position, data)`), not constants baked into it, so you decide where they live, and new data of the same shape needs no recompilation.
"""),
    ("code", r"""
device = jax.devices()[-1]
data_on_device = jax.device_put(logp_fn.data, device)
position_on_device = jax.device_put(position, device)

value = jax.jit(logp_fn.apply)(position_on_device, data_on_device)
print(value, value.dtype, "computed on", value.devices())
"""),
    ("md", r"""
A data set too big for one device can be split along its rows. A `Mesh` names the devices along an axis, and `NamedSharding(mesh, PartitionSpec("rows"))` puts one slice of the rows on each. The jitted log-density is unchanged: XLA computes each device's part of the sum and adds them up.
"""),
    ("code", r"""
n_dev = len(jax.devices())
big = regression_model(100_000 * n_dev)
big_fn, big_position = pg.logdensity(big)

mesh = Mesh(np.array(jax.devices()), ("rows",))
rows = NamedSharding(mesh, PartitionSpec("rows"))
sharded_data = jax.device_put(big_fn.data, rows)
print("the data are split over:", sorted(sharded_data[0].sharding.device_set, key=lambda d: d.id))

logp_and_grad = jax.jit(jax.value_and_grad(big_fn.apply))
value_sharded, grad_sharded = logp_and_grad(big_position, sharded_data)
value_single, grad_single = logp_and_grad(big_position, jax.device_put(big_fn.data, jax.devices()[0]))
print(f"logp: sharded {float(value_sharded):.2f}, one device {float(value_single):.2f}")
"""),
    ("md", r"""
The two sums agree up to float32 rounding (the rows are added in a different order).

## Chains: vectorized or sharded

`pg.sample` runs its chains in one of two ways:

- `chain_method="vectorized"` (the default): the chains are batched with `jax.vmap` on one device. On a GPU this is usually the fastest way to run many chains.
- `chain_method="sharded"` (BlackJAX): the chains are spread over `jax.devices()`, one slice of chains per device. Use it with several GPUs or a TPU slice.

The draws come back the same way in both cases, as ArviZ `InferenceData`, in float32.
"""),
    ("code", r"""
timings = {}
results = {}
for method in ["vectorized", "sharded"]:
    start = time.perf_counter()
    with model:
        results[method] = pg.sample(draws=500, tune=500, chains=4, chain_method=method,
                                    random_seed=0, progress_bar=False)
    timings[method] = time.perf_counter() - start

pd.DataFrame({
    method: {
        "seconds (with compilation)": round(timings[method], 1),
        "mean of b": round(float(idata.posterior["b"].mean()), 3),
        "sd of b": round(float(idata.posterior["b"].std()), 3),
        "dtype": str(idata.posterior["b"].dtype),
    }
    for method, idata in results.items()
})
"""),
    ("md", r"""
On this CPU demo the times mostly measure compilation and whatever else the machine is doing: the four "devices" share the same cores, so sharding cannot make it faster here. The posteriors agree with each other, and the mean of `b` with the true slope, 2.

## Log-density and gradient: time against data size

A sampler calls the log-density and its gradient at every leapfrog step, so this is the number that matters. We time `jax.jit(jax.value_and_grad(...))` of the ppgraph log-density for data sizes from a hundred to a million rows, next to the same log-density written by hand in JAX. Each time is the best of several calls after a first, compiling call.
"""),
    ("code", r"""
def hand_written(position, x, y):
    # The same model written directly in JAX (s has a log transform: add its Jacobian, s_log__).
    a, b, s_log = position["a"], position["b"], position["s_log__"]
    s = jnp.exp(s_log)
    return (jstats.norm.logpdf(a, 0.0, 5.0) + jstats.norm.logpdf(b, 0.0, 5.0)
            + jnp.log(2.0) + jstats.norm.logpdf(s, 0.0, 1.0) + s_log
            + jstats.norm.logpdf(y, a + b * x, s).sum())


def best_time(fn, *args, repeats=20):
    jax.block_until_ready(fn(*args))  # compile
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        times.append(time.perf_counter() - start)
    return min(times)


rows = []
for n in [100, 1_000, 10_000, 100_000, 1_000_000]:
    fn, _ = pg.logdensity(regression_model(n))
    data = jax.device_put(fn.data)  # the model's data, in the order fn.apply takes them
    x, y = jax.device_put(simulate(n))  # the same arrays, for the hand-written version
    ours = jax.jit(jax.value_and_grad(fn.apply))
    theirs = jax.jit(jax.value_and_grad(hand_written))
    pos = {"a": np.float32(0.5), "b": np.float32(1.5), "s_log__": np.float32(-0.3)}
    v_ours, v_theirs = ours(pos, data)[0], theirs(pos, x, y)[0]
    rows.append({
        "rows": n,
        "ppgraph (µs)": round(best_time(ours, pos, data) * 1e6),
        "hand-written JAX (µs)": round(best_time(theirs, pos, x, y) * 1e6),
        "logp, relative difference": f"{abs(float(v_ours - v_theirs) / float(v_theirs)):.1e}",
    })

table = pd.DataFrame(rows).set_index("rows")
table
"""),
    ("code", r"""
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.loglog(table.index, table["ppgraph (µs)"], "o-", label="ppgraph")
ax.loglog(table.index, table["hand-written JAX (µs)"], "s--", label="hand-written JAX")
ax.set(xlabel="rows of data", ylabel="µs per logp + gradient",
       title=f"value_and_grad of the log-density on {jax.default_backend().upper()}")
ax.legend();
"""),
    ("md", r"""
For small data both take JAX's fixed cost of calling a compiled function, some tens of microseconds; from about ten thousand rows on, the time grows in proportion to the data, and both give the same log-density up to float32 rounding.

At the large sizes ppgraph takes longer than the hand-written version (two to three times as long on a CPU in our runs), because it does more per row: it also tests every observed value for being finite and the mean for NaN, so that a bad value gives exactly `-inf` (what a sampler can reject) instead of a NaN or a finite number; the hand-written version has no such guard. The times are from the machine that last ran this notebook, with whatever else it was running; on a GPU the large sizes are much faster, and the small ones are not (each call has a launch cost).

## Where to go next

- **`sampling.ipynb`**: full Bayesian workflows (eight schools, a hierarchical regression) with BlackJAX, NumPyro and ArviZ.
- **`ppgraph_and_jax.ipynb`**: how a model becomes a graph and a log-density, and how to take the pure JAX function out for your own `jit`, `vmap` and `grad`.
- JAX's documentation on [distributed arrays and automatic parallelization](https://docs.jax.dev/en/latest/notebooks/Distributed_arrays_and_automatic_parallelization.html) explains meshes and shardings further; the same arrays work with ppgraph's log-densities, and `jax.distributed.initialize` extends them to several hosts.
"""),
]
