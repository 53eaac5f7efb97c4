"""One flat action space over a Dict action space (the B-DT envs'), for the libraries that take no
Dict action: Stable-Baselines3 refuses them (its issues #527, #731) and CleanRL's scripts take one
Box, Discrete or MultiDiscrete.

    env = FlattenObservation(BoxAction(gym.make("bdt_gym/BDT-v0")))   # SB3 PPO, SAC, TD3; CleanRL ppo_continuous_action
    env = RescaleAction(env, np.float32(-1), np.float32(1))           # for a Gaussian policy: its mean 0 is then mid-range, not zero shares
    env = FlattenObservation(MultiDiscreteAction(gym.make("bdt_gym/BDT-v0"), levels=11))  # SB3 PPO, A2C; CleanRL ppo_multidiscrete

The flat action holds the Dict's keys in its order, each key's elements in a row (for the B-DT
envs: partition, inferenceShare, miningShare). Both are TransformActions, so Gymnasium's
VectorizeTransformAction applies them to a vector env, the native one included:

    envs = VectorizeTransformAction(gym.make_vec("bdt_gym/BDT-v0", num_envs=16), wrapper=BoxAction)
"""

from __future__ import annotations

from typing import Any, Union, cast

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.wrappers import TransformAction

from .server import InvalidActionError

#: The spaces a Dict key may hold (Union, not |: Python 3.9 evaluates an alias).
_Entry = Union[spaces.MultiDiscrete, spaces.Box]


def _entries(space: spaces.Space[Any], owner: str) -> list[tuple[str, _Entry]]:
    """The keys and spaces of a Dict of MultiDiscrete and bounded float Box spaces, refusing any other space."""
    if not isinstance(space, spaces.Dict):
        raise TypeError(f"{owner}: the action space is {space}; it must be a Dict of MultiDiscrete and bounded float Box spaces (as the B-DT envs')")
    for key, sub in space.spaces.items():
        box = isinstance(sub, spaces.Box) and np.issubdtype(sub.dtype, np.floating) and bool(np.isfinite(sub.low).all() and np.isfinite(sub.high).all())
        if not (box or isinstance(sub, spaces.MultiDiscrete)):
            raise TypeError(f"{owner}: the action space's key {key!r} is {sub}; only MultiDiscrete and bounded float Box keys map to one flat space")
    return cast(list[tuple[str, _Entry]], list(space.spaces.items()))


def _size(space: _Entry) -> int:
    """The number of elements of a Box or MultiDiscrete."""
    return int(np.prod(space.shape))


class _Part:
    """One key's place in the flat vector and what its transform needs, computed once per wrapper
    rather than at every step (a step's transform ran in 0.2 ms, most of it np.prod on the shapes)."""

    def __init__(self, key: str, space: _Entry, at: int) -> None:
        self.key = key
        self.space = space
        self.shape = space.shape
        self.slice = slice(at, at + _size(space))
        if isinstance(space, spaces.Box):
            # a range wider than the dtype's largest float (float64 -1e308 to 1e308) makes high - low inf
            with np.errstate(over="ignore"):
                self.span = space.high - space.low
            self.span_finite = bool(np.isfinite(self.span).all())


def _layout(entries: list[tuple[str, _Entry]]) -> list[_Part]:
    """Each key's part of the flat vector, in the Dict's order."""
    parts = []
    at = 0
    for key, sub in entries:
        parts.append(_Part(key, sub, at))
        at += _size(sub)
    return parts


def _level(space: spaces.MultiDiscrete, fraction: np.ndarray) -> np.ndarray:
    """Level ``start + min(floor(fraction * L), L - 1)`` of each entry's L levels: 0 the first, 1 the last."""
    return space.start + np.minimum(np.floor(fraction * space.nvec), space.nvec - 1).astype(space.dtype)


def _scaled(part: _Part, fraction: np.ndarray) -> np.ndarray:
    """The point ``fraction`` (in [0, 1]) of ``part``'s Box the way from each low to its high;
    exactly ``fraction`` for Box(0, 1). Clipped, as rounding can overstep a bound by an ulp."""
    box = cast(spaces.Box, part.space)
    if part.span_finite:
        # low + fraction (high - low) lies between the finite bounds for a fraction in [0, 1]
        point = box.low + fraction * part.span
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            point = box.low + fraction * part.span
            # where high - low is inf, mix the bounds instead, as the TypeScript wrappers and Box.sample do
            point = np.where(np.isfinite(point), point, box.low * (1 - fraction) + box.high * fraction)
    return np.clip(point, box.low, box.high).astype(box.dtype)


def _refuse_outside(owner: str, action: np.ndarray, space: spaces.Space[Any], inside: np.ndarray) -> None:
    """Raises InvalidActionError (a ValueError) naming the first entry of ``action`` that ``inside``
    marks as outside ``space``, as the env itself does: NaN, a fraction where ``space`` takes
    integer levels, or a value past its bounds."""
    if not inside.all():
        i = int(np.argmin(inside))
        fraction = isinstance(space, spaces.MultiDiscrete) and np.isfinite(action[i]) and action[i] != np.floor(action[i])
        why = "is NaN" if np.isnan(action[i]) else f"is not an integer level of {space}" if fraction else f"is outside {space}"
        raise InvalidActionError("InvalidActionError", f"{owner}: action[{i}] = {action[i]} {why}")


def _flat(owner: str, action: Any, space: spaces.Space[Any], dtype: Any) -> np.ndarray:
    """``action`` as an array of ``space``'s shape, refusing another shape."""
    array = np.asarray(action, dtype=dtype)
    if array.shape != space.shape:
        raise InvalidActionError("InvalidActionError", f"{owner}: an action of shape {array.shape} for {space}")
    return array


class BoxAction(TransformAction[Any, np.ndarray, Any], gym.utils.RecordConstructorArgs):
    """The action space as one ``Box(0, 1, (n,))``, n the number of entries of the Dict: a
    MultiDiscrete key's entry u is level ``start + min(floor(u * L), L - 1)`` of its L levels
    (u = 0 the first, u = 1 the last), and a Box key's entry is ``low + u * (high - low)``, or
    ``low * (1 - u) + high * u`` where high - low overflows the dtype (as the TypeScript BoxAction;
    the B-DT shares, Box(0, 1), pass through as they are). For continuous-action algorithms: SB3's
    PPO, SAC and TD3, CleanRL's ppo_continuous_action.py. An entry outside [0, 1] raises
    ValueError naming it (Gymnasium's ClipAction wrapper, outside this one, clips instead).
    """

    def __init__(self, env: gym.Env[Any, Any], dtype: Any = np.float32) -> None:
        # recorded, as Gymnasium's wrappers do, so env.spec rebuilds it (gym.make(env.spec), check_env)
        # the dtype's name: a type would break env.spec.to_json(), which datasets (Minari) store
        gym.utils.RecordConstructorArgs.__init__(self, dtype=np.dtype(dtype).name)
        self._parts = _layout(_entries(env.action_space, "BoxAction"))
        space = spaces.Box(0.0, 1.0, (self._parts[-1].slice.stop if self._parts else 0,), dtype)
        # a TransformAction, so VectorizeTransformAction applies it to a vector env's actions
        TransformAction.__init__(self, env, func=self.action, action_space=space)

    def action(self, action: np.ndarray) -> dict[str, np.ndarray]:
        u = _flat("BoxAction", action, self.action_space, np.float64)
        _refuse_outside("BoxAction", u, self.action_space, (u >= 0) & (u <= 1))
        return {part.key: _level(part.space, u[part.slice].reshape(part.shape)) if isinstance(part.space, spaces.MultiDiscrete) else _scaled(part, u[part.slice].reshape(part.shape)) for part in self._parts}


class MultiDiscreteAction(TransformAction[Any, np.ndarray, Any], gym.utils.RecordConstructorArgs):
    """The action space as one ``MultiDiscrete``: a MultiDiscrete key's levels as they are, and
    each Box entry discretised to ``levels`` evenly spaced values from its low (level 0) to its
    high (level ``levels - 1``). For discrete-action algorithms that take a MultiDiscrete: SB3's
    PPO and A2C, CleanRL's ppo_multidiscrete.py (not DQN, which takes one Discrete).
    """

    def __init__(self, env: gym.Env[Any, Any], levels: int = 11) -> None:
        if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)) or levels < 2:
            raise ValueError(f"MultiDiscreteAction: levels = {levels!r}; give an integer >= 2 (a Box entry's low and high at least)")
        levels = int(levels)
        gym.utils.RecordConstructorArgs.__init__(self, levels=levels)
        self._parts = _layout(_entries(env.action_space, "MultiDiscreteAction"))
        self._levels = levels
        nvec = [part.space.nvec.ravel() if isinstance(part.space, spaces.MultiDiscrete) else np.full(_size(part.space), levels) for part in self._parts]
        start = [part.space.start.ravel() if isinstance(part.space, spaces.MultiDiscrete) else np.zeros(_size(part.space), np.int64) for part in self._parts]
        TransformAction.__init__(self, env, func=self.action, action_space=spaces.MultiDiscrete(np.concatenate(nvec), start=np.concatenate(start)))

    def action(self, action: np.ndarray) -> dict[str, np.ndarray]:
        space = cast(spaces.MultiDiscrete, self.action_space)
        a = _flat("MultiDiscreteAction", action, space, None)
        _refuse_outside("MultiDiscreteAction", a, space, (a == np.floor(a)) & (a >= space.start) & (a < space.start + space.nvec))
        levels = a.astype(np.int64)
        return {
            part.key: levels[part.slice].reshape(part.shape).astype(part.space.dtype) if isinstance(part.space, spaces.MultiDiscrete) else _scaled(part, levels[part.slice].reshape(part.shape) / (self._levels - 1))
            for part in self._parts
        }
