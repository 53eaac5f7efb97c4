/**
 * One benchmark case in a process of its own (see `runIsolated` in isolate.ts): loads the case's
 * suite module only, runs the case with the harness, and writes the report as JSON to file
 * descriptor 3 (stdout stays the case's own, which the parent sends to its stderr).
 *
 * Arguments: <suite module URL> <suite name> <case name> <runs>.
 */
import { writeSync } from 'node:fs';
import { runBenchmarks, type BenchSuite } from './harness.ts';

const [moduleUrl, suiteName, caseName, runs] = process.argv.slice(2);
const { suites } = (await import(moduleUrl!)) as { suites: BenchSuite[] };
const suite = suites.find((s) => s.name === suiteName);
const benchCase = suite?.cases.find((c) => c.name === caseName);
if (!suite || !benchCase) throw new Error(`${moduleUrl} has no case ${suiteName}/${caseName}`);
writeSync(3, JSON.stringify(runBenchmarks([{ name: suite.name, cases: [benchCase] }], { runs: Number(runs) })));
