import assert from 'node:assert/strict';
import { KwargsError, makeRng, restoreRng } from '../../env/index.ts';

describe('env/core/rng', () => {
  it('restoreRng continues the stream from rng.state()', () => {
    const rng = makeRng(7);
    rng();
    const restored = restoreRng(rng.state());
    for (let i = 0; i < 5; i++) assert.equal(restored(), rng());
  });

  it("restoreRng refuses a state that is not alea's (it would draw NaN), naming path, rule and value", () => {
    assert.throws(() => restoreRng({ x: 1 }), (e: Error) => e instanceof KwargsError && /^restoreRng: invalid state:\n {2}at c: Invalid input: expected number[^]*at \(root\): Unrecognized key: "x" \(keys: c, s0, s1, s2\)$/.test(e.message), 'no near key: "x" is not "c" mistyped');
    const state = { ...(makeRng(7).state() as Record<string, number>), s0: Number.NaN };
    assert.throws(() => restoreRng(state), (e: Error) => e instanceof KwargsError && /at s0: Invalid input: expected number, received NaN \(value: NaN\)/.test(e.message));
  });
});
