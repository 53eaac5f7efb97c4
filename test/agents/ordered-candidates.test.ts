import assert from 'node:assert/strict';
import { OrderedCandidates } from '../../agents/nn/ordered-candidates.ts';

describe("agents: OrderedCandidates (DROO's order-preserving quantisation over discrete dimensions)", () => {
  // dimension 0: best 1, second 2, margin 0.5; 1: best 0, second 1, margin 4; 2: one choice, never
  // changed; 3: a tie, best 0 (the lower), second 1, margin 0
  const nvec = [3, 2, 1, 3];
  const scores = [9, 9, 0.1, 2.0, 1.5, 5, 1, 7, 1, 1, 0.2]; // two leading entries before `start`

  it('proposes the best, then the best with each dimension in order of its margin at its second choice', () => {
    const generator = new OrderedCandidates(nvec, 4);
    assert.equal(generator.generate(scores, 2), 4);
    assert.deepEqual(generator.candidates.map((c) => Array.from(c)), [
      [1, 0, 0, 0],
      [1, 0, 0, 1],
      [2, 0, 0, 0],
      [1, 1, 0, 0],
    ]);
  });

  it('proposes fewer when fewer dimensions have a second choice, and the best alone for a count of 1', () => {
    const many = new OrderedCandidates(nvec, 10);
    assert.equal(many.generate(scores, 2), 4, 'three dimensions have a second choice');
    const one = new OrderedCandidates(nvec, 1);
    assert.equal(one.generate(scores, 2), 1);
    assert.deepEqual(Array.from(one.candidates[0]!), [1, 0, 0, 0]);
    assert.throws(() => new OrderedCandidates(nvec, 0), /count must be an integer >= 1, got 0/);
    assert.throws(() => new OrderedCandidates(nvec, 1.5), RangeError);
  });

  it('breaks equal margins by the lower dimension, and reuses its arrays from call to call', () => {
    const generator = new OrderedCandidates([2, 2, 2], 3);
    const first = generator.candidates[1]!;
    assert.equal(generator.generate([0, 1, 3, 2, 1, 0], 0), 3);
    assert.deepEqual(generator.candidates.map((c) => Array.from(c)), [
      [1, 0, 0],
      [0, 0, 0],
      [1, 1, 0],
    ]);
    generator.generate([1, 0, 0, 5, 0, 0], 0);
    assert.equal(generator.candidates[1], first);
    assert.deepEqual(generator.candidates.map((c) => Array.from(c)), [
      [0, 1, 0],
      [0, 1, 1],
      [1, 1, 0],
    ]);
  });
});
