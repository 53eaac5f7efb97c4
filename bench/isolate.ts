/**
 * Runs every selected case in a fresh Node process, as JMH forks a JVM per benchmark: a case is
 * timed with only its own suite's modules loaded and no other case's code in the JIT's profile.
 * In one shared process the B-DT env's single step ran about 5% slower once the agents suite had
 * loaded TensorFlow.js (docs/BENCHMARKS.md, 2026-12-05 16:50), so a case's figure depended on
 * which suites were registered, not on its own code.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, machineInfo, type BenchOptions, type BenchReport, type BenchSuite, type CaseResult } from './harness.ts';

/** A suite with the URL of the module that exports it (the module a case's process loads). */
export interface SuiteSource {
  moduleUrl: string;
  suite: BenchSuite;
}

const CASE_PROCESS = fileURLToPath(new URL('./case-process.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

/**
 * The parent's Node options for a case's process, with tsx loaded once through its own loader:
 * the parent may load tsx in its flags (`tsx bench/run.ts`, mocha's `--import=tsx/esm`) or in code
 * (the bdt-gym CLI), and its other flags (heap, V8 options) apply to the case as they would here.
 */
function caseNodeOptions(): string[] {
  const options = ['--import', TSX_LOADER];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (/^(--import|--require|-r|--loader)$/.test(arg) && argv[i + 1]?.includes('tsx')) i++;
    else if (!/^--(import|require|loader)=.*tsx/.test(arg)) options.push(arg);
  }
  return options;
}

function runCase(source: SuiteSource, caseName: string, runs: number): BenchReport {
  const name = `${source.suite.name}/${caseName}`;
  const child = spawnSync(process.execPath, [...caseNodeOptions(), CASE_PROCESS, source.moduleUrl, source.suite.name, caseName, String(runs)], {
    // the case's own stdout goes to our stderr, so a --json report on our stdout stays parseable;
    // its stderr is kept for the error when it fails
    stdio: ['ignore', 2, 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024, // bytes of stderr and report kept (beyond: the process is killed, ENOBUFS)
  });
  const stderr = String(child.stderr ?? '');
  const failed = (why: string) => new Error(`bench case ${name}: ${why}${stderr.trim() === '' ? '' : `:\n${stderr.trimEnd()}`}`);
  if (child.error) throw failed(`its process failed (${child.error.message})`);
  if (child.status !== 0) throw failed(`its process exited with ${child.status ?? child.signal}`);
  process.stderr.write(stderr);
  const report = String(child.output[3] ?? '');
  try {
    return JSON.parse(report) as BenchReport;
  } catch {
    throw failed(report === '' ? 'its process exited without a report' : `its process wrote an unreadable report (${report.slice(0, 80)})`);
  }
}

/**
 * Runs the cases `options.filter` selects (all without one), each in its own process, and returns
 * one report: each case's ratio is to the reference loop timed in the case's own process, and
 * the report's `referencePerSec` is the median of those.
 */
export function runIsolated(sources: readonly SuiteSource[], options: Pick<BenchOptions, 'runs' | 'filter'> = {}): BenchReport {
  const runs = options.runs ?? 5;
  const results: CaseResult[] = [];
  const references: number[] = [];
  for (const source of sources) {
    for (const c of source.suite.cases) {
      if (options.filter && !`${source.suite.name}/${c.name}`.includes(options.filter)) continue;
      const report = runCase(source, c.name, runs);
      references.push(report.referencePerSec);
      results.push(...report.results);
    }
  }
  return { machine: machineInfo(), referencePerSec: references.length ? median(references) : Number.NaN, results };
}
