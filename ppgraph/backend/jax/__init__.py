"""The JAX backend: the dispatch table and the linker."""

from ppgraph.backend.jax.dispatch import jax_funcify
from ppgraph.backend.jax.linker import lower, shared_inputs

__all__ = ["jax_funcify", "lower", "shared_inputs"]
