/**
 * The training envs' reset seeds: a fresh run's are seed + e, as before; after each resume they
 * move RESUME_SEED_STRIDE further, so they never meet the final evaluation's seeds (seed +
 * EVAL_SEED_OFFSET + i, train's evalReturn and evaluate's default) nor an earlier session's.
 * Checked on the seeds the trainers actually pass to their envs' reset.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../agents/backend.ts';
import { loadDqnRun, saveDqnCheckpoint } from '../../agents/dqn/dqn-checkpoint.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { loadPpoRun, savePpoCheckpoint } from '../../agents/ppo/ppo-checkpoint.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { EVAL_SEED_OFFSET, RESUME_SEED_STRIDE } from '../../agents/training-seeds.ts';
import type { Env, ResetArgs } from '../../env/core/env.ts';
import { make } from '../../env/index.ts';

const SEED = 7;
const NUM_ENVS = 3;
/** Far more final evaluation episodes than any run plays: none of their seeds may be a training seed. */
const EVAL_EPISODES = 1_000_000;

/** CartPole envs that record every seed they are reset with. */
function recordingEnvs(seeds: number[]): () => Env<unknown, unknown> {
  return () => {
    const env = make('CartPole-v1');
    const reset = env.reset.bind(env);
    env.reset = (args?: ResetArgs) => {
      if (args?.seed != null) seeds.push(args.seed);
      return reset(args);
    };
    return env;
  };
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

function assertNoEvaluationSeed(seeds: readonly number[]): void {
  const first = SEED + EVAL_SEED_OFFSET;
  for (const seed of seeds) assert.ok(seed < first || seed >= first + EVAL_EPISODES, `training seed ${seed} is a final evaluation seed`);
}

/**
 * Builds a trainer (resumed from `checkpoint` if given) on envs recording their seeds into `seeds`
 * (only the reset when it is built passes seeds; autoresets do not) and trains it a little.
 */
type Session = (seeds: number[], checkpoint: string | undefined) => Promise<{ save: (dir: string) => Promise<void>; dispose: () => void }>;

const ppoHp = PpoHyperparametersSchema.parse({ numEnvs: NUM_ENVS, numSteps: 8, numMinibatches: 1, updateEpochs: 1, hidden: [8], totalTimesteps: 1000 });
const ppoSession: Session = async (seeds, checkpoint) => {
  const env = make('CartPole-v1');
  const run = checkpoint === undefined ? undefined : await loadPpoRun(checkpoint, env.observationSpace, env.actionSpace);
  env.close();
  const trainer = new PpoTrainer({ hp: ppoHp, seed: SEED, makeEnv: recordingEnvs(seeds), ...(run ? { restore: run.restore } : {}) });
  trainer.iterate();
  return { save: (dir) => savePpoCheckpoint(dir, trainer, { id: 'CartPole-v1', scenario: undefined, actionSpace: env.actionSpace }, SEED), dispose: () => trainer.dispose() };
};

const dqnHp = DqnHyperparametersSchema.parse({ numEnvs: NUM_ENVS, hidden: [8], bufferSize: 100, learningStarts: 10, batchSize: 8, totalTimesteps: 1000 });
const dqnSession: Session = async (seeds, checkpoint) => {
  const env = make('CartPole-v1');
  const run = checkpoint === undefined ? undefined : await loadDqnRun(checkpoint, env);
  const trainer = new DqnTrainer({ hp: dqnHp, seed: SEED, makeEnv: recordingEnvs(seeds), ...(run ? { restore: run.restore } : {}) });
  await trainer.train(30);
  return { save: (dir) => saveDqnCheckpoint(dir, trainer, { id: 'CartPole-v1', scenario: undefined, actionSpace: env.actionSpace }, SEED), dispose: () => (trainer.dispose(), env.close()) };
};

describe('agents/training-seeds', () => {
  let dir: string;
  before(async () => {
    await initBackend('wasm');
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-seeds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const [agent, session] of [
    ['ppo', ppoSession],
    ['dqn', dqnSession],
  ] as const) {
    it(`${agent}: a fresh run resets with seed + e; each resume moves its seeds off the evaluation seeds and the earlier sessions'`, async () => {
      const sessions: number[][] = [];
      let checkpoint: string | undefined;
      for (let resumes = 0; resumes < 3; resumes++) {
        const seeds: number[] = [];
        const trainer = await session(seeds, checkpoint);
        sessions.push(seeds);
        checkpoint = join(dir, `session-${resumes}`);
        await trainer.save(checkpoint);
        trainer.dispose();
      }
      assert.deepEqual(sessions[0], range(SEED, NUM_ENVS), 'a fresh run keeps its seeds');
      assert.deepEqual(sessions[1], range(SEED + RESUME_SEED_STRIDE, NUM_ENVS));
      assert.deepEqual(sessions[2], range(SEED + 2 * RESUME_SEED_STRIDE, NUM_ENVS));
      const all = sessions.flat();
      assertNoEvaluationSeed(all);
      assert.equal(new Set(all).size, all.length, 'no session replays an earlier one');
    });
  }
});
