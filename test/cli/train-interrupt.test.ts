import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliInvocation } from '../../cli/invocation.ts';
import { catchTrainingInterrupt } from '../../cli/training-interrupt.ts';

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

describe('bdt-gym train interrupted (Ctrl-C)', () => {
  it('stops after the current update on SIGINT, saves a resumable checkpoint, exits 130 and says how to continue', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-interrupt-')), 'my run'); // a space: the printed command quotes it
    const run = startTrain(['--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '10000000', '--out', out, '--eval-freq', '100000']);
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
    // the command as given (periodic evaluation included), with --resume, started as this one was
    assert.ok(run.stderr().includes(`continue with\n  ./bin/bdt-gym.js train --agent ppo --env CartPole-v1 --steps 10000000 --out '${out}' --eval-freq 100000 --resume\n`), run.stderr());

    const resumed = spawnSync(process.execPath, [bin, 'train', '--agent', 'ppo', '--env', 'CartPole-v1', '--out', out, '--steps', String(summary.steps + 512), '--resume', '--eval-episodes', '1', '--json'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    const after = JSON.parse(resumed.stdout.trim().split('\n').pop()!);
    assert.equal(after.steps, summary.steps + 512);
    assert.equal(after.interrupted, undefined);
    assert.equal(after.evalEpisodes, 1);
  });

});

describe('cli: cliInvocation, the words that start the CLI again', () => {
  it('as it was started: npx from node_modules/.bin, bdt-gym when linked, the script from a checkout, tsx for the sources', () => {
    assert.equal(cliInvocation('/home/u/proj/node_modules/.bin/bdt-gym', '/home/u/proj'), 'npx bdt-gym');
    assert.equal(cliInvocation('/usr/local/bin/bdt-gym', '/home/u'), 'bdt-gym');
    assert.equal(cliInvocation('/home/u/bdt-gym/bin/bdt-gym.js', '/home/u/bdt-gym'), './bin/bdt-gym.js');
    assert.equal(cliInvocation('/home/u/bdt-gym/bin/bdt-gym.js', '/tmp'), '/home/u/bdt-gym/bin/bdt-gym.js');
    assert.equal(cliInvocation('/home/u/bdt-gym/cli/main.ts', '/home/u/bdt-gym'), 'npx tsx ./cli/main.ts');
    // the script inside a project's node_modules (what Windows' cmd shim runs), and a path to quote
    assert.equal(cliInvocation('/home/u/proj/node_modules/bdt-gym/bin/bdt-gym.js', '/home/u/proj'), 'npx bdt-gym');
    assert.equal(cliInvocation("/home/u/my proj's/bin/bdt-gym.js", '/home/u'), `'./my proj'\\''s/bin/bdt-gym.js'`);
  });
});

describe('cli: training interrupt handling (signals emitted in this process)', () => {
  it('aborts at the first SIGINT or SIGTERM and asks for 130 or 143; later signals are only noted; dispose restores the default', () => {
    const before = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    const notices: string[] = [];
    const interrupt = catchTrainingInterrupt((line) => notices.push(line));
    assert.equal(process.listenerCount('SIGINT'), before.SIGINT + 1);
    assert.equal(interrupt.signal.aborted, false);
    assert.equal(interrupt.exitCode, undefined);
    process.emit('SIGTERM');
    assert.equal(interrupt.signal.aborted, true);
    assert.equal(interrupt.exitCode, 143);
    process.emit('SIGINT');
    assert.equal(interrupt.exitCode, 143, 'the first signal decides the exit status');
    assert.deepEqual(notices, ['SIGTERM: stopping after the current update and saving the checkpoint', 'SIGINT: already stopping; the checkpoint is being saved (SIGKILL, kill -9, quits without saving)']);
    interrupt.dispose();
    assert.deepEqual({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') }, before);
  });
});
