/**
 * Crash-safe file writes: write a temp file beside the target, flush it to disk, then rename it
 * over the target (atomic on POSIX). A symlink is followed to the end of its chain, as
 * `fs.writeFileSync` follows it (that file is replaced or, the chain dangling, created; the links
 * are kept); a device, FIFO or socket (`/dev/stdout`) cannot be replaced and is written through.
 * A write-protected target is refused, as a shell's `>` would refuse it (a rename needs only
 * the directory's permission, so it would replace the file regardless), and a replaced file
 * keeps its permissions (a 0600 file stays 0600). A killed write leaves its temp file, which the
 * next write of the same file removes once its writer is provably gone, and
 * {@link removeAbandonedTempFiles} removes in a run directory.
 */
import { accessSync, closeSync, constants, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { linkTarget } from './link-target.ts';
import { makeDirectories } from './make-directories.ts';
import { STEPPED_CLOCK_MS, mayBeWriting } from './process-liveness.ts';

/** A file that could not be written (no space, no permission, a directory in the way); the target is unchanged. */
export class FileWriteError extends Error {
  readonly path: string;
  /** The system error's code, e.g. ENOSPC or EACCES. */
  readonly code: string;

  constructor(
    path: string,
    code: string,
    options: { cause: unknown },
  ) {
    super(`cannot write ${path}: ${(options.cause as Error).message}`, options);
    this.path = path;
    this.code = code;
    this.name = 'FileWriteError';
  }
}

/** Temp files get distinct names (pid, count, random: a crashed process with the same pid left its own), short so a target name near NAME_MAX still fits. */
let tempCount = 0;

/**
 * A temp file's name, `.bdt-gym-<pid>-<count>-<hex>-<target>.tmp`, with the writer's pid and a hash
 * of the target's name (`<target>`, absent in earlier versions' names), so a write finds the temp
 * files of earlier writes of its own file.
 */
const TEMP_FILE = /^\.bdt-gym-(\d+)-\d+-[0-9a-f]+(?:-([0-9a-f]{8}))?\.tmp$/;

/** The `<target>` part of the temp file names of writes of `target`: its name's hash, fixed in length. */
function targetTag(target: string): string {
  return createHash('sha256').update(basename(target)).digest('hex').slice(0, 8);
}

/** Whether `name` (an entry of a directory) is the temp file of a write of a file named as `target` is. */
export function isTempFileOf(name: string, target: string): boolean {
  return TEMP_FILE.exec(name)?.[2] === targetTag(target);
}

/**
 * Removes from `dir` the temp files of writes that were killed: their writer is not running, or
 * the process with its pid started after the file was written (a pid taken again) and the file
 * is over a minute old (a clock stepped forward since could explain a younger one), or it is
 * this process, whose writes are synchronous, so that none of them is under way. Returns the
 * paths removed; one that cannot be removed costs only disk space.
 */
export function removeAbandonedTempFiles(dir: string): string[] {
  return removeTempFiles(dir, (pid, madeAtMs) => pid === process.pid || !mayBeWriting(pid, madeAtMs));
}

/**
 * Removes from `dir` the temp files of earlier writes of the file `tag` stands for whose writer is
 * provably gone (see mayBeWriting), this process's included: it may hold a write under way in a
 * worker thread, and a process earlier given its pid, after a restart, is told apart by its start.
 * A compare or a plot killed while writing its --out file left its temp file beside it, where no
 * run directory's clean-up reaches. A temp file under a minute old is kept whatever its pid says:
 * its writer may run in another pid namespace (a container sharing the directory), where the pid
 * names nobody here, and a write under way keeps its file that young.
 */
function removeAbandonedSiblings(dir: string, tag: string): void {
  removeTempFiles(dir, (pid, madeAtMs, fileTag) => fileTag === tag && Date.now() - madeAtMs >= STEPPED_CLOCK_MS && !mayBeWriting(pid, madeAtMs));
}

function removeTempFiles(dir: string, abandoned: (pid: number, madeAtMs: number, tag: string | undefined) => boolean): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const match = TEMP_FILE.exec(entry);
    if (match === null) continue;
    const path = join(dir, entry);
    try {
      const stats = lstatSync(path);
      if (!stats.isFile() || !abandoned(Number(match[1]), stats.mtimeMs, match[2])) continue;
      rmSync(path);
      removed.push(path);
    } catch {
      // gone meanwhile, or a directory that refuses
    }
  }
  return removed;
}

/** A new temp file for a write of `target`: beside it, named as {@link TEMP_FILE} says. */
export function tempFileFor(target: string): string {
  return join(dirname(target), `.bdt-gym-${process.pid}-${tempCount++}-${randomBytes(4).toString('hex')}-${targetTag(target)}.tmp`);
}

/** Removes the temp files that earlier writes of `target` left beside it, once their writer is provably gone (see removeAbandonedSiblings). */
export function removeAbandonedTempFilesOf(target: string): void {
  removeAbandonedSiblings(dirname(target), targetTag(target));
}

/** Write `data` to `path` atomically, creating parent directories; a failure leaves `path` as it was and throws a FileWriteError. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  let temp: string | undefined;
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const existing = statSync(path, { throwIfNoEntry: false });
    if (existing && !existing.isFile() && !existing.isDirectory()) {
      writeAll(openSync(path, 'w'), bytes, false);
      return;
    }
    const target = linkTarget(path);
    if (existing?.isFile()) {
      const refusal = writeProtection(target, existing);
      if (refusal !== undefined) throw refusal;
    }
    const dir = dirname(target);
    makeDirectories(dir);
    removeAbandonedTempFilesOf(target); // before writing: the space they hold may be what the write needs
    const name = tempFileFor(target);
    const fd = openSync(name, 'wx');
    temp = name; // ours from here on: removed if anything below fails
    if (existing?.isFile()) keepOwnerAndMode(fd, existing);
    writeAll(fd, bytes, true);
    renameSync(temp, target);
    syncDirectory(dir);
  } catch (error) {
    if (temp !== undefined) rmSync(temp, { force: true });
    throw new FileWriteError(path, (error as NodeJS.ErrnoException).code ?? 'unknown', { cause: error });
  }
}

/**
 * Why existing file `file` (its stat `stats`) must not be replaced, as an error with a code
 * (EACCES, EROFS), or undefined when it may be: not writable to this process, or, for root (whom
 * permissions do not stop), without its owner's write bit, which says it is kept as it is.
 */
export function writeProtection(file: string, stats: Stats): NodeJS.ErrnoException | undefined {
  const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
  try {
    accessSync(file, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
    return Object.assign(new Error(`${code}: ${file} is not writable (mode ${mode}); nothing was changed`), { code });
  }
  const uid = process.getuid?.();
  if (uid === 0 && (stats.mode & 0o200) === 0) {
    return Object.assign(new Error(`EACCES: ${file} is write-protected (mode ${mode}, no owner write permission); make it writable (chmod u+w) to replace it; nothing was changed`), { code: 'EACCES' });
  }
  // in a sticky directory (/tmp) only the file's or the directory's owner may rename over the file,
  // though anyone it grants write permission may write it
  const dir = statSync(dirname(file), { throwIfNoEntry: false });
  if (uid !== undefined && uid !== 0 && dir !== undefined && (dir.mode & 0o1000) !== 0 && stats.uid !== uid && dir.uid !== uid) {
    return Object.assign(new Error(`EPERM: ${file} belongs to another user (uid ${stats.uid}) in a sticky directory (${dirname(file)}), where only its owner may replace it; nothing was changed`), { code: 'EPERM' });
  }
  return undefined;
}

/** Gives the temp file `fd` the permissions of the file it replaces (and, where allowed, its owner and group). */
function keepOwnerAndMode(fd: number, stats: Stats): void {
  try {
    fchownSync(fd, stats.uid, stats.gid);
  } catch {
    // only root may give a file away: another user's file becomes this user's, as a copy would,
    // but keeps its group where this user belongs to it (a group-shared file stays shared)
    try {
      fchownSync(fd, -1, stats.gid);
    } catch {
      // not a member of the file's group
    }
  }
  fchmodSync(fd, stats.mode & 0o7777); // after chown, which clears set-id bits
}

function writeAll(fd: number, bytes: Uint8Array, flush: boolean): void {
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    if (flush) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the rename itself durable; a file system that cannot sync a directory only loses that. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // e.g. EISDIR/EINVAL on file systems without directory fsync
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
