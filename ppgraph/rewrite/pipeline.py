"""THE pass order, read top to bottom. There is no other place that orders passes."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ppgraph.backend.jax.linker import gc_paused
from ppgraph.graph.basic import Variable
from ppgraph.rewrite.algebra import ALGEBRA, LATE
from ppgraph.rewrite.engine import rewrite_fixed_point
from ppgraph.rewrite.fixed import fixed_rules, has_fixed_data
from ppgraph.rewrite.guards import GUARDS
from ppgraph.rewrite.reductions import REDUCTIONS
from ppgraph.rewrite.stability import STABILITY


def rewrite_graph(
    outputs: Sequence[Variable],
    inputs: Collection[Variable] = (),
    trace: list[str] | None = None,
) -> list[Variable]:
    """The compile-time rewrites: canonicalize (merge equal subgraphs, fold
    constants, algebraic identities, lift scalar work out of sums over data
    (``reductions.py``), test a value guard on its sum (``guards.py``), drop
    Checks known to hold, and, when the
    graph reads fixed data, decide the ``where`` and ``Check`` conditions on it
    once: see ``fixed.py``), then stabilize (log1p, expm1, logsumexp, ...),
    then canonicalize what stabilizing exposed, then the layout rules for XLA
    (``LATE`` in ``algebra.py``).

    ``inputs`` are kept as they are (an intermediate variable given as an input
    cuts the graph there). Names of rules that fired are appended to ``trace``.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> x, y = pt.scalar("x"), pt.vector("y")
        >>> [out] = pg.rewrite_graph([pt.log(pt.exp(x + y))])
        >>> str(out.owner.op)
        'Elemwise{add}'
    """
    with gc_paused():
        algebra = ALGEBRA + REDUCTIONS + GUARDS
        if has_fixed_data(outputs):
            algebra = algebra + fixed_rules(inputs)
        canonical = rewrite_fixed_point(outputs, algebra, inputs, trace=trace)
        stable = rewrite_fixed_point(canonical, STABILITY, inputs, trace=trace)
        if any(a is not b for a, b in zip(stable, canonical, strict=True)):
            stable = rewrite_fixed_point(stable, algebra, inputs, trace=trace)
        return rewrite_fixed_point(stable, LATE, inputs, trace=trace)
