/**
 * Trained policies as `Agent`s (baselines/agent.ts), so the CLI and the comparison harness run
 * them like scripted agents. Acting is deterministic: the most likely discrete choice and the
 * Gaussian mean for PPO, the greedy action for DQN.
 */
import type { Agent } from '../baselines/agent.ts';
import type { Env } from '../env/core/env.ts';
import { CheckpointError, readManifest } from './checkpoint/checkpoint.ts';
import { checkpointDirOf } from './checkpoint/checkpoint-dir.ts';
import { warnIfOtherSystem } from './checkpoint/trained-scenario.ts';
import { loadDqnPolicy } from './dqn/dqn-checkpoint.ts';
import { loadPpoPolicy } from './ppo/ppo-checkpoint.ts';
import type { PpoPolicy } from './ppo/ppo-policy.ts';
import type { LoadedDqnPolicy } from './dqn/dqn-checkpoint.ts';

/** What a DQN agent needs to act (a loaded checkpoint or a live trainer provide it). */
export type DqnActingParts = Pick<LoadedDqnPolicy, 'qNetwork' | 'encoder' | 'layout' | 'toEnvAction'>;

/** A PPO policy acting deterministically. */
export class PpoAgent implements Agent {
  readonly name = 'ppo';
  private readonly raw: Float32Array;
  private readonly input: Float32Array;
  private readonly head: Float32Array;
  private readonly discrete: Int32Array;
  private readonly continuous: Float32Array;
  private readonly logProb = new Float32Array(1);
  private readonly logStd: Float32Array;
  private disposed = false;

  constructor(readonly policy: PpoPolicy) {
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
    return policy.layout.toEnv(this.discrete, this.continuous, 0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.policy.dispose();
  }
}

/** A DQN policy acting greedily. */
export class DqnAgent implements Agent {
  readonly name = 'dqn';
  private readonly raw: Float32Array;
  private readonly input: Float32Array;
  private readonly action: Int32Array;
  private disposed = false;

  private readonly qRow: Float32Array;

  constructor(readonly policy: DqnActingParts) {
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
    qNetwork.greedy(qNetwork.actingOutputs(this.input, 1, this.qRow), 1, this.action);
    return toEnvAction(layout.toEnv(this.action, EMPTY, 0));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.policy.qNetwork.dispose();
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
  const agent = manifest.algo === 'ppo' ? new PpoAgent(await loadPpoPolicy(dir, env.observationSpace, env.actionSpace)) : dqnAgent(await loadDqnPolicy(dir, env));
  warnIfOtherSystem(dir, manifest.scenario, env);
  return agent;
}

function dqnAgent(policy: LoadedDqnPolicy): DqnAgent {
  policy.checkpoint.networks['target_network']?.dispose(); // acting needs the online network only
  return new DqnAgent(policy);
}

export { checkpointDirOf };
