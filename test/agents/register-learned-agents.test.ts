import assert from 'node:assert/strict';
import { createAgent } from '../../baselines/create-agent.ts';
import { make, setWarningHandler } from '../../env/index.ts';
import { registerLearnedAgents } from '../../agents/register-learned-agents.ts';
import { runEpisode } from '../../baselines/harness/run-episode.ts';

/** The warnings `fn` reports while it runs. */
async function warningsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const previous = setWarningHandler((message) => warnings.push(message));
  try {
    await fn();
  } finally {
    setWarningHandler(previous);
  }
  return warnings;
}

describe('agents: createAgent integration', () => {
  it("createAgent('ppo' | 'dqn', BDT-v0 | BDT-small-v0) loads the committed checkpoints and acts inside the action space", async () => {
    registerLearnedAgents();
    for (const id of ['BDT-v0', 'BDT-small-v0'] as const) {
      const env = make(id);
      const [obs] = env.reset({ seed: 1 });
      for (const name of ['ppo', 'dqn']) {
        const agent = await createAgent(name, env);
        const action = agent.act(obs);
        assert.ok(env.actionSpace.contains(action), `${id} ${name}: ${env.actionSpace.explain(action)}`);
        agent.dispose?.();
      }
      env.close();
    }
  });

  it("createAgent('ppo', env, { sample }) samples its actions, one episode per seed; dqn (greedy) refuses the option", async () => {
    registerLearnedAgents();
    const env = make('BDT-v0', { scenario: { slots: 20 }, infoLevel: 'summary' });
    const episode = async (options: Record<string, unknown>, seed: number) => {
      const agent = await createAgent('ppo', env, options);
      try {
        return JSON.stringify(runEpisode(env, agent, seed));
      } finally {
        agent.dispose?.();
      }
    };
    const sampled = await episode({ sample: 7 }, 5);
    assert.equal(await episode({ sample: 7 }, 5), sampled, 'the same seeds, the same episode');
    assert.notEqual(await episode({}, 5), sampled, 'the mode is another policy than samples of it');
    assert.notEqual(await episode({ sample: 8 }, 5), sampled);
    await assert.rejects(createAgent('dqn', env, { sample: 7 }), /agent dqn.*Unrecognized key: "sample"/s);
    await assert.rejects(createAgent('ppo', env, { sample: 0.5 }), /at sample: .*expected int/);
    env.close();
  });

  it('a committed B-DT policy also acts on another episode length (observation bounds scale with T)', async () => {
    registerLearnedAgents();
    const env = make('BDT-v0', { scenario: { slots: 50 } });
    const [obs] = env.reset({ seed: 2 });
    const agent = await createAgent('ppo', env);
    assert.ok(env.actionSpace.contains(agent.act(obs)));
    agent.dispose?.();
    env.close();
  });

  it('a committed policy is silent on its own system (its training reward shaping aside) and warns once on another', async () => {
    registerLearnedAgents();
    // the committed models trained with V 1.5 and an energy penalty: neither counts as another system
    const own = make('BDT-v0', { scenario: { slots: 50, lyapunov: { V: 7 } } });
    const quiet = await warningsOf(async () => (await createAgent('ppo', own)).dispose?.());
    assert.deepEqual(quiet, []);
    own.close();
    const other = make('BDT-v0', { scenario: { lyapunov: { uMin: 0.35 } } });
    const warnings = await warningsOf(async () => {
      for (let i = 0; i < 2; i++) (await createAgent('dqn', other)).dispose?.();
    });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /^the policy in .*models\/dqn-bdt-v0\/checkpoint was trained on a different system than this env's \(lyapunov\.uMin: 0\.3 -> 0\.35\); it acts here as a transfer/);
    other.close();
  });

  it('names a bad checkpoint option', async () => {
    registerLearnedAgents();
    const env = make('CartPole-v1');
    await assert.rejects(createAgent('ppo', env, { checkpoint: 42 }), /^KwargsError: agent ppo: invalid options:\n {2}at checkpoint: Invalid input: expected string, received number \(value: 42\)$/);
    await assert.rejects(createAgent('dqn', env, { checkpoint: 'x', deterministic: true }), /agent dqn: invalid options:\n {2}at \(root\): Unrecognized key: "deterministic"/);
    await assert.rejects(createAgent('dqn', env, { checkpoint: '/nonexistent/dir' }), /does not exist/);
    env.close();
  });
});
