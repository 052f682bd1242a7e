"""The rewrite engine: a fixed-point driver over pattern rules (``pattern.py``).

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

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from ppgraph.graph.basic import Apply, Constant, Op, Variable
from ppgraph.rewrite.pattern import (
    Bindings,
    Matcher,
    Pattern,
    Replacement,
    Rule,
    build,
    collect,
    commuted,
    compile_pattern,
    constant_value,
    fits,
    op_key,
)
from ppgraph.tensor.elemwise import DimShuffle, Elemwise
from ppgraph.tensor.type import TensorConstant, TensorVariable

FOLD_MAX_SIZE = 4096  # folding may always make constants this small
MAX_CHAIN = 32  # rules fired in a row at one place before the engine gives up there


def fold_limit(node: Apply, made: Collection[Variable] = ()) -> int:
    """The most elements a folded output of ``node`` may have.

    ``FOLD_MAX_SIZE`` always. Beyond it, up to ``pg.config.fold_max_size`` and
    never more than its constant inputs hold (folding never grows the
    program's constants), for an op that costs more than a pass over its
    input (a Cholesky factor, a solve, a reduction), and for an elementwise
    op or a DimShuffle when a large input was itself made by folding
    (``made``): the mask, diagonal and sum after a folded Cholesky fold too,
    while ``2 * c`` of your own large constant ``c`` stays a pass at run time.

    Example:
        >>> import numpy as np, ppgraph as pg, ppgraph.tensor as pt
        >>> from ppgraph.rewrite.engine import fold_limit
        >>> c = pt.constant(np.eye(100))
        >>> fold_limit(pt.linalg.cholesky(c).owner), fold_limit((2.0 * c).owner)
        (10000, 4096)
        >>> with pg.config.change_flags(fold_max_size=100):
        ...     fold_limit(pt.linalg.cholesky(c).owner)
        100
    """
    from ppgraph.config import config

    sizes = [(i, int(np.size(i.data))) for i in node.inputs if isinstance(i, Constant)]
    cheap = isinstance(node.op, Elemwise | DimShuffle)
    if cheap and not any(n > FOLD_MAX_SIZE and i in made for i, n in sizes):
        return min(config.fold_max_size, FOLD_MAX_SIZE)
    return min(config.fold_max_size, max(FOLD_MAX_SIZE, sum(n for _, n in sizes)))


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
        self.made: set[Variable] = set()  # constants made by folding

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
        elif inputs == old.inputs:  # variables compare by identity
            self.nodes[key] = old
            return old
        elif [a.type for a in inputs] == [b.type for b in old.inputs]:
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
        if not self.fold:
            return None
        for i in node.inputs:
            if not isinstance(i, Constant):
                return None
        from ppgraph.rewrite.fold import fold_node

        out = fold_node(node, fold_limit(node, self.made))
        if out is not None:
            self.made.update(out)
        return out

    def apply_rules(self, var: Variable) -> Variable:
        """``var`` rewritten by the first rule that fires on it, normalized; or ``var``."""
        owner = var.owner
        if owner is None:
            return var
        op = owner.op
        rules = self.by_root.get(op.scalar_op if isinstance(op, Elemwise) else type(op).__name__)
        if not rules:
            return var
        for rule in rules:
            b: Bindings = {"_": var}
            if not rule.match(var, b, self.blocked):
                continue
            cand = build(rule.replacement, b)
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
                    if o not in self.blocked:
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
            done[res] = res
            for v in (old, out):
                if v not in self.blocked:  # a given output of a multi-output node stays
                    done[v] = res

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


__all__ = [
    "FOLD_MAX_SIZE",
    "MAX_CHAIN",
    "Bindings",
    "Matcher",
    "Pattern",
    "Replacement",
    "Rewriter",
    "Rule",
    "TensorVariable",
    "collect",
    "commuted",
    "compile_pattern",
    "constant_value",
    "fits",
    "fold_limit",
    "op_key",
    "rewrite_fixed_point",
]
