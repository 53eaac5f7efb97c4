"""Your policy against DPRA, the Lyapunov drift-plus-penalty solution, on the same traces.

Each seed fixes the exogenous trace (arrivals, fading, energy budgets, mining draws) whatever
the actions, so the policies below face identical slots: common random numbers, as
`bdt-gym compare` does, whose figures (means over the seeds of each episode's figures) these are.
Besides latency and reward, what DPRA is for: C6 (each AP's time-average reputation within
[U^min, U^max]) and the energy budgets (C4, C5). Replace `my_policy` with yours.

The last line is the paired difference, my_policy minus DPRA on each seed's trace, with its 95%
Student-t interval over the seeds (none with one seed), as `bdt-gym compare`'s "vs" columns: a
trace's difficulty cancels in the difference, so its interval is the one to cite, and an interval
that holds 0 says the seeds do not tell the two apart. `--scenario my.json` plays a scenario file
(deep-merged into BDT-v0's, as `gym.make("bdt_gym/BDT-v0", scenario=...)` merges it).

    PYTHONPATH=python python3 python/examples/compare_with_dpra.py [--seeds 1,2,3] [--slots T] [--scenario my.json]
"""

from __future__ import annotations

import argparse
import json
import math
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


def system_of(scenario: dict[str, Any]) -> dict[str, Any]:
    """The compiled system of the scenario (T, [U^min, U^max], ...), read through the native vector env (infos lack it)."""
    envs = gym.make_vec("bdt_gym/BDT-v0", num_envs=1, infoLevel="summary", scenario=scenario)
    system = envs.get_attr("system")[0]
    envs.close()
    return system


# The 0.975 quantiles of Student's t for 1..30 degrees of freedom (two-sided 95% intervals).
T_975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042)


def t_quantile_975(df: int) -> float:
    """The 0.975 quantile of Student's t: the table up to 30 degrees of freedom, then the Cornish-Fisher expansion in 1/df (within 1e-4)."""
    if df <= len(T_975):
        return T_975[df - 1]
    z = 1.959963984540054  # the standard normal's 0.975 quantile
    z2 = z * z
    return z + z * (z2 + 1) / 4 / df + z * ((5 * z2 + 16) * z2 + 3) / 96 / df**2 + z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384 / df**3


def signed_mean_interval(samples: list[float], digits: int) -> str:
    """The mean with its sign ('+' before a positive one) and its 95% Student-t half-width; the mean alone for one sample."""
    n = len(samples)
    mean = math.fsum(samples) / n
    text = f"{'+' if mean > 0 else ''}{mean:.{digits}f}"
    if n == 1:
        return text
    half_width = t_quantile_975(n - 1) * math.sqrt(math.fsum((x - mean) ** 2 for x in samples) / (n - 1) / n)
    return f"{text} ± {half_width:.{digits}f}"


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


DIGITS = (4, 3, 4, 1)  # latency, reward, C6 violation, energy violations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated trace seeds")
    parser.add_argument("--slots", type=int, help="slots per episode (default: the scenario's T)")
    parser.add_argument("--scenario", help="scenario JSON file (as configs/default.json), deep-merged into BDT-v0's (default: BDT-v0's own)")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    scenario: dict[str, Any] = {}
    if args.scenario is not None:
        with open(args.scenario, encoding="utf-8") as file:
            scenario = json.load(file)
    if args.slots is not None:
        scenario = {**scenario, "slots": args.slots}
    system = system_of(scenario)
    bounds = system["uMin"], system["uMax"]
    played = "BDT-v0" if args.scenario is None else f'{args.scenario} (scenario "{system["scenario"]["name"]}")'
    print(f"{played}, seeds {args.seeds}, {system['slots']} slots; means over the seeds of each episode's mean latency (s), mean reward (-Psi), C6 violation and energy violations")
    episodes: dict[str, list[Episode]] = {}
    for name, policy in (("dpra", dpra), ("my_policy", my_policy)):
        episodes[name] = [episode(policy, seed, scenario, bounds) for seed in seeds]
        latency, reward, c6, energy = np.mean(episodes[name], axis=0)
        print(f"{name:10s}  latency {latency:.4f}  reward {reward:.3f}  C6 violation {c6:.4f}  energy violations {energy:.1f}")
    print(f"my_policy - dpra on each seed's trace: mean{' ± 95% Student-t CI over the seeds' if len(seeds) > 1 else ' (one seed: no interval)'}")
    differences = [[mine - theirs for mine, theirs in zip(a, b)] for a, b in zip(episodes["my_policy"], episodes["dpra"])]
    cells = [signed_mean_interval([d[i] for d in differences], DIGITS[i]) for i in range(len(DIGITS))]
    print(f"{'difference':10s}  latency {cells[0]}  reward {cells[1]}  C6 violation {cells[2]}  energy violations {cells[3]}")


if __name__ == "__main__":
    main()
