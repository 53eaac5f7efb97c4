"""A bdt-gym vector env (``makeVec``: the B-DT ids' native BdtVectorEnv) as a ``gymnasium.vector.VectorEnv``."""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from .server import Server
from .spaces import element_from_json, space_from_json, to_json_data

_MODES = {AutoresetMode.NEXT_STEP: "next-step", AutoresetMode.SAME_STEP: "same-step", AutoresetMode.DISABLED: "disabled"}


def _vector_info(info: dict[str, Any], num_envs: int) -> dict[str, Any]:
    """Gymnasium's vector info layout: each key's values and its ``_key`` mask as arrays, one row per env."""
    out: dict[str, Any] = {}
    for key, value in info.items():
        if isinstance(value, dict):
            out[key] = _vector_info(value, num_envs)
        elif key.startswith("_") and isinstance(value, list):
            out[key] = np.asarray(value, dtype=np.bool_)
        elif isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
            array = np.asarray(value, dtype=np.float64)
            # a per-env array arrives flat, env-major (e.g. each env's reputations)
            out[key] = array.reshape(num_envs, -1) if len(array) != num_envs and len(array) % num_envs == 0 else array
        else:
            out[key] = np.asarray(value, dtype=object) if isinstance(value, list) else value
    return out


class BdtGymVectorEnv(VectorEnv[Any, Any, Any]):
    """``num_envs`` copies of the bdt-gym env ``env_id`` stepped together by one ``bdt-gym serve``
    process (``makeVec(env_id, num_envs, {kwargs})`` there): one request per batch, so far
    faster than ``num_envs`` single envs, each its own process. Env i is seeded with seed + i, as
    Gymnasium's vector envs; ``autoreset_mode`` is Gymnasium's (default next-step). Keyword
    arguments keep their TypeScript names, as ``BdtGymEnv``'s, and an interrupted call leaves the
    envs usable, as after that request (see ``BdtGymEnv``).

    ``gym.make_vec("bdt_gym/BDT-v0", num_envs=16, infoLevel="summary")`` builds one.
    """

    def __init__(self, env_id: str = "BDT-v0", num_envs: int = 1, autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP, **kwargs: Any) -> None:
        mode = AutoresetMode(autoreset_mode)
        self._server = Server()
        try:  # a failure anywhere here ends the server rather than leave it to the garbage collector
            made = self._server.request("make", id=env_id, kwargs=to_json_data(kwargs), numEnvs=to_json_data(num_envs), autoresetMode=_MODES[mode])
            self.num_envs = made["numEnvs"]
            self.single_observation_space = space_from_json(made["singleObservationSpace"])
            self.single_action_space = space_from_json(made["singleActionSpace"])
            self.observation_space = batch_space(self.single_observation_space, self.num_envs)
            self.action_space = batch_space(self.single_action_space, self.num_envs)
            self.metadata = {"autoreset_mode": mode, "render_modes": []}
        except BaseException:
            self._server.close()
            raise

    def reset(self, *, seed: int | list[int | None] | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        seed = to_json_data(seed)  # NumPy integers as Python ints; the server checks them, naming the env
        if not isinstance(seed, list):
            super().reset(seed=seed)  # Gymnasium seeds the vector env's own np_random from one seed, not a list
        result = self._server.request("reset", seed=seed, options=to_json_data(options))
        return element_from_json(self.observation_space, result["obs"]), _vector_info(result["info"], self.num_envs)

    def step(self, actions: Any) -> tuple[Any, Any, Any, Any, dict[str, Any]]:
        result = self._server.request("step", action=to_json_data(actions))
        return (
            element_from_json(self.observation_space, result["obs"]),
            np.asarray(result["reward"], dtype=np.float64),
            np.asarray(result["terminated"], dtype=np.bool_),
            np.asarray(result["truncated"], dtype=np.bool_),
            _vector_info(result["info"], self.num_envs),
        )

    def close_extras(self, **kwargs: Any) -> None:
        self._server.close()
