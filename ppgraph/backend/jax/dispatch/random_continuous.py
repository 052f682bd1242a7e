"""Samplers of the continuous families (registered with ``sampler``)."""
