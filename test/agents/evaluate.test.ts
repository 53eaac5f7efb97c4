import assert from 'node:assert/strict';
import type { Agent } from '../../baselines/agent.ts';
import { evaluateAgent, evaluateAgentUnlessAborted } from '../../agents/evaluate.ts';
import { make } from '../../env/index.ts';

/** A deterministic CartPole policy (push towards the pole's lean) that counts its actions and may abort. */
function leaningAgent(onAct: (acts: number) => void = () => {}): Agent<Float32Array, number> {
  let acts = 0;
  return { name: 'leaning', reset: () => {}, act: (obs) => (onAct(++acts), obs[2]! > 0 ? 1 : 0) };
}

describe('agents: evaluateAgentUnlessAborted (train\'s final evaluation, stoppable by Ctrl-C)', () => {
  it('gives what evaluateAgent gives, episode by episode, when not aborted', async () => {
    const env = make('CartPole-v1');
    const plain = evaluateAgent(leaningAgent(), env, 4, 100);
    const stoppable = await evaluateAgentUnlessAborted(leaningAgent(), env, 4, 100, new AbortController().signal);
    assert.deepEqual(stoppable, plain);
    env.close();
  });

  it('stops between episodes once the signal aborts: undefined, no further episode started', async () => {
    const env = make('CartPole-v1');
    const controller = new AbortController();
    let started = 0;
    const agent = { ...leaningAgent((acts) => acts === 3 && controller.abort()), reset: () => void started++ };
    assert.equal(await evaluateAgentUnlessAborted(agent, env, 5, 100, controller.signal), undefined);
    assert.equal(started, 1, 'the episode under way finished; no other began');
    env.close();
  });
});
