/**
 * The files of a run that bdt-gym wrote and reads back (summary.json, metrics.jsonl,
 * best-eval.json) are read with the guard a --scenario file has: a device is refused naming the
 * file, a file past the cap too (/dev/zero in their place was read until memory ran out).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
// the timeout only turns a read that never ends into a failure instead of a hung suite
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });

describe("bdt-gym reading a run's own files", () => {
  it('refuses /dev/zero in place of summary.json, metrics.jsonl or best-eval.json naming the file, and reads the run as it was', function () {
    if (!existsSync('/dev/zero')) this.skip();
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-run-files-')), 'run');
    const trained = cli('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '1024', '--eval-episodes', '1', '--eval-freq', '512', '--periodic-eval-episodes', '1', '--out', out);
    assert.equal(trained.status, 0, trained.stderr);
    /** Runs `args` with `file` of the run replaced by a symlink to /dev/zero, then puts the file back. */
    const withZero = (file: string, ...args: string[]) => {
      const path = join(out, file);
      renameSync(path, `${path}.kept`);
      symlinkSync('/dev/zero', path);
      try {
        return cli(...args);
      } finally {
        renameSync(`${path}.kept`, path);
      }
    };
    const refused = (result: ReturnType<typeof cli>, file: string) => {
      assert.equal(result.signal, null, `${file}: the command returned`);
      assert.equal(result.status, 1, result.stderr);
      assert.ok(result.stderr.includes(join(out, file)) && result.stderr.includes('not a regular file'), result.stderr);
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
    };
    refused(withZero('summary.json', 'evaluate', '--checkpoint', out, '--episodes', '1'), 'summary.json');
    const resume = ['train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '1536', '--eval-episodes', '1', '--out', out, '--resume'];
    for (const file of ['summary.json', 'metrics.jsonl', 'best-eval.json']) refused(withZero(file, ...resume), file);
    refused(withZero('metrics.jsonl', 'curves', out, '--json'), 'metrics.jsonl');
    // the run as it was still reads
    assert.equal(cli('evaluate', '--checkpoint', out, '--episodes', '1').status, 0);
    assert.equal(cli('curves', out, '--json').status, 0);
    const resumed = cli(...resume);
    assert.equal(resumed.status, 0, resumed.stderr);
  });
});
