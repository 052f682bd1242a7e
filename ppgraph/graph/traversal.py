"""Walking and copying graphs: ancestors, graph_inputs, toposort, clone_replace.

All walks are iterative, so graphs of any depth work without hitting Python's
recursion limit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence

from ppgraph.graph.basic import Apply, Constant, Variable


def _as_list(graphs: Variable | Iterable[Variable]) -> list[Variable]:
    if isinstance(graphs, Variable):
        return [graphs]
    return list(graphs)


def ancestors(
    graphs: Variable | Iterable[Variable], blockers: Collection[Variable] = ()
) -> Iterator[Variable]:
    """Every variable the graphs depend on, outputs first, each once.

    Walking stops at ``blockers`` (they are yielded, their ancestors are not).

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> x = pt.scalar("x")
        >>> [v.name for v in pg.ancestors([pt.exp(x)]) if v.name]
        ['x']
    """
    blocked = set(blockers)
    seen: set[Variable] = set()
    stack = list(reversed(_as_list(graphs)))
    while stack:
        var = stack.pop()
        if var in seen:
            continue
        seen.add(var)
        yield var
        if var.owner is not None and var not in blocked:
            stack.extend(reversed(var.owner.inputs))


def graph_inputs(
    graphs: Variable | Iterable[Variable], blockers: Collection[Variable] = ()
) -> list[Variable]:
    """The root variables (no owner, or a blocker) the graphs depend on, in
    depth-first order.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> x, y = pt.scalar("x"), pt.vector("y")
        >>> pg.graph_inputs([pt.log(x + y)])
        [x, y]
    """
    blocked = set(blockers)
    return [v for v in ancestors(graphs, blocked) if v.owner is None or v in blocked]


def toposort(outputs: Iterable[Variable], blockers: Collection[Variable] = ()) -> list[Apply]:
    """The Apply nodes computing ``outputs``, each after the nodes it needs.

    Nodes behind a blocker are left out: the blocker is treated as an input.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> x = pt.scalar("x")
        >>> [str(n.op) for n in pg.toposort([pt.log(pt.exp(x))])]
        ['Elemwise{exp}', 'Elemwise{log}']
    """
    blocked = set(blockers)
    order: list[Apply] = []
    done: set[Apply] = set()
    for out in outputs:
        if out.owner is None or out in blocked or out.owner in done:
            continue
        # Each stack entry is (node, whether its inputs were already pushed).
        stack: list[tuple[Apply, bool]] = [(out.owner, False)]
        visiting: set[Apply] = set()
        while stack:
            node, expanded = stack.pop()
            if node in done:
                continue
            if expanded:
                visiting.discard(node)
                done.add(node)
                order.append(node)
                continue
            if node in visiting:
                raise ValueError(f"the graph has a cycle through {node}")
            visiting.add(node)
            stack.append((node, True))
            for inp in reversed(node.inputs):
                owner = inp.owner
                if owner is not None and inp not in blocked and owner not in done:
                    stack.append((owner, False))
    return order


def clone_replace(
    outputs: Variable | Sequence[Variable],
    replace: Mapping[Variable, Variable] | None = None,
) -> list[Variable]:
    """Copies of ``outputs`` with the variables in ``replace`` substituted.

    Every Apply node between the replaced variables and the outputs is built
    anew, so the original graph, its names included, is left unchanged.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> x, y = pt.scalar("x"), pt.vector("y")
        >>> z = x + y
        >>> w = pt.log(z)
        >>> new_w = pg.clone_replace([w], replace={z: pt.exp(z)})[0]
        >>> str(new_w.owner.inputs[0].owner.op), str(w.owner.inputs[0].owner.op)
        ('Elemwise{exp}', 'Elemwise{add}')
    """
    outs = _as_list(outputs)
    replace = dict(replace or {})
    for old, new in replace.items():
        if not old.type.is_super(new.type) and not new.type.is_super(old.type):
            raise TypeError(
                f"clone_replace: cannot replace {old!r} of type {old.type} "
                f"with {new!r} of type {new.type}"
            )
    memo: dict[Variable, Variable] = dict(replace)
    for node in toposort(outs, blockers=list(replace)):
        new_inputs = [memo.get(i, i) for i in node.inputs]
        new_node = node.op.make_node(*new_inputs)
        for old_out, new_out in zip(node.outputs, new_node.outputs, strict=True):
            new_out.name = old_out.name
            memo[old_out] = new_out
    return [memo.get(o, o) for o in outs]


def is_constant(var: Variable) -> bool:
    """True for a Constant."""
    return isinstance(var, Constant)
