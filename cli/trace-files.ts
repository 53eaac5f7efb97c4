/**
 * Exogenous trace files: `--save-trace` (its JSON size checked before the trace is drawn) and
 * `--trace` (checked against the scenario before any step, with the `--slots` that would replay
 * a shorter one).
 */
import { drawTrace, explainTrace, type ExogenousTrace } from '../env/bdt/exogenous.ts';
import type { CompiledScenario } from '../env/bdt/scenario/compile.ts';
import { formatBytes } from '../node/capped-read.ts';
import { CliError } from './errors.ts';
import { MAX_JSON_BYTES } from './json-files.ts';
import { plural } from './plural.ts';

/** Slot states of the trace drawn to estimate the JSON size of a long one. */
const SAMPLE_STATES = 100;

/**
 * What draws the JSON file text of the trace of `seed` on `system`, for `--save-trace file`, or a
 * CliError when it would pass `maxBytes` (MAX_JSON_BYTES: a string could not hold it, nor could
 * --trace read it): at once, before the trace is drawn (gigabytes for millions of slots), when the
 * JSON size per slot state of its first states says so, else when drawn.
 */
export function traceJson(file: string, system: CompiledScenario, seed: number, maxBytes = MAX_JSON_BYTES): () => string {
  const states = system.slots + 1;
  const sampled = Math.min(states, SAMPLE_STATES);
  const sampleBytes = JSON.stringify(drawTrace(system, seed, sampled)).length;
  const bytesPerState = sampleBytes / sampled;
  /** The refusal of a trace of `bytes` (undefined: past V8's limit, size unknown). */
  const tooLong = (bytes: number | undefined): CliError => {
    // a margin for the slots past the sample, whose numbers may print longer
    const fitting = Math.floor((0.98 * maxBytes) / bytesPerState) - 1;
    return new CliError(`--save-trace ${file}: the trace of ${plural(system.slots, 'slot')} on ${system.scenario.name} would be ${bytes === undefined ? `over ${formatBytes(maxBytes)}` : `${sampled < states ? 'about ' : ''}${formatBytes(bytes)}`} of JSON (about ${Math.round(bytesPerState)} bytes a slot), past the ${formatBytes(maxBytes)} a JSON string can hold (V8's limit); give --slots ${fitting} or fewer`);
  };
  // exact when the sample is the whole trace; the 1 is the final newline
  const estimate = Math.round((sampleBytes * states) / sampled) + 1;
  if (estimate > maxBytes) throw tooLong(estimate);
  return () => {
    let text: string;
    try {
      text = `${JSON.stringify(drawTrace(system, seed, states))}\n`;
    } catch (error) {
      // the slots past the sample printed longer than estimated, past V8's limit
      if (error instanceof RangeError) throw tooLong(undefined);
      throw error;
    }
    if (text.length > maxBytes) throw tooLong(text.length);
    return text;
  };
}

/**
 * The episode length to replay `traces` with, when it is not the scenario's T (`scenarioSlots`):
 * without --slots, traces too short for T (run --slots 10 --save-trace saved 11 states), all saved
 * from episodes of S slots, replay S slots; ones of T states or more replay T. A T the override
 * gives is the user's, as --slots is: not replaced.
 */
export function replayedSlots(slots: number | undefined, scenarioOverride: Record<string, unknown>, traces: readonly object[], scenarioSlots: number): number | undefined {
  if (slots !== undefined || 'slots' in scenarioOverride) return undefined;
  const [saved, ...others] = traces.map(savedEpisodeSlots);
  return saved !== undefined && others.every((s) => s === saved) && saved + 1 < scenarioSlots ? saved : undefined;
}

/** The slots of the episode a trace was saved from (T + 1 slot states for T slots), when its length says. */
function savedEpisodeSlots(trace: object): number | undefined {
  const { length } = trace as { length?: unknown };
  return typeof length === 'number' && Number.isSafeInteger(length) && length >= 2 ? length - 1 : undefined;
}

/**
 * `trace`, from file `file` (option `--trace`), checked against `system` before any step, or a
 * CliError saying why not, and which --slots would replay it when only its length is short.
 */
export function checkTraceFile(file: string, trace: object, system: CompiledScenario): ExogenousTrace {
  const why = explainTrace(trace as ExogenousTrace, system, system.slots);
  if (why === undefined) return trace as ExogenousTrace;
  const savedSlots = savedEpisodeSlots(trace);
  const fits = savedSlots !== undefined && savedSlots < system.slots && explainTrace(trace as ExogenousTrace, system, savedSlots) === undefined;
  throw new CliError(`--trace ${file}: cannot be replayed on ${system.scenario.name} for ${plural(system.slots, 'slot')}: ${why}${fits ? `; it holds an episode of ${plural(savedSlots, 'slot')}: give --slots ${savedSlots}` : ''}`);
}
