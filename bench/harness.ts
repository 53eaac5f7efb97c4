/**
 * A small benchmark harness: each case runs a fixed number of operations several times, the
 * median rate is reported, and so is its ratio to a trivial reference loop measured in the same
 * process, so figures compare across machines (ratio) as well as on this one (ops/s).
 *
 * Add a suite by exporting `suites: BenchSuite[]` from `bench/suites/<name>.ts` and listing it
 * in `bench/run.ts`.
 */
import { arch, cpus, platform } from 'node:os';

export interface BenchCase {
  /** Short name, unique within its suite. */
  name: string;
  /** What one operation is, e.g. "steps" or "env-steps". */
  unit: string;
  /** Operations per timed run (choose so one run takes ~0.1-1 s). */
  ops: number;
  /** Builds the state outside the timing; returns the function that performs `ops` operations. */
  setup(): (ops: number) => void;
}

export interface BenchSuite {
  name: string;
  cases: BenchCase[];
}

export interface BenchOptions {
  /** Timed runs per case (the median is reported). */
  runs?: number;
  /** Only cases whose "suite/case" name contains this. */
  filter?: string;
  /** Iterations per reference-loop run (default 20 million, ~0.1 s). */
  referenceOps?: number;
}

export interface CaseResult {
  suite: string;
  name: string;
  unit: string;
  /** Median operations per second. */
  opsPerSec: number;
  /** Every run's operations per second. */
  runs: number[];
  /** `opsPerSec` divided by the reference loop's iterations per second, timed in the same process. */
  ratio: number;
}

export interface BenchReport {
  machine: { node: string; cpu: string; cores: number; platform: string };
  /**
   * Median iterations per second of the reference loop (when each case ran in a process of its
   * own, bench/isolate.ts: the median of those processes' medians).
   */
  referencePerSec: number;
  results: CaseResult[];
}

/** Default iterations per reference run. */
const REFERENCE_OPS = 20_000_000;

/**
 * The reference: a loop doing one call and a few float operations per iteration, about the
 * cheapest "step" imaginable. Its result is kept so the loop is not optimised away.
 */
function referenceLoop(ops: number): number {
  let acc = 0;
  for (let i = 0; i < ops; i++) acc = update(acc, i);
  return acc;
}
function update(acc: number, i: number): number {
  return acc * 0.5 + (i & 7);
}

let sink = 0;

/** The median of `values` (the mean of the middle two when their count is even). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeRuns(fn: (ops: number) => unknown, ops: number, runs: number): number[] {
  fn(Math.max(1, Math.floor(ops / 4))); // warm-up, lets the JIT settle
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    fn(ops);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(ops / seconds);
  }
  return rates;
}

/** Runs `suites` and returns the report. */
export function runBenchmarks(suites: readonly BenchSuite[], options: BenchOptions = {}): BenchReport {
  const runs = options.runs ?? 5;
  const referencePerSec = median(
    timeRuns(
      (n) => {
        sink += referenceLoop(n);
      },
      options.referenceOps ?? REFERENCE_OPS,
      runs,
    ),
  );
  const results: CaseResult[] = [];
  for (const suite of suites) {
    for (const c of suite.cases) {
      if (options.filter && !`${suite.name}/${c.name}`.includes(options.filter)) continue;
      const rates = timeRuns(c.setup(), c.ops, runs);
      const opsPerSec = median(rates);
      results.push({ suite: suite.name, name: c.name, unit: c.unit, opsPerSec, runs: rates, ratio: opsPerSec / referencePerSec });
    }
  }
  return { machine: machineInfo(), referencePerSec, results };
}

/** The machine and Node version a report was measured on. */
export function machineInfo(): BenchReport['machine'] {
  return { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: `${platform()}-${arch()}` };
}

/** The report as an aligned text table. */
export function formatTable(report: BenchReport): string {
  const rows = report.results.map((r) => [`${r.suite}/${r.name}`, `${Math.round(r.opsPerSec).toLocaleString('en-US')} ${r.unit}/s`, r.ratio.toExponential(2)]);
  const header = ['case', 'median rate', 'ratio to reference'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `${report.machine.cpu} (${report.machine.cores} cores), Node ${report.machine.node}`,
    `reference loop: ${Math.round(report.referencePerSec).toLocaleString('en-US')} iterations/s`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}

/** Keeps benchmarked results observable so the JIT cannot drop the work. */
export function consume(x: number): void {
  sink += x;
}

/** The accumulated sink (exposed so it is never dead). */
export function benchSink(): number {
  return sink;
}
