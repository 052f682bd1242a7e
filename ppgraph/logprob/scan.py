"""The log-density of a loop whose step draws a random variable.

For ``x = pt.scan(step, outputs_info=x0, ...)`` with ``step`` returning a
random variable (PyMC's way of writing an AR, a GARCH or an HMM inside
``CustomDist(dist=...)``), the density of the whole sequence at a value ``v``
factorizes over the steps: step ``t``'s density is the step variable's
density at ``v[t]``, with the previous values of ``x`` taken from ``v`` (and
from the initial values before ``v[0]``). Given ``v``, no step depends on
another, so the log-density is a new loop with no feedback over the
sequences, ``v`` and ``v`` shifted by each tap: the JAX backend vectorizes it
(``jax.vmap``) rather than looping. When the step's density also reads
fed-back outputs computed without a draw (a GARCH volatility), those are
computed again along ``v``, in a loop. Parameter Checks of the step hold at
every step and guard the result.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import ancestors, clone_replace
from ppgraph.logprob.basic import _as_value, _measurable_logprob, split_checks, wrap_checks
from ppgraph.random.op import is_random_variable
from ppgraph.tensor import math as m
from ppgraph.tensor.elemwise import cast
from ppgraph.tensor.reduction import all as all_
from ppgraph.tensor.scan_op import Scan, guard_outputs, lift_checks
from ppgraph.tensor.shape import concatenate
from ppgraph.tensor.type import TensorVariable, as_tensor_variable

__all__ = ["scan_logp"]


def _refuse(var: Variable, why: str) -> NotImplementedError:
    return NotImplementedError(
        f"logp of {var!r}: {why}. A loop has a density when each step draws the output "
        "whose value is given, from previous values of it, of outputs computed without "
        "drawing, sequences and non-sequences"
    )


def _integers(var: Variable, value: TensorVariable) -> tuple[TensorVariable, Any]:
    """A float value of a discrete output as integers, and where it was one (None
    when it has the output's dtype): off the integers the mass is -inf."""
    if value.dtype == var.type.dtype:  # type: ignore[attr-defined]
        return value, None
    integral = m.eq(value, m.floor(value))
    return cast(m.where(integral, value, 0.0), var.type.dtype), integral  # type: ignore[attr-defined]


def _tap_inputs(op: Scan) -> dict[int, list[Variable]]:
    """The stand-ins of each fed-back output's taps, by output index."""
    it = iter(op.inner_inputs[op.n_seqs : op.n_seqs + op.n_taps])
    return {i: [next(it) for _ in op.taps[i]] for i in op.recurrent}


def _step_graphs(
    op: Scan, i: int, var: Variable
) -> tuple[TensorVariable, Variable, dict[int, Variable]]:
    """Step ``t``'s log-density graph, the stand-in for ``v[t]`` it is a graph
    of, and the fed-back outputs it needs (by index): outputs computed without
    a draw, as graphs of ``v[t]`` where they read the valued output."""
    from ppgraph.logprob.basic import logp

    step_out = op.inner_outputs[i]
    v_t = step_out.type.make_variable(name="value_t")
    try:
        lp = logp(step_out, v_t)
    except TypeError as exc:
        raise _refuse(var, f"its step output {i} is not random ({exc})") from None
    taps = _tap_inputs(op)
    owner = {v: j for j, vs in taps.items() if j != i for v in vs}
    carried: dict[int, Variable] = {}
    todo: list[Variable] = [lp]
    while todo:
        graph = todo.pop()
        for v in ancestors([graph], blockers=op.inner_inputs):
            if is_random_variable(v):
                raise _refuse(var, f"its step's density depends on {v!r}, a draw with no value")
            j = owner.get(v)
            if j is not None and j not in carried:
                [carried[j]] = clone_replace([op.inner_outputs[j]], {step_out: v_t})
                todo.append(carried[j])
    return lp, v_t, dict(sorted(carried.items()))


@_measurable_logprob.register(Scan)
def scan_logp(op: Scan, var: TensorVariable, value: Any) -> TensorVariable:
    """The log-density of ``var`` (an output of a loop whose step draws it) at
    ``value``: one term per step, stacked as the output is.

    Other fed-back outputs the step's density reads (a GARCH volatility
    computed from the previous values) are computed again along the values,
    in a loop; without them the density is one vectorized pass.

    Example:
        >>> import numpy as np
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> # a Gaussian random walk from 0, written as a loop
        >>> walk = pt.scan(lambda x_tm1: pg.Normal.dist(x_tm1, 1.0),
        ...                outputs_info=pt.constant(0.0), n_steps=3, return_updates=False)
        >>> pg.logp(walk, [0.5, 1.0, 1.0]).eval().round(6)
        array([-1.043939, -1.043939, -0.918939])
    """
    out, outer_checks = split_checks(var)
    node = out.owner
    assert node is not None and out.index is not None
    i = out.index
    if op.until:
        raise _refuse(var, "it stops early (until), so its length depends on its draws")
    value = _as_value(var, value)
    if value.ndim != var.ndim:
        raise ValueError(
            f"logp of {var!r}: the value {value!r} has type {value.type}, expected {var.type}"
        )
    n_known, v_known = var.type.shape[0], value.type.shape[0]
    if n_known is not None and v_known is not None and n_known != v_known:
        raise ValueError(f"logp of {var!r}: the value has {v_known} steps, the loop {n_known}")
    value, integral = _integers(var, value)
    lp, v_t, carried = _step_graphs(op, i, var)
    [inner], checks = lift_checks([lp])
    flags = [c for _, conds in checks for c in conds]
    n_steps = node.inputs[:1] if op.has_n_steps else []
    outer = node.inputs[len(n_steps) :]
    seqs = outer[: op.n_seqs]
    taps = _tap_inputs(op)
    tap_seqs: list[Variable] = []
    if i in op.recurrent:
        buf = outer[op.n_seqs + op.recurrent.index(i)]
        k_max = -min(op.taps[i])
        series = concatenate([buf[:k_max], value])  # type: ignore[index]
        tap_seqs = [series[k_max + k : k] for k in op.taps[i]]
    inits = [outer[op.n_seqs + op.recurrent.index(j)] for j in carried]
    needed = set(ancestors([inner, *flags, *carried.values()], blockers=op.inner_inputs))
    ns_start = op.n_seqs + op.n_taps
    kept = [
        (stand, o)
        for stand, o in zip(
            op.inner_inputs[ns_start:], outer[len(outer) - op.n_nonseqs :], strict=True
        )
        if stand in needed
    ]
    seq_taps = taps.get(i, [])
    logp_op = Scan(
        (
            *op.inner_inputs[: op.n_seqs],
            v_t,
            *seq_taps,
            *(v for j in carried for v in taps[j]),
            *(stand for stand, _ in kept),
        ),
        (inner, *flags, *carried.values()),
        op.n_seqs + 1 + len(seq_taps),
        (*((),) * (1 + len(flags)), *(op.taps[j] for j in carried)),
        op.has_n_steps,
        f"{op.name}_logp",
    )
    res = logp_op(*n_steps, *seqs, value, *tap_seqs, *inits, *(o for _, o in kept))
    lp_and_flags = res[: 1 + len(flags)]
    [guarded] = guard_outputs(lp_and_flags[:1], lp_and_flags[1:], checks) if checks else res[:1]
    lp_seq = as_tensor_variable(guarded)
    if integral is not None:
        if integral.ndim > lp_seq.ndim:
            integral = all_(integral, axis=tuple(range(lp_seq.ndim, integral.ndim)))
        lp_seq = m.where(integral, lp_seq, -np.inf)
    result = wrap_checks(lp_seq, outer_checks)
    result.name = f"{var.name}_logprob" if var.name else None
    return result
