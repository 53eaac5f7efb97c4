/**
 * Where a training run's env seeds lie, relative to the run's seed s:
 * - a fresh run's training envs reset with s + e (e < numEnvs);
 * - the final evaluation's episode i (`train`'s evalReturn, and `bdt-gym evaluate`'s default)
 *   with s + EVAL_SEED_OFFSET + i;
 * - after the run's r-th resume, the training envs reset with s + r * RESUME_SEED_STRIDE + e.
 *
 * With at most MAX_ENVS (1024) envs and fewer than RESUME_SEED_STRIDE - EVAL_SEED_OFFSET (~4.3e9)
 * evaluation episodes these ranges are disjoint, so `evalReturn` is never measured on an episode
 * that was trained on, and a resumed run does not replay an earlier session's episodes.
 * (Periodic evaluations draw their seeds from subSeed streams, see run/periodic-evaluation.ts.)
 */

/** Final evaluation episodes use seeds from the run's seed + this on. */
export const EVAL_SEED_OFFSET = 1_000_000;

/** Offset between the training seeds of successive sessions of a run (the fresh run, then each resume). */
export const RESUME_SEED_STRIDE = 2 ** 32;

/**
 * What the training envs' reset seeds add to the run's seed (env e: + e more) in the session after
 * `resumes` resumes: 0 for a fresh run, so its seeds are s + e as they always were.
 */
export function trainingSeedOffset(resumes: number): number {
  return RESUME_SEED_STRIDE * resumes;
}

/** How a message names the settings behind a session's seeds: trainRun's options, or `train`'s flags. */
export interface SeedSettingNames {
  readonly seed: string;
  readonly evalEpisodes: string;
  readonly resume: string;
}

/**
 * Why some seed a training session derives from the run's `seed` (its training envs' and final
 * evaluation's, as above) is beyond Number.MAX_SAFE_INTEGER, or undefined when none is: for a
 * new run, naming the largest seed that fits; for a resume (`resumes` >= 1), whose seed is the
 * checkpoint's, saying what can still be done.
 */
export function sessionSeedsProblem(seed: number, resumes: number, numEnvs: number, evalEpisodes: number, names: SeedSettingNames): string | undefined {
  const trainingMax = trainingSeedOffset(resumes) + numEnvs - 1;
  const evalMax = evalEpisodes > 0 ? EVAL_SEED_OFFSET + evalEpisodes - 1 : 0;
  const maxOffset = Math.max(trainingMax, evalMax);
  if (Number.isSafeInteger(seed + maxOffset)) return undefined;
  const training = resumes === 0 ? `the ${numEnvs} training envs (seed + i)` : `the ${numEnvs} training envs after resume ${resumes} (seed + ${trainingSeedOffset(resumes)} + i)`;
  const users = `${training}${evalEpisodes > 0 ? ` and the ${evalEpisodes} final evaluation episodes (seed + ${EVAL_SEED_OFFSET} + i)` : ''}`;
  const beyond = `beyond Number.MAX_SAFE_INTEGER (${Number.MAX_SAFE_INTEGER})`;
  if (resumes === 0) return `${names.seed} ${seed}: ${users} use seeds up to ${seed} + ${maxOffset}, ${beyond}; give ${names.seed} <= ${Number.MAX_SAFE_INTEGER - maxOffset}`;
  const fix = Number.isSafeInteger(seed + trainingMax) ? `give ${names.evalEpisodes} <= ${Number.MAX_SAFE_INTEGER - seed - EVAL_SEED_OFFSET + 1}` : `this run cannot be resumed; train a new one with a smaller ${names.seed}`;
  return `${names.resume}: ${users} use seeds up to ${seed} + ${maxOffset} (the checkpoint's seed), ${beyond}; ${fix}`;
}
