"""A checker for graphs: catches a malformed node and shows the IR around it."""

from __future__ import annotations

from collections.abc import Iterable

from ppgraph.graph.basic import Apply, Variable
from ppgraph.graph.traversal import toposort


class GraphError(ValueError):
    """A graph breaks one of the IR's invariants."""


def _context(node: Apply, consumers: dict[Apply, list[Apply]]) -> str:
    lines = ["around:"]
    for inp in node.inputs:
        src = f"{inp.owner.op}(...)" if inp.owner is not None else "input"
        lines.append(f"    {inp!r} : {inp.type}   <- {src}")
    lines.append(f">>> {node!r}")
    for out in node.outputs:
        lines.append(f"    -> {out!r} : {out.type}")
    for user in consumers.get(node, [])[:3]:
        lines.append(f"    used by {user!r}")
    return "\n".join(lines)


def verify(outputs: Variable | Iterable[Variable]) -> None:
    """Check every node of the graph; raise ``GraphError`` showing the nodes
    around the first problem found.

    Checked: each output points back to its node at its own index, and each
    node's output types are what its op infers from its inputs.

    Example:
        >>> import ppgraph as pg, ppgraph.tensor as pt
        >>> pg.verify(pt.log(pt.vector("y") + 1.0))
    """
    outs = [outputs] if isinstance(outputs, Variable) else list(outputs)
    order = toposort(outs)
    consumers: dict[Apply, list[Apply]] = {}
    for node in order:
        for inp in node.inputs:
            if inp.owner is not None:
                consumers.setdefault(inp.owner, []).append(node)
    for node in order:
        for i, out in enumerate(node.outputs):
            if out.owner is not node or out.index != i:
                raise GraphError(
                    f"output {i} of {node.op} does not point back to its node "
                    f"(owner={out.owner!r}, index={out.index})\n{_context(node, consumers)}"
                )
        try:
            expected = node.op.make_node(*node.inputs)
        except Exception as exc:
            raise GraphError(
                f"{node.op} rejects its inputs: {exc}\n{_context(node, consumers)}"
            ) from exc
        for i, (got, want) in enumerate(zip(node.outputs, expected.outputs, strict=True)):
            if got.type != want.type:
                raise GraphError(
                    f"output {i} of {node.op} has type {got.type}, but its inputs give "
                    f"{want.type}\n{_context(node, consumers)}"
                )
