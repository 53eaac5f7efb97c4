/**
 * Trains starting at once on the run of a killed train (cli/run-lock.ts): each judges its lock
 * stale, and exactly one of them may take it over, or two train into one --out. The contenders
 * are lockRun calls of this process, one run whole at a step of another's taking
 * (lockSteps.between), in every such interleaving of two and of three; each takes the lock as a
 * train of another process would (a lock this process holds is another train's to it). And a
 * train killed at any step of a takeover leaves nothing that keeps the next one out.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../../cli/errors.ts';
import { isLockFile, lockRun, lockSteps, type RunLock } from '../../cli/run-lock.ts';

/** A pid above Linux's largest pid_max: no process has it. */
const DEAD_PID = 2 ** 22 + 12345;
const killedTaker = fileURLToPath(new URL('./fixtures/take-over-killed.ts', import.meta.url));

/** Contender `run` starts (and runs to its end) at the `at`-th step (from 0) of contender `in`'s taking. */
interface Nested {
  readonly in: number;
  readonly at: number;
  readonly run: number;
}

interface Contest {
  /** Each contender's lock, or what it threw. */
  readonly outcomes: readonly (RunLock | unknown)[];
  /** What was written to stderr (the notes of takeovers). */
  readonly notes: readonly string[];
  /** How many steps each contender took. */
  readonly steps: readonly number[];
}

/** A fresh `out` holding the lock of a killed train. */
function killedTrainLock(out: string): void {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  writeFileSync(join(out, '.lock'), `${JSON.stringify({ pid: DEAD_PID, since: new Date(0).toISOString() })}\n`);
}

/** Runs `count` contenders for the lock of `out` as `schedule` nests them (any not started by then, after). */
function contend(out: string, count: number, schedule: readonly Nested[]): Contest {
  const outcomes: unknown[] = new Array(count);
  const steps = new Array<number>(count).fill(0);
  const started = new Set<number>();
  const running: number[] = [];
  const notes: string[] = [];
  const start = (contender: number): void => {
    started.add(contender);
    running.push(contender);
    try {
      outcomes[contender] = lockRun(out, false);
    } catch (error) {
      outcomes[contender] = error;
    } finally {
      running.pop();
    }
  };
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    notes.push(chunk);
    return true;
  }) as typeof process.stderr.write;
  lockSteps.between = () => {
    const contender = running.at(-1)!;
    const step = steps[contender]!++;
    for (const nested of schedule) if (nested.in === contender && nested.at === step) start(nested.run);
  };
  try {
    for (let contender = 0; contender < count; contender++) if (!started.has(contender)) start(contender);
  } finally {
    delete lockSteps.between;
    process.stderr.write = write;
  }
  return { outcomes, notes, steps };
}

/** Exactly one contender holds the lock, the others are refused, at most one note says the killed train's lock was taken over, and its release leaves no lock file. */
function assertOneHolder(out: string, { outcomes, notes }: Contest, label: string): void {
  const holders = outcomes.filter((outcome) => !(outcome instanceof Error)) as RunLock[];
  try {
    assert.equal(holders.length, 1, `${label}: ${holders.length} contenders hold the lock`);
    for (const outcome of outcomes) {
      if (!(outcome instanceof Error)) continue;
      assert.ok(outcome instanceof CliError && /is using this run|keep taking its lock/.test(outcome.message), `${label}: ${outcome.stack}`);
    }
    // (none when another contender removed it and the holder found no lock)
    assert.ok(notes.length <= 1, `${label}: ${notes.join('')}`);
    for (const note of notes) assert.equal(note, `bdt-gym train: note: --out ${out}: took over the lock of pid ${DEAD_PID} (taken ${new Date(0).toISOString()}), which is no longer running: that train was killed\n`, label);
  } finally {
    for (const holder of holders) holder.release();
  }
  assert.deepEqual(readdirSync(out).filter(isLockFile), [], `${label}: left behind`);
}

describe('run lock: trains starting at once on a killed train\'s run', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-lock-race-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('two: one takes it over, whatever step of its taking the other runs at', () => {
    const out = join(dir, 'two');
    killedTrainLock(out);
    const lone = contend(out, 1, []);
    assertOneHolder(out, lone, 'alone');
    assert.ok(lone.steps[0]! >= 2);
    for (let at = 0; ; at++) {
      killedTrainLock(out);
      const contest = contend(out, 2, [{ in: 0, at, run: 1 }]);
      assertOneHolder(out, contest, `second at step ${at} of the first`);
      if (contest.steps[0]! <= at) break; // the second ran after the first (a step past its last)
    }
  });

  it('three: one takes it over, the second run at any step of the first and the third at any step of the first or the second', () => {
    const out = join(dir, 'three');
    for (let at = 0; ; at++) {
      let firstSteps = 0;
      for (const host of [0, 1]) {
        for (let thirdAt = host === 0 ? at : 0; ; thirdAt++) {
          killedTrainLock(out);
          const contest = contend(out, 3, [{ in: 0, at, run: 1 }, { in: host, at: thirdAt, run: 2 }]);
          assertOneHolder(out, contest, `second at step ${at} of the first, third at step ${thirdAt} of the ${host === 0 ? 'first' : 'second'}`);
          firstSteps = contest.steps[0]!;
          if (contest.steps[host]! <= thirdAt) break;
        }
      }
      if (firstSteps <= at) break;
    }
  });

  it('a train killed at any step of taking it over leaves nothing that keeps the next train out', function () {
    const out = join(dir, 'killed');
    for (let at = 0; ; at++) {
      killedTrainLock(out);
      const taker = spawnSync(process.execPath, ['--import', 'tsx/esm', killedTaker, out, String(at)], { encoding: 'utf8' });
      const completed = taker.status === 0;
      assert.ok(completed || taker.signal === 'SIGKILL', `step ${at}: ${taker.status} ${taker.signal} ${taker.stderr}`);
      assertOneHolder(out, contend(out, 1, []), `the next train, after one killed at step ${at}`);
      if (completed) break; // took the lock (released as it exited) before that step
    }
  });

  it('trains killed one after another while taking it over leave marks that do not keep the next lone train out', function () {
    const out = join(dir, 'killed-twice');
    for (let first = 0; first < 4; first++) {
      for (let second = 0; second < 4; second++) {
        killedTrainLock(out);
        for (const at of [first, second]) spawnSync(process.execPath, ['--import', 'tsx/esm', killedTaker, out, String(at)], { encoding: 'utf8' });
        assertOneHolder(out, contend(out, 1, []), `the next train, after two killed at steps ${first} and ${second}`);
      }
    }
  });
});
