"""PPO in PyTorch on bdt_gym/BDT-v0, CleanRL's ppo_continuous_action.py on the native vector env.

A Gaussian policy over the flat action of `BoxAction` (rescaled to [-1, 1]), CleanRL's wrappers
in their Gymnasium vector forms (episode statistics, action clipping, observation and reward
normalisation and clipping), CleanRL's networks, loss, update and defaults. Changed: Gymnasium's
vector observation wrappers take next-step autoreset only (CleanRL steps a SyncVectorEnv in
same-step mode), so the step after an episode's last is a reset, whose action is ignored: it is
left out of the loss, and an episode cut at T slots bootstraps from its final observation (a
terminated one would not); and torch runs on one thread. Then the mean action and DPRA on the
same held-out traces, as python/examples/compare_with_dpra.py compares them (imported from it).

Needs torch (not a dependency of bdt_gym); the measured figures are in python/README.md:

    python3 python/examples/ppo_torch.py [--total-timesteps 1000000] [--seed 1] [--eval-seeds 14-33]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import gymnasium as gym
import numpy as np
import torch
import torch.nn as nn
from gymnasium.wrappers import vector as vw
from torch.distributions.normal import Normal

import bdt_gym  # noqa: F401  (registers the bdt_gym/ ids)
from bdt_gym.wrappers import BoxAction
from compare_with_dpra import dpra, episode, print_comparison, system_of


def make_envs(num_envs: int, gamma: float) -> tuple[gym.vector.VectorEnv[Any, Any, Any], vw.NormalizeObservation]:
    """CleanRL's make_env wrappers, in their vector forms, over one server's num_envs envs, and
    the observation normaliser (whose statistics the trained policy needs)."""
    envs = vw.VectorizeTransformAction(gym.make_vec("bdt_gym/BDT-v0", num_envs=num_envs, infoLevel="summary"), wrapper=BoxAction)
    # a Gaussian's mean 0 is then mid-range shares, not zero shares and the latency cap
    envs = vw.RescaleAction(envs, np.float32(-1), np.float32(1))
    envs = vw.FlattenObservation(envs)
    envs = vw.RecordEpisodeStatistics(envs)
    envs = vw.ClipAction(envs)
    envs = normaliser = vw.NormalizeObservation(envs)
    envs = vw.TransformObservation(envs, lambda obs: np.clip(obs, -10, 10))
    envs = vw.NormalizeReward(envs, gamma=gamma)
    return vw.TransformReward(envs, lambda reward: np.clip(reward, -10, 10)), normaliser


def layer_init(layer: nn.Linear, std: float = np.sqrt(2), bias_const: float = 0.0) -> nn.Linear:
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self, obs_size: int, action_size: int) -> None:
        super().__init__()
        self.critic = nn.Sequential(layer_init(nn.Linear(obs_size, 64)), nn.Tanh(), layer_init(nn.Linear(64, 64)), nn.Tanh(), layer_init(nn.Linear(64, 1), std=1.0))
        self.actor_mean = nn.Sequential(layer_init(nn.Linear(obs_size, 64)), nn.Tanh(), layer_init(nn.Linear(64, 64)), nn.Tanh(), layer_init(nn.Linear(64, action_size), std=0.01))
        self.actor_logstd = nn.Parameter(torch.zeros(1, action_size))

    def get_value(self, x: torch.Tensor) -> torch.Tensor:
        return self.critic(x)

    def get_action_and_value(self, x: torch.Tensor, action: torch.Tensor | None = None) -> tuple[torch.Tensor, ...]:
        action_mean = self.actor_mean(x)
        probs = Normal(action_mean, self.actor_logstd.expand_as(action_mean).exp())
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action).sum(1), probs.entropy().sum(1), self.critic(x)


def seed_list(text: str) -> list[int]:
    """'14-33' or '1,2,3'."""
    if "-" in text:
        first, last = map(int, text.split("-"))
        return list(range(first, last + 1))
    return [int(s) for s in text.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--total-timesteps", type=int, default=1_000_000)
    parser.add_argument("--learning-rate", type=float, default=3e-4)
    parser.add_argument("--num-envs", type=int, default=8)
    parser.add_argument("--num-steps", type=int, default=2048, help="steps per env per rollout")
    parser.add_argument("--gamma", type=float, default=0.99)
    parser.add_argument("--gae-lambda", type=float, default=0.95)
    parser.add_argument("--num-minibatches", type=int, default=32)
    parser.add_argument("--update-epochs", type=int, default=10)
    parser.add_argument("--clip-coef", type=float, default=0.2)
    parser.add_argument("--ent-coef", type=float, default=0.0)
    parser.add_argument("--vf-coef", type=float, default=0.5)
    parser.add_argument("--max-grad-norm", type=float, default=0.5)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--eval-seeds", default="14-33", help="traces of the final comparison with DPRA ('14-33' or '1,2,3')")
    args = parser.parse_args()
    batch_size = args.num_envs * args.num_steps
    minibatch_size = batch_size // args.num_minibatches
    num_iterations = args.total_timesteps // batch_size

    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.backends.cudnn.deterministic = True
    # one thread: the networks are tiny, and torch's default of one per core made each rollout
    # step's forward pass 40x slower (15 ms against 0.35) beside the server on a busy 2-core machine
    torch.set_num_threads(args.torch_threads)
    envs, normaliser = make_envs(args.num_envs, args.gamma)
    obs_size, action_size = envs.single_observation_space.shape[0], envs.single_action_space.shape[0]
    agent = Agent(obs_size, action_size)
    optimizer = torch.optim.Adam(agent.parameters(), lr=args.learning_rate, eps=1e-5)

    shape = (args.num_steps, args.num_envs)
    obs = torch.zeros(shape + (obs_size,))
    actions = torch.zeros(shape + (action_size,))
    logprobs, rewards, values = torch.zeros(shape), torch.zeros(shape), torch.zeros(shape)
    terminations, dones, valid = torch.zeros(shape), torch.zeros(shape), torch.zeros(shape, dtype=torch.bool)

    global_step = 0
    start_time = time.time()
    next_obs_array, _ = envs.reset(seed=args.seed)
    next_obs = torch.as_tensor(next_obs_array)  # float32, as the B-DT observations
    autoreset = np.zeros(args.num_envs, dtype=bool)  # envs whose next step is a reset (next-step autoreset)
    for iteration in range(1, num_iterations + 1):
        optimizer.param_groups[0]["lr"] = (1.0 - (iteration - 1.0) / num_iterations) * args.learning_rate
        episode_returns = []
        rollout_start = time.time()
        for step in range(args.num_steps):
            global_step += args.num_envs
            obs[step] = next_obs
            valid[step] = torch.as_tensor(~autoreset)
            with torch.no_grad():
                action, logprob, _, value = agent.get_action_and_value(next_obs)
            values[step], actions[step], logprobs[step] = value.flatten(), action, logprob
            next_obs_array, reward, terminated, truncated, infos = envs.step(action.numpy())
            autoreset = terminated | truncated
            rewards[step] = torch.as_tensor(reward, dtype=torch.float32)
            terminations[step], dones[step] = torch.as_tensor(terminated, dtype=torch.float32), torch.as_tensor(autoreset, dtype=torch.float32)
            next_obs = torch.as_tensor(next_obs_array)
            if "episode" in infos:  # RecordEpisodeStatistics: the raw return of each episode that ended
                episode_returns += infos["episode"]["r"][infos["_episode"]].tolist()

        rollout_seconds = time.time() - rollout_start

        # GAE; a reset step (not valid) holds the ended episode's final observation, whose value
        # bootstraps the step before it unless that step terminated
        with torch.no_grad():
            next_value = agent.get_value(next_obs).flatten()
            advantages = torch.zeros_like(rewards)
            lastgaelam = torch.zeros(args.num_envs)
            for t in reversed(range(args.num_steps)):
                nextvalues = next_value if t == args.num_steps - 1 else values[t + 1]
                delta = rewards[t] + args.gamma * nextvalues * (1.0 - terminations[t]) - values[t]
                lastgaelam = torch.where(valid[t], delta + args.gamma * args.gae_lambda * (1.0 - dones[t]) * lastgaelam, 0.0)
                advantages[t] = lastgaelam
            returns = advantages + values

        keep = valid.reshape(-1)
        b_obs, b_logprobs, b_actions = obs.reshape(-1, obs_size)[keep], logprobs.reshape(-1)[keep], actions.reshape(-1, action_size)[keep]
        b_advantages, b_returns, b_values = advantages.reshape(-1)[keep], returns.reshape(-1)[keep], values.reshape(-1)[keep]
        b_inds = np.arange(len(b_obs))
        clipfracs = []
        for _ in range(args.update_epochs):
            np.random.shuffle(b_inds)
            for start in range(0, len(b_inds), minibatch_size):
                mb_inds = b_inds[start : start + minibatch_size]
                _, newlogprob, entropy, newvalue = agent.get_action_and_value(b_obs[mb_inds], b_actions[mb_inds])
                logratio = newlogprob - b_logprobs[mb_inds]
                ratio = logratio.exp()
                with torch.no_grad():
                    approx_kl = ((ratio - 1) - logratio).mean()
                    clipfracs.append(((ratio - 1.0).abs() > args.clip_coef).float().mean().item())
                mb_advantages = b_advantages[mb_inds]
                mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std() + 1e-8)
                pg_loss = torch.max(-mb_advantages * ratio, -mb_advantages * torch.clamp(ratio, 1 - args.clip_coef, 1 + args.clip_coef)).mean()
                newvalue = newvalue.view(-1)
                v_clipped = b_values[mb_inds] + torch.clamp(newvalue - b_values[mb_inds], -args.clip_coef, args.clip_coef)
                v_loss = 0.5 * torch.max((newvalue - b_returns[mb_inds]) ** 2, (v_clipped - b_returns[mb_inds]) ** 2).mean()
                loss = pg_loss - args.ent_coef * entropy.mean() + v_loss * args.vf_coef
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), args.max_grad_norm)
                optimizer.step()

        mean_return = f"{np.mean(episode_returns):9.1f} over {len(episode_returns)} episodes" if episode_returns else "n/a (no episode ended)"
        print(f"iteration {iteration}/{num_iterations}  global_step {global_step}  episodic_return {mean_return}  approx_kl {approx_kl.item():.4f}  clipfrac {np.mean(clipfracs):.3f}  SPS {int(global_step / (time.time() - start_time))}  rollout {rollout_seconds:.1f} s, update {time.time() - rollout_start - rollout_seconds:.1f} s", flush=True)
    training_seconds = time.time() - start_time

    # the mean action, on observations normalised with the statistics training ended with
    obs_rms = normaliser.obs_rms
    envs.close()

    def mean_action(env: gym.Env[Any, Any], obs: dict[str, np.ndarray]) -> Any:
        flat = gym.spaces.flatten(env.observation_space, obs)
        normalised = np.clip((flat - obs_rms.mean) / np.sqrt(obs_rms.var + 1e-8), -10, 10)
        with torch.no_grad():
            u = agent.actor_mean(torch.as_tensor(normalised, dtype=torch.float32)).clamp(-1, 1).numpy()
        return BoxAction(env).action((u + 1) / 2)  # RescaleAction's [-1, 1] to BoxAction's [0, 1]

    seeds = seed_list(args.eval_seeds)
    system = system_of({})
    bounds = system["uMin"], system["uMax"]
    print(f"trained {global_step} steps in {training_seconds / 60:.1f} min; BDT-v0, traces {args.eval_seeds}: means over the traces of each episode's mean latency (s), mean reward (-Psi), C6 violation and energy violations")
    print_comparison({name: [episode(policy, seed, {}, bounds) for seed in seeds] for name, policy in (("dpra", dpra), ("ppo_torch", mean_action))}, "ppo_torch")


if __name__ == "__main__":
    main()
