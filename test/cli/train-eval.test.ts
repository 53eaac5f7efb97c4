/** `bdt-gym train --eval-freq`: the summary's best-evaluation fields, best/ written, bad values refused naming the option. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const SMALL_PPO = ['--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '1024', '--eval-episodes', '1'];

describe('bdt-gym train --eval-freq', () => {
  it('evaluates periodically, writes best/ and reports bestEvalReturn and bestEvalStep', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-train-eval-')), 'run');
    const result = cli('train', ...SMALL_PPO, '--out', out, '--eval-freq', '512', '--periodic-eval-episodes', '2', '--json');
    assert.equal(result.status, 0, result.stderr);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
    const evals = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).filter((m) => 'eval/mean_reward' in m);
    assert.deepEqual(evals.map((m) => m['step']), [512, 1024]);
    assert.equal(summary.bestEvalReturn, Math.max(...evals.map((m) => m['eval/mean_reward']!)));
    assert.ok([512, 1024].includes(summary.bestEvalStep), String(summary.bestEvalStep));
    assert.ok(existsSync(join(out, 'best', 'manifest.json')));
  });

  it("takes a preset's periodicEvaluation, and --eval-freq 0 turns it off", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-train-eval-'));
    const preset = join(dir, 'preset.json');
    writeFileSync(preset, JSON.stringify({ agent: 'ppo', env: 'CartPole-v1', hyperparameters: { numEnvs: 1, numSteps: 128 }, periodicEvaluation: { evalFreq: 256 } }));
    const on = cli('train', '--preset', preset, '--steps', '256', '--out', join(dir, 'on'), '--eval-episodes', '1', '--json');
    assert.equal(on.status, 0, on.stderr);
    assert.equal(JSON.parse(on.stdout.trim().split('\n').pop()!).bestEvalStep, 256);
    const off = cli('train', '--preset', preset, '--steps', '256', '--out', join(dir, 'off'), '--eval-episodes', '1', '--eval-freq', '0', '--json');
    assert.equal(off.status, 0, off.stderr);
    assert.ok(!('bestEvalReturn' in JSON.parse(off.stdout.trim().split('\n').pop()!)));
    assert.ok(!existsSync(join(dir, 'off', 'best')));
  });

  it('a --resume in which no periodic evaluation falls notes it and trains: the command an interrupted run prints continues it', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-train-eval-')), 'run');
    const run = ['--agent', 'ppo', '--env', 'CartPole-v1', '--eval-freq', '1024', '--eval-episodes', '1', '--out', out];
    // where `--steps 1536` stops when interrupted after its evaluation at 1024 (rollouts of 512 steps)
    const first = cli('train', ...run, '--steps', '1024');
    assert.equal(first.status, 0, first.stderr);
    // the continue command it prints: the command as given, with --resume; the next multiple, 2048, lies past its end
    const resumed = cli('train', ...run, '--steps', '1536', '--resume', '--json');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.ok(resumed.stderr.includes("bdt-gym train: note: no periodic evaluation falls in this session: no multiple of --eval-freq 1024 lies between the checkpoint's step 1024 and step 1536, where it ends\n"), resumed.stderr);
    const summary = JSON.parse(resumed.stdout.trim().split('\n').pop()!);
    assert.equal(summary.steps, 1536);
    assert.equal(summary.bestEvalStep, 1024, 'the best evaluation so far is kept');
  });

  it('refuses bad values with one line naming the option or key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-train-eval-'));
    const badPreset = join(dir, 'bad.json');
    writeFileSync(badPreset, JSON.stringify({ agent: 'ppo', env: 'CartPole-v1', periodicEvaluation: { evalFreq: 0 } }));
    const cases: [string[], RegExp][] = [
      [[...SMALL_PPO, '--eval-freq', '-5'], /--eval-freq: expected an integer >= 0, got "-5"/],
      [[...SMALL_PPO, '--eval-freq', '1.5'], /--eval-freq: expected an integer >= 0, got "1.5"/],
      [[...SMALL_PPO, '--eval-freq', '512', '--periodic-eval-episodes', '0'], /--periodic-eval-episodes: expected an integer >= 1, got "0"/],
      [[...SMALL_PPO, '--eval-freq', '5000'], /--eval-freq 5000 is more than --steps 1024/],
      [[...SMALL_PPO, '--periodic-eval-episodes', '3'], /^bdt-gym: --periodic-eval-episodes needs --eval-freq > 0 \(or a preset with periodicEvaluation\)\n$/],
      // given, but 0: not said to be missing
      [[...SMALL_PPO, '--eval-freq', '0', '--periodic-eval-episodes', '3'], /^bdt-gym: --periodic-eval-episodes needs periodic evaluation, which --eval-freq 0 turns off; give --eval-freq > 0 or leave --periodic-eval-episodes out\n$/],
      [['--preset', badPreset, '--steps', '256'], /at periodicEvaluation\.evalFreq/],
    ];
    for (const [args, message] of cases) {
      const result = cli('train', ...args, '--out', join(dir, 'run'));
      assert.notEqual(result.status, 0, args.join(' '));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at .*\.ts:\d+/, 'no stack trace');
    }
  });
});
