import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';

const bin = new URL('../../bin/bdt-gym.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('bdt-gym check-dpra', function () {
  this.timeout(60_000);

  it('prints the exactness report as JSON and exits 0 when DPRA matches the optimum', () => {
    const result = cli('check-dpra', '--slots', '30', '--seed', '4', '--json');
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.slots, 30);
    assert.equal(report.pass, true);
    for (const key of ['withinTolerance', 'maxRelativeGap', 'constraintViolations']) assert.equal(typeof report[key], 'number', key);
    assert.equal(report.constraintViolations, 0);
  });

  it('--effort checks another search preset: fast (what BDT-v0 runs) solves fewer sub-problems than auto (thorough here)', () => {
    const report = (effort: string) => {
      const result = cli('check-dpra', '--slots', '20', '--seed', '4', '--json', '--effort', effort);
      assert.ok(result.status === 0 || result.status === 1, result.stderr);
      return JSON.parse(result.stdout) as { effort: string; meanSolves: { dpra: number; exhaustive: number } };
    };
    const fast = report('fast');
    const auto = report('auto');
    assert.equal(fast.effort, 'fast');
    assert.equal(auto.effort, 'auto');
    assert.ok(fast.meanSolves.dpra < auto.meanSolves.dpra / 2, `${fast.meanSolves.dpra} vs ${auto.meanSolves.dpra}`);
    const bad = cli('check-dpra', '--effort', 'exact');
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr, 'bdt-gym: --effort: expected one of auto, thorough, fast, screened, got "exact"\n');
  });

  it('refuses a scenario too large to enumerate, in one line', () => {
    const result = cli('check-dpra', '--env', 'BDT-v0', '--slots', '1');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^bdt-gym: DpraSolver: .*exceeds the cap/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });
});
