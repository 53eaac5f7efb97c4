import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { duplicateKeyMessage, firstDuplicateKey } from '../../cli/duplicate-json-keys.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));

describe('cli: duplicate keys in JSON input', () => {
  it('finds the first key an object repeats, with the path of the object and both lines; none in keys of different objects, values or strings', () => {
    assert.deepEqual(firstDuplicateKey('{"a": 1, "a": 2}'), { path: '', key: 'a', firstLine: 1, line: 1 });
    const nested = '{\n "x": {"a": [1, {"b": 1}, {"c": 1,\n "c": 2}]}\n}';
    assert.deepEqual(firstDuplicateKey(nested), { path: 'x.a[2]', key: 'c', firstLine: 2, line: 3 });
    // the same key in sibling objects, a key's name as a value, braces, commas and quotes inside strings, escapes
    assert.equal(firstDuplicateKey('{"a": {"k": 1}, "b": {"k": 1}, "c": "a", "d": "{\\"a\\": 1, \\"a\\": 2}", "e\\u0061": [",", "}"], "f": [{"k": 1}, {"k": 2}]}'), undefined);
    // keys equal once their escapes are decoded
    assert.deepEqual(firstDuplicateKey('{"ea": 1, "e\\u0061": 2}'), { path: '', key: 'ea', firstLine: 1, line: 1 });
    assert.equal(firstDuplicateKey('[1, "a", {"a": 1}, []]'), undefined);
    // a key that would not read after a dot is written as formatPath writes it (it read `dnns.my net`, `dnns.`)
    assert.equal(firstDuplicateKey('{"dnns": {"my net": {"a": 1, "a": 2}}}')?.path, 'dnns["my net"]');
    assert.equal(firstDuplicateKey('{"dnns": {"": [{"a": 1, "a": 2}]}}')?.path, 'dnns[""][0]');
    assert.equal(duplicateKeyMessage({ path: 'x.a[2]', key: 'c', firstLine: 2, line: 3 }), 'key "c" appears twice in the object at x.a[2] (lines 2 and 3); JSON keeps only the last, so one would be ignored: remove the other');
  });

  it('a scenario file, a preset or a JSON option with a repeated key is refused naming it, not run on the last value (exit 1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-duplicate-keys-'));
    const scenario = join(dir, 'scenario.json');
    writeFileSync(scenario, readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8').replace('"slots": 100,', '"slots": 5,\n  "slots": 100,'));
    const preset = join(dir, 'preset.json');
    writeFileSync(preset, '{"agent": "ppo", "env": "CartPole-v1", "hyperparameters": {"learningRate": 0.1, "learningRate": 0.0003}}');
    const cases: Array<[string[], RegExp]> = [
      [['check-scenario', scenario], /^bdt-gym: check-scenario .*scenario\.json: key "slots" appears twice in the top-level object \(lines 5 and 6\); JSON keeps only the last/],
      [['run', '--scenario', scenario, '--agent', 'random', '--slots', '2'], /^bdt-gym: --scenario .*scenario\.json: key "slots" appears twice in the top-level object \(lines 5 and 6\)/],
      [['train', '--preset', preset, '--steps', '64', '--out', join(dir, 'run')], /^bdt-gym: --preset .*preset\.json: key "learningRate" appears twice in the object at hyperparameters \(both on line 1\)/],
      [['run', '--env', 'BDT-small-v0', '--agent', 'random', '--slots', '2', '--scenario-override', '{"lyapunov": {"V": 1, "V": 2}}'], /^bdt-gym: --scenario-override: key "V" appears twice in the object at lyapunov \(both on line 1\)/],
    ];
    for (const [args, expected] of cases) {
      const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, expected, args.join(' '));
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
