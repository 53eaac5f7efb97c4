/**
 * The vector env contract (gymnasium.vector.VectorEnv): `numEnvs` copies stepped together,
 * batched observations and actions (see `batch.ts`), rewards as `Float64Array`, terminated and
 * truncated as `Uint8Array` (0/1), infos as arrays plus `_key` masks (see `infos.ts`).
 */
import type { Info } from '../core/env.ts';
import type { Space } from '../spaces/space.ts';

/** `reset` arguments: one seed becomes `seed + i` for env `i`, or give one per env. */
export interface VectorResetArgs {
  seed?: number | ReadonlyArray<number | undefined>;
  options?: Record<string, unknown>;
}

export type VectorResetResult<BObs> = [obs: BObs, infos: Info];
export type VectorStepResult<BObs> = [obs: BObs, rewards: Float64Array, terminated: Uint8Array, truncated: Uint8Array, infos: Info];

/**
 * Autoreset mode. `next-step` (Gymnasium 1.x's default): after an env ends, the next `step`
 * resets it instead of stepping (its action is ignored) and reports reward 0, not terminated,
 * not truncated, and the reset observation.
 */
export type AutoresetMode = 'next-step';

export interface VectorEnv<BObs = unknown, BAct = unknown> {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  /** Space of batched observations (`batchSpace(singleObservationSpace, numEnvs)`). */
  readonly observationSpace: Space<BObs>;
  /** Space of batched actions (`actionSpace.sample()` gives one random action per env). */
  readonly actionSpace: Space<BAct>;
  readonly autoresetMode: AutoresetMode;
  reset(args?: VectorResetArgs): VectorResetResult<BObs>;
  step(actions: BAct | ArrayLike<number>): VectorStepResult<BObs>;
  /** Closes every env; safe twice. */
  close(): void;
}

/** The per-env seeds of a vector `reset`. */
export function vectorSeeds(seed: VectorResetArgs['seed'], n: number, owner: string): Array<number | undefined> {
  if (seed === undefined) return new Array<number | undefined>(n).fill(undefined);
  if (typeof seed === 'number') return Array.from({ length: n }, (_, i) => seed + i);
  if (seed.length !== n) throw new RangeError(`${owner}.reset: got ${seed.length} seeds for ${n} envs`);
  return [...seed];
}
