/**
 * Reading the files the analysis scripts take: the full result `bdt-gym compare --out F.json`
 * writes (every episode, with its agent's label, seed and summary) and what `bdt-gym sweep-v
 * --json` prints (each V's per-seed values). Anything else (a missing file, a label the file does
 * not hold, another shape) ends the script with one line naming the file and the place in it.
 */
import { readFileSync } from 'node:fs';
import { pairingTrace } from 'bdt-gym/baselines';
import { fail } from '../args.ts';

/** One episode of a compare --out file. */
export interface ComparedEpisode {
  /** Its index in the file's `episodes`, to name it in an error. */
  readonly index: number;
  readonly agent: string;
  /** The trace it played, as compare pairs episodes: the replayed trace's index (`--trace`), else the seed. */
  readonly trace: string;
  readonly summary: Readonly<Record<string, unknown>>;
}

export interface ComparisonFile {
  readonly file: string;
  /** The labels in table order: the first is the one compare's `...VsFirst` fields pair with. */
  readonly labels: readonly string[];
  readonly episodes: readonly ComparedEpisode[];
}

/** The paired difference of one agent from another in one metric, trace by trace. */
export interface Paired {
  /** The traces both agents played, in the order of the first agent's episodes. */
  readonly traces: readonly string[];
  readonly mine: readonly number[];
  readonly theirs: readonly number[];
  /** mine[i] - theirs[i]. */
  readonly differences: readonly number[];
}

/** The file parsed as JSON, or one line naming it. */
function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read it (${code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail(`${file}: not JSON (${(error as Error).message.replace(/\s+/g, ' ')})`);
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const show = (x: unknown): string => (x === undefined ? 'missing' : JSON.stringify(x));

/** The full result of `compare --out`, or one line saying what it is not. */
export function readComparison(file: string): ComparisonFile {
  const json = readJsonFile(file);
  if (!isObject(json) || !Array.isArray(json['episodes'])) {
    const hint = isObject(json) && Array.isArray(json['agents']) ? ': compare --json prints the rows only; give the file compare --out writes (results/compare.json by default)' : '';
    return fail(`${file}: not the result compare --out writes (no "episodes" array)${hint}`);
  }
  const episodes = json['episodes'].map((e: unknown, index): ComparedEpisode => {
    const where = `${file}: episodes[${index}]`;
    if (!isObject(e) || !isObject(e['summary'])) return fail(`${where}: expected {agent, seed, summary}, got ${show(e)}`);
    const { agent, seed, trace } = e;
    if (typeof agent !== 'string') return fail(`${where}.agent is ${show(agent)}, not a label`);
    if (!Number.isSafeInteger(seed)) return fail(`${where}.seed is ${show(seed)}, not an integer`);
    if (trace !== undefined && !Number.isSafeInteger(trace)) return fail(`${where}.trace is ${show(trace)}, not an index`);
    return { index, agent, trace: pairingTrace({ seed: seed as number, trace: trace as number | undefined }), summary: e['summary'] };
  });
  if (episodes.length === 0) return fail(`${file}: no episodes`);
  if (json['incomplete'] !== undefined) process.stderr.write(`note: ${file} is an incomplete comparison (its "incomplete" field names the episode that failed): only the finished episodes are paired\n`);
  return { file, labels: [...new Set(episodes.map((e) => e.agent))], episodes };
}

/** `label`'s episodes by trace, or one line naming the labels the file holds. */
function episodesOf(comparison: ComparisonFile, label: string): Map<string, ComparedEpisode> {
  const mine = comparison.episodes.filter((e) => e.agent === label);
  if (mine.length === 0) return fail(`${comparison.file}: no episodes of "${label}" (its labels: ${comparison.labels.join(', ')})`);
  const byTrace = new Map<string, ComparedEpisode>();
  for (const e of mine) {
    if (byTrace.has(e.trace)) fail(`${comparison.file}: episodes[${byTrace.get(e.trace)!.index}] and episodes[${e.index}] are both "${label}" on ${e.trace}: which one to pair?`);
    byTrace.set(e.trace, e);
  }
  return byTrace;
}

/**
 * An episode's value of `metric` (a number of its summary; null, how JSON writes a NaN such as an
 * undefined C6 violation, is NaN), or one line naming the episode and the field.
 */
function metricOf(file: string, episode: ComparedEpisode, metric: string): number {
  const value = episode.summary[metric];
  if (value === null) return Number.NaN;
  return typeof value === 'number' ? value : fail(`${file}: episodes[${episode.index}].summary.${metric} is ${show(value)}, not a number`);
}

/** `label` minus `reference` in `metric` on each trace both played (compare's pairing), or one line when they share none. */
export function pairedDifference(comparison: ComparisonFile, label: string, reference: string, metric: string): Paired {
  const mine = episodesOf(comparison, label);
  const theirs = episodesOf(comparison, reference);
  const traces = [...mine.keys()].filter((trace) => theirs.has(trace));
  if (traces.length === 0) return fail(`${comparison.file}: "${label}" and "${reference}" played no trace in common`);
  const values = (episodes: Map<string, ComparedEpisode>) => traces.map((trace) => metricOf(comparison.file, episodes.get(trace)!, metric));
  const [a, b] = [values(mine), values(theirs)];
  return { traces, mine: a, theirs: b, differences: a.map((x, i) => x - b[i]!) };
}

/** The metrics of a compare episode's summary that a paired difference makes sense of (the table's). */
export const COMPARED_METRICS = ['meanLatency', 'meanReward', 'c6Violation', 'meanBacklog', 'energyViolations'] as const;

/** The metrics sweep-v gives per seed. */
export const SWEPT_METRICS = ['meanLatency', 'meanBacklog', 'c6Violation'] as const;
export type SweptMetric = (typeof SWEPT_METRICS)[number];

/** One point of `sweep-v --json`: V and each seed's values. */
export interface SweptPoint {
  readonly v: number;
  readonly episodes: ReadonlyArray<{ readonly seed: number } & Readonly<Record<SweptMetric, number>>>;
}

/** The points of `sweep-v --json`, with their per-seed values, or one line saying what is wrong where. */
export function readSweep(file: string): SweptPoint[] {
  const json = readJsonFile(file);
  if (Array.isArray(json)) return fail(`${file}: a JSON array, as sweep-v --json printed before it gave per-seed values; run sweep-v --json again`);
  if (!isObject(json) || !Array.isArray(json['points'])) return fail(`${file}: not what sweep-v --json prints (no "points" array)`);
  const points = json['points'].map((point: unknown, i): SweptPoint => {
    const where = `${file}: points[${i}]`;
    if (!isObject(point) || typeof point['v'] !== 'number' || !Array.isArray(point['episodes'])) return fail(`${where}: expected {v, ..., episodes: [...]}, got ${show(point)}`);
    const episodes = point['episodes'].map((e: unknown, k) => {
      if (!isObject(e) || !Number.isSafeInteger(e['seed'])) return fail(`${where}.episodes[${k}]: expected {seed, meanLatency, meanBacklog, c6Violation}, got ${show(e)}`);
      for (const metric of SWEPT_METRICS) if (typeof e[metric] !== 'number' && e[metric] !== null) fail(`${where}.episodes[${k}].${metric} is ${show(e[metric])}, not a number`);
      // null is how JSON writes a NaN
      return Object.fromEntries(Object.entries(e).map(([key, value]) => [key, value === null ? Number.NaN : value])) as { seed: number } & Record<SweptMetric, number>;
    });
    if (episodes.length === 0) return fail(`${where}: no per-seed episodes to pair`);
    return { v: point['v'], episodes };
  });
  if (points.length === 0) return fail(`${file}: no points`);
  return points;
}
