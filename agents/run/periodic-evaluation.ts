/**
 * Periodic deterministic evaluation during training, as Stable-Baselines3's `EvalCallback` (what
 * rl-baselines3-zoo trains with): every `evalFreq` env steps the current policy plays `episodes`
 * whole episodes on a separate evaluation env, `eval/mean_reward` and `eval/mean_ep_length` are
 * logged, and the checkpoint is saved to `<out>/best/` whenever the mean is the best so far (a
 * save that fails, say on a full disk, is warned about and training goes on).
 *
 * The evaluation env and its seeds are its own (derived with subSeed from the run seed and the
 * step), and acting greedily draws from no training RNG, so enabling evaluation leaves the
 * training trajectory unchanged.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { Agent } from '../../baselines/agent.ts';
import type { Env } from '../../env/core/env.ts';
import { makeRng, randomSeed, subSeed } from '../../env/core/rng.ts';
import { issueLines } from '../../env/core/zod-issues.ts';
import { warn } from '../../env/core/logger.ts';
import { CheckpointError, checkCheckpoint } from '../checkpoint/checkpoint.ts';
import { FileWriteError, writeFileAtomic } from '../../node/atomic-write.ts';
import { readFileCapped } from '../../node/capped-read.ts';
import { evaluateAgent } from '../evaluate.ts';
import type { MetricRecord } from '../metrics.ts';
import { BEST_EVAL_FILE, BEST_SUBDIR, MAX_BEST_EVAL_BYTES } from '../checkpoint/checkpoint-dir.ts';
import type { PeriodicEvaluation } from './periodic-evaluation-schema.ts';

export { PeriodicEvaluationSchema, type PeriodicEvaluation } from './periodic-evaluation-schema.ts';

/** The best periodic evaluation so far. */
export interface BestEvaluation {
  /** Mean return of the evaluation episodes. */
  readonly meanReturn: number;
  /** Env steps trained when it was measured. */
  readonly step: number;
}

export interface PeriodicEvaluatorOptions extends PeriodicEvaluation {
  readonly seed: number;
  /** Run directory: `best/` and `best-eval.json` go here. */
  readonly outDir: string;
  /** Continuing a run: keep its best evaluation (else a previous run's `best/` is removed). */
  readonly resume?: boolean;
  /** The evaluation env (separate from the training envs); closed by {@link PeriodicEvaluator.close}. */
  readonly env: Env<unknown, unknown>;
  /** The current policy, acting deterministically. */
  readonly agent: Agent;
  /** Saves the trainer's checkpoint to the given directory (atomically). */
  readonly saveCheckpoint: (dir: string) => Promise<void>;
  readonly onMetrics?: (record: MetricRecord) => void;
}

/** Runs the evaluations, logs them and keeps `<out>/best/` up to date. */
export class PeriodicEvaluator {
  private readonly options: PeriodicEvaluatorOptions;
  readonly bestDir: string;
  private bestSoFar: BestEvaluation | undefined;
  /** Wall time spent evaluating and saving, in seconds. */
  seconds = 0;

  /** The evaluator of a session: a resumed one keeps the run's best evaluation (see readBest), a new one removes any. */
  static async start(options: PeriodicEvaluatorOptions): Promise<PeriodicEvaluator> {
    return new PeriodicEvaluator(options, options.resume ? await readBest(options.outDir) : undefined);
  }

  private constructor(options: PeriodicEvaluatorOptions, bestSoFar: BestEvaluation | undefined) {
    this.options = options;
    this.bestDir = join(options.outDir, BEST_SUBDIR);
    this.bestSoFar = bestSoFar;
    if (!options.resume) {
      rmSync(this.bestDir, { recursive: true, force: true });
      rmSync(join(options.outDir, BEST_EVAL_FILE), { force: true });
    }
  }

  get best(): BestEvaluation | undefined {
    return this.bestSoFar;
  }

  /** The first evaluation step after `step`: the next multiple of `evalFreq`. */
  nextEvaluationStep(step: number): number {
    return (Math.floor(step / this.options.evalFreq) + 1) * this.options.evalFreq;
  }

  /** Evaluate the policy trained for `step` env steps; save it to `best/` if it is the best yet. */
  async evaluate(step: number): Promise<void> {
    const started = performance.now();
    const { options } = this;
    // Fresh episodes at every evaluation (SB3's eval env keeps stepping its stream), reproducible from (seed, step).
    const firstSeed = randomSeed(makeRng(subSeed(options.seed, `eval/periodic/${step}`)));
    const result = evaluateAgent(options.agent, options.env, options.episodes, firstSeed);
    const meanLength = result.lengths.reduce((a, b) => a + b, 0) / result.lengths.length;
    options.onMetrics?.({ step, metrics: { 'eval/mean_reward': result.meanReturn, 'eval/mean_ep_length': meanLength } });
    if (this.bestSoFar === undefined || result.meanReturn > this.bestSoFar.meanReturn) await this.saveBest({ meanReturn: result.meanReturn, step });
    this.seconds += (performance.now() - started) / 1000;
  }

  /**
   * Saves the policy evaluated as `best` to best/ and records it. best/ is an extra the run can do
   * without: a save that fails (a full disk) is warned about and training goes on, best/ keeping
   * the previous best (the next evaluation that beats it tries again); the run's own checkpoint
   * still fails the run when it cannot be saved.
   */
  private async saveBest(best: BestEvaluation): Promise<void> {
    const { options } = this;
    const previous = this.bestSoFar;
    /** Whether best/ holds `best` (only its record could not be written). */
    let saved = false;
    try {
      await options.saveCheckpoint(this.bestDir);
      saved = true;
      this.bestSoFar = best; // what best/ holds now, recorded or not
      writeBest(options.outDir, best);
    } catch (error) {
      if (!(error instanceof FileWriteError)) throw error;
      const holds = saved
        ? `${this.bestDir} holds it, but a --resume will not know its return (the next evaluation replaces it)`
        : previous === undefined
          ? `${this.bestDir} holds none`
          : `${this.bestDir} keeps the best before it, of step ${previous.step}`;
      warn(`the best evaluation so far (step ${best.step}, mean return ${best.meanReturn}) could not be saved: ${error.message}; ${holds}; training goes on`);
    }
  }

  close(): void {
    this.options.env.close();
  }
}

/**
 * The record of the run's best evaluation, if it describes the checkpoint in best/: a run killed
 * after saving best/ but before writing the record left the previous best's record, whose return
 * would keep the better model from best/; such a record is dropped with a note, as is a best/
 * without one (its first save killed so), which the next evaluation replaces whatever it scores.
 */
async function readBest(outDir: string): Promise<BestEvaluation | undefined> {
  const file = join(outDir, BEST_EVAL_FILE);
  const bestDir = join(outDir, BEST_SUBDIR);
  if (!existsSync(bestDir)) return undefined;
  if (!existsSync(file)) {
    warn(`${bestDir} holds a best checkpoint, but no ${file} records its evaluation (a run killed between saving best/ and recording it): its return is unknown, and the next evaluation replaces best/`);
    return undefined;
  }
  let text: string;
  try {
    text = readFileCapped(file, MAX_BEST_EVAL_BYTES).toString('utf8');
  } catch (error) {
    throw new CheckpointError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`${file}: not valid JSON (${(error as Error).message}); delete it to keep the best policy from this resume on`);
  }
  const parsed = z.strictObject({ meanReturn: z.number(), step: z.number().int().min(0) }).safeParse(record, { reportInput: true });
  if (!parsed.success) throw new CheckpointError(`${file}: not a best-evaluation record:\n${issueLines(parsed.error.issues).map((line) => `  ${line}`).join('\n')}`);
  const { step } = parsed.data;
  let held: number;
  try {
    // a truncated, altered or non-finite file: best/ could not be loaded, and its record would keep it
    held = (await checkCheckpoint(bestDir)).counters.globalStep;
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    warn(`${file} records the evaluation at step ${step}, but ${bestDir} holds no checkpoint it could describe (${error.message}); the next evaluation replaces best/`);
    return undefined;
  }
  if (held === step) return parsed.data;
  warn(`${file} records the evaluation at step ${step}, but ${bestDir} holds the checkpoint of step ${held}: the record is of another checkpoint (a run killed between saving best/ and writing it); the next evaluation replaces best/`);
  return undefined;
}

function writeBest(outDir: string, best: BestEvaluation): void {
  writeFileAtomic(join(outDir, BEST_EVAL_FILE), `${JSON.stringify(best)}\n`);
}
