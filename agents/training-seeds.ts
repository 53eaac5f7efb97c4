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
