import assert from 'node:assert/strict';
import { initBackend } from '../../agents/backend.ts';
import { BranchingQNetwork } from '../../agents/dqn/branching-q-network.ts';
import { tdTargets } from '../../agents/dqn/dqn-trainer.ts';
import { makeRng } from '../../env/core/rng.ts';

describe('agents/dqn tdTargets', () => {
  let network: BranchingQNetwork;
  before(async () => {
    await initBackend('wasm');
    // Only the output layout matters: tdTargets reads raw outputs given to it.
    network = BranchingQNetwork.create('td_targets', 2, [3], [4], false, makeRng(1));
  });
  after(() => network.dispose());

  // Row 0: online prefers action 1, the target network action 0. Row 1 is terminal.
  const onlineRaw = Float32Array.of(1, 5, 2, 0, 0, 9);
  const targetRaw = Float32Array.of(4, 0, 3, 7, 7, 7);
  const batch = { rewards: Float32Array.of(1, 2), terminated: Float32Array.of(0, 1) };

  it('double DQN: the online network picks the action, the target network values it', () => {
    const out = new Float32Array(2);
    tdTargets(network, targetRaw, { network, raw: onlineRaw }, batch, 2, 0.5, new Int32Array(2), out);
    assert.deepEqual(Array.from(out), [1 + 0.5 * 0, 2]);
  });

  it('without a selector: the target network max (SB3 DQN)', () => {
    const out = new Float32Array(2);
    tdTargets(network, targetRaw, undefined, batch, 2, 0.5, new Int32Array(2), out);
    assert.deepEqual(Array.from(out), [1 + 0.5 * 4, 2]);
  });
});
