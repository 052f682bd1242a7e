"""The rewrite engine: declarative pattern rules and a fixed-point driver.

A rule is ``Rule(pattern, replacement)``. A pattern is

- a tuple ``(op, *subpatterns)``, where ``op`` names an elementwise row
  (``"mul"``) or an op class (``"Check"``); commutative rows also match with
  their two operands swapped;
- a lowercase name binding a variable (``"a"``); a name used twice must bind
  the same variable (equal subgraphs are merged first, so this is identity);
- a number, matching a constant whose every element equals it;
- ``(op, ...)``: any inputs (a function replacement reads the match as ``b["_"]``).

A replacement is a bound name, a tuple ``(op, *subreplacements)`` built with
the elementwise table, or a function of the bindings returning a variable (or
None to decline). A replacement is taken only when its type fits the matched
output (same dtype, rank and no lost broadcasting); otherwise it is skipped.

The driver rebuilds the graph bottom-up once per pass, merging equal nodes
(hash-consing), folding constants and applying rules at each node until none
fires; passes repeat until nothing changes. Nodes are never edited in place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

import numpy as np

from ppgraph.graph.basic import Apply, Constant, Op, Variable
from ppgraph.graph.traversal import toposort
from ppgraph.tensor.elemwise import DimShuffle, Elemwise, elemwise
from ppgraph.tensor.type import TensorConstant, TensorType, TensorVariable

Pattern = Any
Bindings = dict[str, Variable]
Replacement = str | tuple[Any, ...] | Callable[[Bindings], Variable | None]

FOLD_MAX_SIZE = 4096  # constants larger than this are not created by folding


@dataclasses.dataclass(frozen=True)
class Rule:
    """``pattern -> replacement``; ``name`` shows up in traces and tests."""

    name: str
    pattern: Pattern
    replacement: Replacement

    @property
    def root(self) -> str:
        return self.pattern[0] if isinstance(self.pattern, tuple) else "*"


def op_key(op: Op) -> str:
    """The name a pattern uses for an op: the elementwise row or the class name."""
    return op.scalar_op if isinstance(op, Elemwise) else type(op).__name__


def constant_value(var: Variable) -> np.ndarray | None:
    """The value of a constant, seeing through DimShuffles of constants."""
    while var.owner is not None and isinstance(var.owner.op, DimShuffle):
        var = var.owner.inputs[0]
    return var.data if isinstance(var, TensorConstant) else None


def _match(pattern: Pattern, var: Variable, b: Bindings) -> bool:
    if isinstance(pattern, str):
        bound = b.get(pattern)
        if bound is None:
            b[pattern] = var
            return True
        return bound is var
    if isinstance(pattern, int | float):
        value = constant_value(var)
        return value is not None and value.size > 0 and bool(np.all(value == pattern))
    owner = var.owner
    if owner is None or op_key(owner.op) != pattern[0] or len(owner.outputs) != 1:
        return False
    subs = pattern[1:]
    if subs == (Ellipsis,):
        return True
    if len(subs) != len(owner.inputs):
        return False
    trial = dict(b)
    if all(_match(p, v, trial) for p, v in zip(subs, owner.inputs, strict=True)):
        b.update(trial)
        return True
    op = owner.op
    if isinstance(op, Elemwise) and op.info.commutative and len(subs) == 2:
        trial = dict(b)
        if _match(subs[0], owner.inputs[1], trial) and _match(subs[1], owner.inputs[0], trial):
            b.update(trial)
            return True
    return False


def _build(rep: Replacement, b: Bindings) -> Variable | None:
    if isinstance(rep, str):
        return b[rep]
    if isinstance(rep, tuple):
        args = [_build(r, b) if isinstance(r, str | tuple) else r for r in rep[1:]]
        if any(a is None for a in args):
            return None
        return elemwise(rep[0], *args)
    return rep(b)


def fits(new: Variable, old: Variable) -> bool:
    """True when ``new`` can stand for ``old``: same dtype and rank, and no dim
    where ``old`` broadcasts to more than ``new`` provides."""
    nt, ot = new.type, old.type
    if not isinstance(nt, TensorType) or not isinstance(ot, TensorType):
        return nt == ot
    if nt.dtype != ot.dtype or nt.ndim != ot.ndim:
        return False
    return all(
        n == o or (o is None and n is not None and n != 1)
        for n, o in zip(nt.shape, ot.shape, strict=True)
    )


class Rewriter:
    """One rebuild of a graph: hash-consing, constant folding, rules."""

    def __init__(self, rules: Sequence[Rule], fold: bool = True) -> None:
        self.by_root: dict[str, list[Rule]] = {}
        for r in rules:
            self.by_root.setdefault(r.root, []).append(r)
        self.fold = fold
        self.nodes: dict[tuple[Any, ...], Apply] = {}
        self.consts: dict[tuple[Any, ...], Constant] = {}
        self.changed = False
        self.fired: list[str] = []

    def canonical(self, var: Variable) -> Variable:
        """One object per equal small constant."""
        if isinstance(var, TensorConstant) and var.name is None:
            return self.consts.setdefault(var.signature(), var)
        return var

    def make(self, op: Op, inputs: Sequence[Variable], old: Apply | None = None) -> Apply:
        """The node ``op(inputs)``, reusing an equal one already built."""
        key = (op, *inputs)
        hit = self.nodes.get(key)
        if hit is not None:
            return hit
        if old is not None and all(a is b for a, b in zip(inputs, old.inputs, strict=True)):
            node = old
        else:
            node = op.make_node(*inputs)
        self.nodes[key] = node
        return node

    def try_fold(self, node: Apply) -> list[Variable] | None:
        from ppgraph.rewrite.fold import fold_node

        if not self.fold or not all(isinstance(i, Constant) for i in node.inputs):
            return None
        return fold_node(node, FOLD_MAX_SIZE)

    def apply_rules(self, var: Variable) -> Variable:
        for _ in range(32):
            if var.owner is None:
                return var
            new = None
            for rule in self.by_root.get(op_key(var.owner.op), ()):
                b: Bindings = {"_": var}
                if _match(rule.pattern, var, b):
                    cand = _build(rule.replacement, b)
                    if cand is not None and cand is not var and fits(cand, var):
                        new = self.intern(cand)
                        self.fired.append(rule.name)
                        break
            if new is None:
                return var
            new.name = new.name or var.name
            var = new
            self.changed = True
        return var

    def intern(self, var: Variable) -> Variable:
        """Merge a freshly built replacement's nodes into the hash-cons table."""
        if var.owner is None:
            return self.canonical(var)
        memo: dict[Variable, Variable] = {}
        for node in toposort([var], blockers=[]):
            ins = [_lookup(memo, i, self) for i in node.inputs]
            new = self.make(node.op, ins, node)
            for o, n in zip(node.outputs, new.outputs, strict=True):
                memo[o] = n
        return memo[var]

    def run(self, outputs: Sequence[Variable], blockers: Collection[Variable]) -> list[Variable]:
        memo: dict[Variable, Variable] = {}
        for node in toposort(outputs, blockers):
            ins = [_lookup(memo, i, self) for i in node.inputs]
            new = self.make(node.op, ins, node)
            folded = self.try_fold(new)
            results: list[Variable] = list(new.outputs) if folded is None else folded
            if folded is not None:
                self.changed = True
            if len(results) == 1 and self.by_root:
                results = [self.apply_rules(results[0])]
            for old, res in zip(node.outputs, results, strict=True):
                if res is not old and res.name is None and old.name is not None:
                    res.name = old.name if res.owner is not None else None
                memo[old] = res
        return [_lookup(memo, o, self) for o in outputs]


def rewrite_fixed_point(
    outputs: Sequence[Variable],
    rules: Sequence[Rule],
    blockers: Collection[Variable] = (),
    fold: bool = True,
    max_passes: int = 20,
    trace: list[str] | None = None,
) -> list[Variable]:
    """Apply ``rules`` (and merging, and folding) until the graph stops changing.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.engine import Rule, rewrite_fixed_point
        >>> x = pt.scalar("x")
        >>> rules = [Rule("mul_one", ("mul", "x", 1), "x")]
        >>> rewrite_fixed_point([x * 1.0], rules)
        [x]
    """
    outs = list(outputs)
    for _ in range(max_passes):
        rw = Rewriter(rules, fold)
        outs = rw.run(outs, blockers)
        if trace is not None:
            trace.extend(rw.fired)
        if not rw.changed:
            break
    return outs


def _lookup(memo: dict[Variable, Variable], var: Variable, rw: Rewriter) -> Variable:
    new = memo.get(var)
    return rw.canonical(var) if new is None else new


def collect(rules: Iterable[Rule]) -> list[Rule]:
    """A rule list (checks that names are unique)."""
    out = list(rules)
    names = [r.name for r in out]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"duplicate rule names: {sorted(dup)}")
    return out


__all__ = ["Rule", "TensorVariable", "collect", "constant_value", "fits", "rewrite_fixed_point"]
