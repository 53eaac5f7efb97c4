/**
 * The learners' view of a vector env (Gymnasium 1.x next-step autoreset): per-env actions in,
 * flat observation rows out, plus which step was an autoreset. After an episode ends in env e,
 * the next step ignores e's action and resets it, returning the reset observation with reward 0;
 * `autoreset[e]` flags that step so learners can drop the transition.
 *
 * Also keeps episode statistics (as RecordEpisodeStatistics), over real steps only.
 */
import type { Env } from '../env/core/env.ts';
import { GymError } from '../env/core/errors.ts';
import type { Space } from '../env/spaces/space.ts';
import { createBatch, readBatchItem, writeBatchItem } from '../env/vector/batch.ts';
import { FlatBatchLayout } from '../env/vector/flatten-batch.ts';
import { SyncVectorEnv } from '../env/vector/sync-vector-env.ts';
import type { VectorEnv } from '../env/vector/vector-env.ts';
import type { ObservationEncoder } from './nn/observation-encoder.ts';

/**
 * Where a learner's envs come from: one factory per env, stepped through a `SyncVectorEnv`
 * (`copy: false`), or a whole vector env, such as `makeVec`'s native `BdtVectorEnv`.
 */
export type EnvSource =
  | {
      /** Builds env e of the vector env (called numEnvs times). */
      readonly makeEnv: (index: number) => Env<unknown, unknown>;
      readonly makeVectorEnv?: never;
    }
  | {
      /** Builds the vector env of `numEnvs` envs, with next-step autoreset. */
      readonly makeVectorEnv: (numEnvs: number) => VectorEnv;
      readonly makeEnv?: never;
    };

/** The vector env of `numEnvs` envs that `source` builds. */
export function buildVectorEnv(source: EnvSource, numEnvs: number): VectorEnv {
  if (source.makeVectorEnv === undefined) {
    const { makeEnv } = source;
    return new SyncVectorEnv(Array.from({ length: numEnvs }, (_, e) => () => makeEnv(e)), { copy: false });
  }
  const vectorEnv = source.makeVectorEnv(numEnvs);
  try {
    if (vectorEnv.numEnvs !== numEnvs) throw new GymError(`makeVectorEnv(${numEnvs}) built a vector env of ${vectorEnv.numEnvs} envs`);
    assertNextStepAutoreset(vectorEnv); // here, before the learner builds its networks for it
  } catch (error) {
    vectorEnv.close();
    throw error;
  }
  return vectorEnv;
}

/** A GymError unless `vectorEnv` autoresets on the next step, which EnvBatch's autoreset flags and episode records follow. */
function assertNextStepAutoreset(vectorEnv: VectorEnv): void {
  if (vectorEnv.autoresetMode !== 'next-step') {
    throw new GymError(`EnvBatch: ${vectorEnv.toString()} has autoresetMode '${vectorEnv.autoresetMode}'; the learners need 'next-step' (build it with autoresetMode 'next-step', the default)`);
  }
}

/**
 * The layout of the encoder's space (`flatSpace`) when it is made of Boxes alone and a batch of
 * `batchSpace` is read the same way; undefined otherwise (one-hot parts take the generic flatten).
 */
function copyLayoutOf(batchSpace: Space<unknown>, flatSpace: Space<unknown>): FlatBatchLayout | undefined {
  const layout = FlatBatchLayout.of(flatSpace);
  const batched = FlatBatchLayout.of(batchSpace);
  return layout?.copiesOnly && batched !== undefined && layout.sameAs(batched) ? layout : undefined;
}

/** A finished episode: return, length (steps) and which env it ran in. */
export interface EpisodeRecord {
  readonly r: number;
  readonly l: number;
  readonly env: number;
}

export class EnvBatch {
  readonly vectorEnv: VectorEnv;
  readonly encoder: ObservationEncoder;
  readonly numEnvs: number;
  /** Raw flattened observations `[E, dim]` after the last reset or step. */
  readonly obs: Float32Array;
  /** Rewards of the last step `[E]`. */
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** 1 where the last step was an autoreset (the action was ignored). */
  readonly autoreset: Uint8Array;
  /** 1 where the next step will be an autoreset (the episode just ended). */
  readonly needsReset: Uint8Array;
  /** Episodes that finished during the last step. */
  readonly finished: EpisodeRecord[] = [];
  private readonly actionBatch: unknown;
  /**
   * Box and Dict-of-Box observations (every B-DT id), any nesting of Boxes: copied straight from
   * the batch's typed arrays (a Box in one go), without the per-env record of views and the
   * recursive flatten (half of a BDT-v0 EnvBatch step). Undefined for other spaces, or when the
   * encoder's space is laid out otherwise than the vector env's.
   */
  private readonly copyLayout: FlatBatchLayout | undefined;
  private readonly episodeReturn: Float64Array;
  private readonly episodeLength: Int32Array;

  /** Takes over `vectorEnv` (closed by `close`); it must autoreset on the next step. */
  constructor(
    vectorEnv: VectorEnv,
    encoder: ObservationEncoder,
  ) {
    this.vectorEnv = vectorEnv;
    this.encoder = encoder;
    assertNextStepAutoreset(vectorEnv);
    this.numEnvs = this.vectorEnv.numEnvs;
    this.obs = new Float32Array(this.numEnvs * encoder.dim);
    this.rewards = new Float32Array(this.numEnvs);
    this.terminated = new Uint8Array(this.numEnvs);
    this.truncated = new Uint8Array(this.numEnvs);
    this.autoreset = new Uint8Array(this.numEnvs);
    this.needsReset = new Uint8Array(this.numEnvs);
    this.episodeReturn = new Float64Array(this.numEnvs);
    this.episodeLength = new Int32Array(this.numEnvs);
    this.actionBatch = createBatch(this.vectorEnv.singleActionSpace, this.numEnvs);
    this.copyLayout = copyLayoutOf(this.vectorEnv.singleObservationSpace, encoder.space);
  }

  /** The batch's rows into `obs`; a batch the copy cannot take (not typed arrays of E rows) goes through the generic path and its errors. */
  private readObservations(batch: unknown): void {
    const layout = this.copyLayout;
    if (layout !== undefined && layout.mismatch(batch, this.numEnvs, '') === undefined) {
      layout.writeInto(batch, this.numEnvs, this.obs, 'EnvBatch', 'observations');
      return;
    }
    const space = this.vectorEnv.singleObservationSpace;
    for (let e = 0; e < this.numEnvs; e++) this.encoder.flattenInto(readBatchItem(space, batch, e), this.obs, e);
  }

  /** Reset every env, env e with seed `seed + e` (gymnasium's vector seeding). */
  reset(seed: number | undefined): void {
    const [obs] = this.vectorEnv.reset(seed === undefined ? {} : { seed });
    this.readObservations(obs);
    this.rewards.fill(0);
    this.terminated.fill(0);
    this.truncated.fill(0);
    this.autoreset.fill(0);
    this.needsReset.fill(0);
    this.episodeReturn.fill(0);
    this.episodeLength.fill(0);
    this.finished.length = 0;
  }

  /** Step every env with its action (`actions[e]`, ignored for envs being autoreset). */
  step(actions: ArrayLike<unknown>): void {
    this.finished.length = 0;
    const space = this.vectorEnv.singleActionSpace;
    for (let e = 0; e < this.numEnvs; e++) writeBatchItem(space, this.actionBatch, e, actions[e]);
    const [obs, rewards, terminated, truncated] = this.vectorEnv.step(this.actionBatch as never);
    this.readObservations(obs);
    for (let e = 0; e < this.numEnvs; e++) {
      const reward = rewards[e]!;
      if (!Number.isFinite(reward)) throw new Error(`env ${e} returned reward ${reward}; rewards must be finite`);
      this.rewards[e] = reward;
      this.terminated[e] = terminated[e]!;
      this.truncated[e] = truncated[e]!;
      this.autoreset[e] = this.needsReset[e]!;
      if (this.autoreset[e]) {
        this.needsReset[e] = 0;
        continue;
      }
      this.episodeReturn[e]! += reward;
      this.episodeLength[e]! += 1;
      if (terminated[e] || truncated[e]) {
        this.needsReset[e] = 1;
        this.finished.push({ r: this.episodeReturn[e]!, l: this.episodeLength[e]!, env: e });
        this.episodeReturn[e] = 0;
        this.episodeLength[e] = 0;
      }
    }
  }

  close(): void {
    this.vectorEnv.close();
  }
}
