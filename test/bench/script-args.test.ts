/** The bench scripts' command lines: `--help` prints the usage, a bad flag one line and the usage. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runScript = (script: string, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', `bench/${script}.ts`, ...args], { cwd: root, encoding: 'utf8' });

describe('bench scripts: command line', () => {
  for (const script of ['bdt-cpu-time', 'bdt-upper-bound', 'dpra-median', 'dqn-throughput', 'scaling', 'train-cartpole']) {
    it(`${script}: --help prints the usage and exits 0`, () => {
      const help = runScript(script, '--help');
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, new RegExp(`^usage: npx tsx bench/${script}\\.ts `));
    });
  }

  it('an unknown flag exits 2 with one line and the usage, without a stack trace', () => {
    const bad = runScript('bdt-cpu-time', '--no-such-flag');
    assert.equal(bad.status, 2, bad.stdout);
    assert.match(bad.stderr, /^Unknown option '--no-such-flag'.*\nusage: npx tsx bench\/bdt-cpu-time\.ts /s);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });

  it('bdt-upper-bound refuses an unknown mode with the usage', () => {
    const bad = runScript('bdt-upper-bound', 'fast');
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, 'unknown mode "fast"\nusage: npx tsx bench/bdt-upper-bound.ts [none|math|rng|math+rng] [id] [--reuse]\n');
  });
});
