import assert from 'node:assert/strict';
import { compactViews } from '../../node/worker-values.ts';

describe('compactViews (what a worker posts)', () => {
  it('copies the views on part of a larger buffer into one compact buffer, keeping values, types and aliases', () => {
    const chunk = new ArrayBuffer(64 * 1024);
    const a = new Float32Array(chunk, 4, 3).fill(1.5);
    const b = new Float64Array(chunk, 16, 2).fill(-2);
    const c = new Int32Array(chunk, 40, 1).fill(7);
    const whole = Float64Array.of(9); // its own buffer: sent as is
    const at = new Date(0);
    const message = { type: 'step', obs: { a, b }, info: { c, again: a, list: [b, whole], at, n: 3 } };
    const out = compactViews(message) as typeof message;
    assert.deepEqual(out, message);
    assert.equal(out.obs.a.buffer, out.info.c.buffer);
    assert.equal(out.obs.b.buffer, out.obs.a.buffer);
    assert.ok(out.obs.a.buffer.byteLength <= 48, `${out.obs.a.buffer.byteLength} bytes`);
    assert.equal(out.info.again, out.obs.a, 'an array kept twice stays one array');
    assert.equal(out.info.list[1], whole);
    assert.equal(out.info.at, at);
    assert.equal(a.buffer, chunk, 'the message itself is left as it was');
    assert.equal(structuredClone(out).obs.a.buffer.byteLength, out.obs.a.buffer.byteLength);
  });

  it('returns a message without such views as it is, and leaves DataViews and shared memory alone', () => {
    const plain = { type: 'step', obs: Float32Array.of(1, 2), reward: 1 };
    assert.equal(compactViews(plain), plain);
    const shared = new Int32Array(new SharedArrayBuffer(64), 8, 2);
    const view = new DataView(new ArrayBuffer(64), 8, 4);
    const given = { shared, view };
    assert.equal(compactViews(given), given);
  });
});
