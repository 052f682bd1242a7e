"""Samplers of the time-series families (``ppgraph/random/timeseries.py``).

A random walk is a ``cumsum`` of its initial value and innovations (exact, and
parallel); the recursions that are not sums (AR, GARCH(1,1), Euler-Maruyama)
are one ``jax.lax.scan`` over the time axis, moved first, with every batch
dim carried along. The noise is drawn before the scan in one call.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ppgraph.backend.jax.dispatch.random import sampler
from ppgraph.backend.jax.dispatch.random_composite import sample_op
from ppgraph.random import timeseries as ts

Shape = tuple[int, ...]


def _with_time_axis(params: list[Any], ndims: list[int]) -> list[Any]:
    """Each parameter with a unit axis before its core dims: the time axis."""
    return [jnp.expand_dims(p, jnp.ndim(p) - n) for p, n in zip(params, ndims, strict=True)]


@sampler(ts.RandomWalkRV, with_op=True)
def _random_walk(op: ts.RandomWalkRV, key: Any, shape: Shape, dtype: Any, *params: Any) -> Any:
    init, innov = op.parts
    n_core = innov.ndim_supp
    time = len(shape) - 1 - n_core
    k_init, k_innov = jax.random.split(key)
    init_ps, innov_ps = op.split(params)
    x0 = sample_op(init, k_init, (*shape[:time], *shape[time + 1 :]), *init_ps)
    steps = sample_op(
        innov,
        k_innov,
        (*shape[:time], op.steps, *shape[time + 1 :]),
        *_with_time_axis(innov_ps, innov.ndims_params),
    )
    x = jnp.concatenate([jnp.expand_dims(x0, time).astype(dtype), steps.astype(dtype)], time)
    return jnp.cumsum(x, axis=time)


def _scan_time(step: Any, carry: Any, noise: Any) -> Any:
    """``lax.scan`` of ``step`` over the last axis of ``noise``; outputs with time last."""
    _, xs = jax.lax.scan(step, carry, jnp.moveaxis(noise, -1, 0))
    return jnp.moveaxis(xs, 0, -1)


@sampler(ts.AutoRegressiveRV, with_op=True)
def _ar(op: ts.AutoRegressiveRV, key: Any, shape: Shape, dtype: Any, *params: Any) -> Any:
    rho, sigma, *init_ps = params
    batch, p = shape[:-1], op.ar_order
    k_init, k_noise = jax.random.split(key)
    x0 = sample_op(op.init_op, k_init, (*batch, p), *init_ps).astype(dtype)
    rho = jnp.broadcast_to(jnp.asarray(rho, dtype), (*batch, p + int(op.constant)))
    const = rho[..., 0] if op.constant else jnp.zeros(batch, dtype)
    coefs = rho[..., int(op.constant) :][..., ::-1]  # oldest lag first, like the window
    eps = jnp.asarray(sigma, dtype)[..., None] * jax.random.normal(
        k_noise, (*batch, op.steps), dtype
    )

    def step(window: Any, e: Any) -> tuple[Any, Any]:
        x = const + jnp.sum(coefs * window, axis=-1) + e
        return jnp.concatenate([window[..., 1:], x[..., None]], axis=-1), x

    return jnp.concatenate([x0, _scan_time(step, x0, eps)], axis=-1)


@sampler(ts.GARCH11RV)
def _garch11(
    key: Any, shape: Shape, dtype: Any, omega: Any, alpha_1: Any, beta_1: Any, initial_vol: Any
) -> Any:
    batch = shape[:-1]
    omega, alpha_1, beta_1, vol0 = (
        jnp.broadcast_to(jnp.asarray(p, dtype), batch)
        for p in (omega, alpha_1, beta_1, initial_vol)
    )
    z = jax.random.normal(key, shape, dtype)
    x0 = vol0 * z[..., 0]

    def step(carry: tuple[Any, Any], e: Any) -> tuple[tuple[Any, Any], Any]:
        x, var = carry
        var = omega + alpha_1 * jnp.square(x) + beta_1 * var
        x = jnp.sqrt(var) * e
        return (x, var), x

    xs = _scan_time(step, (x0, jnp.square(vol0)), z[..., 1:])
    return jnp.concatenate([x0[..., None], xs], axis=-1)


def _lowered_sde(op: ts.EulerMaruyamaRV, x: Any, pars: list[Any]) -> Any:
    """``sde_fn`` traced on symbolic tensors of these arrays' types, lowered to JAX."""
    from ppgraph.backend.jax.linker import lower
    from ppgraph.tensor.type import as_tensor_variable, tensor

    args = [tensor(str(a.dtype), tuple(a.shape)) for a in (x, *pars)]
    assert op.sde_fn is not None
    f, g = op.sde_fn(*args)
    outs = [as_tensor_variable(f), as_tensor_variable(g)]
    return lower(args, outs, [], "off")


@sampler(ts.EulerMaruyamaRV, with_op=True)
def _euler_maruyama(
    op: ts.EulerMaruyamaRV, key: Any, shape: Shape, dtype: Any, *params: Any
) -> Any:
    dt, init_ps, pars = op.split(params)
    batch = shape[:-1]
    k_init, k_noise = jax.random.split(key)
    x0 = sample_op(op.init_op, k_init, batch, *init_ps).astype(dtype)
    pars = [jnp.asarray(p, dtype) for p in pars]
    dt = jnp.asarray(dt, dtype)
    drift_diffusion = _lowered_sde(op, x0, pars)
    eps = jax.random.normal(k_noise, (*batch, op.steps), dtype)

    def step(x: Any, e: Any) -> tuple[Any, Any]:
        f, g = drift_diffusion(x, *pars)
        x = (x + f * dt + g * jnp.sqrt(dt) * e).astype(dtype)
        return x, x

    return jnp.concatenate([x0[..., None], _scan_time(step, x0, eps)], axis=-1)
