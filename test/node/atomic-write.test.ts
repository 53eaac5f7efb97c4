import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FileWriteError, removeAbandonedTempFiles, writeFileAtomic } from '../../node/atomic-write.ts';

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

  it('follows a whole chain of symlinks, as fs.writeFileSync does: a dangling chain creates its last target, both links stay links', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    // relative targets, each against its own link's directory
    mkdirSync(join(dir, 'sub'));
    symlinkSync('sub/b.json', join(dir, 'a.json'));
    symlinkSync('../c.json', join(dir, 'sub', 'b.json'));
    writeFileAtomic(join(dir, 'a.json'), 'made');
    assert.ok(lstatSync(join(dir, 'a.json')).isSymbolicLink() && lstatSync(join(dir, 'sub', 'b.json')).isSymbolicLink(), 'both links are kept');
    assert.equal(readFileSync(join(dir, 'c.json'), 'utf8'), 'made');
    // now the chain's end exists: it is replaced
    writeFileAtomic(join(dir, 'a.json'), 'replaced');
    assert.ok(lstatSync(join(dir, 'sub', 'b.json')).isSymbolicLink());
    assert.equal(readFileSync(join(dir, 'c.json'), 'utf8'), 'replaced');
    // absolute targets
    symlinkSync(join(dir, 'y.json'), join(dir, 'x.json'));
    symlinkSync(join(dir, 'new', 'z.json'), join(dir, 'y.json'));
    writeFileAtomic(join(dir, 'x.json'), 'deep');
    assert.ok(lstatSync(join(dir, 'y.json')).isSymbolicLink());
    assert.equal(readFileSync(join(dir, 'new', 'z.json'), 'utf8'), 'deep');
    writeFileAtomic(join(dir, 'x.json'), 'again');
    assert.equal(readFileSync(join(dir, 'new', 'z.json'), 'utf8'), 'again');
  });

  it("resolves a link's relative target against its directory as the kernel does, through a symlinked directory", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    mkdirSync(join(dir, 'real', 'inner'), { recursive: true });
    symlinkSync(join(dir, 'real', 'inner'), join(dir, 'alias'));
    symlinkSync('../end.json', join(dir, 'real', 'inner', 'b.json'));
    symlinkSync('alias/b.json', join(dir, 'a.json'));
    // alias/b.json's `..` is real/, where inner is: not dir/ (as alias/.. would read lexically)
    writeFileAtomic(join(dir, 'a.json'), 'atomic');
    assert.ok(lstatSync(join(dir, 'real', 'inner', 'b.json')).isSymbolicLink());
    assert.equal(readFileSync(join(dir, 'real', 'end.json'), 'utf8'), 'atomic');
    assert.ok(!existsSync(join(dir, 'end.json')));
    writeFileSync(join(dir, 'a.json'), 'kernel'); // the kernel's write lands on the same file
    assert.equal(readFileSync(join(dir, 'real', 'end.json'), 'utf8'), 'kernel');
  });

  it('refuses a loop of symlinks with a FileWriteError naming the path, and changes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    const loop = join(dir, 'loop.json');
    symlinkSync('loop2.json', loop);
    symlinkSync('loop.json', join(dir, 'loop2.json'));
    assert.throws(() => writeFileAtomic(loop, 'x'), (e: unknown) => e instanceof FileWriteError && e.code === 'ELOOP' && e.message.includes(loop));
    assert.equal(readlinkSync(loop), 'loop2.json');
    assert.deepEqual(readdirSync(dir).sort(), ['loop.json', 'loop2.json']);
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

  it('refuses a write-protected file (0444, 0400) with an EACCES FileWriteError, leaving it and its mode as they were, as root too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    for (const mode of [0o444, 0o400]) {
      const file = join(dir, `protected-${mode.toString(8)}.json`);
      writeFileSync(file, 'kept');
      chmodSync(file, mode);
      assert.throws(
        () => writeFileAtomic(file, 'new'),
        (e: unknown) => e instanceof FileWriteError && e.code === 'EACCES' && e.message.startsWith(`cannot write ${file}: EACCES: `) && e.message.includes(`(mode 0${mode.toString(8)}`),
      );
      assert.equal(readFileSync(file, 'utf8'), 'kept');
      assert.equal(statSync(file).mode & 0o777, mode, 'the mode is unchanged');
      // through a symlink, the file it leads to is the one checked
      const link = join(dir, `link-${mode.toString(8)}.json`);
      symlinkSync(file, link);
      assert.throws(() => writeFileAtomic(link, 'new'), (e: unknown) => e instanceof FileWriteError && e.code === 'EACCES');
      assert.equal(readFileSync(file, 'utf8'), 'kept');
    }
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), [], 'no temp file is left');
  });

  it("refuses, as a user that may not write it, another user's file in a directory it may write (the rename alone would replace it)", function () {
    // as root, the check is run as nobody; as another user, there is no second user to own the file
    if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    chmodSync(dir, 0o777);
    const file = join(dir, 'roots.json');
    writeFileSync(file, 'kept');
    chmodSync(file, 0o644); // root's, writable by root only
    const script = `import { writeFileAtomic } from ${JSON.stringify(new URL('../../node/atomic-write.ts', import.meta.url).href)};
      try { writeFileAtomic(${JSON.stringify(file)}, 'new'); console.log('written'); } catch (e) { console.log(e.name, e.code); }`;
    const child = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.stdout.trim(), 'FileWriteError EACCES', child.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'kept');
    assert.equal(statSync(file).mode & 0o777, 0o644);
    assert.equal(statSync(file).uid, 0, 'still root\'s');
  });

  it("as a user in another's file's group: keeps the file's group when it replaces it, and refuses up front in a sticky directory, where the rename would fail after the work", function () {
    if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    chmodSync(dir, 0o777);
    const shared = join(dir, 'shared.json');
    writeFileSync(shared, 'old');
    chownSync(shared, 1000, 1234);
    chmodSync(shared, 0o664);
    const sticky = join(dir, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    const theirs = join(sticky, 'theirs.json');
    writeFileSync(theirs, 'kept');
    chownSync(theirs, 1000, 1000);
    chmodSync(theirs, 0o666);
    const script = `import { writeFileAtomic } from ${JSON.stringify(new URL('../../node/atomic-write.ts', import.meta.url).href)};
      for (const file of ${JSON.stringify([shared, theirs])}) { try { writeFileAtomic(file, 'new'); console.log('written'); } catch (e) { console.log(e.name, e.code); } }`;
    const child = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--groups=1234', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.deepEqual(child.stdout.trim().split('\n'), ['written', 'FileWriteError EPERM'], child.stderr);
    assert.equal(readFileSync(shared, 'utf8'), 'new');
    assert.equal(statSync(shared).gid, 1234, 'the group still shares it');
    assert.equal(statSync(shared).mode & 0o777, 0o664);
    assert.equal(readFileSync(theirs, 'utf8'), 'kept');
  });

  it('gives the replaced file the mode of the old one (a 0600 file stays 0600, a 0664 one 0664)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    for (const mode of [0o600, 0o664, 0o640]) {
      const file = join(dir, `kept-${mode.toString(8)}.json`);
      writeFileSync(file, 'old');
      chmodSync(file, mode);
      writeFileAtomic(file, 'new');
      assert.equal(readFileSync(file, 'utf8'), 'new');
      assert.equal(statSync(file).mode & 0o777, mode, `mode 0${mode.toString(8)} kept`);
    }
    // a new file gets the usual mode (0666 less the umask)
    const fresh = join(dir, 'fresh.json');
    writeFileAtomic(fresh, 'x');
    const umask = process.umask();
    assert.equal(statSync(fresh).mode & 0o777, 0o666 & ~umask);
  });

  it('removeAbandonedTempFiles removes the temp files of killed writes (dead pid, or a pid a later process took), and keeps the rest', function () {
    if (!existsSync('/proc/1/stat')) this.skip(); // Linux's /proc tells when pid 1 started
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    const temp = (pid: number) => `.bdt-gym-${pid}-0-0123abcd.tmp`;
    const deadPid = 2 ** 22 + 12345; // above Linux's largest pid_max
    for (const name of [temp(deadPid), temp(process.pid), temp(1), 'summary.json', '.bdt-gym-notes.tmp']) writeFileSync(join(dir, name), '');
    const old = join(dir, `.bdt-gym-1-1-0123abcd.tmp`);
    writeFileSync(old, '');
    utimesSync(old, 1, 1); // written in 1970: pid 1, running now, started since
    // this process writes synchronously: a temp file with its pid is an earlier process's
    assert.deepEqual(removeAbandonedTempFiles(dir).sort(), [temp(deadPid), temp(process.pid), '.bdt-gym-1-1-0123abcd.tmp'].map((name) => join(dir, name)).sort());
    assert.deepEqual(readdirSync(dir).sort(), [temp(1), '.bdt-gym-notes.tmp', 'summary.json'].sort(), 'a write pid 1 may be making is kept');
    assert.deepEqual(removeAbandonedTempFiles(join(dir, 'missing')), []);
  });

  it("removeAbandonedTempFiles keeps a recent temp file of a running pid that seems to have started after it: the wall clock may have stepped forward since the write", function () {
    if (!existsSync('/proc/1/stat')) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const recent = join(dir, `.bdt-gym-${child.pid}-0-0123abcd.tmp`);
      const old = join(dir, `.bdt-gym-${child.pid}-1-0123abcd.tmp`);
      writeFileSync(recent, '');
      writeFileSync(old, '');
      // written "before" the child started, as a clock stepped forward by 30 s after the write shows it
      const before = (Date.now() - 30_000) / 1000;
      utimesSync(recent, before, before);
      utimesSync(old, 1, 1);
      assert.deepEqual(removeAbandonedTempFiles(dir), [old], 'only the old one, long before its pid started, is abandoned');
      assert.deepEqual(readdirSync(dir), [`.bdt-gym-${child.pid}-0-0123abcd.tmp`]);
    } finally {
      child.kill();
    }
  });
});

describe('writeFileAtomic: abandoned temp files beside its target', () => {
  /** The temp file a write of `target` left when it was killed before its rename (by a child process, dead when this returns). */
  function killedWrite(target: string): string {
    const before = new Set(readdirSync(dirname(target)));
    const script = `import fs from 'node:fs';
      import { syncBuiltinESMExports } from 'node:module';
      fs.renameSync = () => process.kill(process.pid, 'SIGKILL'); // killed between writing the temp file and renaming it
      syncBuiltinESMExports();
      const { writeFileAtomic } = await import(${JSON.stringify(new URL('../../node/atomic-write.ts', import.meta.url).href)});
      writeFileAtomic(${JSON.stringify(target)}, 'killed');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.signal, 'SIGKILL', child.stderr);
    const left = readdirSync(dirname(target)).filter((name) => !before.has(name));
    assert.equal(left.length, 1, `one temp file left: ${left.join(', ')}`);
    return left[0]!;
  }

  it("removes a killed write's temp file of the same target (its pid dead) on the next write, and keeps live writers' and other files", function () {
    if (!existsSync('/proc/self/stat')) this.skip(); // liveness read from /proc
    const dir = mkdtempSync(join(tmpdir(), 'bdt-atomic-'));
    const target = join(dir, 'compare.json');
    const stale = killedWrite(target);
    const otherTarget = killedWrite(join(dir, 'other.json')); // abandoned too, but another file's: not this write's to judge
    const deadPid = Number(/^\.bdt-gym-(\d+)-/.exec(stale)![1]);
    // a dead pid's temp file under a minute old is kept: its writer may run in another pid namespace
    writeFileAtomic(target, 'first');
    assert.ok(existsSync(join(dir, stale)), 'a fresh temp file of a pid not running here is kept');
    const twoMinutesAgo = (Date.now() - 120_000) / 1000;
    utimesSync(join(dir, stale), twoMinutesAgo, twoMinutesAgo);
    utimesSync(join(dir, otherTarget), twoMinutesAgo, twoMinutesAgo);
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      // the same target's temp files of writers that run: this process (another thread may write) and a child
      const ours = stale.replace(`.bdt-gym-${deadPid}-`, `.bdt-gym-${process.pid}-`);
      const childs = stale.replace(`.bdt-gym-${deadPid}-`, `.bdt-gym-${child.pid}-`);
      const unrelated = ['notes.tmp', `.bdt-gym-${deadPid}-0-0123abcd.tmp.bak`, 'compare.json.tmp'];
      for (const name of [ours, childs, ...unrelated]) writeFileSync(join(dir, name), 'kept');
      writeFileAtomic(target, 'new');
      assert.equal(readFileSync(target, 'utf8'), 'new');
      assert.deepEqual(readdirSync(dir).sort(), ['compare.json', otherTarget, ours, childs, ...unrelated].sort());
    } finally {
      child.kill();
    }
  });
});
