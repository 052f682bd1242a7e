"""The graph IR: Types, Variables, Apply nodes and Ops, and ways to walk them.

Nothing here imports JAX: the IR knows nothing of how it is computed.
"""

from ppgraph.graph.basic import Apply, Constant, Op, SharedVariable, Type, Variable
from ppgraph.graph.traversal import ancestors, clone_replace, graph_inputs, toposort
from ppgraph.graph.verify import GraphError, verify

__all__ = [
    "Apply",
    "Constant",
    "GraphError",
    "Op",
    "SharedVariable",
    "Type",
    "Variable",
    "ancestors",
    "clone_replace",
    "graph_inputs",
    "toposort",
    "verify",
]
