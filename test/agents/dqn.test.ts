import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { makeRng } from '../../env/core/rng.ts';
import { initBackend } from '../../agents/backend.ts';
import { BranchingQNetwork } from '../../agents/dqn/branching-q-network.ts';
import { ReplayBuffer } from '../../agents/dqn/replay-buffer.ts';
import { linearSchedule } from '../../agents/dqn/hyperparameters.ts';

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) < tol, `${what} ${a} vs ${b}`);

describe('agents/dqn', () => {
  before(async () => {
    await initBackend('wasm');
  });

  describe('ReplayBuffer', () => {
    /** Transition i: obs = [i, i], next = [i + 0.5, i + 0.5], action = [i % 3, i % 5], reward i, terminated when i % 4 == 0. */
    function fill(buffer: ReplayBuffer, from: number, to: number): void {
      for (let i = from; i < to; i++) {
        buffer.add(Float32Array.of(i, i), Float32Array.of(i + 0.5, i + 0.5), Int32Array.of(i % 3, i % 5), 0, i, i % 4 === 0);
      }
    }

    it('keeps rows together and overwrites the oldest when full', () => {
      const buffer = new ReplayBuffer(5, 2, 2);
      fill(buffer, 0, 3);
      assert.equal(buffer.size, 3);
      fill(buffer, 3, 8); // 8 transitions into 5 slots: 3..7 remain
      assert.equal(buffer.size, 5);
      const batch = ReplayBuffer.allocateBatch(200, 2, 2);
      buffer.sample(200, makeRng(1), batch);
      const seen = new Set<number>();
      for (let b = 0; b < 200; b++) {
        const i = batch.obs[b * 2]!;
        seen.add(i);
        assert.equal(batch.obs[b * 2 + 1], i);
        assert.equal(batch.nextObs[b * 2], i + 0.5);
        assert.deepEqual([batch.actions[b * 2], batch.actions[b * 2 + 1]], [i % 3, i % 5]);
        assert.equal(batch.rewards[b], i);
        assert.equal(batch.terminated[b], i % 4 === 0 ? 1 : 0);
      }
      assert.deepEqual([...seen].sort(), [3, 4, 5, 6, 7]);
    });

    it('samples reproducibly from a seed', () => {
      const buffer = new ReplayBuffer(50, 2, 2);
      fill(buffer, 0, 50);
      const a = buffer.sample(16, makeRng(9), ReplayBuffer.allocateBatch(16, 2, 2));
      const b = buffer.sample(16, makeRng(9), ReplayBuffer.allocateBatch(16, 2, 2));
      assert.deepEqual(a, b);
    });

    it('rejects bad sizes and sampling from an empty buffer', () => {
      assert.throws(() => new ReplayBuffer(0, 2, 1), /capacity must be a positive integer, got 0/);
      assert.throws(() => new ReplayBuffer(4, 2, 1).sample(1, makeRng(1), ReplayBuffer.allocateBatch(1, 2, 1)), /empty/);
    });

    it('refuses a row past the end of its arrays and a reward that is not finite, storing nothing', () => {
      const buffer = new ReplayBuffer(4, 2, 1);
      const obs = Float32Array.of(1, 2, 3, 4); // two rows
      const actions = Int32Array.of(0, 1);
      for (const row of [2, -1, 0.5]) {
        assert.throws(() => buffer.add(obs, obs, actions, row, 1, false), (e: Error) => e.name === 'InvalidArgumentError' && e.message.startsWith(`ReplayBuffer.add: row ${row} is not a row of obs (2 rows of 2)`));
      }
      assert.throws(() => buffer.add(obs, obs, Int32Array.of(0), 1, 1, false), /row 1 is not a row of .* actions \(1 rows of 1\)/);
      for (const reward of [NaN, Infinity]) assert.throws(() => buffer.add(obs, obs, actions, 1, reward, false), new RegExp(`reward must be finite, got ${reward}`));
      assert.equal(buffer.size, 0);
      buffer.add(obs, obs, actions, 1, 1, false);
      assert.equal(buffer.size, 1);
    });

    it('refuses a batch size that is no integer >= 1 and an out too small for it', () => {
      const buffer = new ReplayBuffer(4, 2, 1);
      buffer.add(Float32Array.of(1, 2), Float32Array.of(3, 4), Int32Array.of(0), 0, 1, false);
      for (const size of [0, 1.5, NaN]) assert.throws(() => buffer.sample(size, makeRng(1), ReplayBuffer.allocateBatch(2, 2, 1)), new RegExp(`batchSize must be an integer >= 1, got ${size}`));
      assert.throws(() => buffer.sample(3, makeRng(1), ReplayBuffer.allocateBatch(2, 2, 1)), /out holds fewer than 3 rows \(make it with ReplayBuffer.allocateBatch\(3, 2, 1\)\)/);
    });
  });

  describe('BranchingQNetwork', () => {
    it('has one value output plus one advantage head per action dimension', () => {
      const q = BranchingQNetwork.create('branch_shape', 6, [3, 4, 2], [16], true, makeRng(1));
      assert.equal(q.outputDim, 1 + 3 + 4 + 2);
      assert.deepEqual(q.net.model.outputs[0]!.shape, [null, 10]);
      const obs = new Float32Array(5 * 6).map((_, i) => Math.sin(i));
      const raw = q.rawOutputs(obs, 5);
      assert.equal(raw.length, 5 * 10);
      const greedy = new Int32Array(5 * 3);
      q.greedy(raw, 5, greedy);
      for (let b = 0; b < 5; b++) {
        [3, 4, 2].forEach((n, d) => {
          const a = greedy[b * 3 + d]!;
          assert.ok(a >= 0 && a < n);
          for (let k = 0; k < n; k++) assert.ok(q.q(raw, b, d, k) <= q.q(raw, b, d, a) + 1e-6);
        });
        // Dueling identity: the mean of Q_d over a branch's actions is V.
        [3, 4, 2].forEach((n, d) => {
          let mean = 0;
          for (let k = 0; k < n; k++) mean += q.q(raw, b, d, k) / n;
          assert.ok(Math.abs(mean - raw[b * 10]!) < 1e-5);
        });
      }
      q.dispose();
    });

    for (const dueling of [true, false]) {
      it(`huberTdGradient gives the mean Huber TD loss and its gradient, as TF.js autodiff does (dueling ${dueling})`, () => {
        const q = BranchingQNetwork.create(`branch_huber_${dueling}`, 3, [2, 5], [8], dueling, makeRng(2));
        const width = q.outputDim;
        const raw = new Float32Array(4 * width).map((_, i) => 2 * Math.sin(i * 0.9));
        const actions = Int32Array.of(0, 4, 1, 2, 1, 0, 0, 3);
        // Targets far from and close to the chosen Q values: both Huber branches are exercised.
        const targets = Float32Array.of(3, -0.2, 0.1, -4);
        const dRaw = new Float32Array(4 * width);
        const { loss, meanQ } = q.huberTdGradient(raw, actions, targets, 4, dRaw);
        // Reference: Q_d(s, a_d) picked with a one-hot mask, dueling combination, tf.losses.huberLoss.
        const mask = new Float32Array(4 * 2 * width);
        for (let b = 0; b < 4; b++) for (let d = 0; d < 2; d++) mask[(b * 2 + d) * width + (dueling ? 1 : 0) + [0, 2][d]! + actions[b * 2 + d]!] = 1;
        const chosen = (r: tf.Tensor2D) => {
          const rows = tf.reshape(tf.tile(r, [1, 2]), [8, width]);
          let qs = tf.sum(tf.mul(rows, tf.tensor2d(mask, [8, width])), 1);
          if (dueling) {
            const branchMean = tf.tensor2d(Array.from({ length: 8 }, (_, i) => Array.from({ length: width }, (_, c) => (c === 0 ? 0 : (i % 2 === 0 ? c <= 2 : c > 2) ? 1 / (i % 2 === 0 ? 2 : 5) : 0))));
            qs = tf.sub(tf.add(qs, tf.squeeze(tf.slice(rows, [0, 0], [8, 1]), [1])), tf.sum(tf.mul(rows, branchMean), 1));
          }
          return qs;
        };
        const y = tf.tensor1d(Array.from({ length: 8 }, (_, i) => targets[Math.floor(i / 2)]!));
        const lossFn = (r: tf.Tensor) => tf.losses.huberLoss(y, chosen(r as tf.Tensor2D), undefined, 1, tf.Reduction.MEAN) as tf.Scalar;
        const rawTensor = tf.tensor2d(raw, [4, width]);
        near(loss, lossFn(rawTensor).dataSync()[0]!, 1e-5, 'loss');
        near(meanQ, tf.mean(chosen(rawTensor)).dataSync()[0]!, 1e-5, 'mean Q');
        for (let b = 0; b < 4; b++) for (let d = 0; d < 2; d++) near(chosen(rawTensor).dataSync()[b * 2 + d]!, q.q(raw, b, d, actions[b * 2 + d]!), 1e-5, 'Q');
        tf.grad(lossFn)(rawTensor).dataSync().forEach((g, i) => near(dRaw[i]!, g, 1e-6, `dRaw[${i}]`));
        q.dispose();
      });
    }

    it('rejects a network whose outputs do not fit the branches', () => {
      const q = BranchingQNetwork.create('branch_bad', 3, [2, 2], [4], false, makeRng(3));
      assert.throws(() => new BranchingQNetwork(q.net, [2, 3], false), /4 outputs; branches of sizes \[2, 3\] need 5/);
      q.dispose();
    });
  });

  it('linearSchedule decays linearly, then holds', () => {
    assert.equal(linearSchedule(1, 0.05, 100, 0), 1);
    assert.ok(Math.abs(linearSchedule(1, 0.05, 100, 50) - 0.525) < 1e-12);
    assert.equal(linearSchedule(1, 0.05, 100, 1000), 0.05);
  });

  it('linearSchedule rises linearly to end, then holds (CleanRL\'s grew past end, and past 1)', () => {
    assert.equal(linearSchedule(0.01, 0.2, 5000, 0), 0.01);
    near(linearSchedule(0.01, 0.2, 5000, 2500), 0.105, 1e-12, 'half way');
    assert.deepEqual([5000, 10_000, 100_000].map((step) => linearSchedule(0.01, 0.2, 5000, step)), [0.2, 0.2, 0.2]);
  });
});
