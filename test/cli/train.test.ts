import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewriteCheckpoint } from '../agents/rewrite-checkpoint.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));

/** Records in a TFRecord file (lengths walked; node/tfevents.test.ts checks the CRCs and TensorBoard's reading). */
function recordCount(file: string): number {
  const bytes = readFileSync(file);
  let count = 0;
  for (let at = 0; at < bytes.length; at += 16 + Number(bytes.readBigUInt64LE(at))) count++;
  return count;
}
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('bdt-gym train', () => {
  it('trains, logs CleanRL-style metrics, checkpoints, evaluates, prints a JSON summary last, and resumes', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-train-')), 'run');
    const first = cli('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '1024', '--seed', '3', '--out', out, '--eval-episodes', '2', '--json');
    assert.equal(first.status, 0, first.stderr);
    const lines = first.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]!);
    for (const key of ['agent', 'env', 'steps', 'seed', 'backend', 'sps', 'meanReturnLast20', 'evalReturn']) assert.ok(key in summary, `summary lacks ${key}`);
    assert.equal(summary.agent, 'ppo');
    assert.equal(summary.env, 'CartPole-v1');
    assert.equal(summary.steps, 1024);
    assert.ok(['tensorflow', 'wasm', 'cpu'].includes(summary.backend), summary.backend);
    assert.ok(summary.evalReturn >= 1, `eval return ${summary.evalReturn}`);

    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const tags = new Set(metrics.flatMap((m) => Object.keys(m)));
    for (const tag of ['charts/episodic_return', 'charts/SPS', 'losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/approx_kl']) assert.ok(tags.has(tag), `metrics lack ${tag}`);
    assert.ok(existsSync(join(out, 'checkpoint', 'manifest.json')));

    const resumed = cli('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '2048', '--seed', '3', '--out', out, '--eval-episodes', '2', '--resume', '--json');
    assert.equal(resumed.status, 0, resumed.stderr);
    const after = JSON.parse(resumed.stdout.trim().split('\n').pop()!);
    assert.equal(after.steps, 2048, 'resuming continues from the saved step count to --steps');
  });

  it('with --tensorboard also writes every metric record, live, to a TensorBoard event file in --out (one per session)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-train-')), 'run');
    const events = () => readdirSync(out).filter((name) => name.startsWith('events.out.tfevents.'));
    const first = cli('train', '--agent', 'dqn', '--env', 'CartPole-v1', '--steps', '1024', '--out', out, '--eval-episodes', '0', '--tensorboard');
    assert.equal(first.status, 0, first.stderr);
    assert.equal(events().length, 1);
    const metricLines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').length;
    assert.equal(recordCount(join(out, events()[0]!)), 1 + metricLines, 'the file version, then one event per metrics.jsonl line');
    const resumed = cli('train', '--agent', 'dqn', '--env', 'CartPole-v1', '--steps', '2048', '--out', out, '--eval-episodes', '0', '--tensorboard', '--resume');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(events().length, 2, 'a resumed session writes its own file, as TensorBoard expects');
  });

  it('refuses a resume of another algorithm with one line and no stack trace; says "1 episode" of one (train and evaluate said "1 episodes")', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-train-')), 'run');
    const trained = cli('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '512', '--out', out, '--eval-episodes', '1');
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(trained.stdout, /^ppo on CartPole-v1: 512 steps, .*\n {2}mean return.*\n {2}deterministic evaluation \(1 episode\) /);
    const evaluated = cli('evaluate', '--checkpoint', out, '--episodes', '1', '--seed', '5');
    assert.equal(evaluated.status, 0, evaluated.stderr);
    assert.match(evaluated.stdout, /^ppo from .* \(trained on CartPole-v1, 512 steps\)\n {2}env {7}CartPole-v1 with no envKwargs \(from .*summary\.json\)\n {2}episodes {2}1, seed 5 \(backend \w+\)\n {2}return /);
    const result = cli('train', '--agent', 'dqn', '--env', 'CartPole-v1', '--steps', '1024', '--out', out, '--resume');
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /holds a ppo run, not dqn/);
    assert.doesNotMatch(result.stderr, /\n\s+at .*\.ts:\d+/, 'no stack trace');
  });

  it('refuses to resume from a checkpoint whose RNG state is not one (it would draw NaN)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bdt-train-')), 'run');
    cpSync(fileURLToPath(new URL('../../models/ppo-bdt-v0', import.meta.url)), out, { recursive: true });
    rewriteCheckpoint(join(out, 'checkpoint'), (m) => (m['rngState'] = { x: 1 }));
    const result = cli('train', '--agent', 'ppo', '--env', 'BDT-v0', '--steps', '4000100', '--out', out, '--resume');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /^bdt-gym: --resume: checkpoint manifest .*run\/checkpoint\/manifest\.json is invalid:\n {2}at rngState\.c: Invalid input: expected number, received undefined \(value: undefined\)\n[^]*at rngState: Unrecognized key: "x"\n$/);
  });

  it("reads a --preset configs/... missing from the working directory from the package's configs/, the working directory's own first (it was read from the cwd only)", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'bdt-train-cwd-'));
    const out = join(elsewhere, 'run');
    // refused for the agent after the preset is read: no training needed to see which file was read
    const outside = () => spawnSync(process.execPath, [bin, 'train', '--preset', 'configs/agents/ppo-cartpole.json', '--agent', 'dqn', '--out', out], { encoding: 'utf8', cwd: elsewhere });
    const packaged = outside();
    assert.equal(packaged.status, 1);
    assert.equal(packaged.stderr, 'bdt-gym: --preset configs/agents/ppo-cartpole.json is for ppo, not dqn\n');
    mkdirSync(join(elsewhere, 'configs', 'agents'), { recursive: true });
    writeFileSync(join(elsewhere, 'configs', 'agents', 'ppo-cartpole.json'), JSON.stringify({ agent: 'dqn', env: 'Nope' }));
    const own = outside();
    assert.equal(own.status, 1);
    assert.match(own.stderr, /^bdt-gym: --preset configs\/agents\/ppo-cartpole\.json: env: unknown env "Nope"/);
    assert.equal(existsSync(out), false);
  });

  it("passes a preset's envKwargs to the training env (an invalid scenario value is refused naming it)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-train-'));
    const preset = (energyPenalty: number): string => {
      const file = join(dir, `preset-${energyPenalty}.json`);
      const hyperparameters = { numEnvs: 1, numSteps: 32, numMinibatches: 1, updateEpochs: 1 };
      writeFileSync(file, JSON.stringify({ agent: 'ppo', env: 'BDT-v0', hyperparameters, envKwargs: { scenario: { reward: { energyPenalty } } } }));
      return file;
    };
    const ok = cli('train', '--preset', preset(2), '--steps', '32', '--out', join(dir, 'ok'), '--eval-episodes', '0', '--json');
    assert.equal(ok.status, 0, ok.stderr);
    const manifest = JSON.parse(readFileSync(join(dir, 'ok', 'checkpoint', 'manifest.json'), 'utf8'));
    assert.equal(manifest.envId, 'BDT-v0', 'the checkpoint names the plain env id');
    const summary = JSON.parse(ok.stdout.trim().split('\n').pop()!);
    assert.deepEqual(summary.envKwargs, { scenario: { reward: { energyPenalty: 2 } } }, 'the summary says which env evalReturn is on');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'ok', 'summary.json'), 'utf8')).envKwargs, summary.envKwargs);
    const refused = cli('train', '--preset', preset(-1), '--steps', '32', '--out', join(dir, 'refused'), '--eval-episodes', '0');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /--preset .*preset--1\.json: BDT-v0: at envKwargs\.scenario\.reward\.energyPenalty: Too small: .*\(value: -1\)\n$/);
    assert.ok(!existsSync(join(dir, 'refused')), 'refused before the run directory is created');
  });

  it("refuses --resume without --preset when no summary.json records a non-B-DT run's envKwargs (the manifest keeps only a B-DT scenario); with the --preset it trains on them", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-train-'));
    const preset = join(dir, 'preset.json');
    writeFileSync(preset, JSON.stringify({ agent: 'ppo', env: 'CartPole-v1', envKwargs: { suttonBartoReward: true }, hyperparameters: { totalTimesteps: 2048, numEnvs: 1, numSteps: 256 } }));
    const out = join(dir, 'run');
    const first = cli('train', '--preset', preset, '--steps', '256', '--out', out, '--eval-episodes', '0', '--json');
    assert.equal(first.status, 0, first.stderr);
    rmSync(join(out, 'summary.json')); // what kill -9 in the final evaluation leaves
    const metrics = readFileSync(join(out, 'metrics.jsonl'));
    const refused = cli('train', '--resume', '--out', out, '--steps', '512', '--eval-episodes', '0');
    assert.equal(refused.status, 1, refused.stderr);
    assert.equal(refused.stderr, `bdt-gym: --resume: the envKwargs the run in ${out} trained with are unknown: it has no summary.json, and ${join(out, 'checkpoint', 'manifest.json')} records no envKwargs (only a B-DT env's resolved scenario); give the --preset it trained with\n`);
    assert.deepEqual(readFileSync(join(out, 'metrics.jsonl')), metrics, 'nothing trained');
    const resumed = cli('train', '--resume', '--preset', preset, '--out', out, '--steps', '512', '--eval-episodes', '0', '--json');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.deepEqual(JSON.parse(resumed.stdout.trim().split('\n').pop()!).envKwargs, { suttonBartoReward: true });
  });
});
