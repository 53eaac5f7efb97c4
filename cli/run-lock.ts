/**
 * One `train` at a time in a run directory. Two trains into one --out each judged it empty (or
 * resumed the same checkpoint) and then wrote it together: metrics.jsonl interleaved both, one's
 * checkpoint and summary replaced the other's, and the loser was told to remove a run still
 * training. So a session holds `<out>/.lock`, made exclusively and holding its pid, its start
 * (on Linux: ticks after boot, and the boot's id) and when it was taken, from before it reads or
 * writes anything in --out until it ends, and a second train is refused. A lock whose process is
 * gone (killed: SIGKILL, OOM, power loss) or whose pid is now another process's is taken over
 * with a note: on Linux a process of another start or boot (node/process-liveness.ts), whatever
 * the wall clock did since; and this process's own pid unless it holds that lock (a train killed
 * in a container restarts as pid 1 again). Elsewhere a running pid counts as the holder. Of trains
 * starting at once on a killed train's run, one takes its lock over and the others are refused:
 * only the train holding the takeover's mark removes the stale lock (takeOver).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isRunning, isStillRunning, mayBeWriting, processStart, type ProcessStart } from '../node/process-liveness.ts';
import { makeDirectories } from '../node/make-directories.ts';
import { isTempFileOf, tempFileFor } from '../node/atomic-write.ts';
import { CliError } from './errors.ts';
import { checkCanCreateFilesIn, systemErrorText } from './options.ts';
import { STOP_SIGNALS } from './training-interrupt.ts';

/** The lock's file name in the run directory. */
const LOCK_FILE = '.lock';

/** The start of the name of a takeover's mark (see takeOver). */
const TAKEOVER_MARK = `${LOCK_FILE}.takeover-`;
/** The most killed takers' marks one train clears before giving up (each is a train killed mid-takeover). */
const MAX_CLEARED_MARKS = 16;

/**
 * Whether `name` (an entry of a run directory) is the lock, a takeover's mark or the temp file a
 * lock is written in (another train's, taking it meanwhile): no file of the run.
 */
export function isLockFile(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`) || isTempFileOf(name, LOCK_FILE);
}

/**
 * Tests only: called at each step of taking the lock where another train may act meanwhile
 * (test/cli/run-lock-race.test.ts runs whole other takings there, in every such interleaving).
 */
export const lockSteps: { between?: (step: string) => void } = {};

export interface RunLock {
  /** The run is to stay: {@link release} no longer removes the directories taking the lock made (a new run's --out, missing parents). */
  keepDirectory(): void;
  /** Removes the lock file, and the directories it created (when empty) unless kept; once (later calls do nothing). */
  release(): void;
}

/** What a lock file says of its holder. */
interface Holder {
  readonly pid: number;
  /** When it took the lock (ms since the epoch): said in the note of a takeover; judged (a wall clock steps) only for a lock without `start`. */
  readonly since: number;
  /** Its start, where /proc told it: the holder is the process with its pid only if that started then. */
  readonly start?: ProcessStart;
}

/** The lock files this process holds (resolved): a lock with its pid is another process's (one that had the pid before) unless listed. */
const heldLocks = new Set<string>();

/** For an --out that is missing (on --resume) or not a directory: no run to lock, and the checks after say why. */
const NO_LOCK: RunLock = { keepDirectory: () => {}, release: () => {} };

/**
 * Locks run directory `out` for this process. A new run (`create`) makes a missing --out (and
 * refuses a file); on --resume a missing --out or a file is left to the checks that refuse it. A
 * CliError when another train holds it, or when the lock file cannot be made.
 */
export function lockRun(out: string, create: boolean): RunLock {
  const stats = runDirectoryStats(out, create);
  if (stats !== undefined && !stats.isDirectory()) {
    if (create) throw new CliError(`--out ${out}: exists and is not a directory; give a directory for the run`);
    return NO_LOCK;
  }
  let created: string | undefined;
  if (stats === undefined) {
    if (!create) return NO_LOCK;
    checkCanCreateFilesIn('out', out); // why a path cannot be made (under a file, a name too long), before trying
    try {
      created = makeDirectories(out);
    } catch (error) {
      throw new CliError(`--out ${out}: cannot create the directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  const file = join(out, LOCK_FILE);
  try {
    /** The stale lock taken over, said once this process holds the lock. */
    let stale: { holder: Holder; running: boolean } | undefined;
    /** Tries spent on a killed taker's mark (see takeOver). */
    let clearedMarks = 0;
    for (let attempt = 1; ; attempt++) {
      lockSteps.between?.('create');
      const text = holderText();
      if (createLockFile(out, file, text)) {
        removeTakeoverMarks(out);
        if (stale !== undefined) {
          const { holder, running } = stale;
          process.stderr.write(`bdt-gym train: note: --out ${out}: took over the lock of pid ${holder.pid} (taken ${new Date(holder.since).toISOString()}), which ${running ? 'now belongs to a process started since' : 'is no longer running'}: that train was killed\n`);
        }
        return heldLock(out, file, text, created);
      }
      // (other trains taking and releasing it all the while: given up after a few tries; a try that
      // cleared a killed taker's mark made progress and is not counted, up to a bound on such marks)
      if (attempt - clearedMarks >= 3 || clearedMarks > MAX_CLEARED_MARKS) throw new CliError(`--out ${out}: other bdt-gym trains keep taking its lock ${file}; wait for them or give another --out`);
      const seen = readLock(file);
      if (seen === undefined) continue; // released meanwhile
      const holder = parseHolder(seen);
      if (holder === undefined) throw new CliError(unsaidHolder(out, file, seen));
      if (holderRuns(file, holder)) throw new CliError(`--out ${out}: another bdt-gym train (pid ${holder.pid}) is using this run; wait for it or give another --out`);
      stale = { holder, running: isRunning(holder.pid) };
      lockSteps.between?.('judged stale');
      if (takeOver(out, file, seen)) clearedMarks++;
    }
  } catch (error) {
    removeMadeDirectories(out, created);
    throw error;
  }
}

/**
 * `out`'s stats, undefined when it is missing (a file on its path too); a CliError saying why it
 * cannot be looked up: a name or the whole path too long, a loop of symbolic links, a directory on
 * the way this user may not search. (statSync's throwIfNoEntry spares only ENOENT and ENOTDIR.)
 */
function runDirectoryStats(out: string, create: boolean): Stats | undefined {
  try {
    return statSync(out, { throwIfNoEntry: false });
  } catch (error) {
    // which name is too long, as for a missing --out under a long name
    if (create && (error as NodeJS.ErrnoException).code === 'ENAMETOOLONG') checkCanCreateFilesIn('out', out);
    throw new CliError(`--out ${out}: cannot ${create ? 'create the directory' : 'open the run directory'} (${systemErrorText(error)})`);
  }
}

/**
 * Removes `out` and its parents up to `created`, the first of them this process made, while they
 * are empty: one that is not holds another train's files (a train into a sibling --out that made
 * the same parents meanwhile, or one that took --out's lock as this one let it go).
 */
function removeMadeDirectories(out: string, created: string | undefined): void {
  if (created === undefined) return;
  const top = resolve(created);
  for (let dir = resolve(out); ; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === top || dirname(dir) === dir) return;
  }
}

/** What `link` fails with where the file system has no hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Makes lock file `file` holding `text`: false when it exists (another train's), a CliError when
 * it cannot be made. The text is written (and synced) to a temp file that is then linked to the
 * lock's name, which fails if it exists as O_EXCL does: a lock made with O_EXCL and then written
 * was left empty by a train killed between the two, and such a lock, saying no holder, refused
 * every later train. Where the file system has no hard links, it is made with O_EXCL and written.
 */
function createLockFile(out: string, file: string, text: string): boolean {
  // named as the lock's, a takeover's mark's too, so isLockFile knows it; a killed train's is
  // removed as other temp files are (checkOut)
  const temp = tempFileFor(join(dirname(file), LOCK_FILE));
  try {
    let fd: number;
    try {
      fd = openSync(temp, 'wx');
    } catch (error) {
      checkCanCreateFilesIn('out', out); // says why no file can be made there (EACCES, EROFS), as before the lock
      throw new CliError(`--out ${out}: cannot create its lock file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    try {
      writeSync(fd, text);
      fsyncSync(fd); // the name must not outlive a power loss that its text does not
    } catch (error) {
      throw new CliError(`--out ${out}: cannot write its lock file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temp, file);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // NFS retries a link whose reply was lost, and the retry finds the name the link made:
      // the temp file's second name is then the lock (no other train knows the temp file)
      if (code === 'EEXIST') return statSync(temp).nlink === 2;
      if (code !== undefined && NO_HARD_LINKS.has(code)) return createLockFileInPlace(out, file, text);
      throw new CliError(`--out ${out}: cannot create its lock file ${file} (${code ?? String(error)})`);
    }
  } finally {
    rmSync(temp, { force: true });
  }
}

/** {@link createLockFile} where there are no hard links: made with O_EXCL, then written. */
function createLockFileInPlace(out: string, file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new CliError(`--out ${out}: cannot create its lock file ${file} (${code ?? String(error)})`);
  }
  try {
    writeSync(fd, text);
  } catch (error) {
    closeSync(fd);
    rmSync(file, { force: true }); // an empty lock would say no holder
    throw new CliError(`--out ${out}: cannot write its lock file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  closeSync(fd);
  return true;
}

/** What this process's lock (or mark) says: its pid, start and when it was taken. */
function holderText(): string {
  return `${JSON.stringify({ pid: process.pid, since: new Date().toISOString(), ...processStart(process.pid) })}\n`;
}

/** The refusal of lock (or mark) `file` of `out`, whose text `seen` says no holder. */
function unsaidHolder(out: string, file: string, seen: string): string {
  return `--out ${out}: its lock file ${file}, which keeps two bdt-gym trains from writing one run, does not say which train holds it (${JSON.stringify(seen.slice(0, 80))}); if no train is using this run, remove it`;
}

/** The lock file's text, or undefined when it is gone. */
function readLock(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const { pid, since, startTicks, bootId } = JSON.parse(text) as { pid?: unknown; since?: unknown; startTicks?: unknown; bootId?: unknown };
    const ms = typeof since === 'string' ? Date.parse(since) : NaN;
    if (!(Number.isSafeInteger(pid) && (pid as number) > 0 && Number.isFinite(ms))) return undefined;
    if (startTicks === undefined) return { pid: pid as number, since: ms }; // taken where /proc told nothing
    if (!(Number.isSafeInteger(startTicks) && (startTicks as number) >= 0) || !(bootId === undefined || typeof bootId === 'string')) return undefined;
    return { pid: pid as number, since: ms, start: { startTicks: startTicks as number, ...(bootId === undefined ? {} : { bootId }) } };
  } catch {
    return undefined;
  }
}

/**
 * Whether the train that took lock `file` may still hold it: its process runs (same pid, same
 * start). This process's pid is its own only for a lock it holds: one it does not was left by an
 * earlier process with that pid (a container's pid 1 before a restart), whatever /proc says.
 */
function holderRuns(file: string, holder: Holder): boolean {
  if (holder.pid === process.pid) return heldLocks.has(lockKey(file));
  // a lock without its holder's start (taken where /proc told nothing) is judged by when it was taken
  return holder.start === undefined ? mayBeWriting(holder.pid, holder.since) : isStillRunning(holder.pid, holder.start);
}

/** `file` with its links resolved, so that one --out reached by two paths (a symlink) is one lock. */
function lockKey(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

/**
 * Removes stale lock `file` (or a takeover's mark), whose text is `seen`. Trains starting at once
 * on a killed train's run each judge its lock stale, and one removing it late removed the lock
 * another had made in its place (moved aside, put back after a third had made one): two trained
 * into the run. So only the train that makes the lock's mark (O_EXCL, holding its pid as a lock
 * does) removes it, after reading it again; one that finds the mark of a live train leaves it to
 * that one, and meets the lock made next when it tries again. The mark is named after the text it
 * guards, which no later lock has (another pid or time): a train that marks it late finds another
 * lock there and leaves it. A train killed taking over leaves its mark, taken over so in turn.
 * Returns true when it found such a killed taker's mark (and cleared it or left it to the train
 * that did): progress towards the lock, not another train's turn.
 */
function takeOver(out: string, file: string, seen: string): boolean {
  const mark = join(out, `${TAKEOVER_MARK}${createHash('sha256').update(`${basename(file)}\n${seen}`).digest('hex').slice(0, 16)}`);
  if (!createLockFile(out, mark, holderText())) {
    lockSteps.between?.('found a mark');
    const other = readLock(mark);
    if (other === undefined) return false; // that takeover is done
    const taker = parseHolder(other);
    if (taker === undefined) throw new CliError(unsaidHolder(out, mark, other));
    if (holderRuns(mark, taker)) return false;
    takeOver(out, mark, other); // killed taking over: this train's next try may take it over
    return true;
  }
  const key = lockKey(mark);
  heldLocks.add(key); // a live train's mark to another session of this process
  try {
    lockSteps.between?.('marked');
    if (readLock(file) === seen) rmSync(file, { force: true });
    lockSteps.between?.('removed');
  } finally {
    heldLocks.delete(key);
    rmSync(mark, { force: true });
  }
  return false;
}

/**
 * Removes the marks of takeovers in `out`, once this process holds its lock: whatever lock they
 * guarded is gone (a lock was made after it), and a train killed taking over left its mark.
 */
function removeTakeoverMarks(out: string): void {
  try {
    for (const entry of readdirSync(out)) if (entry.startsWith(TAKEOVER_MARK)) rmSync(join(out, entry), { force: true });
  } catch {
    // left to the next train's lock: a mark of a lock long gone keeps no train out
  }
}

/**
 * The lock this process holds in `file` (its text `text`), released at the end of the session,
 * at process.exit (a reader gone after training ends the command at once: cli/broken-pipe.ts) and
 * at a signal no training is there to catch (before and after training: it then ends the process
 * as it would have without the lock).
 */
function heldLock(out: string, file: string, text: string, created: string | undefined): RunLock {
  let keep = false;
  let released = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return; // training catches it (cli/training-interrupt.ts) and ends the session
    release();
    process.kill(process.pid, signal); // with no listener left, the signal's default action
  };
  const handlers = STOP_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  const onExit = (): void => release();
  const key = lockKey(file);
  heldLocks.add(key);
  function release(): void {
    if (released) return;
    released = true;
    heldLocks.delete(key);
    for (const [signal, handler] of handlers) process.off(signal, handler);
    process.off('exit', onExit);
    try {
      // only its own: a lock taken over meanwhile (its holder judged gone) is the other train's
      if (readLock(file) === text) rmSync(file, { force: true });
    } catch {
      // unreadable: left for the next train to judge, by its pid (this process's, gone by then)
    }
    // (a failed run's files are gone: cli/train-out-directory.ts's openOut put --out back as it was)
    if (!keep) removeMadeDirectories(out, created);
  }
  for (const [signal, handler] of handlers) process.on(signal, handler);
  process.on('exit', onExit);
  return {
    keepDirectory: () => {
      keep = true;
    },
    release,
  };
}
