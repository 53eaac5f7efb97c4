import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkTarget } from '../../node/link-target.ts';

describe('linkTarget', () => {
  let dir: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'bdt-link-')));
  });

  it('returns a path that is not a symlink as it is given: a file, a missing one, a relative one, one under a file', () => {
    writeFileSync(join(dir, 'file'), '');
    for (const path of [join(dir, 'file'), join(dir, 'missing'), 'relative/missing', join(dir, 'file', 'under')]) assert.equal(linkTarget(path), path);
  });

  it('follows one link, relative or absolute, to an existing or a missing target', () => {
    writeFileSync(join(dir, 'file'), '');
    symlinkSync('file', join(dir, 'relative'));
    symlinkSync(join(dir, 'file'), join(dir, 'absolute'));
    symlinkSync('missing', join(dir, 'dangling'));
    assert.equal(linkTarget(join(dir, 'relative')), join(dir, 'file'));
    assert.equal(linkTarget(join(dir, 'absolute')), join(dir, 'file'));
    assert.equal(linkTarget(join(dir, 'dangling')), join(dir, 'missing'));
  });

  it('follows a whole chain, each relative target against its own link\'s directory, to its end whether it exists or not', () => {
    mkdirSync(join(dir, 'sub'));
    symlinkSync('sub/b', join(dir, 'a'));
    symlinkSync('../c', join(dir, 'sub', 'b'));
    assert.equal(linkTarget(join(dir, 'a')), join(dir, 'c'));
    writeFileSync(join(dir, 'c'), '');
    assert.equal(linkTarget(join(dir, 'a')), join(dir, 'c'));
    symlinkSync(join(dir, 'y'), join(dir, 'x'));
    symlinkSync(join(dir, 'deeper', 'z'), join(dir, 'y'));
    assert.equal(linkTarget(join(dir, 'x')), join(dir, 'deeper', 'z'));
  });

  it("resolves `..` in a link's target from the link's real directory, as the kernel does", () => {
    mkdirSync(join(dir, 'real', 'inner'), { recursive: true });
    symlinkSync(join(dir, 'real', 'inner'), join(dir, 'alias'));
    symlinkSync('../end', join(dir, 'real', 'inner', 'b'));
    symlinkSync('alias/b', join(dir, 'a'));
    assert.equal(linkTarget(join(dir, 'a')), join(dir, 'real', 'end'));
  });

  it('throws an ELOOP error naming the path for a loop, also of a link to itself', () => {
    symlinkSync('loop2', join(dir, 'loop'));
    symlinkSync('loop', join(dir, 'loop2'));
    symlinkSync('self', join(dir, 'self'));
    for (const path of [join(dir, 'loop'), join(dir, 'self')]) {
      assert.throws(() => linkTarget(path), (e: NodeJS.ErrnoException) => e.code === 'ELOOP' && e.message === `ELOOP: ${path} is a loop of symbolic links (more than 40 in a row)`);
    }
  });
});
