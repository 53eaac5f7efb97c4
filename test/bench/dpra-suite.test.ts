import assert from 'node:assert/strict';
import { benchSink } from '../../bench/harness.ts';
import { allSuites } from '../../bench/run.ts';

describe('bench: dpra suite', () => {
  it('every timed run of a solve case re-solves the same slots (the sum of their Psi, which the run consumes, is the same)', () => {
    const dpra = allSuites.find((suite) => suite.name === 'dpra')!;
    for (const c of dpra.cases) {
      const run = c.setup();
      run(Math.max(1, Math.floor(c.ops / 4))); // the harness's warm-up
      const psiSums: number[] = [];
      for (let r = 0; r < 3; r++) {
        const before = benchSink();
        run(c.ops);
        psiSums.push(benchSink() - before);
      }
      for (const sum of psiSums) assert.ok(Math.abs(sum - psiSums[0]!) <= 1e-9 * Math.abs(psiSums[0]!), `${c.name}: runs consumed ${psiSums.join(', ')}`);
    }
  });
});
