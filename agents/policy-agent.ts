/**
 * Trained policies as `Agent`s (baselines/agent.ts), so the CLI and the comparison harness run
 * them like scripted agents. Acting is deterministic: the most likely discrete choice and the
 * Gaussian mean for PPO (unless given `{ sample: seed }`), the greedy action for DQN.
 */
import type { ActContext, Agent } from '../baselines/agent.ts';
import { hasEnvShape, type Env } from '../env/core/env.ts';
import { formatValue } from '../env/core/format.ts';
import { CheckpointError, checkpointHyperparameters, disposingOnError, readManifest } from './checkpoint/checkpoint.ts';
import { withArticle, type CheckpointManifest } from './checkpoint/manifest.ts';
import { solvedSharesAction, solvedSharesChoice, type CpuShares } from './cpu-shares.ts';
import { DqnHyperparametersSchema } from './dqn/hyperparameters.ts';
import { isLearnedAlgorithm, learnedAgentFor } from './learned-agents.ts';
import { PpoHyperparametersSchema } from './ppo/hyperparameters.ts';
import { firstNonFinite } from './checkpoint/directory-handler.ts';
import { checkpointDirOf } from './checkpoint/checkpoint-dir.ts';
import { warnIfOtherSystem } from './checkpoint/trained-scenario.ts';
import { loadDqnPolicy } from './dqn/dqn-checkpoint.ts';
import { loadPpoPolicy } from './ppo/ppo-checkpoint.ts';
import type { PpoPolicy } from './ppo/ppo-policy.ts';
import type { LoadedDqnPolicy } from './dqn/dqn-checkpoint.ts';
import { isHeldByTrainer } from './trainer-held-networks.ts';
import type { ActionLayout } from './nn/action-layout.ts';
import { OrderedCandidates } from './nn/ordered-candidates.ts';
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
  /**
   * DROO's search at act time, for a policy with discrete dimensions only: the agent proposes
   * `count` candidate actions ({@link OrderedCandidates}: its best, then its best with one of its
   * least sure dimensions at its second choice) and `choose` returns the env's action for one of
   * them, given the env acted in (cpuShares 'solved': the one whose solved shares score best);
   * `choose` then takes the place of the action mapping (`toEnvAction`). Not with `sample`.
   */
  readonly candidates?: CandidateSearch | undefined;
}

/** How a PpoAgent or DqnAgent picks among its candidate actions (see PolicyAgentOptions.candidates). */
export interface CandidateSearch {
  /** How many candidates to propose (an integer >= 1); fewer when fewer dimensions have a second choice. */
  readonly count: number;
  /** The env's action for the best of `candidates` (actions of the policy's space), in `context.env` when given. */
  readonly choose: (candidates: readonly unknown[], context: ActContext | undefined) => unknown;
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
  const { candidates } = given;
  if (candidates !== undefined && !(Number.isInteger(candidates.count) && candidates.count >= 1 && typeof candidates.choose === 'function')) {
    throw new InvalidArgumentError(`${owner}: options.candidates must be { count: an integer >= 1, choose: a function }, got count ${String(candidates.count)} and choose ${typeof candidates.choose}`);
  }
  return { ...given, ownsNetworks: given.ownsNetworks ?? !isHeldByTrainer(network) };
}

/** The candidate generator for `options.candidates` over a policy of action layout `layout`; a GymError when it has continuous dimensions. */
function candidateGenerator(owner: string, candidates: CandidateSearch | undefined, layout: ActionLayout): OrderedCandidates | undefined {
  if (candidates === undefined) return undefined;
  if (layout.continuousDims > 0) throw new InvalidArgumentError(`${owner}: options.candidates needs a policy with discrete dimensions only (this one has ${layout.continuousDims} continuous: ${layout.continuousNames.slice(0, 3).join(', ')}${layout.continuousDims > 3 ? ', ...' : ''})`);
  return new OrderedCandidates(layout.nvec, candidates.count);
}

/** The candidates `generator` made, each as an action of `layout`'s space, for `search.choose`. */
function chooseAmong(search: CandidateSearch, generator: OrderedCandidates, count: number, layout: ActionLayout, context: ActContext | undefined): unknown {
  const actions: unknown[] = [];
  for (let i = 0; i < count; i++) actions.push(layout.toEnv(generator.candidates[i]!, EMPTY, 0));
  return search.choose(actions, context);
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
  /** With `options.candidates`: the candidates around the mode. */
  private readonly generator: OrderedCandidates | undefined;
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
    if (sample !== undefined && this.options.candidates !== undefined) throw new InvalidArgumentError('PpoAgent: options.sample and options.candidates exclude each other (the candidates are around the mode)');
    this.generator = candidateGenerator('PpoAgent', this.options.candidates, policy.layout);
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
    const { generator, options } = this;
    // the logits lead the head, dimension by dimension
    if (generator !== undefined) return chooseAmong(options.candidates!, generator, generator.generate(this.head, 0), policy.layout, context as ActContext | undefined) as Act;
    const action = policy.layout.toEnv(this.discrete, this.continuous, 0); // the layout was built from the policy's action space
    const { toEnvAction } = options;
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
  /** With `options.candidates`: the candidates around the greedy action. */
  private readonly generator: OrderedCandidates | undefined;
  private disposed = false;

  private readonly qRow: Float32Array;

  /** `options.ownsNetworks`: by default false for a live trainer's `trainer.qNetwork` (see PolicyAgentOptions). */
  constructor(
    policy: DqnActingParts,
    options: PolicyAgentOptions = {},
  ) {
    this.policy = policy;
    this.options = agentOptions('DqnAgent', options, policy.qNetwork);
    this.generator = candidateGenerator('DqnAgent', this.options.candidates, policy.layout);
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
    const { generator } = this;
    // the advantages rank each branch's actions as its Q values do (V and the mean advantage are shared)
    if (generator !== undefined) return chooseAmong(this.options.candidates!, generator, generator.generate(q, qNetwork.headStart), layout, context as ActContext | undefined) as Act;
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
 * other algorithm is refused, and with `options.cpuShares`, one trained with other cpuShares. The
 * agent is typed by `env`: it takes its observations and gives its actions. `options.sample` (PPO
 * only; a DQN checkpoint with it is refused) samples its actions, as PpoAgent's option.
 * `options.candidates` (for a checkpoint trained with cpuShares 'solved') makes the agent weigh
 * that many partitions each slot and play the one whose solved shares score best (DROO's search,
 * PolicyAgentOptions.candidates). With no TensorFlow.js backend running yet, the fastest is
 * started (as `initBackend()` does); a running one is kept.
 */
export async function loadPolicyAgent<Obs, Act>(
  runOrCheckpointDir: string,
  env: Env<Obs, Act>,
  expectedAlgo?: 'ppo' | 'dqn',
  options: { sample?: number | undefined; cpuShares?: CpuShares | undefined; candidates?: number | undefined } = {},
): Promise<PpoAgent<Obs, Act> | DqnAgent<Obs, Act>> {
  // from untyped code these failed as raw TypeErrors (a path argument, reading observationSpace of undefined)
  if (typeof runOrCheckpointDir !== 'string' || runOrCheckpointDir === '') throw new InvalidArgumentError(`loadPolicyAgent: runOrCheckpointDir must be a directory path, got ${formatValue(runOrCheckpointDir)}`);
  if (!hasEnvShape(env)) throw new InvalidArgumentError(`loadPolicyAgent: env must be an Env (the env the policy acts in), got ${formatValue(env)}`);
  if (expectedAlgo !== undefined && expectedAlgo !== 'ppo' && expectedAlgo !== 'dqn') throw new InvalidArgumentError(`loadPolicyAgent: expectedAlgo must be 'ppo', 'dqn' or undefined, got ${formatValue(expectedAlgo)}`);
  const dir = checkpointDirOf(runOrCheckpointDir);
  const manifest = readManifest(dir);
  if (expectedAlgo !== undefined && manifest.algo !== expectedAlgo) {
    throw new CheckpointError(`checkpoint ${dir} holds ${withArticle(manifest.algo)} policy, not a ${expectedAlgo} one`);
  }
  // an algorithm of one's own: read as DQN's, its hyperparameters were refused field by field
  if (!isLearnedAlgorithm(manifest.algo)) throw new CheckpointError(`checkpoint ${dir} holds ${withArticle(manifest.algo)} policy; loadPolicyAgent loads ppo and dqn ones, so load it with its own algorithm's code`);
  const trainedShares = trainedCpuShares(dir, manifest);
  if (options.cpuShares !== undefined && trainedShares !== options.cpuShares) {
    throw new CheckpointError(`checkpoint ${dir} holds a ${manifest.algo} policy trained with cpuShares '${trainedShares}', not '${options.cpuShares}': agent ${learnedAgentFor(manifest.algo, trainedShares)} loads it`);
  }
  if (manifest.algo === 'dqn' && options.sample !== undefined) throw new InvalidArgumentError(`loadPolicyAgent: checkpoint ${dir} holds a dqn policy, which acts greedily; sample is PPO's option`);
  const { candidates: count } = options;
  if (count !== undefined && trainedShares !== 'solved') throw new InvalidArgumentError(`loadPolicyAgent: candidates weighs partitions by their solved CPU shares, for a checkpoint trained with cpuShares 'solved'; checkpoint ${dir} was trained with cpuShares '${trainedShares}'`);
  const candidates = count === undefined ? undefined : { count, choose: solvedSharesChoice(`checkpoint ${dir}`, env as Env<unknown, unknown>) };
  const agent = manifest.algo === 'ppo' ? await loadPpoAgent<Obs, Act>(dir, trainedShares, env, options.sample, candidates) : await loadDqnAgent<Obs, Act>(dir, env, candidates);
  warnIfOtherSystem(dir, manifest.scenario, env);
  return agent;
}

/** The cpuShares checkpoint `dir` was trained with, from its hyperparameters (validated by its algorithm's schema). */
function trainedCpuShares(dir: string, manifest: CheckpointManifest): CpuShares {
  return checkpointHyperparameters({ dir, manifest }, manifest.algo === 'ppo' ? PpoHyperparametersSchema : DqnHyperparametersSchema).cpuShares;
}

/** The PPO agent of checkpoint `dir` for `env`: with cpuShares 'solved', its policy picks the partition and DPRA solves the shares in the env acted in. */
async function loadPpoAgent<Obs, Act>(dir: string, cpuShares: CpuShares, env: Env<Obs, Act>, sample: number | undefined, candidates: CandidateSearch | undefined): Promise<PpoAgent<Obs, Act>> {
  const policy = await loadPpoPolicy(dir, env.observationSpace, env.actionSpace);
  return disposingOnError([policy], () => {
    const toEnvAction = cpuShares === 'solved' ? solvedSharesAction(`checkpoint ${dir}`, env as Env<unknown, unknown>) : undefined;
    return new PpoAgent<Obs, Act>(policy, { checkpointDir: dir, sample, toEnvAction, candidates });
  });
}

/** The DQN agent of checkpoint `dir` for `env`, weighing `candidates` when given. */
async function loadDqnAgent<Obs, Act>(dir: string, env: Env<Obs, Act>, candidates: CandidateSearch | undefined): Promise<DqnAgent<Obs, Act>> {
  const policy = await loadDqnPolicy(dir, env);
  return disposingOnError([policy.qNetwork], () => new DqnAgent<Obs, Act>(policy, { checkpointDir: dir, candidates }));
}
