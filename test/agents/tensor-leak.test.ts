import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { lastValueFrom, toArray } from 'rxjs';
import { DiscretizeAction, GymError, InvalidArgumentError, make, makeVec, type VectorEnv } from '../../env/index.ts';
import { initBackend } from '../../agents/backend.ts';
import { discreteActionEnv, loadDqnPolicy } from '../../agents/dqn/dqn-checkpoint.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { DqnAgent, PpoAgent } from '../../agents/policy-agent.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { loadPpoPolicy } from '../../agents/ppo/ppo-checkpoint.ts';
import { defaultCheckpointDir } from '../../agents/learned-agents.ts';
import { registerLearnedAgents } from '../../agents/register-learned-agents.ts';
import { compareAgents, createAgent, registerAgent } from '../../baselines/index.ts';

describe('agents: no tensor leaks', () => {
  before(async () => {
    await initBackend('wasm');
    registerLearnedAgents();
  });

  it('PPO updates (minibatches, Gaussian and categorical heads) keep tf.memory().numTensors constant', () => {
    // Pendulum-like mixed action spaces are exercised on BDT-small-v0: MultiDiscrete + Box inside a Dict.
    for (const [id, numMinibatches] of [['CartPole-v1', 2], ['BDT-small-v0', 1]] as const) {
      const hp = PpoHyperparametersSchema.parse({ numEnvs: 2, numSteps: 8, numMinibatches, updateEpochs: 2, hidden: [8], normObs: true, totalTimesteps: 1000 });
      const trainer = new PpoTrainer({ hp, seed: 1, makeEnv: () => make(id) });
      trainer.iterate();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) trainer.iterate();
      assert.equal(tf.memory().numTensors, before, `${id}: tensors leaked by PPO updates`);
      const agent = new PpoAgent(trainer.policy, { ownsNetworks: false });
      const env = make(id);
      const [obs] = env.reset({ seed: 1 });
      agent.act(obs);
      assert.equal(tf.memory().numTensors, before, `${id}: tensors leaked by acting`);
      env.close();
      const disposed = tf.memory().numTensors;
      trainer.dispose();
      assert.ok(tf.memory().numTensors < disposed, 'dispose releases the networks');
    }
  });

  it('a PPO policy, made fresh or loaded, leaves no tensor behind once disposed (its log-std variable kept its initial value alive)', async () => {
    const hp = PpoHyperparametersSchema.parse({ numEnvs: 1, numSteps: 8, hidden: [8], totalTimesteps: 1000 });
    const fresh = () => new PpoTrainer({ hp, seed: 1, makeEnv: () => make('BDT-small-v0') }).dispose();
    const env = make('BDT-v0');
    const loaded = async () => (await createAgent('ppo', env)).dispose?.();
    for (const [name, cycle] of [['fresh', fresh], ['loaded', loaded]] as const) {
      await cycle(); // tfjs makes some constants on first use
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) await cycle();
      assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
    }
  });

  it('agents over live trainers borrow their networks, by default too: compared (and so disposed), training goes on and the trainers free them', async () => {
    const baseline = tf.memory().numTensors;
    const ppo = new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ numEnvs: 2, numSteps: 8, hidden: [8], totalTimesteps: 64 }), seed: 1, makeEnv: () => make('BDT-small-v0') });
    const dqnHp = DqnHyperparametersSchema.parse({ hidden: [8], bufferSize: 200, learningStarts: 16, batchSize: 8, actionLevels: 3, totalTimesteps: 200 });
    const dqn = new DqnTrainer({ hp: dqnHp, seed: 1, makeEnv: () => discreteActionEnv(make('BDT-small-v0'), dqnHp.actionLevels) });
    await ppo.train(16);
    await dqn.train(40);
    registerAgent('test-live-ppo', { description: 'a PPO policy in training', create: () => new PpoAgent(ppo.policy, { ownsNetworks: false }) });
    // without the option: the trainer holds the networks, so the agent borrows them
    registerAgent('test-live-ppo-default', { description: 'a PPO policy in training', create: () => new PpoAgent(ppo.policy) });
    registerAgent('test-live-dqn', {
      description: 'a DQN policy in training',
      create: (env) => {
        const discrete = new DiscretizeAction(env, dqnHp.actionLevels);
        return new DqnAgent({ qNetwork: dqn.qNetwork, encoder: dqn.encoder, layout: dqn.layout, toEnvAction: (a) => discrete.action(a) }, { ownsNetworks: false });
      },
    });
    registerAgent('test-live-dqn-default', {
      description: 'a DQN policy in training',
      create: (env) => {
        const discrete = new DiscretizeAction(env, dqnHp.actionLevels);
        return new DqnAgent({ qNetwork: dqn.qNetwork, encoder: dqn.encoder, layout: dqn.layout, toEnvAction: (a) => discrete.action(a) });
      },
    });
    const agents = ['test-live-ppo', 'test-live-dqn', 'test-live-ppo-default', 'test-live-dqn-default'];
    const records = await lastValueFrom(compareAgents({ envId: 'BDT-small-v0', agents, seeds: [1], scenario: { slots: 5 } }).pipe(toArray()));
    assert.equal(records.length, 4);
    assert.throws(() => new PpoAgent(ppo.policy, 'runs/x' as never), (e: unknown) => e instanceof InvalidArgumentError && /^PpoAgent: options must be an object \{ checkpointDir\?, ownsNetworks\? \}, got "runs\/x"$/.test((e as Error).message));
    await ppo.train(32); // threw "Tensor is disposed" when the agent's dispose freed the trainer's policy
    await dqn.train(80);
    assert.equal(ppo.counters.globalStep, 32);
    assert.equal(dqn.counters.globalStep, 80);
    ppo.dispose();
    dqn.dispose();
    assert.equal(tf.memory().numTensors, baseline, 'the trainers freed every network');
  });

  it('an agent loaded from a checkpoint owns its networks: dispose frees them', async () => {
    const env = make('BDT-v0');
    for (const name of ['ppo', 'dqn']) {
      const before = tf.memory().numTensors;
      const agent = await createAgent(name, env);
      assert.ok(tf.memory().numTensors > before, `${name}: the loaded networks hold tensors`);
      agent.dispose?.();
      assert.equal(tf.memory().numTensors, before, `${name}: tensors left after dispose`);
    }
    env.close();
  });

  it('an agent made over a loaded policy (new PpoAgent(await loadPpoPolicy(...)), new DqnAgent(await loadDqnPolicy(...)), no checkpointDir) owns it: dispose frees it', async () => {
    const env = make('BDT-v0');
    const made = {
      ppo: async (dir: string) => new PpoAgent(await loadPpoPolicy(dir, env.observationSpace, env.actionSpace)),
      dqn: async (dir: string) => new DqnAgent(await loadDqnPolicy(dir, env)), // its target network, only for training, freed by the load
    };
    for (const [name, make] of Object.entries(made)) {
      const before = tf.memory().numTensors;
      const agent = await make(join(defaultCheckpointDir(name as 'ppo' | 'dqn', 'BDT-v0'), 'checkpoint'));
      assert.ok(tf.memory().numTensors > before, `${name}: the loaded policy holds tensors`);
      agent.dispose();
      assert.equal(tf.memory().numTensors, before, `${name}: tensors left after dispose`);
    }
    env.close();
  });

  it('a trainer whose construction fails closes its vector env once and leaves no tensor behind', () => {
    const ppoHp = PpoHyperparametersSchema.parse({ numEnvs: 2, numSteps: 8, hidden: [8], totalTimesteps: 64 });
    const dqnHp = DqnHyperparametersSchema.parse({ hidden: [8], bufferSize: 200, learningStarts: 16, batchSize: 8, totalTimesteps: 200 });
    const trainers = { ppo: (makeVectorEnv: (n: number) => VectorEnv) => new PpoTrainer({ hp: ppoHp, seed: 1, makeVectorEnv }), dqn: (makeVectorEnv: (n: number) => VectorEnv) => new DqnTrainer({ hp: dqnHp, seed: 1, makeVectorEnv }) };
    // refused before any network is built, and refused by the env's first reset after
    const failures = {
      sameStep: (n: number) => makeVec('CartPole-v1', n, { vectorizationMode: 'sync', autoresetMode: 'same-step' }),
      resetThrows: (n: number) =>
        Object.assign(makeVec('CartPole-v1', n, { vectorizationMode: 'sync' }), {
          reset: () => {
            throw new RangeError('reset failed');
          },
        }),
    };
    for (const [algo, build] of Object.entries(trainers)) {
      for (const [failure, makeVectorEnv] of Object.entries(failures)) {
        let closed = 0;
        const countingCloses = (n: number): VectorEnv => {
          const vectorEnv = makeVectorEnv(n);
          const close = vectorEnv.close.bind(vectorEnv);
          return Object.assign(vectorEnv, {
            close: () => {
              closed++;
              close();
            },
          });
        };
        const before = tf.memory().numTensors;
        assert.throws(() => build(countingCloses), failure === 'sameStep' ? GymError : RangeError);
        assert.equal(tf.memory().numTensors, before, `${algo}, ${failure}: tensors leaked`);
        assert.equal(closed, 1, `${algo}, ${failure}: vector env closes`);
      }
    }
  });

  it("a trainer's dispose() is safe to call twice, as an agent's", () => {
    const before = tf.memory().numTensors;
    const ppo = new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ numEnvs: 2, numSteps: 8, hidden: [8], totalTimesteps: 64 }), seed: 1, makeEnv: () => make('CartPole-v1') });
    const dqn = new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ hidden: [8], bufferSize: 200, totalTimesteps: 200 }), seed: 1, makeEnv: () => make('CartPole-v1') });
    for (const trainer of [ppo, dqn]) {
      trainer.dispose();
      trainer.dispose(); // threw "Container ... is already disposed"
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it('DQN training steps (branching, dueling) keep tf.memory().numTensors constant', async () => {
    const hp = DqnHyperparametersSchema.parse({ hidden: [8], bufferSize: 200, learningStarts: 16, batchSize: 8, trainFrequency: 2, gradientSteps: 2, targetNetworkFrequency: 8, tau: 0.5, dueling: true, actionLevels: 3, totalTimesteps: 1000 });
    const trainer = new DqnTrainer({ hp, seed: 2, makeEnv: () => discreteActionEnv(make('BDT-small-v0'), hp.actionLevels) });
    await trainer.train(40);
    assert.ok(trainer.counters.gradientSteps > 0);
    const before = tf.memory().numTensors;
    await trainer.train(80);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked by DQN steps');
    trainer.dispose();
  });
});
