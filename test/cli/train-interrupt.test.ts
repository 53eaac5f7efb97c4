import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const bin = new URL('../../bin/bdt-gym.js', import.meta.url).pathname;

/** A `bdt-gym train` process with its stderr collected, and its exit status once it exits. */
function startTrain(args: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, 'train', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exit };
}

/** Waits (up to a minute) until `ready()` holds. */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !ready(); waited += 50) {
    if (waited > 60_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Training has logged its first update, so the signal handlers are installed. */
const trainingStarted = (metrics: string) => () => existsSync(metrics) && statSync(metrics).size > 0;

describe('bdt-gym train interrupted (Ctrl-C, SIGTERM)', () => {
  it('stops after the current update on SIGINT, saves a resumable checkpoint, exits 130 and says how to continue', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-interrupt-')), 'run');
    const run = startTrain(['--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '10000000', '--out', out]);
    await until(trainingStarted(join(out, 'metrics.jsonl')), 'the first update');
    run.child.kill('SIGINT');
    assert.equal(await run.exit, 130, run.stderr());
    assert.match(run.stderr(), /SIGINT: stopping after the current update and saving the checkpoint/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.interrupted, true);
    assert.ok(summary.steps > 0 && summary.steps < 10_000_000 && summary.steps % 512 === 0, `steps ${summary.steps}: whole rollouts, short of the budget`);
    assert.equal(summary.evalReturn, undefined, 'no final evaluation after an interrupt');
    assert.equal(summary.evalEpisodes, 0);
    const manifest = JSON.parse(readFileSync(join(out, 'checkpoint', 'manifest.json'), 'utf8'));
    assert.equal(manifest.counters.globalStep, summary.steps, 'the checkpoint holds the steps reached');
    assert.ok(run.stderr().includes(`continue with\n  bdt-gym train --agent ppo --env CartPole-v1 --out ${out} --steps 10000000 --resume\n`), run.stderr());

    const resumed = spawnSync(process.execPath, [bin, 'train', '--agent', 'ppo', '--env', 'CartPole-v1', '--out', out, '--steps', String(summary.steps + 512), '--resume', '--eval-episodes', '1', '--json'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    const after = JSON.parse(resumed.stdout.trim().split('\n').pop()!);
    assert.equal(after.steps, summary.steps + 512);
    assert.equal(after.interrupted, undefined);
    assert.equal(after.evalEpisodes, 1);
  });

  it('quits on a second signal during training, discarding the new run (--out is removed), exit 143 for SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-interrupt-'));
    const out = join(dir, 'run');
    // Signals are handled between updates (an update runs synchronously), so both signals must
    // reach the process during one update, the second after the first was delivered (the
    // kernel merges a signal into one still pending): sent just after an update was logged,
    // 0.3 s apart, inside updates of about two seconds. (A second signal that comes while the
    // checkpoint is written only waits for it.)
    const preset = join(dir, 'preset.json');
    writeFileSync(preset, JSON.stringify({ agent: 'ppo', env: 'CartPole-v1', hyperparameters: { numEnvs: 8, numSteps: 2048, updateEpochs: 10, numMinibatches: 4 } }));
    const metrics = join(out, 'metrics.jsonl');
    const run = startTrain(['--preset', preset, '--steps', '10000000', '--out', out]);
    await until(trainingStarted(metrics), 'the first update');
    run.child.kill('SIGTERM');
    await sleep(300);
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 143, run.stderr());
    assert.match(run.stderr(), /SIGTERM again: quit without saving; the run was discarded\n$/);
    assert.ok(!existsSync(out), 'the new run directory is removed');
  });
});
