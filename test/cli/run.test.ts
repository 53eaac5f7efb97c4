import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewriteCheckpoint, setFloat32 } from '../agents/rewrite-checkpoint.ts';
import { drawTrace, make, type BdtEnv } from '../../env/index.ts';
import { MAX_JSON_BYTES, readJsonFile } from '../../cli/json-files.ts';
import { traceJson } from '../../cli/trace-files.ts';
import { CliError } from '../../cli/errors.ts';
import { scenarioInputs } from '../../cli/options.ts';
import { scriptedAgentNames } from '../../baselines/create-agent.ts';
import { registeredBdtIds } from '../bdt/registered-bdt-ids.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('bdt-gym run', () => {
  const bdtIds = registeredBdtIds();
  it('prints the episode summary as JSON', () => {
    const result = cli('run', '--env', 'BDT-small-v0', '--agent', 'random', '--seed', '3', '--slots', '20', '--json');
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.slots, 20);
    for (const key of ['meanLatency', 'meanReward', 'c6Violation', 'energyViolations', 'meanBacklog']) assert.equal(typeof summary[key], 'number', key);
    assert.equal(summary.avgReputation.length, 2);
    assert.deepEqual(JSON.parse(cli('run', '--env', 'BDT-small-v0', '--seed', '3', '--slots', '20', '--json').stdout), summary, 'same seed, same episode');
    // tau = tau^inf + tau^bloc per slot, so with no slot capped the means add up the same way
    assert.equal(summary.cappedSlots, 0);
    assert.ok(Math.abs(summary.meanInferenceLatency + summary.meanBlockTime - summary.meanLatency) < 1e-9, `${summary.meanInferenceLatency} + ${summary.meanBlockTime} != ${summary.meanLatency}`);
    // the text summary prints the same episode's inference and block means, each in its place
    const text = cli('run', '--env', 'BDT-small-v0', '--agent', 'random', '--seed', '3', '--slots', '20');
    assert.equal(text.status, 0, text.stderr);
    const f = (x: number) => x.toFixed(4);
    const line = `  mean latency      ${f(summary.meanLatency)} s (inference ${f(summary.meanInferenceLatency)}, block ${f(summary.meanBlockTime)}; 0 capped)`;
    assert.ok(text.stdout.split('\n').includes(line), `expected the line\n${line}\nin\n${text.stdout}`);
    // with slots capped, the mean charges them the cap while its parts keep their latency: the line says so
    const capped = ['run', '--env', 'BDT-small-v0', '--agent', 'random', '--seed', '3', '--slots', '20', '--scenario-override', '{"reward":{"latencyCap":0.5}}'];
    const cappedSummary = JSON.parse(cli(...capped, '--json').stdout);
    assert.ok(cappedSummary.cappedSlots > 1, `some slots capped: ${cappedSummary.cappedSlots}`);
    const cappedText = cli(...capped);
    const cappedLine = `  mean latency      ${f(cappedSummary.meanLatency)} s (uncapped: inference ${f(cappedSummary.meanInferenceLatency)}, block ${f(cappedSummary.meanBlockTime)}; ${cappedSummary.cappedSlots} slots capped at 0.5 s)`;
    assert.ok(cappedText.stdout.split('\n').includes(cappedLine), `expected the line\n${cappedLine}\nin\n${cappedText.stdout}`);
  });

  it('runs BDT-v0 without --env or --scenario, as compare and sweep-v do, and refuses both', () => {
    const byDefault = cli('run', '--slots', '4', '--json');
    assert.equal(byDefault.status, 0, byDefault.stderr);
    const summary = JSON.parse(byDefault.stdout);
    assert.equal(summary.env, 'BDT-v0');
    assert.deepEqual(JSON.parse(cli('run', '--env', 'BDT-v0', '--slots', '4', '--json').stdout), summary);
    const both = cli('run', '--env', 'BDT-v0', '--scenario', 'configs/small.json');
    assert.equal(both.status, 1);
    assert.equal(both.stderr, 'bdt-gym: give one of --env <id> and --scenario <file>, not both\n');
  });

  it('takes an unversioned --env as its latest version everywhere, as make does, with one warning: the committed model, the JSON', () => {
    const result = cli('run', '--env', 'BDT', '--agent', 'ppo', '--slots', '2', '--json');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).env, 'BDT-v0', "compare's key");
    assert.equal(result.stderr, 'bdt-gym WARN: Using the latest versioned environment `BDT-v0` instead of the unversioned environment `BDT`.\n');
  });

  it("keys the JSON as compare's results: env (the id) or scenario (the file), the scenario's name as scenarioName", () => {
    const summary = (...source: string[]) => JSON.parse(cli('run', '--slots', '2', '--json', ...source).stdout) as Record<string, unknown>;
    const byId = summary('--env', 'BDT-small-v0');
    assert.deepEqual([byId['env'], byId['scenario'], byId['scenarioName']], ['BDT-small-v0', undefined, 'small']);
    const byFile = summary('--scenario', 'configs/small.json');
    assert.deepEqual([byFile['env'], byFile['scenario'], byFile['scenarioName']], [undefined, 'configs/small.json', 'small']);
    for (const key of ['meanLatency', 'meanReward', 'c6Violation', 'energyViolations', 'meanBacklog']) assert.equal(typeof byFile[key], 'number', key);
    assert.equal((byFile['avgReputation'] as number[]).length, 2);
    assert.match(cli('run', '--slots', '2', '--scenario', 'configs/small.json').stdout, /^configs\/small\.json \(small\), agent random, seed 0, 2 slots\n/);
  });

  it("--agent-options' example in the help runs on every registered B-DT env (a partition of 3 fitted none)", () => {
    const example = /--agent-options <json>[\s\S]*?e\.g\.\s+'(\{[^']*\})'\s+for\s+(\w+)/.exec(cli('run', '--help').stdout);
    assert.ok(example, 'the help gives an example');
    for (const env of bdtIds) {
      const result = cli('run', '--env', env, '--agent', example[2]!, '--agent-options', example[1]!, '--slots', '1');
      assert.equal(result.status, 0, `${env}: ${result.stderr}`);
    }
  });

  it('rejects a malformed scenario or a non-JSON file with path, rule and value and no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-run-'));
    const bad = join(dir, 'bad.json');
    const small = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8'));
    small.topology.a[0] = [0, 0];
    writeFileSync(bad, JSON.stringify(small));
    const result = cli('run', '--scenario', bad);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /at topology\.a\[0\]: rule: device 0 is served by exactly one gateway .*\(value: \[0,0\]\)/);
    assert.doesNotMatch(result.stderr, /\n\s+at .*\.ts:\d+/, 'no stack trace');
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{ "name": ');
    const second = cli('run', '--scenario', notJson);
    assert.notEqual(second.status, 0);
    assert.match(second.stderr, /not valid JSON/);
    const notObject = join(dir, 'string.json');
    writeFileSync(notObject, '"small"');
    const third = cli('run', '--scenario', notObject, '--slots', '3');
    assert.equal(third.status, 1);
    assert.match(third.stderr, /^bdt-gym: --scenario .*string\.json: expected a JSON object \(a scenario, as in configs\/\), got a string \("small"\)\n$/);
  });

  it('reads a --scenario file saved with a UTF-8 byte order mark (JSON.parse refused it as an invisible token)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-run-')), 'bom.json');
    writeFileSync(file, `\uFEFF${readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8')}`);
    const result = cli('run', '--scenario', file, '--agent', 'dpra', '--slots', '2', '--json');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).slots, 2);
  });

  it('says a --scenario file in UTF-16 (with or without a byte order mark) is not UTF-8 (it said: not valid JSON: Unexpected token, garbled)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-run-'));
    const text = readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8');
    for (const [name, bytes] of [
      ['le-bom.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['be-bom.json', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
      ['le.json', Buffer.from(text, 'utf16le')],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const result = cli('run', '--scenario', file, '--slots', '2');
      assert.equal(result.status, 1, name);
      assert.equal(result.stderr, `bdt-gym: --scenario ${file}: not UTF-8 text (it looks like UTF-16, as Windows PowerShell's > or Notepad may save it): save it as UTF-8\n`, name);
    }
  });

  it('refuses a --scenario file that is not UTF-8 (Latin-1), naming the byte and its line (each bad byte was read as U+FFFD: a device naming "capteur-\u00e8" ran the DNN "capteur-\u00e9")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-run-'));
    const scenario = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8'));
    scenario.dnns = { 'capteur-\u00e9': { unitFlops: [1e6, 1e6], outputBits: [1000, 100, 10] } };
    scenario.devices.dnn = ['capteur-\u00e8', 'capteur-\u00e8', 'alexnet', 'capteur-\u00e8'];
    const file = join(dir, 'latin1.json');
    writeFileSync(file, Buffer.from(JSON.stringify(scenario, null, 2), 'latin1'));
    const result = cli('check-scenario', file);
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stderr, /^bdt-gym: check-scenario .*latin1\.json: not UTF-8 text \(byte 0xE8 on line \d+ begins no UTF-8 character; .*\): save it as UTF-8\n$/);
    // the same file in UTF-8 names the unknown DNN, and a real U+FFFD (EF BF BD) is text like any other
    writeFileSync(file, JSON.stringify(scenario, null, 2));
    assert.match(cli('check-scenario', file).stderr, /at devices\.dnn\[0\]: rule: a built-in or custom DNN name; unknown DNN "capteur-\u00e8"/);
    writeFileSync(file, JSON.stringify({ ...scenario, name: '\uFFFD', dnns: {}, devices: { ...scenario.devices, dnn: 'alexnet' } }));
    assert.equal(cli('check-scenario', file).status, 0);
  });

  it('an empty --checkpoint is refused as --checkpoint (it was reported as an --agent-options field)', () => {
    const result = cli('run', '--agent', 'ppo', '--checkpoint', '');
    assert.equal(result.status, 1);
    assert.equal(result.stderr, 'bdt-gym: --checkpoint: expected a directory (a train run or its checkpoint directory), got ""\n');
  });

  it('says when no model is committed for the env of a learned agent, which envs have one, and to give --checkpoint', () => {
    const scenario = cli('run', '--scenario', 'configs/small.json', '--agent', 'dqn');
    assert.equal(scenario.status, 1, 'it was an internal error');
    assert.equal(scenario.stderr, 'bdt-gym: --agent dqn: no dqn model is committed for a --scenario file (there is one for BDT-small-v0, BDT-v0, BDT-large-v0 only, in models/); give --checkpoint DIR (a train run or its checkpoint directory)\n');
  });

  it('--scenario-override merges a partial scenario (--slots winning over its slots) and is part of the result', () => {
    const run = (...extra: string[]) => spawnSync(process.execPath, [bin, 'run', '--env', 'BDT-small-v0', '--agent', 'dpra', '--seed', '2', '--json', ...extra], { encoding: 'utf8' });
    const result = run('--slots', '5', '--scenario-override', '{"slots":9,"lyapunov":{"V":50}}');
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.slots, 5);
    assert.deepEqual(summary.scenarioOverride, { slots: 9, lyapunov: { V: 50 } });
    const plain = JSON.parse(run('--slots', '5').stdout);
    assert.equal(plain.scenarioOverride, undefined);
    assert.ok(summary.meanReward < plain.meanReward, `V = 50 charges the latency 5x: ${summary.meanReward} vs ${plain.meanReward}`);
    assert.equal(run('--scenario-override', '[1]').stderr, 'bdt-gym: --scenario-override: expected a JSON object, got [1]\n');
    // a value read from a file with its byte order mark ("$(cat override.json)"), as a --scenario file may start
    const withMark = run('--slots', '5', '--scenario-override', '\uFEFF{"slots":9,"lyapunov":{"V":50}}');
    assert.equal(withMark.status, 0, withMark.stderr);
    assert.deepEqual(JSON.parse(withMark.stdout), summary);
  });

  it("says in the text summary's title that the scenario was overridden (it read as the plain scenario's)", () => {
    const text = (...extra: string[]) => cli('run', '--env', 'BDT-small-v0', '--agent', 'random', '--slots', '3', ...extra).stdout.split('\n')[0];
    assert.equal(text('--scenario-override', '{"reward":{"mode":"dpp-exact"}}'), 'BDT-small-v0 (small, overridden), agent random, seed 0, 3 slots');
    assert.equal(text(), 'BDT-small-v0 (small), agent random, seed 0, 3 slots');
  });

  it('checks a --scenario file as given, so --slots does not hide a bad slots in it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-run-')), 'many.json');
    const small = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8'));
    writeFileSync(file, JSON.stringify({ ...small, slots: 'many' }));
    const result = cli('run', '--scenario', file, '--slots', '3');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^bdt-gym: invalid scenario .*many\.json:\n\s+at slots: .*\(value: "many"\)\n$/);
    writeFileSync(file, JSON.stringify({ ...small, slots: 7 }));
    assert.equal(JSON.parse(cli('run', '--scenario', file, '--slots', '3', '--json').stdout).slots, 3, 'a valid file takes the override');
  });

  it('a --scenario file that is a partial override is refused with the sections it lacks and what to do', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-run-')), 'partial.json');
    writeFileSync(file, '{"lyapunov": {"V": 50}}');
    const result = cli('run', '--scenario', file, '--slots', '3');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /\n\(a scenario file is a whole scenario, and this one has no name, slots, topology, devices, gateways, aps, channel, reputation, consensus: copy configs\/default\.json and change what you need; .*\)\n$/);
  });

  it('finds a committed model given as models/<name> from any working directory, in --checkpoint and --agent-options, for the output checks too (it was read from the cwd only)', () => {
    const models = fileURLToPath(new URL('../../models/', import.meta.url));
    const elsewhere = mkdtempSync(join(tmpdir(), 'bdt-run-cwd-'));
    const args = ['run', '--env', 'BDT-v0', '--agent', 'ppo', '--seed', '1', '--slots', '5', '--json'];
    const outside = (...extra: string[]) => spawnSync(process.execPath, [bin, ...args, ...extra], { encoding: 'utf8', cwd: elsewhere });
    const committed = JSON.parse(cli(...args).stdout);
    for (const given of [['--checkpoint', 'models/ppo-bdt-v0'], ['--agent-options', '{"checkpoint":"models/ppo-bdt-v0/checkpoint"}']]) {
      const result = outside(...given);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), committed, given.join(' '));
    }
    // the trace would be written into the committed run (best-eval.json: a file train writes there)
    const into = join(models, 'ppo-bdt-v0', 'best-eval.json');
    const collision = outside('--checkpoint', 'models/ppo-bdt-v0', '--save-trace', into);
    assert.equal(collision.status, 1);
    assert.match(collision.stderr, /^bdt-gym: --save-trace .*best-eval\.json.*--checkpoint models\/ppo-bdt-v0's best-eval\.json/);
    assert.equal(existsSync(into), false);
    const missing = outside('--checkpoint', 'models/nope');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /models\/nope/);
  });

  it("reads a --scenario configs/... missing from the working directory from the package's configs/, the working directory's own first, for the output checks too (it was read from the cwd only)", () => {
    const configs = fileURLToPath(new URL('../../configs/', import.meta.url));
    const elsewhere = mkdtempSync(join(tmpdir(), 'bdt-run-cwd-'));
    const args = ['run', '--scenario', 'configs/small.json', '--agent', 'random', '--seed', '1', '--slots', '3', '--json'];
    const outside = () => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: elsewhere });
    const packaged = outside();
    assert.equal(packaged.status, 0, packaged.stderr);
    assert.deepEqual(JSON.parse(packaged.stdout), JSON.parse(cli(...args).stdout));
    // a configs/small.json of the working directory's own wins over the package's
    mkdirSync(join(elsewhere, 'configs'));
    writeFileSync(join(elsewhere, 'configs', 'small.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(configs, 'small.json'), 'utf8')), name: 'mine' }));
    const own = outside();
    assert.equal(own.status, 0, own.stderr);
    assert.equal(JSON.parse(own.stdout).scenarioName, 'mine');
    // an output over the package's file is refused as over the input it is
    const cwd = process.cwd();
    try {
      process.chdir(mkdtempSync(join(tmpdir(), 'bdt-run-cwd-')));
      assert.deepEqual(scenarioInputs('configs/small.json'), [{ label: '--scenario configs/small.json', path: join(configs, 'small.json') }]);
      assert.deepEqual(scenarioInputs('configs/nope.json'), [{ label: '--scenario configs/nope.json', path: 'configs/nope.json' }]);
    } finally {
      process.chdir(cwd);
    }
    const missing = spawnSync(process.execPath, [bin, 'run', '--scenario', 'configs/nope.json'], { encoding: 'utf8', cwd: elsewhere });
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, "bdt-gym: --scenario configs/nope.json: no such file in the working directory, nor in bdt-gym's configs/ (its configs/ has default.json, large.json, small.json)\n");
    const missingPreset = spawnSync(process.execPath, [bin, 'train', '--preset', 'configs/agents/ppo.json', '--out', join(elsewhere, 'never')], { encoding: 'utf8', cwd: elsewhere });
    assert.equal(missingPreset.status, 1);
    assert.match(missingPreset.stderr, /^bdt-gym: --preset configs\/agents\/ppo\.json: no such file in the working directory, nor in bdt-gym's configs\/ \(its configs\/agents\/ has (?:[\w.-]+\.json, )*dqn-bdt-large\.json, (?:[\w.-]+\.json, )*ppo-bdt\.json/);
    assert.ok(!existsSync(join(elsewhere, 'never')));
    // outside configs/, the reader's own error: no fallback was looked for
    assert.equal(spawnSync(process.execPath, [bin, 'run', '--scenario', join(elsewhere, 'nope.json')], { encoding: 'utf8', cwd: elsewhere }).stderr, `bdt-gym: --scenario ${join(elsewhere, 'nope.json')}: cannot read the file (ENOENT)\n`);
  });

  it('runs a trained agent from --checkpoint (run or checkpoint directory) and refuses a mismatched one', () => {
    const models = fileURLToPath(new URL('../../models/', import.meta.url));
    const args = ['run', '--env', 'BDT-v0', '--agent', 'ppo', '--seed', '1', '--slots', '15', '--json'];
    const fromRun = cli(...args, '--checkpoint', join(models, 'ppo-bdt-v0'));
    assert.equal(fromRun.status, 0, fromRun.stderr);
    const summary = JSON.parse(fromRun.stdout);
    assert.equal(summary.agent, 'ppo');
    assert.equal(summary.slots, 15);
    const fromCheckpoint = cli(...args, '--checkpoint', join(models, 'ppo-bdt-v0', 'checkpoint'));
    assert.deepEqual(JSON.parse(fromCheckpoint.stdout), summary, 'the run directory and its checkpoint/ are the same policy');
    assert.deepEqual(JSON.parse(cli(...args).stdout), summary, 'without --checkpoint the committed model is used');

    const wrongAlgo = cli(...args, '--checkpoint', join(models, 'dqn-bdt-v0'));
    assert.equal(wrongAlgo.status, 1);
    assert.match(wrongAlgo.stderr, /^bdt-gym: checkpoint .*dqn-bdt-v0\/checkpoint holds a dqn policy, not a ppo one\n$/);
    // trained on another env id: that id and the --env to give, not the whole observation space
    const otherEnv = cli('run', '--env', 'BDT-small-v0', '--agent', 'ppo', '--slots', '2', '--checkpoint', 'models/ppo-bdt-v0');
    assert.equal(otherEnv.status, 1);
    assert.equal(otherEnv.stderr, 'bdt-gym: --checkpoint models/ppo-bdt-v0: trained on BDT-v0, run on BDT-small-v0, whose observation layout differs (H.shape: the checkpoint\'s [3], this env\'s [2]); give --env BDT-v0, or train a policy on BDT-small-v0 with bdt-gym train\n');
    // trained on an env run does not play: evaluate's, not an --env run refuses
    const cartPoleCheckpoint = join(mkdtempSync(join(tmpdir(), 'bdt-run-cartpole-')), 'checkpoint');
    cpSync(join(models, 'ppo-bdt-v0', 'checkpoint'), cartPoleCheckpoint, { recursive: true });
    rewriteCheckpoint(cartPoleCheckpoint, (manifest) => (manifest['envId'] = 'CartPole-v1'));
    const notBdt = cli('run', '--env', 'BDT-small-v0', '--agent', 'ppo', '--slots', '2', '--checkpoint', cartPoleCheckpoint);
    assert.equal(notBdt.status, 1);
    assert.equal(notBdt.stderr, `bdt-gym: --checkpoint ${cartPoleCheckpoint}: trained on CartPole-v1, which is not a B-DT env, and only B-DT envs are run here; evaluate it on its own env with bdt-gym evaluate --checkpoint ${cartPoleCheckpoint}\n`);
    const scripted = cli('run', '--env', 'BDT-v0', '--agent', 'dpra', '--checkpoint', join(models, 'ppo-bdt-v0'));
    assert.equal(scripted.status, 1);
    assert.match(scripted.stderr, /--checkpoint: agent dpra is scripted and takes no checkpoint/);
    const twice = cli(...args, '--checkpoint', join(models, 'ppo-bdt-v0'), '--agent-options', JSON.stringify({ checkpoint: join(models, 'ppo-bdt-v0') }));
    assert.equal(twice.status, 1);
    assert.match(twice.stderr, /--checkpoint: also given in --agent-options/);
    const corrupted = join(mkdtempSync(join(tmpdir(), 'bdt-run-')), 'nan');
    cpSync(join(models, 'ppo-bdt-v0', 'checkpoint'), corrupted, { recursive: true });
    setFloat32(join(corrupted, 'actor', 'weights.bin'), 7, NaN);
    rewriteCheckpoint(corrupted);
    const nan = cli(...args, '--checkpoint', corrupted);
    assert.equal(nan.status, 1, nan.stderr);
    assert.match(nan.stderr, /^bdt-gym: checkpoint .*nan: cannot load network: weights .*nan\/actor\/weights\.bin: weight '\w+\/kernel' \[33, 64\] has value NaN at index 7 \(must be finite\)\n$/, 'checksum-consistent NaN weights are refused');
    const unknownOption = cli('run', '--env', 'BDT-v0', '--agent', 'random', '--slots', '2', '--agent-options', '{"epsilon":0.1}');
    assert.equal(unknownOption.status, 1);
    assert.equal(unknownOption.stderr, 'bdt-gym: --agent-options of agent random: at (root): Unrecognized key: "epsilon" (no keys are taken here)\n', 'an option the agent does not take is refused, not ignored');
  });
  it('saves an episode\'s exogenous trace and replays it: same trace, same DPRA episode whatever --seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-trace-'));
    const file = join(dir, 'trace.json');
    const base = ['run', '--env', 'BDT-small-v0', '--slots', '12', '--json'];
    const saved = cli(...base, '--agent', 'dpra', '--seed', '7', '--save-trace', file);
    assert.equal(saved.status, 0, saved.stderr);
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(trace.length, 13, 'the states of slots 0..T, the last one observed after the final step');
    const replayed = cli(...base, '--agent', 'dpra', '--seed', '99', '--trace', file);
    assert.equal(replayed.status, 0, replayed.stderr);
    const { seed: _a, ...original } = JSON.parse(saved.stdout);
    const { seed: _b, trace: traceFile, ...again } = JSON.parse(replayed.stdout);
    assert.equal(traceFile, file);
    assert.deepEqual(again, original, 'the replayed trace gives the recorded episode');
    const otherSeed = JSON.parse(cli(...base, '--agent', 'dpra', '--seed', '99').stdout);
    assert.notEqual(otherSeed.meanLatency, original.meanLatency, 'seed 99 without --trace draws another trace');
  });

  it('--save-trace says where it wrote the trace after the summary, as --plot does (it said nothing); with --json stdout stays one JSON line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-trace-'));
    const file = join(dir, 'trace.json');
    const plot = join(dir, 'episode.svg');
    const text = cli('run', '--env', 'BDT-small-v0', '--slots', '5', '--save-trace', file, '--plot', plot);
    assert.equal(text.status, 0, text.stderr);
    assert.ok(text.stdout.endsWith(`\n  trace: ${file}\n  plot: ${plot}\n`), text.stdout);
    assert.equal(text.stderr, '');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).length, 6);
    const json = cli('run', '--env', 'BDT-small-v0', '--slots', '5', '--save-trace', file, '--json');
    assert.equal(json.status, 0, json.stderr);
    assert.equal(json.stdout.split('\n').length, 2, json.stdout);
    assert.equal(JSON.parse(json.stdout).slots, 5);
    assert.equal(json.stderr, '');
  });

  it('replays a trace of a shorter episode without --slots, and with a longer --slots says which --slots would', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-trace-')), 'trace.json');
    const saved = cli('run', '--slots', '10', '--seed', '4', '--save-trace', file, '--json');
    assert.equal(saved.status, 0, saved.stderr);
    const replayed = cli('run', '--seed', '4', '--trace', file, '--json');
    assert.equal(replayed.status, 0, replayed.stderr);
    const { trace: _file, ...again } = JSON.parse(replayed.stdout);
    assert.deepEqual(again, JSON.parse(saved.stdout), 'the 10-slot episode it was saved from');
    const longer = cli('run', '--slots', '50', '--trace', file);
    assert.equal(longer.status, 1);
    assert.match(longer.stderr, /^bdt-gym: --trace .*trace\.json: cannot be replayed on default for 50 slots: trace\.length = 11: an episode needs at least 50 slot states; it holds an episode of 10 slots: give --slots 10\n$/);
    // a trace of exactly T states (drawTrace's length may be chosen) replays all T slots, as before
    const system = (make('BDT-small-v0').unwrapped as BdtEnv).system;
    writeFileSync(file, JSON.stringify(drawTrace(system, 5, system.slots)));
    const whole = cli('run', '--env', 'BDT-small-v0', '--agent', 'random', '--trace', file, '--json');
    assert.equal(whole.status, 0, whole.stderr);
    assert.equal(JSON.parse(whole.stdout).slots, system.slots);
  });

  it("replays T slots from a trace of T states or more without --slots, and the saved episode's S slots from a shorter one, as --help says", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-trace-'));
    const replayedSlots = (saved: number): number => {
      const file = join(dir, `trace-${saved}.json`);
      assert.equal(cli('run', '--env', 'BDT-small-v0', '--slots', String(saved), '--save-trace', file).status, 0);
      const replayed = cli('run', '--env', 'BDT-small-v0', '--trace', file, '--json');
      assert.equal(replayed.status, 0, replayed.stderr);
      return JSON.parse(replayed.stdout).slots;
    };
    // BDT-small-v0's T is 100: S = 99 saves 100 states
    assert.deepEqual([replayedSlots(98), replayedSlots(99)], [98, 100]);
    // a T the override gives is kept, as --slots is (the trace's 98 slots replaced it)
    const overridden = cli('run', '--env', 'BDT-small-v0', '--trace', join(dir, 'trace-98.json'), '--scenario-override', '{"slots":100}');
    assert.equal(overridden.status, 1);
    assert.equal(overridden.stderr, `bdt-gym: --trace ${join(dir, 'trace-98.json')}: cannot be replayed on small for 100 slots: trace.length = 99: an episode needs at least 100 slot states; it holds an episode of 98 slots: give --slots 98\n`);
    const help = cli('run', '--help').stdout.replace(/\s+/g, ' ');
    assert.match(help, /without --slots \(or slots in --scenario-override\), it replays the scenario's T slots when it holds T slot states or more \(an episode of S slots saves S \+ 1\), else the S slots of the episode it was saved from/);
  });

  it("--env's help lists the registered B-DT ids", () => {
    const help = cli('run', '--help').stdout.replace(/\s+/g, ' ');
    assert.match(help, new RegExp(`--env <id> registered B-DT env id \\(${bdtIds.join(', ')}\\) \\(default: BDT-v0\\)`));
  });

  it("lists the B-DT ids in --env's help and checks a registerBdtScenario id without making any env (a user's env constructor ran on every run)", () => {
    const fixture = fileURLToPath(new URL('./fixtures/constructed-envs.ts', import.meta.url));
    // the module loaded before the CLI builds its commands (Node's --import), and as bdt-gym --import
    const preloaded = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', '--import', fixture, bin, ...args], { encoding: 'utf8' });
    for (const result of [preloaded('run', '--help'), preloaded('run', '--env', 'BDT-small-v0', '--slots', '2'), cli('--import', fixture, 'run', '--env', 'BDT-small-v0', '--slots', '2')]) {
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, '', 'no env of the module made');
    }
    // its B-DT env, registered with register(), is still told apart by making it
    const noisy = cli('--import', fixture, 'run', '--env', 'Noisy-v0', '--json');
    assert.equal(noisy.status, 0, noisy.stderr);
    assert.equal(JSON.parse(noisy.stdout).env, 'Noisy-v0');
  });

  it('an --env that cannot be made without keyword arguments is refused in one line naming it and why, not an internal error', () => {
    const fixture = fileURLToPath(new URL('./fixtures/constructed-envs.ts', import.meta.url));
    const needs = cli('--import', fixture, 'run', '--env', 'Needs-v0', '--slots', '2');
    assert.equal(needs.status, 1);
    assert.equal(needs.stderr, 'bdt-gym: --env: Needs-v0 cannot be made without keyword arguments, so it is no B-DT env a command can make: Needs-v0 needs kwargs.plant, the plant to model\n');
  });

  it("--json's help lists the agents that report solver, and those are the scripted agents that do (oracle was left out)", () => {
    const help = cli('run', '--help').stdout.replace(/\s+/g, ' ');
    const listed = /solver for the agents that solve each slot \(([^)]*)\)/.exec(help)![1]!.split(', ');
    const reporting = scriptedAgentNames.filter((agent) => 'solver' in JSON.parse(cli('run', '--env', 'BDT-small-v0', '--agent', agent, '--slots', '1', '--json').stdout));
    assert.deepEqual([...listed].sort(), [...reporting].sort());
    assert.ok(listed.includes('oracle'));
  });

  it('refuses a --slots beyond the longest episode a scenario takes, naming the option (it named the scenario field), and says "1 slot"', () => {
    for (const command of [['run'], ['compare', '--out', join(tmpdir(), 'bdt-never-written.json')]]) {
      const result = cli(...command, '--slots', '1e10');
      assert.equal(result.status, 1, command[0]);
      assert.equal(result.stderr, 'bdt-gym: --slots: expected an integer from 1 to 1000000000 (the longest episode a scenario takes), got "1e10"\n', command[0]);
    }
    const one = cli('run', '--env', 'BDT-small-v0', '--agent', 'dpra', '--slots', '1');
    assert.equal(one.status, 0, one.stderr);
    assert.match(one.stdout, /^BDT-small-v0 \(small\), agent dpra, seed 0, 1 slot\n/);
    assert.match(one.stdout, /\n {2}solver {12}\d+ of 1 slot solved to least violation\n {20}\(C4 impossible on some gateway: \d+; AP budgets relaxed: \d+\)\n/);
  });

  it('refuses a trace that does not fit the scenario, a non-object, and --trace with --save-trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-trace-'));
    const file = join(dir, 'trace.json');
    assert.equal(cli('run', '--env', 'BDT-small-v0', '--slots', '12', '--save-trace', file).status, 0);
    const longer = cli('run', '--env', 'BDT-small-v0', '--slots', '20', '--trace', file);
    assert.equal(longer.status, 1);
    assert.match(longer.stderr, /^bdt-gym: --trace .*trace\.json: cannot be replayed on .* for 20 slots: /);
    const otherScenario = cli('run', '--env', 'BDT-v0', '--slots', '12', '--trace', file);
    assert.equal(otherScenario.status, 1);
    assert.match(otherScenario.stderr, /cannot be replayed on default for 12 slots: trace\.N = 4, the system has 12/);
    const array = join(dir, 'array.json');
    writeFileSync(array, '[1, 2]');
    const notObject = cli('run', '--env', 'BDT-small-v0', '--trace', array);
    assert.equal(notObject.status, 1);
    assert.match(notObject.stderr, /--trace .*array\.json: expected a JSON object .*got an array/);
    const both = cli('run', '--env', 'BDT-small-v0', '--slots', '12', '--trace', file, '--save-trace', join(dir, 'again.json'));
    assert.equal(both.status, 1);
    assert.match(both.stderr, /--save-trace and --trace/);
  });

  it('refuses a --save-trace past the JSON a string can hold before drawing it, saying which --slots fits (it crashed as an internal RangeError)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-trace-')), 'trace.json');
    const tooLong = cli('run', '--env', 'BDT-v0', '--agent', 'all-local', '--slots', '2500000', '--save-trace', file);
    assert.equal(tooLong.status, 1);
    assert.match(tooLong.stderr, new RegExp(`^bdt-gym: --save-trace ${file}: the trace of 2500000 slots on default would be about 6\\d\\d MiB of JSON \\(about 28\\d bytes a slot\\), past the 512 MiB a JSON string can hold \\(V8's limit\\); give --slots 18\\d{5} or fewer\n$`));
    assert.equal(existsSync(file), false);
  });

  it('refuses bad --agent-options before drawing the --save-trace trace, and writes nothing (the whole trace was drawn and stringified first)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-trace-')), 'trace.json');
    // a heap too small for a million slots' trace (about 170 MB of JSON, as much in arrays): drawing it first crashes
    const args = ['--max-old-space-size=96', bin, 'run', '--env', 'BDT-small-v0', '--agent', 'dpra', '--agent-options', '{"nope":1}', '--slots', '1000000', '--save-trace', file];
    const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stderr, 'bdt-gym: --agent-options of agent dpra: at (root): Unrecognized key: "nope" (keys: effort, maxSweeps, maxJointMoves, exactCandidates, warmStart)\n');
    assert.equal(existsSync(file), false);
  });

  it('traceJson gives the saved trace text up to maxBytes, refuses it past that, and the --slots it names fits', () => {
    const systemOf = (slots: number) => (make('BDT-small-v0', { scenario: { slots } }).unwrapped as BdtEnv).system;
    const short = systemOf(20);
    const text = `${JSON.stringify(drawTrace(short, 3))}\n`;
    assert.equal(traceJson('t.json', short, 3, text.length)(), text);
    assert.throws(() => traceJson('t.json', short, 3, text.length - 1)(), (e: unknown) => e instanceof CliError && new RegExp(`^--save-trace t\\.json: the trace of 20 slots on small would be ${text.length} bytes of JSON \\(about 17\\d bytes a slot\\), past the ${text.length - 1} bytes a JSON string can hold \\(V8's limit\\); give --slots \\d+ or fewer$`).test(e.message));
    // past the sampled states, an estimate; the --slots it names fits
    const maxBytes = 100_000;
    const refusal = (() => {
      try {
        return traceJson('t.json', systemOf(1000), 3, maxBytes);
      } catch (error) {
        return error;
      }
    })();
    assert.ok(refusal instanceof CliError && /would be about \d+ bytes of JSON/.test(refusal.message), String(refusal));
    const fitting = Number(/give --slots (\d+) or fewer$/.exec(refusal.message)![1]);
    assert.ok(fitting > 500, refusal.message);
    assert.ok(traceJson('t.json', systemOf(fitting), 3, maxBytes)().length <= maxBytes);
    // refused from its first states, before drawing: a billion slots would take hours and hundreds of GB
    assert.throws(() => traceJson('t.json', systemOf(1e9), 3, maxBytes), (e: unknown) => e instanceof CliError && /^--save-trace t\.json: the trace of 1000000000 slots on small would be about \d+ MiB of JSON/.test(e.message));
  });

  it('refuses a JSON file past what a string can hold before reading it (it read the whole file to fail as ERR_STRING_TOO_LONG)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-big-'));
    const file = join(dir, 'big.json');
    writeFileSync(file, '');
    truncateSync(file, MAX_JSON_BYTES + 1); // sparse: no disk used
    try {
      assert.throws(() => readJsonFile('--trace', file), (e: unknown) => e instanceof CliError && e.message === `--trace ${file}: the file is 536870889 bytes, past the 536870888 (512 MiB) of JSON a string can hold (V8's limit): it cannot be read`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses a device or a directory as a JSON file, and reads a FIFO only up to the same limit (/dev/zero was read until memory ran out)', async function () {
    if (!existsSync('/dev/zero')) this.skip();
    const zero = cli('run', '--scenario', '/dev/zero', '--agent', 'dpra');
    assert.equal(zero.status, 1);
    assert.equal(zero.stderr, 'bdt-gym: --scenario /dev/zero: not a regular file (a device or socket)\n');
    const dir = mkdtempSync(join(tmpdir(), 'bdt-fifo-'));
    const writers: ChildProcess[] = [];
    try {
      assert.throws(() => readJsonFile('--preset', dir), (e: unknown) => e instanceof CliError && e.message === `--preset ${dir}: not a regular file (a directory)`);
      const fifo = join(dir, 'trace.json');
      spawnSync('mkfifo', [fifo]);
      // a writer at the other end (process substitution, a pipe): 100 bytes for a limit of 50, then a small JSON object
      const written = (command: string) => {
        const writer = spawn('sh', ['-c', `${command} > '${fifo}'`], { stdio: 'ignore' });
        writers.push(writer);
        return once(writer, 'exit');
      };
      const endless = written('head -c 100 /dev/zero');
      assert.throws(() => readJsonFile('--trace', fifo, 50), (e: unknown) => e instanceof CliError && e.message === `--trace ${fifo}: the file is more than 50 bytes, past the 50 (50 bytes) of JSON a string can hold (V8's limit): it cannot be read`);
      await endless;
      const small = written(`printf '{"a":1}'`);
      assert.deepEqual(readJsonFile('--trace', fifo, 50), { a: 1 });
      await small;
    } finally {
      for (const writer of writers) if (writer.exitCode === null) writer.kill(); // one a failed read left blocked
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses an env that is not a B-DT env, and reports a file it cannot write in one line', () => {
    const cartPole = cli('run', '--env', 'CartPole-v1', '--slots', '2');
    assert.equal(cartPole.status, 1);
    assert.equal(cartPole.stderr, `bdt-gym: --env: CartPole-v1 is not a B-DT env (B-DT ids: ${bdtIds.join(', ')})\n`);
    const dir = mkdtempSync(join(tmpdir(), 'bdt-run-'));
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    const unwritable = cli('run', '--env', 'BDT-small-v0', '--slots', '2', '--save-trace', join(blocker, 'trace.json'));
    assert.equal(unwritable.status, 1);
    assert.match(unwritable.stderr, /^bdt-gym: --save-trace .*file\/trace\.json: cannot create the file \(ENOTDIR: not a directory\)\n$/, 'refused before the episode');
    const oracle = cli('run', '--env', 'BDT-v0', '--agent', 'oracle', '--slots', '2');
    assert.equal(oracle.status, 1);
    assert.match(oracle.stderr, /^bdt-gym: agent oracle: this scenario has 4\.096e\+11 partition vectors, more than option maxPartitions = 2000000: .*BDT-small-v0.*\n$/);
  });
});
