"""Backends: each lowers the IR to one runtime. JAX is the one there is."""
