/**
 * `bdt-gym evaluate`: a trained agent's deterministic policy over whole episodes, on any
 * registered env (CartPole-v1 as well as the B-DT ids), as `train`'s final evaluation plays it.
 *
 *   bdt-gym evaluate --checkpoint runs/ppo-cartpole --json
 *   bdt-gym evaluate --checkpoint models/ppo-bdt-v0 --episodes 5 --seed 1
 *   bdt-gym evaluate --checkpoint models/ppo-bdt-v0 --env-kwargs '{"scenario":{"lyapunov":{"V":1.5}}}'
 *   bdt-gym --import ./my-agent.ts evaluate --checkpoint runs/a2c --agent mine
 *
 * Episode i is reset with seed `--seed + i`. The default seed is the one `train` evaluates with
 * (the run's seed + 1,000,000), and the default env is the one `train` evaluated on: the
 * checkpoint's env id with the `envKwargs` the run's summary.json records (a preset's training
 * override), so by default it reproduces the summary's `evalReturn` (a summary.json that cannot
 * be read or used is refused, naming it). `--env-kwargs` replaces them (`'{}'`: the plain env).
 * Without a summary.json (a bare checkpoint, an earlier version's run killed in its final evaluation) it is the
 * scenario the checkpoint's manifest records, as `train --resume` takes;
 * on a non-B-DT env the manifest records no envKwargs, so it is the env's defaults (stderr notes it).
 * `--no-timing` leaves out the wall time (`seconds`), so the same evaluation prints the same bytes.
 * `--agent NAME` plays the checkpoint as agent NAME, created with the checkpoint directory as its
 * option `checkpoint`: an agent of an `--import` module for an algorithm of one's own (a manifest
 * `algo` other than ppo and dqn, which no built-in agent loads), or a learned agent.
 * For the B-DT metrics (latency, C6, energy) of a trained agent use `compare` or `run`.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { BACKENDS } from '../../agents/backend.ts';
import { MANIFEST_FILE, readManifest, type CheckpointManifest } from '../../agents/checkpoint/checkpoint.ts';
import { withArticle } from '../../agents/checkpoint/manifest.ts';
import { evaluateAgent } from '../../agents/evaluate.ts';
import { checkpointDirOf, SUMMARY_FILE } from '../../agents/checkpoint/checkpoint-dir.ts';
import { loadPolicyAgent } from '../../agents/policy-agent.ts';
import { EVAL_SEED_OFFSET } from '../../agents/training-seeds.ts';
import { issueLines, KwargsError, type Env } from '../../env/index.ts';
import type { Agent } from '../../baselines/agent.ts';
import { createAgent, scriptedAgentNames } from '../../baselines/create-agent.ts';
import { isLearnedAlgorithm, LEARNED_AGENT_LIST } from '../../agents/learned-agents.ts';
import { agentEntryOrCliError } from '../agents-by-name.ts';
import { withoutByteOrderMark } from '../../node/byte-order-mark.ts';
import { readFileCapped } from '../../node/capped-read.ts';
import { checkpointPath } from '../committed-models.ts';
import { CliError } from '../errors.ts';
import { examplesHelp, requiredOption } from '../help-text.ts';
import { spaceMismatch } from '../../agents/checkpoint/space-fit.ts';
import { MAX_SUMMARY_BYTES, runEnvKwargs, runSummaryFile, wholeScenarioLabel } from '../run-summary.ts';
import { leafChanges, shownChanges } from '../scenario-changes.ts';
import { scenarioOf } from '../../agents/checkpoint/trained-scenario.ts';
import { backendOption, checkSeedRange, integerOption, jsonObjectOption, makeOrCliError, registeredEnvOption } from '../options.ts';
import { CHECKPOINT_DIR_EXPECTED } from '../committed-models.ts';
import { plural } from '../plural.ts';

interface EvaluateOptions {
  checkpoint: string;
  agent?: string;
  env?: string;
  envKwargs?: string;
  episodes?: string;
  seed?: string;
  backend?: string;
  json?: boolean;
  /** false with --no-timing. */
  timing: boolean;
}

/** Mean, sample standard deviation (null for one value, which has none: compare gives it no interval either), min and max. */
function describe(values: readonly number[]): { mean: number; std: number | null; min: number; max: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const squares = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : null, min: Math.min(...values), max: Math.max(...values) };
}

/** The env kwargs to evaluate with, and where they came from (`--env-kwargs` or a summary.json), for the output. */
interface ChosenEnvKwargs {
  readonly kwargs: Record<string, unknown>;
  readonly source?: string;
  /** They are the resolved scenario a checkpoint's manifest records (too long to print in full). */
  readonly fromManifest?: boolean;
  /** They are the envKwargs of the run's summary.json (`source`). */
  readonly fromSummary?: boolean;
}

/**
 * `--env-kwargs` when given; else, on the env the run trained on, the envKwargs of its
 * summary.json (train's final evaluation ran with them: `evalReturn` is on that env), or without
 * one the scenario the checkpoint's manifest records when it is not the env's own, as `train
 * --resume` reads them (cli/run-summary.ts); else none.
 */
function chooseEnvKwargs(option: string | undefined, checkpointOption: string, checkpointDir: string, manifest: CheckpointManifest, envId: string): ChosenEnvKwargs {
  if (option !== undefined) return { kwargs: jsonObjectOption('env-kwargs', option), source: '--env-kwargs' };
  if (envId !== manifest.envId) return { kwargs: {} }; // another env (--env): the run's override does not apply to it
  const file = runSummaryFile(checkpointOption, checkpointDir);
  const run = runEnvKwargs(file, checkpointDir, manifest, {
    unreadable: (detail) => `--checkpoint ${checkpointOption}: cannot read the run's ${file} (${detail}); give --env-kwargs to evaluate without it`,
    unusable: (problem) => `--checkpoint ${checkpointOption}: ${file}: ${problem}; give --env-kwargs to evaluate without it`,
  });
  if (run.unknown) {
    process.stderr.write(`bdt-gym evaluate: note: the run's envKwargs are unknown (no ${SUMMARY_FILE} beside --checkpoint ${checkpointOption}, and ${run.source} records no envKwargs, only a B-DT env's resolved scenario): evaluating on ${envId}'s defaults; give --env-kwargs to set others\n`);
    return { kwargs: {} };
  }
  if (run.fromManifest && run.envKwargs === undefined) return { kwargs: {} }; // the env's own scenario
  return { kwargs: run.envKwargs ?? {}, source: run.source, fromManifest: run.fromManifest, fromSummary: !run.fromManifest };
}

/**
 * Notes that summary.json's envKwargs (`source`), which evaluate takes, give another scenario
 * than the one the checkpoint trained on (`changes` from it): a best/ saved before a `--resume
 * --preset` that changed them, or a summary that is not this run's. Not refused: train's final
 * evaluation ran on them.
 */
function noteOtherScenario(source: string, checkpointDir: string, changes: readonly string[]): void {
  if (changes.length === 0) return;
  process.stderr.write(`bdt-gym evaluate: note: evaluating on the envKwargs of ${source} (train's final evaluation ran on them), whose scenario is not the one ${join(checkpointDir, MANIFEST_FILE)} records the policy trained on (${shownChanges(changes)}); give --env-kwargs to choose\n`);
}

/**
 * Episodes evaluated by default: as many as train's final evaluation played (summary.json's
 * `evalEpisodes`) on the run's own env, else 20 (no summary, or a run without a final
 * evaluation: 0 or absent). Any other value than a whole number >= 0 is refused, naming the file.
 */
function defaultEpisodes(checkpointOption: string, checkpointDir: string, onRunEnv: boolean): number {
  const file = onRunEnv ? runSummaryFile(checkpointOption, checkpointDir) : undefined;
  if (file === undefined) return 20;
  let recorded: unknown;
  try {
    recorded = (JSON.parse(withoutByteOrderMark(readFileCapped(file, MAX_SUMMARY_BYTES).toString('utf8'))) as { evalEpisodes?: unknown }).evalEpisodes;
  } catch {
    return 20; // an unreadable summary.json is reported where its envKwargs are read
  }
  if (recorded === undefined || recorded === 0) return 20;
  if (typeof recorded === 'number' && Number.isSafeInteger(recorded) && recorded > 0) return recorded;
  throw new CliError(`--checkpoint ${checkpointOption}: ${file}: evalEpisodes is ${JSON.stringify(recorded)}, not a whole number >= 0 (the episodes of train's final evaluation, which evaluate plays by default); give --episodes`);
}

/**
 * The env `id` with the chosen kwargs; kwargs it refuses are reported against their source
 * (`--env-kwargs`, a summary.json or a manifest.json), each field named by its path there, as
 * `train --resume` names them.
 */
function makeChosenEnv(id: string, { kwargs, source = '--env-kwargs', fromManifest = false }: ChosenEnvKwargs): Env {
  // a summary.json holds them as its envKwargs; a manifest.json holds the scenario at its root, as --env-kwargs does
  return makeOrCliError(id, kwargs, { source, kwargsPath: source === '--env-kwargs' || fromManifest ? [] : ['envKwargs'] });
}

/** Refuses `--agent` naming no agent, or a scripted one, which plays no checkpoint. */
function checkEvaluatedAgent(name: string): void {
  agentEntryOrCliError(name);
  if (scriptedAgentNames.includes(name)) throw new CliError(`--agent: ${name} is a scripted agent, which plays no checkpoint; give an agent that loads one (${LEARNED_AGENT_LIST}, or an --import module's)`);
}

/** Agent `name` for `env`, given checkpoint `dir` as its option `checkpoint`; an agent whose options take no checkpoint is refused naming it. */
async function createEvaluatedAgent(name: string, env: Env, dir: string): Promise<Agent> {
  try {
    return await createAgent(name, env, { checkpoint: dir });
  } catch (error) {
    if (error instanceof KwargsError) throw new CliError(`--agent ${name}: evaluate gives it the checkpoint as its option checkpoint, which its options refuse: ${issueLines(error.issues, error.schema).join('; ')}`);
    throw error;
  }
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description("evaluate a trained agent's deterministic policy over whole episodes on any registered env")
    .addOption(requiredOption('--checkpoint <dir>', 'a train run directory, its checkpoint/ or best/, or a committed model (models/..., from any directory: a models/ path not in the working directory is read from the package\'s models/)'))
    .option('--agent <name>', "the agent that plays the checkpoint, given its directory as option checkpoint: an --import module's, for an algorithm of one's own, or a learned one (default: the learned agent of the checkpoint's algorithm, ppo or dqn)")
    .option('--env <id>', "registered env id; its spaces must match the checkpoint's (default: the one the checkpoint was trained on)")
    .option('--env-kwargs <json>', "keyword arguments for make() as a JSON object ('{}': the plain env) (default: the envKwargs in the run's summary.json, which train's final evaluation used, else the scenario the checkpoint's manifest records)")
    .option('--episodes <n>', "episodes to play (default: as many as train's final evaluation played, as the run's summary.json records, else 20)")
    .option('--seed <n>', "seed of the first episode (episode i: seed + i) (default: the one train's final evaluation used, the run's seed + 1000000)")
    .option('--backend <name>', `TensorFlow.js backend: ${BACKENDS.join(', ')} (default: the fastest available)`)
    .option('--json', 'print the result as one JSON object: meanReturn, stdReturn (sample standard deviation; null for one episode), minReturn, maxReturn, and each episode\'s return and length (returns, lengths)')
    .option('--no-timing', 'leave out the wall time (seconds), so the same evaluation prints byte-identical output')
    .addHelpText(
      'after',
      examplesHelp(
        'bdt-gym evaluate --checkpoint models/ppo-bdt-v0 --json',
        'bdt-gym evaluate --checkpoint models/dqn-bdt-small-v0 --episodes 5 --seed 1',
        "bdt-gym evaluate --checkpoint models/ppo-bdt-v0 --env-kwargs '{}'",
      ),
    )
    .action(async (options: EvaluateOptions) => {
      if (options.checkpoint === '') throw new CliError(CHECKPOINT_DIR_EXPECTED);
      const checkpoint = checkpointPath(options.checkpoint);
      const dir = checkpointDirOf(checkpoint);
      const manifest = readManifest(dir);
      if (options.agent === undefined && !isLearnedAlgorithm(manifest.algo)) throw new CliError(`--checkpoint ${options.checkpoint}: the checkpoint holds ${withArticle(manifest.algo)} policy, which no built-in agent loads; give --agent NAME, an agent an --import module registered that loads it from its option checkpoint`);
      if (options.agent !== undefined) checkEvaluatedAgent(options.agent);
      const envId = options.env === undefined ? registeredEnvOption(manifest.envId, `checkpoint manifest ${join(dir, MANIFEST_FILE)}: envId`) : registeredEnvOption(options.env);
      const episodes = options.episodes === undefined ? defaultEpisodes(checkpoint, dir, envId === manifest.envId) : integerOption('episodes', options.episodes, 1);
      const seed = options.seed === undefined ? manifest.seed + EVAL_SEED_OFFSET : integerOption('seed', options.seed, 0);
      checkSeedRange('seed', seed, episodes - 1, plural(episodes, 'episode'));
      const envKwargs = chooseEnvKwargs(options.envKwargs, checkpoint, dir, manifest, envId);
      const backend = await backendOption(options.backend);
      const env = makeChosenEnv(envId, envKwargs);
      if (envKwargs.fromSummary && envKwargs.source !== undefined && manifest.scenario !== undefined) noteOtherScenario(envKwargs.source, dir, leafChanges(manifest.scenario, scenarioOf(env)));
      // another env id (--env) that the policy does not fit: the two ids and the fix, not the whole space
      const misfit = envId === manifest.envId ? undefined : spaceMismatch(manifest, env.observationSpace, env.actionSpace);
      if (misfit !== undefined) {
        env.close();
        throw new CliError(`--env ${envId}: the checkpoint ${dir} was trained on ${manifest.envId}, and its ${misfit} is not ${envId}'s; leave out --env to evaluate it on ${manifest.envId}`);
      }
      const agent = options.agent === undefined ? await loadPolicyAgent(dir, env) : await createEvaluatedAgent(options.agent, env, dir);
      const started = performance.now();
      const { returns, lengths } = evaluateAgent(agent, env, episodes, seed);
      const seconds = (performance.now() - started) / 1000;
      agent.dispose?.();
      env.close();
      const ret = describe(returns);
      const length = describe(lengths);
      const result = {
        checkpoint: dir,
        algo: manifest.algo,
        ...(options.agent === undefined ? {} : { agent: options.agent }),
        trainedOn: manifest.envId,
        trainedSteps: manifest.counters.globalStep,
        env: envId,
        envKwargs: envKwargs.kwargs,
        ...(envKwargs.source === undefined ? {} : { envKwargsFrom: envKwargs.source }),
        backend,
        episodes,
        seed,
        meanReturn: ret.mean,
        stdReturn: ret.std,
        minReturn: ret.min,
        maxReturn: ret.max,
        meanLength: length.mean,
        ...(options.timing ? { seconds } : {}),
        returns,
        lengths,
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      // a whole scenario (a train --scenario run's) by its name, not its every field
      const whole = wholeScenarioLabel(envKwargs.kwargs);
      const kwargs = envKwargs.fromManifest
        ? ' with the scenario it trained on'
        : Object.keys(envKwargs.kwargs).length === 0
          ? ' with no envKwargs'
          : ` with ${whole === undefined ? `envKwargs ${JSON.stringify(envKwargs.kwargs)}` : `the ${whole}`}`;
      const from = envKwargs.source === undefined ? '' : ` (from ${envKwargs.source})`;
      process.stdout.write(
        [
          // labelled lines, as run's summary: one line of it all ran to 250 columns
          `${manifest.algo} from ${dir}${options.agent === undefined ? '' : ` by agent ${options.agent}`} (trained on ${manifest.envId}, ${result.trainedSteps === undefined ? '? steps' : plural(result.trainedSteps, 'step')})`,
          `  env       ${envId}${kwargs}${from}`,
          `  episodes  ${episodes}, ${episodes === 1 ? `seed ${seed}` : `seeds ${seed}..${seed + episodes - 1}`} (backend ${backend})`,
          `  return    ${ret.mean.toFixed(2)}${ret.std === null ? ' (std n/a: one episode;' : ` ± ${ret.std.toFixed(2)} (std;`} min ${ret.min.toFixed(2)}, max ${ret.max.toFixed(2)})`,
          `  length    ${length.mean.toFixed(1)} steps (min ${length.min}, max ${length.max})${options.timing ? `; ${seconds.toFixed(1)} s` : ''}`,
          '',
        ].join('\n'),
      );
    });
}
