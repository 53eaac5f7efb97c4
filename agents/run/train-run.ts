/**
 * One training run as the `train` command does it: build or resume a trainer, train to a step
 * budget, save the checkpoint (`<out>/checkpoint`), evaluate the deterministic policy, summarise.
 * Metrics and progress go to callbacks so callers decide where they are written.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import type { Env } from '../../env/core/env.ts';
import { make } from '../../env/index.ts';
import { readManifest } from '../checkpoint/checkpoint.ts';
import { discreteActionEnv, loadDqnRun, saveDqnCheckpoint } from '../dqn/dqn-checkpoint.ts';
import { DqnTrainer } from '../dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../dqn/hyperparameters.ts';
import { evaluateAgent } from '../evaluate.ts';
import type { MetricRecord } from '../metrics.ts';
import { DqnAgent, PpoAgent } from '../policy-agent.ts';
import { PpoHyperparametersSchema } from '../ppo/hyperparameters.ts';
import { loadPpoRun, savePpoCheckpoint } from '../ppo/ppo-checkpoint.ts';
import { PpoTrainer } from '../ppo/ppo-trainer.ts';

/** Subdirectory of a run directory holding its checkpoint. */
export const CHECKPOINT_SUBDIR = 'checkpoint';
/** Evaluation episodes use seeds from here on, away from the training envs' seeds. */
const EVAL_SEED_OFFSET = 1_000_000;

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
  readonly evalEpisodes?: number;
  readonly backend: string;
  readonly onMetrics?: (record: MetricRecord) => void;
  readonly onProgress?: (step: number, total: number, meanRecentReturn: number) => void;
  /** Env constructor (default: the registry's `make`). */
  readonly makeEnv?: (id: string) => Env<unknown, unknown>;
}

export interface TrainSummary {
  readonly agent: 'ppo' | 'dqn';
  readonly env: string;
  /** Env steps trained in total. */
  readonly steps: number;
  readonly seed: number;
  readonly backend: string;
  /** Env steps per second of wall time in this session. */
  readonly sps: number;
  /** Mean return of the last 20 training episodes (NaN if none finished). */
  readonly meanReturnLast20: number;
  /** Mean return of the deterministic evaluation. */
  readonly evalReturn: number;
  readonly evalEpisodes: number;
  readonly trainSeconds: number;
  readonly checkpoint: string;
}

function meanLast(values: readonly number[], n: number): number {
  const tail = values.slice(-n);
  return tail.length === 0 ? NaN : tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** What {@link trainWithReporting} needs of a PPO or DQN trainer. */
interface ReportingTrainer<T> {
  readonly metrics$: Observable<MetricRecord>;
  readonly counters: { readonly globalStep: number };
  readonly recentReturns: readonly number[];
  train(steps: number, onIteration: (trainer: T) => void): Promise<void>;
}

/** Trains to `options.steps`, forwarding metrics and progress to the caller's callbacks. */
async function trainWithReporting<T extends ReportingTrainer<T>>(trainer: T, options: TrainRunOptions): Promise<void> {
  const subscription = options.onMetrics ? trainer.metrics$.subscribe(options.onMetrics) : undefined;
  try {
    await trainer.train(options.steps, (t) => options.onProgress?.(t.counters.globalStep, options.steps, meanLast(t.recentReturns, 20)));
  } finally {
    subscription?.unsubscribe();
  }
}

/** Train, save and evaluate as described by `options`. */
export async function trainRun(options: TrainRunOptions): Promise<TrainSummary> {
  const makeEnv = options.makeEnv ?? ((id: string) => make(id));
  const checkpointDir = join(options.outDir, CHECKPOINT_SUBDIR);
  const evalEpisodes = options.evalEpisodes ?? 20;
  if (options.resume) {
    if (!existsSync(checkpointDir)) throw new Error(`--resume: no checkpoint in ${checkpointDir}`);
    const manifest = readManifest(checkpointDir);
    if (manifest.algo !== options.agent) throw new Error(`--resume: ${checkpointDir} holds a ${manifest.algo} run, not ${options.agent}`);
    if (manifest.envId !== options.envId) throw new Error(`--resume: ${checkpointDir} was trained on ${manifest.envId}, not ${options.envId}`);
  }

  const started = performance.now();
  let startStep = 0;
  let steps: number;
  let recent: readonly number[];
  let evalReturn: number;
  let seed = options.seed;

  if (options.agent === 'ppo') {
    const probe = makeEnv(options.envId);
    const resumed = options.resume ? await loadPpoRun(checkpointDir, probe.observationSpace, probe.actionSpace) : undefined;
    probe.close();
    const hp = resumed
      ? { ...resumed.hp, totalTimesteps: options.steps }
      : PpoHyperparametersSchema.parse({ ...options.hyperparameters, totalTimesteps: options.steps });
    if (resumed) seed = resumed.seed;
    const trainer = new PpoTrainer({ hp, seed, makeEnv: () => makeEnv(options.envId), ...(resumed ? { restore: resumed.restore } : {}) });
    startStep = trainer.counters.globalStep;
    await trainWithReporting(trainer, options);
    steps = trainer.counters.globalStep;
    recent = trainer.recentReturns;
    await savePpoCheckpoint(checkpointDir, trainer, options.envId, seed);
    const env = makeEnv(options.envId);
    evalReturn = evaluateAgent(new PpoAgent(trainer.policy), env, evalEpisodes, seed + EVAL_SEED_OFFSET).meanReturn;
    env.close();
    trainer.dispose();
  } else {
    const probe = makeEnv(options.envId);
    const resumed = options.resume ? await loadDqnRun(checkpointDir, probe) : undefined;
    const rawActionSpace = probe.actionSpace;
    probe.close();
    const hp = resumed
      ? { ...resumed.hp, totalTimesteps: options.steps }
      : DqnHyperparametersSchema.parse({ ...options.hyperparameters, totalTimesteps: options.steps });
    if (resumed) seed = resumed.seed;
    const trainer = new DqnTrainer({ hp, seed, makeEnv: () => discreteActionEnv(makeEnv(options.envId), hp.actionLevels), ...(resumed ? { restore: resumed.restore } : {}) });
    startStep = trainer.counters.globalStep;
    await trainWithReporting(trainer, options);
    steps = trainer.counters.globalStep;
    recent = trainer.recentReturns;
    await saveDqnCheckpoint(checkpointDir, trainer, options.envId, seed, rawActionSpace);
    const env = discreteActionEnv(makeEnv(options.envId), hp.actionLevels);
    const agent = new DqnAgent({ qNetwork: trainer.qNetwork, encoder: trainer.encoder, layout: trainer.layout, toEnvAction: (a) => a });
    evalReturn = evaluateAgent(agent, env, evalEpisodes, seed + EVAL_SEED_OFFSET).meanReturn;
    env.close();
    trainer.dispose();
  }
  const trainSeconds = (performance.now() - started) / 1000;
  return {
    agent: options.agent,
    env: options.envId,
    steps,
    seed,
    backend: options.backend,
    sps: (steps - startStep) / trainSeconds,
    meanReturnLast20: meanLast(recent, 20),
    evalReturn,
    evalEpisodes,
    trainSeconds,
    checkpoint: checkpointDir,
  };
}
