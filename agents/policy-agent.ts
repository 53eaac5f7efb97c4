/**
 * Trained policies as `Agent`s (baselines/agent.ts), so the CLI and the comparison harness run
 * them like scripted agents. Acting is deterministic: the most likely discrete choice and the
 * Gaussian mean for PPO, the greedy action for DQN.
 */
import type { Agent } from '../baselines/agent.ts';
import type { Env } from '../env/core/env.ts';
import { CheckpointError, readManifest } from './checkpoint/checkpoint.ts';
import { firstNonFinite } from './checkpoint/directory-handler.ts';
import { checkpointDirOf } from './checkpoint/checkpoint-dir.ts';
import { warnIfOtherSystem } from './checkpoint/trained-scenario.ts';
import { loadDqnPolicy } from './dqn/dqn-checkpoint.ts';
import { loadPpoPolicy } from './ppo/ppo-checkpoint.ts';
import type { PpoPolicy } from './ppo/ppo-policy.ts';
import type { LoadedDqnPolicy } from './dqn/dqn-checkpoint.ts';

/** What a DQN agent needs to act (a loaded checkpoint or a live trainer provide it). */
export type DqnActingParts = Pick<LoadedDqnPolicy, 'qNetwork' | 'encoder' | 'layout' | 'toEnvAction'>;

/**
 * The error for a policy output that is not finite, which the env would blame on the action:
 * `checkpointDir` is where the policy was loaded from, undefined for a policy in training.
 */
function nonFiniteOutput(checkpointDir: string | undefined, what: string): Error {
  if (checkpointDir === undefined) return new Error(`the policy being trained produced ${what}`);
  return new CheckpointError(`the policy from ${checkpointDir} produced ${what}: its checkpoint holds network weights no training produces`);
}

/** A PPO policy acting deterministically. */
export class PpoAgent implements Agent {
  readonly policy: PpoPolicy;
  private readonly checkpointDir?: string | undefined;
  readonly name = 'ppo';
  private readonly raw: Float32Array;
  private readonly input: Float32Array;
  private readonly head: Float32Array;
  private readonly discrete: Int32Array;
  private readonly continuous: Float32Array;
  private readonly logProb = new Float32Array(1);
  private readonly logStd: Float32Array;
  private disposed = false;

  /**
   * `checkpointDir`: where the policy was loaded from, for errors (undefined: a policy in training).
   * With it (a loaded policy, as loadPolicyAgent makes) the agent owns the policy and `dispose()`
   * frees it; without (`trainer.policy`) the policy is borrowed and left to the trainer's
   * `dispose()`, so disposing the agent (compareAgents does) does not break training.
   */
  constructor(
    policy: PpoPolicy,
    checkpointDir?: string,
  ) {
    this.policy = policy;
    this.checkpointDir = checkpointDir;
    this.raw = new Float32Array(policy.encoder.dim);
    this.input = new Float32Array(policy.encoder.dim);
    this.head = new Float32Array(policy.dist.headDim);
    this.discrete = new Int32Array(policy.layout.discreteDims);
    this.continuous = new Float32Array(policy.layout.continuousDims);
    this.logStd = policy.logStdValues();
  }

  reset(): void {}

  act(obs: unknown): unknown {
    const { policy } = this;
    policy.encoder.flattenInto(obs, this.raw, 0);
    policy.encoder.normalize(this.raw, 1, this.input);
    policy.forward(this.input, 1, this.head);
    policy.dist.sample(this.head, this.logStd, 1, undefined, this.discrete, this.continuous, this.logProb);
    const c = firstNonFinite(this.continuous);
    if (c >= 0) throw nonFiniteOutput(this.checkpointDir, `${this.continuous[c]} in ${policy.layout.continuousNames[c]}`);
    const h = firstNonFinite(this.head); // the discrete logits: argmax would pick an arbitrary action
    if (h >= 0) throw nonFiniteOutput(this.checkpointDir, `${this.head[h]} as actor output ${h}`);
    return policy.layout.toEnv(this.discrete, this.continuous, 0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.checkpointDir !== undefined) this.policy.dispose(); // else borrowed from a trainer
  }
}

/** A DQN policy acting greedily. */
export class DqnAgent implements Agent {
  readonly policy: DqnActingParts;
  private readonly checkpointDir?: string | undefined;
  readonly name = 'dqn';
  private readonly raw: Float32Array;
  private readonly input: Float32Array;
  private readonly action: Int32Array;
  private disposed = false;

  private readonly qRow: Float32Array;

  /**
   * `checkpointDir`: where the policy was loaded from, for errors (undefined: a policy in training).
   * With it (a loaded Q-network, as loadPolicyAgent makes) the agent owns the Q-network and
   * `dispose()` frees it; without (`trainer.qNetwork`) the network is borrowed and left to the
   * trainer's `dispose()`, so disposing the agent (compareAgents does) does not break training.
   */
  constructor(
    policy: DqnActingParts,
    checkpointDir?: string,
  ) {
    this.policy = policy;
    this.checkpointDir = checkpointDir;
    this.qRow = new Float32Array(policy.qNetwork.outputDim);
    this.raw = new Float32Array(policy.encoder.dim);
    this.input = new Float32Array(policy.encoder.dim);
    this.action = new Int32Array(policy.layout.discreteDims);
  }

  reset(): void {}

  act(obs: unknown): unknown {
    const { encoder, qNetwork, layout, toEnvAction } = this.policy;
    encoder.flattenInto(obs, this.raw, 0);
    encoder.normalize(this.raw, 1, this.input);
    const q = qNetwork.actingOutputs(this.input, 1, this.qRow);
    const bad = firstNonFinite(q); // argmax would pick an arbitrary action
    if (bad >= 0) throw nonFiniteOutput(this.checkpointDir, `${q[bad]} as Q-network output ${bad}`);
    qNetwork.greedy(q, 1, this.action);
    return toEnvAction(layout.toEnv(this.action, EMPTY, 0));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.checkpointDir !== undefined) this.policy.qNetwork.dispose(); // else borrowed from a trainer
  }
}

const EMPTY = new Float32Array(0);

/**
 * The trained agent saved in `dir` — a checkpoint directory, or a `train` run directory holding
 * one in `checkpoint/` — for `env` (whose spaces must equal the ones it was trained on). The
 * algorithm is read from the checkpoint's manifest; with `expectedAlgo`, a checkpoint of the
 * other algorithm is refused.
 */
export async function loadPolicyAgent(runOrCheckpointDir: string, env: Env<unknown, unknown>, expectedAlgo?: 'ppo' | 'dqn'): Promise<PpoAgent | DqnAgent> {
  const dir = checkpointDirOf(runOrCheckpointDir);
  const manifest = readManifest(dir);
  if (expectedAlgo !== undefined && manifest.algo !== expectedAlgo) {
    throw new CheckpointError(`checkpoint ${dir} holds a ${manifest.algo} policy; agent ${expectedAlgo} needs a ${expectedAlgo} checkpoint`);
  }
  const agent = manifest.algo === 'ppo' ? new PpoAgent(await loadPpoPolicy(dir, env.observationSpace, env.actionSpace), dir) : dqnAgent(await loadDqnPolicy(dir, env), dir);
  warnIfOtherSystem(dir, manifest.scenario, env);
  return agent;
}

/** The acting agent of a loaded DQN policy (the target network, needed only to train, disposed). */
function dqnAgent(policy: LoadedDqnPolicy, dir: string): DqnAgent {
  policy.checkpoint.networks['target_network']?.dispose(); // acting needs the online network only
  return new DqnAgent(policy, dir);
}
