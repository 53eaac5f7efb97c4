/** The settings of periodic evaluation (periodic-evaluation.ts), apart so that presets' schema loads no TensorFlow.js. */
import * as z from 'zod';

/**
 * The zod schema of periodic evaluation during training (SB3's `EvalCallback`): evaluate every
 * `evalFreq` env steps over `episodes` deterministic episodes.
 */
export const PeriodicEvaluationSchema = z
  .object({
    evalFreq: z.number().int().min(1).describe('Env steps between two evaluations (SB3 EvalCallback eval_freq, counted in env steps over all training envs)'),
    episodes: z.number().int().min(1).default(5).describe('Deterministic episodes per evaluation (SB3 n_eval_episodes; default 5)'),
  })
  .strict();

/** Periodic evaluation settings, as validated by `PeriodicEvaluationSchema`. */
export type PeriodicEvaluation = z.infer<typeof PeriodicEvaluationSchema>;
