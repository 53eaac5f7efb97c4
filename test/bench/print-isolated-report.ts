/** Prints the isolation fixture's report as JSON on stdout, as `npm run -s bench -- --json` does (test/bench/isolate.test.ts). */
import { runIsolated } from '../../bench/isolate.ts';
import { suites } from './isolation-suite.ts';

const moduleUrl = new URL('./isolation-suite.ts', import.meta.url).href;
process.stdout.write(`${JSON.stringify(runIsolated(suites.map((suite) => ({ moduleUrl, suite })), { runs: 1, filter: 'isolation/' }))}\n`);
