"""bdt-gym's envs in Python, as Gymnasium envs (each runs a ``bdt-gym serve`` process).

    import gymnasium as gym
    import bdt_gym  # registers bdt_gym/BDT-small-v0, bdt_gym/BDT-v0, bdt_gym/BDT-large-v0

    env = gym.make("bdt_gym/BDT-v0", infoLevel="summary")
    obs, info = env.reset(seed=42)

    envs = gym.make_vec("bdt_gym/BDT-v0", num_envs=16)  # the native vector env, one process

Any other bdt-gym id (CartPole-v1, an id registered with a scenario): ``bdt_gym.BdtGymEnv("id")``.
One flat action space in place of the B-DT Dict, for Stable-Baselines3 and CleanRL:
``bdt_gym.wrappers.BoxAction`` and ``MultiDiscreteAction``.
"""

import gymnasium as gym

from .env import BdtGymEnv
from .server import AttributeRefusedError, BdtGymError, InvalidActionError, InvalidArgumentError, InvalidSeedError, ResetNeededError, UnexpectedKeywordError, UnregisteredEnvError
from .vector_env import BdtGymVectorEnv

# bdt-gym's version (package.json's; test/python/bridge.test.ts holds pyproject.toml and this to it)
__version__ = "0.1.0"

__all__ = ["BdtGymEnv", "BdtGymVectorEnv", "BdtGymError", "InvalidActionError", "InvalidArgumentError", "InvalidSeedError", "UnexpectedKeywordError", "ResetNeededError", "AttributeRefusedError", "UnregisteredEnvError"]

# The B-DT ids env/envs.ts registers, listed here so that import starts no server;
# test/python/bridge.test.ts fails when they differ from the TypeScript registry's.
for _id in ("BDT-small-v0", "BDT-v0", "BDT-large-v0"):
    # the time limit, if any, is the TypeScript make()'s (the B-DT envs truncate themselves)
    gym.register(id=f"bdt_gym/{_id}", entry_point="bdt_gym.env:BdtGymEnv", vector_entry_point="bdt_gym.vector_env:BdtGymVectorEnv", kwargs={"env_id": _id})
