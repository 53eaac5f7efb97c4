/**
 * One `bdt-gym train` per run directory (cli/run-lock.ts): a second train into an --out another
 * holds is refused before it reads or writes anything there (two trains into one --out both
 * exited 0, one's checkpoint replacing the other's, metrics.jsonl interleaving both); a lock whose
 * train is gone is taken over with a note; the lock is no file of the run. A live holder is a
 * child process holding the lock (fixtures/hold-run-lock.ts) until the test ends it, so nothing
 * depends on timing.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../../cli/errors.ts';
import { lockRun } from '../../cli/run-lock.ts';
import { bdtGym, snapshot, type CliResult } from './in-process-cli.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const TRAIN = ['train', '--agent', 'ppo', '--env', 'CartPole-v1', '--backend', 'wasm', '--eval-episodes', '0'];
/** A pid above Linux's largest pid_max: no process has it. */
const DEAD_PID = 2 ** 22 + 12345;

const holderScript = fileURLToPath(new URL('./fixtures/hold-run-lock.ts', import.meta.url));

/** A process that holds the lock of `out` (and keeps running until ended), once it holds it. */
async function holdLock(out: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', holderScript, out], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
  assert.equal(line, 'locked\n');
  return child;
}

async function end(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Writes the lock of a train with `pid` that took it at `since` into `out`. */
function lock(out: string, pid: number, since = new Date()): string {
  const text = `${JSON.stringify({ pid, since: since.toISOString() })}\n`;
  writeFileSync(join(out, '.lock'), text);
  return text;
}

function assertRefused(result: CliResult, message: string): void {
  assert.ok(result.error instanceof CliError, `expected a CliError, got ${result.error instanceof Error ? result.error.stack : String(result.error)}`);
  assert.equal(result.error.message, message);
}

describe('bdt-gym train: one train per run directory (the --out lock)', function () {
  this.timeout(120_000);
  let dir: string;
  let run: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-train-lock-'));
    run = join(dir, 'run');
    const trained = await bdtGym(...TRAIN, '--steps', '512', '--out', run);
    assert.equal(trained.error, undefined, String(trained.error));
    assert.ok(!existsSync(join(run, '.lock')), 'released at the end of the run');
  });

  it('refuses a new run into an --out another train holds, and a --resume of the run it holds, before reading or writing anything there', async () => {
    const held = join(dir, 'held');
    mkdirSync(held);
    const holder = await holdLock(held);
    // the records past the checkpoint a resume cuts, and the checkpoint it reads, are the holder's
    const resumed = join(dir, 'resumed-held');
    cpSync(run, resumed, { recursive: true });
    appendFileSync(join(resumed, 'metrics.jsonl'), '{"step":1024,"charts/episodic_return":1}\n');
    const resumedHolder = await holdLock(resumed);
    try {
      const text = readFileSync(join(held, '.lock'), 'utf8');
      assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', held), `--out ${held}: another bdt-gym train (pid ${holder.pid}) is using this run; wait for it or give another --out`);
      assert.deepEqual(readdirSync(held), ['.lock']);
      assert.equal(readFileSync(join(held, '.lock'), 'utf8'), text, "the holder's lock is left alone");

      const before = snapshot(resumed);
      assertRefused(await bdtGym(...TRAIN, '--steps', '1024', '--out', resumed, '--resume'), `--out ${resumed}: another bdt-gym train (pid ${resumedHolder.pid}) is using this run; wait for it or give another --out`);
      assert.deepEqual(snapshot(resumed), before);

      // another process: refused with one line, exit 1
      const proc = spawnSync(process.execPath, [bin, ...TRAIN, '--steps', '64', '--out', held], { encoding: 'utf8' });
      assert.equal(proc.stderr, `bdt-gym: --out ${held}: another bdt-gym train (pid ${holder.pid}) is using this run; wait for it or give another --out\n`);
      assert.equal(proc.status, 1);
      assert.deepEqual(readdirSync(held), ['.lock']);
    } finally {
      await end(holder);
      await end(resumedHolder);
    }
  });

  it("a live holder's lock is judged by its process, not by the wall clock: refused however long before that process's start its time says it was taken (a clock stepped forward since)", async () => {
    const stepped = join(dir, 'stepped');
    mkdirSync(stepped);
    const holder = await holdLock(stepped);
    try {
      const file = join(stepped, '.lock');
      writeFileSync(file, `${JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), since: '2000-01-01T00:00:00.000Z' })}\n`);
      assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', stepped), `--out ${stepped}: another bdt-gym train (pid ${holder.pid}) is using this run; wait for it or give another --out`);
      assert.deepEqual(readdirSync(stepped), ['.lock']);
    } finally {
      await end(holder);
    }
  });

  it('a lock this process holds is refused to another session of it', () => {
    const own = join(dir, 'own');
    const held = lockRun(own, true);
    try {
      assert.throws(() => lockRun(own, true), (error: unknown) => error instanceof CliError && error.message === `--out ${own}: another bdt-gym train (pid ${process.pid}) is using this run; wait for it or give another --out`);
    } finally {
      held.release();
    }
    assert.ok(!existsSync(own));
  });

  it('a lock this process holds is refused through another path to its --out (a symlink), not taken over as a killed train of its pid', () => {
    const own = join(dir, 'own-linked');
    const link = join(dir, 'own-link');
    const held = lockRun(own, true);
    try {
      symlinkSync(own, link);
      assert.throws(() => lockRun(link, true), (error: unknown) => error instanceof CliError && error.message.startsWith(`--out ${link}: another bdt-gym train (pid ${process.pid}) is using this run`));
    } finally {
      held.release();
    }
  });

  it('judges a lock that does not record its holder\'s start (taken where /proc told nothing) by when it was taken: a running pid that started after that is not its holder', function () {
    if (process.platform !== 'linux') this.skip(); // elsewhere a running pid is taken for the holder
    const old = join(dir, 'startless');
    mkdirSync(old);
    // pid 1 runs, and started long after 2000
    lock(old, 1, new Date('2000-01-01T00:00:00.000Z'));
    const taken = lockRun(old, true);
    taken.release();
  });

  it('takes over, with a note, the lock of a train that is gone (a dead pid), or whose pid is now a process started since, and releases it at the end', async () => {
    const stale = join(dir, 'stale');
    mkdirSync(stale);
    const since = new Date(Date.now() - 60_000);
    lock(stale, DEAD_PID, since);
    const fresh = await bdtGym(...TRAIN, '--steps', '64', '--out', stale);
    assert.equal(fresh.error, undefined, String(fresh.error));
    assert.ok(fresh.stderr.startsWith(`bdt-gym train: note: --out ${stale}: took over the lock of pid ${DEAD_PID} (taken ${since.toISOString()}), which is no longer running: that train was killed\n`), fresh.stderr);
    assert.ok(!existsSync(join(stale, '.lock')));

    // a resume too, of a lock taken a moment ago by this process's pid, which this process does not
    // hold: a train killed in a container restarted (as pid 1 again) within the minute
    const restarted = new Date();
    lock(stale, process.pid, restarted);
    const resumed = await bdtGym(...TRAIN, '--steps', '1024', '--out', stale, '--resume');
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.ok(resumed.stderr.startsWith(`bdt-gym train: note: --out ${stale}: took over the lock of pid ${process.pid} (taken ${restarted.toISOString()}), which now belongs to a process started since: that train was killed\n`), resumed.stderr);
    assert.ok(!existsSync(join(stale, '.lock')));
  });

  it('takes over the lock of a running pid that /proc shows is another process than the one that took it (another start or boot), at once', async function () {
    if (process.platform !== 'linux') this.skip(); // elsewhere a running pid is taken for the holder
    const reused = join(dir, 'reused');
    cpSync(run, reused, { recursive: true });
    const other = await holdLock(join(dir, 'reused-other')); // a running process, which took its own lock
    try {
      const file = join(reused, '.lock');
      const taken = JSON.parse(readFileSync(join(dir, 'reused-other', '.lock'), 'utf8')) as { pid: number; since: string; startTicks: number };
      // what the lock of a killed train says whose pid that process has since taken: its start, before this process's
      writeFileSync(file, `${JSON.stringify({ ...taken, startTicks: taken.startTicks - 1 })}\n`);
      const resumed = await bdtGym(...TRAIN, '--steps', '1024', '--out', reused, '--resume');
      assert.equal(resumed.error, undefined, String(resumed.error));
      assert.ok(resumed.stderr.startsWith(`bdt-gym train: note: --out ${reused}: took over the lock of pid ${other.pid} (taken ${taken.since}), which now belongs to a process started since: that train was killed\n`), resumed.stderr);
      assert.ok(!existsSync(file));

      // the same start in another boot (the ticks count from each boot): a process started since
      writeFileSync(file, `${JSON.stringify({ ...taken, bootId: 'another boot' })}\n`);
      const rebooted = await bdtGym(...TRAIN, '--steps', '1536', '--out', reused, '--resume');
      assert.equal(rebooted.error, undefined, String(rebooted.error));
      assert.ok(rebooted.stderr.startsWith(`bdt-gym train: note: --out ${reused}: took over the lock of pid ${other.pid} (taken ${taken.since}), which now belongs to a process started since: that train was killed\n`), rebooted.stderr);
    } finally {
      await end(other);
    }
  });

  it('the lock is no file of the run: a refusal does not list it, and a refused or failed new run leaves no lock nor the --out it made', async () => {
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    lock(other, DEAD_PID);
    const refused = await bdtGym(...TRAIN, '--steps', '64', '--out', other);
    assert.ok(refused.error instanceof CliError && refused.error.message === `--out ${other} is not empty (notes.txt) and holds no run: a new run needs a missing or empty directory; give another --out; nothing was changed`, String(refused.error));
    assert.deepEqual(readdirSync(other), ['notes.txt']);

    // refused after --out was made for the lock (no evaluation would run): --out is removed again
    const made = join(dir, 'made', 'run');
    const late = await bdtGym(...TRAIN, '--steps', '512', '--eval-freq', '1024', '--out', made);
    assert.ok(late.error instanceof CliError && /no evaluation would run$/.test(late.error.message), String(late.error));
    assert.ok(!existsSync(join(dir, 'made')), 'the directories made for the lock are removed');

    // an empty --out that fails (diverges) is left empty: no lock
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const diverging = join(dir, 'diverging.json');
    writeFileSync(diverging, JSON.stringify({ agent: 'ppo', env: 'CartPole-v1', hyperparameters: { vfCoef: 1e38 } }));
    const failed = await bdtGym('train', '--preset', diverging, '--steps', '1024', '--out', empty, '--backend', 'wasm', '--checkpoint-freq', '0');
    assert.ok(failed.error instanceof CliError && /^training diverged/.test(failed.error.message), String(failed.error));
    assert.deepEqual(readdirSync(empty), []);
  });

  it('is released when the process ends by process.exit (a reader gone after training) or by a signal no training catches, which still ends it', async () => {
    const exiting = join(dir, 'exiting');
    mkdirSync(exiting);
    const exited = spawnSync(process.execPath, ['--import', 'tsx/esm', holderScript, exiting, '3'], { encoding: 'utf8' });
    assert.equal(exited.stdout, 'locked\n', exited.stderr);
    assert.equal(exited.status, 3);
    assert.deepEqual(readdirSync(exiting), []);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const out = join(dir, `signalled-${signal}`);
      mkdirSync(out);
      const child = spawn(process.execPath, ['--import', 'tsx/esm', holderScript, out], { stdio: ['ignore', 'pipe', 'inherit'] });
      const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
      assert.equal(line, 'locked\n');
      assert.ok(existsSync(join(out, '.lock')));
      child.kill(signal);
      const [code, ended] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      assert.deepEqual([code, ended], [null, signal], 'ended by the signal, as without the lock');
      assert.deepEqual(readdirSync(out), [], `released at ${signal}`);
    }
  });

  it('takes over, with a note, the lock of a train killed while taking it: the lock never lies there empty, saying no holder', async () => {
    const out = join(dir, 'killed-taking');
    const killed = spawnSync(process.execPath, ['--import', 'tsx/esm', fileURLToPath(new URL('./fixtures/killed-taking-run-lock.ts', import.meta.url)), out], { encoding: 'utf8' });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.ok(existsSync(join(out, '.lock')), 'killed once its lock was there');
    const trained = await bdtGym(...TRAIN, '--steps', '64', '--out', out);
    assert.equal(trained.error, undefined, String(trained.error));
    assert.match(trained.stderr, new RegExp(`bdt-gym train: note: --out ${out}: took over the lock of pid ${killed.pid} \\(taken [^)]*\\), which is no longer running: that train was killed\n`));
    assert.deepEqual(readdirSync(out).sort(), ['checkpoint', 'metrics.jsonl', 'summary.json']);
  });

  it('a lock whose link succeeded but reported EEXIST (a lost reply over NFS) is held, not taken over from itself as a killed train', () => {
    const lostReply = fileURLToPath(new URL('./fixtures/lost-link-reply.ts', import.meta.url));
    const take = (out: string, links: string[] = []) => {
      const taken = spawnSync(process.execPath, ['--import', 'tsx/esm', lostReply, out, ...links], { encoding: 'utf8' });
      assert.equal(taken.status, 0, taken.stderr);
      return JSON.parse(taken.stdout) as { lock: string; stderr: string; pid: number };
    };
    const fresh = take(join(dir, 'lost-reply'));
    assert.equal(JSON.parse(fresh.lock).pid, fresh.pid);
    assert.equal(fresh.stderr, '', 'no note of a takeover');
    // a killed train's lock taken over, the mark's link and the lock's both losing their replies
    const out = join(dir, 'lost-replies-stale');
    mkdirSync(out);
    lock(out, DEAD_PID);
    const stale = take(out, ['every']);
    assert.equal(JSON.parse(stale.lock).pid, stale.pid);
    assert.match(stale.stderr, new RegExp(`^bdt-gym train: note: --out ${out}: took over the lock of pid ${DEAD_PID} \\(taken [^)]*\\), which is no longer running: that train was killed\n$`));
    assert.deepEqual(readdirSync(out), [], 'no mark left, the lock released');
  });

  it("a new run is not refused for the temp file another train writes its lock in, taking it meanwhile, nor removes that file", async () => {
    const out = join(dir, 'taken-meanwhile');
    mkdirSync(out);
    // as tempFileFor names it in a running process (this one's parent), for `.lock`
    const taking = `.bdt-gym-${process.ppid}-0-00000000-${createHash('sha256').update('.lock').digest('hex').slice(0, 8)}.tmp`;
    writeFileSync(join(out, taking), '');
    const trained = await bdtGym(...TRAIN, '--steps', '64', '--out', out);
    assert.equal(trained.error, undefined, String(trained.error));
    assert.deepEqual(readdirSync(out).sort(), [taking, 'checkpoint', 'metrics.jsonl', 'summary.json']);
  });

  it("the temp files a lock and a takeover's mark are written in are the lock's files, as a listing of the run sees them", () => {
    const out = join(dir, 'stale-links');
    mkdirSync(out);
    lock(out, DEAD_PID);
    const taken = spawnSync(process.execPath, ['--import', 'tsx/esm', fileURLToPath(new URL('./fixtures/lock-link-sources.ts', import.meta.url)), out], { encoding: 'utf8' });
    assert.equal(taken.status, 0, taken.stderr);
    const links = JSON.parse(taken.stdout) as Array<{ name: string; lockFile: boolean }>;
    assert.deepEqual(links.map(({ name, lockFile }) => [name.replace(/-[0-9a-f]{16}$/, '-<digest>'), lockFile]), [['.lock', true], ['.lock.takeover-<digest>', true], ['.lock', true]], 'the stale lock found, the mark, the lock');
  });

  it('refuses a lock file that does not say which train holds it, naming it', async () => {
    const garbled = join(dir, 'garbled');
    mkdirSync(garbled);
    writeFileSync(join(garbled, '.lock'), '');
    assertRefused(
      await bdtGym(...TRAIN, '--steps', '64', '--out', garbled),
      `--out ${garbled}: its lock file ${join(garbled, '.lock')}, which keeps two bdt-gym trains from writing one run, does not say which train holds it (""); if no train is using this run, remove it`,
    );
    assert.deepEqual(readdirSync(garbled), ['.lock']);
  });
});
