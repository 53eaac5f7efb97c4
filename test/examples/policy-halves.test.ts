/**
 * examples/analysis/policy-halves.ts: each agent keeps one half of the learned policy's action and
 * takes the other from DPRA, slot after slot (the fixed partition is re-read at every solve), and
 * `compare --import` runs them as the docs say.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend, registerLearnedAgents } from '../../agents/index.ts';
import { createAgent, DpraSolver, type Agent } from '../../baselines/index.ts';
import { BdtEnv, KwargsError, make, type BdtAction, type BdtObservation } from '../../env/index.ts';
import '../../examples/analysis/policy-halves.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
type BdtAgent = Agent<BdtObservation, BdtAction>;

describe('examples/analysis/policy-halves.ts', () => {
  before(async () => {
    await initBackend('wasm');
    registerLearnedAgents();
  });

  it("learned-partition plays PPO's partition with DPRA's frequencies for it, learned-shares DPRA's partition with PPO's shares, every slot", async () => {
    const tensorsBefore = tf.memory().numTensors;
    // one env per agent, all on the same trace; the halves must match the whole agents' actions on learned-partition's states
    const envs = Array.from({ length: 4 }, () => make('BDT-v0').unwrapped as BdtEnv);
    const [partitionEnv, sharesEnv, ppoEnv, dpraEnv] = envs as [BdtEnv, BdtEnv, BdtEnv, BdtEnv];
    const learnedPartition = (await createAgent('learned-partition', partitionEnv, {})) as BdtAgent;
    const learnedShares = (await createAgent('learned-shares', sharesEnv, {})) as BdtAgent;
    const ppo = (await createAgent('ppo', ppoEnv, {})) as BdtAgent;
    const dpra = (await createAgent('dpra', dpraEnv, {})) as BdtAgent;
    try {
      const observations = envs.map((env) => env.reset({ seed: 3 })[0]);
      for (const agent of [learnedPartition, learnedShares, ppo, dpra]) agent.reset(3);
      let partitionsDiffered = false;
      for (let t = 0; t < 8; t++) {
        const half = learnedPartition.act(observations[0]!, { env: partitionEnv });
        const whole = ppo.act(observations[0]!, { env: partitionEnv });
        assert.deepEqual(Array.from(half.partition), Array.from(whole.partition), `slot ${t}: PPO's partition`);
        const fixed = Int32Array.from(whole.partition, (k) => k + 1);
        const solved = new DpraSolver(partitionEnv.system, { partition: 'fixed', fixedPartition: fixed }).solve(partitionEnv.slotState, partitionEnv.queues);
        const expected = partitionEnv.encodeDecision(solved.decision);
        assert.deepEqual(Array.from(half.inferenceShare), Array.from(expected.inferenceShare), `slot ${t}: DPRA's inference shares for that partition`);
        assert.deepEqual(Array.from(half.miningShare), Array.from(expected.miningShare), `slot ${t}: DPRA's mining shares`);

        const mixed = learnedShares.act(observations[1]!, { env: sharesEnv });
        const dpraAction = dpra.act(observations[1]!, { env: sharesEnv });
        const ppoAction = ppo.act(observations[1]!, { env: sharesEnv });
        assert.deepEqual(Array.from(mixed.partition), Array.from(dpraAction.partition), `slot ${t}: DPRA's partition`);
        assert.deepEqual(Array.from(mixed.inferenceShare), Array.from(ppoAction.inferenceShare), `slot ${t}: PPO's inference shares`);
        assert.deepEqual(Array.from(mixed.miningShare), Array.from(ppoAction.miningShare), `slot ${t}: PPO's mining shares`);
        partitionsDiffered ||= mixed.partition.some((k, n) => k !== half.partition[n]);

        observations[0] = partitionEnv.step(half)[0];
        observations[1] = sharesEnv.step(mixed)[0];
      }
      assert.ok(partitionsDiffered, "PPO's and DPRA's partitions differ on some slot, so the halves were told apart");
    } finally {
      for (const agent of [learnedPartition, learnedShares, ppo, dpra]) agent.dispose?.();
      for (const env of envs) env.close();
    }
    assert.equal(tf.memory().numTensors, tensorsBefore, 'disposing the halves frees the policies they loaded');
  });

  it('refuses an unknown policy, naming the agent and the option', async () => {
    const env = make('BDT-small-v0');
    try {
      await assert.rejects(createAgent('learned-partition', env, { policy: 'sac' }), (error: unknown) => error instanceof KwargsError && /learned-partition/.test(error.message) && /policy/.test(error.message));
    } finally {
      env.close();
    }
  });

  it('runs under compare --import as its doc comment says', function () {
    this.timeout(300_000);
    const result = spawnSync(
      process.execPath,
      ['bin/bdt-gym.js', 'compare', '--import', './examples/analysis/policy-halves.ts', '--env', 'BDT-small-v0', '--agents', 'dpra,learned-partition,learned-shares', '--seeds', '1', '--slots', '5', '--no-timing', '--json', '--out', join(mkdtempSync(join(tmpdir(), 'bdt-halves-')), 'halves.json')],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(result.status, 0, result.stderr);
    const { agents } = JSON.parse(result.stdout) as { agents: Array<{ agent: string }> };
    assert.deepEqual(agents.map((a) => a.agent), ['dpra', 'learned-partition', 'learned-shares']);
  });
});
