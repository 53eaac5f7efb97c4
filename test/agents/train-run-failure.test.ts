/**
 * A training run that fails frees what it holds and reports the failure where the caller can
 * catch it: an env that throws mid-training rejects `trainRun` with the env's error and leaves
 * `tf.memory()` as it found it (so does a resume whose env's reset throws: the restored networks
 * are freed); an `onMetrics` callback that throws rejects `trainRun` (rxjs would
 * otherwise rethrow it asynchronously and end the process); a trainer's `metrics$` completes when
 * its `train()` fails, so a subscriber waiting for the end is not left hanging, and the trainer
 * refuses to train on with its metrics unseen. A trainer whose env's close() throws still
 * completes `metrics$` and frees its networks; a close() from a `metrics$` subscriber ends
 * `train()` with the trainer-closed error.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { lastValueFrom, toArray } from 'rxjs';
import { initBackend } from '../../agents/backend.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { trainRun } from '../../agents/run/train-run.ts';
import { CheckpointError } from '../../agents/checkpoint/checkpoint.ts';
import { GymError, InvalidArgumentError } from '../../env/core/errors.ts';
import { KwargsError } from '../../env/core/zod-issues.ts';
import { make, register, unregister, Wrapper, type Env, type ResetArgs, type ResetResult, type StepResult } from '../../env/index.ts';

const BOOM_ID = 'test/Boom-v0';
/** Steps each env takes before its step throws. */
const STEPS_BEFORE_BOOM = 300;

class Boom extends Error {}

/** CartPole whose step throws after STEPS_BEFORE_BOOM steps. */
class BoomEnv<Act> extends Wrapper<Float32Array, Act> {
  private steps = 0;
  override step(action: Act): StepResult<Float32Array> {
    if (++this.steps > STEPS_BEFORE_BOOM) throw new Boom(`step ${this.steps}: boom`);
    return super.step(action);
  }
}

const RESET_BOOM_ID = 'test/ResetBoom-v0';
/** Whether ResetBoomEnv's reset throws. */
let resetThrows = false;

/** CartPole whose reset throws while `resetThrows` is set. */
class ResetBoomEnv<Act> extends Wrapper<Float32Array, Act> {
  override reset(args?: ResetArgs): ResetResult<Float32Array> {
    if (resetThrows) throw new Boom('reset: boom');
    return super.reset(args);
  }
}

const DQN_HP = { learningStarts: 64, trainFrequency: 4, batchSize: 16, targetNetworkFrequency: 50, hidden: [8] };
const PPO_HP = { numEnvs: 2, numSteps: 32, numMinibatches: 2, updateEpochs: 1, hidden: [8] };

/** Trains and disposes a PPO and a DQN trainer: TF.js makes some constants on first use, which a leak count would take for leaks. */
async function warmUpTensorFlow(): Promise<void> {
  const makeEnv = () => make('CartPole-v1');
  const ppo = new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...PPO_HP, totalTimesteps: 128 }), seed: 1, makeEnv });
  const dqn = new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...DQN_HP, totalTimesteps: 128 }), seed: 1, makeEnv });
  for (const trainer of [ppo, dqn]) {
    await trainer.train(128);
    trainer.dispose();
  }
}

describe('agents: a failed training run', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'bdt-train-failure-'));
    register({ id: BOOM_ID, entryPoint: () => new BoomEnv(make('CartPole-v1') as Env<Float32Array, unknown>), maxEpisodeSteps: 500 });
    register({ id: RESET_BOOM_ID, entryPoint: () => new ResetBoomEnv(make('CartPole-v1') as Env<Float32Array, unknown>), maxEpisodeSteps: 500 });
  });
  after(() => {
    unregister(BOOM_ID);
    unregister(RESET_BOOM_ID);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [agent, hyperparameters] of [
    ['dqn', DQN_HP],
    ['ppo', PPO_HP],
  ] as const) {
    it(`${agent}: an env that throws rejects trainRun with its error and leaks no tensor`, async () => {
      const failingRun = (n: number) => trainRun({ agent, envId: BOOM_ID, steps: 5_000, seed: 1, outDir: join(dir, `${agent}-env-${n}`), backend: 'wasm', hyperparameters, evalEpisodes: 0 });
      // the first run may leave tfjs's lazily made constants behind; a leak would grow with each run
      await assert.rejects(failingRun(1), Boom);
      const before = tf.memory().numTensors;
      await assert.rejects(failingRun(2), Boom);
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    });

    it(`${agent}: a resume whose trainer cannot be built (the env's reset throws) frees the restored networks`, async () => {
      const run = (resume: boolean) => trainRun({ agent, envId: RESET_BOOM_ID, steps: resume ? 256 : 128, seed: 1, outDir: join(dir, `${agent}-resume`), backend: 'wasm', hyperparameters, evalEpisodes: 0, resume });
      resetThrows = false;
      await run(false);
      resetThrows = true;
      try {
        const before = tf.memory().numTensors;
        await assert.rejects(run(true), Boom);
        assert.equal(tf.memory().numTensors, before, 'the restored networks leaked');
      } finally {
        resetThrows = false;
      }
    });

    it(`${agent}: an onMetrics that throws rejects trainRun with its error, and training stops`, async () => {
      const before = tf.memory().numTensors;
      let calls = 0;
      const full = new Error('disk full');
      await assert.rejects(
        trainRun({
          agent,
          envId: 'CartPole-v1',
          steps: 20_000,
          seed: 1,
          outDir: join(dir, `${agent}-metrics`),
          backend: 'wasm',
          hyperparameters,
          evalEpisodes: 0,
          onMetrics: () => {
            calls++;
            throw full;
          },
        }),
        (error) => error === full,
      );
      assert.equal(calls, 1, 'the callback is not called again after it threw');
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    });
  }

  it('refuses, before training, to overwrite a checkpoint, a typo in the hyperparameters (naming it), and a backend that is not running', async () => {
    const outDir = join(dir, 'refusals');
    const common = { agent: 'ppo', envId: 'CartPole-v1', steps: 64, seed: 1, outDir, hyperparameters: PPO_HP, evalEpisodes: 0 } as const;
    const summary = await trainRun(common);
    assert.equal(summary.backend, 'wasm', 'the running backend is recorded');
    await assert.rejects(trainRun(common), (e: Error) => e instanceof CheckpointError && e.message.includes('already holds a checkpoint; continue it with resume: true'));
    await assert.rejects(trainRun({ ...common, outDir: join(dir, 'typo'), hyperparameters: { numEnv: 4 } }), (e: Error) => e instanceof KwargsError && /trainRun: invalid hyperparameters:\n {2}at \(root\): Unrecognized key: "numEnv"/.test(e.message));
    await assert.rejects(trainRun({ ...common, outDir: join(dir, 'backend'), backend: 'tensorflow' }), /trainRun: backend "tensorflow" is not the one running \("wasm"\)/);
  });

  it('refuses a resume whose steps train nothing, as train --steps does, leaving the checkpoint as it was (it was saved again: its resumes counter, which moves the next training seeds, and totalTimesteps changed)', async () => {
    for (const [agent, hyperparameters, perCall] of [['ppo', PPO_HP, 64], ['dqn', DQN_HP, 1]] as const) {
      const outDir = join(dir, `resume-nothing-${agent}`);
      const common = { agent, envId: 'CartPole-v1', seed: 1, outDir, hyperparameters, evalEpisodes: 0 } as const;
      await trainRun({ ...common, steps: 128 });
      const manifest = () => readFileSync(join(outDir, 'checkpoint', 'manifest.json'), 'utf8');
      const saved = manifest();
      for (const steps of [100, 128, 128 + perCall - 1].filter((steps) => steps < 128 + perCall)) {
        await assert.rejects(trainRun({ ...common, steps, resume: true }), (e: Error) => e instanceof InvalidArgumentError && e.message === `trainRun: resume: ${outDir} is already trained to 128 env steps, so steps ${steps} trains nothing (it is the total, not an increment); give steps ${128 + perCall} or more`);
      }
      assert.equal(manifest(), saved, 'the checkpoint untouched');
      assert.equal((await trainRun({ ...common, steps: 128 + perCall, resume: true })).steps, 128 + perCall);
    }
  });

  it('refuses, before making anything, options that cannot run as given: evalFreq 0 (it hung), fractional or negative episodes, a seed that would pass Number.MAX_SAFE_INTEGER', async () => {
    const outDir = join(dir, 'bad-options');
    let records = 0;
    // without the check evalFreq 0 evaluated in a loop that starved the event loop: end it here
    const common = { agent: 'ppo', envId: 'CartPole-v1', steps: 64, seed: 1, outDir, hyperparameters: PPO_HP, evalEpisodes: 0, onMetrics: () => assert.ok(++records < 100, 'evaluating in a loop') } as const;
    const refused = async (options: Partial<Parameters<typeof trainRun>[0]>, message: RegExp, kind: new (...args: never[]) => Error = KwargsError) => {
      await assert.rejects(trainRun({ ...common, ...options }), (e: Error) => e instanceof kind && message.test(e.message), String(message));
      assert.equal(existsSync(outDir), false, `${message}: ${outDir} was made`);
    };
    await refused({ periodicEvaluation: { evalFreq: 0, episodes: 1 } }, /^trainRun: invalid options:\n {2}at periodicEvaluation\.evalFreq: Too small: expected number to be >=1 \(value: 0\)$/);
    await refused({ periodicEvaluation: { evalFreq: 32, episodes: 0 } }, /^trainRun: invalid options:\n {2}at periodicEvaluation\.episodes: Too small: expected number to be >=1 \(value: 0\)$/);
    await refused({ evalEpisodes: 1.5 }, /^trainRun: invalid options:\n {2}at evalEpisodes: .*int.* \(value: 1\.5\)$/);
    await refused({ evalEpisodes: -1 }, /^trainRun: invalid options:\n {2}at evalEpisodes: Too small: expected number to be >=0 \(value: -1\)$/);
    await refused({ steps: 0 }, /^trainRun: invalid options:\n {2}at steps: Too small: expected number to be >=1 \(value: 0\)$/);
    const max = Number.MAX_SAFE_INTEGER;
    await refused(
      { seed: 9_007_199_254_000_000, evalEpisodes: 20 },
      new RegExp(`^trainRun: seed 9007199254000000: the 2 training envs \\(seed \\+ i\\) and the 20 final evaluation episodes \\(seed \\+ 1000000 \\+ i\\) use seeds up to 9007199254000000 \\+ 1000019, beyond Number\\.MAX_SAFE_INTEGER \\(${max}\\); give seed <= ${max - 1_000_019}$`),
      InvalidArgumentError,
    );
    assert.equal(records, 0);

    // the largest seed a new run takes; its first resume moves the training envs 2^32 on, past the safe range
    const fresh = await trainRun({ ...common, seed: max - 1_000_019, evalEpisodes: 20 });
    assert.equal(fresh.evalEpisodes, 20);
    const manifest = readFileSync(join(outDir, 'checkpoint', 'manifest.json'), 'utf8');
    await assert.rejects(
      trainRun({ ...common, steps: 128, resume: true }),
      (e: Error) => e instanceof InvalidArgumentError && /^trainRun: resume: the 2 training envs after resume 1 \(seed \+ 4294967296 \+ i\) use seeds up to \d+ \+ 4294967297 \(the checkpoint's seed\), beyond Number\.MAX_SAFE_INTEGER \(\d+\); this run cannot be resumed; train a new one with a smaller seed$/.test(e.message),
    );
    assert.equal(readFileSync(join(outDir, 'checkpoint', 'manifest.json'), 'utf8'), manifest, 'the refused resume left the checkpoint alone');
  });

  it('a trainer refuses to train past hp.totalTimesteps (its schedules anneal over it: the learning rate stayed 0 for the rest), and trains on to it after', async () => {
    const makeEnv = () => make('CartPole-v1');
    const hp = { annealLr: true, totalTimesteps: 128 };
    const trainers = [
      new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...PPO_HP, ...hp }), seed: 1, makeEnv }),
      new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...DQN_HP, ...hp }), seed: 1, makeEnv }),
    ];
    for (const trainer of trainers) {
      const name = trainer.constructor.name;
      await assert.rejects(trainer.train(512), (e: Error) => e instanceof InvalidArgumentError && e.message.startsWith(`${name}.train: totalSteps 512 is past hp.totalTimesteps 128, over which `) && e.message.endsWith('; give a trainer hp.totalTimesteps >= 512'));
      assert.equal(trainer.counters.globalStep, 0, `${name} trained`);
      await trainer.train(128);
      assert.equal(trainer.counters.globalStep, 128, name);
      trainer.dispose();
    }
  });

  it("a trainer's metrics$ completes when its train() fails (a subscriber waiting for the end hung), and train() rejects with the error", async () => {
    const makeEnv = () => make(BOOM_ID);
    const trainers = [
      new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...PPO_HP, totalTimesteps: 5_000 }), seed: 1, makeEnv }),
      new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...DQN_HP, totalTimesteps: 5_000 }), seed: 1, makeEnv }),
    ];
    for (const trainer of trainers) {
      const ended = lastValueFrom(trainer.metrics$.pipe(toArray()));
      await assert.rejects(trainer.train(5_000), Boom);
      assert.ok(Array.isArray(await ended));
      trainer.dispose();
    }
  });

  it('a train() after one that failed is refused, not run with its metrics dropped by the ended metrics$', async () => {
    const makeEnv = () => make(BOOM_ID);
    const trainers = [
      new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...PPO_HP, totalTimesteps: 5_000 }), seed: 1, makeEnv }),
      new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...DQN_HP, totalTimesteps: 5_000 }), seed: 1, makeEnv }),
    ];
    for (const trainer of trainers) {
      const name = trainer.constructor.name;
      await assert.rejects(trainer.train(5_000), Boom);
      const failedAt = trainer.counters.globalStep;
      await assert.rejects(trainer.train(5_000), (e: Error) => e instanceof GymError && e.message === `${name}.train: an earlier train() failed, which ended metrics$; make a new trainer (or resume the run from its last checkpoint)`);
      assert.equal(trainer.counters.globalStep, failedAt, `${name} trained on`);
      trainer.dispose();
    }
  });

  /** A PPO and a DQN trainer on CartPole-v1, seed 1, scheduled over `totalTimesteps`. */
  const cartPoleTrainers = (totalTimesteps: number) => [
    new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...PPO_HP, totalTimesteps }), seed: 1, makeEnv: () => make('CartPole-v1') }),
    new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...DQN_HP, totalTimesteps }), seed: 1, makeEnv: () => make('CartPole-v1') }),
  ];

  it("refuses train() arguments of the wrong kind before any work, the trainer still usable (a callback that was no function failed after one iteration and ended the trainer)", async () => {
    for (const trainer of cartPoleTrainers(1024)) {
      const name = trainer.constructor.name;
      const callback = name === 'PpoTrainer' ? 'onIteration' : 'onProgress';
      const train = trainer.train.bind(trainer) as (...args: unknown[]) => Promise<void>;
      for (const [args, message] of [
        [[256, 5], `${name}.train: ${callback} must be a function (or undefined), got 5`],
        [[256, undefined, 'stop'], `${name}.train: signal must be an AbortSignal (or undefined), got "stop"`],
        [['256'], `${name}.train: totalSteps must be an integer >= 0 (env steps), got "256"`],
        [[-1], `${name}.train: totalSteps must be an integer >= 0 (env steps), got -1`],
        [[NaN], `${name}.train: totalSteps must be an integer >= 0 (env steps), got NaN`],
      ] as const) {
        await assert.rejects(train(...args), (e: Error) => e instanceof InvalidArgumentError && e.message === message, message);
      }
      assert.equal(trainer.counters.globalStep, 0, `${name}: nothing ran`);
      await trainer.train(256);
      assert.ok(trainer.counters.globalStep >= 256, `${name} trains after the refusals`);
      trainer.dispose();
    }
  });

  it('refuses iterate() or train() from inside an iteration (a metrics$ subscriber), and a second train() while one runs; training goes on', async () => {
    for (const trainer of cartPoleTrainers(1024)) {
      const name = trainer.constructor.name;
      const refusals: string[] = [];
      const subscription = trainer.metrics$.subscribe(() => {
        if (refusals.length > 0) return;
        try {
          trainer.iterate();
        } catch (error) {
          refusals.push((error as Error).message);
        }
        trainer.train(1024).catch((error: Error) => refusals.push(error.message));
      });
      const first = trainer.train(512);
      await assert.rejects(trainer.train(1024), (e: Error) => e instanceof GymError && e.message === `${name}.train: called while another train() runs (await it first); the two would interleave their rollouts`);
      await first;
      subscription.unsubscribe();
      assert.deepEqual(refusals, [
        `${name}.iterate: called from inside an iteration (from a metrics$ subscriber?); its rollout would splice into the running one's`,
        `${name}.train: called while an iteration runs (from a metrics$ subscriber?); the two would interleave their rollouts`,
      ]);
      assert.ok(trainer.counters.globalStep >= 512 && trainer.counters.globalStep < 1024, `${name}: one train's steps (${trainer.counters.globalStep})`);
      trainer.dispose();
    }
  });

  it('a train() after close() or dispose() is refused with a GymError (it threw the closed env\'s error, or "Tensor is disposed.")', async () => {
    const makeEnv = () => make('CartPole-v1');
    for (const end of ['close', 'dispose'] as const) {
      const trainers = [
        new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...PPO_HP, totalTimesteps: 128 }), seed: 1, makeEnv }),
        new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...DQN_HP, totalTimesteps: 128 }), seed: 1, makeEnv }),
      ];
      for (const trainer of trainers) {
        const name = trainer.constructor.name;
        trainer[end]();
        await assert.rejects(trainer.train(128), (e: Error) => e instanceof GymError && e.message === `${name}.train: the trainer is closed (close() or dispose()); make a new trainer (or resume the run from its last checkpoint)`, `${name} after ${end}()`);
        assert.equal(trainer.counters.globalStep, 0, `${name} trained after ${end}()`);
        trainer.dispose();
      }
    }
  });

  it('a close() or dispose() during train() (in its callback) ends it with the same GymError at the next iteration', async () => {
    const makeEnv = () => make('CartPole-v1');
    for (const end of ['close', 'dispose'] as const) {
      const ppo = new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...PPO_HP, totalTimesteps: 4096 }), seed: 1, makeEnv });
      const dqn = new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...DQN_HP, totalTimesteps: 4096 }), seed: 1, makeEnv });
      for (const trainer of [ppo, dqn]) {
        const name = trainer.constructor.name;
        const ended = (t: PpoTrainer | DqnTrainer) => t[end]();
        const training = trainer instanceof PpoTrainer ? trainer.train(4096, ended) : trainer.train(4096, ended);
        await assert.rejects(training, (e: Error) => e instanceof GymError && e.message === `${name}.iterate: the trainer is closed (close() or dispose()); make a new trainer (or resume the run from its last checkpoint)`, `${name} after ${end}() in its callback`);
        assert.ok(trainer.counters.globalStep < 4096, `${name} trained on after ${end}()`);
        trainer.dispose();
      }
    }
  });

  it("an env whose close() throws: close() and dispose() rethrow its error, yet every env is closed, metrics$ completes and the networks are freed (metrics$ hung, the networks leaked and a second dispose() did nothing)", async () => {
    for (const end of ['close', 'dispose'] as const) {
      const closed: number[] = [];
      /** CartPole; env 0's close() throws once the env is closed. */
      const makeEnv = (e: number) => {
        const env = make('CartPole-v1');
        const close = env.close.bind(env);
        env.close = () => {
          close();
          closed.push(e);
          if (e === 0) throw new Boom('env 0: release failed');
        };
        return env;
      };
      await warmUpTensorFlow();
      const before = tf.memory().numTensors;
      const trainers = [
        new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...PPO_HP, totalTimesteps: 128 }), seed: 1, makeEnv }),
        new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...DQN_HP, numEnvs: 2, totalTimesteps: 128 }), seed: 1, makeEnv }),
      ];
      for (const trainer of trainers) {
        const name = `${trainer.constructor.name} ${end}()`;
        closed.length = 0;
        await trainer.train(128);
        let completed = false;
        trainer.metrics$.subscribe({ complete: () => (completed = true) });
        assert.throws(() => trainer[end](), (e: Error) => e instanceof Boom && e.message === 'env 0: release failed', name);
        assert.ok(completed, `${name}: metrics$ completes`);
        assert.deepEqual(closed, [0, 1], `${name}: env 1 is closed too`);
        await assert.rejects(trainer.train(128), (e: Error) => e instanceof GymError && /the trainer is closed/.test(e.message), name);
        trainer.dispose(); // after close(): frees the networks; after dispose(): nothing left to do
        trainer.dispose();
        assert.deepEqual(closed, [0, 1], `${name}: each env is closed once`);
      }
      assert.equal(tf.memory().numTensors, before, `${end}(): tensors leaked`);
    }
  });

  it("a close() or dispose() from a metrics$ subscriber ends train() with the trainer-closed GymError, PPO's mid-rollout too (PPO stepped the closed env; DQN, disposed, trained on freed networks)", async () => {
    for (const end of ['close', 'dispose'] as const) {
      await warmUpTensorFlow();
      const before = tf.memory().numTensors;
      const ppo = new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...PPO_HP, totalTimesteps: 1024 }), seed: 1, makeEnv: () => make('CartPole-v1') });
      // a gradient step right after each env step, so one follows the episode whose record ends the trainer
      const dqnHp = DqnHyperparametersSchema.parse({ ...DQN_HP, learningStarts: 16, trainFrequency: 1, gradientSteps: 2, totalTimesteps: 1024 });
      const dqn = new DqnTrainer({ hp: dqnHp, seed: 1, makeEnv: () => make('CartPole-v1') });
      for (const trainer of [ppo, dqn]) {
        const name = trainer.constructor.name;
        let endedAt: number | undefined;
        trainer.metrics$.subscribe((record) => {
          // PPO's first record is an episode's, mid-rollout; DQN's first past learningStarts is followed by gradient steps
          if (endedAt !== undefined || (trainer === dqn && record.step <= dqnHp.learningStarts)) return;
          endedAt = record.step;
          trainer[end]();
        });
        await assert.rejects(trainer.train(1024), (e: Error) => e instanceof GymError && e.message === `${name}.iterate: the trainer is closed (close() or dispose()); make a new trainer (or resume the run from its last checkpoint)`, `${name} after ${end}() in a metrics$ subscriber`);
        assert.equal(trainer.counters.globalStep, endedAt, `${name} stepped on after ${end}()`);
        trainer.dispose();
      }
      assert.equal(tf.memory().numTensors, before, `${end}(): tensors leaked`);
    }
  });
});
