/**
 * Experience replay as a preallocated ring buffer of typed arrays (SB3's ReplayBuffer with
 * `optimize_memory_usage=False`: next observations stored alongside). Sampling is uniform with
 * replacement from a seeded stream and writes into a caller-owned batch: no allocation per step.
 */
import { InvalidArgumentError } from '../../env/core/errors.ts';
import type { Rng } from '../../env/core/rng.ts';

/** One sampled minibatch (row-major, `batchSize` rows). */
export interface ReplayBatch {
  readonly obs: Float32Array;
  readonly nextObs: Float32Array;
  /** `[B, actionDims]` discrete action indices. */
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  /** 1 where the transition ended in a terminal state (no bootstrap); truncation is not terminal. */
  readonly terminated: Float32Array;
}

/**
 * DQN's experience replay (SB3's ReplayBuffer, next observations stored alongside): a preallocated
 * ring of `capacity` transitions, sampled uniformly with replacement into a caller-owned
 * `ReplayBatch`.
 */
export class ReplayBuffer {
  readonly capacity: number;
  readonly obsDim: number;
  readonly actionDims: number;
  private readonly obs: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly actions: Int32Array;
  private readonly rewards: Float32Array;
  private readonly terminated: Uint8Array;
  private position = 0;
  private filled = 0;

  constructor(
    capacity: number,
    obsDim: number,
    actionDims: number,
  ) {
    this.capacity = capacity;
    this.obsDim = obsDim;
    this.actionDims = actionDims;
    for (const [name, v] of [['capacity', capacity], ['obsDim', obsDim], ['actionDims', actionDims]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`ReplayBuffer: ${name} must be a positive integer, got ${v}`);
    }
    this.obs = new Float32Array(capacity * obsDim);
    this.nextObs = new Float32Array(capacity * obsDim);
    this.actions = new Int32Array(capacity * actionDims);
    this.rewards = new Float32Array(capacity);
    this.terminated = new Uint8Array(capacity);
  }

  /** Transitions currently stored. */
  get size(): number {
    return this.filled;
  }

  /**
   * Store one transition, reading row `row` of `obs`, `nextObs` (`[*, obsDim]`) and `actions`
   * (`[*, actionDims]`); overwrites the oldest once full. A row past an array's end, or a reward
   * that is not finite (it would reach every Q target sampled with it), is refused.
   */
  add(obs: Float32Array, nextObs: Float32Array, actions: Int32Array, row: number, reward: number, terminated: boolean): void {
    const d = this.obsDim;
    const a = this.actionDims;
    const p = this.position;
    const obsEnd = (row + 1) * d;
    const actionsEnd = (row + 1) * a;
    if (!Number.isSafeInteger(row) || row < 0 || obsEnd > obs.length || obsEnd > nextObs.length || actionsEnd > actions.length) {
      throw new InvalidArgumentError(`ReplayBuffer.add: row ${row} is not a row of obs (${obs.length / d} rows of ${d}), nextObs (${nextObs.length / d}) and actions (${actions.length / a} rows of ${a})`);
    }
    if (!Number.isFinite(reward)) throw new InvalidArgumentError(`ReplayBuffer.add: reward must be finite, got ${reward}`);
    this.obs.set(obs.subarray(obsEnd - d, obsEnd), p * d);
    this.nextObs.set(nextObs.subarray(obsEnd - d, obsEnd), p * d);
    this.actions.set(actions.subarray(actionsEnd - a, actionsEnd), p * a);
    this.rewards[p] = reward;
    this.terminated[p] = terminated ? 1 : 0;
    this.position = (p + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled += 1;
  }

  /** A batch of the given size (`out`'s arrays must hold `batchSize` rows). */
  static allocateBatch(batchSize: number, obsDim: number, actionDims: number): ReplayBatch {
    return {
      obs: new Float32Array(batchSize * obsDim),
      nextObs: new Float32Array(batchSize * obsDim),
      actions: new Int32Array(batchSize * actionDims),
      rewards: new Float32Array(batchSize),
      terminated: new Float32Array(batchSize),
    };
  }

  /** Sample `batchSize` stored transitions uniformly with replacement into `out`. */
  sample(batchSize: number, rng: Rng, out: ReplayBatch): ReplayBatch {
    if (this.filled === 0) throw new Error('ReplayBuffer.sample: the buffer is empty');
    const d = this.obsDim;
    const a = this.actionDims;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`ReplayBuffer.sample: batchSize must be an integer >= 1, got ${batchSize}`);
    if (out.obs.length < batchSize * d || out.nextObs.length < batchSize * d || out.actions.length < batchSize * a || out.rewards.length < batchSize || out.terminated.length < batchSize) {
      throw new InvalidArgumentError(`ReplayBuffer.sample: out holds fewer than ${batchSize} rows (make it with ReplayBuffer.allocateBatch(${batchSize}, ${d}, ${a}))`);
    }
    for (let b = 0; b < batchSize; b++) {
      const i = Math.floor(rng() * this.filled);
      out.obs.set(this.obs.subarray(i * d, (i + 1) * d), b * d);
      out.nextObs.set(this.nextObs.subarray(i * d, (i + 1) * d), b * d);
      out.actions.set(this.actions.subarray(i * a, (i + 1) * a), b * a);
      out.rewards[b] = this.rewards[i]!;
      out.terminated[b] = this.terminated[i]!;
    }
    return out;
  }
}
