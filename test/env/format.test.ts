/** formatValue: the short printing of values in error messages. */
import { strict as assert } from 'node:assert';
import { formatValue } from '../../env/index.ts';

describe('formatValue', () => {
  it('prints a BigInt with its n suffix, alone, in arrays, objects and BigInt64Arrays, so it is not taken for the number', () => {
    assert.equal(formatValue(123n), '123n');
    assert.equal(formatValue(-(2n ** 64n)), '-18446744073709551616n');
    assert.equal(formatValue([1, 2n]), '[1, 2n]');
    assert.equal(formatValue({ a: 2n, b: new BigInt64Array([1n, -2n]) }), '{a: 2n, b: BigInt64Array(2) [1n, -2n]}');
    assert.equal(formatValue(3), '3');
  });
});
