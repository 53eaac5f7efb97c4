/**
 * Partial resets of a vector env (Gymnasium 1.1's `reset(options={"reset_mask": mask})`), and
 * the `disabled` autoreset mode's guard against stepping an ended env. Shared by
 * `SyncVectorEnv` and the worker-thread `AsyncVectorEnv`.
 *
 * @example
 * const [obs, rewards, terminated, truncated] = envs.step(actions);
 * const ended = terminated.map((t, i) => t | truncated[i]!);
 * if (ended.some((e) => e === 1)) envs.reset({ options: { reset_mask: ended } });
 */
import { checkResetOptions } from '../core/env.ts';
import { InvalidArgumentError, ResetNeededError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';

/**
 * Which envs a partial reset resets: one entry per env, a `Uint8Array` of 0/1 or a `boolean[]`
 * (Gymnasium's bool array), with at least one env marked.
 */
export type ResetMask = Uint8Array | readonly boolean[];

/** A vector `reset`'s options split into the reset mask (if any) and what each env's `reset` gets. */
export interface SplitResetOptions {
  /** 1 for each env to reset; `undefined` resets every env. */
  mask: Uint8Array | undefined;
  /** The options without `reset_mask` (a new object: the caller's is not modified). */
  envOptions: Record<string, unknown> | undefined;
}

/** Reads and validates `options.reset_mask` for `numEnvs` envs; errors name `owner` and the bad entry. */
export function splitResetOptions(options: Record<string, unknown> | null | undefined, numEnvs: number, owner: string): SplitResetOptions {
  checkResetOptions(options, `${owner}.reset`);
  if (options == null || !('reset_mask' in options)) return { mask: undefined, envOptions: options ?? undefined };
  const { reset_mask: raw, ...envOptions } = options;
  const where = `${owner}.reset: options.reset_mask`;
  if (!(raw instanceof Uint8Array) && !Array.isArray(raw)) throw new InvalidArgumentError(`${where} must be a Uint8Array (0/1) or boolean[], got ${formatValue(raw)}`);
  if (raw.length !== numEnvs) throw new InvalidArgumentError(`${where} has ${raw.length} entries, expected one per env (${numEnvs})`);
  const mask = new Uint8Array(numEnvs);
  for (let i = 0; i < numEnvs; i++) {
    const m: unknown = raw[i];
    if (raw instanceof Uint8Array ? m !== 0 && m !== 1 : typeof m !== 'boolean') {
      throw new InvalidArgumentError(`${where}[${i}] = ${formatValue(m)} must be ${raw instanceof Uint8Array ? '0 or 1' : 'true or false'}`);
    }
    mask[i] = m ? 1 : 0;
  }
  if (!mask.includes(1)) throw new InvalidArgumentError(`${where} marks no env; reset at least one, or omit reset_mask to reset all`);
  return { mask, envOptions };
}

/**
 * For the `disabled` autoreset mode: throws `ResetNeededError` naming every env that ended on
 * an earlier step and has not been reset since (`ended[i] = 1`).
 */
export function assertNoEndedEnvs(ended: Uint8Array, owner: string): void {
  if (!ended.includes(1)) return;
  const indices = Array.from(ended.keys()).filter((i) => ended[i] === 1);
  const which = indices.length === 1 ? `env ${indices[0]} has` : `envs ${indices.join(', ')} have`;
  throw new ResetNeededError(
    `${owner}.step: ${which} ended (terminated or truncated) and autoresetMode is 'disabled'; reset first with reset({ options: { reset_mask } })`,
  );
}
