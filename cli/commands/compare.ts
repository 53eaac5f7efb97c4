/**
 * `bdt-gym compare`: every agent side by side on identical random traces (the same seeds), the
 * main job of `npm start`. Prints two tables, each agent's means and their differences from the
 * first agent paired on the same traces (or JSON), and writes the full result atomically.
 *
 *   bdt-gym compare                                  # BDT-v0, all baselines, 3 seeds
 *   bdt-gym compare --agents dpra,wdpo --seeds 1,2,3,4,5 --slots 2000 --json
 *   bdt-gym compare --agents dpra,ppo --checkpoint mine=runs/ppo-bdt   # your run next to the committed PPO
 *   bdt-gym compare --scenario configs/small.json --agents dpra,wdpo --agent-options '{"wdpo":{"partition":[1,2,3,1]}}'
 *
 * `--checkpoint LABEL=DIR` (repeatable) adds a trained agent under LABEL, its algorithm read from
 * the checkpoint: in the place of LABEL when `--agents` lists it (a learned agent, `ppo`, `dqn`,
 * `ppo-solved` or `dqn-solved`, then gets this checkpoint instead of the committed one), else
 * after the agents.
 * `--agent-options` gives options per agent name or checkpoint label (`run --agent-options` gives
 * one agent's), so one checkpoint can be compared with two settings under two labels.
 *
 * `--json` prints `{n, interval, agents}`: the number of traces, what each `{mean, halfWidth}` is
 * (a 95% Student-t interval over the traces), and the table's rows, every metric also paired with
 * the first agent's on the same traces (`latencyVsFirst`, `rewardVsFirst`, ...).
 * `--out` (results/compare.json) holds those, every episode, what was run
 * (`env` or `scenario`, `seeds`, `slots`, `agentOptions`) and its `provenance`
 * (cli/compare-provenance.ts): bdt-gym's version and commit, the runtime, the scenario's hash, the
 * checkpoints. `--no-timing` leaves the wall-clock fields out (`msPerSlot`, `wallMs`), so the same
 * comparison writes the same bytes.
 * When an agent's episode fails, compare reports the error and exits non-zero without a table, but
 * first writes the episodes finished before it beside `--out` (`compare.json`: `compare.incomplete.json`),
 * with an `incomplete` field naming the failed episode (minutes of DPRA on BDT-v0 are not thrown
 * away); `--out` keeps the last complete result. Ctrl-C, SIGTERM or SIGHUP do the same once the
 * episode under way has finished (its `incomplete` names the signal), exiting 130, 143 or 129: an
 * episode runs synchronously, so the signal is seen, and answered, only then (on a long episode,
 * minutes later); a second signal is noted on stderr and the finished episodes are still written.
 * `--jobs N` runs the episodes on N worker threads (cli/compare-workers.ts), with the same result;
 * there a signal stops at once, dropping the episodes under way.
 */
import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { lastValueFrom, Subject, takeUntil, tap } from 'rxjs';
import { agentNames, scriptedAgentNames } from '../../baselines/create-agent.ts';
import { formatMeanInterval, formatSignedMeanInterval, type MeanInterval } from '../../baselines/harness/statistics.ts';
import { AgentEpisodeError } from '../../baselines/harness/run-episode.ts';
import { aggregate, AGGREGATE_INTERVAL, compareAgents, inSpecOrder, labelOf, repeatedIndex, repeatedTrace, type AgentAggregate, type ComparedAgent, type ComparisonSpec, type EpisodeRecord } from '../../baselines/harness/compare.ts';
import { CheckpointError } from '../../agents/checkpoint/checkpoint-error.ts';
import { readManifest, withArticle, type CheckpointManifest } from '../../agents/checkpoint/manifest.ts';
import { checkpointDirOf } from '../../agents/checkpoint/checkpoint-dir.ts';
import { writeFileAtomic } from '../../node/atomic-write.ts';
import { hasCommittedCheckpoint, isLearnedAgent, isLearnedAlgorithm, LEARNED_AGENT_LIST, LEARNED_AGENTS, LEARNED_ALGORITHMS, learnedAgentFor } from '../../agents/learned-agents.ts';
import { KwargsError } from '../../env/index.ts';
import { didYouMean } from '../../env/core/closest-name.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import type { ExogenousTrace } from '../../env/bdt/exogenous.ts';
import type { RewardMode, RewardSettings } from '../../env/bdt/scenario/compile.ts';
import { mergeDeep } from '../../env/bdt/scenario/parse.ts';
import { checkCheckpointEnvs, checkCommittedModel, checkpointDirInputs, checkpointInputs, checkpointPath } from '../committed-models.ts';
import { compareProvenance } from '../compare-provenance.ts';
import { compareAgentsInWorkers } from '../compare-workers.ts';
import { agentOptionsRefusal } from '../worker-threads.ts';
import { CliError, FailureWithNote } from '../errors.ts';
import { examplesHelp, optionWithDefault } from '../help-text.ts';
import { bdtEnvOption, checkNotAnInput, checkOutputPath, fileInputs, fileList, integerList, integerOption, integerRanges, jsonObjectOption, scenarioInputs, slotsOption } from '../options.ts';
import { importedModules, importHint } from '../user-modules.ts';
import { catchStopSignals, stopExitCode, type StopSignal } from '../training-interrupt.ts';
import { readJsonObjectFile } from '../json-files.ts';
import { checkEnvOrScenario, openEnv, scenarioFileEnvId, scenarioFileRegistrations, SCENARIO_FILE_HELP, SCENARIO_OVERRIDE_HELP } from '../scenario-input.ts';
import { checkTraceFile, replayedSlots } from '../trace-files.ts';
import { plural } from '../plural.ts';
import { pathFromInvocation, shellQuote } from '../invocation.ts';
import { drawsProgressBar } from '../progress-bar.ts';

/** Agents compared by default: the letter's three, then the reference policies. */
const DEFAULT_AGENTS = ['dpra', 'wdpo', 'wtcm', 'latency-greedy', 'all-local', 'random'];

interface CompareOptions {
  env?: string;
  scenario?: string;
  agents?: string;
  agentOptions?: string;
  seeds?: string;
  trace?: string;
  slots?: string;
  scenarioOverride?: string;
  out: string;
  json?: boolean;
  /** false with --no-timing. */
  timing: boolean;
  /** Absent when not given: a repeatable option's [] default would show in --help. */
  checkpoint?: string[];
  jobs?: string;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare agents on the same env and the same seeds (identical exogenous traces)')
    .option('--env <id>', 'registered B-DT env id (default: BDT-v0)')
    .option('--scenario <file>', SCENARIO_FILE_HELP)
    .option('--agents <list>', `comma-separated agent names and --checkpoint labels, in table order (default: ${DEFAULT_AGENTS.join(',')} plus learned agents with a committed checkpoint for --env)`)
    .option('--agent-options <json>', 'options per agent name or --checkpoint label as a JSON object, {"<agent or label>": {<its options, as run --agent-options>}} (a label\'s checkpoint is its --checkpoint\'s)')
    .option('--seeds <list>', 'comma-separated trace seeds and ranges of them (1,4-13), one episode per agent each, each given once; with --trace, the agents\' seeds, one per trace, which may repeat (default: 1,2,3; with --trace, 0,1,...)')
    .option('--trace <files>', "comma-separated exogenous trace files (run --save-trace, drawTrace) to replay instead of drawing traces from --seeds: one episode per agent each; without --slots (or slots in --scenario-override), as run --trace, traces too short for the scenario's T, all saved from episodes of S slots, replay S slots; - reads one from stdin")
    .option('--slots <n>', "episode length T in slots (default: the scenario's)")
    .option('--scenario-override <json>', SCENARIO_OVERRIDE_HELP)
    .option('--checkpoint <label=dir>', `add a trained agent (PPO or DQN, read from the checkpoint; an algorithm of one's own: the agent an --import module registered under its id) under label (letters, digits, _, . and -): where --agents lists the label (a learned agent, ${LEARNED_AGENT_LIST}: this checkpoint instead of the committed one), else last; repeatable; a models/... dir not in the working directory is read from the package\'s models/; one checkpoint per label (training seeds: one --checkpoint sK=DIR each)`, (value: string, previous: string[] = []) => [...previous, value])
    .addOption(optionWithDefault('--out <file>', 'where to write the full result (JSON, written atomically); when an agent\'s episode fails, or a signal (Ctrl-C, SIGTERM) stops compare after the episode under way (seen only once that episode has finished: nothing is said before), it is left as it was, and the episodes finished before go beside it (<file without .json>.incomplete.json), with an "incomplete" field naming the failed episode or the signal (compare then exits non-zero, without a table); a later run that completes leaves that file in place and notes on stderr that it is from an earlier failed run', 'results/compare.json'))
    .option('--jobs <n>', 'run the episodes in n worker threads at once, each every agent on its share of the traces (default: 1, this thread): the same results, bit for bit; each thread builds its own agents (a learned one loads TensorFlow.js, about 100 MB), the episodes\' wall-clock times are under that load, and Ctrl-C stops at once, dropping the episodes under way')
    .option('--json', 'print the aggregate as JSON instead of the tables: {n (traces), interval (what each mean ± halfWidth is), agents (the rows; each metric also paired with the first agent as ...VsFirst)}; the per-episode values and provenance are in --out, written as without --json (its path said on stderr)')
    .option('--no-timing', 'leave out the wall-clock fields (msPerSlot, each episode\'s wallMs, the ms/slot column), so the same comparison gives byte-identical output and --out')
    .addHelpText(
      'after',
      examplesHelp(
        'bdt-gym compare                      # every agent on BDT-v0, seeds 1,2,3',
        'bdt-gym compare --agents dpra,wdpo --seeds 1-20 --jobs 2 --json',
        'bdt-gym compare --agents dpra --checkpoint mine=models/ppo-bdt-v0',
        'bdt-gym compare --scenario configs/small.json --agents dpra,wdpo,random',
      ),
    )
    .action(async (options: CompareOptions) => {
      checkEnvOrScenario(options);
      const envId = options.scenario === undefined ? bdtEnvOption(options.env ?? 'BDT-v0') : scenarioFileEnvId(options.scenario);
      checkOutputPath('out', options.out);
      // a repeated file is refused once read, as the same trace
      const traceFiles = options.trace === undefined ? undefined : fileList('trace', options.trace);
      // the agents' seeds on given traces may repeat: each trace is still one sample (repeated traces are refused)
      const seeds = integerList('seeds', options.seeds ?? (traceFiles ? traceFiles.map((_, i) => i).join(',') : '1,2,3'), 0, { repeats: traceFiles !== undefined });
      if (traceFiles && seeds.length !== traceFiles.length) throw new CliError(`--seeds: ${plural(seeds.length, 'seed')} for ${plural(traceFiles.length, 'trace file')}; with --trace, give one agent seed per trace (or none: 0, 1, ...)`);
      const slots = options.slots === undefined ? undefined : slotsOption(options.slots);
      const jobs = options.jobs === undefined ? 1 : integerOption('jobs', options.jobs, 1);
      const scenarioOverride = jsonObjectOption('scenario-override', options.scenarioOverride);
      // the table's title: an overridden scenario's rows are not the plain env's
      const envLabel = `${options.scenario ?? envId}${Object.keys(scenarioOverride).length > 0 ? ' (overridden)' : ''}`;
      // no committed model was trained on a scenario file
      const agents = options.agents === undefined ? (options.scenario === undefined ? defaultAgents(envId) : DEFAULT_AGENTS) : options.agents.split(',').map((s) => s.trim());
      const checkpoints = checkpointOptions(options.checkpoint ?? []);
      const unknown = agents.filter((a) => !agentNames().includes(a) && !checkpoints.some((c) => c.label === a));
      if (unknown.length > 0) throw new CliError(`--agents: unknown agent${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => JSON.stringify(name)).join(', ')}${didYouMean(unknown, [...agentNames(), ...checkpoints.map((c) => c.label)])} (available: ${agentNames().join(', ')})${importHint('agent', 'compare --agents ...')}`);
      const repeated = repeatedIndex(agents);
      if (repeated !== undefined) throw new CliError(`--agents: ${agents[repeated[1]]} is listed twice (to compare two checkpoints of one algorithm, use --checkpoint label=dir)`);
      // a --checkpoint label's options go in its entry, the agents' by name to compareAgents; the output records both as given
      const givenOptions = agentOptionsByName(options.agentOptions, agents, checkpoints);
      const compared = withCheckpoints(agents, checkpoints, givenOptions);
      const agentOptions = Object.fromEntries(Object.entries(givenOptions).filter(([name]) => !checkpoints.some((c) => c.label === name)));
      for (const agent of compared) {
        if (typeof agent === 'string') checkCommittedModel('--agents', agent, options.scenario === undefined ? envId : undefined, 'checkpoint' in (agentOptions[agent] ?? {}), `--checkpoint ${agent}=DIR (a train run or its checkpoint directory)`);
      }
      const inputs = [
        ...scenarioInputs(options.scenario),
        ...fileInputs('--trace', ...(traceFiles ?? [])),
        ...checkpoints.flatMap(({ option, dir }) => checkpointDirInputs(`--checkpoint ${option}`, dir)),
        ...compared.flatMap((agent) => (typeof agent === 'string' ? checkpointInputs('--agents', agent, agentOptions[agent]?.['checkpoint'], `--agent-options ${agent} checkpoint`, options.scenario === undefined ? envId : undefined) : [])),
      ];
      checkNotAnInput('out', options.out, inputs);
      const incompleteOut = incompletePath(options.out);
      // as the user finds them from where they typed the command (npm start runs in the package root)
      const shownOut = pathFromInvocation(options.out);
      const shownIncomplete = pathFromInvocation(incompleteOut);
      // where a failed comparison's episodes would go, named as the user never gave it
      checkNotAnInput('out', incompleteOut, inputs, { subject: `--out ${options.out}: its .incomplete.json sibling ${incompleteOut}, where a failed run's episodes go,` });

      const { traces, rewardColumn, slots: episodeSlots } = checkedScenarioAndTraces(envId, scenarioOverride, slots, traceFiles);
      const scenario = mergeDeep(scenarioOverride, episodeSlots === undefined ? {} : { slots: episodeSlots }) as Record<string, unknown>;
      if (options.scenario === undefined) checkComparedCheckpointEnvs(envId, scenarioOverride, episodeSlots, checkpoints, compared, agentOptions);

      // the terminal's cursor and line wrap are left on (the bar is cut to the width instead): kill -9
      // or Ctrl-\ (SIGQUIT) end compare at once, mid-episode, with no chance to restore them
      const bar = drawsProgressBar() && !options.json ? new SingleBar({ format: 'compare |{bar}| {value}/{total} episodes | {agent}', hideCursor: false, linewrap: true }) : undefined;
      bar?.start(compared.length * seeds.length, 0, { agent: labelOf(compared[0]!) });
      const spec: ComparisonSpec = { envId, agents: compared, seeds, ...(traces ? { traces } : {}), agentOptions, ...(Object.keys(scenario).length > 0 ? { scenario } : {}) };
      const source = { ...(options.scenario === undefined ? { env: envId } : { scenario: options.scenario }), ...(Object.keys(scenarioOverride).length > 0 ? { scenarioOverride } : {}), ...(traceFiles ? { traces: traceFiles } : {}) };
      // a partial result says so first, where a reader of the file looks
      const resultJson = (records: readonly EpisodeRecord[], rows: readonly AgentAggregate[], incomplete?: IncompleteComparison): string =>
        `${JSON.stringify({ ...(incomplete ? { incomplete } : {}), ...source, seeds, slots: records[0]?.summary.slots, agentOptions: givenOptions, ...aggregateJson(rows, seeds.length, options.timing, incomplete !== undefined), episodes: options.timing ? records : records.map(withoutWallMs), provenance: compareProvenance(spec) }, null, 2)}\n`;
      // collected as they finish, so an episode that fails does not take the finished ones with it
      const records: EpisodeRecord[] = [];
      const plannedEpisodes = compared.length * seeds.length;
      /** Writes the finished episodes beside --out, not over it (a failed run does not replace the last complete result), `incomplete` saying why they stop; what became of them, for the note. */
      const keepFinished = (incomplete: IncompleteComparison, field: string): string => {
        const finished = `the ${plural(records.length, 'finished episode')} of ${plannedEpisodes}`;
        try {
          const finishedInOrder = inSpecOrder(records, spec);
          writeFileAtomic(incompleteOut, resultJson(finishedInOrder, aggregate(finishedInOrder), incomplete));
          return `${finished} ${records.length === 1 ? 'was' : 'were'} written to ${shownIncomplete}, marked incomplete (its "incomplete" field names ${field}); --out ${shownOut} is left as it was`;
        } catch (writeError) {
          // the failure or the signal is still the news
          return `${finished} could not be written to ${shownIncomplete}: ${writeError instanceof Error ? writeError.message : String(writeError)}`;
        }
      };
      // Ctrl-C, SIGTERM, SIGHUP stop the comparison once the episode under way has finished (an
      // episode runs synchronously: the handler runs between them, so nothing can be said sooner),
      // keeping the finished ones
      const stop = new Subject<void>();
      let stoppedBy: StopSignal | undefined;
      const uncatch = catchStopSignals((signal) => {
        if (stoppedBy === undefined) {
          stoppedBy = signal;
          stop.next();
          return;
        }
        // a later signal (a second Ctrl-C while the first waits for the episode) was ignored without a word
        bar?.stop();
        const what = records.length === 0 ? 'no episode has finished, nothing is written' : `the ${plural(records.length, 'finished episode')} of ${plannedEpisodes} ${records.length === 1 ? 'is' : 'are'} being written to ${shownIncomplete} (SIGKILL, kill -9, quits without writing ${records.length === 1 ? 'it' : 'them'})`;
        process.stderr.write(`bdt-gym compare: ${signal}: already stopping for ${stoppedBy}; ${what}\n`);
      });
      /** Stopped by a signal: the handlers stay while the finished episodes are written, so a later signal is noted instead of ending the write. */
      let keepHandlers = false;
      try {
        await lastValueFrom(
          (jobs > 1 ? compareAgentsInWorkers(spec, jobs, importedModules(), scenarioFileRegistrations()) : compareAgents(spec)).pipe(
            tap((r) => {
              records.push(r);
              // the agent of the episode now running (the episodes run agent by agent), the last one's when all are done
              bar?.increment({ agent: labelOf(compared[Math.min(Math.floor(records.length / seeds.length), compared.length - 1)]!) });
            }),
            takeUntil(stop),
          ),
          { defaultValue: undefined },
        );
        keepHandlers = stoppedBy !== undefined;
      } catch (error) {
        // compare's own agents take valid options: options an agent refuses came from --agent-options
        if (error instanceof KwargsError) throw agentOptionsRefusal(error);
        // with no episode finished there is nothing to keep (and the last result is left in place)
        if (!(error instanceof AgentEpisodeError) || records.length === 0) throw error;
        const incomplete: IncompleteComparison = {
          agent: error.agent,
          seed: error.seed,
          ...(error.trace === undefined ? {} : { trace: error.trace }),
          ...(error.slot === undefined ? {} : { slot: error.slot }),
          message: error.cause instanceof Error ? error.cause.message : String(error.cause),
          finishedEpisodes: records.length,
          plannedEpisodes,
        };
        throw new FailureWithNote(error, keepFinished(incomplete, 'the episode that failed'));
      } finally {
        if (!keepHandlers) uncatch();
        bar?.stop();
      }
      if (stoppedBy !== undefined) {
        // (it died at once with nothing said, and the finished episodes lost)
        const stopped = new CliError(`${stoppedBy}: compare stopped after ${plural(records.length, 'finished episode')} of ${plannedEpisodes}`, stopExitCode(stoppedBy));
        const note = records.length === 0 ? `nothing was written; --out ${shownOut} is left as it was` : keepFinished({ signal: stoppedBy, finishedEpisodes: records.length, plannedEpisodes }, 'the signal');
        // a signal that came during the write is read at the event loop's next poll, which the
        // second of these turns follows (a setImmediate runs after a poll): noted before the handlers go
        for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
        uncatch();
        throw new FailureWithNote(stopped, note);
      }

      // the table first: a write that still fails (a full disk) does not lose it
      const ordered = inSpecOrder(records, spec); // with --jobs, they came as they finished
      const rows = aggregate(ordered);
      if (options.json) process.stdout.write(`${JSON.stringify(aggregateJson(rows, seeds.length, options.timing))}\n`);
      else process.stdout.write(formatTable(envLabel, seeds, traceFiles, ordered, rows, rewardColumn, options.timing));
      writeFileAtomic(options.out, resultJson(ordered, rows));
      // a user's file, not removed; a reader of the directory would take it for this run's
      if (existsSync(incompleteOut)) process.stderr.write(`bdt-gym compare: note: ${shownIncomplete} is from an earlier run that failed, not this one (left in place)\n`);
      // only once it is there: a write that failed said so on stderr; with --json on stderr, as
      // stdout is the JSON (a default --out replaced unannounced a result kept there)
      if (options.json) process.stderr.write(`bdt-gym compare: full result: ${shownOut}\n`);
      else process.stdout.write(`\nfull result: ${shownOut}\n`);
    });
}

/** Where a comparison an episode of which failed writes the episodes that finished: beside `out`, which keeps the last complete result. */
function incompletePath(out: string): string {
  return `${out.endsWith('.json') ? out.slice(0, -'.json'.length) : out}.incomplete.json`;
}

/**
 * The aggregate's rows as `--json` prints them and `--out` holds them (`agents`), with the number of
 * traces and what their intervals are, stated once; without `timing`, no wall-clock field, so the
 * same comparison gives the same bytes. An incomplete comparison's rows may hold fewer episodes
 * than the `n` planned: each row's intervals are then over its own `episodes`, as `interval` says.
 */
function aggregateJson(rows: readonly AgentAggregate[], traces: number, timing: boolean, incomplete = false): { n: number; interval: string; agents: readonly object[] } {
  const interval = incomplete ? `${AGGREGATE_INTERVAL}. Incomplete: n is the traces planned; a row with fewer episodes has its intervals over its own episodes (its n), its ...VsFirst over the traces it shares with the first agent` : AGGREGATE_INTERVAL;
  return { n: traces, interval, agents: timing ? rows : rows.map(({ msPerSlot: _, ...row }) => row) };
}

/** An episode record without its wall-clock time (--no-timing). */
function withoutWallMs({ wallMs: _, ...record }: EpisodeRecord): Omit<EpisodeRecord, 'wallMs'> {
  return record;
}

/**
 * What `--out`'s .incomplete.json says of a comparison an episode of which failed: the episode (its
 * agent's label, the seed, with `--trace` the index in `traces` of the trace replayed, as the
 * episodes' `trace`, the slot being decided, the error's message); of one a signal stopped, the
 * signal; and how many episodes finished of those planned (the file holds them).
 */
type IncompleteComparison = ({ readonly agent: string; readonly seed: number; readonly trace?: number; readonly slot?: number; readonly message: string } | { readonly signal: StopSignal }) & {
  readonly finishedEpisodes: number;
  readonly plannedEpisodes: number;
};

/** One `--checkpoint label=dir`. */
interface CheckpointOption {
  readonly option: string;
  readonly label: string;
  readonly dir: string;
}

/** A label names a table row and can be listed in --agents: a simple name, no comma or space. */
const LABEL = /^[A-Za-z0-9_.-]+$/;

/** The `--checkpoint label=dir` options, each well formed with its own simple label, or a CliError naming the bad one. */
function checkpointOptions(options: readonly string[]): CheckpointOption[] {
  const parsed: CheckpointOption[] = [];
  for (const option of options) {
    const at = option.indexOf('=');
    const label = option.slice(0, at).trim();
    const dir = option.slice(at + 1);
    if (at < 0 || label === '' || dir === '') throw new CliError(`--checkpoint: expected label=dir (e.g. mine=runs/ppo-bdt), got ${JSON.stringify(option)}`);
    if (!LABEL.test(label)) throw new CliError(`--checkpoint ${option}: label ${JSON.stringify(label)} is not a simple name; use letters, digits, _, . and -`);
    if (parsed.some((c) => c.label === label)) throw new CliError(`--checkpoint: label ${label} is given twice`);
    if (scriptedAgentNames.includes(label)) throw new CliError(`--checkpoint ${option}: ${label} is a scripted agent; label the checkpoint with a learned agent's name (${LEARNED_AGENT_LIST}) or a new name`);
    parsed.push({ option, label, dir });
  }
  return parsed;
}

/**
 * `agents` with each checkpoint put in place of the agent or label it names, or added after them,
 * with the label's `--agent-options` (`optionsByLabel`).
 */
function withCheckpoints(agents: readonly string[], checkpoints: readonly CheckpointOption[], optionsByLabel: Record<string, Record<string, unknown>>): ComparedAgent[] {
  const compared: ComparedAgent[] = [...agents];
  for (const { option, label, dir } of checkpoints) {
    let manifest: CheckpointManifest;
    try {
      manifest = readManifest(checkpointDirOf(checkpointPath(dir)));
    } catch (error) {
      // a list under one label (training seeds) is read as one path
      const list = dir.includes(',') && !existsSync(checkpointPath(dir)) ? '; one label takes one checkpoint: to compare training seeds, give one --checkpoint per seed (--checkpoint s1=runs/s1 --checkpoint s2=runs/s2) and pool their episodes from --out' : '';
      if (error instanceof CheckpointError) throw new CliError(`--checkpoint ${option}: ${error.message}${list}`);
      throw error;
    }
    const { algo } = manifest;
    // a learned agent's label loads the checkpoint as that agent (ppo-solved checks its cpuShares); any
    // other label as the agent named for it (a 'solved' checkpoint's agent takes `candidates`)
    const learned = isLearnedAgent(label) ? LEARNED_AGENTS[label] : undefined;
    // an algorithm of one's own is played by the agent an --import module registered under its id, as evaluate --agent plays it
    const imported = isImportedAgent(algo) ? algo : undefined;
    if (agentNames().includes(label) && label !== imported) {
      // an --import module's agent loads no checkpoint through --checkpoint: "holds a ppo policy, not a2c" read as a wrong algorithm
      if (learned === undefined) throw new CliError(`--checkpoint ${option}: ${label} is an agent an --import module registered, not a learned agent (${LEARNED_AGENT_LIST}); label the checkpoint with a learned agent's name or a new name, or give ${label} the checkpoint through its own --agent-options`);
      if (learned.algo !== algo) throw new CliError(`--checkpoint ${option}: the checkpoint holds ${withArticle(algo)} policy, not ${label}`);
    }
    let agent: string;
    if (imported !== undefined) agent = imported;
    else {
      // an algorithm of one's own: the agent named for it would be a learned agent that does not exist
      if (!isLearnedAlgorithm(algo)) throw new CliError(`--checkpoint ${option}: the checkpoint holds ${withArticle(algo)} policy, which no built-in agent loads and no --import module registered an agent named ${algo} for: give it to the agent of an --import module that loads it, through --agent-options ${shellQuote(JSON.stringify({ '<agent>': { checkpoint: dir } }))}`);
      agent = learned === undefined ? learnedAgentFor(algo, manifest.hyperparameters['cpuShares'] === 'solved' ? 'solved' : 'policy') : label;
    }
    const entry = { label, agent, options: { ...optionsByLabel[label], checkpoint: dir } };
    const index = compared.findIndex((a) => labelOf(a) === label);
    if (index >= 0) compared[index] = entry;
    else compared.push(entry);
  }
  return compared;
}

/** Whether `name` is an agent an --import module registered: neither scripted nor learned. */
function isImportedAgent(name: string): boolean {
  return agentNames().includes(name) && !scriptedAgentNames.includes(name) && !isLearnedAgent(name);
}

/**
 * Refuses, before any agent is built, a given checkpoint (`--checkpoint`, a learned agent's
 * `--agent-options` checkpoint) trained on another env id than `envId` that does not fit it (with
 * the override and episode length compared), naming the id to give as --env.
 */
function checkComparedCheckpointEnvs(envId: string, scenarioOverride: Record<string, unknown>, slots: number | undefined, checkpoints: readonly CheckpointOption[], compared: readonly ComparedAgent[], agentOptions: Record<string, Record<string, unknown>>): void {
  const given = [
    ...checkpoints.map(({ option, dir }) => ({ option: `--checkpoint ${option}`, dir })),
    ...compared.flatMap((agent) => {
      const dir = typeof agent === 'string' && isLearnedAgent(agent) ? agentOptions[agent]?.['checkpoint'] : undefined;
      return typeof dir === 'string' ? [{ option: `--agent-options ${agent} checkpoint ${dir}`, dir }] : [];
    }),
  ];
  checkCheckpointEnvs(given, envId, () => openEnv({ env: envId, scenarioOverride, slots }), 'compared', 'compare');
}

/**
 * Opens the compared scenario once before any agent is built, so a bad `--scenario-override` is
 * refused as `run` refuses it, and reads the `--trace` files, each checked against that scenario
 * as `run --trace` checks one (saying which --slots replays a shorter episode's trace); also
 * names the table's reward column after the scenario's reward. Without `--slots` (or an override's slots), traces too short
 * for the scenario's T that were all saved from episodes of S slots replay S slots, as `run
 * --trace` replays one; the episode length is returned (undefined: the scenario's).
 */
function checkedScenarioAndTraces(envId: string, scenarioOverride: Record<string, unknown>, slots: number | undefined, traceFiles: readonly string[] | undefined): { traces: ExogenousTrace[] | undefined; rewardColumn: string; slots: number | undefined } {
  const inputs = traceFiles?.map((file) => readJsonObjectFile('--trace', file, 'a trace from run --save-trace'));
  let env = openEnv({ env: envId, scenarioOverride, slots });
  try {
    const replayed = inputs === undefined ? undefined : replayedSlots(slots, scenarioOverride, inputs, (env.unwrapped as BdtEnv).system.slots);
    if (replayed !== undefined) {
      env.close();
      slots = replayed;
      env = openEnv({ env: envId, scenarioOverride, slots });
    }
    const system = (env.unwrapped as BdtEnv).system;
    const traces = inputs?.map((input, i) => checkTraceFile(traceFiles![i]!, input, system));
    const repeated = traces && repeatedTrace(traces, system.slots);
    if (repeated) throw new CliError(`--trace: ${traceFiles![repeated[0]]} and ${traceFiles![repeated[1]]} hold the same trace; each trace is one sample, give it once`);
    return { traces, rewardColumn: rewardColumnOf(system.reward), slots };
  } finally {
    env.close();
  }
}

/**
 * `--agent-options`: a JSON object of JSON objects, each for an agent in `--agents` or a
 * `--checkpoint` label (whose checkpoint that option gives, and none other).
 */
function agentOptionsByName(option: string | undefined, agents: readonly string[], checkpoints: readonly CheckpointOption[]): Record<string, Record<string, unknown>> {
  const byName = jsonObjectOption('agent-options', option);
  for (const [name, value] of Object.entries(byName)) {
    const labelled = checkpoints.some((c) => c.label === name);
    if (!agents.includes(name) && !labelled) throw new CliError(`--agent-options: ${JSON.stringify(name)} is not among the agents (${agents.join(', ')}); give options per agent name: {"<agent>": {...}}`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`--agent-options: the options of ${name} must be a JSON object, got ${JSON.stringify(value)}`);
    if (labelled && 'checkpoint' in value) throw new CliError(`--agent-options: ${name}'s checkpoint is given by --checkpoint ${name}=...; give it in one place`);
  }
  return byName as Record<string, Record<string, unknown>>;
}

/** The baselines, then the learned agents that have a committed checkpoint for `envId`. */
function defaultAgents(envId: string): string[] {
  return [...DEFAULT_AGENTS, ...LEARNED_ALGORITHMS.filter((algo) => hasCommittedCheckpoint(algo, envId))];
}

/** The reward column's header: what the scenario's `reward.mode` charges, and its energy penalty. */
function rewardColumnOf(reward: Pick<RewardSettings, 'mode' | 'energyPenalty'>): string {
  const chargedBy: Record<RewardMode, string> = { dpp: '-Psi', 'dpp-exact': '-(V tau + dL)', latency: '-tau' };
  const charged = chargedBy[reward.mode];
  return `reward (${charged}${reward.energyPenalty > 0 ? ' - energy penalty' : ''})`;
}

/**
 * The tables of `rows`, over the traces of `seeds` or, given `traceFiles`, of those files (agents
 * seeded by `seeds`): each agent's means, then its differences from the first agent paired on the
 * same traces. Stacked, sharing the agent column, so that the default comparison fits a
 * 100-column terminal (side by side they made 132 columns); a long label widens that column only.
 */
function formatTable(env: string, seeds: readonly number[], traceFiles: readonly string[] | undefined, records: readonly EpisodeRecord[], rows: readonly AgentAggregate[], rewardColumn: string, timing: boolean): string {
  const ref = rows[0]?.agent ?? 'the first agent';
  const intervals = seeds.length > 1;
  // NaN: no trace in common with the first agent (an incomplete run), or infinities on both sides
  const paired = (i: number, m: MeanInterval, digits: number): string => (i === 0 ? 'ref' : formatSignedMeanInterval(m, digits));
  const agentWidth = Math.max('agent'.length, ...rows.map((r) => r.agent.length));
  /** A heading, then a table of one row of `cells` per agent under `header`, numbers right-aligned. */
  const table = (heading: string, header: readonly string[], cells: ReadonlyArray<readonly string[]>): string[] => {
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
    const line = (agent: string, row: readonly string[]): string => [agent.padEnd(agentWidth), ...row.map((c, i) => c.padStart(widths[i]!))].join('  ');
    return [heading, line('agent', header), line('-'.repeat(agentWidth), widths.map((w) => '-'.repeat(w))), ...cells.map((row, i) => line(rows[i]!.agent, row))];
  };
  return [
    traceFiles === undefined
      ? `${env}: ${plural(rows.length, 'agent')} x ${plural(seeds.length, 'seed')} (${integerRanges(seeds)}), ${plural(records[0]?.summary.slots ?? 0, 'slot')} each, identical traces per seed`
      : `${env}: ${plural(rows.length, 'agent')} x ${plural(traceFiles.length, 'trace file')} (${traceFiles.join(', ')}; agent ${seeds.length === 1 ? 'seed' : 'seeds'} ${integerRanges(seeds)}), ${plural(records[0]?.summary.slots ?? 0, 'slot')} each`,
    '',
    ...table(
      intervals ? `Per agent: mean ± 95% CI over the ${seeds.length} traces; energy viol. and backlog: means (CIs in --json)` : 'Per agent, on one trace (no confidence intervals)',
      ['latency (s)', rewardColumn, 'C6 violation', 'energy viol.', 'backlog', ...(timing ? ['ms/slot'] : [])],
      rows.map((r) => [
        formatMeanInterval(r.meanLatency, 4),
        formatMeanInterval(r.meanReward, 3),
        formatMeanInterval(r.c6Violation, 4),
        r.energyViolations.mean.toFixed(1),
        r.meanBacklog.mean.toFixed(3),
        ...(timing ? [r.msPerSlot.toFixed(3)] : []),
      ]),
    ),
    '',
    // paired, a trace's difficulty cancels: these intervals are narrower than the agents' own
    // (one agent has nothing to pair with)
    ...(rows.length < 2
      ? []
      : [
          ...table(
            intervals ? `Paired: each agent minus ${ref} on the same traces, ± 95% CI (--json pairs every metric)` : `Paired: each agent minus ${ref} on the same trace (--json pairs every metric)`,
            [`latency vs ${ref} (s)`, `reward vs ${ref}`],
            rows.map((r, i) => [paired(i, r.latencyVsFirst, 4), paired(i, r.rewardVsFirst, 3)]),
          ),
          '',
        ]),
  ].join('\n');
}
