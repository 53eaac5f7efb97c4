/** dataEquivalence: gymnasium.utils.env_checker.data_equivalence on the JavaScript forms of env data. */
import assert from 'node:assert/strict';
import { dataEquivalence } from '../../env/index.ts';

describe('dataEquivalence', () => {
  it('numbers: equal, NaN equal to NaN (numpy equal_nan), a number never equal to its string', () => {
    assert.equal(dataEquivalence(1.5, 1.5), true);
    assert.equal(dataEquivalence(NaN, NaN), true);
    assert.equal(dataEquivalence(1, 2), false);
    assert.equal(dataEquivalence(1, '1'), false);
    assert.equal(dataEquivalence(null, null), true);
    assert.equal(dataEquivalence(null, {}), false);
  });

  it('typed arrays: same class and length, element by element', () => {
    assert.equal(dataEquivalence(Float32Array.of(1, NaN), Float32Array.of(1, NaN)), true);
    assert.equal(dataEquivalence(Float32Array.of(1, 2), Float64Array.of(1, 2)), false, 'the dtype differs');
    assert.equal(dataEquivalence(Int32Array.of(1, 2), Int32Array.of(1, 2, 3)), false);
    assert.equal(dataEquivalence(Int32Array.of(1, 2), Int32Array.of(1, 3)), false);
  });

  it('arrays (Tuple elements): same length, element by element, nested', () => {
    assert.equal(dataEquivalence([1, Float32Array.of(NaN)], [1, Float32Array.of(NaN)]), true);
    assert.equal(dataEquivalence([1, 2], [1, 2, 3]), false);
    assert.equal(dataEquivalence([1, [2, 3]], [1, [2, 4]]), false);
    assert.equal(dataEquivalence([1, 2], { 0: 1, 1: 2 }), false, 'an array is no object with index keys');
  });

  it('objects (Dict elements, infos): the same keys, value by value', () => {
    assert.equal(dataEquivalence({ a: 1, b: [2] }, { b: [2], a: 1 }), true);
    assert.equal(dataEquivalence({ a: 1 }, { a: 1, b: 2 }), false);
    assert.equal(dataEquivalence({ a: 1, b: 2 }, { a: 1, c: 2 }), false);
    assert.equal(dataEquivalence({ a: 1 }, { a: 2 }), false);
  });
});
