"""Predictive sampling: ``pg.sample_prior_predictive`` and
``pg.sample_posterior_predictive``, vectorized as ``pg.draw`` is.

For the posterior predictive, the free variables the draws condition on
become inputs of the graph, every random variable's key becomes an input
too, and the lowered graph is ``vmap``-ed over (keys, posterior draw) in
jitted chunks: one compiled function, however many draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ppgraph.backend.jax.dispatch.check import collecting_checks
from ppgraph.compile import _compiled
from ppgraph.errors import ParameterValueError
from ppgraph.graph.basic import SharedVariable, Variable
from ppgraph.graph.traversal import clone_replace, graph_inputs
from ppgraph.model.core import Model, modelcontext
from ppgraph.model.marginal import MarginalModel
from ppgraph.model.missing import DATA_TAG, check_data_value, refuse_masked
from ppgraph.model.shapes import refresh, shape_mismatch
from ppgraph.random.op import RandomKeyType
from ppgraph.sampling import pickling  # noqa: F401  (pickle support for pg.logdensity)
from ppgraph.sampling.batch import map_draws
from ppgraph.sampling.draw import draw, parameter_guard
from ppgraph.sampling.idata import make_idata
from ppgraph.sampling.marginal import complete_posterior
from ppgraph.sampling.seeds import seed_key

__all__ = ["sample_posterior_predictive", "sample_prior_predictive"]


def _pick(model: Model, var_names: Sequence[str] | None, default: list[Any]) -> list[Any]:
    known = {str(v.name): v for v in (*model.free_RVs, *model.deterministics,
                                      *model.observed_RVs)}  # fmt: skip
    if var_names is None:
        return default
    if isinstance(var_names, str):
        raise TypeError(f"var_names is a list of names, got the str {var_names!r}")
    unknown = [n for n in var_names if n not in known]
    if unknown:
        raise KeyError(f"unknown var_names {unknown}; the model's variables: {list(known)}")
    return [known[n] for n in var_names]


def sample_prior_predictive(
    draws: int = 500,
    var_names: Sequence[str] | None = None,
    random_seed: Any = None,
    model: Model | None = None,
) -> Any:
    """Draws from the prior: free variables and deterministics in the ``prior``
    group, observed variables in ``prior_predictive``, with ``observed_data`` and
    ``constant_data``; one chain of ``draws`` draws, drawn jointly in one jitted call.

    Example:
        >>> import ppgraph as pg
        >>> with pg.Model() as m:
        ...     mu = pg.Normal("mu", 0.0, 1.0)
        ...     y = pg.Normal("y", mu, 1.0, observed=[0.1, 0.2, 0.3])
        ...     prior = pg.sample_prior_predictive(draws=100, random_seed=1)
        >>> prior.prior["mu"].shape, prior.prior_predictive["y"].shape
        ((1, 100), (1, 100, 3))
    """
    model = modelcontext(model, needs="pg.sample_prior_predictive")
    if isinstance(model, MarginalModel):  # the same prior, with the summed variables named
        model = model.original
    every = [*model.free_RVs, *model.deterministics, *model.observed_RVs]
    chosen = _pick(model, var_names, every)
    bad = shape_mismatch(model, observed=False, outputs=chosen)
    if bad is not None:
        raise bad
    sizes = refresh(model, chosen)[2]  # variables sized by the data, at their sizes now
    outs = model._cached(("sampling", "prior", tuple(chosen), sizes),
                         lambda: refresh(model, chosen)[0])  # fmt: skip
    values = draw(outs, draws=draws, random_seed=random_seed) if chosen else []
    observed = set(model.observed_RVs)
    prior: dict[str, np.ndarray] = {}
    predictive: dict[str, np.ndarray] = {}
    for var, value in zip(chosen, values, strict=True):
        (predictive if var in observed else prior)[str(var.name)] = value[None]
    groups = {"prior": prior, "prior_predictive": predictive}
    return make_idata(model, groups, {"sampler": "prior predictive"})


def _posterior_arrays(idata: Any) -> Mapping[str, np.ndarray]:
    """``{name: (chain, draw, ...)}`` from InferenceData, a Dataset or a dict."""
    post = getattr(idata, "posterior", idata)
    if isinstance(post, Mapping) and not hasattr(post, "data_vars"):
        for k, v in post.items():
            refuse_masked(v, f"sample_posterior_predictive: the draws of {k}")
        return {k: np.asarray(v) for k, v in post.items()}
    if hasattr(post, "data_vars"):
        return {str(k): np.asarray(post[k].transpose("chain", "draw", ...).values)
                for k in post.data_vars}  # fmt: skip
    raise TypeError(
        "sample_posterior_predictive takes an InferenceData with a posterior group, "
        f"or a dict {{name: (chain, draw, ...) array}}; got {type(idata).__name__}"
    )


class _Predictive:
    """The lowered graph of ``outputs`` given the conditioned free variables,
    with random variables sized by the data at their current sizes."""

    def __init__(self, model: Model, outputs: list[Variable]) -> None:
        resampled = set(outputs)
        self.given = [rv for rv in model.free_RVs if rv not in resampled]
        outputs, repl, _ = refresh(model, outputs)
        now = [repl.get(rv, rv) for rv in self.given]
        stand_ins = [rv.type.make_variable(name=str(rv.name)) for rv in now]
        self.types = [v.type for v in stand_ins]
        outs = clone_replace(outputs, dict(zip(now, stand_ins, strict=True)))
        self.n_out = len(outs)
        guard = parameter_guard(outs)
        if guard is not None:
            outs = [*outs, guard]
        self.keys = [
            v
            for v in graph_inputs(outs)
            if isinstance(v, SharedVariable) and isinstance(v.type, RandomKeyType)
        ]
        c = _compiled([*self.keys, *stand_ins], outs, True, "raise")
        self.raw, self.x64 = c.raw, c.x64
        self.shared = list(c.shared)
        self.messages: list[str] = []
        self.needed = {str(rv.name) for rv in self.given} & {
            str(v.name) for v in graph_inputs(outs) if v in stand_ins
        }

    def one(self, key_data: Any, *args: Any) -> Any:
        keys = [key_data[i] for i in range(len(self.keys))]
        with collecting_checks() as found:
            outs = list(self.raw(*keys, *args))
        self.messages[:] = [msg for msg, _ in found]
        oks = jnp.stack([jnp.all(ok) for _, ok in found]) if found else jnp.ones(0, bool)
        return outs[: self.n_out], oks

    def refuse(self, oks: Any) -> None:
        """A ParameterValueError for the Checks that failed in any draw."""
        if not self.messages:
            return
        flags = np.asarray(oks).reshape(-1, len(self.messages)).all(axis=0).reshape(-1)
        if not flags.all():
            failed = dict.fromkeys(m for m, ok in zip(self.messages, flags, strict=True) if not ok)
            raise ParameterValueError("; ".join(failed))


def sample_posterior_predictive(
    idata: Any,
    var_names: Sequence[str] | None = None,
    random_seed: Any = None,
    model: Model | None = None,
    extend_inferencedata: bool = False,
) -> Any:
    """Draws of the observed variables (or of ``var_names``) given each posterior
    draw in ``idata``: a ``posterior_predictive`` group of shape (chain, draw, ...)
    with ``observed_data``, or ``idata`` extended with it. A free variable listed
    in ``var_names`` is drawn afresh from its prior given its parents' draws.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> with pg.Model() as m:
        ...     mu = pg.Normal("mu", 0.0, 1.0)
        ...     y = pg.Normal("y", mu, 0.001, observed=[0.1, 0.2])
        >>> post = {"mu": np.full((2, 5), 3.0)}
        >>> pp = pg.sample_posterior_predictive(post, model=m, random_seed=1)
        >>> y = pp.posterior_predictive["y"]
        >>> y.shape, bool(abs(y - 3.0).max() < 0.01)
        ((2, 5, 2), True)
    """
    model = modelcontext(model, needs="pg.sample_posterior_predictive")
    posterior = _posterior_arrays(idata)
    if isinstance(model, MarginalModel):  # conditional on the summed variables, drawn back
        key = jax.random.fold_in(seed_key(random_seed), 1)
        posterior, model = complete_posterior(model, posterior, key), model.original
    outputs = _pick(model, var_names, list(model.observed_RVs))
    names = [str(v.name) for v in outputs]
    bad = shape_mismatch(model, observed=False, outputs=outputs)
    if bad is not None:
        raise bad
    sizes = refresh(model, outputs)[2]
    pred: _Predictive = model._cached(
        ("sampling", "predictive", tuple(names), sizes), lambda: _Predictive(model, outputs)
    )
    missing = sorted(pred.needed - set(posterior))
    if missing:
        raise KeyError(f"the posterior has no draws of {missing}, which {names} depend on")
    lead = _lead_shape(posterior, [str(rv.name) for rv in pred.given])
    n = int(np.prod(lead))
    values = []
    for rv, t in zip(pred.given, pred.types, strict=True):
        arr = posterior.get(str(rv.name))
        if arr is None:  # not needed by the outputs: any value of the right shape
            arr = np.zeros((*lead, *[s or 1 for s in t.shape]), rv.dtype)
        if not t.accepts_shape(np.shape(arr)[2:]):
            raise ValueError(
                f"the posterior draws of {rv.name} have shape {np.shape(arr)[2:]} per draw, "
                f"but {rv.name} has shape {t.shape} now (after pg.set_data?): a free "
                "variable sized by the data cannot change size between fit and prediction"
            )
        values.append(np.reshape(np.asarray(arr, dtype=rv.dtype), (n, *np.shape(arr)[2:])))
    keys = jax.random.split(seed_key(random_seed), n * max(len(pred.keys), 1))
    key_data = np.asarray(jax.random.key_data(keys)).reshape(n, max(len(pred.keys), 1), -1)
    data = [s.get_value() for s in pred.shared]
    for s, value in zip(pred.shared, data, strict=True):
        if s.tag.get(DATA_TAG):  # NaN given through pg.set_data is an error, not NaN draws
            check_data_value(str(s.name), value, "sample_posterior_predictive")
    out, oks = map_draws(pred.one, [key_data, *values], data, x64=pred.x64)
    pred.refuse(oks)
    group = {nm: o.reshape(*lead, *o.shape[1:]) for nm, o in zip(names, out, strict=True)}
    new = make_idata(model, {"posterior_predictive": group}, {"sampler": "posterior predictive"})
    if extend_inferencedata:
        idata.extend(new)
        return idata
    return new


def _lead_shape(posterior: Mapping[str, np.ndarray], names: list[str]) -> tuple[int, int]:
    shapes = {np.shape(posterior[n])[:2] for n in names if n in posterior}
    if not shapes:
        shapes = {np.shape(v)[:2] for v in posterior.values()}
    if len(shapes) != 1:
        raise ValueError(f"the posterior's arrays disagree on (chain, draw): {sorted(shapes)}")
    lead = shapes.pop()
    if len(lead) != 2:
        raise ValueError("posterior arrays have leading (chain, draw) axes")
    return (int(lead[0]), int(lead[1]))
