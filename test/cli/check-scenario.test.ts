import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { make } from '../../env/index.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { mergeDeep } from '../../env/bdt/scenario/parse.ts';

const bin = new URL('../../bin/bdt-gym.js', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('bdt-gym check-scenario', () => {
  it("prints what a scenario file compiles to: the env's own nodes, DNNs, partition vectors and observation bounds", () => {
    const result = cli('check-scenario', 'configs/small.json', '--json');
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    const env = make('BDT-small-v0').unwrapped as BdtEnv;
    const { system } = env;
    assert.deepEqual([summary.name, summary.N, summary.M, summary.J, summary.slots], [system.scenario.name, system.N, system.M, system.J, system.slots]);
    assert.deepEqual(summary.devices.map((d: { dnn: string; units: number; gateway: number; ap: number }) => [d.dnn, d.units, d.gateway, d.ap]), system.dnnNames.map((dnn, n) => [dnn, system.unitCount[n], system.gatewayOf[n], system.apOf[system.gatewayOf[n]!]]));
    assert.equal(summary.partitionVectors, Array.from(system.unitCount).reduce((a, b) => a * b, 1));
    assert.deepEqual(summary.maxArrivals, Array.from(env.observationSpace.spaces.arrivals.high));
    assert.deepEqual(summary.lyapunov, { V: system.V, uMin: system.uMin, uMax: system.uMax });
    const text = cli('check-scenario', 'configs/small.json');
    assert.match(text.stdout, /^configs\/small\.json: scenario "small" is valid\n  4 devices, 2 gateways, 2 APs, T = 100 slots\n  partition vectors per slot: 1,000 \(prod of L_n\)\n/);
  });

  it('writes an unbounded maxArrivals (a Poisson rate over 1000) as null in JSON, as its --json help says', () => {
    const small = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8'));
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-check-scenario-')), 'busy.json');
    writeFileSync(file, JSON.stringify({ ...small, devices: { ...small.devices, arrivals: { kind: 'poisson', rate: [2000, 1, 1, 1] } } }));
    const summary = JSON.parse(cli('check-scenario', file, '--json').stdout);
    assert.equal(summary.maxArrivals[0], null);
    assert.equal(typeof summary.maxArrivals[1], 'number');
    assert.match(cli('check-scenario', '--help').stdout, /a\s+maxArrivals\s+entry\s+is\s+null\s+when\s+unbounded/);
  });

  it('gives a partition space beyond a double as partitionVectorsLog10 and null in JSON, and in scientific notation in the text (JSON wrote null, the text Infinity)', () => {
    const small = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8'));
    const devices = 1200; // alexnet has 8 units: 8^1200 = 5.10e+1083
    const big = { ...small, topology: { kind: 'random', devices, gateways: 2, aps: 2, seed: 1 }, devices: { dnn: Array(devices).fill('alexnet'), arrivals: { kind: 'poisson', rate: Array(devices).fill(1) } } };
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-check-scenario-')), 'big.json');
    writeFileSync(file, JSON.stringify(big));
    const json = cli('check-scenario', file, '--json');
    assert.equal(json.status, 0, json.stderr);
    const summary = JSON.parse(json.stdout);
    assert.equal(summary.partitionVectors, null);
    assert.ok(Math.abs(summary.partitionVectorsLog10 - devices * Math.log10(8)) < 1e-9, String(summary.partitionVectorsLog10));
    assert.match(cli('check-scenario', file).stdout, /\n  partition vectors per slot: 5\.10e\+1083 \(prod of L_n\)\n/);
    // a finite one has both
    const smallSummary = JSON.parse(cli('check-scenario', 'configs/small.json', '--json').stdout);
    assert.deepEqual([smallSummary.partitionVectors, smallSummary.partitionVectorsLog10], [1000, 3]);
  });

  it("docs/TUTORIAL.md's copy of the default scenario points $schema at the schema from the checkout root (cp kept ./scenario.schema.json)", () => {
    const tutorial = readFileSync(new URL('../../docs/TUTORIAL.md', import.meta.url), 'utf8');
    const copy = /`(sed '[^`]*' configs\/default\.json) > my\.json`/.exec(tutorial)?.[1];
    assert.ok(copy !== undefined, 'the tutorial makes my.json from configs/default.json with sed');
    const made = spawnSync('sh', ['-c', copy], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const { $schema, ...scenario } = JSON.parse(made.stdout);
    assert.ok(existsSync($schema), `${$schema} exists from the checkout root`);
    const { $schema: _, ...original } = JSON.parse(readFileSync('configs/default.json', 'utf8'));
    assert.deepEqual(scenario, original, 'nothing else changed');
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-check-scenario-')), 'my.json');
    writeFileSync(file, made.stdout);
    assert.equal(cli('check-scenario', file).status, 0);
  });

  it('refuses a bad scenario file with path, rule and value, as every command reads one', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-check-scenario-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ slots: 1 }));
    const result = cli('check-scenario', file);
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`^bdt-gym: invalid scenario ${file}:\\n  at name: .*\\n[^]*\\(a scenario file is a whole scenario, and this one has no name, topology`));
    assert.equal(result.stdout, '');
    // the file is check-scenario's argument, not a --scenario option
    const missing = cli('check-scenario', join(tmpdir(), 'bdt-no-such-scenario.json'));
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, `bdt-gym: check-scenario ${join(tmpdir(), 'bdt-no-such-scenario.json')}: cannot read the file (ENOENT)\n`);
  });

  it('checks several files: prints each valid one (a JSON line each), reports an invalid one, and still fails', () => {
    const json = cli('check-scenario', 'configs/small.json', 'configs/default.json', '--json');
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(json.stdout.trim().split('\n').map((line) => JSON.parse(line).name), ['small', 'default']);
    const bad = join(mkdtempSync(join(tmpdir(), 'bdt-check-scenario-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ slots: 1 }));
    const mixed = cli('check-scenario', bad, 'configs/small.json');
    assert.equal(mixed.status, 1);
    assert.match(mixed.stdout, /^configs\/small\.json: scenario "small" is valid\n/);
    assert.match(mixed.stderr, new RegExp(`^bdt-gym: invalid scenario ${bad}:\\n  at name: [^]*\\nbdt-gym: check-scenario: 1 of 2 scenario files is invalid \\(above\\)\\n$`));
  });

  it('a union-typed field of the wrong type says what it takes; a custom DNN is reported inside its layers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-check-scenario-'));
    const small = JSON.parse(readFileSync('configs/small.json', 'utf8'));
    const run = (override: object) => {
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify(mergeDeep(small, override)));
      return cli('check-scenario', file);
    };
    const freq = run({ gateways: { freq: '1.5e9' } });
    assert.equal(freq.status, 1);
    assert.match(freq.stderr, /\n {2}at gateways\.freq: Invalid input: expected a number or an array of numbers, received string; field: f_m\^G, gateway CPU clock \(cycles\/s\); one number for all, or an array with one per node \(value: "1\.5e9"\)\n/);
    const layers = run({ dnns: { mine: { name: 'mine', inputShape: [1024, 3], units: [{ name: 'u', layers: [{ kind: 'gelu2' }] }] } } });
    assert.equal(layers.status, 1);
    assert.match(layers.stderr, /\n {2}at dnns\.mine\.units\[0\]\.layers\[0\]\.kind: unknown layer kind; expected one of .* \(value: "gelu2"\)\n/);
  });
});
