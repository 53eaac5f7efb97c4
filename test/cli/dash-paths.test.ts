/**
 * `-` as a path: stdin for a JSON input (--scenario, --trace, --preset, check-scenario's files),
 * read by one option; the conventional stdout where a command's output would go there alone (the
 * schema commands' --out), refused with one line where the command prints its own output on
 * stdout (it wrote a file named `-`).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const small = readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8');

describe('cli: - as a path', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'bdt-dash-'));
  });
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd });
  /** The CLI with `input` on its stdin. */
  const piped = (input: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, input });

  it('reads --scenario - from stdin as the same scenario in a file (it looked for a file named -), and check-scenario -', () => {
    const args = ['--slots', '5', '--agent', 'dpra', '--json'];
    const expected = JSON.parse(cli('run', '--scenario', 'configs/small.json', ...args).stdout);
    const result = piped(small.replace('"V": 10', '"V": 3'), 'run', '--scenario', '-', ...args);
    assert.equal(result.status, 0, result.stderr);
    const { scenario, meanReward } = JSON.parse(result.stdout);
    assert.equal(scenario, '-');
    assert.notEqual(meanReward, expected.meanReward, 'the piped scenario (V = 3) is played, not configs/small.json');
    assert.equal(JSON.parse(piped(small, 'run', '--scenario', '-', ...args).stdout).meanReward, expected.meanReward);
    const checked = piped(small, 'check-scenario', '-', '--json');
    assert.equal(checked.status, 0, checked.stderr);
    assert.equal(JSON.parse(checked.stdout).name, 'small');
  });

  it('reads --trace - and --preset - from stdin', () => {
    const saved = cli('run', '--env', 'BDT-small-v0', '--agent', 'dpra', '--slots', '5', '--seed', '3', '--save-trace', 'trace.json', '--json');
    assert.equal(saved.status, 0, saved.stderr);
    const trace = readFileSync(join(cwd, 'trace.json'), 'utf8');
    const replayed = piped(trace, 'run', '--env', 'BDT-small-v0', '--agent', 'dpra', '--trace', '-', '--json');
    assert.equal(replayed.status, 0, replayed.stderr);
    assert.equal(JSON.parse(replayed.stdout).meanReward, JSON.parse(saved.stdout).meanReward);
    const compared = piped(trace, 'compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--trace', '-', '--out', 'c.json', '--json');
    assert.equal(compared.status, 0, compared.stderr);
    assert.equal(JSON.parse(compared.stdout).agents[0].meanReward.mean, JSON.parse(saved.stdout).meanReward);
    const preset = JSON.stringify({ agent: 'ppo', env: 'CartPole-v1', hyperparameters: { numEnvs: 2, numSteps: 64 } });
    const trained = piped(preset, 'train', '--preset', '-', '--steps', '128', '--eval-episodes', '0', '--out', 'run', '--json');
    assert.equal(trained.status, 0, trained.stderr);
    assert.equal(JSON.parse(trained.stdout.trim().split('\n').at(-1)!).env, 'CartPole-v1');
  });

  it('refuses a second - in one line: stdin is read once', () => {
    const twice = piped(small, 'run', '--scenario', '-', '--trace', '-');
    assert.equal(twice.status, 1);
    assert.match(twice.stderr, /^bdt-gym: --scenario -: stdin is read once, and --trace - read it; give a file\n$/);
    const listed = piped(small, 'compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--trace', '-,-', '--out', 'c.json');
    assert.equal(listed.status, 1);
    assert.match(listed.stderr, /^bdt-gym: --trace -: stdin is read once, and --trace - read it; give a file\n$/);
  });

  it('refuses - for an output file or run directory in one line, before any work, and writes no file named -', () => {
    const outputs: Array<[option: string, args: string[]]> = [
      ['--out', ['compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--seeds', '1', '--slots', '2', '--out', '-']],
      ['--save-trace', ['run', '--env', 'BDT-small-v0', '--slots', '2', '--save-trace', '-']],
      ['--plot', ['run', '--env', 'BDT-small-v0', '--slots', '2', '--plot', '-']],
      ['--plot', ['sweep-v', '--env', 'BDT-small-v0', '--v', '1', '--seeds', '1', '--slots', '2', '--plot', '-']],
      ['--out', ['curves', 'models/ppo-bdt-small-v0', '--out', '-']],
      ['--out', ['train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '256', '--eval-episodes', '0', '--out', '-']],
    ];
    for (const [option, args] of outputs) {
      const result = cli(...args);
      assert.equal(result.status, 1, `${args[0]}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, new RegExp(`^bdt-gym: ${option} -: - is not stdout here, where the command prints its own output; give a (file|directory)[^\\n]*\\(\\./- for [^\\n]*\\n$`));
      assert.deepEqual(readdirSync(cwd), [], `${args[0]} ${option} - wrote nothing`);
    }
  });

  it('scenario-schema and preset-schema --out - print the schema on stdout', () => {
    for (const command of ['scenario-schema', 'preset-schema']) {
      const dashed = cli(command, '--out', '-');
      assert.equal(dashed.status, 0, dashed.stderr);
      assert.equal(dashed.stdout, cli(command).stdout);
      assert.deepEqual(readdirSync(cwd), []);
    }
  });
});
