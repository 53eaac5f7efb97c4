/**
 * PPO and DQN with `cpuShares: 'solved'` (DROO's split): the policy picks the partition points and
 * DPRA's allocation solves the CPU shares each slot. Trained through trainRun; the checkpoint
 * records the env's own action space, so it loads, resumes and is compared on the plain env, where
 * the loaded agent acts as the policy does in the SolvedShares env.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../agents/backend.ts';
import { DqnAgent, PpoAgent, loadPolicyAgent } from '../../agents/policy-agent.ts';
import { trainRun } from '../../agents/run/train-run.ts';
import { ShareSolver, SolvedShares } from '../../baselines/index.ts';
import type { BdtAction } from '../../env/bdt/action.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { GymError, make } from '../../env/index.ts';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/bdt-gym.js');
const HYPERPARAMETERS = {
  ppo: { cpuShares: 'solved', numEnvs: 2, numSteps: 64, numMinibatches: 2, updateEpochs: 2, hidden: [16] },
  dqn: { cpuShares: 'solved', numEnvs: 2, learningStarts: 64, bufferSize: 256, batchSize: 32, trainFrequency: 4, hidden: [16] },
};

/** The same networks as `agent`'s, acting in the partition-only space (as in training's SolvedShares env). */
function partitionAgent(agent: PpoAgent | DqnAgent): PpoAgent | DqnAgent {
  return agent instanceof PpoAgent ? new PpoAgent(agent.policy, { ownsNetworks: false }) : new DqnAgent({ ...agent.policy, toEnvAction: (a) => a }, { ownsNetworks: false });
}

for (const algo of ['ppo', 'dqn'] as const) describe(`agents: ${algo.toUpperCase()} with cpuShares 'solved'`, () => {
  const hyperparameters = HYPERPARAMETERS[algo];
  let dir: string;
  let run: string;

  before(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'bdt-ppo-solved-'));
    run = join(dir, 'run');
    await trainRun({ agent: algo, envId: 'BDT-small-v0', steps: 256, seed: 2, outDir: run, backend: 'wasm', hyperparameters, evalEpisodes: 1 });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("records the env's own action space and the hyperparameter; the loaded policy has partition heads only", async () => {
    const manifest = JSON.parse(readFileSync(join(run, 'checkpoint/manifest.json'), 'utf8')) as { actionSpace: unknown; hyperparameters: { cpuShares: string } };
    const env = make('BDT-small-v0');
    assert.deepEqual(manifest.actionSpace, env.actionSpace.toJSON());
    assert.equal(manifest.hyperparameters.cpuShares, 'solved');
    const agent = (await loadPolicyAgent(run, env, algo)) as PpoAgent | DqnAgent;
    try {
      assert.equal(agent.policy.layout.continuousDims, 0);
      assert.deepEqual(Array.from(agent.policy.layout.nvec), Array.from((env.unwrapped as BdtEnv).system.unitCount), 'one head per DT, no share levels');
    } finally {
      agent.dispose();
    }
  });

  it('acts in the plain env as its policy acts in the SolvedShares env: the same episode, bit for bit', async () => {
    const plain = make('BDT-small-v0');
    const agent = (await loadPolicyAgent(run, plain, algo)) as PpoAgent | DqnAgent;
    const wrapped = new SolvedShares(make('BDT-small-v0') as never);
    const inWrapper = partitionAgent(agent);
    try {
      let [obsP] = plain.reset({ seed: 11 });
      let [obsW] = wrapped.reset({ seed: 11 });
      for (let t = 0; t < 15; t++) {
        const action = agent.act(obsP, { env: plain }) as BdtAction;
        assert.equal(action.inferenceShare.length, (plain.unwrapped as BdtEnv).system.M, 'a full B-DT action');
        const [nextP, rewardP] = plain.step(action);
        const [nextW, rewardW] = wrapped.step(inWrapper.act(obsW) as never);
        assert.equal(rewardP, rewardW, `slot ${t}`);
        obsP = nextP;
        obsW = nextW;
      }
    } finally {
      agent.dispose();
    }
  });

  it("solves the shares in the env it acts in (context.env), the env it was loaded for when none is given", async () => {
    const loadedFor = make('BDT-small-v0');
    const other = make('BDT-small-v0');
    const agent = (await loadPolicyAgent(run, loadedFor, algo)) as PpoAgent | DqnAgent;
    try {
      loadedFor.reset({ seed: 1 });
      const [obs] = other.reset({ seed: 2 }); // another slot state: other shares for the same partition
      const inOther = agent.act(obs, { env: other }) as { partition: Int32Array };
      const expected = new ShareSolver().toAction({ partition: inOther.partition }, other.unwrapped as BdtEnv);
      assert.deepEqual(inOther, expected);
      const inLoadedFor = agent.act(obs) as typeof inOther;
      assert.deepEqual(inLoadedFor, new ShareSolver().toAction({ partition: inOther.partition }, loadedFor.unwrapped as BdtEnv));
      assert.notDeepEqual(inLoadedFor, inOther, 'the two envs are in different slots: the check would not see which env was read');
    } finally {
      agent.dispose();
    }
  });

  it('resumes, and frees every tensor it made', async () => {
    const before = tf.memory().numTensors;
    const summary = await trainRun({ agent: algo, envId: 'BDT-small-v0', steps: 512, seed: 2, outDir: run, backend: 'wasm', evalEpisodes: 0, resume: true });
    assert.equal(summary.steps, 512);
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  });

  it("refuses an env that is no B-DT env, naming the hyperparameter", async () => {
    await assert.rejects(
      trainRun({ agent: algo, envId: 'CartPole-v1', steps: 256, seed: 1, outDir: join(dir, 'cartpole'), backend: 'wasm', hyperparameters, evalEpisodes: 0 }),
      (e: Error) => e instanceof GymError && /^hyperparameters\.cpuShares 'solved': solves the CPU shares of a B-DT env .*got .*CartPole/.test(e.message),
    );
  });

  it('is compared on the plain env by the CLI, beside DPRA', () => {
    const result = spawnSync(process.execPath, [bin, 'compare', '--env', 'BDT-small-v0', '--agents', 'dpra', '--checkpoint', `solved=${run}`, '--seeds', '1', '--slots', '6', '--out', join(dir, 'compare.json'), '--json'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const agents = (JSON.parse(result.stdout.trim().split('\n').pop()!) as { agents: Array<{ agent: string }> }).agents.map((row) => row.agent);
    assert.deepEqual(agents, ['dpra', 'solved']);
  });
});

describe("agents: cpuShares 'policy', the default", () => {
  it('the committed models, saved before the option, load with their own shares (continuous PPO dimensions, DQN share levels)', async () => {
    for (const model of ['ppo-bdt-v0', 'dqn-bdt-v0']) {
      const env = make('BDT-v0');
      const agent = (await loadPolicyAgent(join(root, 'models', model), env)) as PpoAgent | DqnAgent;
      try {
        const { system } = env.unwrapped as BdtEnv;
        assert.equal(agent.policy.layout.discreteDims + agent.policy.layout.continuousDims, system.N + system.M + system.J, `${model}: a head for every partition point and share`);
        assert.ok(env.actionSpace.contains(agent.act(env.reset({ seed: 1 })[0])), model);
      } finally {
        agent.dispose();
      }
    }
  });
});
