"""ppgraph's main job in one page: a graph, a model, its log-density as JAX, a posterior.

Run (the samplers extra brings BlackJAX, NumPyro and ArviZ):

    pip install -e ".[samplers]" && python examples/model_to_posterior.py

The seed tutorial's graph half on its own is ``examples/seed_tutorial.py``.
"""

import time

import arviz as az
import jax
import numpy as np

import ppgraph as pg
import ppgraph.tensor as pt

START = time.perf_counter()


def section(title: str) -> None:
    print(f"\n=== {title} " + "=" * max(0, 66 - len(title)))


section("1. A graph, as in the seed tutorial")
x, y = pt.scalar("x"), pt.vector("y")
w = pt.log(pt.exp(x + y))
f = pg.function([x, y], w)
print("log(exp(x + y)) compiles to:")
pg.dprint(f)
print("f(x=0, y=[1, e]) =", f(x=0, y=[1, np.e]))

section("2. A model: the seed's model_2 with 50 observations of x")
rng = np.random.default_rng(0)
data = rng.normal(loc=1.5, scale=0.7, size=50)
with pg.Model() as model:
    mu = pg.Normal("mu", mu=0, sigma=2)
    sigma = pg.HalfNormal("sigma", sigma=3)
    pg.Normal("x", mu=mu, sigma=sigma, observed=data)
print("value variables:", [v.name for v in model.value_vars])

section("3. Its log-density, gradient and Hessian")
point = {"mu": 0.0, "sigma_log__": 0.0}
print("logp  :", model.compile_logp()(point))
print("dlogp :", model.compile_dlogp()(point))
print("d2logp:\n", model.compile_d2logp()(point))

section("4. The same log-density as a pure JAX function")
logdensity_fn, position = pg.logdensity(model)
value, grad = jax.jit(jax.value_and_grad(logdensity_fn))(position)
print("position:", {k: float(v) for k, v in position.items()})
print(f"jax.value_and_grad -> {float(value):.4f}, "
      f"{ {k: round(float(v), 4) for k, v in grad.items()} }")  # fmt: skip

section("5. A posterior: pg.sample (BlackJAX NUTS), ArviZ summary")
with model:
    idata = pg.sample(draws=500, tune=500, chains=2, random_seed=1, progress_bar=False)
print(az.summary(idata, kind="stats"))
print(f"(the data for comparison: sample mean {data.mean():.3f}, "
      f"sd {data.std(ddof=1):.3f})")  # fmt: skip

section("Where to go next")
print("""- docs/getting_started.md: this page, explained step by step
- docs/howto/from_pymc.md: moving a PyMC model over (import ppgraph as pm)
- docs/howto/samplers.md: pg.logdensity into BlackJAX, NumPyro and optax
- notebooks/sampling.ipynb: eight schools and a hierarchical regression, with plots""")
print(f"\n(ran in {time.perf_counter() - START:.1f} s)")
