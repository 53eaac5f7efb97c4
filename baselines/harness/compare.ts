/**
 * The comparison harness: every agent on the same env and the same seeds, hence on identical
 * exogenous traces (common random numbers), or on the same given traces, so differences are
 * paired and due to the policy. Progress is an rxjs Observable of finished episodes; the result
 * aggregates over the traces.
 */
import { Observable } from 'rxjs';
import { make } from '../../env/index.ts'; // the barrel registers the built-in ids
import type { Env } from '../../env/core/env.ts';
import { GymError, InvalidArgumentError } from '../../env/core/errors.ts';
import { formatValue, unknownKeys } from '../../env/core/format.ts';
import { checkSeed } from '../../env/core/rng.ts';
import type { Agent } from '../agent.ts';
import type { EpisodeSummary } from '../../env/bdt/episode-metrics.ts';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { explainTrace, sameTrace, type ExogenousTrace } from '../../env/bdt/exogenous.ts';
import { agentEntry, agentScenario, createAgent } from '../create-agent.ts';
import { runAgentEpisode } from './run-episode.ts';
import { meanInterval, type MeanInterval } from './statistics.ts';

/**
 * An agent in a comparison: a registered name (see `agentNames()`), or a labelled entry, so one
 * agent can appear several times with different options (two PPO checkpoints, say).
 */
export type ComparedAgent = string | { readonly label: string; readonly agent: string; readonly options?: Record<string, unknown> };

/**
 * What `compareAgents` runs: the agents, the env and the seeds (or recorded traces) every agent
 * plays one episode on, so the agents meet the same exogenous states (common random numbers).
 */
export interface ComparisonSpec {
  /** Registered B-DT env id, e.g. `BDT-v0`. */
  readonly envId: string;
  /** The agents, in table order; their labels must differ. */
  readonly agents: readonly ComparedAgent[];
  /** Seeds of the exogenous traces, one episode each per agent, each given once (with `traces`, the agents' seeds only, which may repeat). */
  readonly seeds: readonly number[];
  /**
   * Recorded traces to replay instead of drawing them from the seeds (`drawTrace`, `run
   * --save-trace`, or built by hand to stage a burst or a fade): episode i replays `traces[i]`
   * with the agents seeded by `seeds[i]`, so there is one seed per trace. A trace given twice (the
   * same slot states over the episode's slots, whatever follows them) is refused.
   */
  readonly traces?: readonly ExogenousTrace[];
  /** Partial scenario override applied for every agent (e.g. `{ slots: 500 }`). */
  readonly scenario?: Record<string, unknown>;
  /**
   * Options per agent name, passed to `createAgent` (e.g. `{ ppo: { checkpoint } }`); a labelled
   * entry's own options take their place. Options for a name no entry takes them for are refused.
   */
  readonly agentOptions?: Readonly<Record<string, Record<string, unknown>>>;
}

/** One finished episode. */
export interface EpisodeRecord {
  /** The agent's label (its name unless it was given one). */
  readonly agent: string;
  /** The episode's seed: its trace's, or with `traces` the agent's. */
  readonly seed: number;
  /** Index into the spec's `traces` of the trace replayed, when the spec has traces. */
  readonly trace?: number;
  readonly summary: EpisodeSummary;
  /** Wall-clock time of the episode (ms), agent decisions included. */
  readonly wallMs: number;
}

/**
 * `records` in the order {@link compareAgents} emits them: agent by agent as `spec` lists them,
 * each over the traces in order (a record's trace index, else its seed's place in `seeds`). Records
 * that finished out of order (`compare --jobs` runs episodes in parallel) then aggregate, print and
 * save as a single-thread run's, bit for bit (a mean's sum depends on its order).
 */
export function inSpecOrder(records: readonly EpisodeRecord[], spec: Pick<ComparisonSpec, 'agents' | 'seeds'>): EpisodeRecord[] {
  const agentIndex = new Map(spec.agents.map((compared, i) => [labelOf(compared), i]));
  const seedIndex = new Map(spec.seeds.map((seed, i) => [seed, i]));
  const episodeIndex = (record: EpisodeRecord): number => record.trace ?? seedIndex.get(record.seed)!;
  return [...records].sort((a, b) => agentIndex.get(a.agent)! - agentIndex.get(b.agent)! || episodeIndex(a) - episodeIndex(b));
}

/** Per-agent aggregate over the episodes, one per trace (mean and 95% CI half-width). */
export interface AgentAggregate {
  readonly agent: string;
  readonly episodes: number;
  readonly meanLatency: MeanInterval;
  readonly meanReward: MeanInterval;
  readonly c6Violation: MeanInterval;
  readonly energyViolations: MeanInterval;
  readonly meanBacklog: MeanInterval;
  /**
   * Each metric minus the first agent's on the same traces (paired: a replayed trace's index, else
   * the seed): the mean and 95% CI of the per-trace differences, as `meanInterval` of them (NaN
   * with no trace in common with the first agent).
   */
  readonly latencyVsFirst: MeanInterval;
  readonly rewardVsFirst: MeanInterval;
  readonly c6ViolationVsFirst: MeanInterval;
  readonly energyViolationsVsFirst: MeanInterval;
  readonly backlogVsFirst: MeanInterval;
  readonly msPerSlot: number;
}

/** What every mean ± halfWidth of `aggregate` is, for a reader of its numbers (`compare --json` states it). */
export const AGGREGATE_INTERVAL =
  '{mean, halfWidth}: mean ± halfWidth is the 95% Student-t confidence interval of the mean over the traces (n - 1 degrees of freedom), one episode per agent on each; halfWidth null with one trace, and any number that is NaN or infinite null too (JSON has neither: an infinite reward on a trace gives mean and halfWidth null; the table prints them). ' +
  "...VsFirst: the same interval of the per-trace differences from the first agent's episode on the same trace (paired)";

/**
 * Runs the comparison; emits each episode as it finishes, then completes. Each subscription runs
 * it again (a cold Observable): to watch progress and collect the records of one run, subscribe
 * once (or `share()` it). An episode that throws errors the stream with an `AgentEpisodeError`
 * (naming the agent, seed, slot and, on traces, the trace's index); the records emitted before it
 * are whole episodes, so a subscriber that collected them (`tap`) keeps them, as `compare --out` does.
 */
export function compareAgents(spec: ComparisonSpec): Observable<EpisodeRecord> {
  return new Observable<EpisodeRecord>((subscriber) => {
    let cancelled = false;
    (async () => {
      checkSpec(spec);
      // every agent is built before the first episode, so bad options fail before any result
      const players: Array<{ label: string; env: Env; agent: Agent }> = [];
      let failure: { error: unknown } | undefined;
      try {
        for (const compared of spec.agents) {
          if (cancelled) return; // unsubscribed while the agents were being built (the finally releases those built)
          const { label, agent: name, options } = typeof compared === 'string' ? { label: compared, agent: compared } : compared;
          const env: Env = make(spec.envId, { scenario: agentScenario(name, spec.scenario) });
          let agent: Agent;
          try {
            agent = await createAgent(name, env, options ?? spec.agentOptions?.[name] ?? {});
          } catch (error) {
            env.close();
            throw error;
          }
          players.push({ label, env, agent });
        }
        // an id whose env needed kwargs to be made escaped checkSpec's probe
        assertBdtEnv(spec.envId, players[0]!.env);
        checkTraces(spec.traces, players[0]!.env);
        for (const { label, env, agent } of players) {
          for (const [i, seed] of spec.seeds.entries()) {
            if (cancelled) return;
            const start = performance.now();
            const trace = spec.traces?.[i];
            // on given traces the seeds may repeat: the trace's index tells which episode failed
            const summary = trace === undefined ? runAgentEpisode(label, env, agent, seed) : runAgentEpisode(label, env, agent, seed, { trace }, i);
            const wallMs = performance.now() - start;
            subscriber.next(trace === undefined ? { agent: label, seed, summary, wallMs } : { agent: label, seed, trace: i, summary, wallMs });
            // Yield to the event loop so progress renders and unsubscription is seen.
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
        }
      } catch (error) {
        failure = { error };
      } finally {
        // every agent and env is released even if one's dispose throws; the first error is reported
        for (const { env, agent } of players) {
          for (const release of [() => agent.dispose?.(), () => env.close()]) {
            try {
              release();
            } catch (error) {
              failure ??= { error };
            }
          }
        }
      }
      if (failure !== undefined) throw failure.error;
      subscriber.complete();
    })().catch((error: unknown) => subscriber.error(error));
    return () => {
      cancelled = true;
    };
  });
}

const SPEC_KEYS: ReadonlyArray<keyof ComparisonSpec> = ['envId', 'agents', 'seeds', 'traces', 'scenario', 'agentOptions'];

/** `make(id)` with no kwargs, or undefined when the id's env cannot be made without them. */
function makeIfItCan(id: string): Env | undefined {
  try {
    return make(id);
  } catch {
    return undefined;
  }
}

/** A GymError unless `env` (made for `envId`) is a B-DT env, which the agents read. */
function assertBdtEnv(envId: string, env: Env): void {
  const unwrapped = env.unwrapped;
  if (!(unwrapped instanceof BdtEnv)) throw new GymError(`compareAgents: ${envId} is not a B-DT env (its unwrapped env is ${unwrapped.constructor.name}); compare the agents on a B-DT id such as BDT-v0 or one registered with registerBdtScenario`);
}

/** Refuses a spec that cannot give a fair comparison, before any agent is built or episode run. */
function checkSpec(spec: ComparisonSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new GymError(`compareAgents: expected a spec {envId, agents, seeds, traces?, scenario?, agentOptions?}, got ${formatValue(spec)}`);
  const unknown = unknownKeys(spec, SPEC_KEYS);
  if (unknown !== undefined) throw new GymError(`compareAgents: unknown ${unknown} (a spec has ${SPEC_KEYS.join(', ')}; episode length is scenario.slots)`);
  if (typeof spec.envId !== 'string') throw new GymError(`compareAgents: envId must be a registered env id such as "BDT-v0", got ${formatValue(spec.envId)}`);
  // the agents read a B-DT system and the scenario is a B-DT one: say so, not that the env refuses a
  // scenario (an id whose env needs kwargs to be made at all is made, and reported, with the agents)
  const probe = makeIfItCan(spec.envId);
  if (probe !== undefined) {
    try {
      assertBdtEnv(spec.envId, probe);
    } finally {
      probe.close();
    }
  }
  if (!Array.isArray(spec.agents) || spec.agents.length === 0) throw new GymError(`compareAgents: agents must be a non-empty array, got ${formatValue(spec.agents)}`);
  if (!Array.isArray(spec.seeds) || spec.seeds.length === 0) throw new GymError(`compareAgents: seeds must be a non-empty array, got ${formatValue(spec.seeds)}`);
  for (const compared of spec.agents) {
    if (typeof compared !== 'string') {
      // a misspelt key (opts for options) ran the agent with its defaults, unseen
      if (compared === null || typeof compared !== 'object' || Array.isArray(compared)) throw new GymError(`compareAgents: an agent is a name or {label, agent, options?}, got ${formatValue(compared)}`);
      const unknown = unknownKeys(compared, ['label', 'agent', 'options']);
      if (unknown !== undefined) throw new GymError(`compareAgents: agent ${formatValue(compared.label)} has unknown ${unknown} (keys: label, agent, options)`);
    }
    const label = labelOf(compared);
    if (typeof label !== 'string' || label === '') throw new GymError(`compareAgents: every agent needs a non-empty label, got ${formatValue(compared)}`);
    agentEntry(agentNameOf(compared)); // lists the available agents
  }
  const labels = spec.agents.map(labelOf);
  const repeated = repeatedIndex(labels);
  if (repeated !== undefined) throw new GymError(`compareAgents: agent label ${JSON.stringify(labels[repeated[1]])} appears twice; give each entry its own label`);
  spec.seeds.forEach((seed, i) => checkSeed(seed, `compareAgents: seeds[${i}]`));
  // a repeated seed would count one trace twice and narrow the intervals falsely (with traces, the
  // seeds are the agents': they may repeat, each trace being one sample)
  const repeatedSeed = spec.traces === undefined ? repeatedIndex(spec.seeds) : undefined;
  if (repeatedSeed !== undefined) throw new GymError(`compareAgents: seed ${spec.seeds[repeatedSeed[1]]} appears twice; each seed is one trace, give it once`);
  if (spec.traces !== undefined) {
    if (!Array.isArray(spec.traces)) throw new GymError(`compareAgents: traces must be an array of traces, got ${formatValue(spec.traces)}`);
    if (spec.traces.length !== spec.seeds.length) throw new GymError(`compareAgents: ${spec.traces.length} traces for ${spec.seeds.length} seeds; give one seed per trace (it seeds the agents)`);
  }
  const names = spec.agents.map(agentNameOf);
  const unused = Object.keys(spec.agentOptions ?? {}).filter((name) => !names.includes(name));
  if (unused.length > 0) throw new GymError(`compareAgents: agentOptions for ${unused.map((name) => JSON.stringify(name)).join(', ')}, which ${unused.length > 1 ? 'are' : 'is'} not among the agents (${names.join(', ')})`);
  // a labelled entry's own options take the place of agentOptions[name]: refuse those no entry takes, as unused ones
  const takesAgentOptions = (compared: ComparedAgent, name: string): boolean => (typeof compared === 'string' ? compared === name : compared.agent === name && compared.options === undefined);
  const overridden = Object.keys(spec.agentOptions ?? {}).filter((name) => !spec.agents.some((compared) => takesAgentOptions(compared, name)));
  if (overridden.length > 0) {
    const which = overridden.map((name) => JSON.stringify(name)).join(', ');
    throw new GymError(`compareAgents: agentOptions for ${which} apply to no entry: every entry of ${which} has options of its own, which take their place (give the options in the entries, or add an entry without options)`);
  }
}

/**
 * Refuses, before the first episode, a trace `env` cannot replay (an agent's own env would refuse
 * it mid-comparison) and a trace given twice: as a repeated seed, one trace counted twice narrows
 * the intervals falsely.
 */
function checkTraces(traces: readonly ExogenousTrace[] | undefined, env: Env): void {
  const raw = env.unwrapped;
  if (traces === undefined || !(raw instanceof BdtEnv)) return;
  traces.forEach((trace, i) => {
    const why = explainTrace(trace, raw.system, raw.system.slots);
    if (why !== undefined) throw new GymError(`compareAgents: traces[${i}] cannot be replayed on ${raw.system.scenario.name} for ${raw.system.slots} slots: ${why}`);
  });
  const repeated = repeatedTrace(traces, raw.system.slots);
  if (repeated !== undefined) throw new GymError(`compareAgents: traces[${repeated[1]}] is the same trace as traces[${repeated[0]}]; each trace is one sample, give it once`);
}

/** The first index whose value appeared before (===, or NaN), with that earlier index: `[first, again]`. */
export function repeatedIndex(values: readonly unknown[]): [number, number] | undefined {
  // a map of first indices, not a scan per value (100k seeds took 4 s)
  const firstIndex = new Map<unknown, number>();
  for (let i = 0; i < values.length; i++) {
    const first = firstIndex.get(values[i]);
    if (first !== undefined) return [first, i];
    firstIndex.set(values[i], i);
  }
  return undefined;
}

/**
 * The first trace that replays the same episode of `slots` slots as an earlier one (`sameTrace`:
 * its first `slots` slot states), with that earlier index: `[first, again]`. The traces are ones
 * explainTrace takes.
 */
export function repeatedTrace(traces: readonly ExogenousTrace[], slots: number): [number, number] | undefined {
  // grouped by their first gain (a continuous draw), so distinct traces are seldom compared in full
  const byFirstGain = new Map<number | undefined, number[]>();
  for (let i = 0; i < traces.length; i++) {
    const key = traces[i]!.gain[0];
    const group = byFirstGain.get(key) ?? [];
    const first = group.find((j) => sameTrace(traces[j]!, traces[i]!, slots));
    if (first !== undefined) return [first, i];
    group.push(i);
    byFirstGain.set(key, group);
  }
  return undefined;
}

/** The label of a compared agent: its own, or its name. */
export function labelOf(compared: ComparedAgent): string {
  return typeof compared === 'string' ? compared : compared.label;
}

/** The registered agent name of an entry of `ComparisonSpec.agents`. */
export function agentNameOf(compared: ComparedAgent): string {
  return typeof compared === 'string' ? compared : compared.agent;
}

/**
 * The trace an episode played, as episodes are paired across agents: a replayed trace's index
 * (with `traces`, the agents' seeds may repeat), else its seed.
 */
export function pairingTrace(episode: { readonly seed: number; readonly trace?: number | undefined }): string {
  return episode.trace === undefined ? `seed ${episode.seed}` : `trace ${episode.trace}`;
}

/** Aggregates finished episodes per agent, in the order the agents were first seen. */
export function aggregate(records: readonly EpisodeRecord[]): AgentAggregate[] {
  const agents = [...new Set(records.map((r) => r.agent))];
  const first = agents[0];
  // two episodes of one agent on one trace leave the pairing undefined (which one to pair?)
  const seen = new Set<string>();
  for (const r of records) {
    const key = `${JSON.stringify(r.agent)} on ${pairingTrace(r)}`;
    if (seen.has(key)) throw new InvalidArgumentError(`aggregate: two episodes of agent ${key}; each agent plays each trace once`);
    seen.add(key);
  }
  const firstEpisodes = new Map(records.filter((r) => r.agent === first).map((r) => [pairingTrace(r), r.summary]));
  return agents.map((agent) => {
    const mine = records.filter((r) => r.agent === agent);
    const of = (pick: (s: EpisodeSummary) => number): MeanInterval => meanInterval(mine.map((r) => pick(r.summary)));
    const onFirstTraces = mine.filter((r) => firstEpisodes.has(pairingTrace(r)));
    const vsFirst = (pick: (s: EpisodeSummary) => number): MeanInterval =>
      onFirstTraces.length > 0 ? meanInterval(onFirstTraces.map((r) => pick(r.summary) - pick(firstEpisodes.get(pairingTrace(r))!))) : { mean: Number.NaN, halfWidth: Number.NaN };
    const slots = mine.reduce((a, r) => a + r.summary.slots, 0);
    return {
      agent,
      episodes: mine.length,
      meanLatency: of((s) => s.meanLatency),
      meanReward: of((s) => s.meanReward),
      c6Violation: of((s) => s.c6Violation),
      energyViolations: of((s) => s.energyViolations),
      meanBacklog: of((s) => s.meanBacklog),
      latencyVsFirst: vsFirst((s) => s.meanLatency),
      rewardVsFirst: vsFirst((s) => s.meanReward),
      c6ViolationVsFirst: vsFirst((s) => s.c6Violation),
      energyViolationsVsFirst: vsFirst((s) => s.energyViolations),
      backlogVsFirst: vsFirst((s) => s.meanBacklog),
      msPerSlot: mine.reduce((a, r) => a + r.wallMs, 0) / Math.max(slots, 1),
    };
  });
}
