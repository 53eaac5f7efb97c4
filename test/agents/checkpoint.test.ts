import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { Box, Dict, make, MultiDiscrete, Tuple, type Space } from '../../env/index.ts';
import { initBackend } from '../../agents/backend.ts';
import { assertSameSpaces, CheckpointError, loadCheckpoint, saveCheckpoint, type LoadedCheckpoint } from '../../agents/checkpoint/checkpoint.ts';
import { directoryHandler } from '../../agents/checkpoint/directory-handler.ts';
import { saveDqnCheckpoint, loadDqnPolicy, loadDqnRun } from '../../agents/dqn/dqn-checkpoint.ts';
import { DqnTrainer } from '../../agents/dqn/dqn-trainer.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { defaultCheckpointDir } from '../../agents/learned-agents.ts';
import { DqnAgent, loadPolicyAgent, PpoAgent } from '../../agents/policy-agent.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { loadPpoPolicy, loadPpoRun, savePpoCheckpoint } from '../../agents/ppo/ppo-checkpoint.ts';
import { PpoTrainer } from '../../agents/ppo/ppo-trainer.ts';
import { rewriteCheckpoint, setFloat32, type RawManifest } from './rewrite-checkpoint.ts';

const ppoHp = PpoHyperparametersSchema.parse({ numEnvs: 2, numSteps: 16, numMinibatches: 2, updateEpochs: 2, normObs: true, hidden: [16, 16], totalTimesteps: 256 });
const normRewardHp = { ...ppoHp, normReward: true };
const dqnHp = DqnHyperparametersSchema.parse({ hidden: [16], bufferSize: 500, learningStarts: 32, batchSize: 16, trainFrequency: 4, gradientSteps: 2, targetNetworkFrequency: 20, totalTimesteps: 400, dueling: true });

/** Observations from a seeded CartPole episode, to compare agents on. */
function probeObservations(n: number): Float32Array[] {
  const env = make('CartPole-v1');
  env.actionSpace.seed(5);
  let [obs] = env.reset({ seed: 5 });
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    out.push(obs as Float32Array);
    const [next, , terminated, truncated] = env.step(env.actionSpace.sample());
    obs = terminated || truncated ? env.reset()[0] : next;
  }
  env.close();
  return out;
}

describe('agents/checkpoint', () => {
  let dir: string;
  before(async () => {
    await initBackend('wasm');
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bdt-ckpt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function savedPpo(hp = ppoHp): Promise<{ trainer: PpoTrainer; path: string }> {
    const trainer = new PpoTrainer({ hp, seed: 3, makeEnv: () => make('CartPole-v1') });
    trainer.iterate();
    trainer.iterate();
    const path = join(dir, 'ppo');
    await savePpoCheckpoint(path, trainer, { id: 'CartPole-v1', scenario: undefined, actionSpace: make('CartPole-v1').actionSpace }, 3);
    return { trainer, path };
  }

  it("saveCheckpoint refusing an invalid manifest where there is no checkpoint says nothing was saved (it said it refused to replace one, left as it was)", async () => {
    const { trainer } = await savedPpo();
    const path = join(dir, 'fresh');
    const contents = { algo: 'A2C', envId: 'CartPole-v1', observationSpace: {}, actionSpace: {}, hyperparameters: {}, counters: { globalStep: 0 }, seed: 0, rngState: trainer.rng.state(), observationStats: null, networks: {}, arrays: {} };
    await assert.rejects(saveCheckpoint(path, contents), (e: Error) => e instanceof CheckpointError && e.message.startsWith(`saveCheckpoint: refused to save ${path}, where nothing was saved: its manifest would be invalid:\n  at algo: expected an algorithm id: a lowercase letter, then lowercase letters, digits and - (value: "A2C")`));
    assert.equal(existsSync(path), false);
    trainer.dispose();
  });

  it('loadPolicyAgent refuses a path, an env or an algorithm of the wrong kind by name (raw TypeErrors from untyped code)', async () => {
    const env = make('CartPole-v1');
    const refused = (message: RegExp) => (e: Error) => e.name === 'InvalidArgumentError' && message.test(e.message);
    await assert.rejects(loadPolicyAgent(undefined as unknown as string, env), refused(/^loadPolicyAgent: runOrCheckpointDir must be a directory path, got undefined$/));
    await assert.rejects(loadPolicyAgent('models/ppo-bdt-v0', undefined as unknown as typeof env), refused(/^loadPolicyAgent: env must be an Env \(the env the policy acts in\), got undefined$/));
    await assert.rejects(loadPolicyAgent('models/ppo-bdt-v0', env, 'sac' as 'ppo'), refused(/^loadPolicyAgent: expectedAlgo must be 'ppo', 'dqn' or undefined, got "sac"$/));
    env.close();
  });

  it("a checkpoint of an algorithm of one's own (algo 'a2c') saves and loads with loadCheckpoint; the PPO and DQN loaders and loadPolicyAgent refuse it naming the checkpoint, the id found and the one expected (the manifest took ppo or dqn only)", async () => {
    const { trainer } = await savedPpo();
    const env = make('CartPole-v1');
    const path = join(dir, 'a2c');
    const { policy } = trainer;
    await saveCheckpoint(path, { algo: 'a2c', envId: 'CartPole-v1', observationSpace: env.observationSpace.toJSON(), actionSpace: env.actionSpace.toJSON(), hyperparameters: { gamma: 0.99, learningRate: 7e-4, normObs: true, optimizer: 'rmsprop' }, counters: { globalStep: 64 }, seed: 3, rngState: trainer.rng.state(), observationStats: policy.encoder.stats() ?? null, networks: { actor: policy.actor.model, critic: policy.critic.model }, arrays: { logStd: policy.logStdValues() } });
    const loaded = await loadCheckpoint(path);
    assert.equal(loaded.manifest.algo, 'a2c');
    assert.deepEqual(loaded.manifest.hyperparameters, { gamma: 0.99, learningRate: 7e-4, normObs: true, optimizer: 'rmsprop' });
    assert.deepEqual(Object.keys(loaded.networks).sort(), ['actor', 'critic']);
    for (const network of Object.values(loaded.networks)) network.dispose();
    const refusals: ReadonlyArray<readonly [string, () => Promise<unknown>, string]> = [
      ['loadPpoPolicy', () => loadPpoPolicy(path, env.observationSpace, env.actionSpace), `checkpoint ${path} holds an a2c agent, not ppo`],
      ['loadDqnPolicy', () => loadDqnPolicy(path, env), `checkpoint ${path} holds an a2c agent, not dqn`],
      ['loadPolicyAgent ppo', () => loadPolicyAgent(path, env, 'ppo'), `checkpoint ${path} holds an a2c policy, not a ppo one`],
      // without an expected algorithm it read the hyperparameters as DQN's, refusing them field by field
      ['loadPolicyAgent', () => loadPolicyAgent(path, env), `checkpoint ${path} holds an a2c policy; loadPolicyAgent loads ppo and dqn ones, so load it with its own algorithm's code`],
    ];
    for (const [name, load, message] of refusals) {
      const before = tf.memory().numTensors;
      await assert.rejects(load(), (e: Error) => e instanceof CheckpointError && e.message === message, name);
      assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
    }
    trainer.dispose();
    env.close();
  });

  it("an algorithm of one's own records its hyperparameters as finite numbers, strings, booleans and lists of them: others are refused on save (nothing saved) and on load, naming each field (ppo's and dqn's are their schemas')", async () => {
    const { trainer, path: ppo } = await savedPpo();
    const path = join(dir, 'a2c');
    const contents = { algo: 'a2c', envId: 'CartPole-v1', observationSpace: {}, actionSpace: {}, counters: { globalStep: 0 }, seed: 0, rngState: trainer.rng.state(), observationStats: null, networks: {}, arrays: {} };
    const rule = "a2c's hyperparameters (an algorithm of one's own) are finite numbers, strings, booleans or lists of them (JSON saves NaN and Infinity as null)";
    await assert.rejects(saveCheckpoint(path, { ...contents, hyperparameters: { gamma: 0.99, learningRate: Infinity, hidden: [64, 64], rates: [0.1, NaN], grid: [[1, 2]], schedule: { kind: 'linear' }, note: 'x', normObs: true } }), (e: Error) => {
      assert.equal(e.message, `saveCheckpoint: refused to save ${path}, where nothing was saved: its manifest would be invalid:\n  at hyperparameters.learningRate: ${rule} (value: null)\n  at hyperparameters.rates: ${rule} (value: [0.1,null])\n  at hyperparameters.grid: ${rule} (value: [[1,2]])\n  at hyperparameters.schedule: ${rule} (value: {"kind":"linear"})`);
      return e instanceof CheckpointError;
    });
    assert.equal(existsSync(path), false);
    await saveCheckpoint(path, { ...contents, hyperparameters: { gamma: 0.99, hidden: [64, 64], activations: ['tanh', 'relu'], note: 'x', normObs: true } });
    assert.deepEqual((await loadCheckpoint(path)).manifest.hyperparameters['hidden'], [64, 64]);
    rewriteCheckpoint(path, (m) => (m['hyperparameters']['hidden'] = [64, [64]]));
    await assert.rejects(loadCheckpoint(path), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint manifest ${join(path, 'manifest.json')} is invalid:\n  at hyperparameters.hidden: ${rule} (value: [64,[64]])`);
    // the same record under algo ppo is PPO's, which its own schema checks (hidden is a list there)
    rewriteCheckpoint(ppo, (m) => (m['hyperparameters']['hidden'] = [16, 16]));
    for (const network of Object.values((await loadCheckpoint(ppo)).networks)) network.dispose();
    trainer.dispose();
  });

  it('the committed checkpoints, saved when algo was ppo or dqn only, read as they did and load', async () => {
    for (const [agent, envId] of [['ppo', 'BDT-small-v0'], ['dqn', 'BDT-small-v0'], ['ppo', 'BDT-v0'], ['dqn', 'BDT-v0']] as const) {
      const env = make(envId);
      const agentOf = await loadPolicyAgent(defaultCheckpointDir(agent, envId), env, agent);
      assert.ok(agentOf instanceof (agent === 'ppo' ? PpoAgent : DqnAgent), `${agent} on ${envId}`);
      agentOf.dispose();
      env.close();
    }
  });

  it("the committed checkpoints carry manifest.sha256, so an edited or damaged manifest of a clone is refused (they loaded unchecked)", async () => {
    const models = dirname(defaultCheckpointDir('ppo', 'BDT-v0'));
    const names = readdirSync(models);
    assert.ok(names.length >= 10, `models/ holds ${names.length} runs`);
    for (const name of names) {
      const checkpoint = join(models, name, 'checkpoint');
      assert.ok(existsSync(join(checkpoint, 'manifest.sha256')), `${name}: no manifest.sha256`);
      for (const network of Object.values((await loadCheckpoint(checkpoint)).networks)) network.dispose();
    }
    // the file is checked: a copy whose manifest was edited (still valid JSON) is refused
    const copy = join(mkdtempSync(join(tmpdir(), 'bdt-committed-')), 'checkpoint');
    cpSync(join(models, names[0]!, 'checkpoint'), copy, { recursive: true });
    const manifest = join(copy, 'manifest.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/\n$/, ' \n'));
    await assert.rejects(loadCheckpoint(copy), (e: Error) => e instanceof CheckpointError && e.message.includes('is corrupted or was edited since it was saved'));
  });

  it('PPO round trip: the reloaded policy takes the same actions, normalisation included', async () => {
    const { trainer, path } = await savedPpo();
    const live = new PpoAgent(trainer.policy, { ownsNetworks: false });
    const env = make('CartPole-v1');
    const loaded = await loadPolicyAgent(path, env);
    assert.ok(loaded instanceof PpoAgent);
    const observations = probeObservations(200);
    let differentFromFresh = 0;
    const fresh = new PpoTrainer({ hp: { ...ppoHp, normObs: false }, seed: 99, makeEnv: () => make('CartPole-v1') });
    const freshAgent = new PpoAgent(fresh.policy, { ownsNetworks: false });
    for (const obs of observations) {
      assert.equal(loaded.act(obs), live.act(obs));
      if (freshAgent.act(obs) !== live.act(obs)) differentFromFresh++;
    }
    assert.ok(differentFromFresh > 0, 'the comparison must be able to fail: a fresh policy acts differently');
    loaded.dispose();
    fresh.dispose();
    trainer.dispose();
    env.close();
  });

  it("a CartPole checkpoint recording the velocity bounds of before (+-float32 max, now Gymnasium's Infinity) loads and acts the same: the policy does not use the bounds", async () => {
    const { trainer, path } = await savedPpo();
    const FLOAT32_MAX = 3.4028234663852886e38;
    rewriteCheckpoint(path, (m) => {
      const space = m['observationSpace'] as { low: unknown[]; high: unknown[] };
      assert.deepEqual([space.low[1], space.high[3]], ['-Infinity', 'Infinity'], 'saved with the bounds of now');
      space.low = space.low.map((v, i) => (i % 2 === 1 ? -FLOAT32_MAX : v));
      space.high = space.high.map((v, i) => (i % 2 === 1 ? FLOAT32_MAX : v));
    });
    const env = make('CartPole-v1');
    const loaded = await loadPolicyAgent(path, env);
    const live = new PpoAgent(trainer.policy, { ownsNetworks: false });
    for (const obs of probeObservations(50)) assert.equal(loaded.act(obs), live.act(obs));
    const run = await loadPpoRun(path, env.observationSpace, env.actionSpace);
    assert.ok(run.restore.counters.globalStep > 0, 'resumes too');
    run.restore.policy.dispose();
    loaded.dispose();
    trainer.dispose();
    env.close();
  });

  it('networks load with tf.loadLayersModel through the directory handler', async () => {
    const { trainer, path } = await savedPpo();
    const model = await tf.loadLayersModel(directoryHandler(join(path, 'actor')));
    const x = tf.tensor2d([[0.1, -0.2, 0.03, 0.4]]);
    const viaLayers = (model.predict(x) as tf.Tensor).dataSync();
    const viaStack = tf.tidy(() => trainer.policy.actor.apply(x).dataSync());
    viaLayers.forEach((v, i) => assert.ok(Math.abs(v - viaStack[i]!) < 1e-5));
    tf.dispose([x]);
    model.dispose();
    trainer.dispose();
  });

  it("the directory handler loads any Layers model's weights file names (a converter's group1-shard1of1.bin); a checkpoint's network may name only weights.bin", async () => {
    const { trainer, path } = await savedPpo();
    const actor = join(path, 'actor');
    renameSync(join(actor, 'weights.bin'), join(actor, 'group1-shard1of1.bin'));
    const modelFile = join(actor, 'model.json');
    const model = JSON.parse(readFileSync(modelFile, 'utf8'));
    model.weightsManifest[0].paths = ['group1-shard1of1.bin'];
    writeFileSync(modelFile, JSON.stringify(model));
    const loaded = await tf.loadLayersModel(directoryHandler(actor));
    assert.equal(loaded.countParams(), trainer.policy.actor.layers.reduce((n, layer) => n + layer.kernel.size + layer.bias.size, 0));
    loaded.dispose();
    await assert.rejects(tf.loadLayersModel(directoryHandler(actor, { onlyWeightsFile: true })), /names weights files \["group1-shard1of1\.bin"\]; a checkpoint's network has one, \["weights\.bin"\]/);
    trainer.dispose();
  });

  it('PPO resume continues counters, optimiser and random stream', async () => {
    const { trainer, path } = await savedPpo();
    const env = make('CartPole-v1');
    const run = await loadPpoRun(path, env.observationSpace, env.actionSpace);
    assert.deepEqual(run.restore.counters, { globalStep: 64, iteration: 2, resumes: 0 });
    assert.deepEqual(run.restore.optimizerState.m, trainer.optimizer.getState().m);
    const resumed = new PpoTrainer({ hp: run.hp, seed: run.seed, makeEnv: () => make('CartPole-v1'), restore: run.restore });
    assert.equal(resumed.counters.resumes, 1);
    // the loaded moments must reach the resumed trainer's optimiser, not just the checkpoint reader
    const saved = trainer.optimizer.getState();
    assert.ok(saved.step > 0, 'the saving trainer has taken optimiser steps');
    assert.deepEqual(resumed.optimizer.getState(), saved);
    assert.equal(resumed.rng(), trainer.rng());
    resumed.iterate();
    assert.equal(resumed.counters.globalStep, 96);
    resumed.dispose();
    trainer.dispose();
    env.close();
  });

  it("PPO resume refuses counters that disagree (globalStep is iteration whole rollouts): an edited globalStep resumed at learning rate 0 throughout, unsaid", async () => {
    const { trainer, path } = await savedPpo();
    const { globalStep, iteration } = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8')).counters;
    rewriteCheckpoint(path, (m) => (m['counters']['globalStep'] = globalStep - 10));
    const env = make('CartPole-v1');
    await assert.rejects(loadPpoRun(path, env.observationSpace, env.actionSpace), (error: unknown) => error instanceof CheckpointError && error.message.includes(`counters.globalStep ${globalStep - 10} is not counters.iteration ${iteration} times the rollout`), 'refused, naming the fields');
    // the policy alone still loads: acting does not use the counters
    (await loadPpoPolicy(path, env.observationSpace, env.actionSpace)).dispose();
    trainer.dispose();
    env.close();
  });

  it('PPO resume restores the reward-normalisation statistics, which then keep accumulating', async () => {
    const { trainer, path } = await savedPpo(normRewardHp);
    const saved = trainer.rewardStats()!;
    // one return per env step folded in, but for the autoreset steps (no transition, as Gymnasium)
    assert.ok(saved.count > 1e-4 + 48 && saved.count <= 1e-4 + 64, `count ${saved.count}`);
    assert.ok(saved.var[0] !== 1, 'the statistics moved away from their fresh values');
    const env = make('CartPole-v1');
    const run = await loadPpoRun(path, env.observationSpace, env.actionSpace);
    assert.deepEqual(run.restore.rewardStats, saved);
    const resumed = new PpoTrainer({ hp: run.hp, seed: run.seed, makeEnv: () => make('CartPole-v1'), restore: run.restore });
    assert.deepEqual(resumed.rewardStats(), saved);
    resumed.iterate();
    const after = resumed.rewardStats()!.count;
    assert.ok(after > saved.count + 16 && after <= saved.count + 32, `the restored statistics are updated, not restarted: ${saved.count} then ${after}`);
    resumed.dispose();
    trainer.dispose();
    env.close();
  });

  it('PPO: a checkpoint without reward statistics (saved before they were kept) resumes with fresh ones; without normReward they are saved as null', async () => {
    const { trainer, path } = await savedPpo(normRewardHp);
    rewriteCheckpoint(path, (m) => delete m['rewardStats']);
    const env = make('CartPole-v1');
    const run = await loadPpoRun(path, env.observationSpace, env.actionSpace);
    assert.equal(run.restore.rewardStats, undefined);
    const resumed = new PpoTrainer({ hp: run.hp, seed: run.seed, makeEnv: () => make('CartPole-v1'), restore: run.restore });
    assert.deepEqual(resumed.rewardStats(), { mean: [0], var: [1], count: 1e-4 });
    resumed.dispose();
    trainer.dispose();
    const plain = await savedPpo();
    assert.equal(JSON.parse(readFileSync(join(plain.path, 'manifest.json'), 'utf8')).rewardStats, null);
    const plainRun = await loadPpoRun(plain.path, env.observationSpace, env.actionSpace);
    assert.equal(plainRun.restore.rewardStats, undefined);
    plainRun.restore.policy.dispose();
    plain.trainer.dispose();
    env.close();
  });

  it('DQN round trip and resume (optimiser included)', async () => {
    const trainer = new DqnTrainer({ hp: dqnHp, seed: 4, makeEnv: () => make('CartPole-v1') });
    await trainer.train(200);
    const path = join(dir, 'dqn');
    const env = make('CartPole-v1');
    await saveDqnCheckpoint(path, trainer, { id: 'CartPole-v1', scenario: undefined, actionSpace: env.actionSpace }, 4);
    const live = new DqnAgent({ qNetwork: trainer.qNetwork, encoder: trainer.encoder, layout: trainer.layout, toEnvAction: (a) => a }, { ownsNetworks: false });
    const loaded = await loadPolicyAgent(path, env);
    assert.ok(loaded instanceof DqnAgent);
    for (const obs of probeObservations(100)) assert.equal(loaded.act(obs), live.act(obs));
    const run = await loadDqnRun(path, env);
    assert.equal(run.restore.counters.globalStep, 200);
    assert.ok(run.restore.counters.gradientSteps > 0);
    const resumed = new DqnTrainer({ hp: run.hp, seed: run.seed, makeEnv: () => make('CartPole-v1'), restore: run.restore });
    assert.equal(resumed.counters.resumes, 1);
    // the loaded moments must reach the resumed trainer's optimiser, not just the checkpoint reader
    const saved = trainer.optimizer.getState();
    assert.ok(saved.step > 0, 'the saving trainer has taken optimiser steps');
    assert.deepEqual(resumed.optimizer.getState(), saved);
    resumed.dispose(); // owns the restored networks
    loaded.dispose();
    trainer.dispose();
    env.close();
  });

  it("a checkpoint saved from a metrics$ subscriber, mid-iteration while training goes on, holds the trainer as it was at the call: every network, the counters and the optimiser state (PPO's critic and DQN's target network were saved as training left them later)", async () => {
    const flat = (model: tf.LayersModel) => model.getWeights().flatMap((w) => Array.from(w.dataSync()));
    const maxDifference = (a: number[], b: number[]) => (a.length === b.length ? a.reduce((max, x, i) => Math.max(max, Math.abs(x - b[i]!)), 0) : Infinity);
    const cartPole = { id: 'CartPole-v1', scenario: undefined, actionSpace: make('CartPole-v1').actionSpace };
    const ppo = new PpoTrainer({ hp: PpoHyperparametersSchema.parse({ ...ppoHp, totalTimesteps: 512 }), seed: 1, makeEnv: () => make('CartPole-v1') });
    const dqn = new DqnTrainer({ hp: DqnHyperparametersSchema.parse({ ...dqnHp, totalTimesteps: 512 }), seed: 1, makeEnv: () => make('CartPole-v1') });
    const cases = [
      { trainer: ppo, trained: () => ppo.counters.iteration > 1, networks: () => ({ actor: ppo.policy.actor.model, critic: ppo.policy.critic.model }), save: (path: string) => savePpoCheckpoint(path, ppo, cartPole, 1) },
      { trainer: dqn, trained: () => dqn.counters.gradientSteps > 0, networks: () => ({ q_network: dqn.qNetwork.net.model, target_network: dqn.targetNetwork.net.model }), save: (path: string) => saveDqnCheckpoint(path, dqn, cartPole, 1) },
    ];
    for (const { trainer, trained, networks, save } of cases) {
      const name = trainer.constructor.name;
      const path = join(dir, name);
      let saving: Promise<void> | undefined;
      let atCall: { weights: Record<string, number[]>; counters: object; adam: { step: number; m: Float32Array; v: Float32Array } } | undefined;
      trainer.metrics$.subscribe((record) => {
        // an episode's record: mid-rollout for PPO, before the step's gradient steps for DQN
        if (saving !== undefined || !('charts/episodic_return' in record.metrics) || !trained()) return;
        atCall = { weights: Object.fromEntries(Object.entries(networks()).map(([k, model]) => [k, flat(model)])), counters: { ...trainer.counters }, adam: trainer.optimizer.getState() };
        saving = save(path);
      });
      await trainer.train(512);
      await saving;
      assert.ok(atCall !== undefined, `${name}: saved`);
      const checkpoint = await loadCheckpoint(path);
      for (const [network, weights] of Object.entries(atCall.weights)) {
        assert.ok(maxDifference(flat(networks()[network as never]), weights) > 0, `${name}: ${network} trained on after the save was called`);
        assert.equal(maxDifference(flat(checkpoint.networks[network]!), weights), 0, `${name}: ${network} as at the save call`);
      }
      assert.deepEqual(checkpoint.manifest.counters, { ...atCall.counters, adamStep: atCall.adam.step }, name);
      assert.deepEqual(checkpoint.arrays['adam.m'], atCall.adam.m, name);
      assert.deepEqual(checkpoint.arrays['adam.v'], atCall.adam.v, name);
      for (const model of Object.values(checkpoint.networks)) model.dispose();
      trainer.dispose();
    }
  });

  it("loadPpoPolicy, loadDqnPolicy, loadPpoRun and loadDqnRun take a train run directory, as loadPolicyAgent does (they refused it: 'has no manifest.json'), and act as on its checkpoint/", async () => {
    const env = make('BDT-v0');
    const observations: unknown[] = [];
    env.actionSpace.seed(2);
    let [obs] = env.reset({ seed: 2 });
    for (let i = 0; i < 20; i++) {
      observations.push(structuredClone(obs));
      [obs] = env.step(env.actionSpace.sample());
    }
    const ppoRun = defaultCheckpointDir('ppo', 'BDT-v0');
    const dqnRun = defaultCheckpointDir('dqn', 'BDT-v0');
    const agents = {
      ppo: [new PpoAgent(await loadPpoPolicy(ppoRun, env.observationSpace, env.actionSpace)), new PpoAgent(await loadPpoPolicy(join(ppoRun, 'checkpoint'), env.observationSpace, env.actionSpace))],
      dqn: [new DqnAgent(await loadDqnPolicy(dqnRun, env)), new DqnAgent(await loadDqnPolicy(join(dqnRun, 'checkpoint'), env))],
    };
    for (const [algo, [fromRun, fromCheckpoint]] of Object.entries(agents)) {
      for (const o of observations) assert.deepEqual(fromRun!.act(o), fromCheckpoint!.act(o), algo);
      fromRun!.dispose();
      fromCheckpoint!.dispose();
    }
    const ppo = await loadPpoRun(ppoRun, env.observationSpace, env.actionSpace);
    assert.equal(ppo.seed, JSON.parse(readFileSync(join(ppoRun, 'checkpoint', 'manifest.json'), 'utf8')).seed);
    ppo.restore.policy.dispose();
    const dqn = await loadDqnRun(dqnRun, env);
    assert.equal(dqn.seed, JSON.parse(readFileSync(join(dqnRun, 'checkpoint', 'manifest.json'), 'utf8')).seed);
    dqn.restore.qNetwork.dispose();
    dqn.restore.targetNetwork.dispose();
    env.close();
  });

  describe('corrupted or mismatched checkpoints fail clearly', () => {
    it('a missing directory', async () => {
      await assert.rejects(loadCheckpoint(join(dir, 'nope')), /does not exist/);
    });

    it('a manifest that is not JSON', async () => {
      const { trainer, path } = await savedPpo();
      writeFileSync(join(path, 'manifest.json'), '{ not json');
      await assert.rejects(loadCheckpoint(path), (e: Error) => e instanceof CheckpointError && /manifest .*manifest\.json is not valid JSON/.test(e.message));
      trainer.dispose();
    });

    /** The PPO checkpoint of `savedPpo` copied to a fresh directory per case, edited by `edit` (checksums recomputed). */
    async function corruptedCopies(cases: ReadonlyArray<readonly [string, (m: RawManifest, dir: string) => void, RegExp]>, load: (dir: string) => Promise<unknown> = loadCheckpoint, hp = ppoHp): Promise<void> {
      const { trainer, path } = await savedPpo(hp);
      for (const [name, edit, expected] of cases) {
        const copy = join(dir, name);
        cpSync(path, copy, { recursive: true });
        rewriteCheckpoint(copy, (m) => edit(m, copy));
        await assert.rejects(load(copy), (e: Error) => {
          assert.ok(e instanceof CheckpointError, `${name}: ${e.stack}`);
          assert.match(e.message, expected, name);
          return true;
        });
      }
      trainer.dispose();
    }

    it('a manifest with wrong fields lists every one with path, rule and value', async () => {
      await corruptedCopies([
        [
          'fields',
          (m) => Object.assign(m, { algo: 'Sac', seed: 'x', counters: { ...m['counters'], globalStep: -5 } }),
          /manifest .*fields\/manifest\.json is invalid:\n {2}at algo: expected an algorithm id: .*\(value: "Sac"\)\n {2}at counters\.globalStep: Too small: .*>=0 \(value: -5\)\n {2}at seed: .*\(value: "x"\)$/,
        ],
      ]);
    });

    it('counters, observation statistics and the RNG state are checked', async () => {
      await corruptedCopies([
        ['no-step', (m) => (m['counters'] = {}), /at counters\.globalStep: Invalid input: expected number, received undefined/],
        ['twice', (m) => (m['networks'] = ['actor', 'actor', 'critic']), /at networks: rule: each network is listed once \(value: \["actor","actor","critic"\]\)/],
        ['count', (m) => (m['observationStats'].count = -1), /at observationStats\.count: Too small: expected number to be >0 \(value: -1\)/],
        ['var', (m) => (m['observationStats'].var[2] = -4), /at observationStats\.var\[2\]: Too small: expected number to be >=0 \(value: -4\)/],
        ['rng-shape', (m) => (m['rngState'] = { x: 1 }), /at rngState\.c: Invalid input: expected number[^]*at rngState: Unrecognized key: "x"/],
        ['rng-range', (m) => (m['rngState'].s1 = 1.5), /at rngState\.s1: Too big: expected number to be <1 \(value: 1\.5\)/],
      ]);
    });

    it("the recorded scenario is checked as a scenario (an invalid one was compared with the env's, as a transfer)", async () => {
      const small = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8')) as Record<string, unknown>;
      await corruptedCopies([
        ['scenario-slots', (m) => (m['scenario'] = { ...small, slots: -5 }), /manifest .*scenario-slots\/manifest\.json is invalid:\n {2}at scenario\.slots: Too small: expected number to be >0 \(value: -5\)$/],
        ['scenario-key', (m) => (m['scenario'] = { ...small, foo: 1 }), /scenario-key\/manifest\.json is invalid:\n {2}at scenario: Unrecognized key: "foo"/],
      ]);
    });

    it('the manifest cannot make loading read files outside the checkpoint', async () => {
      await corruptedCopies([
        ['files', (m) => (m['files']['../../../../etc/hostname'] = '0'.repeat(64)), /at files: every key must be a file of the checkpoint \(state\.bin, actor\/model\.json, .*\) \(value: "\.\.\/\.\.\/\.\.\/\.\.\/etc\/hostname"\)/],
        ['absolute', (m) => (m['files']['/etc/hostname'] = '0'.repeat(64)), /at files: every key must be a file of the checkpoint .*\(value: "\/etc\/hostname"\)/],
        ['network', (m) => (m['networks'] = ['../actor', 'critic']), /at networks\[0\]: expected a subdirectory name \(letters, digits, _ and -\) \(value: "\.\.\/actor"\)/],
        ['checksum', (m) => delete m['files']['state.bin'], /at files: no checksum for state\.bin/],
        [
          'weights-path',
          (_, copy) => {
            const file = join(copy, 'actor', 'model.json');
            const model = JSON.parse(readFileSync(file, 'utf8'));
            model.weightsManifest[0].paths = ['../state.bin'];
            writeFileSync(file, JSON.stringify(model));
          },
          /cannot load network: model .*actor\/model\.json names weights file "\.\.\/state\.bin", which is not a file name in /,
        ],
      ]);
    });

    it('a malformed model.json (checksums consistent) is refused naming the file, the field and the rule (TF.js failed with raw JavaScript errors)', async () => {
      /** Edits the actor's model.json of the copy in `copy`. */
      const actorModel = (edit: (model: RawManifest) => void) => (_: RawManifest, copy: string) => {
        const file = join(copy, 'actor', 'model.json');
        const model = JSON.parse(readFileSync(file, 'utf8')) as RawManifest;
        edit(model);
        writeFileSync(file, JSON.stringify(model));
      };
      const invalid = (name: string, line: string) => new RegExp(`^checkpoint .*${name}: cannot load network: model .*${name}/actor/model\\.json is not a valid TF\\.js Layers model\\.json:\\n {2}at ${line}`);
      await corruptedCopies([
        ['shape-string', actorModel((m) => (m['weightsManifest'][0].weights[0].shape = '4,16')), invalid('shape-string', 'weightsManifest\\[0\\]\\.weights\\[0\\]\\.shape: Invalid input: expected array, received string \\(value: "4,16"\\)$')],
        ['no-weights', actorModel((m) => delete m['weightsManifest'][0].weights), invalid('no-weights', 'weightsManifest\\[0\\]\\.weights: Invalid input: expected array, received undefined')],
        ['no-paths', actorModel((m) => (m['weightsManifest'][0].paths = [])), invalid('no-paths', 'weightsManifest\\[0\\]\\.paths: Too small: expected array to have >=1 items')],
        ['no-topology', actorModel((m) => delete m['modelTopology']), invalid('no-topology', 'modelTopology: Invalid input: expected object, received undefined')],
        ['no-class', actorModel((m) => delete m['modelTopology'].class_name), invalid('no-class', 'modelTopology\\.class_name: Invalid input: expected string, received undefined')],
        ['no-manifest', actorModel((m) => delete m['weightsManifest']), invalid('no-manifest', 'weightsManifest: Invalid input: expected array, received undefined')],
        ['negative', actorModel((m) => (m['weightsManifest'][0].weights[1].shape = [-16])), invalid('negative', 'weightsManifest\\[0\\]\\.weights\\[1\\]\\.shape\\[0\\]: Too small: expected number to be >=0 \\(value: -16\\)')],
        ['fraction', actorModel((m) => (m['weightsManifest'][0].weights[0].shape = [4, 15.5])), invalid('fraction', 'weightsManifest\\[0\\]\\.weights\\[0\\]\\.shape\\[1\\]: Invalid input: expected int, received number \\(value: 15\\.5\\)')],
        ['dtype', actorModel((m) => (m['weightsManifest'][0].weights[0].dtype = 'float16')), invalid('dtype', 'weightsManifest\\[0\\]\\.weights\\[0\\]\\.dtype: Invalid option: expected one of "float32"\\|"int32" \\(value: "float16"\\)')],
        ['unnamed', actorModel((m) => (m['weightsManifest'][0].weights[0].name = 7)), invalid('unnamed', 'weightsManifest\\[0\\]\\.weights\\[0\\]\\.name: Invalid input: expected string, received number \\(value: 7\\)')],
        ['quantized', actorModel((m) => (m['weightsManifest'][0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 })), invalid('quantized', 'weightsManifest\\[0\\]\\.weights\\[0\\]: Unrecognized key: "quantization"')],
        ['not-json', (_, copy) => writeFileSync(join(copy, 'actor', 'model.json'), '{"modelTopology": '), /^checkpoint .*not-json: cannot load network: cannot read model .*not-json\/actor\/model\.json: .*JSON/],
        // well formed, but describing other weights than weights.bin holds
        ['bytes', actorModel((m) => (m['weightsManifest'][0].weights[0].shape = [4, 15])), /^checkpoint .*bytes: cannot load network: weights of .*bytes\/actor\/model\.json \(weights\.bin\) have (\d+) bytes, its weightsManifest describes (?!\1)\d+$/],
      ]);
    });

    it("a model.json whose weights do not fit its topology (a layer's units changed, a kernel's shape swapped; checksums consistent) is refused naming the network file and the weight, leaking no tensors (TF.js's raw 'Shape mismatch' leaked the model's variables)", async () => {
      const env = make('CartPole-v1');
      const { trainer, path } = await savedPpo(); // hidden [16, 16]
      /** Edits `network`'s model.json in the copy. */
      const editModel = (copy: string, network: string, edit: (model: RawManifest) => void) => {
        const file = join(copy, network, 'model.json');
        const model = JSON.parse(readFileSync(file, 'utf8')) as RawManifest;
        edit(model);
        writeFileSync(file, JSON.stringify(model));
      };
      const loads = [loadCheckpoint, (copy: string) => loadPolicyAgent(copy, env), (copy: string) => loadPpoRun(copy, env.observationSpace, env.actionSpace)];
      await refusedArchitectures(path, [
        [
          'units',
          (_, copy) => editModel(copy, 'actor', (m) => (m['modelTopology'].config.layers.at(-1).config.units += 1)),
          loads,
          /^checkpoint \S*units: cannot load network: model \S*units\/actor\/model\.json: weight 'actor_dense2\/kernel' has shape \[16, 2\] in its weightsManifest, but layer actor_dense2 of its topology makes it \[16, 3\]$/,
        ],
        [
          'swapped',
          (_, copy) => editModel(copy, 'critic', (m) => (m['weightsManifest'][0].weights[0].shape = [16, 4])),
          loads,
          /^checkpoint \S*swapped: cannot load network: model \S*swapped\/critic\/model\.json: weight 'critic_dense0\/kernel' has shape \[16, 4\] in its weightsManifest, but layer critic_dense0 of its topology makes it \[4, 16\]$/,
        ],
        [
          'renamed',
          (_, copy) => editModel(copy, 'actor', (m) => (m['weightsManifest'][0].weights[1].name = 'actor_dense0/beta')),
          loads,
          /^checkpoint \S*renamed: cannot load network: model \S*renamed\/actor\/model\.json: its weightsManifest has no weight 'actor_dense0\/bias', which layer actor_dense0 of its topology has$/,
        ],
      ]);
      trainer.dispose();
      env.close();
    });

    it('loadPpoPolicy and loadPpoRun refuse a DQN checkpoint as holding a dqn agent (they said its hyperparameters did not fit), as loadDqnPolicy refuses a PPO one', async () => {
      const env = make('CartPole-v1');
      const dqnTrainer = new DqnTrainer({ hp: dqnHp, seed: 4, makeEnv: () => make('CartPole-v1') });
      const dqn = join(dir, 'dqn');
      await saveDqnCheckpoint(dqn, dqnTrainer, { id: 'CartPole-v1', scenario: undefined, actionSpace: env.actionSpace }, 4);
      const { trainer, path: ppo } = await savedPpo();
      const cases: ReadonlyArray<readonly [string, () => Promise<unknown>, RegExp]> = [
        ['loadPpoPolicy', () => loadPpoPolicy(dqn, env.observationSpace, env.actionSpace), /^checkpoint \S*dqn holds a dqn agent, not ppo$/],
        ['loadPpoRun', () => loadPpoRun(dqn, env.observationSpace, env.actionSpace), /^checkpoint \S*dqn holds a dqn agent, not ppo$/],
        ['loadDqnPolicy', () => loadDqnPolicy(ppo, env), /^checkpoint \S*ppo holds a ppo agent, not dqn$/],
        ['loadDqnRun', () => loadDqnRun(ppo, env), /^checkpoint \S*ppo holds a ppo agent, not dqn$/],
      ];
      for (const [name, load, expected] of cases) {
        const before = tf.memory().numTensors;
        await assert.rejects(load(), (e: Error) => e instanceof CheckpointError && expected.test(e.message), name);
        assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
      }
      dqnTrainer.dispose();
      trainer.dispose();
      env.close();
    });

    it('a state.bin that is not whole Float32 values (checksum consistent)', async () => {
      await corruptedCopies([['odd', (_, copy) => appendFileSync(join(copy, 'state.bin'), Buffer.from([0])), /checkpoint file .*odd\/state\.bin has \d+ bytes, not a whole number of Float32 values \(a multiple of 4\)/]]);
    });

    it('NaN or infinite numbers (checksum consistent) are refused naming the file, the array or weight and the index', async () => {
      await corruptedCopies([
        ['state', (_, copy) => setFloat32(join(copy, 'state.bin'), 3, NaN), /checkpoint file .*state\/state\.bin: array 'adam\.m' has value NaN at index 3 \(must be finite\)/],
        ['weights', (_, copy) => setFloat32(join(copy, 'critic', 'weights.bin'), 5, -Infinity), /cannot load network: weights .*weights\/critic\/weights\.bin: weight '\w+\/kernel' \[4, 16\] has value -Infinity at index 5 \(must be finite\)/],
      ]);
    });

    it("a negative Adam second moment (finite, checksum consistent) is refused on resume, PPO and DQN (resuming from it stepped weights by up to lr / eps)", async () => {
      const negativeV = (m: RawManifest, copy: string) => setFloat32(join(copy, 'state.bin'), m['arrays'].find((a: { name: string }) => a.name === 'adam.v').offset + 1, -0.5);
      const expected = /^checkpoint file .*\/state\.bin: array 'adam\.v' has value -0\.5 at index 1 \(Adam's second moments must be >= 0\)$/;
      const env = make('CartPole-v1');
      await corruptedCopies([['ppo-negative-v', negativeV, expected]], (copy) => loadPpoRun(copy, env.observationSpace, env.actionSpace));
      const dqnTrainer = new DqnTrainer({ hp: dqnHp, seed: 4, makeEnv: () => make('CartPole-v1') });
      const dqn = join(dir, 'dqn-for-v');
      await saveDqnCheckpoint(dqn, dqnTrainer, { id: 'CartPole-v1', scenario: undefined, actionSpace: env.actionSpace }, 4);
      const copy = join(dir, 'dqn-negative-v');
      cpSync(dqn, copy, { recursive: true });
      rewriteCheckpoint(copy, (m) => negativeV(m, copy));
      const before = tf.memory().numTensors;
      await assert.rejects(loadDqnRun(copy, env), (e: Error) => e instanceof CheckpointError && expected.test(e.message));
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      (await loadPolicyAgent(copy, env)).dispose(); // acting never reads the optimiser: the policy still loads
      dqnTrainer.dispose();
      env.close();
    });

    it('manifest arrays must lie one after another from element 0 and cover state.bin exactly (an overlapping one loaded silently)', async () => {
      await corruptedCopies([
        ['overlap', (m) => (m['arrays'][2].offset = 3), /manifest .*overlap\/manifest\.json is invalid:\n {2}at arrays\[2\]\.offset: each array starts where the one before it ends \(element \d+\) \(value: 3\)$/],
        ['twice', (m) => (m['arrays'][2].name = 'adam.m'), /at arrays\[2\]\.name: each array is listed once \(value: "adam\.m"\)$/],
        ['beyond', (m) => (m['arrays'][2].length += 1), /^checkpoint file .*beyond\/state\.bin holds (\d+) floats, but the manifest's arrays cover (?!\1)\d+$/],
        ['short', (m) => (m['arrays'][2].length -= 1), /^checkpoint file .*short\/state\.bin holds \d+ floats, but the manifest's arrays cover \d+$/],
        ['extra', (_, copy) => appendFileSync(join(copy, 'state.bin'), Buffer.alloc(8)), /^checkpoint file .*extra\/state\.bin holds \d+ floats, but the manifest's arrays cover \d+$/],
      ]);
    });

    it('a logStd beyond +-30 (finite, checksum consistent) is refused naming the file, the array and the index (acting then gave NaN, blamed on the env)', async () => {
      const copy = join(dir, 'logstd');
      cpSync(fileURLToPath(new URL('../../models/ppo-bdt-v0/checkpoint', import.meta.url)), copy, { recursive: true });
      setFloat32(join(copy, 'state.bin'), 2, 1e30);
      rewriteCheckpoint(copy);
      const env = make('BDT-v0');
      const before = tf.memory().numTensors;
      await assert.rejects(loadPolicyAgent(copy, env), (e: Error) => {
        assert.ok(e instanceof CheckpointError, e.stack);
        assert.match(e.message, /^checkpoint file .*logstd\/state\.bin: array 'logStd' has value 1\.0000000150474662e\+30 at index 2 \(must be within \[-30, 30\]; training starts it in \[-20, 2\]\)$/);
        return true;
      });
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
      env.close();
    });

    it('a loaded policy whose output is not finite is refused when it acts, naming its checkpoint and the action element (the env blamed itself)', async () => {
      const models = fileURLToPath(new URL('../../models/', import.meta.url));
      const env = make('BDT-v0');
      const [obs] = env.reset({ seed: 1 });
      const ppo = (await loadPolicyAgent(join(models, 'ppo-bdt-v0'), env)) as PpoAgent;
      const head = ppo.policy.actor.layers.at(-1)!.bias;
      head.assign(tf.fill(head.shape, NaN));
      ppo.policy.markUpdated();
      assert.throws(() => ppo.act(obs), (e: Error) => e instanceof CheckpointError && new RegExp(`^the policy from ${join(models, 'ppo-bdt-v0', 'checkpoint')} produced NaN in inferenceShare\\[0\\]: its checkpoint holds network weights no training produces$`).test(e.message));
      ppo.dispose();
      const dqn = (await loadPolicyAgent(join(models, 'dqn-bdt-v0'), env)) as DqnAgent;
      const q = dqn.policy.qNetwork.net.layers.at(-1)!.bias;
      q.assign(tf.fill(q.shape, Infinity));
      dqn.policy.qNetwork.markUpdated();
      assert.throws(() => dqn.act(obs), (e: Error) => e instanceof CheckpointError && /^the policy from .*dqn-bdt-v0\/checkpoint produced Infinity as Q-network output 0: /.test(e.message));
      dqn.dispose();
      env.close();
    });

    it('PPO reward statistics: bad values, or ones that do not fit normReward, are refused naming the file and the field', async () => {
      const env = make('CartPole-v1');
      await corruptedCopies(
        [
          ['reward-var', (m) => (m['rewardStats'].var[0] = -2), /manifest .*reward-var\/manifest\.json is invalid:\n {2}at rewardStats\.var\[0\]: Too small: expected number to be >=0 \(value: -2\)$/],
          ['reward-count', (m) => (m['rewardStats'].count = 0), /reward-count\/manifest\.json is invalid:\n {2}at rewardStats\.count: Too small: expected number to be >0 \(value: 0\)$/],
          ['reward-mean', (m) => (m['rewardStats'].mean = [0, 1]), /at rewardStats\.mean: Too big: expected array to have exactly 1 items \(value: \[0,1\]\)$/],
          ['reward-type', (m) => (m['rewardStats'].mean = ['x']), /at rewardStats\.mean\[0\]: Invalid input: expected number, received string \(value: "x"\)$/],
          ['reward-null', (m) => (m['rewardStats'] = null), /manifest .*reward-null\/manifest\.json: rewardStats is null, but hyperparameters\.normReward is true$/],
          ['reward-no-norm', (m) => (m['hyperparameters'].normReward = false), /manifest .*reward-no-norm\/manifest\.json: rewardStats is given, but hyperparameters\.normReward is false$/],
        ],
        (copy) => loadPpoRun(copy, env.observationSpace, env.actionSpace),
        normRewardHp,
      );
      env.close();
    });

    it('observation statistics that do not fit the hyperparameters or the observation space', async () => {
      const env = make('CartPole-v1');
      await corruptedCopies(
        [
          ['no-norm', (m) => delete m['hyperparameters'].normObs, /manifest .*no-norm\/manifest\.json: observationStats is given, but hyperparameters\.normObs is false/],
          ['no-stats', (m) => (m['observationStats'] = null), /observationStats is null, but hyperparameters\.normObs is true/],
          ['dim', (m) => (m['observationStats'].mean = [0]), /observationStats\.mean and \.var have 1 and 4 values; the observation space flattens to 4/],
        ],
        (copy) => loadPolicyAgent(copy, env),
      );
      env.close();
    });

    it('a checkpoint refused after its networks loaded leaks no tensors (PPO and DQN, policy and resume loaders)', async () => {
      const env = make('CartPole-v1');
      const ppo = (await savedPpo()).path;
      const dqnTrainer = new DqnTrainer({ hp: { ...dqnHp, normObs: true }, seed: 4, makeEnv: () => make('CartPole-v1') });
      const dqn = join(dir, 'dqn');
      await saveDqnCheckpoint(dqn, dqnTrainer, { id: 'CartPole-v1', scenario: undefined, actionSpace: env.actionSpace }, 4);
      const cases: Array<[string, string, (m: RawManifest) => void, (copy: string) => Promise<unknown>]> = [
        ['ppo-stats', ppo, (m) => (m['observationStats'].mean = [0]), (copy) => loadPolicyAgent(copy, env)],
        ['ppo-space', ppo, (m) => (m['algo'] = 'ppo'), (copy) => loadPolicyAgent(copy, make('BDT-small-v0'))],
        ['ppo-run-counters', ppo, (m) => delete m['counters'].adamStep, (copy) => loadPpoRun(copy, env.observationSpace, env.actionSpace)],
        ['ppo-run-reward', ppo, (m) => (m['rewardStats'] = { mean: [0], var: [1], count: 1 }), (copy) => loadPpoRun(copy, env.observationSpace, env.actionSpace)],
        ['dqn-stats', dqn, (m) => (m['observationStats'].mean = [0]), (copy) => loadPolicyAgent(copy, env)],
        ['dqn-run-counters', dqn, (m) => delete m['counters'].adamStep, (copy) => loadDqnRun(copy, env)],
      ];
      for (const [name, source, edit, load] of cases) {
        const copy = join(dir, name);
        cpSync(source, copy, { recursive: true });
        rewriteCheckpoint(copy, edit);
        const before = tf.memory().numTensors;
        await assert.rejects(load(copy), CheckpointError, name);
        assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
      }
      dqnTrainer.dispose();
      env.close();
    });

    /** Copies of the checkpoint in `source`, edited per case, must be refused by every loader with a message matching the case's, leaking no tensors. */
    async function refusedArchitectures(source: string, cases: ReadonlyArray<readonly [string, (m: RawManifest, copy: string) => void, ReadonlyArray<(copy: string) => Promise<unknown>>, RegExp]>): Promise<void> {
      for (const [name, edit, loads, expected] of cases) {
        const copy = join(dir, name);
        cpSync(source, copy, { recursive: true });
        rewriteCheckpoint(copy, (m) => edit(m, copy));
        for (const load of loads) {
          const before = tf.memory().numTensors;
          await assert.rejects(load(copy), (e: Error) => {
            assert.ok(e instanceof CheckpointError, `${name}: ${e.stack}`);
            assert.match(e.message, expected, name);
            return true;
          });
          assert.equal(tf.memory().numTensors, before, `${name}: tensors leaked`);
        }
      }
    }

    /** Sets the activation of layer `layer` in `network`'s model.json of the checkpoint copy. */
    function setActivation(copy: string, network: string, layer: number, activation: string): void {
      const file = join(copy, network, 'model.json');
      const model = JSON.parse(readFileSync(file, 'utf8'));
      model.modelTopology.config.layers[layer].config.activation = activation;
      writeFileSync(file, JSON.stringify(model));
    }

    it('PPO: hyperparameters.hidden contradicting the saved networks is refused naming the network file, the field and both values, leaking no tensors (it loaded silently)', async () => {
      const env = make('CartPole-v1');
      const { trainer, path } = await savedPpo(); // hidden [16, 16]
      const loads = [(copy: string) => loadPolicyAgent(copy, env), (copy: string) => loadPpoRun(copy, env.observationSpace, env.actionSpace)];
      await refusedArchitectures(path, [
        ['ppo-hidden', (m) => (m['hyperparameters'].hidden = [16, 8]), loads, /^checkpoint \S*ppo-hidden: network file actor\/model\.json has 16 units in hidden layer 1 \(actor_dense1; the saved hidden layers are \[16, 16\]\), but the manifest's hyperparameters\.hidden\[1\] is 8$/],
        ['ppo-depth', (m) => (m['hyperparameters'].hidden = [16]), loads, /^checkpoint \S*ppo-depth: network file actor\/model\.json has 2 hidden layers \[16, 16\], but the manifest's hyperparameters\.hidden is \[16\] \(1 hidden layer\)$/],
      ]);
      trainer.dispose();
      env.close();
    });

    it('PPO: hyperparameters.activation contradicting the saved networks is refused naming the network file, the field and both values, leaking no tensors (it loaded silently)', async () => {
      const env = make('CartPole-v1');
      const { trainer, path } = await savedPpo(); // tanh
      const loads = [(copy: string) => loadPolicyAgent(copy, env), (copy: string) => loadPpoRun(copy, env.observationSpace, env.actionSpace)];
      await refusedArchitectures(path, [
        ['ppo-activation', (m) => (m['hyperparameters'].activation = 'relu'), loads, /^checkpoint \S*ppo-activation: network file actor\/model\.json has activation 'tanh' in hidden layer 0 \(actor_dense0\), but the manifest's hyperparameters\.activation is 'relu'$/],
        ['ppo-critic', (_, copy) => setActivation(copy, 'critic', 1, 'relu'), loads, /^checkpoint \S*ppo-critic: network file critic\/model\.json has activation 'relu' in hidden layer 1 \(critic_dense1\), but the manifest's hyperparameters\.activation is 'tanh'$/],
        ['ppo-output', (_, copy) => setActivation(copy, 'actor', 2, 'tanh'), loads, /^checkpoint \S*ppo-output: network file actor\/model\.json has activation 'tanh' in its output layer 2 \(actor_dense2\), but output layers are linear$/],
      ]);
      trainer.dispose();
      env.close();
    });

    it('DQN: hyperparameters.hidden contradicting the saved networks (or a trunk that is not ReLU) is refused naming the network file, the field and both values, leaking no tensors (it loaded silently)', async () => {
      const env = make('CartPole-v1');
      const trainer = new DqnTrainer({ hp: dqnHp, seed: 4, makeEnv: () => make('CartPole-v1') }); // hidden [16], ReLU
      const path = join(dir, 'dqn');
      await saveDqnCheckpoint(path, trainer, { id: 'CartPole-v1', scenario: undefined, actionSpace: env.actionSpace }, 4);
      const policy = (copy: string) => loadPolicyAgent(copy, env);
      const run = (copy: string) => loadDqnRun(copy, env);
      await refusedArchitectures(path, [
        ['dqn-hidden', (m) => (m['hyperparameters'].hidden = [8]), [policy, run], /^checkpoint \S*dqn-hidden: network file q_network\/model\.json has 16 units in hidden layer 0 \(\w+_dense0; the saved hidden layers are \[16\]\), but the manifest's hyperparameters\.hidden\[0\] is 8$/],
        ['dqn-depth', (m) => (m['hyperparameters'].hidden = [16, 16]), [policy, run], /^checkpoint \S*dqn-depth: network file q_network\/model\.json has 1 hidden layer \[16\], but the manifest's hyperparameters\.hidden is \[16, 16\] \(2 hidden layers\)$/],
        ['dqn-target', (_, copy) => setActivation(copy, 'target_network', 0, 'tanh'), [run], /^checkpoint \S*dqn-target: network file target_network\/model\.json has activation 'tanh' in hidden layer 0 \(\w+_dense0\), but DQN Q networks use 'relu'$/],
      ]);
      trainer.dispose();
      env.close();
    });

    it('DQN: statistics missing although normObs is true', async () => {
      const trainer = new DqnTrainer({ hp: { ...dqnHp, normObs: true }, seed: 4, makeEnv: () => make('CartPole-v1') });
      const env = make('CartPole-v1');
      const path = join(dir, 'dqn');
      await saveDqnCheckpoint(path, trainer, { id: 'CartPole-v1', scenario: undefined, actionSpace: env.actionSpace }, 4);
      rewriteCheckpoint(path, (m) => (m['observationStats'] = null));
      await assert.rejects(loadPolicyAgent(path, env), (e: Error) => e instanceof CheckpointError && /dqn\/manifest\.json: observationStats is null, but hyperparameters\.normObs is true/.test(e.message));
      trainer.dispose();
      env.close();
    });

    it("hyperparameters that are not the algorithm's are reported under hyperparameters", async () => {
      const env = make('CartPole-v1');
      await corruptedCopies([['algo', (m) => (m['algo'] = 'dqn'), /manifest .*algo\/manifest\.json: hyperparameters do not fit algo dqn:\n {2}at hyperparameters: Unrecognized keys: "numSteps", /]], (copy) => loadPolicyAgent(copy, env));
      env.close();
    });

    it('another format version', async () => {
      const { trainer, path } = await savedPpo();
      const manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8'));
      manifest.formatVersion = 99;
      writeFileSync(join(path, 'manifest.json'), JSON.stringify(manifest));
      await assert.rejects(loadCheckpoint(path), /format version 99; this build reads version 1/);
      trainer.dispose();
    });

    it('a flipped byte in the weights (checksum mismatch)', async () => {
      const { trainer, path } = await savedPpo();
      const file = join(path, 'actor', 'weights.bin');
      const bytes = readFileSync(file);
      bytes[10] = bytes[10]! ^ 0xff;
      writeFileSync(file, bytes);
      await assert.rejects(loadCheckpoint(path), /actor\/weights\.bin is corrupted: SHA-256/);
      trainer.dispose();
    });

    it('a manifest changed since its save, by a flipped bit or an edit that keeps it valid, is refused naming it (it loaded as saved), and so is one whose manifest.sha256 is missing (it loaded unchecked); one saved before manifests had their checksum loads', async () => {
      const { trainer, path } = await savedPpo();
      const file = join(path, 'manifest.json');
      const saved = readFileSync(file);
      const step = (JSON.parse(saved.toString('utf8')) as { counters: { globalStep: number } }).counters.globalStep;
      const changed = (from: string, to: string) => Buffer.from(saved.toString('utf8').replace(from, to));
      const edits = [
        changed('"maxGradNorm": 0.5,', '"maxGradNorm": 0.7,'), // one bit: '5' (0x35) to '7' (0x37)
        changed('"learningRate": 0.00025,', '"learningRate": 0.5,'),
        changed(`"globalStep": ${step},`, `"globalStep": ${2 * step},`),
      ];
      for (const edited of edits) {
        assert.notDeepEqual(edited, saved);
        writeFileSync(file, edited);
        await assert.rejects(loadCheckpoint(path), (e: Error) => e instanceof CheckpointError && new RegExp(`^checkpoint manifest ${path}/manifest\\.json is corrupted or was edited since it was saved: SHA-256 [0-9a-f]{12}… does not match manifest\\.sha256's [0-9a-f]{12}…$`).test(e.message), edited.toString());
      }
      writeFileSync(file, `\uFEFF${saved.toString('utf8')}`); // an editor's byte order mark, the content as saved
      (await loadCheckpoint(path)).networks['actor']!.dispose();
      writeFileSync(join(path, 'manifest.sha256'), 'not a checksum\n');
      await assert.rejects(loadCheckpoint(path), /^CheckpointError: checkpoint file .*ppo\/manifest\.sha256 is corrupted: expected "<SHA-256 in hex>  manifest\.json" and a newline, got "not a checksum\\n"$/);
      rmSync(join(path, 'manifest.sha256'));
      // a checkpoint saved with the checksum says so in its manifest: without the file it is refused (it loaded unchecked)
      assert.equal(JSON.parse(saved.toString('utf8')).manifestChecksum, 'manifest.sha256');
      writeFileSync(file, saved);
      await assert.rejects(loadCheckpoint(path), (e: Error) => e instanceof CheckpointError && e.message === `checkpoint ${path} has no manifest.sha256, which its manifest ${file} says was saved with it (manifestChecksum), so the manifest cannot be checked: was it left out of a copy? Copy the whole checkpoint directory`);
      // one saved before (no manifestChecksum, no file), as the committed models/
      writeFileSync(file, changed('"learningRate": 0.00025,', '"learningRate": 0.5,').toString('utf8').replace(/,\n {2}"manifestChecksum": "manifest\.sha256"/, ''));
      const old = await loadCheckpoint(path);
      assert.equal(old.manifest.manifestChecksum, undefined);
      assert.equal(old.manifest.hyperparameters['learningRate'], 0.5, 'read unchecked, as before');
      for (const network of Object.values(old.networks)) network.dispose();
      trainer.dispose();
    });

    it("an env with other spaces than the checkpoint's", async () => {
      const { trainer, path } = await savedPpo();
      const other = make('BDT-small-v0');
      // named by its directory: compare loads several
      await assert.rejects(loadPolicyAgent(path, other), (e: Error) => e.message.startsWith(`checkpoint ${path} was trained on CartPole-v1 with a different observation layout (type: the checkpoint's "Box", this env's "Dict") than this env's Dict(`));
      other.close();
      trainer.dispose();
    });

    it('a space mismatch names the first path that differs and both values, then the env\'s whole space', () => {
      const trained = (observationSpace: Space<unknown>, actionSpace: Space<unknown>) => ({ dir: 'runs/x/checkpoint', manifest: { envId: 'BDT-v0', observationSpace: observationSpace.toJSON(), actionSpace: actionSpace.toJSON() } }) as unknown as LoadedCheckpoint;
      const box = (shape: number[], low = 0) => new Box(low, 1, { shape });
      const observation = new Dict({ H: box([4]), G: new Tuple([box([2]), box([3])]) });
      const action = new Dict({ partition: new MultiDiscrete([5, 10]), share: box([4]) });
      const refused = (checkpoint: LoadedCheckpoint, message: string) => assert.throws(() => assertSameSpaces(checkpoint, observation, action), (e: Error) => e instanceof CheckpointError && e.message === message);
      const than = (what: string, difference: string, space: Space<unknown>) => `checkpoint runs/x/checkpoint was trained on BDT-v0 with a different ${what} (${difference}) than this env's ${space.toString()}`;
      refused(trained(new Dict({ H: box([3]), G: new Tuple([box([2]), box([3])]) }), action), than('observation layout', "H.shape: the checkpoint's [3], this env's [4]", observation));
      refused(trained(new Dict({ H: box([4]), G: new Tuple([box([2]), box([5])]) }), action), than('observation layout', "G[1].shape: the checkpoint's [5], this env's [3]", observation));
      refused(trained(new Dict({ H: box([4]) }), action), than('observation layout', "G: only this env's space has it", observation));
      refused(trained(new Dict({ G: new Tuple([box([2]), box([3])]), H: box([4]) }), action), than('observation layout', 'the space: key order: the checkpoint\'s ["G","H"], this env\'s ["H","G"]', observation));
      refused(trained(observation, new Dict({ partition: new MultiDiscrete([8, 10]), share: box([4]) })), than('action space', "partition.nvec[0]: the checkpoint's 8, this env's 5", action));
      refused(trained(observation, new Dict({ partition: new MultiDiscrete([5, 10, 20]), share: box([4]) })), than('action space', "partition.nvec: the checkpoint's [5,10,20], this env's [5,10]", action));
      // observation bounds are no part of the layout; action bounds are
      assertSameSpaces(trained(new Dict({ H: box([4], -1), G: new Tuple([box([2]), box([3])]) }), action), observation, action);
      refused(trained(observation, new Dict({ partition: new MultiDiscrete([5, 10]), share: box([4], -1) })), than('action space', "share.low: the checkpoint's -1, this env's 0", action));
    });

    it('a model.json whose weights do not match its manifest', async () => {
      const { trainer, path } = await savedPpo();
      const file = join(path, 'critic', 'weights.bin');
      writeFileSync(file, readFileSync(file).subarray(0, 100));
      // Bypass the checksum by loading the network directly.
      await assert.rejects(tf.loadLayersModel(directoryHandler(join(path, 'critic'))), /weights of .*critic\/model\.json \(weights\.bin\) have 100 bytes, its weightsManifest describes \d+$/);
      trainer.dispose();
    });
  });
});
