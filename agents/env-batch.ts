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
import { Box } from '../env/spaces/box.ts';
import { Dict } from '../env/spaces/dict.ts';
import type { Space } from '../env/spaces/space.ts';
import { createBatch, readBatchItem, writeBatchItem } from '../env/vector/batch.ts';
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

/** One Box key of a Dict observation: `size` elements at `offset` in the flat row. */
interface BoxField {
  readonly key: string;
  readonly size: number;
  readonly offset: number;
}

/**
 * The flat layout of a Dict of Boxes (`flatSpace`, flattened key by key in its order) when the
 * batch of `batchSpace` holds each key as a Box of the same size; undefined for any other space.
 */
function boxFieldsOf(batchSpace: Space<unknown>, flatSpace: Space<unknown>): BoxField[] | undefined {
  if (!(batchSpace instanceof Dict) || !(flatSpace instanceof Dict)) return undefined;
  const fields: BoxField[] = [];
  let offset = 0;
  for (const key of flatSpace.keys) {
    const space = flatSpace.spaces[key];
    const batched = batchSpace.spaces[key];
    if (!(space instanceof Box) || !(batched instanceof Box) || batched.size !== space.size) return undefined;
    fields.push({ key, size: space.size, offset });
    offset += space.size;
  }
  return fields;
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
  /** Box observations are batched as flat env-major rows already: copied in one go. */
  private readonly flatBoxObs: boolean;
  /**
   * Dict-of-Box observations (every B-DT id): copied key by key straight from the batch, without
   * the per-env record of views and the recursive flatten (half of a BDT-v0 EnvBatch step).
   */
  private readonly boxFields: readonly BoxField[] | undefined;
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
    const space = this.vectorEnv.singleObservationSpace;
    this.flatBoxObs = space instanceof Box && space.size === encoder.dim;
    this.boxFields = boxFieldsOf(space, encoder.space);
  }

  private readObservations(batch: unknown): void {
    if (this.flatBoxObs) {
      this.obs.set(batch as Float32Array | Float64Array);
      return;
    }
    if (this.boxFields && this.readBoxFields(this.boxFields, batch as Record<string, unknown> | undefined)) return;
    const space = this.vectorEnv.singleObservationSpace;
    for (let e = 0; e < this.numEnvs; e++) this.encoder.flattenInto(readBatchItem(space, batch, e), this.obs, e);
  }

  /**
   * Copies a Dict-of-Box batch into `obs` as `flatten` lays it out; false (nothing copied) when a
   * key is not a typed array of E rows, left to the generic path and its error.
   */
  private readBoxFields(fields: readonly BoxField[], batch: Record<string, unknown> | undefined): boolean {
    const E = this.numEnvs;
    for (const { key, size } of fields) {
      const column = batch?.[key];
      if (!ArrayBuffer.isView(column) || !((column as Float32Array).length >= E * size)) return false;
    }
    const { obs } = this;
    const dim = this.encoder.dim;
    for (const { key, size, offset } of fields) {
      const column = batch![key] as Float32Array | Float64Array;
      for (let e = 0; e < E; e++) {
        const from = e * size;
        const to = e * dim + offset;
        for (let i = 0; i < size; i++) obs[to + i] = column[from + i]!;
      }
    }
    return true;
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
