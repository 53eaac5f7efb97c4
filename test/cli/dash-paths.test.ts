/**
 * `-` as a path: the conventional stdout where a command's output would go there alone (the
 * schema commands' --out), refused with one line where the command prints its own output on
 * stdout (it wrote a file named `-`).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/bdt-gym.js', import.meta.url).pathname;

describe('cli: - as a path', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'bdt-dash-'));
  });
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd });

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
