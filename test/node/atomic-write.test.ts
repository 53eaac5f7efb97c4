import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      (e: unknown) => e instanceof FileWriteError && e.code === 'ENOTDIR' && e.message.startsWith(`cannot write ${join(blocker, 'result.json')}: ENOTDIR`),
    );
    const target = join(dir, 'target');
    writeFileSync(target, 'old');
    // a directory where the temp file should go makes the write itself fail
    assert.throws(() => writeFileAtomic(dir, 'x'), FileWriteError);
    assert.deepEqual(readdirSync(tmpdir()).filter((name) => name.startsWith(`.bdt-gym-${process.pid}-`)), [], 'the temp file is removed');
    assert.equal(readFileSync(target, 'utf8'), 'old');
    assert.equal(readFileSync(blocker, 'utf8'), 'kept');
  });

  it('fails at once, with a FileWriteError, where a recursive mkdir would loop forever (a directory under /proc)', function () {
    if (!existsSync('/proc/self')) this.skip(); // Linux only
    // in a child with a timeout, so a regression fails the test instead of hanging the suite
    const script = `import { writeFileAtomic } from ${JSON.stringify(new URL('../../node/atomic-write.ts', import.meta.url).href)};
      try { writeFileAtomic('/proc/bdt-gym-nowhere/deeper/x.json', '{}'); } catch (e) { console.log(e.name, e.code); }`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.signal, null, 'the write returned (no hang)');
    assert.equal(child.stdout.trim(), 'FileWriteError ENOENT');
  });

  it('follows a symlink (the link stays, its target is replaced), dangling ones too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    writeFileSync(join(dir, 'real.json'), 'old');
    symlinkSync('real.json', join(dir, 'link.json'));
    writeFileAtomic(join(dir, 'link.json'), 'new');
    assert.ok(lstatSync(join(dir, 'link.json')).isSymbolicLink());
    assert.equal(readFileSync(join(dir, 'real.json'), 'utf8'), 'new');
    symlinkSync('later.json', join(dir, 'dangling.json'));
    writeFileAtomic(join(dir, 'dangling.json'), 'made');
    assert.equal(readlinkSync(join(dir, 'dangling.json')), 'later.json');
    assert.equal(readFileSync(join(dir, 'later.json'), 'utf8'), 'made');
  });

  it('writes through a device instead of replacing it (/dev/full: no space, a FileWriteError)', function () {
    if (!existsSync('/dev/full')) this.skip();
    assert.throws(() => writeFileAtomic('/dev/full', 'x'), (e: unknown) => e instanceof FileWriteError && e.code === 'ENOSPC');
    assert.ok(statSync('/dev/full').isCharacterDevice(), '/dev/full is still a device');
  });

  it('takes a file name near the 255-byte limit (the temp name does not grow with it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    const file = join(dir, `${'r'.repeat(245)}.json`);
    writeFileAtomic(file, 'ok');
    assert.equal(readFileSync(file, 'utf8'), 'ok');
  });
});
