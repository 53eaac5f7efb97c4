/**
 * Reading a run's `metrics.jsonl` (written by `train`, see agents/metrics.ts) back into series:
 * for one tag, the steps and values of the records that carry it, in file order.
 */
import { constants } from 'node:buffer';
import { statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './errors.ts';
import { METRICS_FILE } from '../agents/checkpoint/checkpoint-dir.ts';
import { withoutByteOrderMark } from '../node/byte-order-mark.ts';
import { FileReadRefusal, readFileCapped } from '../node/capped-read.ts';

/**
 * The largest metrics.jsonl read: what one string holds (V8's limit, 512 MiB), which it is read
 * into. A record takes about 100 bytes, one per episode and per update; CartPole's shortest
 * episodes, some 10 steps, make 10M steps about 1M records, some 100 MB.
 */
const MAX_METRICS_BYTES = constants.MAX_STRING_LENGTH;

/** One tag's values over training. A NaN the trainer logged (written as null) stays NaN. */
export interface MetricSeries {
  readonly steps: Float64Array;
  readonly values: Float64Array;
}

/** A run's metrics: every tag's series. */
export type RunMetrics = ReadonlyMap<string, MetricSeries>;

/** The metrics file of `path`: the file itself, or `<path>/metrics.jsonl` for a run directory. */
export function metricsFileOf(path: string): string {
  const given = statOf(path, path, 'give a run directory of train, or its metrics.jsonl');
  const file = given.isDirectory() ? join(path, METRICS_FILE) : path;
  const stat = file === path ? given : statOf(file, path, 'is it a run directory of train?');
  // Reading a directory fails with EISDIR, and reading a FIFO would wait for a writer
  if (!stat.isFile()) throw new CliError(`${file}: ${stat.isDirectory() ? 'is a directory' : 'is not a regular file'}, not a metrics.jsonl of train`);
  return file;
}

/** `file`'s stat, or a CliError naming `shown` and why (a missing file, a symlink loop, no permission), with `hint` when missing. */
function statOf(file: string, shown: string, hint: string): Stats {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CliError(file === shown ? `${shown}: no such file or directory (${hint})` : `${shown}: holds no metrics.jsonl (${hint})`);
    // Node's message is "<CODE>: <what>, <syscall> '<path>'": keep the code and what
    throw new CliError(`${file}: cannot read it (${(error as Error).message.split(',')[0]})`);
  }
}

/**
 * Every tag's series in `file`, or a CliError naming the file and why it cannot be read, or the line
 * and what is wrong with it. A last line that is not JSON and has no newline after it is what a
 * run killed while appending leaves: it is skipped with a warning on stderr.
 */
export function readMetricsFile(file: string): RunMetrics {
  const series = new Map<string, { steps: number[]; values: number[] }>();
  let text: string;
  try {
    text = withoutByteOrderMark(readFileCapped(file, MAX_METRICS_BYTES).toString('utf8'));
  } catch (error) {
    if (error instanceof FileReadRefusal) throw new CliError(`${file}: cannot read the file (${error.message})`);
    // Node's message is "<CODE>: <what>, <syscall> '<path>'": keep the code and what
    throw new CliError(`${file}: cannot read the file (${(error as Error).message.split(',')[0]})`);
  }
  const lines = text.split('\n');
  let lastStep = 0;
  let wentBack = false;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    if (index === lines.length - 1 && !isJson(line)) {
      process.stderr.write(`bdt-gym: warning: ${where}: skipped a torn last line (no newline at its end: the run was stopped while writing it)\n`);
      return;
    }
    const { step, metrics } = parseMetricsLine(line, where);
    if (step < lastStep && !wentBack) {
      wentBack = true;
      process.stderr.write(`bdt-gym: warning: ${where}: step ${step} follows step ${lastStep}: a session stopped after its last checkpoint logged the steps its resumed run trained again, so some steps have records of both\n`);
    }
    lastStep = Math.max(lastStep, step);
    for (const [tag, value] of Object.entries(metrics)) {
      let tagSeries = series.get(tag);
      if (tagSeries === undefined) series.set(tag, (tagSeries = { steps: [], values: [] }));
      tagSeries.steps.push(step);
      tagSeries.values.push(value ?? NaN);
    }
  });
  return new Map([...series].map(([tag, { steps, values }]) => [tag, { steps: Float64Array.from(steps), values: Float64Array.from(values) }]));
}

/** Whether `text` parses as JSON (a torn last line does not). */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The record of a complete (not blank) line of metrics.jsonl, or a CliError at `where`
 * (`file:line`) saying what is wrong with it: what curves reads, and a resume checks before it
 * appends.
 */
export function parseMetricsLine(line: string, where: string): { step: number; metrics: Record<string, number | null> } {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    throw new CliError(`${where}: not a JSON line (${JSON.stringify(line.slice(0, 60))}${line.length > 60 ? '...' : ''})`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new CliError(`${where}: expected an object {"step": n, "<tag>": value, ...}, got ${line.slice(0, 60)}`);
  const { step, ...metrics } = record as Record<string, unknown>;
  if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) throw new CliError(`${where}: "step" must be a number >= 0, got ${JSON.stringify(step)}`);
  for (const [tag, value] of Object.entries(metrics)) {
    if (value !== null && typeof value !== 'number') throw new CliError(`${where}: "${tag}" must be a number (or null for NaN), got ${JSON.stringify(value)}`);
  }
  return { step, metrics: metrics as Record<string, number | null> };
}
