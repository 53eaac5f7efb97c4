/**
 * `npm run -s bench -- [--json] [--runs N] [--filter text]`: runs every suite below, each case
 * in a process of its own (bench/isolate.ts), and prints a table (or JSON; `-s` keeps npm's
 * banner off stdout). To add a suite, export `suites` from `bench/suites/<name>.ts` and list it
 * in SUITE_FILES.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { formatTable, type BenchOptions, type BenchSuite } from './harness.ts';
import { runIsolated, type SuiteSource } from './isolate.ts';

/** The suite modules under bench/suites/, in run order. */
const SUITE_FILES = ['cartpole', 'bdt-env', 'dpra', 'solved-shares', 'agents'];

/** Every registered suite with its module (loading them here times nothing: each case runs in a process of its own). */
export const suiteSources: SuiteSource[] = [];
for (const file of SUITE_FILES) {
  const moduleUrl = new URL(`./suites/${file}.ts`, import.meta.url).href;
  const { suites } = (await import(moduleUrl)) as { suites: BenchSuite[] };
  for (const suite of suites) suiteSources.push({ moduleUrl, suite });
}

/** Every registered suite, in run order. */
export const allSuites: BenchSuite[] = suiteSources.map((source) => source.suite);

/**
 * Throws unless `filter` selects at least one case (an empty table would read as a result),
 * listing the cases, or is empty (it selects every case: a mistyped variable, not a filter).
 */
export function checkFilter(filter: string): void {
  if (filter === '') throw new Error(`--filter ${JSON.stringify(filter)}: give text that the names of the cases to run contain (without --filter every case runs)`);
  const names = allSuites.flatMap((suite) => suite.cases.map((c) => `${suite.name}/${c.name}`));
  if (!names.some((name) => name.includes(filter))) throw new Error(`--filter ${JSON.stringify(filter)} matches no case (cases: ${names.join(', ')})`);
}

/** Runs the suites, each case in a process of its own; prints JSON when `json`, else a table. */
export function runAndPrint(options: BenchOptions & { json?: boolean }): void {
  const report = runIsolated(suiteSources, options);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatTable(report)}\n`);
}

const USAGE = `usage: npm run -s bench -- [--json] [--runs N] [--filter text]
  --json         print the report as JSON instead of a table
  --runs N       timed runs per case (the median is reported)
  --filter text  only the cases whose 'suite/case' name contains text
  --help         this text`;

/** The options of the command line, or a one-line reason (with the usage) on stderr and exit code 2. */
function parseCommandLine(): (BenchOptions & { json?: boolean }) | undefined {
  try {
    const { values } = parseArgs({ options: { json: { type: 'boolean' }, runs: { type: 'string' }, filter: { type: 'string' }, help: { type: 'boolean' } } });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return undefined;
    }
    if (values.filter !== undefined) checkFilter(values.filter);
    const runs = values.runs === undefined ? undefined : Number(values.runs);
    if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
    return { ...(values.json ? { json: true } : {}), ...(runs ? { runs } : {}), ...(values.filter ? { filter: values.filter } : {}) };
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = 2;
    return undefined;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseCommandLine();
  if (options) runAndPrint(options);
}
