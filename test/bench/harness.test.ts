import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatTable, runBenchmarks, type BenchSuite } from '../../bench/harness.ts';
import { allSuites } from '../../bench/run.ts';

describe('bench harness', () => {
  const calls: number[] = [];
  const suite: BenchSuite = {
    name: 'toy',
    cases: [
      { name: 'count', unit: 'ops', ops: 1000, setup: () => (n) => void calls.push(n) },
      { name: 'other', unit: 'ops', ops: 10, setup: () => () => undefined },
    ],
  };

  it('runs warm-up plus `runs` timed runs and reports the median with its ratio to the reference', () => {
    const report = runBenchmarks([suite], { runs: 3, filter: 'toy/count', referenceOps: 1000 });
    assert.deepEqual(calls, [250, 1000, 1000, 1000]);
    assert.equal(report.results.length, 1, 'the filter keeps one case');
    const [r] = report.results;
    assert.equal(r!.runs.length, 3);
    assert.equal(r!.opsPerSec, [...r!.runs].sort((a, b) => a - b)[1]);
    assert.ok(Math.abs(r!.ratio - r!.opsPerSec / report.referencePerSec) < 1e-12);
    assert.match(formatTable(report), /toy\/count .* ops\/s/);
  });

  it("docs/BENCHMARKS.md's JSON command selects one suite and keeps npm's banner off stdout (so its output parses)", () => {
    const doc = readFileSync(new URL('../../docs/BENCHMARKS.md', import.meta.url), 'utf8');
    const command = /^npm run(?<silent> -s)? bench -- --filter "(?<filter>[^"]+)" --json/m.exec(doc);
    assert.ok(command, 'the Measuring section gives a --json command');
    assert.ok(command.groups!['silent'], `${command[0]}: npm prints its banner to stdout unless -s`);
    const filter = command.groups!['filter']!;
    const suites = allSuites.filter((s) => s.cases.some((c) => `${s.name}/${c.name}`.includes(filter)));
    assert.deepEqual(suites.map((s) => s.name), ['bdt-env'], `--filter "${filter}"`);
  });

  it('every registered suite has uniquely named cases', () => {
    for (const s of allSuites) assert.equal(new Set(s.cases.map((c) => c.name)).size, s.cases.length, s.name);
    assert.ok(allSuites.some((s) => s.name === 'cartpole'));
  });
});
