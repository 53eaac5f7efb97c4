/**
 * Whether the process that made a file may still be writing it. Files named after their writer's
 * pid (writeFileAtomic's temp files, a checkpoint save's siblings) outlive a writer that is
 * killed, and the pid may by then be another process's: a container's after a restart, whose
 * pid 1 always runs. On Linux, /proc tells them apart: a process that started after the file
 * was made is not its writer, once the file is old enough that a wall clock stepped forward since
 * the write cannot explain it. Elsewhere a running pid counts as the writer.
 *
 * A file that can hold more than a name (train's run lock) records its writer's start instead
 * ({@link processStart}), which no clock step moves, and {@link isStillRunning} compares it.
 */
import { readFileSync } from 'node:fs';

/** The unit of /proc/<pid>/stat's start time, Linux's USER_HZ: 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * How far a start time read from /proc may be off (rounding to whole ticks, the clock slewed
 * since), counted in the writer's favour: a save or a write starts well after its process
 * (loading TensorFlow.js alone takes longer).
 */
const CLOCK_SLACK_MS = 1000;

/**
 * How old (by the wall clock now) a file of a running pid must be before a start time after it
 * rules that process out. The start time is placed on today's wall clock and the file's time on
 * the wall clock of its write, so a clock stepped forward in between (NTP at boot, a VM resumed)
 * makes a live writer look younger than its file; a write under way keeps its file's time recent.
 */
export const STEPPED_CLOCK_MS = 60_000;

/**
 * Whether process `pid` may be the one that made a file at `madeAtMs` (ms since the epoch) and
 * still be writing it: it runs (or belongs to another user), and did not start after that time
 * or the file is under a minute old.
 */
export function mayBeWriting(pid: number, madeAtMs: number): boolean {
  if (!isRunning(pid)) return false;
  if (Date.now() - madeAtMs < STEPPED_CLOCK_MS) return true;
  const started = processStartMs(pid);
  return started === undefined || started <= madeAtMs + CLOCK_SLACK_MS;
}

/**
 * What tells a process apart from a later one with its pid: when it started, in ticks after boot
 * (/proc/<pid>/stat), and which boot (/proc/sys/kernel/random/boot_id; the ticks start again at 0).
 */
export interface ProcessStart {
  readonly startTicks: number;
  readonly bootId?: string;
}

/** Process `pid`'s start where /proc tells it (Linux, a /proc of this process's pid namespace), else undefined. */
export function processStart(pid: number): ProcessStart | undefined {
  // another namespace's /proc (`unshare --pid` without a /proc of its own) holds other processes under these pids
  if (procPid('self') !== process.pid) return undefined;
  const ticks = startTicks(pid);
  if (ticks === undefined) return undefined;
  const bootId = currentBootId();
  return bootId === undefined ? { startTicks: ticks } : { startTicks: ticks, bootId };
}

/**
 * Whether the process that was `pid` and started at `start` (its {@link processStart} then) still
 * runs: `pid` runs (or belongs to another user), and where /proc tells its start now, it is that
 * one, in the same boot. Where /proc tells nothing now, a running pid counts as that process.
 */
export function isStillRunning(pid: number, start: ProcessStart): boolean {
  if (!isRunning(pid)) return false;
  const now = processStart(pid);
  if (now === undefined) return true;
  const sameBoot = start.bootId === undefined || now.bootId === undefined || start.bootId === now.bootId;
  return sameBoot && now.startTicks === start.startTicks;
}

/** Whether process `pid` runs: a signal can be sent to it, or it is another user's (EPERM). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This boot's id, or undefined where the kernel does not tell it. */
function currentBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** When process `pid` started (ms since the epoch), or undefined where /proc does not tell it reliably. */
function processStartMs(pid: number): number | undefined {
  const bootMs = bootTimeMs();
  const ticks = startTicks(pid);
  return bootMs === undefined || ticks === undefined ? undefined : bootMs + (ticks / TICKS_PER_SECOND) * 1000;
}

/**
 * When the system booted (ms since the epoch, on today's wall clock) as /proc counts start times
 * from it, checked on this process: undefined, so no start time is trusted, unless its start
 * ticks agree with how long Node has run it (not so for another tick rate, or a suspend since it
 * started, which /proc's clock counts and Node's does not). Every time here derives from one
 * Date.now(), so a wall clock stepped since a file was written goes unseen (see STEPPED_CLOCK_MS).
 */
function bootTimeMs(): number | undefined {
  let uptimeSeconds: number;
  try {
    uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
  const ownTicks = startTicks(process.pid);
  if (!Number.isFinite(uptimeSeconds) || ownTicks === undefined) return undefined;
  const now = Date.now();
  const bootMs = now - uptimeSeconds * 1000;
  const ownStartMs = now - process.uptime() * 1000;
  return Math.abs(bootMs + (ownTicks / TICKS_PER_SECOND) * 1000 - ownStartMs) <= CLOCK_SLACK_MS ? bootMs : undefined;
}

/** Field 22 of /proc/<pid>/stat: the process's start, in ticks after boot. */
function startTicks(pid: number): number | undefined {
  const stat = readStat(pid);
  if (stat === undefined) return undefined;
  // the fields after the command name (field 2, in parentheses, which may itself hold spaces and parentheses), from field 3 on
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[22 - 3]);
  return Number.isInteger(ticks) && ticks >= 0 ? ticks : undefined;
}

/** Field 1 of /proc/<pid>/stat: the pid, as that /proc's namespace numbers it. */
function procPid(pid: number | 'self'): number | undefined {
  const stat = readStat(pid);
  return stat === undefined ? undefined : Number.parseInt(stat, 10);
}

function readStat(pid: number | 'self'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}
