/**
 * Batching of space elements for vector envs (gymnasium.vector.utils): `batchSpace` gives the
 * space of `n` stacked elements, `createBatch` a buffer for them, `writeBatchItem`/`readBatchItem`
 * copy one env's element in or view it out.
 *
 * Layout: Box -> one typed array of `n * size` (shape `[n, ...shape]`, env-major); Discrete ->
 * `Int32Array(n)`; MultiDiscrete -> `Int32Array(n * len)`; MultiBinary -> `Int8Array(n * size)`;
 * Dict -> a Dict of batches per key; Tuple -> a Tuple of batches.
 */
import { GymError, InvalidActionError, SpaceError } from '../core/errors.ts';
import { formatValue, unknownKeys } from '../core/format.ts';
import type { Space } from '../spaces/space.ts';
import { Box, type BoxElement } from '../spaces/box.ts';
import { Discrete } from '../spaces/discrete.ts';
import { INT32_MAX, INT32_MIN, MultiDiscrete } from '../spaces/multi-discrete.ts';
import { MultiBinary } from '../spaces/multi-binary.ts';
import { Dict } from '../spaces/dict.ts';
import { Tuple } from '../spaces/tuple.ts';

/** The batched form of an element type `T` (see the module comment); `unknown` stays `unknown`. */
export type Batched<T> = unknown extends T ? unknown : BatchedKnown<T>;

type BatchedKnown<T> = T extends Float32Array
  ? Float32Array
  : T extends Float64Array
    ? Float64Array
    : T extends number
      ? Int32Array
      : T extends Int32Array
        ? Int32Array
        : T extends Int8Array
          ? Int8Array
          : T extends readonly unknown[]
            ? { -readonly [K in keyof T]: Batched<T[K]> }
            : T extends object
              ? { [K in keyof T]: Batched<T[K]> }
              : never;

/** What `step` accepts as a batch of actions: like `Batched`, but discrete actions may be any array of numbers. */
export type BatchedActions<T> = unknown extends T ? unknown : T extends number ? ArrayLike<number> : Batched<T>;

/** A batch of `n` elements needs `n` a whole number >= 0 (-1 was a RangeError, NaN an empty batch). */
function checkBatchSize(owner: string, n: unknown): void {
  if (!(typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) throw new GymError(`${owner}: the number of elements must be an integer >= 0, got ${formatValue(n)}`);
}

/**
 * The space of `n` stacked elements of `space`; `owner` (such as "SyncVectorEnv: the
 * observation space") names it in errors.
 */
export function batchSpace(space: Space<unknown>, n: number, owner = 'batchSpace'): Space<unknown> {
  checkBatchSize(owner, n);
  if (space instanceof Box) {
    const low = new Float64Array(n * space.size);
    const high = new Float64Array(n * space.size);
    for (let i = 0; i < n; i++) {
      low.set(space.low, i * space.size);
      high.set(space.high, i * space.size);
    }
    return new Box<BoxElement>(low, high, { shape: [n, ...space.shape], dtype: space.dtype });
  }
  if (space instanceof Discrete) {
    const last = space.start + space.n - 1;
    // refused here, naming the space: the MultiDiscrete below would name neither it nor its vector env
    if (space.start < INT32_MIN || last > INT32_MAX) throw new SpaceError(`${owner} ${space.toString()} cannot be batched: its values ${space.start} to ${last} go beyond int32 [${INT32_MIN}, ${INT32_MAX}], the range of a batch's Int32Array`);
    return new MultiDiscrete(new Array<number>(n).fill(space.n), { start: new Array<number>(n).fill(space.start) });
  }
  if (space instanceof MultiDiscrete) {
    const tile = (a: Int32Array) => Array.from({ length: n * a.length }, (_, k) => a[k % a.length] as number);
    return new MultiDiscrete(tile(space.nvec), { start: tile(space.start) });
  }
  if (space instanceof MultiBinary) {
    // Gymnasium's batch of 0 is an empty int8 Box; a Box here holds floats, a MultiBinary >= 1 bit
    if (n === 0) throw new SpaceError(`${owner} ${space.toString()} cannot be batched 0 times: a MultiBinary has at least one bit`);
    return new MultiBinary([n, ...space.shape]);
  }
  if (space instanceof Dict) {
    const spaces: Record<string, Space<unknown>> = {};
    for (const k of space.keys) spaces[k] = batchSpace(space.spaces[k]!, n, owner);
    return new Dict(spaces);
  }
  if (space instanceof Tuple) return new Tuple(space.spaces.map((s: Space<unknown>) => batchSpace(s, n, owner)));
  throw new GymError(`batchSpace: unsupported space ${space.toString()}`);
}

/** A zeroed batch buffer for `n` elements of `space`. */
export function createBatch(space: Space<unknown>, n: number): unknown {
  checkBatchSize('createBatch', n);
  if (space instanceof Box) return space.dtype === 'float32' ? new Float32Array(n * space.size) : new Float64Array(n * space.size);
  if (space instanceof Discrete) return new Int32Array(n);
  if (space instanceof MultiDiscrete) return new Int32Array(n * space.nvec.length);
  if (space instanceof MultiBinary) return new Int8Array(n * space.size);
  if (space instanceof Dict) {
    const out: Record<string, unknown> = {};
    for (const k of space.keys) out[k] = createBatch(space.spaces[k]!, n);
    return out;
  }
  if (space instanceof Tuple) return space.spaces.map((s: Space<unknown>) => createBatch(s, n));
  throw new GymError(`createBatch: unsupported space ${space.toString()}`);
}

/** Copies element `item` of `space` into slot `i` of `batch`. */
export function writeBatchItem(space: Space<unknown>, batch: unknown, i: number, item: unknown): void {
  if (space instanceof Discrete) {
    (batch as Int32Array)[i] = item as number;
  } else if (space instanceof Box || space instanceof MultiBinary || space instanceof MultiDiscrete) {
    const size = space instanceof MultiDiscrete ? space.nvec.length : space.size;
    const src = item as ArrayLike<number>;
    if (src?.length !== size) throw new GymError(`vector env: observation of env ${i} has ${src?.length} elements, ${space.toString()} needs ${size}`);
    (batch as BoxElement).set(src, i * size);
  } else if (space instanceof Dict) {
    const b = batch as Record<string, unknown>;
    const it = item as Record<string, unknown>;
    for (const k of space.keys) writeBatchItem(space.spaces[k]!, b[k], i, it[k]);
  } else if (space instanceof Tuple) {
    const b = batch as unknown[];
    const it = item as unknown[];
    space.spaces.forEach((s: Space<unknown>, k: number) => writeBatchItem(s, b[k], i, it[k]));
  } else {
    throw new GymError(`writeBatchItem: unsupported space ${space.toString()}`);
  }
}

/**
 * Element `i` of `batch`: a number for Discrete, a zero-copy `subarray` view for array spaces
 * (valid until the batch is overwritten), objects/arrays of those for Dict/Tuple.
 */
export function readBatchItem(space: Space<unknown>, batch: unknown, i: number): unknown {
  if (space instanceof Discrete) return (batch as ArrayLike<number>)[i];
  if (space instanceof Box || space instanceof MultiBinary || space instanceof MultiDiscrete) {
    const size = space instanceof MultiDiscrete ? space.nvec.length : space.size;
    const b = batch as Int32Array;
    if (!ArrayBuffer.isView(b)) throw new GymError(`vector env: a batch for ${space.toString()} must be a typed array, got ${Array.isArray(batch) ? 'Array' : typeof batch}`);
    return b.subarray(i * size, (i + 1) * size);
  }
  if (space instanceof Dict) {
    const b = batch as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of space.keys) out[k] = readBatchItem(space.spaces[k]!, b?.[k], i);
    return out;
  }
  if (space instanceof Tuple) {
    const b = batch as unknown[];
    return space.spaces.map((s: Space<unknown>, k: number) => readBatchItem(s, b?.[k], i));
  }
  throw new GymError(`readBatchItem: unsupported space ${space.toString()}`);
}

/** A deep copy of a batch (typed arrays copied, structure kept). */
export function copyBatch<T>(batch: T): T {
  if (ArrayBuffer.isView(batch)) return (batch as unknown as BoxElement).slice() as unknown as T;
  if (Array.isArray(batch)) return batch.map(copyBatch) as unknown as T;
  if (typeof batch === 'object' && batch !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(batch)) out[k] = copyBatch(v);
    return out as T;
  }
  return batch;
}

/** Throws an InvalidActionError (an action batch not readable as one) unless an array batch for `space` holds exactly `n` elements. */
function checkBatchLength(space: Space<unknown>, batch: unknown, n: number, owner: string): void {
  if (space instanceof Dict) {
    if (typeof batch !== 'object' || batch === null || Array.isArray(batch)) throw new InvalidActionError(`${owner}: expected a batch of ${n} actions for ${space.toString()} (an object of per-key batches), got ${formatValue(batch)}`);
    const extra = unknownKeys(batch, space.keys);
    if (extra !== undefined) throw new InvalidActionError(`${owner}: unexpected ${extra} in the action batch (keys: ${space.keys.join(', ')})`);
    for (const key of space.keys) checkBatchLength(space.spaces[key]!, (batch as Record<string, unknown>)[key], n, `${owner}: key "${key}"`);
    return;
  }
  if (space instanceof Tuple) {
    if (!Array.isArray(batch) || batch.length !== space.spaces.length) throw new InvalidActionError(`${owner}: expected a batch of ${n} actions for ${space.toString()} (an array of ${space.spaces.length} per-index batches), got ${formatValue(batch)}`);
    space.spaces.forEach((s: Space<unknown>, k: number) => checkBatchLength(s, batch[k], n, `${owner}: index [${k}]`));
    return;
  }
  const per = space instanceof Discrete ? 1 : space instanceof MultiDiscrete ? space.nvec.length : space instanceof Box || space instanceof MultiBinary ? space.size : undefined;
  if (per === undefined) return;
  const length = (batch as ArrayLike<number> | undefined)?.length;
  if (length !== n * per) throw new InvalidActionError(`${owner}: expected a batch of ${n} actions for ${space.toString()} (${n * per} numbers), got ${length === undefined ? formatValue(batch) : `${length} numbers`}`);
}

/**
 * Each env's action of `batch`, read and checked before any env steps, so a call refused here
 * leaves every env as it was; envs marked in `skip` (their action is ignored) are not read. Box
 * parts are checked for their array type only: their bounds and NaN are the env's to judge, as
 * `make`'s env and Gymnasium's vector envs (which check no action) leave them.
 */
export function readCheckedActions(space: Space<unknown>, batch: unknown, n: number, owner: string, skip?: Uint8Array): unknown[] {
  checkBatchLength(space, batch, n, `${owner}.step`);
  const actions = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    if (skip?.[i]) continue;
    const action = readBatchItem(space, batch, i);
    const why = explainUnsteppable(space, action);
    if (why !== undefined) throw new InvalidActionError(`${owner}.step: env ${i}: invalid action: ${why} (action ${formatValue(action)}; action space ${space.toString()})`);
    actions[i] = action;
  }
  return actions;
}

/** Why one env's `action` cannot be handed to it, or undefined: a Box part of another array type; any other part not in its space. */
function explainUnsteppable(space: Space<unknown>, action: unknown): string | undefined {
  // readBatchItem built Dicts and Tuples of the space's own keys and length, Box rows of its size
  if (space instanceof Box) return space.explainArrayType(action);
  if (space instanceof Dict) {
    for (const key of space.keys) {
      const why = explainUnsteppable(space.spaces[key]!, (action as Record<string, unknown>)[key]);
      if (why !== undefined) return `key "${key}": ${why}`;
    }
    return undefined;
  }
  if (space instanceof Tuple) {
    for (let k = 0; k < space.spaces.length; k++) {
      const why = explainUnsteppable(space.spaces[k]!, (action as unknown[])[k]);
      if (why !== undefined) return `index [${k}]: ${why}`;
    }
    return undefined;
  }
  return space.contains(action) ? undefined : (space.explain(action) ?? 'not contained');
}
