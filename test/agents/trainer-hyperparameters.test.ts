/**
 * The trainers check the hyperparameters they are given, as `trainRun` does: an `hp` spread from
 * a parsed one and edited (`{ ...PpoHyperparametersSchema.parse({}), numSteps: 0 }`) got past the
 * schema, and numSteps 0 made `train()` loop forever on empty rollouts.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { make } from '../../env/index.ts';
import { KwargsError } from '../../env/core/zod-issues.ts';
import { initBackend } from '../../agents/backend.ts';
import { DqnHyperparametersSchema, type DqnHyperparameters } from '../../agents/dqn/hyperparameters.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { PpoHyperparametersSchema, type PpoHyperparameters } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';

describe('trainers validate their hyperparameters', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('both trainers refuse options that are no object, unknown keys, no or two env sources and a bad seed, before any env or network (a raw TypeError, or the seed blamed on SyncVectorEnv)', () => {
    const ppoHp = PpoHyperparametersSchema.parse({ totalTimesteps: 2048, hidden: [8] });
    const dqnHp = DqnHyperparametersSchema.parse({ totalTimesteps: 2048, hidden: [8] });
    let made = 0;
    const makeEnv = () => (made++, make('CartPole-v1'));
    for (const [name, build] of [
      ['PpoTrainer', (options: unknown) => new PpoTrainer(options as never)],
      ['DqnTrainer', (options: unknown) => new DqnTrainer(options as never)],
    ] as const) {
      const hp = name === 'PpoTrainer' ? ppoHp : dqnHp;
      for (const [options, message] of [
        [null, `${name}: options must be an object {makeEnv or makeVectorEnv, hp, seed, restore?}, got null`],
        [{ hp, seed: 1, makeEnv, foo: 1 }, `${name}: unknown option "foo" (options: makeEnv, makeVectorEnv, hp, seed, restore)`],
        [{ hp, seed: 1 }, `${name}: give exactly one of makeEnv (one env per index) and makeVectorEnv (a whole vector env), got neither`],
        [{ hp, seed: 1, makeEnv, makeVectorEnv: () => undefined }, `${name}: give exactly one of makeEnv (one env per index) and makeVectorEnv (a whole vector env), got both`],
        [{ hp, seed: 1, makeEnv: 'CartPole-v1' }, `${name}: makeEnv must be a function, got "CartPole-v1"`],
        [{ hp, seed: 'a', makeEnv }, `${name}: options.seed: seed = "a" must be an integer >= 0`],
      ] as const) {
        const before = tf.memory().numTensors;
        assert.throws(() => build(options), { message }, message);
        assert.equal(tf.memory().numTensors, before, `${message}: tensors leaked`);
      }
    }
    assert.equal(made, 0, 'no env is made');
  });

  it('PpoTrainer refuses an hp the schema refuses, naming the field, the rule and the value, before it makes an env or a network', () => {
    const parsed = PpoHyperparametersSchema.parse({ totalTimesteps: 2048, hidden: [8] });
    const cases: ReadonlyArray<readonly [Partial<PpoHyperparameters>, RegExp]> = [
      [{ numSteps: 0 }, /^PpoTrainer: invalid hp:\n {2}at numSteps: Too small: expected number to be >0 \(value: 0\)$/],
      [{ learningRate: -1 }, /^PpoTrainer: invalid hp:\n {2}at learningRate: Too small: expected number to be >0 \(value: -1\)$/],
      [{ updateEpochs: 0 }, /^PpoTrainer: invalid hp:\n {2}at updateEpochs: Too small: .*\(value: 0\)$/],
      [{ numMinibatches: 0 }, /^PpoTrainer: invalid hp:\n {2}at numMinibatches: Too small: .*\(value: 0\)$/],
      [{ hidden: [] }, /^PpoTrainer: invalid hp:\n {2}at hidden: Too small: expected array to have >=1 items/],
    ];
    for (const [edit, expected] of cases) {
      let made = 0;
      const before = tf.memory().numTensors;
      assert.throws(
        () => new PpoTrainer({ hp: { ...parsed, ...edit }, seed: 1, makeEnv: () => (made++, make('CartPole-v1')) }),
        (e: Error) => e instanceof KwargsError && expected.test(e.message),
        JSON.stringify(edit),
      );
      assert.equal(made, 0, `${JSON.stringify(edit)}: no env is made`);
      assert.equal(tf.memory().numTensors, before, `${JSON.stringify(edit)}: tensors leaked`);
    }
  });

  it('DqnTrainer refuses an hp the schema refuses (trainFrequency 0, a batchSize above bufferSize), naming the field, the rule and the value', () => {
    const parsed = DqnHyperparametersSchema.parse({ totalTimesteps: 2000, hidden: [8], bufferSize: 1000, batchSize: 32 });
    const cases: ReadonlyArray<readonly [Partial<DqnHyperparameters>, RegExp]> = [
      [{ trainFrequency: 0 }, /^DqnTrainer: invalid hp:\n {2}at trainFrequency: Too small: expected number to be >0 \(value: 0\)$/],
      [{ batchSize: 2000 }, /^DqnTrainer: invalid hp:\n {2}at batchSize: rule: batchSize <= bufferSize .*got batchSize 2000 > bufferSize 1000 \(value: 2000\)$/],
      [{ learningRate: -1 }, /^DqnTrainer: invalid hp:\n {2}at learningRate: Too small: expected number to be >0 \(value: -1\)$/],
    ];
    for (const [edit, expected] of cases) {
      let made = 0;
      assert.throws(
        () => new DqnTrainer({ hp: { ...parsed, ...edit }, seed: 1, makeEnv: () => (made++, make('CartPole-v1')) }),
        (e: Error) => e instanceof KwargsError && expected.test(e.message),
        JSON.stringify(edit),
      );
      assert.equal(made, 0, `${JSON.stringify(edit)}: no env is made`);
    }
  });

  it('a valid hp is taken as the schema gives it back (an hp parsed already, or with fields left out, which take their defaults)', () => {
    const hp = PpoHyperparametersSchema.parse({ numEnvs: 2, numSteps: 8, hidden: [8], totalTimesteps: 64 });
    const trainer = new PpoTrainer({ hp, seed: 1, makeEnv: () => make('CartPole-v1') });
    assert.deepEqual(trainer.hp, hp);
    trainer.dispose();
    const { gamma: _, ...partial } = hp;
    const defaults = new PpoTrainer({ hp: partial as PpoHyperparameters, seed: 1, makeEnv: () => make('CartPole-v1') });
    assert.equal(defaults.hp.gamma, PpoHyperparametersSchema.parse({}).gamma);
    defaults.dispose();
  });
});
