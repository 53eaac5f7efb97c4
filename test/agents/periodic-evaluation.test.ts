/**
 * Periodic evaluation during training (agents/run/periodic-evaluation.ts): evaluation records at
 * the right steps, the best checkpoint in <out>/best reproducing its logged return when loaded,
 * and training itself unchanged by evaluating.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../agents/backend.ts';
import { CheckpointError, loadCheckpoint } from '../../agents/checkpoint/checkpoint.ts';
import { evaluateAgent } from '../../agents/evaluate.ts';
import type { MetricRecord } from '../../agents/metrics.ts';
import { loadPolicyAgent } from '../../agents/policy-agent.ts';
import { BEST_EVAL_FILE } from '../../agents/checkpoint/checkpoint-dir.ts';
import { trainRun, type TrainRunOptions, type TrainSummary } from '../../agents/run/train-run.ts';
import { makeRng, randomSeed, subSeed } from '../../env/core/rng.ts';
import { rewriteCheckpoint, setFloat32 } from './rewrite-checkpoint.ts';
import { make, setWarningHandler } from '../../env/index.ts';

const DQN_HP = { learningStarts: 200, trainFrequency: 50, gradientSteps: 4, batchSize: 32, targetNetworkFrequency: 50, hidden: [32] };
const PPO_HP = { numEnvs: 2, numSteps: 64, numMinibatches: 2, updateEpochs: 2, hidden: [16] };

const isEval = (r: MetricRecord): boolean => 'eval/mean_reward' in r.metrics;
/** Training records without wall-clock values (charts/SPS). */
const trainingRecords = (records: MetricRecord[]): string[] =>
  records.filter((r) => !isEval(r)).map((r) => JSON.stringify({ step: r.step, ...Object.fromEntries(Object.entries(r.metrics).filter(([tag]) => tag !== 'charts/SPS')) }));

describe('agents: periodic evaluation during training', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'bdt-periodic-eval-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(name: string, options: Omit<TrainRunOptions, 'outDir' | 'backend' | 'onMetrics'>): Promise<{ summary: TrainSummary; records: MetricRecord[]; outDir: string }> {
    const records: MetricRecord[] = [];
    const outDir = join(dir, name);
    const summary = await trainRun({ ...options, outDir, backend: 'wasm', evalEpisodes: 3, onMetrics: (r) => records.push(r) });
    return { summary, records, outDir };
  }

  for (const [agent, hyperparameters, steps, expectedSteps] of [
    // DQN (1 env) stops exactly at multiples of evalFreq.
    ['dqn', DQN_HP, 1000, [300, 600, 900]],
    // PPO evaluates after the first rollout (2 x 64 = 128 steps) ending at or after each multiple.
    ['ppo', PPO_HP, 1024, [384, 640, 1024]],
  ] as const) {
    it(`${agent}: logs eval/mean_reward and eval/mean_ep_length at ${expectedSteps.join(', ')} and trains exactly as without evaluation`, async () => {
      const base = { agent, envId: 'CartPole-v1', steps, seed: 7, hyperparameters } as const;
      const plain = await run(`${agent}-plain`, base);
      const evaluated = await run(`${agent}-eval`, { ...base, periodicEvaluation: { evalFreq: 300, episodes: 2 } });

      const evals = evaluated.records.filter(isEval);
      assert.deepEqual(evals.map((r) => r.step), expectedSteps);
      for (const r of evals) {
        assert.ok(r.metrics['eval/mean_reward']! >= 1 && r.metrics['eval/mean_ep_length']! >= 1, JSON.stringify(r));
        // CartPole pays 1 per step: mean return = mean length.
        assert.equal(r.metrics['eval/mean_reward'], r.metrics['eval/mean_ep_length']);
      }
      assert.deepEqual(trainingRecords(evaluated.records), trainingRecords(plain.records), 'evaluation changed the training metrics');
      assert.equal(evaluated.summary.evalReturn, plain.summary.evalReturn);
      assert.equal(evaluated.summary.meanReturnLast20, plain.summary.meanReturnLast20);
      assert.equal(plain.summary.bestEvalReturn, undefined);
      assert.ok(!existsSync(join(plain.outDir, 'best')));

      const best = evals.reduce((a, b) => (b.metrics['eval/mean_reward']! > a.metrics['eval/mean_reward']! ? b : a));
      assert.equal(evaluated.summary.bestEvalReturn, best.metrics['eval/mean_reward']);
      assert.equal(evaluated.summary.bestEvalStep, best.step);
      assert.deepEqual(JSON.parse(readFileSync(join(evaluated.outDir, BEST_EVAL_FILE), 'utf8')), { meanReturn: best.metrics['eval/mean_reward'], step: best.step });

      // best/ is a checkpoint of the policy at bestEvalStep: on that evaluation's episodes it scores the logged mean.
      const env = make('CartPole-v1');
      const loaded = await loadPolicyAgent(join(evaluated.outDir, 'best'), env);
      const firstSeed = randomSeed(makeRng(subSeed(7, `eval/periodic/${best.step}`)));
      assert.equal(evaluateAgent(loaded, env, 2, firstSeed).meanReturn, evaluated.summary.bestEvalReturn);
      const manifest = JSON.parse(readFileSync(join(evaluated.outDir, 'best', 'manifest.json'), 'utf8'));
      assert.equal(manifest.counters.globalStep, best.step);
      loaded.dispose();
      env.close();
    });
  }

  it('a resumed run keeps its best evaluation; a fresh run (in the directory once its checkpoints are removed) starts over', async () => {
    const base = { agent: 'dqn', envId: 'CartPole-v1', seed: 3, hyperparameters: DQN_HP, periodicEvaluation: { evalFreq: 200, episodes: 2 } } as const;
    const first = await run('resume', { ...base, steps: 400 });
    const resumed = await run('resume', { ...base, steps: 600, resume: true });
    const third = resumed.records.find(isEval)!;
    assert.equal(third.step, 600, 'a resumed run evaluates at the next multiple of evalFreq');
    const expected = Math.max(first.summary.bestEvalReturn!, third.metrics['eval/mean_reward']!);
    assert.equal(resumed.summary.bestEvalReturn, expected);
    await assert.rejects(run('resume', { ...base, steps: 200 }), /already holds a checkpoint; continue it with resume: true, or give another outDir/);
    rmSync(join(first.outDir, 'checkpoint'), { recursive: true });
    await assert.rejects(run('resume', { ...base, steps: 200 }), /holds a run's best checkpoint, .*best, which a new run would replace/);
    rmSync(join(first.outDir, 'best'), { recursive: true }); // its record, best-eval.json, stays: the new run ignores it
    const fresh = await run('resume', { ...base, steps: 200 });
    assert.equal(fresh.summary.bestEvalStep, 200);
    const record = join(fresh.outDir, BEST_EVAL_FILE);
    // a record of another best/ (a run killed between saving best/ and writing the record) is dropped, with a note
    writeFileSync(record, `${JSON.stringify({ meanReturn: 1e9, step: 100 })}\n`);
    const warnings: string[] = [];
    const previous = setWarningHandler((message) => warnings.push(message));
    let mismatched: Awaited<ReturnType<typeof run>>;
    try {
      mismatched = await run('resume', { ...base, steps: 400, resume: true });
    } finally {
      setWarningHandler(previous);
    }
    assert.deepEqual(warnings, [`${record} records the evaluation at step 100, but ${join(fresh.outDir, 'best')} holds the checkpoint of step 200: the record is of another checkpoint (a run killed between saving best/ and writing it); the next evaluation replaces best/`]);
    assert.equal(mismatched.summary.bestEvalStep, 400, 'the first evaluation of the resume is the best so far');
    assert.equal(mismatched.summary.bestEvalReturn, mismatched.records.find(isEval)!.metrics['eval/mean_reward']);
    writeFileSync(record, '{"meanReturn": ');
    await assert.rejects(run('resume', { ...base, steps: 600, resume: true }), (e: unknown) => e instanceof CheckpointError && /best-eval\.json: not valid JSON/.test((e as Error).message));
    writeFileSync(record, '{"meanReturn": "high", "step": 400}');
    await assert.rejects(run('resume', { ...base, steps: 600, resume: true }), (e: unknown) => e instanceof CheckpointError && /not a best-evaluation record:\n {2}at meanReturn: Invalid input: expected number, received string \(value: "high"\)/.test((e as Error).message));
    // a best/ whose files no longer match its manifest could not be loaded: its record is dropped,
    // with a note, not kept (a resume kept a truncated best/ and its record without a word)
    writeFileSync(record, `${JSON.stringify({ meanReturn: 1e9, step: 400 })}\n`);
    const bestDir = join(fresh.outDir, 'best');
    const weights = Object.keys(JSON.parse(readFileSync(join(bestDir, 'manifest.json'), 'utf8')).files as Record<string, string>).find((file) => file.endsWith('weights.bin'))!;
    writeFileSync(join(bestDir, weights), '');
    warnings.length = 0;
    setWarningHandler((message) => warnings.push(message));
    let corrupted: Awaited<ReturnType<typeof run>>;
    try {
      corrupted = await run('resume', { ...base, steps: 600, resume: true });
    } finally {
      setWarningHandler(previous);
    }
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.ok(warnings[0]!.startsWith(`${record} records the evaluation at step 400, but ${bestDir} holds no checkpoint it could describe (checkpoint file ${join(bestDir, weights)} is corrupted: SHA-256 `), warnings[0]);
    assert.equal(corrupted.summary.bestEvalStep, 600, 'the next evaluation replaces best/');
  });

  it('a best/ whose checksums match but that holds a NaN weight, which no load takes, has its record dropped with a note (a resume kept it as the best, and the summary named it)', async () => {
    const base = { agent: 'dqn', envId: 'CartPole-v1', seed: 3, hyperparameters: DQN_HP, periodicEvaluation: { evalFreq: 200, episodes: 2 } } as const;
    const first = await run('nan-best', { ...base, steps: 400 });
    const bestDir = join(first.outDir, 'best');
    const record = join(first.outDir, BEST_EVAL_FILE);
    const step = first.summary.bestEvalStep!;
    // a return no later evaluation beats: kept, the record would keep the NaN best/ for good
    writeFileSync(record, `${JSON.stringify({ meanReturn: 1e9, step })}\n`);
    const weights = Object.keys(JSON.parse(readFileSync(join(bestDir, 'manifest.json'), 'utf8')).files as Record<string, string>).find((file) => file.endsWith('weights.bin'))!;
    setFloat32(join(bestDir, weights), 0, NaN);
    rewriteCheckpoint(bestDir);
    const warnings: string[] = [];
    const previous = setWarningHandler((message) => warnings.push(message));
    let resumed: Awaited<ReturnType<typeof run>>;
    try {
      resumed = await run('nan-best', { ...base, steps: 600, resume: true });
    } finally {
      setWarningHandler(previous);
    }
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, new RegExp(`^${record.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} records the evaluation at step ${step}, but ${bestDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds no checkpoint it could describe \\(checkpoint .*best: cannot load network: weights .*weights\\.bin: weight '[^']+' \\[[0-9, ]+\\] has value NaN at index 0 \\(must be finite\\)\\); the next evaluation replaces best/$`));
    assert.equal(resumed.summary.bestEvalStep, 600, 'the next evaluation replaces best/');
    const env = make('CartPole-v1');
    (await loadPolicyAgent(bestDir, env)).dispose(); // the new best/ loads
    env.close();
  });

  it("a best/ whose checksums match but whose model.json's weights do not fit its layers (a kernel's shape swapped), which no load takes, has its record dropped with a note (a resume kept it as the best)", async () => {
    const base = { agent: 'dqn', envId: 'CartPole-v1', seed: 3, hyperparameters: DQN_HP, periodicEvaluation: { evalFreq: 200, episodes: 2 } } as const;
    const first = await run('misfit-best', { ...base, steps: 400 });
    const bestDir = join(first.outDir, 'best');
    const record = join(first.outDir, BEST_EVAL_FILE);
    const step = first.summary.bestEvalStep!;
    writeFileSync(record, `${JSON.stringify({ meanReturn: 1e9, step })}\n`);
    const model = join(bestDir, Object.keys(JSON.parse(readFileSync(join(bestDir, 'manifest.json'), 'utf8')).files as Record<string, string>).find((file) => file.endsWith('model.json'))!);
    const modelJson = JSON.parse(readFileSync(model, 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    // the same bytes, read as another network's kernel: [4, 32] for [32, 4]
    const kernel = modelJson.weightsManifest[0]!.weights.find(({ shape }) => shape.length === 2 && shape[0] !== shape[1])!;
    const saved = [...kernel.shape];
    kernel.shape.reverse();
    writeFileSync(model, JSON.stringify(modelJson));
    rewriteCheckpoint(bestDir);
    await assert.rejects(loadCheckpoint(bestDir), (e: Error) => e instanceof CheckpointError && e.message.includes(`weight '${kernel.name}' has shape [${kernel.shape.join(', ')}] in its weightsManifest`));
    const warnings: string[] = [];
    const previous = setWarningHandler((message) => warnings.push(message));
    let resumed: Awaited<ReturnType<typeof run>>;
    try {
      resumed = await run('misfit-best', { ...base, steps: 600, resume: true });
    } finally {
      setWarningHandler(previous);
    }
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.equal(warnings[0], `${record} records the evaluation at step ${step}, but ${bestDir} holds no checkpoint it could describe (checkpoint ${bestDir}: cannot load network: model ${model}: weight '${kernel.name}' has shape [${kernel.shape.join(', ')}] in its weightsManifest, but layer ${kernel.name.split('/')[0]} of its topology makes it [${saved.join(', ')}]); the next evaluation replaces best/`);
    assert.equal(resumed.summary.bestEvalStep, 600, 'the next evaluation replaces best/');
  });

  it('a best/ that no best-eval.json records (its first save killed before the record) is replaced by the next evaluation with a note (it was replaced without a word)', async () => {
    const base = { agent: 'dqn', envId: 'CartPole-v1', seed: 3, hyperparameters: DQN_HP, periodicEvaluation: { evalFreq: 200, episodes: 2 } } as const;
    const first = await run('unrecorded-best', { ...base, steps: 400 });
    const record = join(first.outDir, BEST_EVAL_FILE);
    rmSync(record);
    const warnings: string[] = [];
    const previous = setWarningHandler((message) => warnings.push(message));
    let resumed: Awaited<ReturnType<typeof run>>;
    try {
      resumed = await run('unrecorded-best', { ...base, steps: 600, resume: true });
    } finally {
      setWarningHandler(previous);
    }
    assert.deepEqual(warnings, [`${join(first.outDir, 'best')} holds a best checkpoint, but no ${record} records its evaluation (a run killed between saving best/ and recording it): its return is unknown, and the next evaluation replaces best/`]);
    assert.equal(resumed.summary.bestEvalStep, 600);
  });
});
