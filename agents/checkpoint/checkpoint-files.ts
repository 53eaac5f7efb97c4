/**
 * Reading a checkpoint's files defensively, and what an interrupted save leaves behind.
 *
 * Every file is read only when it is a regular file of a sane size: a directory, a FIFO or a
 * device (a `weights.bin` linked to /dev/zero) in its place is refused by name instead of crashing
 * the reader or blocking it forever.
 *
 * `saveCheckpoint` writes the new checkpoint into a sibling `.<name>.tmp-<pid>-<ms>`, moves the
 * old one aside to `.<name>.old-<pid>-<ms>`, renames the new one into place and removes the old.
 * A kill between the two renames leaves no `<name>` at all, only the siblings; a kill before
 * them leaves a `.tmp-` one. {@link interruptedSave} finds the checkpoint such a save left, and
 * {@link removeSaveLeftovers} tidies the siblings of finished or dead saves. A symlinked `<name>`
 * is followed: the siblings are beside its target, which a save replaces (the link is kept).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isSymbolicLink, linkTarget } from '../../node/link-target.ts';
import { mayBeWriting } from '../../node/process-liveness.ts';
import { CheckpointError } from './checkpoint-error.ts';

/** The largest checkpoint file read (bytes): far above any network here, far below what a read cannot hold. */
const MAX_FILE_BYTES = 2 ** 30;

/** The bytes of `path`, a file of a checkpoint; a CheckpointError naming it unless it is a regular file of at most 1 GiB. */
export function readCheckpointFile(path: string): Buffer {
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new CheckpointError(`checkpoint file ${path} is not a regular file (${stats.isDirectory() ? 'a directory' : stats.isFIFO() ? 'a FIFO' : 'a device or socket'})`);
    size = stats.size;
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(`checkpoint file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (size > MAX_FILE_BYTES) throw new CheckpointError(`checkpoint file ${path} has ${size} bytes, more than any checkpoint file holds (${MAX_FILE_BYTES})`);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CheckpointError(`checkpoint file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Throws unless every file `files` lists (relative path -> SHA-256) is in `dir` with that checksum. */
export function verifyChecksums(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [file, expected] of Object.entries(files)) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new CheckpointError(`checkpoint ${dir} ${unseenFile(path) ?? 'is missing'} ${file}`);
    const actual = sha256(readCheckpointFile(path));
    if (actual !== expected) throw new CheckpointError(`checkpoint file ${path} is corrupted: SHA-256 ${actual.slice(0, 12)}… does not match the manifest's ${expected.slice(0, 12)}…`);
  }
}

/**
 * Why a file `existsSync` does not see may still be there, as a phrase before its name ("holds a
 * loop of symbolic links at"): a loop of links, a dangling link, a directory on its path that
 * cannot be searched; undefined when nothing is there.
 */
export function unseenFile(path: string): string | undefined {
  try {
    statSync(path);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'holds a loop of symbolic links (ELOOP) at';
    if (code === 'EACCES') return 'cannot be searched (EACCES) for';
    if (isSymbolicLink(path)) return `holds a symbolic link to ${linkTarget(path)}, which does not exist, at`;
    return undefined;
  }
}

/** A sibling directory of a save of `<name>`. */
interface SaveSibling {
  readonly path: string;
  readonly kind: 'tmp' | 'old';
  readonly pid: number;
  readonly time: number;
}

/**
 * The directory a save of `dir` replaces: `dir`, or the end of the chain of symbolic links at
 * `dir` (also when it dangles, as after a save of its target was interrupted), so the links are kept.
 */
export function checkpointTarget(dir: string): string {
  try {
    return linkTarget(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return dir; // a loop, which reading and saving refuse
    throw error;
  }
}

/** The save siblings of checkpoint directory `dir` (see the module comment). */
function saveSiblings(dir: string): SaveSibling[] {
  const target = checkpointTarget(dir);
  const parent = dirname(target);
  const prefix = `.${basename(target)}.`;
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return [];
  }
  const siblings: SaveSibling[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(tmp|old)-(\d+)-(\d+)$/.exec(entry.slice(prefix.length));
    if (match) siblings.push({ path: join(parent, entry), kind: match[1] as 'tmp' | 'old', pid: Number(match[2]), time: Number(match[3]) });
  }
  return siblings;
}

/** Siblings of saves this process has under way (the only live ones with its pid). */
const savesUnderWay = new Set<string>();

/**
 * Marks `paths`, the siblings of a save this process starts, as live until the returned function
 * is called: a sibling with this process's pid is otherwise the leftover of an earlier process
 * that had the same pid (a container's pid 4 after a restart).
 */
export function saveUnderWay(paths: readonly string[]): () => void {
  for (const path of paths) savesUnderWay.add(path);
  return () => paths.forEach((path) => savesUnderWay.delete(path));
}

/**
 * Whether `sibling`'s save may still be writing it: one of this process under way, or another
 * process with its pid that is running and started before the save, or that save began under a
 * minute ago (a process that started after an older save took the pid of a save killed
 * earlier: a container's pid 1 after a restart; see mayBeWriting).
 */
function isLive(sibling: SaveSibling): boolean {
  if (sibling.pid === process.pid) return savesUnderWay.has(sibling.path);
  return mayBeWriting(sibling.pid, sibling.time);
}

/** The complete checkpoints beside missing `dir` left by saves for which `live` holds, newest first. */
function completeSiblings(dir: string, isComplete: (candidate: string) => boolean, live: boolean, prefer: 'new' | 'old'): SaveSibling[] {
  if (existsSync(dir)) return [];
  const first = prefer === 'new' ? 'tmp' : 'old';
  return saveSiblings(dir)
    .filter((sibling) => isLive(sibling) === live)
    .sort((a, b) => (a.kind === b.kind ? b.time - a.time : a.kind === first ? -1 : 1))
    .filter((sibling) => isComplete(sibling.path));
}

/**
 * When `dir` is missing: the checkpoint an interrupted save left beside it, complete (its
 * manifest written, every checksum matching), by a save no longer under way; the newest such
 * new one (`.tmp-`) before any old one (`.old-`), or with `prefer: 'old'` the other way round.
 * `isComplete` checks a directory (it reads the manifest, which this module must not import).
 */
export function interruptedSave(dir: string, isComplete: (candidate: string) => boolean, prefer: 'new' | 'old' = 'new'): string | undefined {
  return completeSiblings(dir, isComplete, false, prefer)[0]?.path;
}

/**
 * When `dir` is missing: a complete checkpoint beside it (as {@link interruptedSave} finds them)
 * whose save may still be under way, by the running process `pid`. It may also be the only copy
 * of a checkpoint whose save was killed (the pid's process cannot be told apart from the save's),
 * so no message may send the user to delete it.
 */
export function saveMaybeUnderWay(dir: string, isComplete: (candidate: string) => boolean, prefer: 'new' | 'old' = 'new'): { path: string; pid: number } | undefined {
  const sibling = completeSiblings(dir, isComplete, true, prefer)[0];
  return sibling === undefined ? undefined : { path: sibling.path, pid: sibling.pid };
}

/**
 * Renames the checkpoint an interrupted save left (see {@link interruptedSave}) into `dir`; the
 * path it came from, or undefined. `prefer: 'old'` takes the checkpoint the save was replacing
 * first: a run's best/ is saved before the record of it (best-eval.json), which still describes
 * the old one.
 */
export function restoreInterruptedSave(dir: string, isComplete: (candidate: string) => boolean, prefer: 'new' | 'old' = 'new'): string | undefined {
  const found = interruptedSave(dir, isComplete, prefer);
  if (found === undefined) return undefined;
  try {
    renameSync(found, checkpointTarget(dir)); // a dangling link's target: the link is kept
  } catch (error) {
    throw new CheckpointError(`checkpoint ${dir}: an interrupted save left a complete checkpoint at ${found}, which cannot be moved into place (${(error as NodeJS.ErrnoException).code ?? String(error)}); move it there by hand`);
  }
  return found;
}

/**
 * Removes the siblings of saves of `dir` that are over (no save under way in this process, nor a
 * running process, owns them), once `dir` holds a checkpoint; while it is missing, only given
 * `isComplete`, and only those it finds incomplete (a complete one may be the only copy of the
 * checkpoint: see {@link interruptedSave}). Returns the paths it could not remove (a read-only
 * directory), which cost only disk space.
 */
export function removeSaveLeftovers(dir: string, isComplete?: (candidate: string) => boolean): string[] {
  const missing = !existsSync(dir);
  if (missing && isComplete === undefined) return [];
  const kept: string[] = [];
  for (const sibling of saveSiblings(dir)) {
    if (isLive(sibling) || (missing && isComplete!(sibling.path))) continue;
    try {
      rmSync(sibling.path, { recursive: true, force: true });
    } catch {
      kept.push(sibling.path);
    }
  }
  return kept;
}
