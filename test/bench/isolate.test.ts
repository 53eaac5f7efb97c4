import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runIsolated, type SuiteSource } from '../../bench/isolate.ts';
import { suites } from './isolation-suite.ts';

describe('bench: each case in a process of its own', () => {
  const sources: SuiteSource[] = suites.map((suite) => ({ moduleUrl: new URL('./isolation-suite.ts', import.meta.url).href, suite }));

  it('runs the selected cases, each in a fresh process, with ratios to the reference loop of its own process', () => {
    // the fixture's cases throw when a second one is set up in the same process
    const report = runIsolated(sources, { runs: 3, filter: 'isolation/' });
    assert.deepEqual(report.results.map((r) => r.name), ['first', 'second']);
    for (const r of report.results) {
      assert.equal(r.runs.length, 3);
      assert.ok(r.opsPerSec > 0 && r.ratio > 0, `${r.name}: ${r.opsPerSec} ops/s, ratio ${r.ratio}`);
    }
    // each ratio is to its own process's reference loop; the report gives their median
    const [first, second] = report.results.map((r) => r.opsPerSec / r.ratio);
    assert.ok(Math.abs(report.referencePerSec - (first! + second!) / 2) <= 1e-9 * report.referencePerSec);
  });

  it("a case's failure names the case, with its error; so does a process that quits without a report", () => {
    assert.throws(() => runIsolated(sources, { runs: 1, filter: 'isolation-failing/setup' }), /^Error: bench case isolation-failing\/setup: its process exited with 1:\n[^]*Error: this case cannot be set up/);
    assert.throws(() => runIsolated(sources, { runs: 1, filter: 'isolation-failing/quits' }), /^Error: bench case isolation-failing\/quits: its process exited without a report$/);
  });

  it("keeps a case's own stdout off the parent's stdout (where --json prints the report)", () => {
    const script = fileURLToPath(new URL('./print-isolated-report.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const report = JSON.parse(child.stdout) as { results: { name: string }[] };
    assert.deepEqual(report.results.map((r) => r.name), ['first', 'second']);
    assert.match(child.stderr, /a bench case printing to stdout/);
  });
});
