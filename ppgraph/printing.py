"""``dprint``: the graph as an indented tree, as PyTensor/Aesara print it.

Labels (``[id A]``) are given at print time, in the order nodes are printed; a
subtree already printed is shown again by its label alone. The outputs of one
Apply node share its label (``SlogDet.0 [id A]``, ``SlogDet.1 [id A]``), as in
PyTensor: it is one computation.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

from ppgraph.graph.basic import Variable
from ppgraph.graph.traversal import toposort


def _label(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _head(var: Variable) -> str:
    """A node's line, without its label: the op for an output, the variable otherwise."""
    owner = var.owner
    if owner is None:
        return repr(var)
    op = str(owner.op)
    return op if len(owner.outputs) == 1 else f"{op}.{var.index}"


def dprint(
    obj: Any,
    file: IO[str] | str | None = None,
    print_type: bool = False,
) -> str | None:
    """Print the graph of a variable, a list of them, or a compiled Function.

    With ``file="str"`` the text is returned instead of printed. A Function
    shows its rewritten graph, each node followed by its position in the
    order of computation.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> x, y = pt.scalar("x"), pt.vector("y")
        >>> z = x + y
        >>> z.name = "x + y"
        >>> w = pt.log(z)
        >>> w.name = "log(x + y)"
        >>> pg.dprint(w)
        Elemwise{log} [id A] 'log(x + y)'
         |Elemwise{add} [id B] 'x + y'
           |DimShuffle{x} [id C]
           | |x [id D]
           |y [id E]
    """
    from ppgraph.compile import Function

    topo: dict[Any, int] | None = None
    if isinstance(obj, Function):
        outputs: Sequence[Variable] = obj.outputs
        # The compiled graph starts at stand-ins for the inputs (see compile._detach).
        topo = {node: i for i, node in enumerate(toposort(outputs, blockers=obj._c.inputs))}
    elif isinstance(obj, Variable):
        outputs = [obj]
    else:
        outputs = list(obj) if isinstance(obj, Iterable) else [obj]
        if not all(isinstance(v, Variable) for v in outputs):
            raise TypeError(
                f"dprint takes a variable, a list of variables or a Function, got {obj!r}"
            )

    # Labels are keyed by the Apply node for outputs, by the variable for roots.
    labels: dict[Any, str] = {}
    lines: list[str] = []
    _tree(outputs, labels, lines, topo, print_type, {}, "")
    _inner_graphs(labels, lines, print_type)
    text = "\n".join(lines)
    if file == "str":
        return text
    stream = sys.stdout if file is None else file
    assert not isinstance(stream, str)
    print(text, file=stream)
    return None


def _tree(
    outputs: Sequence[Variable],
    labels: dict[Any, str],
    lines: list[str],
    topo: dict[Any, int] | None,
    print_type: bool,
    heads: dict[Variable, str],
    margin: str,
) -> None:
    """Append the trees of ``outputs`` to ``lines``; ``heads`` names variables
    (an inner graph's inputs), ``margin`` starts each line."""
    # Stack of (variable, prefix for its line, prefix for its children).
    for out in outputs:
        stack: list[tuple[Variable, str, str]] = [(out, margin, margin)]
        while stack:
            var, prefix, child_prefix = stack.pop()
            key = var if var.owner is None else var.owner
            seen = key in labels
            if not seen:
                labels[key] = _label(len(labels))
            line = f"{prefix}{heads.get(var) or _head(var)} [id {labels[key]}]"
            if var.owner is not None and var.name is not None:
                line += f" '{var.name}'"
            if print_type:
                line += f" <{var.type}>"
            if topo is not None and var.owner is not None and var.owner in topo:
                line += f" {topo[var.owner]}"
            lines.append(line)
            if seen or var.owner is None or (topo is not None and var.owner not in topo):
                continue
            inputs = var.owner.inputs
            for i in range(len(inputs) - 1, -1, -1):
                last = i == len(inputs) - 1
                stack.append(
                    (inputs[i], child_prefix + " |", child_prefix + ("  " if last else " |"))
                )


def _inner_graphs(labels: dict[Any, str], lines: list[str], print_type: bool) -> None:
    """The graphs held by the loops printed so far (and by loops inside them),
    after an ``Inner graphs:`` line, as PyTensor prints them: each inner input
    shown as ``*i-<type>``, each inner output under ``>``."""
    from ppgraph.graph.basic import Apply
    from ppgraph.tensor.scan_op import Scan

    done: set[Apply] = set()
    while True:
        todo = [k for k in labels if isinstance(k, Apply) and isinstance(k.op, Scan)]
        todo = [k for k in todo if k not in done]
        if not todo:
            return
        if not done:
            lines.extend(["", "Inner graphs:"])
        for node in todo:
            done.add(node)
            op = node.op
            assert isinstance(op, Scan)
            lines.extend(["", f"{node.op} [id {labels[node]}]"])
            heads = {v: f"*{i}-<{v.type}>" for i, v in enumerate(op.inner_inputs)}
            _tree(op.inner_outputs, labels, lines, None, print_type, heads, " >")
