/**
 * One `bdt-gym train` per run directory (cli/run-lock.ts): a second train into an --out another
 * holds is refused before it reads or writes anything there (two trains into one --out both
 * exited 0, one's checkpoint replacing the other's, metrics.jsonl interleaving both); a lock whose
 * train is gone is taken over with a note; the lock is no file of the run. The lock is taken in
 * the test (as this process's, which is running), so nothing depends on timing.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../cli/errors.ts';
import { bdtGym, snapshot, type CliResult } from './in-process-cli.ts';

const bin = new URL('../../bin/bdt-gym.js', import.meta.url).pathname;
const TRAIN = ['train', '--agent', 'ppo', '--env', 'CartPole-v1', '--backend', 'wasm', '--eval-episodes', '0'];
/** A pid above Linux's largest pid_max: no process has it. */
const DEAD_PID = 2 ** 22 + 12345;

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
    const text = lock(held, process.pid);
    assertRefused(await bdtGym(...TRAIN, '--steps', '64', '--out', held), `--out ${held}: another bdt-gym train (pid ${process.pid}) is using this run; wait for it or give another --out`);
    assert.deepEqual(readdirSync(held), ['.lock']);
    assert.equal(readFileSync(join(held, '.lock'), 'utf8'), text, "the holder's lock is left alone");

    // the records past the checkpoint a resume cuts, and the checkpoint it reads, are the holder's
    const resumed = join(dir, 'resumed-held');
    cpSync(run, resumed, { recursive: true });
    appendFileSync(join(resumed, 'metrics.jsonl'), '{"step":1024,"charts/episodic_return":1}\n');
    lock(resumed, process.pid);
    const before = snapshot(resumed);
    assertRefused(await bdtGym(...TRAIN, '--steps', '1024', '--out', resumed, '--resume'), `--out ${resumed}: another bdt-gym train (pid ${process.pid}) is using this run; wait for it or give another --out`);
    assert.deepEqual(snapshot(resumed), before);

    // another process: refused with one line, exit 1
    const proc = spawnSync(process.execPath, [bin, ...TRAIN, '--steps', '64', '--out', held], { encoding: 'utf8' });
    assert.equal(proc.stderr, `bdt-gym: --out ${held}: another bdt-gym train (pid ${process.pid}) is using this run; wait for it or give another --out\n`);
    assert.equal(proc.status, 1);
    assert.deepEqual(readdirSync(held), ['.lock']);
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

    // a resume too; and a pid taken again (this process's, which started after the lock was taken) where /proc tells it
    lock(stale, process.platform === 'linux' ? process.pid : DEAD_PID, new Date('2000-01-01T00:00:00Z'));
    const resumed = await bdtGym(...TRAIN, '--steps', '1024', '--out', stale, '--resume');
    assert.equal(resumed.error, undefined, String(resumed.error));
    const which = process.platform === 'linux' ? 'now belongs to a process started since' : 'is no longer running';
    assert.ok(resumed.stderr.startsWith(`bdt-gym train: note: --out ${stale}: took over the lock of pid ${process.platform === 'linux' ? process.pid : DEAD_PID} (taken 2000-01-01T00:00:00.000Z), which ${which}: that train was killed\n`), resumed.stderr);
    assert.ok(!existsSync(join(stale, '.lock')));
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
    const holder = new URL('./fixtures/hold-run-lock.ts', import.meta.url).pathname;
    const exiting = join(dir, 'exiting');
    mkdirSync(exiting);
    const exited = spawnSync(process.execPath, ['--import', 'tsx/esm', holder, exiting, '3'], { encoding: 'utf8' });
    assert.equal(exited.stdout, 'locked\n', exited.stderr);
    assert.equal(exited.status, 3);
    assert.deepEqual(readdirSync(exiting), []);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const out = join(dir, `signalled-${signal}`);
      mkdirSync(out);
      const child = spawn(process.execPath, ['--import', 'tsx/esm', holder, out], { stdio: ['ignore', 'pipe', 'inherit'] });
      const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
      assert.equal(line, 'locked\n');
      assert.ok(existsSync(join(out, '.lock')));
      child.kill(signal);
      const [code, ended] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      assert.deepEqual([code, ended], [null, signal], 'ended by the signal, as without the lock');
      assert.deepEqual(readdirSync(out), [], `released at ${signal}`);
    }
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
