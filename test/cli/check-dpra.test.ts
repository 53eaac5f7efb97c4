import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
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

  it('takes an unversioned --env as its latest version, as make does, with one warning, and names that id', () => {
    const result = cli('check-dpra', '--env', 'BDT', '--slots', '2');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^bdt-gym WARN: Using the latest versioned environment `BDT-v0` instead of the unversioned environment `BDT`\.\nbdt-gym: --env BDT-v0: [^\n]* partition vectors per slot, more than the [^\n]*\n$/);
  });

  it("keys the JSON as compare's results: env (the id) or scenario (the file), the scenario's name as scenarioName", () => {
    const report = (...source: string[]) => JSON.parse(cli('check-dpra', '--slots', '2', '--json', ...source).stdout) as Record<string, unknown>;
    const byId = report('--env', 'BDT-small-v0');
    assert.deepEqual([byId['env'], byId['scenario'], byId['scenarioName']], ['BDT-small-v0', undefined, 'small']);
    const byFile = report('--scenario', 'configs/small.json');
    assert.deepEqual([byFile['env'], byFile['scenario'], byFile['scenarioName']], [undefined, 'configs/small.json', 'small']);
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

  it('--scenario-override merges a partial scenario into the one it checks, and says so (check-dpra took no such option)', () => {
    const override = '{"name":"tighter","lyapunov":{"V":100,"uMin":0.35}}';
    const json = cli('check-dpra', '--slots', '10', '--seed', '4', '--json', '--scenario-override', override);
    assert.equal(json.status, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.scenarioName, 'tighter', 'the report is on the overridden scenario');
    assert.deepEqual(report.scenarioOverride, JSON.parse(override));
    assert.equal(report.slots, 10);
    const text = cli('check-dpra', '--slots', '10', '--seed', '4', '--scenario-override', override);
    assert.match(text.stdout, /^check-dpra on tighter \(overridden\): 10 random slots /);
    assert.equal(JSON.parse(cli('check-dpra', '--slots', '10', '--seed', '4', '--json').stdout).scenarioOverride, undefined);
    const bad = cli('check-dpra', '--slots', '10', '--scenario-override', '{"lyapunov":{"V":-1}}');
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr, 'bdt-gym: invalid scenario:\n  at lyapunov.V: Too small: expected number to be >=0 (value: -1)\n(with --scenario-override merged in)\n');
  });

  it('refuses a scenario too large to enumerate in one line of its own, saying the cap and what to give (it passed on the solver\'s advice to run agent dpra), as the help says', () => {
    const result = cli('check-dpra', '--env', 'BDT-v0', '--slots', '1');
    assert.equal(result.status, 1);
    assert.equal(result.stderr, 'bdt-gym: --env BDT-v0: 4.10e+11 partition vectors per slot, more than the 2,000,000 the exhaustive reference enumerates; give a smaller --env/--scenario (e.g. BDT-small-v0)\n', 'not the solver\'s advice to run agent dpra');
    const file = cli('check-dpra', '--scenario', 'configs/default.json', '--slots', '1');
    assert.match(file.stderr, /^bdt-gym: --scenario configs\/default\.json: 4\.10e\+11 partition vectors per slot, more than the 2,000,000 /);
    assert.match(cli('check-dpra', '--help').stdout, /--env <id>[\s\S]*?at\s+most\s+2,000,000\s+partition\s+vectors\s+per\s+slot[\s\S]*?--scenario <file>/);
  });

  it('writes a partition space beyond a double as check-scenario does (it said Infinity), and advises a smaller --scenario-override when the override made the scenario too large', () => {
    const small = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8'));
    const devices = 1200; // alexnet has 8 units: 8^1200 = 5.10e+1083
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-check-dpra-')), 'big.json');
    writeFileSync(file, JSON.stringify({ ...small, topology: { kind: 'random', devices, gateways: 2, aps: 2, seed: 1 }, devices: { dnn: Array(devices).fill('alexnet'), arrivals: { kind: 'poisson', rate: Array(devices).fill(1) } } }));
    const big = cli('check-dpra', '--scenario', file, '--slots', '1');
    assert.equal(big.status, 1);
    assert.equal(big.stderr, `bdt-gym: --scenario ${file}: 5.10e+1083 partition vectors per slot, more than the 2,000,000 the exhaustive reference enumerates; give a smaller --env/--scenario (e.g. BDT-small-v0)\n`);
    // eight VGG-16s on BDT-small-v0's two gateways: 16^8
    const vggs = JSON.stringify({ topology: { a: [[1, 0], [1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 1], [0, 1]] }, devices: { dnn: Array(8).fill('vgg16'), arrivals: { kind: 'poisson', rate: Array(8).fill(1) } } });
    const overridden = cli('check-dpra', '--scenario-override', vggs, '--slots', '1');
    assert.equal(overridden.status, 1);
    assert.equal(overridden.stderr, 'bdt-gym: --env BDT-small-v0 (with --scenario-override): 4.29e+9 partition vectors per slot, more than the 2,000,000 the exhaustive reference enumerates; give a smaller --scenario-override (BDT-small-v0 alone has 1,000)\n');
    const stillLarge = cli('check-dpra', '--env', 'BDT-v0', '--scenario-override', '{"lyapunov":{"V":3}}', '--slots', '1');
    assert.match(stillLarge.stderr, /^bdt-gym: --env BDT-v0 \(with --scenario-override\): 4\.10e\+11 partition vectors per slot, .*; give a smaller --env\/--scenario \(e\.g\. BDT-small-v0\)\n$/);
    // check-scenario takes files only: the help says where the built-in ids' scenarios are
    assert.match(cli('check-dpra', '--help').stdout.replace(/\s+/g, ' '), /check-scenario prints it for a scenario file, configs\/\*\.json for the built-in ids\)/);
  });
});
