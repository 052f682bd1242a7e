"""Multivariate rows observed with only some entries missing, imputed as
PyMC 5 does (its ``PartialObservedRV``).

The entries of such a row are dependent, so they cannot be split into two
independent random variables as whole rows are (``missing.py``). Instead
``{name}_unobserved`` is a free variable over the missing entries, flat in C
order, and ``{name}_observed`` is observed at the present ones, flat too;
the density of ``{name}_observed`` is the family's density of the completed
rows, one term per row, and ``{name}_unobserved`` has none of its own (an
empty term), so the joint density is that of the completed array, as in
PyMC. The conditional of the missing entries given the present ones is then
the posterior's business: for ``MvNormal`` it is the Gaussian conditional.
``{name}`` is the completed array, a Deterministic.

Families with a constrained support (``Dirichlet``'s simplex, ``Multinomial``'s
counts summing to ``n``, anything with a default transform) are refused for
partly missing rows: the missing entries of such a row are tied to the
present ones by the constraint. PyMC imputes them without it (the free
entries of a ``Dirichlet`` row are unconstrained reals, so the completed row
need not be on the simplex).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.logprob.basic import _logprob, guard_value, split_checks, wrap_checks
from ppgraph.random.op import RandomVariable, make_rv
from ppgraph.random.partial import PartialObservedRV
from ppgraph.tensor.shape import reshape, zeros
from ppgraph.tensor.subtensor import set_subtensor
from ppgraph.tensor.type import TensorVariable, as_tensor_variable


class _Part:
    """The ``distribution`` of a part: prints as the family, starts at the
    family's support point at the part's entries (PyMC's ``support_point(rv)[mask]``):
    the family's own, else its location ``mu`` (``MvNormal``, ``MvStudentT``)."""

    def __init__(self, family: Any, op: PartialObservedRV) -> None:
        assert op.base is not None
        self.family, self.op = family, op
        self.__name__ = getattr(family, "__name__", "Distribution")
        self.print_name = getattr(family, "print_name", (self.__name__, self.__name__))
        own = getattr(family, "support_point", None)
        if own is not None or "mu" in op.base.params:
            self.support_point = self._support_point

    def _support_point(self, *params: Any) -> Any:
        from ppgraph.tensor.shape import broadcast_to

        assert self.op.base is not None
        base_params = params[: self.op.n_base]
        own = getattr(self.family, "support_point", None)
        if own is not None:
            point = as_tensor_variable(own(*base_params))
        else:
            point = as_tensor_variable(base_params[self.op.base.params.index("mu")])
        full = broadcast_to(point, self.op.full_shape)
        return reshape(full, (-1,))[np.asarray(self.op.take)]


def _completed(op: PartialObservedRV, value: Any, unobserved: Any) -> TensorVariable:
    """The full array from the observed part's ``value`` and the unobserved one."""
    n = int(np.prod(op.full_shape, dtype=int))
    rest = np.setdiff1d(np.arange(n), np.asarray(op.take, dtype=int))
    flat = zeros((n,), dtype=op.dtype)
    flat = set_subtensor(flat[np.asarray(op.take, dtype=int)], value)
    flat = set_subtensor(flat[rest], unobserved)
    return reshape(flat, op.full_shape)


@_logprob.register(PartialObservedRV)
def _partial_logp(op: PartialObservedRV, value: TensorVariable, *params: TensorVariable) -> Any:
    assert op.base is not None
    if op.part == "unobserved":  # its density is in the observed part's
        return zeros((0,), dtype=value.dtype)
    *base_params, unobserved = params
    full = _completed(op, value, unobserved)
    inner, checks = split_checks(as_tensor_variable(_logprob(op.base, full, *base_params)))
    rows = guard_value(full, inner, op.base.ndim_supp)
    return wrap_checks(reshape(rows, (-1,)), checks)


def refuse_constrained(
    full: str, rv: TensorVariable, distribution: Any, mask: np.ndarray, default_transform: Any
) -> None:
    """A NotImplementedError naming the variable and a partly missing row when
    the family is discrete or constrained (see the module's docstring)."""
    assert rv.owner is not None
    op = rv.owner.op
    assert isinstance(op, RandomVariable)
    family = getattr(distribution, "__name__", str(op))
    if not rv.dtype.startswith("float") or default_transform is not None:
        what = "a discrete" if not rv.dtype.startswith("float") else "a constrained"
        core = tuple(range(mask.ndim - op.ndim_supp, mask.ndim))
        row = np.argwhere(mask.any(core) & ~mask.all(core))[0].tolist()
        raise NotImplementedError(
            f"{full}: observed data has a row with only some entries missing (row {row}); "
            f"{family} is {what} family, whose missing entries are tied to the present ones "
            "(a simplex, counts summing to n), so they are not imputed (PyMC imputes them "
            "without the constraint). Drop the row, or its present entries to impute it whole"
        )


def impute_partial(
    model: Any,
    rv: TensorVariable,
    name: str,
    distribution: Any,
    data: np.ndarray,
    mask: np.ndarray,
    dims: Any = None,
    transform: Any = None,
    default_transform: Any = None,
    initval: Any = None,
) -> TensorVariable:
    """Register ``rv`` (multivariate, with rows partly missing under ``mask``)
    as ``{name}_unobserved``, ``{name}_observed`` and the Deterministic ``{name}``."""
    assert rv.owner is not None
    full = model.prefix + name
    op = rv.owner.op
    params = rv.owner.inputs[2:]
    rng = rv.owner.inputs[0]
    flat = mask.reshape(-1)
    miss = tuple(int(i) for i in np.flatnonzero(flat))
    seen = tuple(int(i) for i in np.flatnonzero(~flat))
    assert isinstance(op, RandomVariable)
    shape, n = tuple(data.shape), len(params)
    unobs_op = PartialObservedRV(base=op, full_shape=shape, take=miss, n_base=n)
    obs_op = PartialObservedRV(
        base=op, full_shape=shape, take=seen, part="observed", n_base=n,
        unobserved_name=f"{full}_unobserved",
    )  # fmt: skip
    unobs = model.register_rv(
        make_rv(unobs_op, *params, rng=rng), f"{name}_unobserved", _Part(distribution, unobs_op),
        transform=transform, default_transform=None, initval=initval,
    )  # fmt: skip
    obs = model.register_rv(
        make_rv(obs_op, *params, unobs, rng=rng), f"{name}_observed",
        _Part(distribution, obs_op), observed=data.reshape(-1)[list(seen)],
    )  # fmt: skip
    joined = _completed(obs_op, obs, unobs)
    out: TensorVariable = model.register_named(joined, name, "deterministic", dims)
    return out
