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

  it("refuses an agent whose act returns a Promise, saying so (the env refused it as an action: 'expected an integer number, got object (action {})')", () => {
    const env = make('CartPole-v1');
    const agent = { name: 'async', reset: () => {}, act: (async () => 0) as unknown as () => number };
    assert.throws(() => evaluateAgent(agent, env, 1, 100), { name: 'InvalidActionError', message: 'act returned a Promise: Agent.act must be synchronous (load in the factory, which may be async)' });
    env.close();
  });

  it('refuses an episode count that is no whole number >= 1 and seeds out of range, before any episode (0 episodes gave a mean return of 0)', async () => {
    const env = make('CartPole-v1');
    let resets = 0;
    const agent = { ...leaningAgent(), reset: () => void resets++ };
    for (const [episodes, seed, message] of [
      [0, 1, 'evaluateAgent: episodes must be an integer >= 1, got 0'],
      [NaN, 1, 'evaluateAgent: episodes must be an integer >= 1, got NaN'],
      [1.5, 1, 'evaluateAgent: episodes must be an integer >= 1, got 1.5'],
      ['2', 1, 'evaluateAgent: episodes must be an integer >= 1, got "2"'],
      [2, -1, 'evaluateAgent: seed = -1 must be an integer >= 0'],
      [2, Number.MAX_SAFE_INTEGER, `evaluateAgent: the last episode's: seed = ${Number.MAX_SAFE_INTEGER + 1} must be an integer >= 0 and <= ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER)`],
    ] as const) {
      assert.throws(() => evaluateAgent(agent, env, episodes as number, seed), { message });
      await assert.rejects(evaluateAgentUnlessAborted(agent, env, episodes as number, seed, undefined), { message: message.replace('evaluateAgent:', 'evaluateAgentUnlessAborted:') });
    }
    assert.equal(resets, 0);
    env.close();
  });
});
