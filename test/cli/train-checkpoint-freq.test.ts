/**
 * `bdt-gym train --checkpoint-freq` and failed writes during training: a run killed with SIGKILL
 * after a periodic checkpoint resumes from it; a run that fails after one is kept as it left it;
 * a new run that fails before one is discarded, the message saying so (its best/ checkpoint
 * too); a best/ save that fails is warned about and training goes on. Write failures are injected
 * by replacing node:fs functions (syncBuiltinESMExports makes the modules' imports see them).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import fs, { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CliError, FailureWithNote } from '../../cli/errors.ts';
import { make, register, setWarningHandler, unregister } from '../../env/index.ts';
import { FileWriteError } from '../../node/atomic-write.ts';
import { bdtGym } from './in-process-cli.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const TRAIN = ['train', '--agent', 'ppo', '--env', 'CartPole-v1', '--backend', 'wasm', '--eval-episodes', '0'];

/** Waits (up to a minute) until `ready()` holds. */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !ready(); waited += 50) {
    if (waited > 60_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs `body` with node:fs's `name` replaced by `replacement` (given the original). */
async function withReplaced<T>(name: 'appendFileSync' | 'mkdirSync' | 'renameSync', replacement: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown, body: () => Promise<T>): Promise<T> {
  const original = fs[name] as (...args: unknown[]) => unknown;
  (fs as unknown as Record<string, unknown>)[name] = replacement((...args) => original.apply(fs, args));
  syncBuiltinESMExports();
  try {
    return await body();
  } finally {
    (fs as unknown as Record<string, unknown>)[name] = original;
    syncBuiltinESMExports();
  }
}

/** Runs `body` with node:fs's `name` failing with ENOSPC for the calls `fails` picks (its first argument). */
function withFailing<T>(name: 'appendFileSync' | 'mkdirSync', fails: (path: string) => boolean, body: () => Promise<T>): Promise<T> {
  return withReplaced(
    name,
    (original) =>
      (...args) => {
        if (fails(String(args[0]))) throw Object.assign(new Error(`ENOSPC: no space left on device, ${name} '${String(args[0])}'`), { code: 'ENOSPC' });
        return original(...args);
      },
    body,
  );
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const globalStep = (out: string): number => json(join(out, 'checkpoint', 'manifest.json')).counters.globalStep;

describe('bdt-gym train --checkpoint-freq, and failed writes during training', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-checkpoint-freq-'));
  });

  it('a run killed with SIGKILL after a periodic checkpoint resumes from it: summary.json describes it, the lock is taken over, the records past it are cut', async () => {
    const out = join(dir, 'killed');
    const child = spawn(process.execPath, [bin, ...TRAIN, '--steps', '10000000', '--checkpoint-freq', '2048', '--out', out], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await until(() => existsSync(join(out, 'checkpoint', 'manifest.json')), 'the first periodic checkpoint');
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    const saved = globalStep(out);
    assert.ok(saved >= 2048 && saved % 512 === 0, `checkpoint at ${saved}: a whole rollout at or past a multiple of 2048`);
    // whenever it is killed: the run's envKwargs (none here: not a B-DT env, whose manifest would tell them) are in summary.json
    const summary = json(join(out, 'summary.json'));
    assert.equal(summary.env, 'CartPole-v1');
    assert.equal(summary.envKwargs, undefined);
    assert.equal(summary.interrupted, true);
    assert.ok(summary.steps <= saved, "the summary is of this checkpoint, or (killed between the two) of the one before or of the run's start");
    assert.ok(existsSync(join(out, '.lock')), 'the killed train left its lock');

    const resumed = spawnSync(process.execPath, [bin, ...TRAIN, '--out', out, '--steps', String(saved + 512), '--resume', '--json'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`^bdt-gym train: note: --out ${out}: took over the lock of pid ${child.pid} \\(taken [^)]+\\), which is no longer running: that train was killed\n`));
    const after = JSON.parse(resumed.stdout.trim().split('\n').pop()!);
    assert.equal(after.steps, saved + 512, 'trained on from the periodic checkpoint');
    assert.equal(json(join(out, 'checkpoint', 'manifest.json')).counters.resumes, 1);
    const steps = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).step as number);
    steps.forEach((step, i) => assert.ok(i === 0 || step >= steps[i - 1]!, `step ${step} after ${steps[i - 1]} at line ${i + 1}`));
    assert.ok(!existsSync(join(out, '.lock')));
  });

  it('a --resume killed with SIGKILL leaves nothing of the run outside --out (its backup of best/ stayed in the temp directory for good), and the next train removes what it left', async () => {
    const out = join(dir, 'killed-resume');
    const first = await bdtGym(...TRAIN, '--steps', '512', '--eval-freq', '512', '--periodic-eval-episodes', '1', '--out', out);
    assert.equal(first.error, undefined, String(first.error));
    assert.ok(existsSync(join(out, 'best')));
    const files = readdirSync(out).sort();
    const metrics = join(out, 'metrics.jsonl');
    const size = statSync(metrics).size;
    // the child's temp directory, to see what it leaves there
    const tmp = mkdtempSync(join(tmpdir(), 'bdt-resume-tmp-'));
    const env = { ...process.env, TMPDIR: tmp };
    const child = spawn(process.execPath, [bin, ...TRAIN, '--steps', '10000000', '--out', out, '--resume'], { stdio: 'ignore', env });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await until(() => statSync(metrics).size > size, "the resumed session's first update");
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    const leftInTmp = () => readdirSync(tmp).filter((name) => !name.startsWith('tsx-')); // (tsx's cache of the sources bin/bdt-gym.js runs)
    assert.deepEqual(leftInTmp(), [], 'nothing left in the temp directory');
    const resumed = spawnSync(process.execPath, [bin, ...TRAIN, '--out', out, '--steps', '1024', '--resume'], { encoding: 'utf8', env });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.deepEqual(readdirSync(out).sort(), files, 'nothing the killed session left');
    assert.deepEqual(leftInTmp(), []);
  });

  it("a resumed session killed while putting best/ back leaves it missing beside its whole backup, and the next train puts the backup in its place (it removed best/ and copied it back, and the next train deleted the backup unseen)", async () => {
    const out = join(dir, 'killed-restore');
    const first = await bdtGym(...TRAIN, '--steps', '512', '--eval-freq', '512', '--periodic-eval-episodes', '1', '--out', out);
    assert.equal(first.error, undefined, String(first.error));
    const bestDir = join(out, 'best');
    const bestManifest = readFileSync(join(bestDir, 'manifest.json'), 'utf8');
    const metrics = join(out, 'metrics.jsonl');
    const backups = () => readdirSync(out).filter((name) => name.startsWith('.best.backup-'));
    // the resumed session fails (a full disk) and puts the run back, and is killed as it puts back best/
    const killed = await withFailing('appendFileSync', (path) => path === metrics, () =>
      withReplaced(
        'renameSync',
        (original) =>
          (...args) => {
            if (args[1] === bestDir && basename(String(args[0])).startsWith('.best.backup-')) throw new Error('killed');
            return original(...args);
          },
        () => bdtGym(...TRAIN, '--steps', '1024', '--out', out, '--resume'),
      ),
    );
    assert.ok(killed.error !== undefined);
    assert.ok(!existsSync(bestDir), 'best/ removed before its backup is renamed into place');
    assert.equal(backups().length, 1, 'the backup, whole');
    const note = new RegExp(`^bdt-gym train: note: ${bestDir} was (missing|incomplete) \\(a session was killed while putting it back\\); it was restored from ${join(out, '.best.backup-')}\\d+-\\d+, that session's copy of it\n`, 'm');
    const resumed = await bdtGym(...TRAIN, '--steps', '1024', '--out', out, '--resume');
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.match(resumed.stderr, note);
    assert.equal(readFileSync(join(bestDir, 'manifest.json'), 'utf8'), bestManifest, 'best/ as it was');
    assert.deepEqual(backups(), []);
    // a kill while removing best/ leaves part of it
    cpSync(bestDir, join(out, `.best.backup-12345-${Date.now()}`), { recursive: true });
    rmSync(join(bestDir, 'manifest.json'));
    const again = await bdtGym(...TRAIN, '--steps', '1536', '--out', out, '--resume', '--eval-freq', '512', '--periodic-eval-episodes', '1');
    assert.equal(again.error, undefined, String(again.error));
    assert.match(again.stderr, note);
    assert.doesNotMatch(again.stderr, /best-eval\.json records/, "best-eval.json describes the best/ put back: the resume keeps it");
    assert.deepEqual(backups(), []);
  });

  it('a --resume that trains nothing of a run killed in its final save says that its summary.json still describes the checkpoint before (it said only "already trained")', () => {
    const out = join(dir, 'killed-final-save');
    const fixture = fileURLToPath(new URL('./fixtures/killed-in-final-save.ts', import.meta.url));
    const killed = spawnSync(process.execPath, [bin, '--import', fixture, ...TRAIN, '--steps', '1024', '--checkpoint-freq', '512', '--out', out], { encoding: 'utf8' });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.equal(globalStep(out), 1024);
    assert.equal(json(join(out, 'summary.json')).steps, 512);
    const resumed = spawnSync(process.execPath, [bin, ...TRAIN, '--steps', '1024', '--out', out, '--resume'], { encoding: 'utf8' });
    assert.equal(resumed.status, 1, resumed.stderr);
    const escaped = out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(resumed.stderr, new RegExp(`bdt-gym: --resume: ${escaped} is already trained to 1024 env steps, so --steps 1024 trains nothing \\(it is the total, not an increment\\); give --steps 1536 or more; its ${escaped}/summary\\.json still describes step 512 \\(a train killed as it saved the run's last checkpoint neither rewrote it nor evaluated the run\\): evaluate the run with \\S+ evaluate --checkpoint ${escaped}\n$`));
  });

  it("a checkpoint is never in place without a summary.json recording the run's envKwargs, so a kill at any moment leaves a run --resume continues", async () => {
    const out = join(dir, 'ordered');
    const summaryFile = join(out, 'summary.json');
    // a non-B-DT env's envKwargs, which no manifest records
    const preset = join(dir, 'sutton-barto.json');
    writeFileSync(preset, JSON.stringify({ agent: 'ppo', env: 'CartPole-v1', envKwargs: { suttonBartoReward: true } }));
    /** What summary.json recorded each time a checkpoint was renamed into place. */
    const recorded: unknown[] = [];
    const result = await withReplaced(
      'renameSync',
      (original) =>
        (...args) => {
          if (args[1] === join(out, 'checkpoint')) recorded.push(existsSync(summaryFile) ? { env: json(summaryFile).env, envKwargs: json(summaryFile).envKwargs } : 'no summary.json');
          return original(...args);
        },
      () => bdtGym('train', '--preset', preset, '--backend', 'wasm', '--eval-episodes', '0', '--steps', '2048', '--checkpoint-freq', '512', '--out', out),
    );
    assert.equal(result.error, undefined, String(result.error));
    assert.ok(recorded.length > 1, 'periodic checkpoints and the final one');
    recorded.forEach((summary, i) => assert.deepEqual(summary, { env: 'CartPole-v1', envKwargs: { suttonBartoReward: true } }, `at checkpoint ${i + 1} of ${recorded.length}`));
  });

  it('a run that fails after a periodic checkpoint is kept as it left it, and says so: --resume continues it', async () => {
    const out = join(dir, 'kept');
    const metrics = join(out, 'metrics.jsonl');
    // the disk fills once the first periodic checkpoint is saved
    const result = await withFailing('appendFileSync', (path) => path === metrics && existsSync(join(out, 'checkpoint')), () => bdtGym(...TRAIN, '--steps', '4096', '--checkpoint-freq', '1024', '--out', out));
    assert.ok(result.error instanceof FailureWithNote, String(result.error));
    assert.ok(result.error.cause instanceof FileWriteError && result.error.cause.code === 'ENOSPC', String(result.error.cause));
    assert.equal(result.error.note, `the run is kept as its last periodic checkpoint (--checkpoint-freq) left it, at step 1024: --resume continues it from there`);
    assert.equal(globalStep(out), 1024);
    const summary = json(join(out, 'summary.json'));
    assert.equal(summary.steps, 1024);
    assert.equal(summary.interrupted, true);
    assert.ok(!existsSync(join(out, '.lock')));
    const resumed = await bdtGym(...TRAIN, '--steps', '2048', '--out', out, '--resume');
    assert.equal(resumed.error, undefined, String(resumed.error));
    assert.equal(globalStep(out), 2048);
  });

  it('a new run that fails before any periodic checkpoint is discarded, its best/ checkpoint with it, and the message says so', async () => {
    const out = join(dir, 'discarded');
    const metrics = join(out, 'metrics.jsonl');
    // the disk fills once periodic evaluation has saved best/
    const result = await withFailing('appendFileSync', (path) => path === metrics && existsSync(join(out, 'best')), () => bdtGym(...TRAIN, '--steps', '4096', '--eval-freq', '512', '--periodic-eval-episodes', '1', '--out', out));
    assert.ok(result.error instanceof FailureWithNote, String(result.error));
    assert.ok(result.error.cause instanceof FileWriteError && result.error.cause.code === 'ENOSPC', String(result.error.cause));
    assert.equal(result.error.note, `the run was discarded, the best/ checkpoint its periodic evaluation had saved with it, and ${out} left as it was`);
    assert.ok(!existsSync(out));
  });

  it('a best/ save that fails (a full disk) is warned about and training goes on; the run is saved', async () => {
    const out = join(dir, 'no-best');
    const warnings: string[] = [];
    const previous = setWarningHandler((message) => warnings.push(message));
    let result;
    try {
      result = await withFailing('mkdirSync', (path) => path.includes('.best.tmp-'), () => bdtGym(...TRAIN, '--steps', '1024', '--eval-freq', '512', '--periodic-eval-episodes', '1', '--out', out, '--json'));
    } finally {
      setWarningHandler(previous);
    }
    assert.equal(result.error, undefined, String(result.error));
    assert.equal(warnings.length, 2, `one per evaluation (each is the best so far, none saved): ${warnings.join('\n')}`);
    assert.match(warnings[0]!, new RegExp(`^the best evaluation so far \\(step 512, mean return [\\d.]+\\) could not be saved: cannot write ${join(out, 'best')}: ENOSPC: .*; ${join(out, 'best')} holds none; training goes on$`));
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
    assert.equal(summary.steps, 1024);
    assert.equal(summary.bestEvalReturn, undefined, 'no best/ to report');
    assert.equal(globalStep(out), 1024);
    assert.ok(!existsSync(join(out, 'best')));
  });

  it("a run whose final evaluation fails is kept as its final save left it, summary.json describing it (a new run was discarded with its trained checkpoint; a resumed one kept the new checkpoint, but its old summary and metrics.jsonl, saying the run went on from the old step)", async () => {
    // CartPole whose evaluation episodes (seeds 1,000,000 on) fail; training (and a resume's seeds, s + r x 2^32 + e) do not
    const id = 'test/EvalBoom-v0';
    register({
      id,
      entryPoint: () => {
        const env = make('CartPole-v1');
        const reset = env.reset.bind(env);
        return Object.assign(env, {
          reset: (args?: { seed?: number }) => {
            if (args?.seed !== undefined && args.seed >= 1_000_000 && args.seed < 2_000_000) throw new Error('evaluation: boom');
            return reset(args);
          },
        });
      },
    });
    try {
      const train = ['train', '--agent', 'ppo', '--env', id, '--backend', 'wasm', '--eval-episodes', '1', '--checkpoint-freq', '0'];
      const out = join(dir, 'eval-fails');
      const fresh = await bdtGym(...train, '--steps', '1024', '--out', out);
      assert.ok(fresh.error instanceof FailureWithNote, String(fresh.error));
      assert.equal((fresh.error.cause as Error).message, 'evaluation: boom');
      assert.match(fresh.error.note, new RegExp(`^the run is trained and saved \\(step 1024\\), and kept; its final evaluation failed or did not run: evaluate it with .* evaluate --checkpoint ${out} --episodes 1$`), 'the run\'s --eval-episodes, as the interrupted-evaluation note gives them');
      assert.equal(globalStep(out), 1024);
      const summary = json(join(out, 'summary.json'));
      assert.equal(summary.steps, 1024);
      assert.equal(summary.interrupted, true);
      assert.equal(summary.evalReturn, undefined);
      const steps = () => readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).step as number);
      assert.equal(Math.max(...steps()), 1024, 'the records of the steps trained');
      assert.ok(!existsSync(join(out, '.lock')));

      const resumed = await bdtGym(...train, '--steps', '2048', '--out', out, '--resume');
      assert.ok(resumed.error instanceof FailureWithNote, String(resumed.error));
      assert.match(resumed.error.note, /^the run is trained and saved \(step 2048\), and kept; /);
      assert.equal(globalStep(out), 2048);
      assert.equal(json(join(out, 'summary.json')).steps, 2048, 'the summary of the checkpoint in place');
      assert.equal(Math.max(...steps()), 2048, "the resumed session's records, which the checkpoint trained");
    } finally {
      unregister(id);
    }
  });

  it('refuses a --checkpoint-freq that is not an integer >= 0', async () => {
    const result = await bdtGym(...TRAIN, '--steps', '512', '--checkpoint-freq', '-1', '--out', join(dir, 'x'));
    assert.ok(result.error instanceof CliError && result.error.message === '--checkpoint-freq: expected an integer >= 0, got "-1"', String(result.error));
    assert.ok(!existsSync(join(dir, 'x')));
  });
});
