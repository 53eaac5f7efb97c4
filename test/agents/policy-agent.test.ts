/**
 * PpoAgent and DqnAgent used through the package's API: refused clearly once their networks are
 * gone (acting went on from plain-JS weight copies, or failed with TF.js's raw "Tensor is
 * disposed"), refusing a non-finite observation before the network sees it (PPO blamed its
 * checkpoint, DQN acted on it), and PPO's opt-in sampling.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GymError, make, makeRng, SpaceError } from '../../env/index.ts';
import * as agentsApi from '../../agents/index.ts';
import { initBackend } from '../../agents/backend.ts';
import { saveDqnCheckpoint } from '../../agents/dqn/dqn-checkpoint.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { defaultCheckpointDir } from '../../agents/learned-agents.ts';
import { DqnAgent, loadPolicyAgent, PpoAgent } from '../../agents/policy-agent.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { savePpoCheckpoint } from '../../agents/ppo/ppo-checkpoint.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { TrainingDivergedError } from '../../agents/training-diverged.ts';
import { runAgentEpisode } from '../../baselines/harness/run-episode.ts';

const ppoHp = PpoHyperparametersSchema.parse({ numEnvs: 2, numSteps: 8, numMinibatches: 1, updateEpochs: 1, hidden: [8], totalTimesteps: 256 });
const dqnHp = DqnHyperparametersSchema.parse({ hidden: [8], bufferSize: 200, learningStarts: 8, batchSize: 8, trainFrequency: 1, totalTimesteps: 200, actionLevels: 3 });

function ppoTrainer(id = 'CartPole-v1'): PpoTrainer {
  return new PpoTrainer({ hp: ppoHp, seed: 1, makeEnv: () => make(id) });
}

function dqnTrainer(): DqnTrainer {
  return new DqnTrainer({ hp: dqnHp, seed: 1, makeEnv: () => make('CartPole-v1') });
}

/** A DqnAgent over a live trainer's Q network (CartPole: no discretisation). */
function dqnAgentOver(trainer: DqnTrainer): DqnAgent<Float32Array, number> {
  return new DqnAgent({ qNetwork: trainer.qNetwork, encoder: trainer.encoder, layout: trainer.layout, toEnvAction: (a) => a });
}

describe('agents: PpoAgent and DqnAgent through the API', () => {
  before(async () => {
    await initBackend('wasm');
  });

  describe('once their networks are gone', () => {
    it('act() after dispose() is refused with one GymError (it went on acting from JS copies of the freed weights), also through evaluateAgent', async () => {
      const env = make('BDT-v0');
      const [obs] = env.reset({ seed: 1 });
      for (const algo of ['ppo', 'dqn'] as const) {
        const dir = defaultCheckpointDir(algo, 'BDT-v0');
        const agent = await loadPolicyAgent(dir, env);
        agent.act(obs);
        agent.dispose();
        const owner = algo === 'ppo' ? 'PpoAgent' : 'DqnAgent';
        const expected = new RegExp(`^${owner}\\.act: the agent was disposed \\(its networks were freed\\); load the checkpoint again \\(${join(dir, 'checkpoint')}\\)$`);
        assert.throws(() => agent.act(obs), (e: Error) => e instanceof GymError && expected.test(e.message), algo);
        assert.throws(() => agentsApi.evaluateAgent(agent, env, 1, 0), (e: Error) => e instanceof GymError && expected.test(e.message), algo);
        agent.dispose(); // still safe twice
      }
      env.close();
    });

    it("an agent borrowing a trainer's networks is refused once it is disposed, or once the trainer is (TF.js's raw 'Tensor is disposed', or acting on from JS copies)", async () => {
      const env = make('CartPole-v1');
      const [obs] = env.reset({ seed: 1 });
      const freed = (owner: string) => (e: Error) => e instanceof GymError && new RegExp(`^${owner}\\.act: the networks it acts with were freed \\(their trainer or policy was disposed\\); `).test(e.message);
      for (const trained of [false, true]) {
        const ppo = ppoTrainer();
        const dqn = dqnTrainer();
        const ppoAgent = new PpoAgent<Float32Array, number>(ppo.policy);
        const dqnAgent = dqnAgentOver(dqn);
        ppoAgent.act(obs);
        dqnAgent.act(obs);
        if (trained) {
          // the networks change: the agents' JS copies are refreshed at their next act
          await ppo.train(16);
          await dqn.train(24);
        }
        ppo.dispose();
        dqn.dispose();
        assert.throws(() => ppoAgent.act(obs), freed('PpoAgent'), `PPO, trained ${trained}`);
        assert.throws(() => dqnAgent.act(obs), freed('DqnAgent'), `DQN, trained ${trained}`);
      }
      const ppo = ppoTrainer();
      const borrowed = new PpoAgent<Float32Array, number>(ppo.policy);
      borrowed.dispose();
      assert.throws(() => borrowed.act(obs), (e: Error) => e instanceof GymError && /^PpoAgent\.act: the agent was disposed; make a new one over the networks it borrowed$/.test(e.message));
      ppo.dispose();
      env.close();
    });

    it('an agent made over freed networks is refused when made (a policy with a log-std threw Tensor is disposed)', () => {
      const ppo = ppoTrainer('BDT-small-v0');
      ppo.dispose();
      assert.throws(() => new PpoAgent(ppo.policy), (e: Error) => e instanceof GymError && /^PpoAgent: the networks it acts with were freed \(their trainer or policy was disposed\); /.test(e.message));
      const dqn = dqnTrainer();
      dqn.dispose();
      assert.throws(() => dqnAgentOver(dqn), (e: Error) => e instanceof GymError && /^DqnAgent: the networks it acts with were freed /.test(e.message));
    });

    it("savePpoCheckpoint and saveDqnCheckpoint refuse a disposed trainer with a GymError and write nothing (TF.js's raw errors)", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bdt-agent-'));
      try {
        const env = make('CartPole-v1');
        const ppo = ppoTrainer();
        ppo.dispose();
        await assert.rejects(savePpoCheckpoint(join(dir, 'ppo'), ppo, { id: 'CartPole-v1', scenario: undefined, actionSpace: env.actionSpace }, 1), (e: Error) => e instanceof GymError && /^savePpoCheckpoint: the trainer was disposed \(its networks were freed\); save before dispose\(\)$/.test(e.message));
        const dqn = dqnTrainer();
        dqn.dispose();
        await assert.rejects(saveDqnCheckpoint(join(dir, 'dqn'), dqn, { id: 'CartPole-v1', scenario: undefined, actionSpace: env.actionSpace }, 1), (e: Error) => e instanceof GymError && /^saveDqnCheckpoint: the trainer was disposed \(its networks were freed\); save before dispose\(\)$/.test(e.message));
        assert.ok(!existsSync(join(dir, 'ppo')) && !existsSync(join(dir, 'dqn')));
        env.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('a NaN or infinite observation is refused before the network runs, naming the key and the index (PPO blamed its checkpoint, DQN acted on it)', async () => {
    const cartPole = make('CartPole-v1');
    const ppo = ppoTrainer();
    const dqn = dqnTrainer();
    const flat: Array<readonly [string, { act(obs: Float32Array): unknown }]> = [
      ['PpoAgent', new PpoAgent<Float32Array, number>(ppo.policy)],
      ['DqnAgent', dqnAgentOver(dqn)],
    ];
    for (const [owner, agent] of flat) {
      assert.throws(() => agent.act(Float32Array.of(0, NaN, 0, 0)), (e: Error) => e instanceof SpaceError && new RegExp(`^${owner}\\.act: observation\\[1\\] is NaN; the networks take finite inputs$`).test(e.message), owner);
      assert.throws(() => agent.act(Float32Array.of(0, 0, 0, -Infinity)), (e: Error) => e instanceof SpaceError && new RegExp(`^${owner}\\.act: observation\\[3\\] is -Infinity; `).test(e.message), owner);
    }
    ppo.dispose();
    dqn.dispose();
    cartPole.close();

    const env = make('BDT-v0');
    const [obs] = env.reset({ seed: 1 });
    for (const algo of ['ppo', 'dqn'] as const) {
      const agent = await loadPolicyAgent(defaultCheckpointDir(algo, 'BDT-v0'), env);
      const H = Float32Array.from(obs.H);
      H[1] = NaN;
      const owner = algo === 'ppo' ? 'PpoAgent' : 'DqnAgent';
      assert.throws(() => agent.act({ ...obs, H }), (e: Error) => e instanceof SpaceError && new RegExp(`^${owner}\\.act: observation\\.H\\[1\\] is NaN; the networks take finite inputs$`).test(e.message), algo);
      agent.act(obs); // a finite one still acts
      agent.dispose();
    }
    env.close();
  });

  it("PpoAgent acts deterministically by default; with { sample: seed } it samples the policy's distribution, reproducibly for a seed", () => {
    for (const id of ['CartPole-v1', 'BDT-small-v0']) {
      const trainer = ppoTrainer(id);
      const env = make(id);
      const [obs] = env.reset({ seed: 2 });
      const actions = (agent: PpoAgent) => Array.from({ length: 30 }, () => JSON.stringify(agent.act(obs), (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)));
      const before = tf.memory().numTensors;
      const mode = actions(new PpoAgent(trainer.policy));
      assert.equal(new Set(mode).size, 1, `${id}: the mode, every time`);
      const sampled = actions(new PpoAgent(trainer.policy, { sample: 7 }));
      assert.ok(new Set(sampled).size > 1, `${id}: samples differ`);
      assert.deepEqual(actions(new PpoAgent(trainer.policy, { sample: 7 })), sampled, `${id}: one seed, one sequence`);
      if (id === 'CartPole-v1') assert.deepEqual(new Set(sampled), new Set(['0', '1']), 'both CartPole actions drawn');
      assert.equal(tf.memory().numTensors, before, `${id}: acting made tensors`);
      assert.throws(() => new PpoAgent(trainer.policy, { sample: 1.5 }), (e: Error) => e instanceof GymError && /^PpoAgent: options\.sample must be an integer seed, got 1\.5$/.test(e.message));
      assert.throws(() => new PpoAgent(trainer.policy, { sample: makeRng(7) as never }), (e: Error) => e instanceof GymError && /^PpoAgent: options\.sample must be an integer seed, got a function$/.test(e.message));
      trainer.dispose();
      env.close();
    }
  });

  it("a sampling PpoAgent's reset(seed) seeds its sampling, as Agent.reset promises: the same episode seed, the same episode, whatever ran before", () => {
    const trainer = ppoTrainer('BDT-small-v0');
    const env = make('BDT-small-v0', { scenario: { slots: 10 } });
    const agent = new PpoAgent(trainer.policy, { sample: 7 });
    const first = runAgentEpisode('ppo', env, agent, 3);
    assert.deepEqual(runAgentEpisode('ppo', env, agent, 3), first, 'the same seed again: the same episode (it went on drawing from one sequence)');
    assert.notDeepEqual(runAgentEpisode('ppo', env, agent, 4), first, 'another seed: other actions');
    assert.deepEqual(runAgentEpisode('ppo', env, new PpoAgent(trainer.policy, { sample: 7 }), 3), first, 'a fresh agent of that sample seed');
    assert.notDeepEqual(runAgentEpisode('ppo', env, new PpoAgent(trainer.policy, { sample: 8 }), 3), first, 'another sample seed: other actions');
    trainer.dispose();
    env.close();
  });

  it('the package exports TrainingDivergedError, which train() rejects with when training diverges', () => {
    assert.equal(agentsApi.TrainingDivergedError, TrainingDivergedError);
  });
});
