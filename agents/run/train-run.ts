/**
 * One training run as the `train` command does it: build or resume a trainer, train to a step
 * budget (optionally evaluating periodically and keeping the best checkpoint in `<out>/best`, see
 * periodic-evaluation.ts, and saving the checkpoint every `checkpointFreq` env steps), save the
 * checkpoint (`<out>/checkpoint`), evaluate the deterministic policy, summarise.
 * Metrics and progress go to callbacks so callers decide where they are written.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import * as z from 'zod';
import type { Agent } from '../../baselines/agent.ts';
import type { Env } from '../../env/core/env.ts';
import { InvalidArgumentError } from '../../env/core/errors.ts';
import { parseKwargs } from '../../env/core/zod-issues.ts';
import { make, makeVec } from '../../env/index.ts';
import { initBackendUnlessChosen } from '../backend.ts';
import { CheckpointError, checkpointHyperparameters, disposingOnError, readManifest, type CheckpointManifest, type RunProvenance } from '../checkpoint/checkpoint.ts';
import { interruptedSave, restoreInterruptedSave } from '../checkpoint/checkpoint-files.ts';
import { BEST_SUBDIR, CHECKPOINT_SUBDIR } from '../checkpoint/checkpoint-dir.ts';
import { isCompleteCheckpoint, keptBestCheckpoint, whyNoCheckpoint, withArticle } from '../checkpoint/manifest.ts';
import { warn } from '../../env/core/logger.ts';
import { removeAbandonedTempFiles } from '../../node/atomic-write.ts';
import { scenarioOf, warnIfOtherSystem, type TrainedEnv } from '../checkpoint/trained-scenario.ts';
import { cpuSharesEnv } from '../cpu-shares.ts';
import { discreteActionEnv, loadDqnRun, saveDqnCheckpoint } from '../dqn/dqn-checkpoint.ts';
import { DqnTrainer } from '../dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../dqn/hyperparameters.ts';
import { evaluateAgentUnlessAborted } from '../evaluate.ts';
import type { MetricRecord } from '../metrics.ts';
import { DqnAgent, PpoAgent } from '../policy-agent.ts';
import { PpoHyperparametersSchema } from '../ppo/hyperparameters.ts';
import { loadPpoRun, savePpoCheckpoint } from '../ppo/ppo-checkpoint.ts';
import { PpoTrainer } from '../ppo/ppo-trainer.ts';
import { EVAL_SEED_OFFSET, sessionSeedsProblem } from '../training-seeds.ts';
import { PeriodicEvaluationSchema, PeriodicEvaluator, type PeriodicEvaluation } from './periodic-evaluation.ts';
import { stepsPerCall } from '../steps-per-call.ts';
import { isSymbolicLink } from '../../node/link-target.ts';

export { CHECKPOINT_SUBDIR };

/**
 * Options of `trainRun`, one run as the CLI's `train` command does it: algorithm, env, step budget,
 * seed, run directory, and callbacks for metrics, progress and saves.
 */
export interface TrainRunOptions {
  readonly agent: 'ppo' | 'dqn';
  readonly envId: string;
  /** Env steps to train to (total, counting steps before a resume). */
  readonly steps: number;
  readonly seed: number;
  /** Run directory: the checkpoint goes to `<outDir>/checkpoint`. */
  readonly outDir: string;
  /** Hyperparameter overrides (a preset's), validated by the agent's schema. */
  readonly hyperparameters?: Record<string, unknown>;
  /** Continue the run saved in `outDir`. */
  readonly resume?: boolean;
  /** Episodes of the final deterministic evaluation (default 20). */
  readonly evalEpisodes?: number;
  /** Evaluate every `evalFreq` env steps during training and keep the best checkpoint (default: off). */
  readonly periodicEvaluation?: PeriodicEvaluation;
  /** Env steps between two saves of the checkpoint during training (0: off; default 100,000). */
  readonly checkpointFreq?: number;
  /**
   * Called after each periodic save of the checkpoint (`checkpointFreq`) with the summary of the
   * run as saved there, the one a run stopped at that step has: its `steps`, `interrupted: true`,
   * no final evaluation. A caller that writes the summary at the end writes this one too, so a
   * run killed later (kill -9, OOM, power loss) is described as its checkpoint left it. A
   * throwing callback rejects the run.
   */
  readonly onCheckpoint?: (saved: TrainSummary) => void;
  /**
   * Called after the final save of the checkpoint when the final evaluation follows it, with the
   * summary of the run as saved (as `onCheckpoint`'s: `interrupted: true`, no final evaluation),
   * so a caller that writes the summary can describe and keep the trained run should the
   * evaluation be killed or fail. A throwing callback rejects the run.
   */
  readonly onFinalSave?: (saved: TrainSummary) => void;
  /**
   * The TensorFlow.js backend the caller started (`initBackend`), which the summary records;
   * refused when it is not the one running (`tf.getBackend()`, recorded when omitted). With none
   * started, the run starts the fastest, as `initBackend()` does.
   */
  readonly backend?: string;
  /**
   * Called with each metric record of the trainer (`metrics$`: episodes and losses, as CleanRL's
   * TensorBoard scalars); a throwing callback rejects the run.
   */
  readonly onMetrics?: (record: MetricRecord) => void;
  /**
   * Called as training goes (after each PPO update, every 256 or so DQN env steps) with the env
   * steps so far, `steps`, the mean return of this session's last (up to) 20 training episodes
   * (NaN before one finished), and how many it averages.
   */
  readonly onProgress?: (step: number, total: number, meanRecentReturn: number, recentEpisodes: number) => void;
  /** Keyword arguments of the training (`makeVec`) and evaluation (`make`) envs (a preset's training-time override). */
  readonly envKwargs?: Record<string, unknown>;
  /**
   * Stops the run early (Ctrl-C): training stops after the trainer's current update, the
   * checkpoint is saved as usual (so `resume` continues from it), and the final evaluation is
   * skipped, or cut between its episodes.
   */
  readonly signal?: AbortSignal;
  /**
   * What runs the training (the CLI gives bdt-gym's version and commit and the runtime), recorded
   * as is in the manifest of each checkpoint it saves (best/ too): informational, it changes no
   * other byte of a checkpoint.
   */
  readonly provenance?: RunProvenance;
}

/**
 * What `trainRun` resolves to and the CLI writes as summary.json: the run's settings, its
 * throughput, its training and evaluation returns.
 */
export interface TrainSummary {
  readonly agent: 'ppo' | 'dqn';
  readonly env: string;
  /** The `make()` keyword arguments of the training and evaluation envs, when the run had any: `evalReturn` is on that env. */
  readonly envKwargs?: Record<string, unknown>;
  /** Env steps trained in total. */
  readonly steps: number;
  readonly seed: number;
  readonly backend: string;
  /**
   * Env steps trained in this session per second of wall time in its training loop, as SB3's
   * `time/fps` (steps since the start of `learn()` over the time since): setup, saving the
   * checkpoint and the final evaluation are not counted, and unlike SB3 (whose EvalCallback runs
   * inside `learn()`) neither are periodic evaluations.
   */
  readonly sps: number;
  /** Mean return of this session's last 20 training episodes (NaN if none finished; a resumed run's earlier sessions are in its metrics.jsonl). */
  readonly meanReturnLast20: number;
  /** Mean return of the deterministic evaluation; absent when it was skipped (no episodes, or the run was interrupted). */
  readonly evalReturn?: number;
  /**
   * The return of each episode of that evaluation (episode i on seed + 1,000,000 + i), for
   * statistics of one's own; present with `evalReturn` (a summary.json of an earlier version has none).
   */
  readonly evalReturns?: readonly number[];
  /** Episodes of that evaluation (0 when it was skipped). */
  readonly evalEpisodes: number;
  /**
   * Present (true) when `signal` cut the run short: training before `steps` (the checkpoint
   * holds the steps reached), or the final evaluation (no `evalReturn`); in the summary
   * `onCheckpoint` is given, of a run saved short of its steps; and in `onFinalSave`'s, of a run
   * trained and saved whose final evaluation is still to run.
   */
  readonly interrupted?: true;
  /** Wall time of the whole session: setup, training, periodic evaluations, saving, final evaluation. */
  readonly trainSeconds: number;
  readonly checkpoint: string;
  /** With periodic evaluation: the best evaluation's mean return and step, and where its checkpoint is. */
  readonly bestEvalReturn?: number;
  readonly bestEvalStep?: number;
  readonly bestCheckpoint?: string;
  /** With periodic evaluation: wall time it took (excluded from `sps`). */
  readonly periodicEvalSeconds?: number;
}

/** Training episodes behind the summary's meanReturnLast20 and each progress report's mean return. */
const RECENT_EPISODES = 20;

function meanLast(values: readonly number[], n: number): number {
  const tail = values.slice(-n);
  return tail.length === 0 ? NaN : tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** What a summary reads of a PPO or DQN trainer. */
interface TrainerState {
  readonly counters: { readonly globalStep: number };
  readonly recentReturns: readonly number[];
}

/** What {@link trainWithReporting} needs of a PPO or DQN trainer. */
interface ReportingTrainer<T> extends TrainerState {
  readonly metrics$: Observable<MetricRecord>;
  train(steps: number, onIteration: (trainer: T) => void, signal?: AbortSignal): Promise<void>;
}

/** Saves the run's checkpoint during training, every `freq` env steps (as SB3's CheckpointCallback). */
interface PeriodicSave {
  readonly freq: number;
  /** Saves it, the training loop having run `loopSeconds` so far. */
  save(loopSeconds: number): Promise<void>;
}

/** The first multiple of `freq` after `step`. */
function nextMultiple(step: number, freq: number): number {
  return (Math.floor(step / freq) + 1) * freq;
}

/**
 * Trains to `options.steps`, forwarding metrics and progress to the caller's callbacks and
 * pausing for `evaluator` at each evaluation step and for `periodicSave` at each save step. The
 * trainers stop at the last step of their own granularity (`stepsPerCall`: a vector step for DQN,
 * a rollout for PPO) not past the target they are given, and training is resumable call by call,
 * so training in segments is the same as training in one call; an evaluation happens at the first
 * such boundary at or after each multiple of `evalFreq`, and a save at the first at or after each
 * multiple of `checkpointFreq` (but the last, which the final save saves), after the evaluation
 * that falls there. Progress is reported after each evaluation too, so a caller that writes
 * records at progress reports has written the evaluation's before the save. Stops early when
 * `options.signal` aborts. Returns the wall seconds it took.
 */
async function trainWithReporting<T extends ReportingTrainer<T>>(trainer: T, options: TrainRunOptions, stepsPerCall: number, evaluator: PeriodicEvaluator | undefined, periodicSave: PeriodicSave | undefined): Promise<number> {
  const started = performance.now();
  // a throwing onMetrics must reject the run: rxjs would rethrow it asynchronously, out of reach
  // of the caller's catch, and end the process; it stops training at the trainer's next yield
  let metricsError: { error: unknown } | undefined;
  const metricsFailed = new AbortController();
  const onMetrics = options.onMetrics;
  const subscription = onMetrics
    ? trainer.metrics$.subscribe((record) => {
        if (metricsError !== undefined) return;
        try {
          onMetrics(record);
        } catch (error) {
          metricsError = { error };
          metricsFailed.abort();
        }
      })
    : undefined;
  const onProgress = (t: T): void => options.onProgress?.(t.counters.globalStep, options.steps, meanLast(t.recentReturns, RECENT_EPISODES), Math.min(t.recentReturns.length, RECENT_EPISODES));
  const signal = options.signal === undefined ? metricsFailed.signal : AbortSignal.any([options.signal, metricsFailed.signal]);
  try {
    for (;;) {
      const step = trainer.counters.globalStep;
      /** The first boundary at or after `due`. */
      const boundary = (due: number): number => step + Math.ceil((due - step) / stepsPerCall) * stepsPerCall;
      const evaluationDue = evaluator?.nextEvaluationStep(step);
      // (none at the last boundary: the final save saves it)
      const saveDue = periodicSave === undefined ? undefined : nextMultiple(step, periodicSave.freq);
      const saveAt = saveDue === undefined || boundary(saveDue) + stepsPerCall > options.steps ? undefined : boundary(saveDue);
      const target = Math.min(evaluationDue === undefined ? Infinity : boundary(evaluationDue), saveAt ?? Infinity);
      if (target > options.steps) break;
      await trainer.train(target, onProgress, signal);
      // stopped short (interrupted; else it cannot happen with aligned counters): never spin, nor evaluate or save after an interrupt
      if (signal.aborted || trainer.counters.globalStep < target) break;
      const reached = trainer.counters.globalStep;
      if (evaluationDue !== undefined && reached >= evaluationDue) {
        await evaluator!.evaluate(reached);
        onProgress(trainer);
      }
      if (saveAt !== undefined && reached >= saveAt && !signal.aborted) await periodicSave!.save((performance.now() - started) / 1000);
    }
    await trainer.train(options.steps, onProgress, signal);
  } finally {
    subscription?.unsubscribe();
  }
  if (metricsError !== undefined) throw metricsError.error;
  return (performance.now() - started) / 1000;
}

/** The periodic evaluator `periodic` asks for, if any, with its own env and a greedy agent on the live networks. */
async function periodicEvaluator(options: TrainRunOptions, periodic: PeriodicEvaluation | undefined, seed: number, env: () => Env<unknown, unknown>, agent: () => Agent, saveCheckpoint: (dir: string) => Promise<void>): Promise<PeriodicEvaluator | undefined> {
  if (periodic === undefined) return undefined;
  return PeriodicEvaluator.start({
    ...periodic,
    seed,
    outDir: options.outDir,
    env: env(),
    agent: agent(),
    saveCheckpoint,
    ...(options.resume ? { resume: true } : {}),
    ...(options.onMetrics ? { onMetrics: options.onMetrics } : {}),
  });
}

/** The final evaluation's mean return on `env`, which it closes, and each episode's; undefined when `signal` cut it short. */
async function finalEvaluation(agent: Agent, env: Env<unknown, unknown>, episodes: number, seed: number, signal: AbortSignal | undefined): Promise<{ meanReturn: number; returns: number[] } | undefined> {
  try {
    return await evaluateAgentUnlessAborted(agent, env, episodes, seed + EVAL_SEED_OFFSET, signal);
  } finally {
    env.close();
  }
}

/** The manifest of the run in `outDir` to resume: a CheckpointError unless it holds a valid checkpoint. */
export function resumedRunManifest(outDir: string): CheckpointManifest {
  const checkpointDir = join(outDir, CHECKPOINT_SUBDIR);
  // a save killed between its two renames left the checkpoint (or the best one) beside its place
  for (const [dir, prefer] of [[checkpointDir, 'new'], [join(outDir, BEST_SUBDIR), 'old']] as const) {
    const restored = restoreInterruptedSave(dir, isCompleteCheckpoint, prefer);
    if (restored !== undefined) warn(`--resume: ${dir} was missing after an interrupted save; restored it from ${restored}`);
  }
  // a dangling link or a loop is left to readManifest, which says where it points, not that the run has none
  if (!existsSync(checkpointDir) && !isSymbolicLink(checkpointDir)) {
    const why = whyNoCheckpoint(outDir);
    throw new CheckpointError(`--resume: no checkpoint in ${checkpointDir}${why === undefined ? '' : ` (${outDir} holds a run with none: ${why})`}`);
  }
  try {
    return readManifest(checkpointDir);
  } catch (error) {
    if (error instanceof CheckpointError) throw new CheckpointError(`--resume: ${error.message}`);
    throw error;
  }
}

/** {@link resumedRunManifest}, which must be of `agent` on `envId`. */
export function resumeManifest(outDir: string, agent: string, envId: string): CheckpointManifest {
  const checkpointDir = join(outDir, CHECKPOINT_SUBDIR);
  const manifest = resumedRunManifest(outDir);
  if (manifest.algo !== agent) throw new CheckpointError(`--resume: ${checkpointDir} holds ${withArticle(manifest.algo)} run, not ${agent}`);
  if (manifest.envId !== envId) throw new CheckpointError(`--resume: ${checkpointDir} was trained on ${manifest.envId}, not ${envId}`);
  return manifest;
}

/**
 * The default of `checkpointFreq`, in env steps. A checkpoint holds the networks, the optimiser
 * and the counters (no replay buffer), so a save takes milliseconds; every 100k steps (about a
 * minute of PPO on BDT-v0 on 2 cores) costs nothing measurable, bounds what a kill -9 loses to
 * that, and leaves runs of up to 100k steps with their final save alone.
 */
export const DEFAULT_CHECKPOINT_FREQ = 100_000;

/** The options of {@link trainRun} beyond the agent's hyperparameters (which its own schema checks). */
export const TrainRunSettingsSchema = z.object({
  steps: z.number().int().min(1).describe('Env steps (over all training envs) the run is trained to: the total, so a resumed run goes on to it (env steps)'),
  seed: z.number().int().min(0).describe("The run's root seed: network initialisation, exploration and the training envs' streams derive from it (a resumed run keeps its checkpoint's)"),
  evalEpisodes: z.number().int().min(0).default(20).describe('Episodes of the final evaluation on seeds no training env used; 0 skips it (episodes)'),
  periodicEvaluation: PeriodicEvaluationSchema.optional().describe('Evaluate during training and keep the best policy in best/ (off when absent)'),
  checkpointFreq: z
    .number()
    .int()
    .min(0)
    .default(DEFAULT_CHECKPOINT_FREQ)
    .describe(
      'Env steps between two saves of the checkpoint during training (SB3 CheckpointCallback save_freq, counted in env steps over all training envs), at the first update boundary at or after each multiple, so a run killed without saving resumes from the last one; 0 = off',
    ),
});

/**
 * The hyperparameters the session trains with, `totalTimesteps` set to `options.steps`: a resumed
 * run's from its checkpoint's manifest (as loading it reads them), a new run's from `options`.
 */
function sessionHyperparameters<T extends { totalTimesteps: number }>(schema: z.ZodType<T>, options: TrainRunOptions, manifest: CheckpointManifest | undefined): T {
  if (manifest === undefined) return parseKwargs(schema, { ...options.hyperparameters, totalTimesteps: options.steps }, 'trainRun', 'hyperparameters');
  return { ...checkpointHyperparameters({ dir: join(options.outDir, CHECKPOINT_SUBDIR), manifest }, schema), totalTimesteps: options.steps };
}

/** Train, save and evaluate as described by `options`. */
export async function trainRun(options: TrainRunOptions): Promise<TrainSummary> {
  // checked before anything is made: an evalFreq of 0 hung, a fractional evalEpisodes was reported but not played
  const { evalEpisodes, periodicEvaluation, checkpointFreq } = parseKwargs(
    TrainRunSettingsSchema,
    { steps: options.steps, seed: options.seed, evalEpisodes: options.evalEpisodes, periodicEvaluation: options.periodicEvaluation, checkpointFreq: options.checkpointFreq },
    'trainRun',
    'options',
  );
  const makeEnv = (id: string): Env<unknown, unknown> => make(id, options.envKwargs);
  const checkpointDir = join(options.outDir, CHECKPOINT_SUBDIR);
  const signal = options.signal;
  const resumedManifest = options.resume ? resumeManifest(options.outDir, options.agent, options.envId) : undefined;
  // as the CLI's train: a run's checkpoint is continued (resume), never overwritten
  if (!options.resume && existsSync(checkpointDir)) throw new CheckpointError(`trainRun: ${checkpointDir} already holds a checkpoint; continue it with resume: true, or give another outDir`);
  const left = options.resume ? undefined : interruptedSave(checkpointDir, isCompleteCheckpoint);
  if (left !== undefined) throw new CheckpointError(`trainRun: ${checkpointDir} holds the checkpoint an interrupted save left at ${left}; continue it with resume: true (which restores it), or give another outDir`);
  // a run stopped before its first checkpoint may have kept its best one, which a new run would replace
  const kept = options.resume ? undefined : keptBestCheckpoint(options.outDir);
  if (kept !== undefined) throw new CheckpointError(`trainRun: ${options.outDir} holds a run's best checkpoint, ${kept.path}${kept.left ? ' (where an interrupted save left it)' : ''}, which a new run would replace; evaluate or compare it with --checkpoint, and give another outDir`);
  removeAbandonedTempFiles(options.outDir); // what writes a killed session made left (best-eval.json's, the CLI's summary.json's)
  const backend = await initBackendUnlessChosen();
  if (options.backend !== undefined && options.backend !== backend) throw new InvalidArgumentError(`trainRun: backend ${JSON.stringify(options.backend)} is not the one running (${JSON.stringify(backend)}); start it with initBackend(${JSON.stringify(options.backend)}) first`);
  const session = options.agent === 'ppo' ? { agent: 'ppo' as const, hp: sessionHyperparameters(PpoHyperparametersSchema, options, resumedManifest) } : { agent: 'dqn' as const, hp: sessionHyperparameters(DqnHyperparametersSchema, options, resumedManifest) };
  // a seed past Number.MAX_SAFE_INTEGER failed the final evaluation, after the whole training
  const resumes = resumedManifest === undefined ? 0 : (resumedManifest.counters['resumes'] ?? 0) + 1;
  const seedProblem = sessionSeedsProblem(resumedManifest?.seed ?? options.seed, resumes, session.hp.numEnvs, evalEpisodes, { seed: 'seed', evalEpisodes: 'evalEpisodes', resume: 'resume' });
  if (seedProblem !== undefined) throw new InvalidArgumentError(`trainRun: ${seedProblem}`);
  if (resumedManifest !== undefined) {
    // as train's --steps: a resume that trains nothing re-saved the checkpoint, its resumes counter
    // (which moves the next session's training seeds) and totalTimesteps (below the steps trained) changed
    const trained = resumedManifest.counters.globalStep;
    const perCall = stepsPerCall(session.agent, session.hp);
    if (options.steps < trained + perCall) {
      throw new InvalidArgumentError(`trainRun: resume: ${options.outDir} is already trained to ${trained} env steps, so steps ${options.steps} trains nothing (it is the total, not an increment); give steps ${trained + perCall} or more`);
    }
  }

  const started = performance.now();
  let startStep = 0;
  let evaluator: PeriodicEvaluator | undefined;
  /** The summary of the session so far (`trainer` at its step; the training loop ran `loopSeconds`). */
  const summarise = (trainer: TrainerState, seed: number, loopSeconds: number, end: { evaluation?: { meanReturn: number; returns: number[] } | undefined; interrupted: boolean }): TrainSummary => {
    const steps = trainer.counters.globalStep;
    const best = evaluator?.best;
    const { evaluation } = end;
    return {
      agent: options.agent,
      env: options.envId,
      ...(options.envKwargs ? { envKwargs: options.envKwargs } : {}),
      steps,
      seed,
      backend,
      sps: (steps - startStep) / (loopSeconds - (evaluator?.seconds ?? 0)),
      meanReturnLast20: meanLast(trainer.recentReturns, RECENT_EPISODES),
      ...(evaluation === undefined ? {} : { evalReturn: evaluation.meanReturn, evalReturns: evaluation.returns }),
      evalEpisodes: evaluation === undefined ? 0 : evalEpisodes,
      ...(end.interrupted ? { interrupted: true as const } : {}),
      trainSeconds: (performance.now() - started) / 1000,
      checkpoint: checkpointDir,
      ...(evaluator ? { periodicEvalSeconds: evaluator.seconds } : {}),
      ...(evaluator && best ? { bestEvalReturn: best.meanReturn, bestEvalStep: best.step, bestCheckpoint: evaluator.bestDir } : {}),
    };
  };
  /** Whether `signal` cut the session short: training that had another whole call to go, or the final evaluation. */
  const cutShort = (steps: number, stepsPerCall: number, evalReturn: number | undefined): boolean =>
    signal?.aborted === true && (steps + stepsPerCall <= options.steps || (evalEpisodes > 0 && evalReturn === undefined));
  /** Saves the checkpoint every checkpointFreq env steps with `save`, telling onCheckpoint. */
  const periodicSave = (trainer: TrainerState, seed: number, save: () => Promise<void>): PeriodicSave | undefined =>
    checkpointFreq === 0
      ? undefined
      : {
          freq: checkpointFreq,
          save: async (loopSeconds) => {
            await save();
            options.onCheckpoint?.(summarise(trainer, seed, loopSeconds, { interrupted: true }));
          },
        };

  /**
   * The session once the algorithm's branch has built `trainer`, which it disposes: train (saving
   * every checkpointFreq steps, evaluating periodically when asked), save, evaluate, summarise;
   * what differs by algorithm comes in the arguments. A run that fails (an env or a save that
   * throws) still frees the networks and closes the envs.
   */
  const runSession = async <T extends ReportingTrainer<T> & { dispose(): void }>(
    trainer: T,
    seed: number,
    /** Env steps of one step of the trainer's own granularity (a rollout for PPO, a vector step for DQN). */
    stepsPerCall: number,
    saveTo: (dir: string) => Promise<void>,
    /** A new env to evaluate on, as the greedy agent acts in it. */
    evalEnv: () => Env<unknown, unknown>,
    /** A greedy agent on the live networks. */
    greedyAgent: () => Agent,
  ): Promise<TrainSummary> => {
    try {
      startStep = trainer.counters.globalStep;
      evaluator = await periodicEvaluator(options, periodicEvaluation, seed, evalEnv, greedyAgent, saveTo);
      const loopSeconds = await trainWithReporting(trainer, options, stepsPerCall, evaluator, periodicSave(trainer, seed, () => saveTo(checkpointDir)));
      await saveTo(checkpointDir);
      const evaluating = evalEpisodes > 0 && !signal?.aborted;
      // so a run killed or failing in its final evaluation is described as saved (summary.json said
      // step 0, or the last periodic checkpoint's step) and kept (the CLI discarded a new run's
      // trained checkpoint with it, and a resumed run's records of the steps the checkpoint trained)
      if (evaluating) options.onFinalSave?.(summarise(trainer, seed, loopSeconds, { interrupted: true }));
      const evaluation = evaluating ? await finalEvaluation(greedyAgent(), evalEnv(), evalEpisodes, seed, signal) : undefined;
      return summarise(trainer, seed, loopSeconds, { evaluation, interrupted: cutShort(trainer.counters.globalStep, stepsPerCall, evaluation?.meanReturn) });
    } finally {
      trainer.dispose();
      evaluator?.close();
    }
  };

  // the env the run trains on, as its checkpoint records it (each branch loads a resumed run against it)
  const probe = makeEnv(options.envId);
  const trainedOn: TrainedEnv = { id: options.envId, scenario: scenarioOf(probe), actionSpace: probe.actionSpace };
  if (resumedManifest) warnIfOtherSystem(checkpointDir, resumedManifest.scenario, probe);
  if (session.agent === 'ppo') {
    const hp = session.hp;
    const resumed = options.resume ? await loadPpoRun(checkpointDir, probe.observationSpace, probe.actionSpace) : undefined;
    probe.close();
    const seed = resumed ? resumed.seed : options.seed;
    // the id's native vector form where it registers one (the B-DT ids' BdtVectorEnv, CartPole's CartPoleVectorEnv, as
    // gymnasium.make_vec gives), else a SyncVectorEnv of make() envs;
    // solved CPU shares wrap each env, so a SyncVectorEnv of wrapped make() envs
    const makeVectorEnv = (numEnvs: number) =>
      hp.cpuShares === 'solved'
        ? makeVec(options.envId, numEnvs, { vectorizationMode: 'sync', kwargs: options.envKwargs ?? {}, wrappers: [(env) => cpuSharesEnv(env, hp.cpuShares)], copy: false })
        : makeVec(options.envId, numEnvs, { kwargs: options.envKwargs ?? {}, copy: false });
    // a trainer frees only the networks it built: the restored ones are freed here when it cannot be built
    const trainer = disposingOnError(resumed ? [resumed.restore.policy] : [], () => new PpoTrainer({ hp, seed, makeVectorEnv, ...(resumed ? { restore: resumed.restore } : {}) }));
    return runSession(
      trainer,
      seed,
      stepsPerCall('ppo', hp),
      (dir) => savePpoCheckpoint(dir, trainer, trainedOn, seed, options.provenance),
      () => cpuSharesEnv(makeEnv(options.envId), hp.cpuShares),
      () => new PpoAgent(trainer.policy),
    );
  }
  const resumed = options.resume ? await loadDqnRun(checkpointDir, probe) : undefined;
  probe.close();
  const hp = session.hp;
  const seed = resumed ? resumed.seed : options.seed;
  // DiscretizeAction (or SolvedShares) wraps each env, so no native vector form: a SyncVectorEnv of wrapped make() envs
  const dqnEnv = (env: Env<unknown, unknown>) => discreteActionEnv(cpuSharesEnv(env, hp.cpuShares), hp.actionLevels);
  const makeVectorEnv = (numEnvs: number) => makeVec(options.envId, numEnvs, { vectorizationMode: 'sync', kwargs: options.envKwargs ?? {}, wrappers: [dqnEnv], copy: false });
  const trainer = disposingOnError(resumed ? [resumed.restore.qNetwork, resumed.restore.targetNetwork] : [], () => new DqnTrainer({ hp, seed, makeVectorEnv, ...(resumed ? { restore: resumed.restore } : {}) }));
  return runSession(
    trainer,
    seed,
    stepsPerCall('dqn', hp),
    (dir) => saveDqnCheckpoint(dir, trainer, trainedOn, seed, options.provenance),
    () => dqnEnv(makeEnv(options.envId)),
    () => new DqnAgent({ qNetwork: trainer.qNetwork, encoder: trainer.encoder, layout: trainer.layout, toEnvAction: (a) => a }),
  );
}
