import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FileWriteError, writeFileAtomic } from '../../node/atomic-write.ts';

describe('writeFileAtomic', () => {
  it('writes the file, creating its directories, and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    const file = join(dir, 'a', 'b', 'result.json');
    writeFileAtomic(file, '{"x":1}\n');
    assert.equal(readFileSync(file, 'utf8'), '{"x":1}\n');
    writeFileAtomic(file, '{"x":2}\n');
    assert.equal(readFileSync(file, 'utf8'), '{"x":2}\n');
    assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['result.json']);
  });

  it('a failed write throws a FileWriteError naming the path and the system error, and changes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    const blocker = join(dir, 'plain-file');
    writeFileSync(blocker, 'kept');
    // a path under a regular file cannot be created
    assert.throws(
      () => writeFileAtomic(join(blocker, 'result.json'), 'x'),
      (e: unknown) => e instanceof FileWriteError && e.code === 'EEXIST' && e.message.startsWith(`cannot write ${join(blocker, 'result.json')}: EEXIST`),
    );
    const target = join(dir, 'target');
    writeFileSync(target, 'old');
    // a directory where the temp file should go makes the write itself fail
    assert.throws(() => writeFileAtomic(dir, 'x'), FileWriteError);
    assert.deepEqual(readdirSync(tmpdir()).filter((name) => name.startsWith(`${basename(dir)}.tmp-`)), [], 'the temp file is removed');
    assert.equal(readFileSync(target, 'utf8'), 'old');
    assert.equal(readFileSync(blocker, 'utf8'), 'kept');
  });
});
