import assert from 'node:assert/strict';
import { createAgent } from '../../baselines/create-agent.ts';
import { make } from '../../env/index.ts';
import { registerLearnedAgents } from '../../agents/register-learned-agents.ts';

describe('agents: createAgent integration', () => {
  it("createAgent('ppo' | 'dqn', BDT-v0) loads the committed checkpoints and acts inside the action space", async () => {
    registerLearnedAgents();
    const env = make('BDT-v0');
    const [obs] = env.reset({ seed: 1 });
    for (const name of ['ppo', 'dqn']) {
      const agent = await createAgent(name, env);
      const action = agent.act(obs);
      assert.ok(env.actionSpace.contains(action), `${name}: ${env.actionSpace.explain(action)}`);
      agent.dispose?.();
    }
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

  it('names a bad checkpoint option', async () => {
    registerLearnedAgents();
    const env = make('CartPole-v1');
    await assert.rejects(createAgent('ppo', env, { checkpoint: 42 }), /^KwargsError: agent ppo: invalid options:\n {2}at checkpoint: Invalid input: expected string, received number \(value: 42\)$/);
    await assert.rejects(createAgent('dqn', env, { checkpoint: 'x', deterministic: true }), /agent dqn: invalid options:\n {2}at \(root\): Unrecognized key: "deterministic"/);
    await assert.rejects(createAgent('dqn', env, { checkpoint: '/nonexistent/dir' }), /does not exist/);
    env.close();
  });
});
