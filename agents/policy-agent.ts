/**
 * Trained policies as `Agent`s (baselines/agent.ts), so the CLI and the comparison harness run
 * them like scripted agents. Acting is deterministic: the most likely discrete choice and the
 * Gaussian mean for PPO (unless given `{ sample: seed }`), the greedy action for DQN.
 */
import type { ActContext, Agent } from '../baselines/agent.ts';
import type { Env } from '../env/core/env.ts';
import { CheckpointError, checkpointHyperparameters, disposingOnError, readManifest } from './checkpoint/checkpoint.ts';
import type { CheckpointManifest } from './checkpoint/manifest.ts';
import { solvedSharesAction } from './cpu-shares.ts';
import { PpoHyperparametersSchema } from './ppo/hyperparameters.ts';
import { firstNonFinite } from './checkpoint/directory-handler.ts';
import { checkpointDirOf } from './checkpoint/checkpoint-dir.ts';
import { warnIfOtherSystem } from './checkpoint/trained-scenario.ts';
import { loadDqnPolicy } from './dqn/dqn-checkpoint.ts';
import { loadPpoPolicy } from './ppo/ppo-checkpoint.ts';
import type { PpoPolicy } from './ppo/ppo-policy.ts';
import type { LoadedDqnPolicy } from './dqn/dqn-checkpoint.ts';
import { isHeldByTrainer } from './trainer-held-networks.ts';
import { GymError, InvalidArgumentError } from '../env/core/errors.ts';
import { makeRng, subSeed, type Rng } from '../env/core/rng.ts';

/** What a DQN agent needs to act (a loaded checkpoint or a live trainer provide it). */
export type DqnActingParts = Pick<LoadedDqnPolicy, 'qNetwork' | 'encoder' | 'layout' | 'toEnvAction'>;

/** Where a PpoAgent's or DqnAgent's networks come from. */
export interface PolicyAgentOptions {
  /** Where the policy was loaded from, named in errors. */
  readonly checkpointDir?: string;
  /**
   * Whether the agent's `dispose()` frees the networks. By default, true for a policy of its own,
   * as loaded (`loadPolicyAgent`, `loadPpoPolicy`), and false for one a live trainer holds
   * (`trainer.policy`, `trainer.qNetwork`), which the trainer's `dispose()` frees: disposing the
   * agent (compareAgents disposes every agent) then does not break training.
   */
  readonly ownsNetworks?: boolean;
}

/** A PpoAgent's options: a DqnAgent's, and how it picks actions. */
export interface PpoAgentOptions extends PolicyAgentOptions {
  /**
   * Sample each action from the policy's distribution, as training does, from this seed (an
   * integer): each `reset(seed)` reseeds the sampler from it and the episode's seed, so an episode
   * seed gives one sequence of actions whatever the agent played before (a `reset()` without a
   * seed goes on with the sequence; before any reset the agent draws from `makeRng(sample)`). By
   * default the agent takes the policy's mode.
   */
  readonly sample?: number | undefined;
  /**
   * Maps the policy's action to the action of the env acted in (`context.env` when given), for a
   * policy that acts in a wrapper of it (cpuShares 'solved'); by default the action is the env's.
   */
  readonly toEnvAction?: ((action: unknown, context: ActContext | undefined) => unknown) | undefined;
}

/** `options`, checked (a JavaScript caller may pass the former second argument, a directory), with `ownsNetworks` decided for `network`. */
function agentOptions<O extends PolicyAgentOptions>(owner: string, options: unknown, network: { readonly isDisposed: boolean }): O & { ownsNetworks: boolean } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${owner}: options must be an object { checkpointDir?, ownsNetworks? }, got ${typeof options === 'string' ? JSON.stringify(options) : String(options)}`);
  }
  if (network.isDisposed) throw networksFreed(owner);
  const given = options as O;
  return { ...given, ownsNetworks: given.ownsNetworks ?? !isHeldByTrainer(network) };
}

/** The error for networks freed under an agent: its JS copies of the weights would act on unseen. */
function networksFreed(where: string): GymError {
  return new GymError(`${where}: the networks it acts with were freed (their trainer or policy was disposed); make the agent over a live trainer's networks, or save a checkpoint before disposing the trainer and load it`);
}

/** Throws a GymError once the agent was disposed, or its networks were freed under it. */
function assertUsable(where: string, disposed: boolean, network: { readonly isDisposed: boolean }, { checkpointDir, ownsNetworks }: PolicyAgentOptions & { ownsNetworks: boolean }): void {
  if (disposed) {
    if (!ownsNetworks) throw new GymError(`${where}: the agent was disposed; make a new one over the networks it borrowed`);
    throw new GymError(`${where}: the agent was disposed (its networks were freed); ${checkpointDir === undefined ? 'load the policy again' : `load the checkpoint again (${checkpointDir})`}`);
  }
  if (network.isDisposed) throw networksFreed(where);
}

/** The error for a policy output that is not finite, which the env would blame on the action. */
function nonFiniteOutput({ checkpointDir, ownsNetworks }: PolicyAgentOptions & { ownsNetworks: boolean }, what: string): Error {
  if (checkpointDir === undefined) return new Error(`the policy${ownsNetworks ? '' : ' being trained'} produced ${what}`);
  return new CheckpointError(`the policy from ${checkpointDir} produced ${what}: its checkpoint holds network weights no training produces`);
}

/** A PPO policy acting deterministically (or sampling, with `options.sample`), on an env of observations `Obs` and actions `Act`. */
export class PpoAgent<Obs = unknown, Act = unknown> implements Agent<Obs, Act> {
  readonly policy: PpoPolicy;
  private readonly options: PpoAgentOptions & { ownsNetworks: boolean };
  readonly name = 'ppo';
  private readonly raw: Float32Array;
  private readonly input: Float32Array;
  private readonly head: Float32Array;
  private readonly discrete: Int32Array;
  private readonly continuous: Float32Array;
  private readonly logProb = new Float32Array(1);
  private readonly logStd: Float32Array;
  /** With `options.sample`: the generator actions are drawn from, reseeded at each seeded reset. */
  private sampler: Rng | undefined;
  private disposed = false;

  /** `options.ownsNetworks`: by default false for a live trainer's `trainer.policy` (see PolicyAgentOptions); `options.sample` samples actions instead of taking the mode. */
  constructor(
    policy: PpoPolicy,
    options: PpoAgentOptions = {},
  ) {
    this.policy = policy;
    this.options = agentOptions<PpoAgentOptions>('PpoAgent', options, policy);
    const { sample } = this.options;
    if (sample !== undefined && !Number.isSafeInteger(sample)) throw new InvalidArgumentError(`PpoAgent: options.sample must be an integer seed, got ${typeof sample === 'number' ? String(sample) : `a ${typeof sample}`}`);
    this.sampler = sample === undefined ? undefined : makeRng(sample);
    this.raw = new Float32Array(policy.encoder.dim);
    this.input = new Float32Array(policy.encoder.dim);
    this.head = new Float32Array(policy.dist.headDim);
    this.discrete = new Int32Array(policy.layout.discreteDims);
    this.continuous = new Float32Array(policy.layout.continuousDims);
    this.logStd = policy.logStdValues();
  }

  /** With `options.sample` and a `seed`, reseeds the sampler: the same seed, the same actions, as Agent.reset promises. */
  reset(seed?: number): void {
    const { sample } = this.options;
    if (sample !== undefined && seed !== undefined) this.sampler = makeRng(subSeed(sample, `episode/${seed}`));
  }

  act(obs: Obs, context?: ActContext<Obs, Act>): Act {
    const { policy } = this;
    assertUsable('PpoAgent.act', this.disposed, policy, this.options);
    policy.encoder.flattenInto(obs, this.raw, 0);
    policy.encoder.assertFinite(this.raw, 0, 'PpoAgent.act');
    policy.encoder.normalize(this.raw, 1, this.input);
    policy.forward(this.input, 1, this.head);
    const { sampler } = this;
    // a trainer's policy moves its log-std as it trains: sampling reads it afresh (the mode needs none)
    const logStd = sampler === undefined ? this.logStd : policy.logStdValues();
    policy.dist.sample(this.head, logStd, 1, sampler, this.discrete, this.continuous, this.logProb);
    const c = firstNonFinite(this.continuous);
    if (c >= 0) throw nonFiniteOutput(this.options, `${this.continuous[c]} in ${policy.layout.continuousNames[c]}`);
    const h = firstNonFinite(this.head); // the discrete logits: argmax would pick an arbitrary action
    if (h >= 0) throw nonFiniteOutput(this.options, `${this.head[h]} as actor output ${h}`);
    const action = policy.layout.toEnv(this.discrete, this.continuous, 0); // the layout was built from the policy's action space
    const { toEnvAction } = this.options;
    return (toEnvAction === undefined ? action : toEnvAction(action, context as ActContext | undefined)) as Act;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.options.ownsNetworks) this.policy.dispose();
  }
}

/** A DQN policy acting greedily, on an env of observations `Obs` and actions `Act`. */
export class DqnAgent<Obs = unknown, Act = unknown> implements Agent<Obs, Act> {
  readonly policy: DqnActingParts;
  private readonly options: PolicyAgentOptions & { ownsNetworks: boolean };
  readonly name = 'dqn';
  private readonly raw: Float32Array;
  private readonly input: Float32Array;
  private readonly action: Int32Array;
  private disposed = false;

  private readonly qRow: Float32Array;

  /** `options.ownsNetworks`: by default false for a live trainer's `trainer.qNetwork` (see PolicyAgentOptions). */
  constructor(
    policy: DqnActingParts,
    options: PolicyAgentOptions = {},
  ) {
    this.policy = policy;
    this.options = agentOptions('DqnAgent', options, policy.qNetwork);
    this.qRow = new Float32Array(policy.qNetwork.outputDim);
    this.raw = new Float32Array(policy.encoder.dim);
    this.input = new Float32Array(policy.encoder.dim);
    this.action = new Int32Array(policy.layout.discreteDims);
  }

  reset(): void {}

  act(obs: Obs, context?: ActContext<Obs, Act>): Act {
    const { encoder, qNetwork, layout, toEnvAction } = this.policy;
    assertUsable('DqnAgent.act', this.disposed, qNetwork, this.options);
    encoder.flattenInto(obs, this.raw, 0);
    encoder.assertFinite(this.raw, 0, 'DqnAgent.act');
    encoder.normalize(this.raw, 1, this.input);
    const q = qNetwork.actingOutputs(this.input, 1, this.qRow);
    const bad = firstNonFinite(q); // argmax would pick an arbitrary action
    if (bad >= 0) throw nonFiniteOutput(this.options, `${q[bad]} as Q-network output ${bad}`);
    qNetwork.greedy(q, 1, this.action);
    return toEnvAction(layout.toEnv(this.action, EMPTY, 0), context as ActContext | undefined) as Act; // the layout was built from the policy's action space
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.options.ownsNetworks) this.policy.qNetwork.dispose();
  }
}

const EMPTY = new Float32Array(0);

/**
 * The trained agent saved in `dir` — a checkpoint directory, or a `train` run directory holding
 * one in `checkpoint/` — for `env` (whose spaces must equal the ones it was trained on). The
 * algorithm is read from the checkpoint's manifest; with `expectedAlgo`, a checkpoint of the
 * other algorithm is refused. The agent is typed by `env`: it takes its observations and gives
 * its actions. `options.sample` (PPO only; a DQN checkpoint with it is refused) samples its
 * actions, as PpoAgent's option. With no TensorFlow.js backend running yet, the fastest is
 * started (as `initBackend()` does); a running one is kept.
 */
export async function loadPolicyAgent<Obs, Act>(runOrCheckpointDir: string, env: Env<Obs, Act>, expectedAlgo?: 'ppo' | 'dqn', options: { sample?: number | undefined } = {}): Promise<PpoAgent<Obs, Act> | DqnAgent<Obs, Act>> {
  const dir = checkpointDirOf(runOrCheckpointDir);
  const manifest = readManifest(dir);
  if (expectedAlgo !== undefined && manifest.algo !== expectedAlgo) {
    throw new CheckpointError(`checkpoint ${dir} holds a ${manifest.algo} policy; agent ${expectedAlgo} needs a ${expectedAlgo} checkpoint`);
  }
  if (manifest.algo === 'dqn' && options.sample !== undefined) throw new InvalidArgumentError(`loadPolicyAgent: checkpoint ${dir} holds a dqn policy, which acts greedily; sample is PPO's option`);
  const agent = manifest.algo === 'ppo' ? await loadPpoAgent<Obs, Act>(dir, manifest, env, options.sample) : new DqnAgent<Obs, Act>(await loadDqnPolicy(dir, env), { checkpointDir: dir });
  warnIfOtherSystem(dir, manifest.scenario, env);
  return agent;
}

/** The PPO agent of checkpoint `dir` (its manifest read) for `env`: with cpuShares 'solved', its policy picks the partition and DPRA solves the shares in the env acted in. */
async function loadPpoAgent<Obs, Act>(dir: string, manifest: CheckpointManifest, env: Env<Obs, Act>, sample: number | undefined): Promise<PpoAgent<Obs, Act>> {
  const hp = checkpointHyperparameters({ dir, manifest }, PpoHyperparametersSchema);
  const policy = await loadPpoPolicy(dir, env.observationSpace, env.actionSpace);
  const toEnvAction = hp.cpuShares === 'solved' ? disposingOnError([policy], () => solvedSharesAction(`checkpoint ${dir}`, env as Env<unknown, unknown>)) : undefined;
  return new PpoAgent<Obs, Act>(policy, { checkpointDir: dir, sample, toEnvAction });
}
