/**
 * `bdt-gym train`'s run directory (`--out`) around a session: checked before anything is
 * written (a new run's empty, a resumed run's files replaceable), cleared of what killed sessions
 * left, and opened so that a failed session puts it back as it was (a resumed run's metrics.jsonl,
 * its records past the checkpoint cut, and its best evaluation; a new run's files removed).
 */
import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { interruptedSave, removeSaveLeftovers } from '../agents/checkpoint/checkpoint-files.ts';
import { BEST_EVAL_FILE, BEST_SUBDIR, CHECKPOINT_SUBDIR, MAX_BEST_EVAL_BYTES, METRICS_FILE, SUMMARY_FILE } from '../agents/checkpoint/checkpoint-dir.ts';
import { isCompleteCheckpoint, whyNoCheckpoint } from '../agents/checkpoint/manifest.ts';
import { removeAbandonedTempFiles, writeFileAtomic, writeProtection } from '../node/atomic-write.ts';
import { withoutByteOrderMark } from '../node/byte-order-mark.ts';
import { readFileCapped } from '../node/capped-read.ts';
import { CliError } from './errors.ts';
import { parseMetricsLine } from './metrics-file.ts';
import { plural } from './plural.ts';
import { isLockFile } from './run-lock.ts';

/**
 * `--out`, a directory holding this session's lock (so files can be made there: not found only
 * after training, when the checkpoint cannot be saved), checked before anything else is written:
 * for a new run empty (a run there is continued with --resume, never overwritten). A run killed
 * before it saved a checkpoint (metrics.jsonl only) cannot be resumed: the message says so
 * rather than suggest --resume.
 */
export function checkOut(out: string, resume: boolean): void {
  removeAbandonedTempFiles(out); // a killed write's, not a file of the run to list
  if (resume) {
    removeKilledSessionLeftovers(out);
    // nor the files a resumed run writes at its end (what --out must hold is checked by resumeManifest)
    for (const file of [METRICS_FILE, SUMMARY_FILE, BEST_EVAL_FILE]) {
      const path = join(out, file);
      const stats = statSync(path, { throwIfNoEntry: false });
      const refusal = stats?.isFile() ? writeProtection(path, stats) : undefined;
      if (refusal !== undefined) throw new CliError(`--out ${out}: the run's ${file} cannot be replaced (${refusal.message})`);
    }
    return;
  }
  const entries = readdirSync(out).filter((entry) => !isLockFile(entry)).sort();
  if (entries.length === 0) return;
  const listed = entries.length > 5 ? `${entries.slice(0, 5).join(', ')}, ...` : entries.join(', ');
  const interrupted = interruptedSave(join(out, CHECKPOINT_SUBDIR), isCompleteCheckpoint);
  if (entries.includes(CHECKPOINT_SUBDIR) || interrupted !== undefined) {
    const note = interrupted === undefined ? '' : `; its last save was interrupted and left its checkpoint at ${interrupted}, which --resume restores`;
    throw new CliError(`--out ${out} is not empty (${listed})${note}: give --resume to continue the run there, or another --out; nothing was changed`);
  }
  if (entries.includes(METRICS_FILE)) throw new CliError(`--out ${out} holds a run with no checkpoint (${listed}): ${whyNoCheckpoint(out)}; nothing was changed`);
  throw new CliError(`--out ${out} is not empty (${listed}) and holds no run: a new run needs a missing or empty directory; give another --out; nothing was changed`);
}

/** The start of the name of a resumed session's backup of best/ in --out, then its pid and the time (ms): see openOut. */
const BEST_BACKUP = `.${BEST_SUBDIR}.backup-`;

/**
 * Removes from run `out` what killed sessions left there, once this session holds its lock (so
 * none of them is running): a resumed session's backup of best/ (openOut), and the siblings of the
 * killed saves of checkpoint/ and best/ (agents/checkpoint/checkpoint-files.ts), which only a
 * later save of the same checkpoint removed, and best/ may never be saved again. (A complete save
 * beside a missing checkpoint was put in its place before: resumedRunManifest.) A session killed
 * while putting best/ back left it missing or part removed, its backup the only copy: the newest
 * whole backup is renamed into its place (best-eval.json, put back first, describes it; a
 * record that does not is dropped by the resume with a note). What cannot be removed costs only
 * disk space.
 */
function removeKilledSessionLeftovers(out: string): void {
  const bestDir = join(out, BEST_SUBDIR);
  const startedAt = (entry: string): number => Number(/-(\d+)$/.exec(entry)?.[1] ?? 0);
  const backups = readdirSync(out)
    .filter((entry) => entry.startsWith(BEST_BACKUP))
    .sort((a, b) => startedAt(b) - startedAt(a));
  for (const entry of backups) {
    const backup = join(out, entry);
    try {
      if (!isCompleteCheckpoint(bestDir) && isCompleteCheckpoint(backup)) {
        const was = existsSync(bestDir) ? 'incomplete' : 'missing';
        rmSync(bestDir, { recursive: true, force: true });
        renameSync(backup, bestDir);
        process.stderr.write(`bdt-gym train: note: ${bestDir} was ${was} (a session was killed while putting it back); it was restored from ${backup}, that session's copy of it\n`);
      } else rmSync(backup, { recursive: true, force: true });
    } catch {
      // left for the next train
    }
  }
  for (const dir of [CHECKPOINT_SUBDIR, BEST_SUBDIR]) removeSaveLeftovers(join(out, dir), isCompleteCheckpoint);
}

/** How to leave `--out` after the run: `restore` puts it back as it was (the run failed), `keep` accepts it. */
export interface OutDirectory {
  restore(): void;
  keep(): void;
}

/**
 * The largest metrics.jsonl a resume reads (it holds it to put it back should the resume fail):
 * the most one read takes (Node's 2 GiB), 20 times the some 100 MB of 10M steps (cli/metrics-file.ts).
 */
const MAX_RESUMED_METRICS_BYTES = 2 ** 31 - 1;

/** The bytes of the run's `file`, undefined when there is none, or a CliError naming it that says why it cannot be read (a device in its place, a file past `maxBytes`). */
function readRunFile(file: string, maxBytes: number): Buffer | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return readFileCapped(file, maxBytes);
  } catch (error) {
    throw new CliError(`--resume: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing was changed`);
  }
}

/**
 * Remembers what a failed run must put back in `out` (which the lock made for a new run): for a
 * resumed run (from the checkpoint's `resumeStep`), the length of metrics.jsonl and the best
 * evaluation (record and best/ checkpoint, which periodic evaluation replaces during training); a
 * new run's directory is emptied (the lock goes with the lock's release, and so does a directory
 * it made). A resume notes a metrics.jsonl that is gone, or that holds no record of the steps
 * trained when the checkpoint's training logged one (`checkpointLogged`).
 */
export function openOut(out: string, resume: boolean, resumeStep: number, metricsFile: string, checkpointLogged: boolean): OutDirectory {
  if (!resume) {
    return {
      restore: () => {
        for (const entry of readdirSync(out)) if (!isLockFile(entry)) rmSync(join(out, entry), { recursive: true, force: true });
      },
      keep: () => {},
    };
  }
  // a failed resume puts back every byte, the cut records included (a refused checkpoint cut them for good)
  const bestRecord = join(out, BEST_EVAL_FILE);
  const bestDir = join(out, BEST_SUBDIR);
  const metrics = readRunFile(metricsFile, MAX_RESUMED_METRICS_BYTES);
  const record = readRunFile(bestRecord, MAX_BEST_EVAL_BYTES); // before the cut below, which a refusal here would otherwise leave
  // every line read before anything is cut: a refused line leaves the file as it was
  const lines = metrics === undefined ? undefined : recordsPast(metricsFile, resumeStep, metrics.subarray(0, metrics.lastIndexOf(0x0a) + 1));
  // in --out, named after this process, not in the temp directory, where a kill left it for good:
  // the next train in --out removes it, or puts it back (removeKilledSessionLeftovers)
  const backup = existsSync(bestDir) ? join(out, `${BEST_BACKUP}${process.pid}-${Date.now()}`) : undefined;
  const dropBackup = (): void => {
    if (backup !== undefined) rmSync(backup, { recursive: true, force: true });
  };
  if (backup !== undefined) {
    try {
      cpSync(bestDir, backup, { recursive: true });
    } catch (error) {
      dropBackup();
      throw new CliError(`--resume: cannot copy ${bestDir} to ${backup}, to put it back should the session fail (${(error as NodeJS.ErrnoException).code ?? String(error)}); nothing was changed`);
    }
  }
  if (metrics !== undefined) {
    cutTornLastLine(metricsFile, metrics);
    if (lines!.past !== undefined) cutRecordsPast(metricsFile, resumeStep, lines!.past);
  }
  // the records of the steps trained go with the file: the run's curves will miss them (a DQN
  // run may have logged none yet: no episode finished, learning not started)
  if (resumeStep > 0 && (metrics === undefined || (checkpointLogged && lines!.upToResume === 0))) {
    process.stderr.write(`bdt-gym train: note: ${metricsFile} holds no record of the ${resumeStep} steps its checkpoint trained (was it emptied or removed?): the run's curves begin at this session, after step ${resumeStep}\n`);
  }
  return {
    restore: () => {
      if (metrics === undefined) rmSync(metricsFile, { force: true });
      else writeFileAtomic(metricsFile, metrics); // a kill while rewriting it in place emptied it, and the next resume went on without its records
      if (record === undefined) rmSync(bestRecord, { force: true });
      else writeFileAtomic(bestRecord, record);
      rmSync(bestDir, { recursive: true, force: true });
      // renamed, not copied: a kill leaves best/ missing beside the whole backup, which the next train puts back (removeKilledSessionLeftovers)
      if (backup !== undefined) renameSync(backup, bestDir);
    },
    keep: dropBackup,
  };
}

/**
 * Cuts a last line without a newline from `metricsFile` (its bytes `text`; a run killed while
 * appending left it), so the resumed run's records do not join it into a line no reader parses.
 */
function cutTornLastLine(metricsFile: string, text: Buffer): void {
  if (text.length === 0 || text[text.length - 1] === 0x0a) return;
  truncateSync(metricsFile, text.lastIndexOf(0x0a) + 1);
  process.stderr.write(`bdt-gym train: note: ${metricsFile} ended in a torn line (the run was stopped while writing it); it was cut before resuming\n`);
}

/**
 * Where the records after step `resumeStep` begin in `metricsFile`, whose complete lines are
 * `bytes` (bytes, not a decoded string: offsets stay byte offsets, and a file past V8's string
 * limit reads), and how many lines that is (`past`, undefined when there are none); and how many
 * records come before them (`upToResume`). A session stopped after its last checkpoint (kill -9,
 * power loss) logged steps the resumed run trains again, and they would interleave with its
 * records. A line before them that curves would refuse is refused here, before training:
 * appended to, the run's curves would not read.
 */
function recordsPast(metricsFile: string, resumeStep: number, bytes: Buffer): { past: { cutAt: number; lines: number } | undefined; upToResume: number } {
  let cutAt: number | undefined;
  let cut = 0;
  let upToResume = 0;
  for (let at = 0, line = 1; at < bytes.length; line++) {
    const newline = bytes.indexOf(0x0a, at);
    const end = newline < 0 ? bytes.length : newline;
    if (cutAt === undefined) {
      const text = bytes.toString('utf8', at, end);
      const step = stepOf(line === 1 ? withoutByteOrderMark(text) : text, `${metricsFile}:${line}`, resumeStep); // as curves reads it
      if (step !== undefined && step > resumeStep) cutAt = at;
      else if (step !== undefined) upToResume++;
    }
    if (cutAt !== undefined) cut++;
    at = end + 1;
  }
  return { past: cutAt === undefined ? undefined : { cutAt, lines: cut }, upToResume };
}

/** Cuts the records `past` the checkpoint's step `resumeStep` from `metricsFile` (see {@link recordsPast}). */
function cutRecordsPast(metricsFile: string, resumeStep: number, past: { cutAt: number; lines: number }): void {
  const { cutAt, lines: cut } = past;
  truncateSync(metricsFile, cutAt);
  process.stderr.write(`bdt-gym train: note: ${metricsFile} held records past the checkpoint's step ${resumeStep} (the last session stopped after its last checkpoint, which the resumed run trains on from): the ${plural(cut, 'line')} from the first of them on ${cut === 1 ? 'was' : 'were'} cut before resuming\n`);
}

/**
 * The "step" of a complete metrics line at `where` (`file:line`); undefined for a blank one; a
 * CliError for one curves refuses, unless its step is past `resumeStep`: the resume cuts it, as
 * every line after it, unread.
 */
function stepOf(line: string, where: string, resumeStep: number): number | undefined {
  if (line.trim() === '') return undefined;
  try {
    return parseMetricsLine(line, where).step;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    const step = stepField(line);
    if (step !== undefined && step > resumeStep) return step;
    throw new CliError(`--resume: ${error.message}; nothing was changed: repair or remove that line (bdt-gym curves refuses it too), then resume`);
  }
}

/** The "step" of a JSON object line, when it is a finite number (whatever else the line holds). */
function stepField(line: string): number | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  const step = typeof record === 'object' && record !== null ? (record as { step?: unknown }).step : undefined;
  return typeof step === 'number' && Number.isFinite(step) ? step : undefined;
}
