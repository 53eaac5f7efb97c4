import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileReadRefusal, readFileCapped } from '../../node/capped-read.ts';
import { readMetricsFile } from '../../cli/metrics-file.ts';
import { CliError } from '../../cli/errors.ts';

describe('readFileCapped', () => {
  it('reads a regular file, refuses a device and a file past the cap by its size, and reads a FIFO only up to the cap', async function () {
    if (!existsSync('/dev/zero')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'bdt-capped-'));
    const file = join(dir, 'summary.json');
    writeFileSync(file, '{"a":1}');
    assert.equal(readFileCapped(file, 7).toString(), '{"a":1}');
    assert.throws(() => readFileCapped(file, 6), (e: unknown) => e instanceof FileReadRefusal && e.message === 'the file is 7 bytes, past the cap of 6 (6 bytes) on reading it');
    const sparse = join(dir, 'large.json');
    writeFileSync(sparse, '');
    truncateSync(sparse, 2 ** 31); // no bytes on disk, refused before any is read
    assert.throws(() => readFileCapped(sparse, 2 ** 30), (e: unknown) => e instanceof FileReadRefusal && e.message === `the file is ${2 ** 31} bytes, past the cap of ${2 ** 30} (1024 MiB) on reading it`);
    symlinkSync('/dev/zero', join(dir, 'zero.json'));
    assert.throws(() => readFileCapped(join(dir, 'zero.json'), 2 ** 20), (e: unknown) => e instanceof FileReadRefusal && e.message === 'a device or socket, not a regular file');
    if (spawnSync('mkfifo', ['--version']).status !== 0) return;
    const fifo = join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `head -c 100 /dev/zero > ${fifo}`]);
    try {
      assert.throws(() => readFileCapped(fifo, 50), (e: unknown) => e instanceof FileReadRefusal && e.message === 'the file is more than 50 bytes, past the cap of 50 (50 bytes) on reading it');
    } finally {
      writer.kill();
    }
  });

  it("readMetricsFile refuses /dev/zero in a run's metrics.jsonl naming the file (it was read until memory ran out)", function () {
    if (!existsSync('/dev/zero')) this.skip();
    const file = join(mkdtempSync(join(tmpdir(), 'bdt-capped-')), 'metrics.jsonl');
    symlinkSync('/dev/zero', file);
    assert.throws(() => readMetricsFile(file), (e: unknown) => e instanceof CliError && e.message === `${file}: cannot read the file (a device or socket, not a regular file)`);
  });
});
