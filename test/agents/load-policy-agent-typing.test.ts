/**
 * The agents/ entry's manual loop, as its doc shows it: `tsc` checks that the loaded agent takes
 * the env's observation and gives its action without a cast (each action reaches `env.step`
 * before `actionSpace.contains` could narrow it), and mocha runs it.
 */
import assert from 'node:assert/strict';
import { make } from '../../env/index.ts';
import { defaultCheckpointDir, initBackend, loadPolicyAgent } from '../../agents/index.ts';

describe('agents: loadPolicyAgent is typed by its env', () => {
  it("the doc's manual loop typechecks and acts inside BDT-v0's action space with the committed PPO", async () => {
    const env = make('BDT-v0');
    await initBackend();
    const agent = await loadPolicyAgent(defaultCheckpointDir('ppo', 'BDT-v0'), env);
    try {
      const [obs] = env.reset({ seed: 0 });
      let [next] = env.step(agent.act(obs));
      // a few more slots, each action checked after the env took it
      for (let slot = 0; slot < 5; slot++) {
        const action = agent.act(next);
        [next] = env.step(action);
        assert.ok(env.actionSpace.contains(action), `slot ${slot}: ${env.actionSpace.explain(action)}`);
      }
    } finally {
      agent.dispose();
      env.close();
    }
  });
});
