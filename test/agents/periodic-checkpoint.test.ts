/**
 * Periodic checkpoints during training (`checkpointFreq`, agents/run/train-run.ts): the checkpoint
 * is saved at the first update boundary at or after each multiple (not at the last one, which the
 * final save saves), after the evaluation that falls there, `onCheckpoint` gets the summary of the
 * run as saved there, and saving changes nothing of training.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../agents/backend.ts';
import type { MetricRecord } from '../../agents/metrics.ts';
import { trainRun, type TrainRunOptions, type TrainSummary } from '../../agents/run/train-run.ts';
import { KwargsError } from '../../env/core/zod-issues.ts';

const DQN_HP = { learningStarts: 200, trainFrequency: 50, gradientSteps: 4, batchSize: 32, targetNetworkFrequency: 50, hidden: [16] };
const PPO_HP = { numEnvs: 2, numSteps: 64, numMinibatches: 2, updateEpochs: 1, hidden: [16] };

/** Training records without wall-clock values (charts/SPS). */
const trainingRecords = (records: MetricRecord[]): string[] =>
  records.filter((r) => !('eval/mean_reward' in r.metrics)).map((r) => JSON.stringify({ step: r.step, ...Object.fromEntries(Object.entries(r.metrics).filter(([tag]) => tag !== 'charts/SPS')) }));

describe('agents: periodic checkpoints during training (checkpointFreq)', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'bdt-periodic-checkpoint-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A run with its metric records, and what each onCheckpoint saw: the summary and the step of the checkpoint on disk then. */
  async function run(name: string, options: Omit<TrainRunOptions, 'outDir' | 'backend'>): Promise<{ summary: TrainSummary; records: MetricRecord[]; saves: { summary: TrainSummary; onDisk: number; records: number }[] }> {
    const outDir = join(dir, name);
    const records: MetricRecord[] = [];
    const saves: { summary: TrainSummary; onDisk: number; records: number }[] = [];
    const summary = await trainRun({
      ...options,
      outDir,
      backend: 'wasm',
      evalEpisodes: 2,
      onMetrics: (record) => records.push(record),
      onCheckpoint: (saved) => saves.push({ summary: saved, onDisk: JSON.parse(readFileSync(join(outDir, 'checkpoint', 'manifest.json'), 'utf8')).counters.globalStep, records: records.length }),
    });
    return { summary, records, saves };
  }

  for (const [agent, hyperparameters, steps, expectedSteps] of [
    // DQN (1 env) stops exactly at multiples of checkpointFreq
    ['dqn', DQN_HP, 1000, [300, 600, 900]],
    // PPO saves after the first rollout (2 x 64 = 128 steps) ending at or after each multiple; 1024 is the final save
    ['ppo', PPO_HP, 1024, [384, 640, 1024]],
  ] as const) {
    it(`${agent}: saves the checkpoint at ${expectedSteps.filter((step) => step < steps).join(', ')}, tells onCheckpoint a summary of each, and trains exactly as without`, async () => {
      const base = { agent, envId: 'CartPole-v1', steps, seed: 5, hyperparameters } as const;
      const plain = await run(`${agent}-plain`, { ...base, checkpointFreq: 0 });
      assert.deepEqual(plain.saves, [], 'checkpointFreq 0 saves only at the end');
      const saved = await run(`${agent}-saved`, { ...base, checkpointFreq: 300, periodicEvaluation: { evalFreq: 300, episodes: 1 } });

      const periodic = expectedSteps.filter((step) => step < steps);
      assert.deepEqual(saved.saves.map((save) => save.onDisk), periodic, 'the checkpoint on disk when onCheckpoint is called');
      assert.deepEqual(saved.saves.map((save) => save.summary.steps), periodic);
      for (const { summary } of saved.saves) {
        assert.equal(summary.interrupted, true, 'a run stopped there is one stopped short');
        assert.equal(summary.evalReturn, undefined);
        assert.equal(summary.evalEpisodes, 0);
        assert.equal(summary.checkpoint, join(dir, `${agent}-saved`, 'checkpoint'));
      }
      // the evaluation at each save's step came first, its records given before the save
      const evalSteps = saved.records.filter((r) => 'eval/mean_reward' in r.metrics).map((r) => r.step);
      assert.deepEqual(evalSteps, expectedSteps);
      for (const save of saved.saves) assert.ok(saved.records.slice(0, save.records).some((r) => r.step === save.summary.steps && 'eval/mean_reward' in r.metrics), `the evaluation at ${save.summary.steps} before its save`);

      assert.deepEqual(trainingRecords(saved.records), trainingRecords(plain.records), 'saving changed training');
      assert.equal(saved.summary.evalReturn, plain.summary.evalReturn);
      assert.equal(saved.summary.steps, steps);
      assert.equal(saved.summary.interrupted, undefined);
    });
  }

  it('refuses a checkpointFreq that is not an integer >= 0, before making anything', async () => {
    for (const checkpointFreq of [-1, 1.5]) {
      await assert.rejects(
        trainRun({ agent: 'ppo', envId: 'CartPole-v1', steps: 128, seed: 1, outDir: join(dir, 'bad'), hyperparameters: PPO_HP, checkpointFreq }),
        (e: Error) => e instanceof KwargsError && /^trainRun: invalid options:\n {2}at checkpointFreq: /.test(e.message),
      );
    }
  });
});
