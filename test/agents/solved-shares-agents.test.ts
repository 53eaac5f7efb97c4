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
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../agents/backend.ts';
import { DqnAgent, PpoAgent, loadPolicyAgent } from '../../agents/policy-agent.ts';
import { registerLearnedAgents } from '../../agents/register-learned-agents.ts';
import { trainRun } from '../../agents/run/train-run.ts';
import type { Agent } from '../../baselines/agent.ts';
import { createAgent } from '../../baselines/create-agent.ts';
import { ShareSolver, SolvedShares } from '../../baselines/index.ts';
import type { BdtAction } from '../../env/bdt/action.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { GymError, make } from '../../env/index.ts';
import { createSlotOutcome, evaluateSlot } from '../../env/bdt/slot.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
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

describe('agents: the named solved agents, ppo-solved and dqn-solved', () => {
  before(() => registerLearnedAgents());

  /** The rewards of a 12-slot BDT-v0 episode (seed 3) played by `agent`. */
  function rewardsOf(agent: Agent): number[] {
    const env = make('BDT-v0');
    try {
      let [obs] = env.reset({ seed: 3 });
      agent.reset(3);
      const rewards: number[] = [];
      for (let t = 0; t < 12; t++) {
        const [next, reward] = env.step(agent.act(obs, { env }) as BdtAction);
        rewards.push(reward);
        obs = next;
      }
      return rewards;
    } finally {
      agent.dispose?.();
    }
  }

  for (const name of ['ppo-solved', 'dqn-solved'] as const) {
    it(`createAgent('${name}') loads the committed models/${name}-bdt-v0 and acts as that checkpoint does, not as ${name.slice(0, 3)}'s`, async () => {
      const env = make('BDT-v0');
      const named = rewardsOf(await createAgent(name, env));
      assert.deepEqual(named, rewardsOf(await loadPolicyAgent(join(root, 'models', `${name}-bdt-v0`), env)));
      assert.notDeepEqual(named, rewardsOf(await createAgent(name.slice(0, 3), env)), 'the hybrid policy of the same algorithm plays another episode');
    });
  }

  it("refuses a checkpoint trained with the policy's own shares, or of the other algorithm; ppo and dqn load either kind", async () => {
    const env = make('BDT-v0');
    const models = join(root, 'models');
    await assert.rejects(createAgent('ppo-solved', env, { checkpoint: join(models, 'ppo-bdt-v0') }), (e: Error) => /^agent "ppo-solved" could not be created: checkpoint .*ppo-bdt-v0\/checkpoint holds a ppo policy trained with cpuShares 'policy', not 'solved': agent ppo loads it$/.test(e.message));
    await assert.rejects(createAgent('dqn-solved', env, { checkpoint: join(models, 'ppo-solved-bdt-v0') }), (e: Error) => /^agent "dqn-solved" could not be created: checkpoint .*ppo-solved-bdt-v0\/checkpoint holds a ppo policy, not a dqn one$/.test(e.message));
    const solvedAsPpo = await createAgent('ppo', env, { checkpoint: join(models, 'ppo-solved-bdt-v0') });
    assert.deepEqual(rewardsOf(solvedAsPpo), rewardsOf(await createAgent('ppo-solved', env)));
  });

  for (const name of ['ppo-solved', 'dqn-solved'] as const) {
    it(`${name} with candidates plays, of its own partition and those one second choice away, the best by DPRA's ranking of their solved shares`, async () => {
      const env = make('BDT-v0');
      const bdt = env.unwrapped as BdtEnv;
      const planned = { ...bdt.system, blockTime: 'expected' as const };
      const outcome = createSlotOutcome(bdt.system);
      const rank = (action: BdtAction) => {
        const o = evaluateSlot(planned, bdt.slotState, bdt.decodeAction(action), bdt.queues, outcome);
        return { met: o.gatewayViolations + o.apViolations === 0, psi: o.psi };
      };
      const own = await createAgent(name, env);
      const searching = await createAgent(name, env, { candidates: bdt.system.N + 1 });
      try {
        let [obs] = env.reset({ seed: 5 });
        let moved = 0;
        for (let t = 0; t < 20; t++) {
          const policy = own.act(obs, { env }) as BdtAction;
          const best = searching.act(obs, { env }) as BdtAction;
          const differing = policy.partition.filter((l, n) => l !== best.partition[n]).length;
          assert.ok(differing <= 1, `slot ${t}: ${differing} partition points moved`);
          if (differing > 0) moved++;
          const a = rank(policy);
          const b = rank(best);
          assert.ok(b.met || !a.met, `slot ${t}: the policy's own partition meets the budgets, the chosen one does not`);
          if (a.met === b.met) assert.ok(b.psi <= a.psi + 1e-9 * Math.abs(a.psi), `slot ${t}: Psi ${b.psi} above the policy's own ${a.psi}`);
          [obs] = env.step(best);
        }
        assert.ok(moved > 0, "the search never left the policy's partition: the check compared nothing");
      } finally {
        own.dispose?.();
        searching.dispose?.();
      }
      assert.deepEqual(rewardsOf(await createAgent(name, env, { candidates: 1 })), rewardsOf(await createAgent(name, env)), "one candidate is the policy's own choice");
    });
  }

  it('refuses candidates for a checkpoint whose policy sets the shares, beside sample, or out of range', async () => {
    const env = make('BDT-v0');
    const models = join(root, 'models');
    await assert.rejects(loadPolicyAgent(join(models, 'ppo-bdt-v0'), env, 'ppo', { candidates: 2 }), (e: Error) => e instanceof GymError && /^loadPolicyAgent: candidates weighs partitions by their solved CPU shares, for a checkpoint trained with cpuShares 'solved'; checkpoint .*ppo-bdt-v0\/checkpoint was trained with cpuShares 'policy'$/.test(e.message));
    await assert.rejects(createAgent('ppo-solved', env, { candidates: 4, sample: 1 }), (e: Error) => /ppo-solved: options sample and candidates exclude each other/.test(e.message));
    await assert.rejects(createAgent('dqn-solved', env, { candidates: 0 }), (e: Error) => /agent dqn-solved.*at candidates: .*>=1/s.test(e.message));
    await assert.rejects(createAgent('dqn', env, { candidates: 2 }), (e: Error) => /agent dqn.*Unrecognized key: "candidates"/s.test(e.message));
    const hybrid = (await loadPolicyAgent(join(models, 'ppo-bdt-v0'), env)) as PpoAgent;
    try {
      assert.throws(() => new PpoAgent(hybrid.policy, { ownsNetworks: false, candidates: { count: 2, choose: (c) => c[0] } }), (e: Error) => e instanceof GymError && /^PpoAgent: options\.candidates needs a policy with discrete dimensions only \(this one has 7 continuous: inferenceShare\[0\], inferenceShare\[1\], inferenceShare\[2\], \.\.\.\)$/.test(e.message));
    } finally {
      hybrid.dispose();
    }
  });

  it('the CLI compares them by name, records their checkpoints, and refuses a policy-shares checkpoint under their label', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdt-named-solved-'));
    try {
      const out = join(dir, 'compare.json');
      const result = spawnSync(process.execPath, [bin, 'compare', '--agents', 'dpra,ppo-solved,dqn-solved', '--seeds', '1', '--slots', '4', '--no-timing', '--out', out, '--json'], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const written = JSON.parse(readFileSync(out, 'utf8')) as { agents: Array<{ agent: string }>; provenance: { checkpoints: Record<string, { path: string }> } };
      assert.deepEqual(written.agents.map((row) => row.agent), ['dpra', 'ppo-solved', 'dqn-solved']);
      assert.match(written.provenance.checkpoints['ppo-solved']!.path, /models\/ppo-solved-bdt-v0\/checkpoint$/);
      assert.match(written.provenance.checkpoints['dqn-solved']!.path, /models\/dqn-solved-bdt-v0\/checkpoint$/);
      const mislabelled = spawnSync(process.execPath, [bin, 'compare', '--agents', 'dpra', '--checkpoint', 'ppo-solved=models/ppo-bdt-v0', '--seeds', '1', '--slots', '2', '--out', join(dir, 'bad.json')], { encoding: 'utf8' });
      assert.equal(mislabelled.status, 1);
      assert.match(mislabelled.stderr, /trained with cpuShares 'policy', not 'solved': agent ppo loads it\n$/);
      // one checkpoint under two labels, one weighing 13 candidates: --agent-options reach a label's entry
      const labelled = join(dir, 'labelled.json');
      const twoK = spawnSync(process.execPath, [bin, 'compare', '--agents', 'dpra', '--checkpoint', 'k1=models/ppo-solved-bdt-v0', '--checkpoint', 'k13=models/ppo-solved-bdt-v0', '--agent-options', '{"k13":{"candidates":13}}', '--seeds', '2', '--slots', '10', '--no-timing', '--out', labelled], { encoding: 'utf8' });
      assert.equal(twoK.status, 0, twoK.stderr);
      const named = spawnSync(process.execPath, [bin, 'compare', '--agents', 'ppo-solved', '--agent-options', '{"ppo-solved":{"candidates":13}}', '--seeds', '2', '--slots', '10', '--no-timing', '--out', join(dir, 'named.json')], { encoding: 'utf8' });
      assert.equal(named.status, 0, named.stderr);
      type Written = { agentOptions: unknown; agents: Array<{ agent: string; meanReward: { mean: number } }> };
      const rewardOf = (file: string, agent: string) => (JSON.parse(readFileSync(file, 'utf8')) as Written).agents.find((row) => row.agent === agent)!.meanReward.mean;
      assert.deepEqual((JSON.parse(readFileSync(labelled, 'utf8')) as Written).agentOptions, { k13: { candidates: 13 } });
      assert.equal(rewardOf(labelled, 'k13'), rewardOf(join(dir, 'named.json'), 'ppo-solved'));
      assert.notEqual(rewardOf(labelled, 'k13'), rewardOf(labelled, 'k1'), 'the candidates changed nothing: the check would not see them dropped');
      const noModel = spawnSync(process.execPath, [bin, 'run', '--env', 'BDT-small-v0', '--agent', 'dqn-solved', '--slots', '2'], { encoding: 'utf8' });
      assert.equal(noModel.status, 1);
      assert.equal(noModel.stderr, 'bdt-gym: --agent dqn-solved: no dqn-solved model is committed for BDT-small-v0 (there is one for BDT-v0, BDT-large-v0 only, in models/); give --checkpoint DIR (a train run or its checkpoint directory)\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
