import assert from 'node:assert/strict';
import { make } from '../../env/index.ts';
import { initBackend } from '../../agents/backend.ts';
import { makeRng } from '../../env/core/rng.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoPolicy } from '../../agents/ppo/ppo-policy.ts';

describe('agents/ppo/ppo-policy', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('several policies with a Gaussian head can be alive at once (e.g. two checkpoints compared)', () => {
    const env = make('BDT-v0');
    const hp = PpoHyperparametersSchema.parse({ hidden: [8], initLogStd: -1 });
    const first = PpoPolicy.create(env.observationSpace, env.actionSpace, hp, makeRng(1));
    const second = PpoPolicy.create(env.observationSpace, env.actionSpace, hp, makeRng(2));
    assert.ok(first.logStd !== undefined && second.logStd !== undefined);
    assert.notEqual(first.logStd.name, second.logStd.name);
    assert.deepEqual(Array.from(second.logStdValues()), Array(first.layout.continuousDims).fill(-1));
    first.dispose();
    second.dispose();
    env.close();
  });
});
