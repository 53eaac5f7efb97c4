/**
 * `npm run bench [-- --json] [-- --runs N] [-- --filter text]`: runs every suite below and prints
 * a table (or JSON). To add a suite, export `suites` from `bench/suites/<name>.ts` and list it here.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { formatTable, runBenchmarks, type BenchOptions, type BenchSuite } from './harness.ts';
import { suites as cartpole } from './suites/cartpole.ts';
import { suites as bdtEnv } from './suites/bdt-env.ts';
import { suites as dpra } from './suites/dpra.ts';
import { suites as agents } from './suites/agents.ts';

/** Every registered suite, in run order. */
export const allSuites: BenchSuite[] = [...cartpole, ...bdtEnv, ...dpra, ...agents];

/** Runs the suites; prints JSON when `json`, else a table. */
export function runAndPrint(options: BenchOptions & { json?: boolean }): void {
  const report = runBenchmarks(allSuites, options);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatTable(report)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, runs: { type: 'string' }, filter: { type: 'string' } } });
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
  runAndPrint({ ...(values.json ? { json: true } : {}), ...(runs ? { runs } : {}), ...(values.filter ? { filter: values.filter } : {}) });
}
