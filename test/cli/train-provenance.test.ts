/**
 * What a train run records of what produced it (summary.json's and the checkpoint manifest's
 * `provenance`, as compare --out's), and `--no-timing` (train and evaluate), which leaves out the
 * wall-clock fields so two same-seed runs write the same bytes.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rewriteCheckpoint } from '../agents/rewrite-checkpoint.ts';
import { bdtGym, snapshot } from './in-process-cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/bdt-gym.js');
/** The CLI run in `cwd`, so two runs in two directories name their `--out run` alike. */
const cli = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
const packageVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe('bdt-gym train: provenance and --no-timing', () => {
  it('two same-seed runs with --no-timing, each resumed once, write byte-identical summary.json, metrics.jsonl and checkpoint; both record the provenance', () => {
    const runs = [mkdtempSync(join(tmpdir(), 'bdt-no-timing-')), mkdtempSync(join(tmpdir(), 'bdt-no-timing-'))];
    const train = ['train', '--agent', 'ppo', '--env', 'CartPole-v1', '--seed', '3', '--out', 'run', '--eval-episodes', '2', '--no-timing', '--json'];
    for (const cwd of runs) {
      const first = cli(cwd, ...train, '--steps', '512');
      assert.equal(first.status, 0, first.stderr);
      // a resume reads back the metrics.jsonl written without charts/SPS
      const resumed = cli(cwd, ...train, '--steps', '1024', '--resume');
      assert.equal(resumed.status, 0, resumed.stderr);
      const printed = lastJson(resumed.stdout);
      assert.equal(printed['steps'], 1024);
      for (const key of ['sps', 'trainSeconds', 'periodicEvalSeconds']) assert.ok(!(key in printed), `--json prints no ${key}`);
      assert.deepEqual(printed, JSON.parse(readFileSync(join(cwd, 'run', 'summary.json'), 'utf8')), '--json prints the summary.json');
    }
    const [a, b] = runs.map((cwd) => join(cwd, 'run'));
    const file = (run: string, name: string) => readFileSync(join(run!, name), 'utf8');
    assert.equal(file(a!, 'summary.json'), file(b!, 'summary.json'));
    assert.equal(file(a!, 'metrics.jsonl'), file(b!, 'metrics.jsonl'));
    const records = file(a!, 'metrics.jsonl').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>);
    assert.ok(records.some((record) => 'losses/value_loss' in record) && records.every((record) => !('charts/SPS' in record)), 'the update records, without charts/SPS');
    assert.deepEqual(snapshot(join(a!, 'checkpoint')), snapshot(join(b!, 'checkpoint')), 'weights, state.bin and manifest alike');

    const summary = JSON.parse(file(a!, 'summary.json')) as { provenance: { bdtGym: { version: string }; runtime: Record<string, string> } };
    assert.equal(summary.provenance.bdtGym.version, packageVersion);
    assert.deepEqual(summary.provenance.runtime, { node: process.version, platform: process.platform, arch: process.arch, tensorflowBackend: (summary as unknown as { backend: string }).backend });
    const manifest = JSON.parse(file(a!, 'checkpoint/manifest.json')) as { provenance?: unknown };
    assert.deepEqual(manifest.provenance, summary.provenance, "the checkpoint's manifest records the session that saved it");
  });

  it('records the provenance, and the wall-clock fields, in a run without --no-timing; resumes a checkpoint saved before manifests kept the provenance', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bdt-provenance-'));
    const train = ['train', '--agent', 'ppo', '--env', 'CartPole-v1', '--out', 'run', '--eval-episodes', '0', '--json'];
    const trained = cli(cwd, ...train, '--steps', '512');
    assert.equal(trained.status, 0, trained.stderr);
    const summary = JSON.parse(readFileSync(join(cwd, 'run', 'summary.json'), 'utf8')) as Record<string, unknown> & { provenance: { bdtGym: { version: string } } };
    assert.equal(summary.provenance.bdtGym.version, packageVersion);
    for (const key of ['sps', 'trainSeconds']) assert.equal(typeof summary[key], 'number', key);
    assert.ok(readFileSync(join(cwd, 'run', 'metrics.jsonl'), 'utf8').includes('"charts/SPS"'));

    const checkpoint = join(cwd, 'run', 'checkpoint');
    rewriteCheckpoint(checkpoint, (manifest) => delete manifest['provenance']);
    const resumed = cli(cwd, ...train, '--steps', '1024', '--resume');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(checkpoint, 'manifest.json'), 'utf8')).provenance, summary.provenance, "the resumed session's saves record it");
  });

  it("train --no-timing's text summary leaves out the speed and the time, and their comma", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-no-timing-text-'));
    const train = (out: string, ...more: string[]) => bdtGym('train', '--agent', 'ppo', '--env', 'CartPole-v1', '--steps', '512', '--eval-episodes', '0', '--backend', 'wasm', '--out', join(dir, out), ...more);
    const timed = await train('timed');
    assert.equal(timed.error, undefined, String(timed.error));
    assert.match(timed.stdout.split('\n')[0]!, /^ppo on CartPole-v1: 512 steps, \d+ steps\/s in the training loop, \d+\.\d s in all \(backend wasm\)$/);
    const untimed = await train('untimed', '--no-timing');
    assert.equal(untimed.error, undefined, String(untimed.error));
    assert.equal(untimed.stdout.split('\n')[0], 'ppo on CartPole-v1: 512 steps (backend wasm)');
  });

  it('evaluate --no-timing prints no seconds', () => {
    const timed = cli(root, 'evaluate', '--checkpoint', 'models/ppo-bdt-v0', '--episodes', '1', '--json');
    assert.equal(timed.status, 0, timed.stderr);
    assert.equal(typeof lastJson(timed.stdout)['seconds'], 'number');
    const untimed = cli(root, 'evaluate', '--checkpoint', 'models/ppo-bdt-v0', '--episodes', '1', '--json', '--no-timing');
    assert.equal(untimed.status, 0, untimed.stderr);
    const { seconds: _seconds, ...rest } = lastJson(timed.stdout);
    assert.deepEqual(lastJson(untimed.stdout), rest);
    assert.doesNotMatch(cli(root, 'evaluate', '--checkpoint', 'models/ppo-bdt-v0', '--episodes', '1', '--no-timing').stdout, /\d s\n/);
  });
});
