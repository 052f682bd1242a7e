"""The rewrite engine: declarative pattern rules and a fixed-point driver.

A rule is ``Rule(name, pattern, replacement)``. A pattern is

- a tuple ``(op, *subpatterns)``, where ``op`` names an elementwise row
  (``"mul"``) or an op class (``"Check"``, ``"Reduce"``); commutative rows also
  match with their two operands swapped;
- a lowercase name binding a variable (``"a"``); a name used twice must bind
  the same variable (equal subgraphs are merged first, so this is identity);
- a number, matching a constant whose every element equals it;
- ``(op, ...)``: any inputs (a function replacement reads the match as ``b["_"]``).

A replacement is a bound name, a tuple ``(op, *subreplacements)`` built with
the elementwise table (numbers become constants), or a function of the
bindings returning a variable (or None to decline). A function may look only
at nodes its pattern matched. A replacement is taken only when its type fits
the matched output (same dtype, rank and no lost broadcasting); otherwise it
is skipped.

The driver rebuilds the graph bottom-up, each variable once, after its
inputs: a node is merged with an equal one already built (hash-consing), then
folded if its inputs are constants, then rewritten by the first rule that
fires. The nodes of a replacement are normalized the same way before it is
used, so one rebuild leaves the graph in normal form. Nodes are never edited
in place, and variables given as blockers are leaves: no pattern looks
through them. Only variables built during the rewrite get names (the name of
the variable they replace); the caller's graph is left as it was.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

import numpy as np

from ppgraph.graph.basic import Apply, Constant, Op, Variable
from ppgraph.tensor.elemwise import DimShuffle, Elemwise, elemwise
from ppgraph.tensor.math import SCALAR_OPS
from ppgraph.tensor.type import TensorConstant, TensorType, TensorVariable

Pattern = Any
Bindings = dict[str, Variable]
Replacement = str | tuple[Any, ...] | Callable[[Bindings], Variable | None]
Matcher = Callable[[Variable, Bindings, Collection[Variable]], bool]

FOLD_MAX_SIZE = 4096  # constants larger than this are not created by folding
MAX_CHAIN = 32  # rules fired in a row at one place before the engine gives up there


@dataclasses.dataclass(frozen=True)
class Rule:
    """``pattern -> replacement``; ``name`` shows up in traces and tests.

    Example:
        >>> from ppgraph.rewrite.engine import Rule
        >>> Rule("mul_one", ("mul", "x", 1), "x").root  # x * 1 -> x
        'mul'
    """

    name: str
    pattern: Pattern
    replacement: Replacement

    @property
    def root(self) -> str:
        """The op key a node must have for the rule to be tried on it."""
        return self.pattern[0] if isinstance(self.pattern, tuple) else "*"

    @functools.cached_property
    def match(self) -> Matcher:
        """The compiled pattern, in each of its commuted forms, as one matcher."""
        forms = [compile_pattern(p) for p in commuted(self.pattern)]
        if len(forms) == 1:
            return forms[0]

        def any_form(var: Variable, b: Bindings, blocked: Collection[Variable]) -> bool:
            for m in forms:
                trial = dict(b)
                if m(var, trial, blocked):
                    b.update(trial)
                    return True
            return False

        return any_form


def op_key(op: Op) -> str:
    """The name a pattern uses for an op: the elementwise row or the class name.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.engine import op_key
        >>> op_key(pt.exp(pt.scalar("x")).owner.op), op_key(pt.sum(pt.vector("v")).owner.op)
        ('exp', 'Reduce')
    """
    return op.scalar_op if isinstance(op, Elemwise) else type(op).__name__


def constant_value(var: Variable, blocked: Collection[Variable] = ()) -> np.ndarray | None:
    """The value of a constant, seeing through DimShuffles of constants (but
    not through ``blocked`` variables).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.engine import constant_value
        >>> constant_value(pt.vector("v") + 2.0) is None, constant_value(pt.constant(2.0))
        (True, array(2.))
    """
    while var.owner is not None and isinstance(var.owner.op, DimShuffle) and var not in blocked:
        var = var.owner.inputs[0]
    return var.data if isinstance(var, TensorConstant) else None


def _equals(value: np.ndarray, number: float) -> bool:
    if value.size == 1:
        return bool(value.item() == number)
    return value.size > 0 and bool(np.all(value == number))


def compile_pattern(pattern: Pattern) -> Matcher:
    """A function ``(var, bindings, blocked) -> bool`` matching ``pattern`` at
    ``var`` as written (``commuted`` gives the swapped forms) and filling
    ``bindings`` (left partly filled when it fails).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.engine import compile_pattern
        >>> x = pt.scalar("x")
        >>> b = {}
        >>> compile_pattern(("mul", "a", 1))(x * 1.0, b, ()), b
        (True, {'a': x})
    """
    if isinstance(pattern, str):
        name = pattern

        def bind(var: Variable, b: Bindings, blocked: Collection[Variable]) -> bool:
            bound = b.get(name)
            if bound is None:
                b[name] = var
                return True
            return bound is var

        return bind
    if isinstance(pattern, int | float):
        number = pattern

        def const(var: Variable, b: Bindings, blocked: Collection[Variable]) -> bool:
            value = constant_value(var, blocked)
            return value is not None and _equals(value, number)

        return const
    key, subs = pattern[0], pattern[1:]
    any_inputs = subs == (Ellipsis,)
    subs_m = [] if any_inputs else [compile_pattern(p) for p in subs]
    n = len(subs_m)

    def node(var: Variable, b: Bindings, blocked: Collection[Variable]) -> bool:
        owner = var.owner
        if owner is None or op_key(owner.op) != key or len(owner.outputs) != 1:
            return False
        if var in blocked:
            return False
        if any_inputs:
            return True
        ins = owner.inputs
        if len(ins) != n:
            return False
        for m, v in zip(subs_m, ins, strict=True):
            if not m(v, b, blocked):
                return False
        return True

    return node


def commuted(pattern: Pattern) -> list[Pattern]:
    """``pattern`` and every form of it with the operands of commutative rows swapped.

    Example:
        >>> from ppgraph.rewrite.engine import commuted
        >>> commuted(("mul", "b", ("true_div", "a", "b")))
        [('mul', 'b', ('true_div', 'a', 'b')), ('mul', ('true_div', 'a', 'b'), 'b')]
    """
    if not isinstance(pattern, tuple) or pattern[1:] == (Ellipsis,):
        return [pattern]
    forms: list[tuple[Any, ...]] = [(pattern[0],)]
    for sub in pattern[1:]:
        forms = [(*f, s) for f in forms for s in commuted(sub)]
    info = SCALAR_OPS.get(pattern[0])
    if info is not None and info.commutative and len(pattern) == 3:
        forms += [(f[0], f[2], f[1]) for f in forms]
    return list(dict.fromkeys(forms))


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
    where ``old`` broadcasts to more than ``new`` provides.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.engine import fits
        >>> a, b = pt.scalar("a"), pt.vector("b")
        >>> fits(a, a * 1.0), fits(a, b * (a / b))  # a scalar cannot stand for a vector
        (True, False)
    """
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
    """One bottom-up rebuild of a graph: hash-consing, constant folding, rules.

    ``done`` maps every variable seen (of the caller's graph, or built here) to
    its normal form; a normal form maps to itself.
    """

    def __init__(self, rules: Sequence[Rule], fold: bool = True) -> None:
        self.by_root: dict[str, list[Rule]] = {}
        for r in rules:
            self.by_root.setdefault(r.root, []).append(r)
        self.fold = fold
        self.nodes: dict[tuple[Any, ...], Apply] = {}
        self.consts: dict[tuple[Any, ...], Constant] = {}
        self.done: dict[Variable, Variable] = {}
        self.blocked: set[Variable] = set()
        self.fresh: set[Apply] = set()  # nodes built during this rewrite
        self.depth = 0
        self.changed = False
        self.settled = True  # False when a chain of rules was cut at MAX_CHAIN
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
        if old is None:
            node = op.make_node(*inputs)
        elif all(a is b for a, b in zip(inputs, old.inputs, strict=True)):
            self.nodes[key] = old
            return old
        elif all(a.type == b.type for a, b in zip(inputs, old.inputs, strict=True)):
            # Inputs of the same types as before (and equal values): the output
            # types are the old ones, so the op's type inference is skipped.
            node = Apply(op, inputs, [o.type for o in old.outputs])
        else:
            node = op.make_node(*inputs)
        self.fresh.add(node)
        self.nodes[key] = node
        return node

    def try_fold(self, node: Apply) -> list[Variable] | None:
        """The node's outputs as constants, when all its inputs are constants."""
        from ppgraph.rewrite.fold import fold_node

        if not self.fold:
            return None
        for i in node.inputs:
            if not isinstance(i, Constant):
                return None
        return fold_node(node, FOLD_MAX_SIZE)

    def apply_rules(self, var: Variable) -> Variable:
        """``var`` rewritten by the first rule that fires on it, normalized; or ``var``."""
        owner = var.owner
        if owner is None:
            return var
        rules = self.by_root.get(op_key(owner.op))
        if not rules:
            return var
        for rule in rules:
            b: Bindings = {"_": var}
            if not rule.match(var, b, self.blocked):
                continue
            cand = _build(rule.replacement, b)
            if cand is None or cand is var or not fits(cand, var):
                continue
            if self.depth >= MAX_CHAIN:
                self.settled = False
                return var
            self.fired.append(rule.name)
            self.changed = True
            self.depth += 1
            try:
                new = self.intern(cand)
            finally:
                self.depth -= 1
            if new.name is None and new.owner in self.fresh:
                new.name = var.name
            return new
        return var

    def intern(self, var: Variable) -> Variable:
        """A freshly built replacement, merged into the table and normalized."""
        return self.normalize([var], fresh=True)[0]

    def normalize(self, roots: Sequence[Variable], fresh: bool = False) -> list[Variable]:
        """The normal forms of ``roots``, visiting each unseen node after its inputs.

        Iterative, so graphs of any depth work. ``fresh``: the unseen nodes
        were built by a rule (so they may be given names).
        """
        done = self.done
        stack = list(reversed(roots))
        expanded: set[Variable] = set()
        while stack:
            var = stack[-1]
            if var in done:
                stack.pop()
                continue
            node = var.owner
            if node is None:
                done[var] = self.canonical(var)
                stack.pop()
                continue
            todo = [i for i in node.inputs if i not in done]
            if todo:
                if var in expanded:
                    raise ValueError(f"the graph has a cycle through {node}")
                expanded.add(var)
                stack.extend(reversed(todo))
                continue
            stack.pop()
            if fresh:
                self.fresh.add(node)
            self.visit(node)
        return [done[v] for v in roots]

    def visit(self, node: Apply) -> None:
        """Normalize ``node``, whose inputs are normalized: merge, fold, rules."""
        done = self.done
        new = self.make(node.op, [done[i] for i in node.inputs], node)
        if new is not node:
            known = done.get(new.outputs[0])
            if known is not None:  # an equal node was normalized already
                for o, n in zip(node.outputs, new.outputs, strict=True):
                    done[o] = done[n]
                return
        folded = self.try_fold(new)
        results: list[Variable] = list(new.outputs)
        if folded is not None:
            results = [self.canonical(c) for c in folded]
            self.changed = True
        if len(results) == 1 and self.by_root:
            results = [self.apply_rules(results[0])]
        for old, out, res in zip(node.outputs, new.outputs, results, strict=True):
            if res.name is None and res is not old and res.owner in self.fresh:
                res.name = old.name
            done[old] = done[out] = done[res] = res

    def run(self, outputs: Sequence[Variable], blockers: Collection[Variable]) -> list[Variable]:
        """The normal forms of ``outputs``; ``blockers`` are kept as leaves."""
        for v in blockers:
            self.done[v] = v
            if v.owner is not None:
                self.blocked.add(v)
        return self.normalize(outputs)


def rewrite_fixed_point(
    outputs: Sequence[Variable],
    rules: Sequence[Rule],
    blockers: Collection[Variable] = (),
    fold: bool = True,
    max_passes: int = 20,
    trace: list[str] | None = None,
) -> list[Variable]:
    """Apply ``rules`` (and merging, and folding) until the graph stops changing.

    One rebuild normally reaches the fixed point; another is made only when a
    chain of rules was cut at ``MAX_CHAIN`` (rules that undo each other).

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
        if rw.settled or not rw.changed:
            break
    return outs


def collect(rules: Iterable[Rule]) -> list[Rule]:
    """A rule list (checks that names are unique).

    Example:
        >>> from ppgraph.rewrite.engine import Rule, collect
        >>> [r.name for r in collect([Rule("neg_neg", ("neg", ("neg", "x")), "x")])]
        ['neg_neg']
    """
    out = list(rules)
    names = [r.name for r in out]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"duplicate rule names: {sorted(dup)}")
    return out


__all__ = [
    "Rule",
    "Rewriter",
    "TensorVariable",
    "collect",
    "commuted",
    "compile_pattern",
    "constant_value",
    "fits",
    "op_key",
    "rewrite_fixed_point",
]
