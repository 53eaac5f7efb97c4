"""Your policy against DPRA, the Lyapunov drift-plus-penalty solution, on the same traces.

Each seed fixes the exogenous trace (arrivals, fading, energy budgets, mining draws) whatever
the actions, so the policies below face identical slots: common random numbers, as
`bdt-gym compare` does, whose figures (means over the seeds of each episode's figures) these are.
Besides latency and reward, what DPRA is for: C6 (each AP's time-average reputation within
[U^min, U^max]) and the energy budgets (C4, C5). Replace `my_policy` with yours.

    PYTHONPATH=python python3 python/examples/compare_with_dpra.py [--seeds 1,2,3] [--slots 200]
"""

from __future__ import annotations

import argparse
from typing import Any, Callable, NamedTuple

import gymnasium as gym
import numpy as np

import bdt_gym  # noqa: F401  (registers the bdt_gym/ ids)


class Episode(NamedTuple):
    """One episode's figures, as `bdt-gym compare` computes them (env/bdt/episode-metrics.ts)."""

    latency: float  # mean charged latency (s)
    reward: float  # mean reward (-Psi)
    c6_violation: float  # max over APs of how far the time-average U_j lies outside [U^min, U^max]
    energy_violations: int  # (node, slot) pairs over an energy budget


def my_policy(env: gym.Env[Any, Any], obs: dict[str, np.ndarray]) -> Any:
    """A stand-in for your agent: uniformly random actions."""
    return env.action_space.sample()


def dpra(env: gym.Env[Any, Any], obs: dict[str, np.ndarray]) -> Any:
    """What DPRA does in the env's current state (computed by bdt-gym, in TypeScript)."""
    return env.unwrapped.agent_action("dpra")  # type: ignore[attr-defined]


def c6_bounds(scenario: dict[str, Any]) -> tuple[float, float]:
    """[U^min, U^max] of the scenario: its system's, read through the native vector env (infos lack them)."""
    envs = gym.make_vec("bdt_gym/BDT-v0", num_envs=1, infoLevel="summary", scenario=scenario)
    system = envs.get_attr("system")[0]
    envs.close()
    return system["uMin"], system["uMax"]


def c6_violation(reputations: list[np.ndarray], bounds: tuple[float, float]) -> float:
    """How far the worst AP's time-average reputation lies outside the bounds (0 when C6 holds)."""
    average = np.mean(reputations, axis=0)
    low, high = bounds
    return float(np.max(np.maximum(low - average, average - high).clip(min=0)))


def episode(policy: Callable[[gym.Env[Any, Any], dict[str, np.ndarray]], Any], seed: int, scenario: dict[str, Any], bounds: tuple[float, float]) -> Episode:
    """One episode on seed's trace."""
    env = gym.make("bdt_gym/BDT-v0", infoLevel="summary", scenario=scenario)
    env.action_space.seed(seed)
    obs, _ = env.reset(seed=seed)
    latencies, rewards, reputations, violations = [], [], [], 0
    truncated = False
    while not truncated:
        obs, reward, _, truncated, info = env.step(policy(env, obs))
        latencies.append(info["chargedLatency"])  # compare's latency: a slot is charged at most the latency cap
        rewards.append(reward)
        reputations.append(info["reputation"])
        violations += info["gatewayViolations"] + info["apViolations"]
    env.close()
    return Episode(float(np.mean(latencies)), float(np.mean(rewards)), c6_violation(reputations, bounds), violations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated trace seeds")
    parser.add_argument("--slots", type=int, default=200, help="slots per episode")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    scenario = {"slots": args.slots}
    bounds = c6_bounds(scenario)
    print(f"BDT-v0, seeds {args.seeds}, {args.slots} slots; means over the seeds of each episode's mean latency (s), mean reward (-Psi), C6 violation and energy violations")
    for name, policy in (("dpra", dpra), ("my_policy", my_policy)):
        latency, reward, c6, energy = np.mean([episode(policy, seed, scenario, bounds) for seed in seeds], axis=0)
        print(f"{name:10s}  latency {latency:.4f}  reward {reward:.3f}  C6 violation {c6:.4f}  energy violations {energy:.1f}")


if __name__ == "__main__":
    main()
