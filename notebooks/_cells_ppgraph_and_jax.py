"""Cells of ppgraph_and_jax.ipynb (see _make.py)."""

CELLS = [
    ("md", r"""
# ppgraph and JAX: graphs, random variables and log-densities

This notebook walks through the ideas behind ppgraph, one small step at a time:

1. **Symbolic graphs**: build an expression from tensors, print it, compile it, evaluate it.
2. **Rewrites**: how ppgraph simplifies a graph before it runs.
3. **Inside a graph**: variables, the node that made them (`owner`), its op and its inputs; how to swap part of a graph for another.
4. **Random variables**: why `eval()` gives the same number every time and how `pg.draw` gives fresh draws.
5. **Models and log-densities**: `pg.logp`, a model's joint log-density, value variables and the log transform of a positive variable.
6. **What JAX adds**: the jaxpr of a compiled log-density, and the pure function behind every compiled object under `jax.jit`, `jax.vmap` and `jax.grad`; what a failing parameter check does.

Parts 1 to 5 follow the PyMC tutorial *PyMC and Aesara* (Ricardo Vieira and Juan Orduz) step by step, with ppgraph names: where that tutorial computed a number (rather than drawing a random one), ppgraph prints the same number. Part 6 is what a JAX backend lets us show on top.
"""),
    ("code", r"""
import jax
import matplotlib.pyplot as plt
import numpy as np
import scipy.stats

import ppgraph as pg
import ppgraph.tensor as pt

print(f"ppgraph {pg.__version__}, JAX {jax.__version__}, devices: {jax.devices()}")
"""),
    ("md", r"""
## 1. Symbolic graphs

A ppgraph tensor is a symbol: it has a type (a dtype and a static shape, where `None` means "any length") and an optional name, but no value.
"""),
    ("code", r"""
x = pt.scalar(name="x")
y = pt.vector(name="y")

print(f"x type: {x.type}\nx name = {x.name}\n---\ny type: {y.type}\ny name = {y.name}")
"""),
    ("md", r"""
Operators and functions on tensors build new tensors. Nothing is computed yet: we are writing down the recipe.
"""),
    ("code", r"""
z = x + y
z.name = "x + y"
w = pt.log(z)
w.name = "log(x + y)"

pg.dprint(w)
"""),
    ("md", r"""
`pg.dprint` shows the graph as a tree, with one `[id ...]` label per node, so a node used twice is easy to spot. The scalar `x` goes through a `DimShuffle{x}` that gives it a length-1 axis before it is broadcast against the vector `y`.

`pg.function` compiles the graph into a callable. Call it positionally or by input name:
"""),
    ("code", r"""
f = pg.function(inputs=[x, y], outputs=w)
f(x=0, y=[1, np.e])
"""),
    ("md", r"""
For a quick look, `eval` takes a dict of values and compiles behind the scenes (and caches the result):
"""),
    ("code", r"""
w.eval({x: 0, y: [1, np.e]})
"""),
    ("md", r"""
The dict may also give a value for an intermediate variable: the graph is cut there, and `x` and `y` are no longer needed.
"""),
    ("code", r"""
w.eval({z: [1, np.e]})
"""),
    ("md", r"""
## 2. Rewrites: ppgraph simplifies before it runs

Take `b * (a / b)`. Algebraically it is `a`.
"""),
    ("code", r"""
a = pt.scalar(name="a")
b = pt.scalar(name="b")
c = a / b
c.name = "a / b"
pg.dprint(c)
"""),
    ("code", r"""
d = b * c
d.name = "b * c"
pg.dprint(d)
"""),
    ("md", r"""
The graph we wrote keeps both operations. Compiling it runs ppgraph's rewrites first; printing the compiled function shows the graph that actually runs: nothing but `a`.
"""),
    ("code", r"""
g = pg.function(inputs=[a, b], outputs=d)
pg.dprint(g)
print("g(3.0, 2.0) =", g(3.0, 2.0))
"""),
    ("md", r"""
## 3. Inside a graph

Every variable made by an operation knows its `owner`: the node (an `Apply`) that produced it. The node holds the `op`, the `inputs` and the `outputs`. Variables without an owner, such as `x` and `y`, are the roots of the graph.
"""),
    ("code", r"""
print(
    f"z type: {z.type}\n"
    f"z name = {z.name}\n"
    f"z owner = {z.owner}\n"
    f"z owner inputs = {z.owner.inputs}\n"
    f"z owner op = {z.owner.op}\n"
    f"z owner output = {z.owner.outputs}"
)
"""),
    ("md", r"""
Following `owner.inputs` from `w` back to the roots visits the whole graph. This small loop does it breadth first and prints what it meets; compare with the `dprint` output above.
"""),
    ("code", r"""
stack = [w]
while stack:
    print("---")
    var = stack.pop(0)
    print(f"Checking variable {var} of type {var.type}")
    if var.owner is not None:
        print(f" > Op is {var.owner.op}")
        for i, inp in enumerate(var.owner.inputs):
            print(f" > Input {i} is {inp}")
            stack.append(inp)
    else:
        print(f" > {var} is a root variable")
"""),
    ("md", r"""
### Changing a graph

`pg.graph_inputs` lists the roots a graph depends on.
"""),
    ("code", r"""
pg.graph_inputs([w])
"""),
    ("md", r"""
Graphs in ppgraph are immutable: to change one we build a new one. Let us put an `exp` between `x + y` and the `log`, which should give the identity. Making the new node does not touch `w`:
"""),
    ("code", r"""
parent_of_w = w.owner.inputs[0]  # this is z
new_parent_of_w = pt.exp(parent_of_w)
new_parent_of_w.name = "exp(x + y)"
pg.dprint(w)
"""),
    ("md", r"""
`pg.clone_replace` returns a copy of the graph with the replacement made; the original stays as it was.
"""),
    ("code", r"""
new_w = pg.clone_replace([w], replace={parent_of_w: new_parent_of_w})[0]
new_w.name = "log(exp(x + y))"
pg.dprint(new_w)
"""),
    ("code", r"""
new_w.eval({x: 0, y: [1, np.e]})
"""),
    ("md", r"""
Once compiled, `log(exp(...))` is rewritten away: the function computes `x + y` only. Besides being faster, it is also more accurate: for `x + y = 800`, `exp` would overflow to infinity.
"""),
    ("code", r"""
f = pg.function(inputs=[x, y], outputs=new_w)
pg.dprint(f)
"""),
    ("code", r"""
f(x=0, y=[1, np.e])
"""),
    ("md", r"""
## 4. Random variables

With NumPy, random numbers come from a generator whose state changes with each call. Here are a thousand draws from a standard normal:
"""),
    ("code", r"""
rng = np.random.default_rng(2022)
draws = rng.normal(loc=0, scale=1, size=1_000)

fig, ax = plt.subplots(figsize=(8, 6))
ax.hist(draws, color="C0", bins=15)
ax.set(title="Samples from a normal distribution using numpy", ylabel="count");
"""),
    ("md", r"""
In ppgraph a random variable is a node of the graph like any other.
"""),
    ("code", r"""
y = pt.random.normal(loc=0, scale=1, name="y")
y.type
"""),
    ("code", r"""
pg.dprint(y)
"""),
    ("md", r"""
The node's inputs are, in order: the random key, the `size` (empty here: one draw), then the distribution's parameters (`loc`, `scale`). The key is a JAX PRNG key held in a shared variable: randomness is explicit, as everywhere in JAX.

`eval()` computes the graph with the stored key, so it returns the same value every time:
"""),
    ("code", r"""
y.eval()
"""),
    ("code", r"""
for i in range(10):
    print(f"Sample {i}: {y.eval()}")
"""),
    ("md", r"""
That is on purpose: `eval` is a pure function of the graph. Fresh draws come from `pg.draw`, next.

## 5. Models and log-densities

`pg.Normal.dist` makes a normal random variable outside any model:
"""),
    ("code", r"""
x = pg.Normal.dist(mu=0, sigma=1)
pg.dprint(x)
"""),
    ("code", r"""
for i in range(10):
    print(f"Sample {i}: {x.eval()}")
"""),
    ("md", r"""
`pg.draw` splits fresh keys from a seed and draws in one vectorized, jitted call (no Python loop over draws). Without `random_seed` each call gives new values.
"""),
    ("code", r"""
fig, ax = plt.subplots(figsize=(8, 6))
ax.hist(pg.draw(x, draws=1_000, random_seed=1), color="C1", bins=15)
ax.set(title="Samples from a normal distribution using ppgraph", ylabel="count");
"""),
    ("md", r"""
### Random variables in a model

Inside `with pg.Model()`, a distribution takes a name as first argument and registers the variable in the model.
"""),
    ("code", r"""
with pg.Model() as model:
    z = pg.Normal(name="z", mu=np.array([0, 0]), sigma=np.array([1, 2]))

model.basic_RVs
"""),
    ("code", r"""
pg.dprint(model.basic_RVs[0])
"""),
    ("code", r"""
for i in range(10):
    print(f"Sample {i}: {z.eval()}")
"""),
    ("code", r"""
for i in range(10):
    print(f"Sample {i}: {pg.draw(z, random_seed=i)}")
"""),
    ("code", r"""
fig, ax = plt.subplots(figsize=(8, 8))
z_draws = pg.draw(z, draws=10_000, random_seed=2)
ax.hist2d(x=z_draws[:, 0], y=z_draws[:, 1], bins=25)
ax.set(title="Samples Histogram", xlabel="z[0] (sigma = 1)", ylabel="z[1] (sigma = 2)");
"""),
    ("md", r"""
### Log-probabilities

A model displays itself as the formula it stands for:
"""),
    ("code", r"""
model
"""),
    ("md", r"""
`pg.logp(rv, value)` turns a random variable into the graph of its log-density at `value`, a new symbolic tensor. The graph is wrapped in a `Check{sigma > 0}` node: the parameter constraint travels with the graph and is tested when it runs (part 6 shows what happens when it fails).
"""),
    ("code", r"""
z_value = pt.vector(name="z")
z_logp = pg.logp(rv=z, value=z_value)
pg.dprint(z_logp)
"""),
    ("md", r"""
The graph also sends a value outside the support, or a NaN, to exactly `-inf` (the `isfinite`/`where` nodes). Evaluating it at `[0, 0]`:
"""),
    ("code", r"""
z_logp.eval({z_value: [0, 0]})
"""),
    ("md", r"""
These are the normal log-densities, as SciPy computes them:
"""),
    ("code", r"""
scipy.stats.norm.logpdf(x=np.array([0, 0]), loc=np.array([0, 0]), scale=np.array([1, 2]))
"""),
    ("md", r"""
`pg.logcdf` and `pg.icdf` work the same way for the cumulative distribution and its inverse.

`model.logp(sum=False)` gives one log-density term per variable of the model, in terms of the model's *value variables* (more on those below):
"""),
    ("code", r"""
pg.dprint(model.logp(sum=False))
"""),
    ("md", r"""
`model.compile_logp` compiles it. It takes a *point*: a dict from value-variable name to value. `model.initial_point()` gives the point samplers start from.
"""),
    ("code", r"""
logp_function = model.compile_logp(sum=False)
point = model.initial_point()
point
"""),
    ("code", r"""
logp_function(point)
"""),
    ("md", r"""
### Value variables and transforms

A random variable stands for draws; a log-density needs a *value* to be evaluated at. SciPy keeps the two apart too:
"""),
    ("code", r"""
rv = scipy.stats.norm(0, 1)
rv.rvs(3, random_state=0)  # like pg.draw(rv, 3)
"""),
    ("code", r"""
rv.logpdf(1.25)  # like pg.logp(rv, 1.25)
"""),
    ("md", r"""
In a model, each free random variable gets a value variable. Take a model with a positive scale parameter:
"""),
    ("code", r"""
with pg.Model() as model_2:
    mu = pg.Normal(name="mu", mu=0, sigma=2)
    sigma = pg.HalfNormal(name="sigma", sigma=3)
    x = pg.Normal(name="x", mu=mu, sigma=sigma)

model_2.rvs_to_values
"""),
    ("md", r"""
`sigma` must be positive, but samplers such as NUTS move freely over the real line. So the value variable of `sigma` is `sigma_log__`, its logarithm: any real number is a valid `sigma_log__`. The names and their order are the same as in PyMC.
"""),
    ("code", r"""
model_2.value_vars
"""),
    ("code", r"""
mu_value = model_2.rvs_to_values[mu]
sigma_log_value = model_2.rvs_to_values[sigma]
x_value = model_2.rvs_to_values[x]

logp_graph = pt.stack(model_2.logp(sum=False))
logp_graph.eval({mu_value: 0, sigma_log_value: -10, x_value: 0})
"""),
    ("md", r"""
The same numbers from SciPy. The `sigma` term is computed at `exp(-10)` and gains `-10`: the log of the derivative of `exp`, the Jacobian of the change of variable (`model.logp(jacobian=False)` leaves it out).
"""),
    ("code", r"""
print(
    f"mu_value -> {scipy.stats.norm.logpdf(x=0, loc=0, scale=2)}\n"
    f"sigma_log_value -> {-10 + scipy.stats.halfnorm.logpdf(x=np.exp(-10), loc=0, scale=3)}\n"
    f"x_value -> {scipy.stats.norm.logpdf(x=0, loc=0, scale=np.exp(-10))}"
)
"""),
    ("code", r"""
model_2.compile_logp(sum=False)({"mu": 0, "sigma_log__": -10, "x": 0})
"""),
    ("md", r"""
`model.dlogp()` and `model.d2logp()` give the graphs of the gradient and the Hessian of the log-density with respect to the value variables; `compile_dlogp` and `compile_d2logp` compile them. The gradient is flat, in `value_vars` order.
"""),
    ("code", r"""
point_2 = {"mu": 0.3, "sigma_log__": -0.5, "x": 0.1}
print("gradient:", model_2.compile_dlogp()(point_2))
print("Hessian:\n", model_2.compile_d2logp()(point_2))
"""),
    ("md", r"""
## 6. What JAX adds

Every compiled ppgraph object is a pure JAX function underneath, and `.jax_fn` hands it to you. JAX computes in float32 unless 64-bit mode is on; our graphs are float64 (as in the tutorial above), so the cells below run inside `jax.enable_x64(True)`. ppgraph itself never changes JAX's global settings.

### The jaxpr: what XLA is given

`jax.make_jaxpr` traces a function and prints JAX's own intermediate representation. For `log(exp(x + y))`, compiled above, the rewrites left a single addition:
"""),
    ("code", r"""
xs, ys = pt.scalar(name="x"), pt.vector(name="y")
f_add = pg.function([xs, ys], pt.log(pt.exp(xs + ys)))
with jax.enable_x64(True):
    jaxpr = jax.make_jaxpr(f_add.jax_fn)(0.0, np.array([1.0, np.e]))
print(jaxpr.pretty_print(use_color=False))
"""),
    ("md", r"""
The joint log-density of `model` (the two-dimensional normal) takes a point dict. Its jaxpr shows the normal log-density, the support test (`is_finite` and `select_n`, JAX's `where`) and the sum. The graph's constants (the scales `[1, 2]`, their logs) are the jaxpr's constants: the names before the `;`. There is no parameter check left: both scales are positive constants, so the check was settled at compile time.
"""),
    ("code", r"""
logp_z = model.compile_logp()
with jax.enable_x64(True):
    jaxpr = jax.make_jaxpr(logp_z.jax_fn)({"z": np.zeros(2)})
print(jaxpr.pretty_print(use_color=False))
"""),
    ("md", r"""
### `jit`, `vmap` and `grad`

Since `jax_fn` is a pure function, JAX's transformations apply to it directly. (`model.compile_logp()` returns a function of a point dict; its `.jax_fn` takes the dict too, and its `.function` is the underlying `pg.Function`, whose `.jax_fn` takes the values positionally.) Here is the log-density of `model_2` jitted, vectorized over a batch of points, and differentiated; the gradient agrees with `compile_dlogp` above.
"""),
    ("code", r"""
logp_2 = model_2.compile_logp().jax_fn

with jax.enable_x64(True):
    print("jit :", jax.jit(logp_2)({"mu": 0.0, "sigma_log__": -10.0, "x": 0.0}))

    batch = {"mu": np.linspace(-1.0, 1.0, 5), "sigma_log__": np.zeros(5), "x": np.zeros(5)}
    print("vmap:", jax.vmap(logp_2)(batch))

    grad = jax.grad(logp_2)(point_2)
    print("grad:", {k: float(v) for k, v in grad.items()})
"""),
    ("md", r"""
Nothing stops you from going further: `jax.hessian`, `jax.jacfwd`, `jax.pmap`, or handing `logp_2` to an optimizer or a sampler such as BlackJAX (`pg.logdensity(model)` packages it for them, and `pg.sample` runs NUTS; see the next notebook).

### Check modes: what a failing parameter check does

Let us give a normal distribution a symbolic `sigma` and pass it a negative value. What should happen depends on who is asking:

- `"raise"` (the default for `eval`, `pg.function` and `model.compile_*`): a `ParameterValueError` that names the distribution and the condition, raised even though the computation ran under `jax.jit`.
- `"-inf"`: the log-density becomes `-inf`. This is what a sampler needs: the proposal is simply rejected. `Function.jax_fn` and `pg.logdensity` always work this way, since a pure function cannot raise.
- `"off"`: no check at all; the formula is computed as written.
"""),
    ("code", r"""
value, s = pt.scalar("value"), pt.scalar("s")
normal_logp = pg.logp(pg.Normal.dist(mu=0.0, sigma=s), value)

for mode in ["raise", "-inf", "off"]:
    fn = pg.function([value, s], normal_logp, check_mode=mode)
    try:
        print(f"{mode!r:>7}: logp(1.0 | sigma=-1.0) = {fn(1.0, -1.0)}")
    except pg.ParameterValueError as err:
        print(f"{mode!r:>7}: {type(err).__name__}: {err}")
"""),
    ("md", r"""
With a valid `sigma` the three modes agree, and `jax_fn` under `jit` gives `-inf` for the invalid one:
"""),
    ("code", r"""
fn = pg.function([value, s], normal_logp)
print("valid sigma:", fn(1.0, 2.0), "=", scipy.stats.norm.logpdf(1.0, scale=2.0))
with jax.enable_x64(True):
    print("jax_fn, sigma=-1 under jit:", jax.jit(fn.jax_fn)(1.0, -1.0))
"""),
    ("md", r"""
The mode can also be set for a whole block with `pg.config.change_flags(check_mode="-inf")`, and per model function with `model.compile_logp(check_mode=...)`.

## Where to go next

- **`sampling.ipynb`**: fit real models (eight schools and a hierarchical regression) with NUTS from BlackJAX and NumPyro through `pg.sample`, check them with ArviZ, and draw prior and posterior predictive samples.
- **`accelerators.ipynb`**: run the same code in float32 on a GPU or TPU, place data on devices, and spread chains over several devices.
- The documentation's concept pages explain the graph IR, random variables, value variables and transforms, checks, rewrites and the lowering to JAX in more depth; the how-to guides show how to add an op or a distribution.
"""),
]
