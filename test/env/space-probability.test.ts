import assert from 'node:assert/strict';
import { Box, Dict, Discrete, MultiBinary, MultiDiscrete, SpaceError, Tuple } from '../../env/index.ts';

/** Frequency of each value in `draws` samples, for values start..start+n-1. */
function frequencies(draw: () => number, start: number, n: number, draws: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (let k = 0; k < draws; k++) counts[draw() - start]! += 1;
  return counts.map((c) => c / draws);
}

/** Sampling error allowance for 20,000 seeded draws (about 5 standard deviations at p = 0.5). */
const FREQUENCY_TOLERANCE = 0.02;

describe('probability sampling (Gymnasium 1.x sample(mask, probability))', () => {
  describe('Discrete', () => {
    it('draws start + i with probability p[i]; zero-probability values never appear', () => {
      const d = new Discrete(4, -1, 3);
      const p = Float64Array.of(0.1, 0, 0.6, 0.3);
      const f = frequencies(() => d.sample(undefined, p), -1, 4, 20_000);
      assert.equal(f[1], 0, 'value 0 has probability 0');
      [0.1, 0, 0.6, 0.3].forEach((pi, i) => assert.ok(Math.abs(f[i]! - pi) < FREQUENCY_TOLERANCE, `value ${i - 1}: frequency ${f[i]} vs ${pi}`));
    });

    it('a one-hot probability always gives that value; number[] and Float32Array are accepted', () => {
      const d = new Discrete(3, 0, 1);
      for (let k = 0; k < 50; k++) assert.equal(d.sample(undefined, [0, 0, 1]), 2);
      for (let k = 0; k < 50; k++) assert.equal(d.sample(undefined, Float32Array.of(0.2, 0.3, 0.5)) < 3, true);
    });

    it('is seeded like sample(): same seed, same sequence; reseeding restarts it', () => {
      const p = [0.25, 0.25, 0.5];
      const a = new Discrete(3, 0, 42);
      const b = new Discrete(3, 0, 42);
      const first = Array.from({ length: 30 }, () => a.sample(undefined, p));
      assert.deepEqual(Array.from({ length: 30 }, () => b.sample(undefined, p)), first);
      a.seed(42);
      assert.deepEqual(Array.from({ length: 30 }, () => a.sample(undefined, p)), first);
      a.seed(43);
      assert.notDeepEqual(Array.from({ length: 30 }, () => a.sample(undefined, p)), first);
    });

    it('accepts a sum within 1e-5 of 1 (NumPy isclose)', () => {
      const d = new Discrete(2, 0, 0);
      const v = d.sample(undefined, [0.5, 0.5 - 5e-6]);
      assert.ok(v === 0 || v === 1);
    });

    it('rejects bad probabilities with messages naming the entry', () => {
      const d = new Discrete(3);
      assert.throws(() => d.sample(Int8Array.of(1, 1, 1), [0.2, 0.3, 0.5]), (e: Error) => e instanceof SpaceError && /Discrete\.sample: give either a mask or a probability, not both/.test(e.message));
      assert.throws(() => d.sample(undefined, [0.5, 0.5]), /Discrete\.sample: probability has length 2, expected 3/);
      assert.throws(() => d.sample(undefined, [0.5, -0.1, 0.6]), /Discrete\.sample: probability\[1\] = -0\.1 must be a number in \[0, 1\]/);
      assert.throws(() => d.sample(undefined, [NaN, 0.5, 0.5]), /probability\[0\] = NaN must be a number in \[0, 1\]/);
      assert.throws(() => d.sample(undefined, [0.2, 0.2, 0.2]), /Discrete\.sample: probability sums to 0\.6000000000000001, expected 1 \(within 0\.00001001\)/);
      assert.throws(() => d.sample(undefined, Int8Array.of(0, 0, 1) as never), /probability must be a Float64Array, Float32Array or number\[\], got Int8Array/);
    });
  });

  describe('MultiDiscrete', () => {
    it('draws each element from its own probability vector, offset by start', () => {
      const md = new MultiDiscrete([2, 3], { start: [5, 0], seed: 9 });
      const probability = [[0, 1], [0.5, 0, 0.5]];
      const seen = new Set<number>();
      for (let k = 0; k < 200; k++) {
        const x = md.sample(undefined, probability);
        assert.equal(x[0], 6, 'element 0 is one-hot on its second value');
        assert.notEqual(x[1], 1, 'element 1 never takes its zero-probability value');
        seen.add(x[1]!);
      }
      assert.deepEqual([...seen].sort(), [0, 2]);
      const f = frequencies(() => md.sample(undefined, [Float64Array.of(0.5, 0.5), Float64Array.of(0.7, 0.2, 0.1)])[1]!, 0, 3, 20_000);
      [0.7, 0.2, 0.1].forEach((pi, i) => assert.ok(Math.abs(f[i]! - pi) < FREQUENCY_TOLERANCE, `element 1 value ${i}: ${f[i]} vs ${pi}`));
    });

    it('is seeded like sample()', () => {
      const p = [[0.5, 0.5], [0.2, 0.3, 0.5]];
      const a = new MultiDiscrete([2, 3], { seed: 4 });
      const b = new MultiDiscrete([2, 3], { seed: 4 });
      for (let k = 0; k < 20; k++) assert.deepEqual(a.sample(undefined, p), b.sample(undefined, p));
    });

    it('rejects bad probabilities naming the element and entry, before drawing', () => {
      const md = new MultiDiscrete([2, 3], { seed: 1 });
      const twin = new MultiDiscrete([2, 3], { seed: 1 });
      assert.throws(() => md.sample([[1, 1], [1, 1, 1]], [[0.5, 0.5], [0.2, 0.3, 0.5]]), /MultiDiscrete\.sample: give either a mask or a probability, not both/);
      assert.throws(() => md.sample(undefined, [[0.5, 0.5]]), /MultiDiscrete\.sample: probability must hold one vector per element \(2\)/);
      assert.throws(() => md.sample(undefined, [[0.5, 0.5], [0.5, 0.5]]), /MultiDiscrete\.sample: probability\[1\] has length 2, expected 3/);
      assert.throws(() => md.sample(undefined, [[0.5, 0.5], [0.2, 1.3, 0.5]]), /probability\[1\]\[1\] = 1\.3 must be a number in \[0, 1\]/);
      assert.throws(() => md.sample(undefined, [[0.5, 0.6], [0.2, 0.3, 0.5]]), /MultiDiscrete\.sample: probability\[0\] sums to 1\.1, expected 1/);
      assert.deepEqual(md.sample(), twin.sample(), 'failed calls did not advance the stream');
    });
  });

  describe('MultiBinary', () => {
    it('sets each bit to 1 with its own probability; 0 and 1 are exact', () => {
      const mb = new MultiBinary([2, 2], 11);
      const ones = new Array<number>(4).fill(0);
      const draws = 20_000;
      for (let k = 0; k < draws; k++) mb.sample(undefined, [0, 1, 0.25, 0.9]).forEach((bit, i) => (ones[i]! += bit));
      assert.equal(ones[0], 0);
      assert.equal(ones[1], draws);
      assert.ok(Math.abs(ones[2]! / draws - 0.25) < FREQUENCY_TOLERANCE, `bit 2: ${ones[2]! / draws}`);
      assert.ok(Math.abs(ones[3]! / draws - 0.9) < FREQUENCY_TOLERANCE, `bit 3: ${ones[3]! / draws}`);
    });

    it('is seeded like sample() and needs no sum of 1', () => {
      const a = new MultiBinary(3, 5);
      const b = new MultiBinary(3, 5);
      for (let k = 0; k < 20; k++) assert.deepEqual(a.sample(undefined, [0.9, 0.9, 0.9]), b.sample(undefined, Float64Array.of(0.9, 0.9, 0.9)));
    });

    it('rejects bad probabilities with messages naming the entry', () => {
      const mb = new MultiBinary(3);
      assert.throws(() => mb.sample(Int8Array.of(2, 2, 2), [0.5, 0.5, 0.5]), /MultiBinary\.sample: give either a mask or a probability, not both/);
      assert.throws(() => mb.sample(undefined, [0.5, 0.5]), /MultiBinary\.sample: probability has length 2, expected 3/);
      assert.throws(() => mb.sample(undefined, [0.5, 2, 0.5]), /MultiBinary\.sample: probability\[1\] = 2 must be a number in \[0, 1\]/);
      assert.throws(() => mb.sample(undefined, Int8Array.of(1, 0, 1) as never), /got Int8Array/);
    });
  });

  describe('Dict and Tuple', () => {
    it('pass per-key / per-index probabilities on to their sub-spaces', () => {
      const dict = new Dict({ cut: new Discrete(3), bits: new MultiBinary(2) });
      dict.seed(4);
      for (let k = 0; k < 50; k++) {
        const x = dict.sample(undefined, { cut: [0, 0, 1], bits: [1, 0] });
        assert.equal(x.cut, 2);
        assert.deepEqual(Array.from(x.bits), [1, 0]);
      }
      const tuple = new Tuple([new Discrete(2), new Discrete(4, 1)]);
      tuple.seed(4);
      for (let k = 0; k < 50; k++) assert.deepEqual(tuple.sample(undefined, [[1, 0], [0, 0, 0, 1]]), [0, 4]);
    });

    it('refuse a mask and a probability together, and a Box refuses either', () => {
      const dict = new Dict({ cut: new Discrete(3) });
      assert.throws(() => dict.sample({ cut: Int8Array.of(1, 1, 0) }, { cut: [1, 0, 0] }), /Dict\.sample: give either a mask or a probability, not both/);
      const tuple = new Tuple([new Discrete(2)]);
      assert.throws(() => tuple.sample([Int8Array.of(1, 1)], [[1, 0]]), /Tuple\.sample: give either a mask or a probability, not both/);
      const withBox = new Dict({ share: new Box(0, 1, { shape: [2] }) });
      assert.throws(() => withBox.sample(undefined, { share: [0.5, 0.5] }), (e: unknown) => e instanceof SpaceError && /Box\.sample: a Box takes no probability/.test(e.message));
    });
  });
});
