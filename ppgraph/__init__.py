"""ppgraph: probabilistic graphs in, pure jitted JAX functions out.

``import ppgraph as pg`` for graphs, compilation and models;
``import ppgraph.tensor as pt`` for symbolic tensors.
"""

from ppgraph import tensor
from ppgraph.compile import Function, function
from ppgraph.config import config
from ppgraph.errors import InputError, MissingInputError, ParameterValueError
from ppgraph.graph import (
    Apply,
    Constant,
    GraphError,
    Op,
    SharedVariable,
    Type,
    Variable,
    ancestors,
    clone_replace,
    graph_inputs,
    toposort,
    verify,
)
from ppgraph.printing import dprint
from ppgraph.rewrite import rewrite_graph

__version__ = "0.1.0"

__all__ = [
    "Apply",
    "Constant",
    "Function",
    "GraphError",
    "InputError",
    "MissingInputError",
    "Op",
    "ParameterValueError",
    "SharedVariable",
    "Type",
    "Variable",
    "__version__",
    "ancestors",
    "clone_replace",
    "config",
    "dprint",
    "function",
    "graph_inputs",
    "rewrite_graph",
    "tensor",
    "toposort",
    "verify",
]
