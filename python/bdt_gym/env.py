"""A bdt-gym env (any registered id: the B-DT envs, CartPole-v1) as a ``gymnasium.Env``."""

from __future__ import annotations

from typing import Any, Iterable

import gymnasium as gym
from gymnasium import spaces
import numpy as np

from .server import InvalidActionError, InvalidArgumentError, InvalidSeedError, Server
from .spaces import JSON_DATA, element_from_json, json_arguments, non_json_value, shape_mismatch, space_from_json, to_json_data


#: The render fps of an env that declares none: Gymnasium's text envs' (FrozenLake, Taxi), as the
#: B-DT envs declare, since Gymnasium warns when an env with render modes declares no fps.
TEXT_RENDER_FPS = 4

#: Info keys whose numbers are counts or indices (the B-DT infos'): ints, where every other number is a float.
INTEGER_INFO_KEYS = frozenset({"slot", "winner", "gatewayViolations", "apViolations", "partition"})


MAX_SEED = 2**53 - 1
"""The largest seed: the server's seeds are JSON numbers, exact up to 2**53 - 1 (Number.MAX_SAFE_INTEGER)."""


def check_reset_args(seed: Any, options: Any, owner: str) -> None:
    """Refuses, before anything is seeded, what the server would misread or refuse: options that
    are not a dict (a malformed request to it), and a seed (or a vector env's list entry) that is
    not an int from 0 to MAX_SEED (JSON would round a larger one to another number; a bool,
    which Gymnasium's seeding takes as 0 or 1, the server refuses) as an InvalidSeedError."""
    if options is not None and not isinstance(options, dict):
        raise InvalidArgumentError("InvalidArgumentError", f"{owner}: options must be a dict or None, got {type(options).__name__} {options!r}")
    for s in seed if isinstance(seed, list) else [seed]:
        if s is None:
            continue
        if isinstance(s, bool) or not isinstance(s, int) or s < 0:
            raise InvalidSeedError("InvalidSeedError", f"{owner}: seed = {s!r} must be None or an int >= 0")
        if s > MAX_SEED:
            raise InvalidSeedError("InvalidSeedError", f"{owner}: seed = {s} must be <= {MAX_SEED} (2**53 - 1: seeds travel as JSON numbers)")


_NUMBER_TYPES = frozenset((int, float))


def is_numbers(values: list[Any]) -> bool:
    """Whether every entry of ``values`` (JSON data) is a number (a JSON true/false, which Python's
    bool makes an int, is not). Compared by exact type, in C (``map``), as it runs on every list
    of every step's info."""
    return set(map(type, values)) <= _NUMBER_TYPES


def info_dtype(key: str | None, values: Iterable[Any]) -> type[np.generic]:
    """The NumPy dtype of info key ``key``'s numbers ``values``: int64 for counts and indices, float64
    for the rest, and for a count's key whose numbers are not all whole (an env of your own may
    name a fraction ``slot``: int64 would truncate it)."""
    return np.int64 if key in INTEGER_INFO_KEYS and all(type(v) is int for v in values) else np.float64


def step_request(server: Server, space: spaces.Space[Any], action: Any, refused: str) -> Any:
    """The server's answer to ``step`` with ``action``, refused first when its shape is not
    ``space``'s or when an entry is not JSON data (looked for only once ``json.dumps`` refuses, so
    it costs nothing per step): an InvalidActionError whose message starts with ``refused``."""
    why = shape_mismatch(space, action)
    if why is None:
        # booleans as the numbers NumPy and Gymnasium's contains() take them for (True is 1)
        data = to_json_data(action, bools_as_numbers=True)
        try:
            return server.request("step", action=data)
        except TypeError as error:  # json.dumps refused an entry, and nothing was sent: name it
            why = non_json_value(data)
            if why is None:
                raise
            raise InvalidActionError("InvalidActionError", f"{refused}: {why}") from error
    raise InvalidActionError("InvalidActionError", f"{refused}: {why}")


def reset_request(server: Server, seed: Any, options: Any, owner: str) -> Any:
    """The server's answer to ``reset``; options JSON cannot carry are a TypeError naming the
    place, looked for only once ``json.dumps`` refuses (a replayed trace is long), as ``step_request``
    does for actions."""
    data = to_json_data(options)
    try:
        return server.request("reset", seed=seed, options=data)
    except TypeError as error:  # nothing was sent
        why = non_json_value(data, expected=JSON_DATA)
        if why is None:
            raise
        raise TypeError(f"{owner}: options: {why}") from error


def info_from_json(value: Any, key: str | None = None) -> Any:
    """An info from the server: numbers as floats (bdt-gym's are doubles, but JSON writes a whole
    one as ``0``, which would read back as an int, and Gymnasium's vector envs type a column by
    env 0's value), except counts and indices (``INTEGER_INFO_KEYS``); arrays of numbers as NumPy
    arrays (which Gymnasium's vector envs stack one row per env), dicts recursively."""
    if isinstance(value, dict):
        return {k: info_from_json(v, k) for k, v in value.items()}
    if isinstance(value, list) and is_numbers(value):
        return np.asarray(value, dtype=info_dtype(key, value))
    if isinstance(value, list):
        return [info_from_json(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return value if key in INTEGER_INFO_KEYS else float(value)
    return value


class BdtGymEnv(gym.Env[Any, Any]):
    """## Description
    The bdt-gym env ``env_id`` (TypeScript, docs/MODEL.md), run by a ``bdt-gym serve`` process
    that this env starts and owns: ``make(env_id, kwargs)`` there, so its checker, order
    enforcing and time limit apply, and every number is the TypeScript env's own.

    ## Action Space
    The env's, as Gymnasium spaces: for the B-DT ids ``Dict(partition: MultiDiscrete(L_n),
    inferenceShare: Box(0, 1, (M,), float64), miningShare: Box(0, 1, (J,), float64))``.

    ## Observation Space
    The env's: for the B-DT ids a ``Dict`` of float32 Boxes (H, G, gain, arrivals,
    gatewayBudget, apBudget, reputation, progress).

    ## Rewards
    The env's: for the B-DT ids -Psi(t), the drift-plus-penalty of the slot.

    ## Episode End
    The env's: the B-DT ids truncate after the scenario's T slots.

    ## Arguments
    ``env_id`` (a bdt-gym id), ``render_mode`` (None or "ansi"), ``max_episode_steps`` (bdt-gym
    ``make``'s time limit; -1 drops the id's), and any bdt-gym keyword argument by its
    TypeScript name: ``gym.make("bdt_gym/BDT-v0", infoLevel="summary", scenario={"lyapunov":
    {"V": 50}})``; NumPy values in them, in reset options and in seeds are taken as their
    Python values. Info values: floats (counts and indices such as ``slot`` and ``winner`` as ints), NumPy
    arrays and dicts (``info_from_json``).

    ## Interruption
    A call interrupted by Ctrl-C (or any exception) once its request is on its way still
    completes in the server, and its response is dropped before the next request: the env stays
    usable and is as after that request (an interrupted ``step`` has taken place).
    """

    # what gymnasium.make reads before an instance exists; each instance takes its env's own
    metadata: dict[str, Any] = {"render_modes": ["ansi"], "render_fps": TEXT_RENDER_FPS}

    def __init__(self, env_id: str = "BDT-v0", render_mode: str | None = None, max_episode_steps: int | None = None, **kwargs: Any) -> None:
        modes = self.metadata["render_modes"]
        if render_mode is not None and render_mode not in modes:
            # said here in Python's terms: the server would name its TypeScript keyword, renderMode
            raise ValueError(f"BdtGymEnv: render_mode must be None or {' or '.join(map(repr, modes))} (bdt-gym's envs render text), got {render_mode!r}")
        env_kwargs = json_arguments({**kwargs, **({"renderMode": render_mode} if render_mode is not None else {})}, "BdtGymEnv: keyword arguments")
        self._server = Server()
        try:  # a failure anywhere here ends the server rather than leave it to the garbage collector
            made = self._server.request(
                "make",
                id=env_id,
                kwargs=env_kwargs,
                **({"maxEpisodeSteps": to_json_data(max_episode_steps)} if max_episode_steps is not None else {}),
            )
            self.observation_space = space_from_json(made["observationSpace"])
            self.action_space = space_from_json(made["actionSpace"])
            self.metadata = {"render_modes": made["metadata"]["renderModes"], "render_fps": made["metadata"].get("renderFps", TEXT_RENDER_FPS)}
            self.render_mode = made["renderMode"]
            self.bdt_spec = made["spec"]
        except BaseException:
            self._server.close()
            raise

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        seed = to_json_data(seed)  # a NumPy integer as the Python int Gymnasium's seeding takes
        check_reset_args(seed, options, "BdtGymEnv.reset")
        result = reset_request(self._server, seed, options, "BdtGymEnv.reset")
        # once the server took it: a refused reset leaves np_random and np_random_seed as they were
        super().reset(seed=seed)
        return element_from_json(self.observation_space, result["obs"]), info_from_json(result["info"])

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        result = step_request(self._server, self.action_space, action, "BdtGymEnv.step: invalid action")
        obs = element_from_json(self.observation_space, result["obs"])
        return obs, float(result["reward"]), bool(result["terminated"]), bool(result["truncated"]), info_from_json(result["info"])

    def agent_action(self, agent: str = "dpra", **options: Any) -> Any:
        """The action bdt-gym's agent ``agent`` takes in the current state (after ``reset`` or
        ``step``): ``dpra`` (the Lyapunov drift-plus-penalty solution), ``wdpo``,
        ``latency-greedy``, ``all-local``, ``random``, ``oracle``, or a trained ``ppo``/``dqn``
        or ``ppo-solved``/``dqn-solved`` (the committed model when ``checkpoint`` is not given; a
        path is read from the server's working directory, which is Python's); options by their
        TypeScript names (``agent_action("ppo-solved", candidates=13)``). To benchmark
        against DPRA on the same trace, imitate it, or mix it with a policy. Reach it through
        wrappers with ``env.unwrapped.agent_action(...)``.
        """
        return element_from_json(self.action_space, self._server.request("act", agent=agent, options=to_json_data(options)))

    def render(self) -> str | None:
        return self._server.request("render")

    def __reduce__(self) -> Any:
        # copy.deepcopy and pickle would copy the handle of a process, not the env
        raise TypeError(f"{type(self).__name__} cannot be copied or pickled: it drives a bdt-gym serve process of its own; make another with gym.make(env.spec) (a vector env: with gym.make_vec), or pickle a function that makes it")

    def close(self) -> None:
        self._server.close()
        super().close()
