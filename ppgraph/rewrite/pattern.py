"""Rewrite rules: patterns, their matching, and building replacements.

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
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Iterable
from typing import Any

import numpy as np

from ppgraph.graph.basic import Op, Variable
from ppgraph.tensor.elemwise import DimShuffle, Elemwise, elemwise
from ppgraph.tensor.math import SCALAR_OPS
from ppgraph.tensor.type import TensorConstant, TensorType

Pattern = Any
Bindings = dict[str, Variable]
Replacement = str | tuple[Any, ...] | Callable[[Bindings], Variable | None]
Matcher = Callable[[Variable, Bindings, Collection[Variable]], bool]


@dataclasses.dataclass(frozen=True)
class Rule:
    """``pattern -> replacement``; ``name`` shows up in traces and tests.

    Example:
        >>> from ppgraph.rewrite.pattern import Rule
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
        >>> from ppgraph.rewrite.pattern import op_key
        >>> op_key(pt.exp(pt.scalar("x")).owner.op), op_key(pt.sum(pt.vector("v")).owner.op)
        ('exp', 'Reduce')
    """
    return op.scalar_op if isinstance(op, Elemwise) else type(op).__name__


def constant_value(var: Variable, blocked: Collection[Variable] = ()) -> np.ndarray | None:
    """The value of a constant, seeing through DimShuffles of constants (but
    not through ``blocked`` variables).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.pattern import constant_value
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
        >>> from ppgraph.rewrite.pattern import compile_pattern
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
        if owner is None:
            return False
        op = owner.op  # op_key, inlined: matching is the engine's inner loop
        if (op.scalar_op if isinstance(op, Elemwise) else type(op).__name__) != key:
            return False
        if len(owner.outputs) != 1:
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
        >>> from ppgraph.rewrite.pattern import commuted
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


def build(rep: Replacement, b: Bindings) -> Variable | None:
    """The replacement for the bindings ``b`` (None when a function declines).

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.pattern import build
        >>> build(("log1p", "x"), {"x": pt.vector("x")}).owner.op
        Elemwise{log1p}
    """
    if isinstance(rep, str):
        return b[rep]
    if isinstance(rep, tuple):
        args = [build(r, b) if isinstance(r, str | tuple) else r for r in rep[1:]]
        if any(a is None for a in args):
            return None
        return elemwise(rep[0], *args)
    return rep(b)


def fits(new: Variable, old: Variable) -> bool:
    """True when ``new`` can stand for ``old``: same dtype and rank, and no dim
    where ``old`` broadcasts to more than ``new`` provides.

    Example:
        >>> import ppgraph.tensor as pt
        >>> from ppgraph.rewrite.pattern import fits
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


def collect(rules: Iterable[Rule]) -> list[Rule]:
    """A rule list (checks that names are unique).

    Example:
        >>> from ppgraph.rewrite.pattern import Rule, collect
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
    "Bindings",
    "Matcher",
    "Pattern",
    "Replacement",
    "Rule",
    "build",
    "collect",
    "commuted",
    "compile_pattern",
    "constant_value",
    "fits",
    "op_key",
]
