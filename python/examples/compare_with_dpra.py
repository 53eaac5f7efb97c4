"""Your policy against DPRA, the Lyapunov drift-plus-penalty solution, on the same traces.

Each seed fixes the exogenous trace (arrivals, fading, energy budgets, mining draws) whatever
the actions, so the policies below face identical slots: common random numbers, as
`bdt-gym compare` does. Replace `my_policy` with yours.

    PYTHONPATH=python python3 python/examples/compare_with_dpra.py [--seeds 1,2,3] [--slots 200]
"""

from __future__ import annotations

import argparse
from typing import Any, Callable

import gymnasium as gym
import numpy as np

import bdt_gym  # noqa: F401  (registers the bdt_gym/ ids)


def my_policy(env: gym.Env[Any, Any], obs: dict[str, np.ndarray]) -> Any:
    """A stand-in for your agent: uniformly random actions."""
    return env.action_space.sample()


def dpra(env: gym.Env[Any, Any], obs: dict[str, np.ndarray]) -> Any:
    """What DPRA does in the env's current state (computed by bdt-gym, in TypeScript)."""
    return env.unwrapped.agent_action("dpra")  # type: ignore[attr-defined]


def episode(policy: Callable[[gym.Env[Any, Any], dict[str, np.ndarray]], Any], seed: int, slots: int) -> tuple[float, float]:
    """Mean latency (s) and mean reward (-Psi) of one episode on seed's trace."""
    env = gym.make("bdt_gym/BDT-v0", infoLevel="summary", scenario={"slots": slots})
    env.action_space.seed(seed)
    obs, _ = env.reset(seed=seed)
    latencies, rewards = [], []
    truncated = False
    while not truncated:
        obs, reward, _, truncated, info = env.step(policy(env, obs))
        latencies.append(info["latency"])
        rewards.append(reward)
    env.close()
    return float(np.mean(latencies)), float(np.mean(rewards))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated trace seeds")
    parser.add_argument("--slots", type=int, default=200, help="slots per episode")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"BDT-v0, seeds {args.seeds}, {args.slots} slots: mean latency (s) and reward (-Psi) per seed")
    for name, policy in (("dpra", dpra), ("my_policy", my_policy)):
        results = [episode(policy, seed, args.slots) for seed in seeds]
        latency = np.mean([r[0] for r in results])
        reward = np.mean([r[1] for r in results])
        print(f"{name:10s}  latency {latency:.4f}  reward {reward:.3f}")


if __name__ == "__main__":
    main()
