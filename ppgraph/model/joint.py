"""The model's log-density as graphs of its value variables: ``logp``, ``dlogp``, ``d2logp``.

Each random variable is replaced by its value in the constrained space: the
data for an observed one, ``backward(value)`` for a transformed free one, the
value variable itself otherwise. A variable's term is its ``pg.logp`` at that
value, plus ``log |det J|`` of its transform (``jacobian=True``), times its
``total_size`` scale. Graphs are cached until the model changes, so compiling
the same log-density twice reuses the compiled function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import ancestors, clone_replace
from ppgraph.logprob.basic import logp as rv_logp
from ppgraph.logprob.basic import split_checks, wrap_checks
from ppgraph.model.base import ModelState
from ppgraph.random.op import is_random_variable
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.gradient import grad, hessian
from ppgraph.tensor.reduction import sum as sum_
from ppgraph.tensor.type import TensorVariable, as_tensor_variable, constant


class LogpMethods(ModelState):
    """Log-density graphs (mixed into ``pg.Model``)."""

    def _cached(self, key: Any, build: Callable[[], Any]) -> Any:
        if key not in self._caches:
            self._caches[key] = build()
        return self._caches[key]

    @property
    def _rvs_in_order(self) -> list[TensorVariable]:
        named = self.named_vars.values()
        return [v for v in named if isinstance(v, TensorVariable) and v in self.rvs_to_values]

    def replacements(self) -> dict[Variable, Variable]:
        """Each random variable -> its constrained value, a graph of value variables and data.

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as m:
            ...     s = pg.HalfNormal("s", 1.0)
            >>> str(m.replacements()[s].owner.op)
            'Elemwise{exp}'
        """

        def build() -> dict[Variable, Variable]:
            repl: dict[Variable, Variable] = {}
            for rv in self._rvs_in_order:
                value = self.rvs_to_values[rv]
                tr = self.rvs_to_transforms.get(rv)
                if tr is not None:
                    assert rv.owner is not None
                    [back] = clone_replace([tr.backward(value, *rv.owner.inputs[2:])], repl)
                    repl[rv] = back
                else:
                    repl[rv] = value
            return repl

        return dict(self._cached("replacements", build))

    def _select(self, vars: Any) -> list[TensorVariable]:
        """Random variables from RVs, value variables or their names (all for None)."""
        if vars is None:
            return self._rvs_in_order
        items = list(vars) if isinstance(vars, list | tuple) else [vars]
        by_value_name = {str(v.name): v for v in self.value_vars}
        out = []
        for item in items:
            var = item
            if isinstance(item, str):
                var = by_value_name[item] if item in by_value_name else self[item]
            var = self.values_to_rvs.get(var, var) if isinstance(var, TensorVariable) else var
            if not isinstance(var, TensorVariable) or var not in self.rvs_to_values:
                raise ValueError(
                    f"{item!r} is not a random variable or value variable of the model"
                )
            out.append(var)
        return out

    def _terms(self, rvs: Sequence[TensorVariable], jacobian: bool) -> list[TensorVariable]:
        terms = []
        for rv in rvs:
            assert rv.owner is not None
            params = rv.owner.inputs[2:]
            value = self.rvs_to_values[rv]
            tr = self.rvs_to_transforms.get(rv)
            term = rv_logp(rv, value if tr is None else tr.backward(value, *params))
            if tr is not None and jacobian:
                term, ljd = _align(term, tr.log_jac_det(value, *params))
                term = term + ljd
            size = self.rvs_to_total_sizes.get(rv)
            if size is not None:
                term = term * _scale(size, value)
            terms.append(term)
        return terms

    def logp(self, vars: Any = None, sum: bool = True, jacobian: bool = True) -> Any:
        """The joint log-density: a scalar graph, or with ``sum=False`` a list of
        elementwise terms, one per random variable (then one per potential).

        ``vars`` limits it to some random variables (potentials are then left out);
        ``jacobian=False`` leaves out the transforms' log-determinants.

        Example:
            >>> import ppgraph as pg, ppgraph.tensor as pt
            >>> with pg.Model() as m:
            ...     mu = pg.Normal("mu", mu=0, sigma=2)
            ...     sigma = pg.HalfNormal("sigma", sigma=3)
            >>> mu_v, s_v = m.value_vars
            >>> pt.stack(m.logp(sum=False)).eval({mu_v: 0, s_v: -10})
            array([ -1.61208571, -11.32440364])
        """
        rvs = self._select(vars)
        key = ("logp", tuple(rvs), vars is None, bool(sum), bool(jacobian))

        def build() -> Any:
            own: list[Variable] = list(self._terms(rvs, jacobian))
            if vars is None:
                own += self.potentials
            terms = clone_replace(own, self.replacements()) if own else []
            _no_free_randomness(terms)
            if not sum:
                return terms
            if not terms:
                return constant(0.0, dtype=_float_dtype(self))
            sums = [sum_term(t) for t in map(as_tensor_variable, terms)]
            total = sums[0]
            for t in sums[1:]:
                total = total + t
            return total

        out = self._cached(key, build)
        return list(out) if isinstance(out, list) else out

    def _wrt(self, vars: Any) -> list[TensorVariable]:
        if vars is None:
            wrt = [v for v in self.value_vars if v.dtype.startswith("float")]
        else:
            wrt = [self.rvs_to_values[rv] for rv in self._select(vars)]
            bad = [v for v in wrt if v not in self.values_to_rvs or v not in self.value_vars]
            if bad:
                raise ValueError(f"can only differentiate w.r.t. free value variables, got {bad}")
        if not wrt:
            raise ValueError("the model has no continuous free variables to differentiate")
        return wrt

    def dlogp(self, vars: Any = None, jacobian: bool = True) -> TensorVariable:
        """The gradient of ``logp()`` w.r.t. the (continuous) value variables,
        flattened and concatenated in ``value_vars`` order.

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as m:
            ...     x = pg.Normal("x", mu=1.0, sigma=2.0, shape=2)
            >>> m.dlogp().eval({m.value_vars[0]: [0.0, 3.0]})
            array([ 0.25, -0.5 ])
        """
        wrt = self._wrt(vars)

        def build() -> TensorVariable:
            out: TensorVariable = grad(self.logp(jacobian=jacobian), wrt, flat=True)
            return out

        out: TensorVariable = self._cached(("dlogp", tuple(wrt), jacobian), build)
        return out

    def d2logp(self, vars: Any = None, jacobian: bool = True) -> TensorVariable:
        """The Hessian of ``logp()`` (not negated) w.r.t. the value variables, a
        square matrix over ``dlogp``'s flat vector.

        Example:
            >>> import ppgraph as pg
            >>> with pg.Model() as m:
            ...     x = pg.Normal("x", mu=1.0, sigma=2.0, shape=2)
            >>> m.d2logp().eval({m.value_vars[0]: [0.0, 3.0]}) + 0.0  # -0.0 prints as 0.0
            array([[-0.25,  0.  ],
                   [ 0.  , -0.25]])
        """
        wrt = self._wrt(vars)

        def build() -> TensorVariable:
            return hessian(self.logp(jacobian=jacobian), wrt)

        out: TensorVariable = self._cached(("d2logp", tuple(wrt), jacobian), build)
        return out


def sum_term(term: TensorVariable) -> TensorVariable:
    """The sum of a log-density term; root Checks whose conditions are all
    scalars are applied to the sum, not elementwise to the term (one select on a
    scalar instead of one per element, with the same value in every mode)."""
    if term.ndim == 0:
        return term
    inner, checks = split_checks(term)
    if checks and all(as_tensor_variable(c).ndim == 0 for _, conds in checks for c in conds):
        return wrap_checks(sum_(inner), checks)
    return sum_(term)


def _align(term: TensorVariable, ljd: TensorVariable) -> tuple[TensorVariable, TensorVariable]:
    """Sum the trailing dims of whichever has more, so the two can be added."""
    if ljd.ndim > term.ndim:
        ljd = sum_(ljd, axis=tuple(range(term.ndim, ljd.ndim)))
    elif term.ndim > ljd.ndim:
        term = sum_(term, axis=tuple(range(ljd.ndim, term.ndim)))
    return term, ljd


def _scale(total_size: int, value: TensorVariable) -> Any:
    """``total_size / batch size`` (the batch is the first dim of the data)."""
    if value.ndim == 0:
        return float(total_size)
    dtype = value.dtype if value.dtype.startswith("float") else "float64"
    return constant(float(total_size), dtype=dtype) / cast(value.shape[0], dtype)


def _float_dtype(model: ModelState) -> str:
    dtypes = [v.dtype for v in model.rvs_to_values.values() if v.dtype.startswith("float")]
    return str(np.result_type(*dtypes)) if dtypes else "float64"


def _no_free_randomness(terms: Sequence[Variable]) -> None:
    for v in ancestors(list(terms)):
        if is_random_variable(v):
            raise ValueError(
                f"the model's log-density depends on the random variable {v!r}, which is not "
                "registered in the model; create it with pg.<Dist>(name, ...) inside the model"
            )
