/**
 * A command whose stdout reader goes away (`bdt-gym scenario-schema | head -1`) ends quietly, not with an EPIPE trace, and not with 0;
 * one whose stdout cannot be written otherwise (a full disk) says so in one line.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));

/** Runs the CLI with the reading end of its stdout closed (as `head -1` closes it after a line; closed at once, so every write fails), and returns how it ended. */
async function withStdoutClosed(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr };
}

describe('bdt-gym | head', () => {
  for (const args of [['scenario-schema'], ['run', '--env', 'BDT-small-v0', '--slots', '3']]) {
    it(`${args.join(' ')} ends quietly, with 141 as a tool SIGPIPE ended, when the reader of stdout has gone away`, async () => {
      const { code, stderr } = await withStdoutClosed(...args);
      assert.equal(stderr, '');
      assert.equal(code, 141, 'not 0: the command did not finish');
    });
  }

  it('--out /dev/stdout ends quietly too, with 141 (it said "cannot write /dev/stdout: EPIPE" and exited 1)', function () {
    if (process.platform === 'win32') this.skip(); // no /dev/stdout
    // a shell's pipe, as `| head` gives (the pipes spawn makes are sockets, which /dev/stdout cannot open)
    const status = join(mkdtempSync(join(tmpdir(), 'bdt-pipe-')), 'status');
    const result = spawnSync('sh', ['-c', '("$0" "$1" scenario-schema --out /dev/stdout; echo $? > "$2") | head -c 1 > /dev/null', process.execPath, bin, status], { encoding: 'utf8' });
    assert.equal(result.stderr, '');
    assert.equal(readFileSync(status, 'utf8'), '141\n');
  });

  it('--help ends quietly too, with the 0 of a finished help', async () => {
    assert.deepEqual(await withStdoutClosed('compare', '--help'), { code: 0, stderr: '' });
  });

  it('stdout on a full disk ends with one line and exit 1 (it was an uncaught ENOSPC with its stack trace)', function () {
    if (process.platform !== 'linux') this.skip(); // /dev/full
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [['scenario-schema'], ['run', '--env', 'BDT-small-v0', '--slots', '3', '--json']]) {
        const result = spawnSync(process.execPath, [bin, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
        assert.equal(result.stderr, 'bdt-gym: cannot write stdout: ENOSPC: no space left on device, write\n', args.join(' '));
        assert.equal(result.status, 1, args.join(' '));
      }
    } finally {
      closeSync(full);
    }
  });

  it('keeps the exit code of a failed command whose error message cannot be written (1, not 141)', async () => {
    const child = spawn(process.execPath, [bin, 'run', '--env', 'Nope-v0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.destroy();
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 1);
  });
});
