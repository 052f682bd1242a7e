"""Discrete variables back in the posterior: each marginalized variable drawn from
its exact conditional given each draw of the continuous ones.

For a draw ``theta`` of the continuous values, ``p(d = s_k | theta, data)`` is
proportional to ``exp`` of the joint term of ``d`` and its dependents at
``s_k`` (the ``logits`` mode of the marginal op): one categorical draw per
posterior draw (per row for per-row variables), all in one jitted, vectorized
call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax
import numpy as np

from ppgraph.compile import _compiled
from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import clone_replace
from ppgraph.model.core import Model
from ppgraph.model.marginal import MarginalModel, marginalize
from ppgraph.sampling.batch import map_draws, x64_scope

__all__ = [
    "complete_draws",
    "complete_posterior",
    "likelihood_model",
    "marginalize_discrete",
    "recover_marginals",
]


def marginalize_discrete(model: Model) -> Model:
    """``model`` with its discrete free variables summed out (itself if it has none)."""
    if not model.discrete_value_vars:
        return model
    if not model.continuous_value_vars:
        names = [str(model.values_to_rvs[v].name) for v in model.discrete_value_vars]
        raise NotImplementedError(
            f"pg.sample runs NUTS on continuous variables; {names} "
            f"{'is' if len(names) == 1 else 'are'} discrete and the model has no continuous "
            "free variable: for draws of it use pg.sample_prior_predictive"
        )
    # one marginal model per model version, so that pg.sample's compiled run
    # (keyed by the log-density's function) is reused by the next call
    out: Model = model._cached(("marginalized",), lambda: marginalize(model))
    return out


def likelihood_model(model: MarginalModel) -> Model:
    """Where pointwise log-likelihoods come from: the marginal model when every
    summed variable is per-row (its terms are then per-row marginals), otherwise
    the original model, conditional on the recovered draws."""
    per_row = all(info["rowwise"] or info["forward"] for info in model.marginalized.values())
    return model if per_row else model.original


def complete_draws(
    model: MarginalModel, raw: Mapping[str, np.ndarray], key: Any
) -> dict[str, np.ndarray]:
    """``raw`` (draws of the marginal model's value variables) with draws of every
    marginalized variable added: from its exact conditional, or from its prior
    given its parents when nothing depends on it."""
    out = dict(raw)
    out.update(recover_marginals(model, raw, key))
    forward = [str(rv.name) for rv, info in model.marginalized.items() if info["forward"]]
    if forward:
        from ppgraph.sampling.constrain import constrain
        from ppgraph.sampling.predictive import sample_posterior_predictive

        posterior = constrain(raw, model)
        for info in model.marginalized.values():  # the discrete draws just recovered
            for rv in [] if info["forward"] else info["rvs"]:
                name = str(model.original.rvs_to_values[rv].name)
                posterior[str(rv.name)] = out[name]
        seed = jax.random.fold_in(key, 10_007)
        pp = sample_posterior_predictive(
            posterior, var_names=forward, model=model.original, random_seed=seed
        )
        for name in forward:
            value = model.original.rvs_to_values[model.original[name]]  # type: ignore[index]
            out[str(value.name)] = np.asarray(pp.posterior_predictive[name].values)
    return out


def _categorical(model: MarginalModel, info: dict[str, Any], values: list[Variable]) -> Any:
    """``(key data, *values, *data) -> support index`` for one draw, and its compiled
    graph; one per model and summed group. The data enter as arguments (closed
    over, XLA constant-folds checks broadcast over every draw and support value)."""

    def build() -> Any:
        logits = model._marginal_term(info, True, "logits")
        c = _compiled(values, [logits], True, "off")
        pure = c.pure()

        def one(k: Any, *args: Any) -> Any:
            return jax.random.categorical(jax.random.wrap_key_data(k), pure(*args)[0], axis=0)

        @jax.jit
        def draws(keys: Any, *args: Any) -> Any:
            # a loop over the draws, not a vmap: vmapped, XLA constant-folds the
            # data-only branches broadcast to (draws, support, rows): minutes
            batched, data = args[: len(values)], args[len(values) :]
            return jax.lax.map(lambda x: one(x[0], *x[1:], *data), (keys, *batched))

        return draws, c

    return model._cached(("recover", info["name"]), build)


def recover_marginals(
    model: MarginalModel, raw: Mapping[str, np.ndarray], key: Any
) -> dict[str, np.ndarray]:
    """``{value name: draws}`` of each marginalized variable, for draws ``raw`` of the
    marginal model's value variables with leading ``(chain, draw)`` axes."""
    values: list[Variable] = list(model.value_vars)
    names = [str(v.name) for v in values]
    out: dict[str, np.ndarray] = {}
    for i, info in enumerate(model.marginalized.values()):
        if info["forward"]:
            continue
        pick, c = _categorical(model, info, values)
        lead = np.shape(raw[names[0]])[:2] if names else (1, 1)
        flat = [np.reshape(raw[n], (-1, *np.shape(raw[n])[2:])) for n in names]
        keys = jax.random.split(jax.random.fold_in(key, i), int(np.prod(lead)))
        with x64_scope(c.x64):
            data = [s.get_value() for s in c.shared]
            idx = np.asarray(pick(jax.random.key_data(keys), *flat, *data))
        # a support value per draw (per row), or a row of the joint table per draw
        rows = np.asarray(info["support"])[idx]
        start = 0
        for rv in info["rvs"]:
            value = model.original.rvs_to_values[rv]
            shape = tuple(rv.type.shape)
            if not isinstance(info["support"][0], tuple):  # one variable, filled per row
                draws = rows
            else:
                size = int(np.prod(shape, dtype=int))
                draws = rows[:, start : start + size].reshape(-1, *shape)
                start += size
            out[str(value.name)] = draws.astype(value.dtype).reshape(*lead, *shape)
    return out


def _unconstrainer(model: MarginalModel) -> Any:
    """The value variables as a graph of the constrained free variables (each
    transform's forward map), compiled once per model."""

    def build() -> Any:
        rvs = [model.values_to_rvs[v] for v in model.value_vars]
        stand_ins: list[Variable] = [rv.type.make_variable(name=str(rv.name)) for rv in rvs]
        outs = []
        for rv in rvs:
            tr = model.rvs_to_transforms.get(rv)
            assert rv.owner is not None
            outs.append(rv if tr is None else tr.forward(rv, *rv.owner.inputs[2:]))
        outs = clone_replace(outs, dict(zip(rvs, stand_ins, strict=True)))
        return _compiled(stand_ins, outs, True, "off")

    return model._cached(("unconstrain",), build)


def complete_posterior(
    model: MarginalModel, posterior: Mapping[str, np.ndarray], key: Any
) -> dict[str, np.ndarray]:
    """``posterior`` (constrained draws with leading ``(chain, draw)`` axes) with
    draws of the summed-out variables it lacks, from their exact conditionals:
    what predictive draws on a marginal model condition on."""
    out = dict(posterior)
    lacking = [
        rv for info in model.marginalized.values() if not info["forward"]
        for rv in info["rvs"] if str(rv.name) not in posterior
    ]  # fmt: skip
    if not lacking:
        return out
    names = [str(model.values_to_rvs[v].name) for v in model.value_vars]
    missing = sorted(set(names) - set(posterior))
    if missing:
        raise KeyError(
            f"the posterior has no draws of {missing}, which the draws of "
            f"{[str(rv.name) for rv in lacking]} (summed out of the model) are conditional on"
        )
    c = _unconstrainer(model)
    lead = np.shape(posterior[names[0]])[:2] if names else (1, 1)
    flat = [np.reshape(posterior[n], (-1, *np.shape(posterior[n])[2:])) for n in names]
    pure = c.pure()
    values = map_draws(lambda *a: pure(*a), flat, [s.get_value() for s in c.shared], x64=c.x64)
    raw = {
        str(v.name): x.reshape(*lead, *x.shape[1:])
        for v, x in zip(model.value_vars, values, strict=True)
    }
    drawn = recover_marginals(model, raw, key)
    for rv in lacking:
        out[str(rv.name)] = drawn[str(model.original.rvs_to_values[rv].name)]
    return out
