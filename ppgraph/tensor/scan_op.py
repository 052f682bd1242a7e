"""The ``Scan`` op: a loop over the steps of a graph it holds (see ``scan.py``
for the user-facing ``pt.scan``), and the lifting of a step's Checks out of
the loop, shared by ``scan`` and the loops' log-densities.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ppgraph.graph.basic import Apply, Constant, Op, Variable
from ppgraph.graph.traversal import toposort
from ppgraph.tensor.check import Check
from ppgraph.tensor.type import TensorType, as_tensor_variable

__all__ = ["Scan", "ScanOutputError", "guard_outputs", "lift_checks", "map_steps"]


class ScanOutputError(TypeError):
    """The step function returned an output that does not match its ``outputs_info``."""


@dataclasses.dataclass(frozen=True)
class Scan(Op):
    """A loop over ``n_steps`` steps of the held step graph.

    Outer inputs: ``n_steps`` (when ``has_n_steps``; else the shortest sequence
    sets it), the sequences (one per tap, already shifted), the initial
    buffers of the fed-back outputs (``K`` past values for taps down to
    ``-K``), then the non-sequences. ``inner_inputs`` are their stand-ins in
    the same order, with one stand-in per tap of a fed-back output.
    ``taps[i]`` are output ``i``'s taps (``()`` when it is not fed back).
    Each output is the outputs of all steps, stacked along axis 0. With
    ``until``, the last inner output is the step's stopping condition: the
    loop stops after the first step where it holds, and the rows of the steps
    not run repeat the last step run (the length stays ``n_steps``).
    """

    inner_inputs: tuple[Variable, ...]
    inner_outputs: tuple[Variable, ...]
    n_seqs: int
    taps: tuple[tuple[int, ...], ...]
    has_n_steps: bool = True
    name: str = "scan_fn"
    until: bool = False

    default_output: ClassVar[int | None] = None

    @property
    def n_taps(self) -> int:
        return sum(len(t) for t in self.taps)

    @property
    def recurrent(self) -> list[int]:
        """Indices of the outputs fed back to the next step."""
        return [i for i, t in enumerate(self.taps) if t]

    @property
    def n_nonseqs(self) -> int:
        return len(self.inner_inputs) - self.n_seqs - self.n_taps

    def make_node(self, *args: Any) -> Apply:
        vs = [a if isinstance(a, Variable) else as_tensor_variable(a) for a in args]
        n_outer = int(self.has_n_steps) + self.n_seqs + len(self.recurrent) + self.n_nonseqs
        if len(vs) != n_outer:
            raise TypeError(f"{self}: expected {n_outer} inputs, got {len(vs)}")
        n_steps, outer = (vs[0], vs[1:]) if self.has_n_steps else (None, vs)
        inner = iter(self.inner_inputs)
        for seq in outer[: self.n_seqs]:
            _check_stacked(self, seq, next(inner), "sequence")
        for i, init in zip(self.recurrent, outer[self.n_seqs :], strict=False):
            stand = [next(inner) for _ in self.taps[i]]
            _check_stacked(self, init, stand[0], f"outputs_info[{i}]")
        for ns, stand_in in zip(outer[self.n_seqs + len(self.recurrent) :], inner, strict=True):
            if not (stand_in.type.is_super(ns.type) or ns.type.is_super(stand_in.type)):
                raise TypeError(
                    f"{self}: non-sequence for {stand_in!r} must have type {stand_in.type}, "
                    f"got {ns.type}"
                )
        length = _static_length(n_steps, outer[: self.n_seqs])
        for seq in outer[: self.n_seqs] if isinstance(n_steps, Constant) else ():
            have = seq.type.shape[0]  # type: ignore[attr-defined]
            if have is not None and length is not None and have < length:
                raise ValueError(f"{self}: n_steps is {length}, but a sequence has {have} steps")
        types = [_stacked_type(o, length) for o in self.inner_outputs]
        return Apply(self, vs, types)

    def props_str(self) -> str:
        return f"{self.name}, until" if self.until else self.name


def _check_stacked(op: Scan, outer: Variable, inner: Variable, what: str) -> None:
    """``outer`` must stack values of ``inner``'s type along a first axis."""
    ot, it = outer.type, inner.type
    ok = (
        isinstance(ot, TensorType)
        and isinstance(it, TensorType)
        and ot.dtype == it.dtype
        and len(ot.shape) == len(it.shape) + 1
    )
    if not ok:
        raise TypeError(f"{op}: the {what} {outer!r} of type {ot} does not stack values of {it}")


def _static_length(n_steps: Variable | None, seqs: Sequence[Variable]) -> int | None:
    if isinstance(n_steps, Constant):
        return int(n_steps.data)
    lengths = [s.type.shape[0] for s in seqs if isinstance(s.type, TensorType)]
    if n_steps is None and lengths and None not in lengths:
        return min(n for n in lengths if n is not None)
    return None


def _stacked_type(inner: Variable, length: int | None) -> TensorType:
    t = inner.type
    assert isinstance(t, TensorType)
    return TensorType(t.dtype, (length, *t.shape))


def lift_checks(
    outputs: Sequence[Variable],
) -> tuple[list[Variable], list[tuple[Check, list[Variable]]]]:
    """``outputs`` rebuilt without their Check nodes, and those Checks with their
    conditions (each reduced to one boolean), to evaluate outside a loop.

    Example:
        >>> import ppgraph.tensor as pt
        >>> s = pt.scalar("s")
        >>> [out], checks = lift_checks([pt.check(2.0 * s, s > 0, msg="s > 0")])
        >>> str(out.owner.op), [str(op) for op, _ in checks]
        ('Elemwise{mul}', ['Check{s > 0}'])
    """
    from ppgraph.tensor.reduction import all as all_

    memo: dict[Variable, Variable] = {}
    checks: list[tuple[Check, list[Variable]]] = []
    for node in toposort(outputs):
        ins = [memo.get(v, v) for v in node.inputs]
        if isinstance(node.op, Check):
            conds = [c if c.ndim == 0 else all_(c) for c in ins[1:]]  # type: ignore[attr-defined]
            checks.append((node.op, conds))
            memo[node.outputs[0]] = ins[0]
            continue
        if all(a is b for a, b in zip(ins, node.inputs, strict=True)):
            continue
        new = node.op.make_node(*ins)
        for old, out in zip(node.outputs, new.outputs, strict=True):
            out.name = old.name
            memo[old] = out
    return [memo.get(o, o) for o in outputs], checks


def guard_outputs(
    values: list[Variable], flags: list[Variable], checks: list[tuple[Check, list[Variable]]]
) -> list[Variable]:
    """The loop's outputs under its lifted Checks, each condition held at every step."""
    from ppgraph.tensor.reduction import all as all_

    flag_seqs = iter(flags)
    guards = [(op, [all_(next(flag_seqs)) for _ in conds]) for op, conds in checks]
    out = []
    for v in values:
        for op, conds in guards:
            v = op(v, *conds)
        out.append(v)
    return out


def map_steps(
    outputs: Sequence[Variable],
    fn: Callable[[Variable], Variable | None],
    outer: bool = False,
) -> list[Variable]:
    """``outputs`` rebuilt with ``fn`` applied to each variable of every loop's
    step graph (nested loops too; with ``outer``, of the outer graph as well):
    where ``fn`` returns a variable, it replaces that one. The graph is rebuilt
    in order, so ``fn`` sees each variable with its inputs already replaced
    (a draw whose parameter is another draw gets that draw's replacement).
    What a walk of the outer graph cannot do, as the step graph is held by the
    ``Scan`` node (e.g. a starting point with each draw of the step at its median).

    Example:
        >>> import ppgraph.tensor as pt
        >>> x = pt.vector("x")
        >>> doubled = pt.scan(lambda x_t: 2.0 * x_t, sequences=x, return_updates=False)
        >>> def to_add(v):
        ...     node = v.owner
        ...     if node is not None and str(node.op) == "Elemwise{mul}":
        ...         return node.inputs[0] + node.inputs[1]
        >>> [plus] = map_steps([doubled], to_add)
        >>> plus.eval({x: [1.0, 3.0]})
        array([3., 5.])
    """
    return _rebuild(outputs, fn, outer, ())


def _rebuild(
    outputs: Sequence[Variable],
    fn: Callable[[Variable], Variable | None],
    apply_here: bool,
    blockers: Sequence[Variable],
) -> list[Variable]:
    memo: dict[Variable, Variable] = {}
    for node in toposort(outputs, blockers=blockers):
        ins = [memo.get(v, v) for v in node.inputs]
        op = node.op
        if isinstance(op, Scan):
            inner = _rebuild(op.inner_outputs, fn, True, op.inner_inputs)
            if any(a is not b for a, b in zip(inner, op.inner_outputs, strict=True)):
                op, ins = _without_unused_nonseqs(
                    dataclasses.replace(op, inner_outputs=tuple(inner)), ins
                )
        outs = node.outputs
        if op is not node.op or any(a is not b for a, b in zip(ins, node.inputs, strict=True)):
            outs = op.make_node(*ins).outputs
            for old, out in zip(node.outputs, outs, strict=True):
                out.name = old.name
        for old, out in zip(node.outputs, outs, strict=True):
            new = fn(out) if apply_here else None
            if new is not None or out is not old:
                memo[old] = out if new is None else new
    return [memo.get(o, o) for o in outputs]


def _without_unused_nonseqs(op: Scan, ins: list[Variable]) -> tuple[Scan, list[Variable]]:
    """``op`` and its outer inputs without the non-sequences its step no longer reads
    (a draw's key, once the draw is replaced)."""
    from ppgraph.graph.traversal import ancestors

    used = set(ancestors(op.inner_outputs, blockers=op.inner_inputs))
    start = len(op.inner_inputs) - op.n_nonseqs
    outer_start = len(ins) - op.n_nonseqs
    keep = [k for k in range(op.n_nonseqs) if op.inner_inputs[start + k] in used]
    inner_inputs = (*op.inner_inputs[:start], *(op.inner_inputs[start + k] for k in keep))
    outer = [*ins[:outer_start], *(ins[outer_start + k] for k in keep)]
    return dataclasses.replace(op, inner_inputs=inner_inputs), outer
