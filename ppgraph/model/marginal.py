"""``pg.marginalize``: discrete free variables summed out of a model's log-density.

The original model is left as it is (PyMC's value variables, terms and
initial point). ``marginalize(model, vars)`` returns a new model without the
discrete variables: for each one, ``d``, its term and the terms of the
variables and potentials that depend on it directly are replaced by

    log sum_k exp(logp_d(s_k) + sum of the dependent terms at d = s_k)

over the finite support ``s_1..s_K`` (``ppgraph.tensor.marginal``). A scalar
``d`` is summed out of the whole joint; a vector of independent per-row
variables (``z[i]`` reaching only row ``i`` of its dependents, through
elementwise operations and indexing by ``z``) is summed out row by row. The
sum sits on the first observed dependent, so pointwise log-likelihoods are the
marginal ones.

After sampling, ``recover_marginals`` draws each discrete variable from its
exact conditional given each draw of the continuous ones (as NumPyro's
``infer_discrete`` and pymc-extras' ``recover_marginals``).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from ppgraph.graph.basic import Constant, Variable
from ppgraph.graph.traversal import ancestors, clone_replace, graph_inputs, toposort
from ppgraph.model.core import Model
from ppgraph.random import discrete as d_rv
from ppgraph.tensor.check import Check
from ppgraph.tensor.elemwise import Cast, DimShuffle, Elemwise
from ppgraph.tensor.marginal import marginal_logp
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.subtensor import Subtensor
from ppgraph.tensor.type import TensorVariable, constant

__all__ = ["MarginalModel", "finite_support", "marginalize"]

MAX_SUPPORT = 10_000


def _static(rv: TensorVariable, param: Variable, what: str) -> np.ndarray:
    if any(not isinstance(v, Constant) for v in graph_inputs([param])):
        raise NotImplementedError(
            f"cannot marginalize {rv.name!r}: its {what} must be a constant to know its "
            f"support, got the graph {param!r}"
        )
    return np.asarray(param.eval())  # type: ignore[attr-defined]


def finite_support(rv: TensorVariable, max_support: int = MAX_SUPPORT) -> np.ndarray:
    """The values a discrete variable can take, for the families with a finite support.

    Example:
        >>> import ppgraph as pg
        >>> from ppgraph.model.marginal import finite_support
        >>> finite_support(pg.DiscreteUniform.dist(1851, 1855))
        array([1851, 1852, 1853, 1854, 1855])
    """
    assert rv.owner is not None
    op, params = rv.owner.op, rv.owner.inputs[2:]
    if isinstance(op, d_rv.BernoulliRV):
        values = np.arange(2)
    elif isinstance(op, d_rv.CategoricalRV | d_rv.OrderedLogisticRV):
        n = params[-1].type.shape[-1]  # type: ignore[attr-defined]
        if n is None:
            raise NotImplementedError(
                f"cannot marginalize {rv.name!r}: the number of categories must be static"
            )
        values = np.arange(n + (1 if isinstance(op, d_rv.OrderedLogisticRV) else 0))
    elif isinstance(op, d_rv.DiscreteUniformRV):
        lower, upper = _static(rv, params[0], "lower"), _static(rv, params[1], "upper")
        values = np.arange(int(lower.min()), int(upper.max()) + 1)
    elif isinstance(op, d_rv.BinomialRV | d_rv.BetaBinomialRV):
        values = np.arange(int(_static(rv, params[0], "n").max()) + 1)
    else:
        raise NotImplementedError(
            f"cannot marginalize {rv.name!r} ({type(op).__name__}): its support is not finite "
            "(or not known to ppgraph); bound it (e.g. pg.Truncated or a DiscreteUniform) or "
            "marginalize it by hand with pg.Potential"
        )
    if values.size > max_support:
        raise ValueError(
            f"cannot marginalize {rv.name!r}: its support has {values.size} values, more than "
            f"max_support={max_support}"
        )
    return values


class MarginalModel(Model):
    """A model with some discrete variables summed out (made by ``pg.marginalize``)."""

    marginalized: dict[TensorVariable, dict[str, Any]]
    original: Model
    _float: Any

    def _terms(self, rvs: Sequence[TensorVariable], jacobian: bool) -> list[TensorVariable]:
        out: list[TensorVariable] = []
        for rv in rvs:
            carried = [info for info in self.marginalized.values() if info["carrier"] is rv]
            absorbed = any(rv in info["deps"] for info in self.marginalized.values())
            if carried:
                out.append(self._marginal_term(carried[0], jacobian, "logsumexp"))
            elif absorbed:
                out.append(constant(0.0, dtype=str(self._float)))
            else:
                out.extend(super()._terms([rv], jacobian))
        return out

    def _marginal_term(self, info: dict[str, Any], jacobian: bool, mode: str) -> TensorVariable:
        key = ("marginal", info["name"], bool(jacobian), mode)

        def build() -> TensorVariable:
            inner, value = _joint_inner(self.original, info, jacobian)
            term = marginal_logp(inner, value, info["support"], mode)
            return _carry_outer_checks(term, inner, value)

        out: TensorVariable = self._cached(key, build)
        return out


def _joint_inner(model: Model, info: dict[str, Any], jacobian: bool) -> tuple[Any, Any]:
    """The joint log-density of ``d`` and what depends on it, with ``d``'s value free."""
    rv = info["rv"]
    value = model.rvs_to_values[rv]
    terms = model.logp(vars=[rv, *info["deps"]], sum=False, jacobian=jacobian)
    pots = list(info["potentials"])
    pots = clone_replace(pots, model.replacements()) if pots else []
    if info["rowwise"]:
        total = terms[0]
        for t in [*terms[1:], *pots]:
            total = total + t
        return total, value
    total = sum_(terms[0])
    for t in [*terms[1:], *pots]:
        total = total + sum_(t)
    return total, value


def _carry_outer_checks(term: TensorVariable, inner: Variable, value: Variable) -> TensorVariable:
    """Copies of the Checks of ``inner`` whose conditions do not involve ``value``."""
    out = term
    for node in toposort([inner]):
        if isinstance(node.op, Check) and value not in set(ancestors(node.inputs[1:])):
            out = node.op.make_node(out, *node.inputs[1:]).outputs[0]  # type: ignore[assignment]
    return out


def _keeps_rows(node: Any, reached: set[Variable], shape: tuple[Any, ...]) -> bool:
    """Whether ``node`` maps row i of its inputs to row i of its output: the rows
    stay the leading axes, as under elementwise operations, trailing axes added by
    broadcasting, reductions over trailing axes and indexing by the value."""
    nd = len(shape)
    out = node.outputs[0].type
    if out.dtype == "bool" and out.ndim == 0:
        return True  # a guard (all(...)): a condition, not a row of the density
    if tuple(out.shape[:nd]) != tuple(shape):
        return False
    op = node.op
    if isinstance(op, Subtensor):
        return node.inputs[0] not in reached
    if isinstance(op, Elemwise | Cast | Check | DimShuffle):
        return True
    axis = getattr(op, "axis", None)
    return isinstance(axis, tuple) and bool(axis) and min(axis) >= nd


def _rowwise(terms: Sequence[Variable], value: Variable) -> bool:
    """Whether row i of every term depends on row i of ``value`` only."""
    shape = tuple(value.type.shape)  # type: ignore[attr-defined]
    if any(tuple(t.type.shape) != shape for t in terms):  # type: ignore[attr-defined]
        return False
    reached: set[Variable] = {value}  # what depends on the value, found in one forward pass
    for node in toposort(list(terms)):
        if any(v in reached for v in node.inputs):
            if not _keeps_rows(node, reached, shape):
                return False
            reached.update(node.outputs)
    return True


def _dependents(
    model: Model, rv: TensorVariable, ignored: Sequence[Any]
) -> tuple[list[Any], list[Any], list[Any]]:
    """The random variables (but ``ignored``), potentials and deterministics that
    depend on ``rv`` directly."""
    others = [v for v in model._rvs_in_order if v is not rv and v not in ignored]
    deps = [
        v for v in others
        if rv in set(ancestors(v.owner.inputs[2:], blockers=[b for b in others if b is not v]))  # type: ignore[union-attr]
    ]  # fmt: skip
    pots = [p for p in model.potentials if rv in set(ancestors([p], blockers=others))]
    dets = [d for d in model.deterministics if rv in set(ancestors([d], blockers=others))]
    return deps, pots, dets


def marginalize(model: Model, vars: Any = None, max_support: int = MAX_SUPPORT) -> MarginalModel:
    """A new model with the discrete free variables ``vars`` (all of them by default)
    summed out of its log-density; ``model`` itself is unchanged.

    Example:
        >>> import numpy as np, ppgraph as pg
        >>> with pg.Model() as m:
        ...     z = pg.Bernoulli("z", p=0.3)
        ...     y = pg.Normal("y", mu=3.0 * z, sigma=1.0, observed=[2.5])
        >>> mm = pg.marginalize(m, ["z"])
        >>> [v.name for v in mm.value_vars], round(float(mm.compile_logp()({})), 6)
        ([], -2.138008)
    """
    if vars is None:
        rvs = [model.values_to_rvs[v] for v in model.discrete_value_vars]
    else:
        items = vars if isinstance(vars, list | tuple) else [vars]
        rvs = [model[v] if isinstance(v, str) else v for v in items]  # type: ignore[misc]
    free = set(model.free_RVs)
    for rv in rvs:
        if rv not in free or rv.dtype.startswith("float"):
            raise ValueError(f"marginalize: {rv!r} is not a discrete free variable of the model")
    new = _copy_model(model)
    # first those nothing depends on: for every value of the others their mass sums
    # to one, so they drop out of the others' sums too
    forward = [rv for rv in rvs if not any(_dependents(model, rv, [])[:2])]
    for rv in [*forward, *[rv for rv in rvs if rv not in forward]]:
        _remove_one(new, model, rv, rvs, max_support, forward)
    return new


def _copy_model(model: Model) -> MarginalModel:
    new = object.__new__(MarginalModel)
    new.__dict__.update(
        {k: copy.copy(v) if isinstance(v, dict | list) else v for k, v in vars(model).items()}
    )
    new._caches = {"version": 0}
    new.parent = None
    new.marginalized = {}
    new.original = model
    new._float = np.result_type(*[v.dtype for v in model.continuous_value_vars] or ["float64"])
    return new


def _remove_one(
    new: MarginalModel,
    model: Model,
    rv: TensorVariable,
    all_rvs: list[Any],
    max_support: int,
    forwards: list[Any],
) -> None:
    name = str(rv.name)
    deps, pots, dets = _dependents(model, rv, forwards)
    forward = rv in forwards
    try:
        support = finite_support(rv, max_support)
    except NotImplementedError:
        if not forward:  # nothing depends on it: any support sums to one
            raise
        support = np.zeros(0, dtype=int)
    clash = [d for d in deps if d in all_rvs and d not in forwards] + [
        d for info in new.marginalized.values() for d in deps if d in info["deps"]
    ]
    if clash:
        raise NotImplementedError(
            f"cannot marginalize {name!r}: it shares dependents with another marginalized "
            f"variable ({[str(c.name) for c in clash]}); marginalize them jointly by hand"
        )
    value = model.rvs_to_values[rv]
    rowwise = False
    if rv.ndim > 0:
        terms = model.logp(vars=[rv, *deps], sum=False)
        rowwise = not pots and _rowwise(terms, value)
        if not rowwise:
            raise NotImplementedError(
                f"cannot marginalize {name!r} of shape {rv.type.shape}: its rows must each "
                "reach only the same row of what depends on it (elementwise operations and "
                "indexing by it); a joint sum over all its configurations is not done"
            )
    observed = [d for d in deps if d in model.observed_RVs]
    carrier = observed[0] if observed else (deps[0] if deps else None)
    new.free_RVs.remove(rv)
    new.rvs_to_values.pop(rv)
    new.values_to_rvs.pop(value)
    new.rvs_to_transforms.pop(rv, None)
    new.named_vars.pop(name, None)
    for p in pots:
        new.potentials.remove(p)
    for d in dets:
        if d in new.deterministics:  # may depend on an earlier summed variable too
            new.deterministics.remove(d)
        new.named_vars.pop(str(d.name), None)
    # With no dependents (carrier None) the mass sums to one: the term is 0, and
    # the variable is drawn afterwards from its prior given its parents ("forward").
    info = {"name": name, "rv": rv, "support": tuple(int(s) for s in support), "deps": deps,
            "potentials": pots, "rowwise": rowwise, "carrier": carrier,
            "forward": forward}  # fmt: skip
    new.marginalized[rv] = info
