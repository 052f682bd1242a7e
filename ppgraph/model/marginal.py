"""``pg.marginalize``: discrete free variables summed out of a model's log-density.

The original model is left as it is (PyMC's value variables, terms and
initial point). ``marginalize(model, vars)`` returns a new model without the
discrete variables: for each one, ``d``, its term and the terms of the
variables and potentials that depend on it directly are replaced by

    log sum_k exp(logp_d(s_k) + sum of the dependent terms at d = s_k)

over the finite support ``s_1..s_K`` (``ppgraph.tensor.marginal``). A scalar
``d`` is summed out of the whole joint; a vector of independent per-row
variables (``z[i]`` reaching only row ``i`` of its dependents, through
elementwise operations and indexing by ``z``) is summed out row by row.
Variables that share a dependent (or where one depends on another), and a
vector whose rows do not stay apart, are summed jointly over their product
space (``joint_support``), at most ``max_support`` configurations. The
sum sits on the first observed dependent, so pointwise log-likelihoods are the
marginal ones.

After sampling, ``recover_marginals`` draws each discrete variable from its
exact conditional given each draw of the continuous ones (as NumPyro's
``infer_discrete`` and pymc-extras' ``recover_marginals``).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ppgraph.graph.basic import Constant, Variable
from ppgraph.graph.traversal import ancestors, clone_replace, graph_inputs, toposort
from ppgraph.model.core import Model
from ppgraph.model.joint import sum_term
from ppgraph.random import discrete as d_rv
from ppgraph.tensor.check import Check
from ppgraph.tensor.elemwise import Cast, DimShuffle, Elemwise
from ppgraph.tensor.marginal import marginal_logp, static_size
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
            inner, values = _joint_inner(self.original, info, jacobian)
            term = marginal_logp(inner, values, info["support"], mode)
            return _carry_outer_checks(term, inner, values)

        out: TensorVariable = self._cached(key, build)
        return out


def _joint_inner(model: Model, info: dict[str, Any], jacobian: bool) -> tuple[Any, list[Any]]:
    """The joint log-density of the summed variables and what depends on them,
    with their values free."""
    rvs = info["rvs"]
    values = [model.rvs_to_values[rv] for rv in rvs]
    terms = model.logp(vars=[*rvs, *info["deps"]], sum=False, jacobian=jacobian)
    pots = list(info["potentials"])
    pots = clone_replace(pots, model.replacements()) if pots else []
    if info["rowwise"]:
        total = terms[0]
        for t in [*terms[1:], *pots]:
            total = total + t
        return total, values
    # scalar Checks applied to each term's sum, not per element: the sum rules
    # (lifting, fixed terms summed once) then see the bare log-density
    total = sum_term(terms[0])
    for t in [*terms[1:], *pots]:
        total = total + sum_term(t)
    return total, values


def _carry_outer_checks(term: TensorVariable, inner: Variable, values: list[Any]) -> TensorVariable:
    """``term`` guarded by the conditions of ``inner``'s Checks that involve none of
    ``values``, so that the function's check mode (raise: an error naming the
    variable) applies to them; those that involve a summed value stay inside the
    sum, in the -inf mode (an impossible value of it adds nothing)."""
    out = term
    summed = set(values)
    for node in toposort([inner]):
        if not isinstance(node.op, Check):
            continue
        conds, op = node.inputs[1:], node.op
        plain = len(conds) - len(op.nan)
        keep = [i for i, c in enumerate(conds) if not summed & set(ancestors([c]))]
        if keep:
            nan = tuple(op.nan[i - plain] for i in keep if i >= plain)
            op = dataclasses.replace(op, nan=nan)
            out = op.make_node(out, *[conds[i] for i in keep]).outputs[0]  # type: ignore[assignment]
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
    summed out of its log-density; ``model`` itself is unchanged. Variables that
    share a dependent are summed jointly; a support (or a joint one) of more
    than ``max_support`` values is a ``ValueError`` naming the variables and
    the size.

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
    for rv in forward:
        _remove(new, model, [rv], max_support, forward)
    for group in _groups(model, [rv for rv in rvs if rv not in forward], forward):
        _remove(new, model, group, max_support, forward)
    return new


def _groups(model: Model, rvs: list[Any], forward: list[Any]) -> list[list[Any]]:
    """``rvs`` in groups summed jointly: two are together when one depends on the
    other or they share a dependent (a variable or a potential)."""
    reach = {}
    for rv in rvs:
        deps, pots, _ = _dependents(model, rv, forward)
        reach[rv] = {*deps, *pots}
    group = {rv: i for i, rv in enumerate(rvs)}
    for a in rvs:
        for b in rvs:
            if group[a] != group[b] and (b in reach[a] or a in reach[b] or reach[a] & reach[b]):
                old, new = group[b], group[a]
                group = {rv: new if g == old else g for rv, g in group.items()}
    return [[rv for rv in rvs if group[rv] == g] for g in dict.fromkeys(group.values())]


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


def joint_support(rvs: Sequence[TensorVariable], max_support: int = MAX_SUPPORT) -> tuple:
    """Every configuration of ``rvs`` together (the product of their supports,
    each variable's entries flattened), as the rows of a joint sum.

    Example:
        >>> import ppgraph as pg
        >>> from ppgraph.model.marginal import joint_support
        >>> joint_support([pg.Bernoulli.dist(0.5), pg.Bernoulli.dist(0.5, shape=2)])[:3]
        ((0, 0, 0), (0, 0, 1), (0, 1, 0))
    """
    names = [str(rv.name) for rv in rvs]
    per, total = [], 1
    for rv in rvs:
        if any(d is None for d in rv.type.shape):
            raise NotImplementedError(
                f"cannot marginalize {names} jointly: {rv.name!r} needs a static shape, "
                f"got {rv.type}"
            )
        size = static_size(rv)
        values = finite_support(rv, max_support)
        per.append(itertools.product(values.tolist(), repeat=size))
        total *= values.size**size
    if total > max_support:
        raise ValueError(
            f"cannot marginalize {names} jointly: together they have {total} configurations, "
            f"more than max_support={max_support}"
        )
    return tuple(tuple(x for part in c for x in part) for c in itertools.product(*per))


def _remove(
    new: MarginalModel, model: Model, group: list[Any], max_support: int, forwards: list[Any]
) -> None:
    """Take the variables of ``group`` out of ``new`` and record how they are summed."""
    names = [str(rv.name) for rv in group]
    found = [_dependents(model, rv, forwards) for rv in group]
    deps, pots, dets = (
        [x for x in dict.fromkeys(x for f in found for x in f[i]) if x not in group]
        for i in range(3)
    )
    forward = group[0] in forwards
    value = model.rvs_to_values[group[0]]
    rowwise = False
    if len(group) > 1:
        support: Any = joint_support(group, max_support)
    else:
        support = _support_one(group[0], max_support, forward)
        if group[0].ndim > 0:
            terms = model.logp(vars=[group[0], *deps], sum=False)
            rowwise = not pots and _rowwise(terms, value)
            if not rowwise:
                _joint_or_refuse(group[0], max_support)
                support = joint_support(group, max_support)
    observed = [d for d in deps if d in model.observed_RVs]
    carrier = observed[0] if observed else (deps[0] if deps else None)
    for rv in group:
        new.free_RVs.remove(rv)
        value = new.rvs_to_values.pop(rv)
        new.values_to_rvs.pop(value)
        new.rvs_to_transforms.pop(rv, None)
        new.named_vars.pop(str(rv.name), None)
    for p in pots:
        new.potentials.remove(p)
    for d in dets:
        if d in new.deterministics:  # may depend on an earlier summed variable too
            new.deterministics.remove(d)
        new.named_vars.pop(str(d.name), None)
    # With no dependents (carrier None) the mass sums to one: the term is 0, and
    # the variable is drawn afterwards from its prior given its parents ("forward").
    info = {"name": ", ".join(names), "rvs": list(group), "support": support, "deps": deps,
            "potentials": pots, "rowwise": rowwise, "carrier": carrier,
            "forward": forward}  # fmt: skip
    new.marginalized[group[0]] = info


def _support_one(rv: TensorVariable, max_support: int, forward: bool) -> tuple[int, ...]:
    try:
        support = finite_support(rv, max_support)
    except NotImplementedError:
        if not forward:  # nothing depends on it: any support sums to one
            raise
        support = np.zeros(0, dtype=int)
    return tuple(int(s) for s in support)


def _joint_or_refuse(rv: TensorVariable, max_support: int) -> None:
    """A vector variable whose rows reach other rows: summed over all its
    configurations when there are few enough, else an error saying why."""
    try:
        joint_support([rv], max_support)
    except ValueError as e:
        raise ValueError(
            f"cannot marginalize {rv.name!r} of shape {rv.type.shape}: its rows do not each "
            "reach only the same row of what depends on it (elementwise operations and "
            f"indexing by it), and the joint sum is too large: {e}"
        ) from None
