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


def t_quantile_975(df: int) -> float:
    """The 0.975 quantile of Student's t (two-sided 95% intervals), as bdt-gym's tQuantile975 computes it: up to 1000 degrees of freedom solved from the distribution function, then the Cornish-Fisher expansion in 1/df."""
    if df <= 1000:
        low, high = 1.959963984540054, 12.8
        for _ in range(200):
            mid = (low + high) / 2
            if mid in (low, high):
                break
            if t_central_probability(mid, df) < 0.95:
                low = mid
            else:
                high = mid
        return (low + high) / 2
    z = 1.959963984540054  # the standard normal's 0.975 quantile
    z2 = z * z
    g = (z * (z2 + 1) / 4, z * ((5 * z2 + 16) * z2 + 3) / 96, z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384, z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160)
    return z + g[0] / df + g[1] / df**2 + g[2] / df**3 + g[3] / df**4


def t_central_probability(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with an integer df: the finite sums in cos(theta) of Abramowitz and Stegun 26.7.3 (odd df) and 26.7.4 (even df)."""
    theta = math.atan(t / math.sqrt(df))
    cos2 = math.cos(theta) ** 2
    total = 0.0
    if df % 2 == 1:
        term = math.cos(theta)
        for k in range(1, (df - 1) // 2 + 1):
            total += term
            term *= cos2 * 2 * k / (2 * k + 1)
        return 2 / math.pi * (theta + math.sin(theta) * total)
    term = 1.0
    for k in range(df // 2):
        total += term
        term *= cos2 * (2 * k + 1) / (2 * k + 2)
    return math.sin(theta) * total


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
    print_comparison({name: [episode(policy, seed, scenario, bounds) for seed in seeds] for name, policy in (("dpra", dpra), ("my_policy", my_policy))}, "my_policy")


def print_comparison(episodes: dict[str, list[Episode]], mine: str) -> None:
    """One row of means over the seeds per policy, then `mine` - dpra on each seed's trace."""
    for name, played in episodes.items():
        latency, reward, c6, energy = np.mean(played, axis=0)
        print(f"{name:10s}  latency {latency:.4f}  reward {reward:.3f}  C6 violation {c6:.4f}  energy violations {energy:.1f}")
    seeds = len(episodes[mine])
    print(f"{mine} - dpra on each seed's trace: mean{' ± 95% Student-t CI over the seeds' if seeds > 1 else ' (one seed: no interval)'}")
    differences = [[a - b for a, b in zip(ours, theirs)] for ours, theirs in zip(episodes[mine], episodes["dpra"])]
    cells = [signed_mean_interval([d[i] for d in differences], DIGITS[i]) for i in range(len(DIGITS))]
    print(f"{'difference':10s}  latency {cells[0]}  reward {cells[1]}  C6 violation {cells[2]}  energy violations {cells[3]}")


if __name__ == "__main__":
    main()
