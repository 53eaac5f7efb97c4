import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { make } from '../../env/index.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { mergeDeep } from '../../env/bdt/scenario/parse.ts';
import { profileFromSpec, profilePrefixArrays, resolveDnnProfile, type DnnProfile, type DnnSpecInput } from '../../env/bdt/dnn/index.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
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

  it("prints each DNN's profile as the dnn module computes it: totals for every DNN, the cuts of the scenario's own (all with --cuts), all in --json", () => {
    const tiny: DnnSpecInput = {
      name: 'tiny',
      inputShape: [32, 32, 3],
      units: [
        { name: 'conv1', layers: [{ kind: 'conv2d', filters: 16, kernel: 3, padding: 'same' }, { kind: 'relu' }, { kind: 'maxPool2d', pool: 2 }] },
        { name: 'block', layers: [{ kind: 'basicBlock', filters: 32, stride: 2 }] },
        { name: 'head', layers: [{ kind: 'globalAvgPool' }, { kind: 'dense', units: 10 }] },
      ],
    };
    const probe = { unitFlops: [1e6, 2e6], outputBits: [800, 400, 32] };
    const small = JSON.parse(readFileSync('configs/small.json', 'utf8'));
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-check-scenario-')), 'mine.json');
    writeFileSync(file, JSON.stringify({ ...small, dnns: { tiny, probe }, devices: { ...small.devices, dnn: ['tiny', 'alexnet', 'probe', 'tiny'] } }));
    const json = cli('check-scenario', file, '--json');
    assert.equal(json.status, 0, json.stderr);
    type Cut = { l: number; unit: string | null; gatewayFlops: number; uplinkKiB: number };
    const { dnns } = JSON.parse(json.stdout) as { dnns: Array<{ name: string; source: string; units: number; totalFlops: number; cuts: Cut[] }> };
    const expected = (name: string, source: string, profile: DnnProfile) => {
      const { cumFlops, outputBits } = profilePrefixArrays(profile);
      const cuts = profile.units.map((unit, i) => ({ l: i + 1, unit: unit.name, gatewayFlops: cumFlops[i + 1], uplinkKiB: outputBits[i + 1]! / 8192 }));
      return { name, source, units: profile.units.length, totalFlops: profile.totalFlops, cuts };
    };
    assert.deepEqual(dnns, [
      expected('tiny', 'spec', profileFromSpec(tiny)),
      expected('alexnet', 'built-in', resolveDnnProfile('alexnet')),
      { name: 'probe', source: 'measured', units: 2, totalFlops: 3e6, cuts: [{ l: 1, unit: null, gatewayFlops: 1e6, uplinkKiB: 400 / 8192 }, { l: 2, unit: null, gatewayFlops: 3e6, uplinkKiB: 32 / 8192 }] },
    ]);
    // the text: the same numbers to 3 significant digits
    const text = cli('check-scenario', file).stdout;
    const near = (printed: string, value: number) => assert.ok(Math.abs(Number(printed) - value) <= 5e-3 * value, `${printed} printed for ${value}`);
    const scale: Record<string, string> = { '': '', k: 'e3', M: 'e6', G: 'e9' };
    const nearFlops = (printed: string, value: number) => near(printed.replace(/^([\d.]+) ([kMG]?)FLOP$/, (_, x: string, prefix: string) => x + scale[prefix]), value);
    const totals = /\n {2}DNN +source +units +FLOPs per data point\n((?: {2}.*\n){3})/.exec(text)?.[1]?.trim().split('\n').map((line) => line.trim().split(/ {2,}/));
    assert.deepEqual(totals?.map((row) => row.slice(0, 3)), dnns.map((d) => [d.name, d.source, String(d.units)]));
    totals!.forEach((row, i) => nearFlops(row[3]!, dnns[i]!.totalFlops));
    const cuts = /\n {2}tiny cut after unit l \(units 1\.\.l on the gateway, l\+1\.\.3 on the AP\), per data point:\n +l +unit +gateway FLOPs +uplink KiB\n((?: +\d.*\n){3})/.exec(text)?.[1]?.trim().split('\n').map((line) => line.trim().split(/ {2,}/));
    assert.deepEqual(cuts?.map((row) => row.slice(0, 2)), dnns[0]!.cuts.map((c) => [String(c.l), c.unit]));
    cuts!.forEach((row, i) => (nearFlops(row[2]!, dnns[0]!.cuts[i]!.gatewayFlops), near(row[3]!, dnns[0]!.cuts[i]!.uplinkKiB)));
    assert.match(text, /\n {2}probe cut after unit l/);
    assert.doesNotMatch(text, /alexnet cut after/, "a built-in's cuts only with --cuts (docs/DNN-PROFILES.md lists them)");
    assert.match(cli('check-scenario', file, '--cuts').stdout, /\n {2}alexnet cut after unit l \(units 1\.\.l on the gateway, l\+1\.\.8 on the AP\), per data point:\n +l +unit +gateway FLOPs +uplink KiB\n +1 +conv1 +/);
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
