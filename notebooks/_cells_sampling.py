"""Cells of sampling.ipynb (see _make.py)."""

CELLS = [
    ("md", r"""
# Sampling with ppgraph: BlackJAX, NumPyro and ArviZ

This notebook fits two classic hierarchical models from start to finish:

- **Eight schools**, the small data set every Bayesian workflow tutorial starts with, in its *non-centered* form;
- **a hierarchical linear regression** on simulated data, where we know the true values and can check that we get them back.

For each we draw a picture of the model, look at the prior predictive distribution, sample the posterior with NUTS from **BlackJAX** and from **NumPyro** through `pg.sample`, check convergence with **ArviZ** (summary, trace and posterior plots), and compare the posterior predictive distribution with the data.

You need the sampling extras: `pip install "ppgraph[samplers,notebooks]"`.
"""),
    ("code", r"""
import warnings

# Two notices that are not about this notebook: ArviZ 0.2x announces its 1.0
# rewrite on import, and tqdm asks for ipywidgets for notebook progress bars.
warnings.filterwarnings("ignore", message="(?s).*ArviZ is undergoing", category=FutureWarning)
warnings.filterwarnings("ignore", message="IProgress not found")

import arviz as az
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import ppgraph as pg

print(f"ppgraph {pg.__version__}, ArviZ {az.__version__}")
"""),
    ("md", r"""
## Eight schools

Eight high schools ran a coaching programme for the SAT. For each school we have the estimated effect of coaching on the test score, `y`, and its standard error, `sigma` (Rubin, 1981; Gelman et al., *Bayesian Data Analysis*, section 5.5). The question: how large is the effect in each school, given that the schools are similar but not identical?
"""),
    ("code", r"""
schools = ["Choate", "Deerfield", "Phillips Andover", "Phillips Exeter",
           "Hotchkiss", "Lawrenceville", "St. Paul's", "Mt. Hermon"]
y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
sigma = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
"""),
    ("md", r"""
Each school's true effect `theta` comes from a common normal distribution with mean `mu` and spread `tau`. Written directly (`theta ~ Normal(mu, tau)`), the posterior has a funnel shape: when `tau` is small, the `theta`s are squeezed together and NUTS must take tiny steps, which shows up as divergences.

The *non-centered* form removes the funnel: sample a standard normal `theta_t` per school and build `theta = mu + tau * theta_t` as a deterministic. Same model, easier geometry. `coords` and `dims` label the school axis, so ArviZ shows school names.
"""),
    ("code", r"""
with pg.Model(coords={"school": schools}) as eight_schools:
    mu = pg.Normal("mu", mu=0.0, sigma=5.0)
    tau = pg.HalfCauchy("tau", beta=5.0)
    theta_t = pg.Normal("theta_t", mu=0.0, sigma=1.0, dims="school")
    theta = pg.Deterministic("theta", mu + tau * theta_t, dims="school")
    pg.Normal("obs", mu=theta, sigma=sigma, observed=y, dims="school")

eight_schools
"""),
    ("md", r"""
`pg.model_to_graphviz` draws the model: free random variables as ellipses, observed ones in grey, deterministics as boxes, and a plate around the variables that repeat over a dimension. It draws with matplotlib, so no Graphviz install is needed; `.source` gives the Graphviz text if you prefer to render it with `dot`.
"""),
    ("code", r"""
pg.model_to_graphviz(eight_schools)
"""),
    ("md", r"""
### Prior predictive check

Before looking at the data, draw fake data sets from the model: do they look like plausible coaching effects? `pg.sample_prior_predictive` draws all variables jointly in one vectorized call.
"""),
    ("code", r"""
with eight_schools:
    prior = pg.sample_prior_predictive(draws=500, random_seed=1)
prior
"""),
    ("code", r"""
ax = az.plot_ppc(prior, group="prior", num_pp_samples=100, random_seed=1)
ax.set_xlim(-150, 150);
"""),
    ("md", r"""
The prior allows effects of tens of points either way, with heavy tails from the Cauchy prior on `tau` (a few draws land hundreds of points away; the plot cuts them off): wide, but not absurd for SAT scores (which run from 200 to 800 per section).

### Sampling with BlackJAX

`pg.sample` builds the model's log-density as a pure JAX function, starts each chain at a jittered initial point, tunes NUTS (step size and a diagonal mass matrix) for `tune` steps and then keeps `draws` draws. The whole sampling loop runs inside one `jax.jit`; chains are vectorized with `vmap`. The result is an ArviZ `InferenceData`. (`progress_bar=True`, the default, shows a progress bar; we turn it off to keep this page clean.)
"""),
    ("code", r"""
with eight_schools:
    idata = pg.sample(draws=500, tune=500, chains=4, sampler="blackjax",
                      target_accept=0.9, random_seed=1, progress_bar=False)
idata
"""),
    ("code", r"""
az.summary(idata, var_names=["mu", "tau", "theta"])
"""),
    ("md", r"""
`r_hat` close to 1 and effective sample sizes (`ess_bulk`, `ess_tail`) in the hundreds or more mean the four chains agree and mix well. `pg.sample` itself warns (`pg.SamplingWarning`) when there are divergences, when r-hat exceeds 1.01 or when the effective sample size is too small; it stayed silent here. The sampler statistics are in `idata.sample_stats`:
"""),
    ("code", r"""
print("divergences:", int(idata.sample_stats["diverging"].sum()))
print("mean acceptance rate:", float(idata.sample_stats["acceptance_rate"].mean()))
"""),
    ("md", r"""
The trace plot shows, for each variable, the posterior density per chain (left) and the draws in order (right): the chains should overlap and look like noise around a common level.
"""),
    ("code", r"""
az.plot_trace(idata, var_names=["mu", "tau"], compact=True);
"""),
    ("code", r"""
az.plot_posterior(idata, var_names=["mu", "tau"]);
"""),
    ("md", r"""
The school effects are pulled towards the common mean `mu`: Choate's raw estimate of 28 points becomes a posterior mean near 6. This *partial pooling* is the point of the hierarchical model.
"""),
    ("code", r"""
az.plot_forest(idata, var_names=["theta"], combined=True, figsize=(7, 4));
"""),
    ("md", r"""
### The same model with NumPyro

`sampler="numpyro"` runs NumPyro's NUTS on the same log-density. Both samplers should give the same posterior up to Monte Carlo error.
"""),
    ("code", r"""
with eight_schools:
    idata_np = pg.sample(draws=500, tune=500, chains=4, sampler="numpyro",
                         target_accept=0.9, random_seed=1, progress_bar=False)

pd.DataFrame({
    "BlackJAX mean": az.summary(idata, var_names=["mu", "tau"])["mean"],
    "NumPyro mean": az.summary(idata_np, var_names=["mu", "tau"])["mean"],
    "NumPyro MCSE": az.summary(idata_np, var_names=["mu", "tau"])["mcse_mean"],
})
"""),
    ("md", r"""
### Posterior predictive check

Given each posterior draw, draw a new set of school effects' observations: does the data look like a typical draw? `pg.sample_posterior_predictive` adds the `posterior_predictive` group to `idata`.
"""),
    ("code", r"""
with eight_schools:
    pg.sample_posterior_predictive(idata, random_seed=2, extend_inferencedata=True)
az.plot_ppc(idata, num_pp_samples=100, random_seed=1);
"""),
    ("md", r"""
## A hierarchical linear regression

Now a model with more data and a question we can check: `n_groups` groups, each with its own intercept `a` and slope `b` drawn from common normal distributions, and observations `y = a[group] + b[group] * x + noise`. We simulate the data with a fixed seed, so we know the true values.
"""),
    ("code", r"""
rng = np.random.default_rng(2024)
n_groups, n_obs = 10, 300
true = {"mu_a": 1.0, "sigma_a": 0.7, "mu_b": -0.5, "sigma_b": 0.4, "sigma": 0.5}

group_idx = rng.integers(0, n_groups, size=n_obs)
x = rng.normal(size=n_obs)
a_true = true["mu_a"] + true["sigma_a"] * rng.normal(size=n_groups)
b_true = true["mu_b"] + true["sigma_b"] * rng.normal(size=n_groups)
y_obs = a_true[group_idx] + b_true[group_idx] * x + true["sigma"] * rng.normal(size=n_obs)

fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(x, y_obs, c=group_idx, cmap="tab10", s=12)
ax.set(xlabel="x", ylabel="y", title="Simulated data, coloured by group");
"""),
    ("md", r"""
Thirty observations per group pin down each group's line well, so here the *centered* form (`a ~ Normal(mu_a, sigma_a)`) samples better than the non-centered one: which form to use depends on how much the data say about each group. `pg.Data` holds the predictors; the model indexes the group parameters with the integer array `group_idx`.
"""),
    ("code", r"""
coords = {"group": [f"g{j}" for j in range(n_groups)], "obs": np.arange(n_obs)}
with pg.Model(coords=coords) as regression:
    x_data = pg.Data("x", x, dims="obs")
    g_data = pg.Data("group_idx", group_idx, dims="obs")
    mu_a = pg.Normal("mu_a", 0.0, 2.0)
    sigma_a = pg.HalfNormal("sigma_a", 1.0)
    mu_b = pg.Normal("mu_b", 0.0, 2.0)
    sigma_b = pg.HalfNormal("sigma_b", 1.0)
    a = pg.Normal("a", mu_a, sigma_a, dims="group")
    b = pg.Normal("b", mu_b, sigma_b, dims="group")
    noise = pg.HalfNormal("sigma", 1.0)
    pg.Normal("y", mu=a[g_data] + b[g_data] * x_data, sigma=noise, observed=y_obs, dims="obs")

pg.model_to_graphviz(regression)
"""),
    ("code", r"""
with regression:
    prior_reg = pg.sample_prior_predictive(draws=500, random_seed=3)
az.plot_ppc(prior_reg, group="prior", num_pp_samples=100, random_seed=1);
"""),
    ("code", r"""
with regression:
    idata_reg = pg.sample(draws=500, tune=500, chains=4, target_accept=0.9,
                          random_seed=3, progress_bar=False)

hyper = ["mu_a", "sigma_a", "mu_b", "sigma_b", "sigma"]
summary = az.summary(idata_reg, var_names=hyper)
summary.insert(0, "true", [true[k] for k in hyper])
summary
"""),
    ("md", r"""
The 94% highest-density intervals (`hdi_3%` to `hdi_97%`) cover the true values. With ten groups, `sigma_a` and `sigma_b` are the least certain: ten draws from a distribution say only so much about its spread. The group-level parameters are pinned down much more tightly; the dashed lines mark the true intercepts of three groups. (A 94% interval misses the true value about one time in seventeen, so with twenty group parameters a miss or two is expected.)
"""),
    ("code", r"""
az.plot_trace(idata_reg, var_names=hyper, compact=True);
"""),
    ("code", r"""
axes = az.plot_posterior(idata_reg, var_names=["a"], coords={"group": ["g0", "g1", "g2"]},
                         figsize=(10, 3))
for ax, value in zip(axes, a_true[:3]):
    ax.axvline(value, color="k", linestyle="--");
"""),
    ("md", r"""
Posterior predictive check, and the fitted lines of four groups (posterior mean of `a` and `b`) over their data:
"""),
    ("code", r"""
with regression:
    pg.sample_posterior_predictive(idata_reg, random_seed=4, extend_inferencedata=True)
az.plot_ppc(idata_reg, num_pp_samples=100, random_seed=1);
"""),
    ("code", r"""
post = idata_reg.posterior
fig, axes = plt.subplots(1, 4, figsize=(12, 3), sharey=True)
grid = np.linspace(-2.5, 2.5, 2)
for j, ax in enumerate(axes):
    sel = group_idx == j
    ax.scatter(x[sel], y_obs[sel], s=10, color=f"C{j}")
    a_j, b_j = post["a"].sel(group=f"g{j}"), post["b"].sel(group=f"g{j}")
    ax.plot(grid, float(a_j.mean()) + float(b_j.mean()) * grid, color="k", label="posterior mean")
    ax.plot(grid, a_true[j] + b_true[j] * grid, "--", color="grey", label="truth")
    ax.set(title=f"group g{j}", xlabel="x")
axes[0].set_ylabel("y")
axes[0].legend();
"""),
    ("md", r"""
## Where to go next

- **`accelerators.ipynb`**: run these models in float32 on a GPU or TPU, and spread chains over several devices with `chain_method="sharded"`.
- **`ppgraph_and_jax.ipynb`**: how a model becomes a graph and a log-density, and how to take the pure JAX function out for your own `jit`, `vmap` and `grad`.
- `pg.logdensity(model)` gives the log-density and an initial position for any JAX sampler (BlackJAX's other kernels, SMC, your own); `pg.find_MAP()` finds the mode with a JAX optimizer.
- The ArviZ documentation covers many more diagnostics and plots, all of which work on the `InferenceData` that `pg.sample` returns.
"""),
]
