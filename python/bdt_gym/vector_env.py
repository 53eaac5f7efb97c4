"""A bdt-gym vector env (``makeVec``: the id's native vector env, such as the B-DT ids'
BdtVectorEnv, or a SyncVectorEnv) as a ``gymnasium.vector.VectorEnv``."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.envs.registration import VectorizeMode
from gymnasium import spaces
from gymnasium.vector.utils import batch_space

from .env import MAX_SEED, BdtGymEnv, check_reset_args, info_dtype, is_numbers, reset_request, step_request
from .server import AttributeRefusedError, InvalidSeedError, Server
from .spaces import element_from_json, json_arguments, space_from_json, to_json_data

_MODES = {AutoresetMode.NEXT_STEP: "next-step", AutoresetMode.SAME_STEP: "same-step", AutoresetMode.DISABLED: "disabled"}
_MODE_OF = {name: mode for mode, name in _MODES.items()}
# makeVec's names of Gymnasium's vectorization modes; async has none: the served envs run in one process
_VECTORIZATION_MODES = {VectorizeMode.SYNC: "sync", VectorizeMode.VECTOR_ENTRY_POINT: "vector-entry-point"}


def _final_observations(value: Any, mask: Any, space: spaces.Space[Any], num_envs: int) -> np.ndarray:
    """Gymnasium's ``final_obs``: an object array holding each ended env's observation (None elsewhere).

    The server sends it in bdt-gym's info layout: a list over envs, or for a Dict observation one
    such list per key (docs/GYMNASIUM.md, "Infos follow addInfo's layout").
    """
    out = np.full(num_envs, None, dtype=object)
    for i in range(num_envs):
        if mask[i]:
            obs = {key: column[i] for key, column in value.items() if not key.startswith("_")} if isinstance(value, dict) else value[i]
            out[i] = element_from_json(space, obs)
    return out


def _attribute_from_json(value: Any) -> Any:
    """A ``get_attr`` or ``call`` value from the server: a typed array, which travels as
    ``{"__ndarray__": dtype, "data": [...]}``, as a NumPy array of its dtype (``gatewayOf`` int32,
    ``queues`` float64 even when whole); a plain array of numbers, which JavaScript holds as
    doubles, as a float64 array; numbers as JSON has them (a count such as the system's ``N`` an
    int); dicts and lists recursively."""
    if isinstance(value, dict):
        if set(value) == {"__ndarray__", "data"}:
            return np.asarray(value["data"], dtype=np.dtype(value["__ndarray__"]))
        return {key: _attribute_from_json(v) for key, v in value.items()}
    if isinstance(value, list) and value and is_numbers(value):
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, list):
        return [_attribute_from_json(v) for v in value]
    return value


def _rows_of_numbers(value: list[Any]) -> bool:
    """Whether ``value`` holds, per env, a list of numbers (all of one length) or None."""
    rows = [row for row in value if row is not None]
    return bool(rows) and all(isinstance(row, list) and len(row) == len(rows[0]) and is_numbers(row) for row in rows)


def _observation_shape(space: spaces.Space[Any], key: str) -> tuple[int, ...] | None:
    """The shape of the Dict observation's array ``key`` (None if it has none)."""
    part = space.spaces.get(key) if isinstance(space, spaces.Dict) else None
    return part.shape if isinstance(part, spaces.Box) else None


def _vector_info(info: dict[str, Any], num_envs: int, single_observation_space: spaces.Space[Any]) -> dict[str, Any]:
    """Gymnasium's vector info layout: each key's values and its ``_key`` mask as arrays, one row
    per env; numbers as float64 (bdt-gym's are doubles; counts and indices, ``INTEGER_INFO_KEYS``,
    as int64), flags and masks as bool (the server sends them as true/false), ``final_obs`` as
    Gymnasium's object array of observations."""
    out: dict[str, Any] = {}
    for key, value in info.items():
        if key == "final_obs":
            out[key] = _final_observations(value, info["_final_obs"], single_observation_space, num_envs)
        elif isinstance(value, dict):
            out[key] = _vector_info(value, num_envs, single_observation_space)
        elif isinstance(value, list) and value and set(map(type, value)) == {bool}:
            out[key] = np.asarray(value, dtype=np.bool_)
        elif isinstance(value, list) and is_numbers(value):
            array = np.asarray(value, dtype=info_dtype(key, value))
            # a per-env array arrives flat, env-major (e.g. each env's reputations); one named as an
            # observation key has that key's shape, so one AP's reputations are (n, 1), not (n,) as
            # the flat list alone would suggest
            shape = _observation_shape(single_observation_space, key)
            if shape is not None and array.size == num_envs * int(np.prod(shape)):
                out[key] = array.reshape(num_envs, *shape)
            else:
                out[key] = array.reshape(num_envs, -1) if len(array) != num_envs and len(array) % num_envs == 0 else array
        elif isinstance(value, list) and _rows_of_numbers(value):
            # one array per env (None where the env set none): stacked, zeros in the gaps, as Gymnasium stacks arrays
            width = next(len(row) for row in value if row is not None)
            rows = np.zeros((num_envs, width), dtype=info_dtype(key, itertools.chain.from_iterable(row for row in value if row is not None)))
            for i, row in enumerate(value):
                if row is not None:
                    rows[i] = row
            out[key] = rows
        else:
            out[key] = np.asarray(value, dtype=object) if isinstance(value, list) else value
    return out


class BdtGymVectorEnv(VectorEnv[Any, Any, Any]):
    """``num_envs`` copies of the bdt-gym env ``env_id`` stepped together by one ``bdt-gym serve``
    process (``makeVec(env_id, num_envs, {kwargs})`` there): one request per batch, so far
    faster than ``num_envs`` single envs, each its own process. Env i is seeded with seed + i, as
    Gymnasium's vector envs (CartPole's native vector env, as Gymnasium's, draws every env's start
    from one generator seeded by the one seed); ``autoreset_mode`` is Gymnasium's (default
    next-step). ``vectorization_mode`` is Gymnasium's ``make_vec``'s, for the served vector env:
    by default (None) the id's native vector env if it has one (the B-DT ids', CartPole's), else
    a ``SyncVectorEnv`` in the server, which ``"sync"`` asks for. Keyword arguments keep their
    TypeScript names, as ``BdtGymEnv``'s, and an interrupted call leaves the envs usable, as
    after that request (see ``BdtGymEnv``).

    ``gym.make_vec("bdt_gym/BDT-v0", num_envs=16, infoLevel="summary")`` builds one;
    ``BdtGymVectorEnv("CartPole-v1", 8, vectorization_mode="sync")`` a ``SyncVectorEnv`` of
    CartPoles in one server.

    ``get_attr``, ``call`` and ``set_attr`` are Gymnasium's, answered by the served vector env
    with its TypeScript names (docs/GYMNASIUM.md): the B-DT ids' has no per-env env objects, so
    it gives ``slot``, ``queues``, ``slotState``, ``outcome`` (each env's, live) and ``system``
    (shared), calls ``decodeAction`` and ``encodeDecision``, and sets nothing; other names raise
    ``AttributeRefusedError`` (an AttributeError). ``observation_space`` and ``action_space``
    (or ``observationSpace``, ``actionSpace``) are the single spaces, as a sub-env's.
    """

    def __init__(self, env_id: str = "BDT-v0", num_envs: int = 1, autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP, vectorization_mode: VectorizeMode | str | None = None, **kwargs: Any) -> None:
        mode = AutoresetMode(autoreset_mode)
        vectorization = None if vectorization_mode is None else VectorizeMode(vectorization_mode)
        if vectorization is VectorizeMode.ASYNC:
            raise ValueError('BdtGymVectorEnv: vectorization_mode="async" runs each env in its own process, which one server cannot; gym.vector.AsyncVectorEnv([lambda: bdt_gym.BdtGymEnv(env_id)] * num_envs) does')
        if isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"BdtGymVectorEnv: num_envs = {num_envs!r}; give an integer >= 1")
        if kwargs.get("infoLevel") == "full" and vectorization is not VectorizeMode.SYNC:
            raise ValueError('BdtGymVectorEnv: the native vector env gives infoLevel="summary" infos only; for full ones, bdt_gym.BdtGymVectorEnv(env_id, n, vectorization_mode="sync") steps a SyncVectorEnv in one server, and gym.make_vec(..., vectorization_mode="sync") steps one BdtGymEnv per env, each its own Node server (about 120 MB)')
        # what gymnasium.make_vec adds to a vector entry point's kwargs (the spec's episode limit, a render mode)
        if kwargs.pop("max_episode_steps", None) not in (None, -1):
            raise ValueError('BdtGymVectorEnv: the native vector env takes no max_episode_steps: its episodes end at the scenario\'s T slots; give scenario={"slots": n} (T itself, which progress = t / T follows), or gym.make_vec(..., vectorization_mode="sync") for a TimeLimit on each env')
        if kwargs.get("render_mode") is not None:
            raise ValueError('BdtGymVectorEnv: the native vector env does not render; gym.make_vec(..., vectorization_mode="sync", render_mode="ansi") renders each env')
        kwargs.pop("render_mode", None)
        for option in ("autoresetMode", "copy"):
            if option in kwargs:
                raise ValueError(f"BdtGymVectorEnv: {option} is the vector env's own option, not an env keyword argument; give autoreset_mode=... (copy is the server's: arrays always reach Python as new NumPy arrays)")
        env_kwargs = json_arguments(kwargs, "BdtGymVectorEnv: keyword arguments")
        self._server = Server()
        try:  # a failure anywhere here ends the server rather than leave it to the garbage collector
            vectorization_field = {} if vectorization is None else {"vectorizationMode": _VECTORIZATION_MODES[vectorization]}
            made = self._server.request("make", id=env_id, kwargs=env_kwargs, numEnvs=to_json_data(num_envs), autoresetMode=_MODES[mode], **vectorization_field)
            self.num_envs = made["numEnvs"]
            self.single_observation_space = space_from_json(made["singleObservationSpace"])
            self.single_action_space = space_from_json(made["singleActionSpace"])
            self.observation_space = batch_space(self.single_observation_space, self.num_envs)
            self.action_space = batch_space(self.single_action_space, self.num_envs)
            # the mode the server runs, read back rather than assumed
            self.metadata = {"autoreset_mode": _MODE_OF[made["autoresetMode"]], "render_modes": []}
        except BaseException:
            self._server.close()
            raise

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        seed = to_json_data(seed)  # NumPy integers as Python ints; the server checks them, naming the env
        check_reset_args(seed, options, "BdtGymVectorEnv.reset")
        if isinstance(seed, int) and seed + self.num_envs - 1 > MAX_SEED:
            # refused before super().reset seeds np_random: the server would refuse env i's seed + i
            raise InvalidSeedError("InvalidSeedError", f"BdtGymVectorEnv.reset: seed = {seed} seeds env i with seed + i, up to {seed + self.num_envs - 1}; with {self.num_envs} envs it must be <= {MAX_SEED - self.num_envs + 1} (2**53 - 1 - (num_envs - 1): seeds travel as JSON numbers)")
        result = reset_request(self._server, seed, options, "BdtGymVectorEnv.reset")
        # once the server took it (a refused reset leaves np_random as it was); Gymnasium seeds the
        # vector env's own np_random from one seed, not a list
        if not isinstance(seed, list):
            super().reset(seed=seed)
        return element_from_json(self.observation_space, result["obs"]), _vector_info(result["info"], self.num_envs, self.single_observation_space)

    def step(self, actions: Any) -> tuple[Any, Any, Any, Any, dict[str, Any]]:
        result = step_request(self._server, self.action_space, actions, f"BdtGymVectorEnv.step: invalid actions (a batch of {self.num_envs})")
        return (
            element_from_json(self.observation_space, result["obs"]),
            np.asarray(result["reward"], dtype=np.float64),
            np.asarray(result["terminated"], dtype=np.bool_),
            np.asarray(result["truncated"], dtype=np.bool_),
            _vector_info(result["info"], self.num_envs, self.single_observation_space),
        )

    def get_attr(self, name: str) -> tuple[Any, ...]:
        """The attribute ``name`` of each env (Gymnasium's ``get_attr``; see the class's docstring)."""
        return self._per_env("getAttr", name)

    def call(self, name: str, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        """The method ``name`` of each env called with ``args`` (TypeScript's positional arguments;
        NumPy values are fine), or the attribute ``name`` as ``get_attr`` gives it (Gymnasium's ``call``)."""
        if kwargs:
            raise TypeError(f"BdtGymVectorEnv.call({name!r}): the served env's methods take positional arguments only, got keywords {sorted(kwargs)}")
        return self._per_env("call", name, args=to_json_data(list(args)))

    def set_attr(self, name: str, values: Any) -> None:
        """Gymnasium's ``set_attr`` (one value per env, or one for all): the B-DT ids' native env
        refuses it with an ``AttributeRefusedError``, as its TypeScript setAttr does (its envs are
        simulations on shared arrays, their system read-only)."""
        if not isinstance(values, (list, tuple)):
            values = [values] * self.num_envs
        if len(values) != self.num_envs:
            raise ValueError(f"BdtGymVectorEnv.set_attr({name!r}): got {len(values)} values for {self.num_envs} envs")
        self._request_attribute("setAttr", name, values=to_json_data(list(values)))

    def _per_env(self, method: str, name: str, **fields: Any) -> tuple[Any, ...]:
        """One value per env: a single space, or the server's answer as Python values (``_attribute_from_json``)."""
        observation, action = self.single_observation_space, self.single_action_space
        single = {"observation_space": observation, "action_space": action, "observationSpace": observation, "actionSpace": action}.get(name)
        if single is not None:
            return (single,) * self.num_envs
        return tuple(_attribute_from_json(value) for value in self._request_attribute(method, name, **fields))

    def _request_attribute(self, method: str, name: str, **fields: Any) -> Any:
        """A getAttr, call or setAttr request; a refused name says where Python finds per-env envs."""
        try:
            return self._server.request(method, name=name, **fields)
        except AttributeRefusedError as error:
            note = '; from Python, gym.make_vec(..., vectorization_mode="sync") steps one BdtGymEnv per env, whose attributes and methods (agent_action included) get_attr and call reach'
            raise AttributeRefusedError(error.kind, str(error).removeprefix(f"{error.kind}: ") + note) from None

    __reduce__ = BdtGymEnv.__reduce__

    def close_extras(self, **kwargs: Any) -> None:
        self._server.close()
