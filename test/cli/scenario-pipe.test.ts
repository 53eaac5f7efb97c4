/**
 * A --scenario that is a pipe (`<(jq ...)`, /dev/stdin) can be read once: the commands that open
 * their env more than once (run with --scenario-override, sweep-v once per V and in its worker
 * threads) read it once and keep it.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const small = fileURLToPath(new URL('../../configs/small.json', import.meta.url));
/** The CLI with file `input` on its stdin through a shell's pipe (a FIFO; Node's `input` is a socket), which /dev/stdin then names. */
const piped = (input: string, ...args: string[]) => spawnSync('sh', ['-c', 'input=$1; shift; cat "$input" | "$@"', 'sh', input, process.execPath, bin, ...args], { encoding: 'utf8' });
const fromFile = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('cli: a --scenario read from a pipe', () => {
  before(function () {
    if (!existsSync('/dev/stdin')) this.skip();
  });

  it('run --scenario-override plays the piped scenario as the same file (the second read found the pipe empty: "not valid JSON")', () => {
    const args = ['--slots', '5', '--scenario-override', '{"lyapunov":{"V":3}}', '--agent', 'dpra', '--json'];
    const result = piped(small, 'run', '--scenario', '/dev/stdin', ...args);
    assert.equal(result.status, 0, result.stderr);
    const expected = fromFile('run', '--scenario', 'configs/small.json', ...args);
    assert.equal(expected.status, 0, expected.stderr);
    assert.equal(JSON.parse(result.stdout).meanReward, JSON.parse(expected.stdout).meanReward);
  });

  it('sweep-v, in this thread and with --jobs 2, sweeps the piped scenario as the same file', () => {
    const args = ['--v', '1,10', '--seeds', '1,2', '--slots', '5', '--json'];
    const expected = fromFile('sweep-v', '--scenario', 'configs/small.json', ...args);
    assert.equal(expected.status, 0, expected.stderr);
    for (const jobs of ['1', '2']) {
      const result = piped(small, 'sweep-v', '--scenario', '/dev/stdin', '--jobs', jobs, ...args);
      assert.equal(result.status, 0, `--jobs ${jobs}: ${result.stderr}`);
      assert.deepEqual(JSON.parse(result.stdout), JSON.parse(expected.stdout), `--jobs ${jobs}`);
    }
  });
});
