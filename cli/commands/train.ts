/**
 * `bdt-gym train`: train a learned agent (PPO or DQN) on a registered env, writing metrics as JSON
 * lines and a checkpoint to the run directory, then evaluating the deterministic policy.
 *
 *   bdt-gym train --agent ppo --env CartPole-v1 --steps 100000 --seed 1 --out runs/ppo-cartpole \
 *     --preset configs/agents/ppo-cartpole.json --json
 *
 * Run directory: `metrics.jsonl` (one `{"step": n, "<tag>": value, ...}` per line, CleanRL's
 * tags), `checkpoint/` (see agents/checkpoint), `summary.json`. With `--json` the last line of
 * stdout is the summary `{agent, env, steps, seed, backend, sps, meanReturnLast20, evalReturn, ...}`.
 *
 * With `--eval-freq N` (or a preset's `periodicEvaluation`) the policy is also evaluated every N
 * env steps on a separate env (`eval/mean_reward`, `eval/mean_ep_length` in metrics.jsonl), the
 * best one is saved to `best/` (same checkpoint format), and the summary gains `bestEvalReturn`
 * and `bestEvalStep`.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { BACKENDS } from '../../agents/backend.ts';
import { CheckpointError } from '../../agents/checkpoint/checkpoint.ts';
import { metricRecordToJsonLine, type MetricRecord } from '../../agents/metrics.ts';
import { PeriodicEvaluationSchema, type PeriodicEvaluation } from '../../agents/run/periodic-evaluation.ts';
import { AgentPresetSchema, type AgentPreset } from '../../agents/run/preset.ts';
import { trainRun, type TrainSummary } from '../../agents/run/train-run.ts';
import { CliError } from '../errors.ts';
import { writeFileAtomic } from '../../node/atomic-write.ts';
import { backendOption, integerOption, registeredEnvOption } from '../options.ts';

interface TrainOptions {
  agent?: string;
  env?: string;
  steps?: string;
  seed: string;
  out: string;
  json?: boolean;
  backend?: string;
  preset?: string;
  resume?: boolean;
  evalEpisodes: string;
  evalFreq?: string;
  periodicEvalEpisodes?: string;
}

const AGENTS = ['ppo', 'dqn'] as const;

function readPreset(file: string): AgentPreset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`--preset ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--preset ${file}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = AgentPresetSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError(`--preset ${file}: at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Periodic evaluation from the flags, else the preset's; `--eval-freq 0` turns a preset's off. */
function periodicEvaluation(options: TrainOptions, preset: AgentPreset | undefined, steps: number): PeriodicEvaluation | undefined {
  const evalFreq = options.evalFreq === undefined ? preset?.periodicEvaluation?.evalFreq : integerOption('eval-freq', options.evalFreq, 0);
  const episodes = options.periodicEvalEpisodes === undefined ? preset?.periodicEvaluation?.episodes : integerOption('periodic-eval-episodes', options.periodicEvalEpisodes, 1);
  if (evalFreq === undefined || evalFreq === 0) {
    if (options.periodicEvalEpisodes !== undefined) throw new CliError('--periodic-eval-episodes needs --eval-freq (or a preset with periodicEvaluation)');
    return undefined;
  }
  if (evalFreq > steps) throw new CliError(`--eval-freq ${evalFreq} is more than --steps ${steps}: no evaluation would run`);
  return PeriodicEvaluationSchema.parse(episodes === undefined ? { evalFreq } : { evalFreq, episodes });
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a PPO or DQN agent, log metrics as JSON lines, save a checkpoint and evaluate it deterministically')
    .option('--agent <name>', `learning algorithm (${AGENTS.join(', ')}); default: the preset's`)
    .option('--env <id>', "registered env id, e.g. CartPole-v1, BDT-v0; default: the preset's")
    .option('--steps <n>', "env steps to train for (total, including steps before --resume); default: the preset's totalTimesteps")
    .option('--seed <n>', 'seed of network initialisation, sampling and the envs (integer)', '1')
    .requiredOption('--out <dir>', 'run directory for metrics.jsonl, checkpoint/ and summary.json')
    .option('--json', 'print the summary as one JSON object on the last line of stdout')
    .option('--backend <name>', `TensorFlow.js backend (${BACKENDS.join(', ')}); default: the fastest available`)
    .option('--preset <file>', 'agent preset JSON (configs/agents/*.json): agent, env and hyperparameters')
    .option('--resume', 'continue the run saved in --out')
    .option('--eval-episodes <n>', 'deterministic evaluation episodes after training', '20')
    .option('--eval-freq <n>', "evaluate deterministically every n env steps during training on a separate env, keeping the best checkpoint in <out>/best (SB3 EvalCallback); 0 = off; default: the preset's periodicEvaluation, else off")
    .option('--periodic-eval-episodes <n>', "episodes per periodic evaluation (SB3 n_eval_episodes); default: the preset's, else 5")
    .action(async (options: TrainOptions) => {
      const preset = options.preset === undefined ? undefined : readPreset(options.preset);
      const agent = options.agent ?? preset?.agent;
      if (agent === undefined) throw new CliError('give --agent or a --preset naming one');
      if (!(AGENTS as readonly string[]).includes(agent)) throw new CliError(`--agent: unknown agent ${JSON.stringify(agent)} (available: ${AGENTS.join(', ')})`);
      if (preset !== undefined && preset.agent !== agent) throw new CliError(`--preset ${options.preset} is for ${preset.agent}, not ${agent}`);
      const envId = options.env ?? preset?.env;
      if (envId === undefined) throw new CliError('give --env or a --preset naming one');
      registeredEnvOption(envId);
      const presetSteps = preset?.hyperparameters['totalTimesteps'];
      const stepsText = options.steps ?? (typeof presetSteps === 'number' ? String(presetSteps) : undefined);
      if (stepsText === undefined) throw new CliError('give --steps or a --preset with hyperparameters.totalTimesteps');
      const steps = integerOption('steps', stepsText, 1);
      const seed = integerOption('seed', options.seed, 0);
      const evalEpisodes = integerOption('eval-episodes', options.evalEpisodes, 0);
      const periodic = periodicEvaluation(options, preset, steps);
      const backend = await backendOption(options.backend);
      if (!options.json) process.stderr.write(`bdt-gym train: ${agent} on ${envId}, ${steps} steps, seed ${seed}, TensorFlow.js backend '${backend}'\n`);

      mkdirSync(options.out, { recursive: true });
      const metricsFile = join(options.out, 'metrics.jsonl');
      if (!options.resume) writeFileSync(metricsFile, '');
      const pending: string[] = [];
      const flush = (): void => {
        if (pending.length > 0) appendFileSync(metricsFile, `${pending.join('\n')}\n`);
        pending.length = 0;
      };
      const bar = process.stderr.isTTY && !options.json ? new cliProgress.SingleBar({ format: 'train [{bar}] {percentage}% | {value}/{total} steps | return(20) {ret} | {eta_formatted} left', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
      bar?.start(steps, 0, { ret: 'n/a' });

      let summary: TrainSummary;
      try {
        summary = await trainRun({
          agent: agent as 'ppo' | 'dqn',
          envId,
          steps,
          seed,
          outDir: options.out,
          backend,
          evalEpisodes,
          ...(periodic ? { periodicEvaluation: periodic } : {}),
          ...(preset ? { hyperparameters: preset.hyperparameters } : {}),
          ...(preset?.envKwargs ? { envKwargs: preset.envKwargs } : {}),
          ...(options.resume ? { resume: true } : {}),
          onMetrics: (record: MetricRecord) => pending.push(metricRecordToJsonLine(record)),
          onProgress: (step, _total, mean) => {
            flush();
            bar?.update(Math.min(step, steps), { ret: Number.isNaN(mean) ? 'n/a' : mean.toFixed(1) });
          },
        });
      } catch (error) {
        bar?.stop();
        if (error instanceof CheckpointError) throw new CliError(error.message);
        if (error instanceof Error && error.message.startsWith('--resume')) throw new CliError(error.message);
        throw error;
      } finally {
        flush();
      }
      bar?.stop();
      writeFileAtomic(join(options.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      } else {
        process.stdout.write(
          [
            `${summary.agent} on ${summary.env}: ${summary.steps} steps, ${summary.sps.toFixed(0)} steps/s in the training loop, ${summary.trainSeconds.toFixed(1)} s in all (backend ${summary.backend})`,
            `  mean return, last 20 training episodes  ${summary.meanReturnLast20.toFixed(2)}`,
            `  deterministic evaluation (${summary.evalEpisodes} episodes)  ${summary.evalReturn.toFixed(2)}`,
            ...(summary.bestEvalReturn === undefined ? [] : [`  best periodic evaluation  ${summary.bestEvalReturn.toFixed(2)} at step ${summary.bestEvalStep} (${summary.bestCheckpoint})`]),
            `  checkpoint  ${summary.checkpoint}`,
            '',
          ].join('\n'),
        );
      }
    });
}
