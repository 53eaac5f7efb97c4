/**
 * The pool behind the env's fresh arrays: every array it hands out is its own memory for good,
 * across chunk boundaries, so an observation or info an agent keeps never changes under it.
 */
import assert from 'node:assert/strict';
import { ArrayPool } from '../../env/bdt/array-pool.ts';
import { make, makeVec } from '../../env/index.ts';

/** Typed arrays handed out, each with a copy of its values when it was. */
type Kept = Array<{ path: string; array: ArrayLike<number>; values: number[] }>;

/** Every typed array in `value` (an observation, an info, a step result), with a copy of its values now. */
function snapshot(value: unknown, path: string, out: Kept): void {
  if (ArrayBuffer.isView(value)) out.push({ path, array: value as unknown as ArrayLike<number>, values: Array.from(value as unknown as ArrayLike<number>) });
  else if (Array.isArray(value)) value.forEach((item, i) => snapshot(item, `${path}[${i}]`, out));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) snapshot(item, `${path}.${key}`, out);
}

function assertUnchanged(kept: Kept): void {
  for (const { path, array, values } of kept) assert.deepEqual(Array.from(array), values, `${path} changed after it was handed out`);
}

describe('ArrayPool', () => {
  it('never hands the same memory out twice, across chunk boundaries, for every kind of array', () => {
    const pool = new ArrayPool();
    const kept: Array<{ array: { [i: number]: number; length: number }; value: number }> = [];
    // about 600 KiB in all: many 64 KiB chunks, each filled to its end by arrays of odd sizes
    for (let i = 0; i < 6000; i++) {
      const kind = i % 5;
      const length = 1 + (i % 13);
      const array =
        kind === 0 ? pool.float32(length) : kind === 1 ? pool.float64(length) : kind === 2 ? pool.uint8(length) : kind === 3 ? pool.copy64(new Float64Array(length)) : pool.copy32(new Int32Array(length));
      const value = i % 251;
      for (let k = 0; k < array.length; k++) assert.equal(array[k], 0, `array ${i} is not fresh`);
      array.fill(value);
      kept.push({ array, value });
    }
    kept.forEach(({ array, value }, i) => assert.ok(Array.from(array).every((x) => x === value), `array ${i} was overwritten by a later one`));
  });

  it('starts a new chunk when a caller transferred the current one away (detached), rather than failing', () => {
    const pool = new ArrayPool();
    const allocations: Array<() => ArrayBufferView & { length: number }> = [
      () => pool.float32(3),
      () => pool.float64(3),
      () => pool.int32(3),
      () => pool.uint8(3),
      () => pool.copy64(Float64Array.of(1, 2, 3)),
      () => pool.copy32(Int32Array.of(1, 2, 3)),
      () => {
        const at = pool.reserveFloat32(3);
        return new Float32Array(pool.buffer, at, 3); // the buffer read after the reservation, as its doc says
      },
      () => pool.float64(0),
    ];
    for (const allocate of allocations) {
      const kept = pool.float64(4);
      structuredClone(kept, { transfer: [kept.buffer as ArrayBuffer] }); // detaches the chunk, as postMessage(x, [x.buffer]) does
      assert.equal(kept.length, 0);
      const array = allocate();
      assert.ok(array.buffer.byteLength > 0, `${allocate}: on a live chunk`);
      assert.equal(array.length, allocate().length, `${allocate}: its full length`);
      const next = pool.float64(2);
      assert.equal(next.buffer, array.buffer, 'later arrays come from the new chunk');
      assert.ok(next.byteOffset >= array.byteOffset + array.byteLength, 'after the first one');
    }
  });

  it("BdtEnv keeps stepping, bit for bit as an untouched twin, after an observation's buffer was transferred away", () => {
    for (const infoLevel of ['summary', 'full'] as const) {
      const env = make('BDT-v0', { infoLevel });
      const twin = make('BDT-v0', { infoLevel });
      env.reset({ seed: 1 });
      twin.reset({ seed: 1 });
      env.actionSpace.seed(2);
      const first = env.actionSpace.sample();
      const [obs] = env.step(first);
      twin.step(first);
      structuredClone(obs.gain, { transfer: [obs.gain.buffer as ArrayBuffer] }); // detaches the pool's current chunk
      for (let t = 0; t < 3000; t++) {
        const action = env.actionSpace.sample();
        const result = env.step(action);
        assert.deepEqual(result, twin.step(action), `${infoLevel}: step ${t} after the transfer`);
        if (result[3]) {
          env.reset();
          twin.reset();
        }
      }
    }
  });

  it("keeps every observation and info of BdtEnv and every step result of the vector env (copy: true) as they were returned", () => {
    const kept: Kept = [];
    const env = make('BDT-small-v0', { infoLevel: 'full' });
    env.actionSpace.seed(1);
    snapshot(env.reset({ seed: 1 }), 'reset', kept);
    for (let t = 0; t < 500; t++) {
      const result = env.step(env.actionSpace.sample());
      snapshot(result, `step ${t}`, kept);
      if (result[3]) snapshot(env.reset(), `reset ${t}`, kept);
    }
    const vector = makeVec('BDT-small-v0', 3);
    vector.actionSpace.seed(1);
    snapshot(vector.reset({ seed: 1 }), 'vector reset', kept);
    for (let t = 0; t < 300; t++) snapshot(vector.step(vector.actionSpace.sample()), `vector step ${t}`, kept);
    assert.ok(kept.length > 10_000);
    assertUnchanged(kept);
  });
});
