import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { endQuietlyOnBrokenPipe } from '../../cli/broken-pipe.ts';
import { cliInvocation, shellQuote } from '../../cli/invocation.ts';
import { catchTrainingInterrupt } from '../../cli/training-interrupt.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));

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
    assert.ok(!existsSync(join(out, '.lock')), 'the --out lock is released');
    // the command as given (periodic evaluation included), with --resume, started as this one was
    assert.ok(run.stderr().includes(`continue with\n  ./bin/bdt-gym.js train --agent ppo --env CartPole-v1 --steps 10000000 --out '${out}' --eval-freq 100000 --resume\n`), run.stderr());

    const resumed = spawnSync(process.execPath, [bin, 'train', '--agent', 'ppo', '--env', 'CartPole-v1', '--out', out, '--steps', String(summary.steps + 512), '--resume', '--eval-episodes', '1', '--json'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    const after = JSON.parse(resumed.stdout.trim().split('\n').pop()!);
    assert.equal(after.steps, summary.steps + 512);
    assert.equal(after.interrupted, undefined);
    assert.equal(after.evalEpisodes, 1);
  });

  it('stops and saves a resumable checkpoint on SIGHUP too (its terminal closed), exiting 129', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-interrupt-')), 'run');
    const run = startTrain(['--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '10000000', '--out', out]);
    await until(trainingStarted(join(out, 'metrics.jsonl')), 'the first update');
    run.child.kill('SIGHUP');
    assert.equal(await run.exit, 129, run.stderr());
    assert.ok(!existsSync(join(out, '.lock')), 'the --out lock is released');
    assert.match(run.stderr(), /SIGHUP: stopping after the current update and saving the checkpoint/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.interrupted, true);
    assert.equal(JSON.parse(readFileSync(join(out, 'checkpoint', 'manifest.json'), 'utf8')).counters.globalStep, summary.steps);
  });

  it('stops and saves a resumable checkpoint when the reader of its output goes away (EPIPE: `train ... 2>&1 | head -1`), exiting 141 as SIGPIPE would', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-interrupt-')), 'run');
    // both ends closed at once: the start banner's write fails, and every later one
    const child = spawn(process.execPath, [bin, 'train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '10000000', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.destroy();
    child.stderr!.destroy();
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 141);
    assert.ok(!existsSync(join(out, '.lock')), 'the --out lock is released');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.interrupted, true);
    assert.equal(JSON.parse(readFileSync(join(out, 'checkpoint', 'manifest.json'), 'utf8')).counters.globalStep, summary.steps);
    const resumed = spawnSync(process.execPath, [bin, 'train', '--out', out, '--steps', String(summary.steps + 512), '--resume', '--eval-episodes', '0', '--json'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout.trim().split('\n').pop()!).steps, summary.steps + 512);
  });

  it('stops and saves a resumable checkpoint when its terminal hangs up (SIGHUP, and EIO at each write to it, the progress bar\'s too), exiting 129', async function () {
    // util-linux script runs it on a terminal of its own, which hangs up when script is killed
    if (process.platform !== 'linux' || spawnSync('script', ['--version']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'bdt-interrupt-'));
    const out = join(dir, 'run');
    // the train process is script's child: it records its pid and exit code itself
    const recorder = join(dir, 'record-exit.mjs');
    writeFileSync(recorder, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(dir, 'pid'))}, String(process.pid));\nprocess.on('exit', (code) => writeFileSync(${JSON.stringify(join(dir, 'exit'))}, String(code)));\n`);
    const command = [process.execPath, bin, '--import', recorder, 'train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '10000000', '--eval-episodes', '0', '--out', out].map(shellQuote).join(' ');
    const terminal = spawn('script', ['-qfc', `exec ${command}`, '/dev/null'], { stdio: 'ignore' });
    try {
      await until(trainingStarted(join(out, 'metrics.jsonl')), 'the first update');
      terminal.kill('SIGKILL');
      await until(() => existsSync(join(dir, 'exit')), 'train to exit');
      assert.equal(readFileSync(join(dir, 'exit'), 'utf8'), '129');
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      assert.equal(summary.interrupted, true);
      assert.equal(JSON.parse(readFileSync(join(out, 'checkpoint', 'manifest.json'), 'utf8')).counters.globalStep, summary.steps);
    } finally {
      terminal.kill('SIGKILL');
      if (existsSync(join(dir, 'pid')) && !existsSync(join(dir, 'exit'))) process.kill(Number(readFileSync(join(dir, 'pid'), 'utf8')), 'SIGKILL');
    }
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

  it('aborts at SIGHUP (129), and when the output\'s reader has gone: a broken pipe (141), a hung-up terminal (129); a failed write is not noted again', () => {
    const listeners = process.listenerCount('SIGHUP');
    const sighup = catchTrainingInterrupt(() => {});
    process.emit('SIGHUP');
    assert.deepEqual([sighup.signal.aborted, sighup.exitCode], [true, 129]);
    sighup.dispose();
    assert.equal(process.listenerCount('SIGHUP'), listeners);

    const output = new PassThrough() as unknown as NodeJS.WriteStream;
    endQuietlyOnBrokenPipe(output);
    const failedWrite = (code: string) => () => output.emit('error', Object.assign(new Error(`write ${code}`), { code }));
    const epipe = failedWrite('EPIPE');
    const exit = process.exit;
    process.exit = ((code?: number) => {
      throw new Error(`process.exit(${code})`);
    }) as typeof process.exit;
    try {
      const notices: string[] = [];
      const interrupt = catchTrainingInterrupt((line) => notices.push(line));
      epipe();
      epipe(); // the notice's own write fails too when the broken pipe is stderr
      assert.deepEqual([interrupt.signal.aborted, interrupt.exitCode], [true, 141]);
      assert.deepEqual(notices, ["EPIPE: the output's reader has gone; stopping after the current update and saving the checkpoint"]);
      interrupt.dispose();
      assert.throws(epipe, /process\.exit\(141\)/, 'after training a broken pipe ends the command again');

      // a file on a failing disk fails writes with EIO too (no reader gone: a write error, as a full
      // disk's ENOSPC): while training, it stops the training, exit 1, noted once
      const failedDisk = catchTrainingInterrupt((line) => notices.push(line));
      failedWrite('EIO')();
      failedWrite('EIO')();
      assert.deepEqual([failedDisk.signal.aborted, failedDisk.exitCode, notices.slice(1)], [true, 1, ['the output cannot be written (write EIO); stopping after the current update and saving the checkpoint']]);
      failedDisk.dispose();
      // after training, it ends the command in one line, exit 1
      const writeStderr = process.stderr.write;
      const said: string[] = [];
      process.stderr.write = ((text: string) => said.push(text) > 0) as typeof process.stderr.write;
      try {
        assert.throws(failedWrite('ENOSPC'), /process\.exit\(1\)/);
      } finally {
        process.stderr.write = writeStderr;
      }
      assert.deepEqual(said, ['bdt-gym: cannot write stdout: write ENOSPC\n']);
      // a terminal that hung up fails writes with EIO: its reader has gone
      const hungUp = catchTrainingInterrupt((line) => notices.push(line));
      output.isTTY = true;
      failedWrite('EIO')();
      assert.deepEqual([hungUp.signal.aborted, hungUp.exitCode, notices.at(-1)], [true, 129, 'EIO: the terminal has gone; stopping after the current update and saving the checkpoint']);
      hungUp.dispose();
    } finally {
      process.exit = exit;
    }
  });
});
