/**
 * gymnasium.wrappers.vector.FlattenObservation: each env's observation as one flat row, so a
 * batch is a `[numEnvs, flatdim]` Box (env-major), what an MLP takes. Row i equals
 * `flatten(singleObservationSpace, obs_i)` of the single-env `FlattenObservation` (same order,
 * one-hot for discrete parts), but it is written straight from the batch arrays: no per-env
 * objects. A fresh batch per call.
 *
 * @example
 * const envs = new VectorFlattenObservation(makeVec('BDT-v0', 8));
 * const [rows] = envs.reset({ seed: 1 }); // Float32Array(8 * flatdim)
 */
import { GymError } from '../../core/errors.ts';
import { Box, type BoxElement } from '../../spaces/box.ts';
import { Dict } from '../../spaces/dict.ts';
import { Discrete } from '../../spaces/discrete.ts';
import { MultiBinary } from '../../spaces/multi-binary.ts';
import { MultiDiscrete } from '../../spaces/multi-discrete.ts';
import type { Space } from '../../spaces/space.ts';
import { Tuple } from '../../spaces/tuple.ts';
import { flatDtype, flattenSpace } from '../../spaces/utils.ts';
import { batchSpace } from '../../vector/batch.ts';
import type { VectorEnv } from '../../vector/vector-env.ts';
import { VectorObservationWrapper } from '../../vector/vector-wrapper.ts';

export class VectorFlattenObservation<BObs, BAct> extends VectorObservationWrapper<BoxElement, BAct, BObs> {
  override singleObservationSpace: Box<BoxElement>;
  override observationSpace: Box<BoxElement>;
  private readonly innerSpace: Space<unknown>;

  constructor(env: VectorEnv<BObs, BAct>) {
    super(env);
    this.innerSpace = env.singleObservationSpace;
    this.singleObservationSpace = flattenSpace(this.innerSpace);
    this.observationSpace = batchSpace(this.singleObservationSpace, this.numEnvs) as Box<BoxElement>;
  }

  observations(batch: BObs): BoxElement {
    const dim = this.singleObservationSpace.size;
    const out = flatDtype(this.innerSpace) === 'float64' ? new Float64Array(this.numEnvs * dim) : new Float32Array(this.numEnvs * dim);
    const end = flattenBatchInto(this.innerSpace, batch, this.numEnvs, out, dim, 0, 'observations');
    if (end !== dim) throw new GymError(`VectorFlattenObservation: flattened ${end} numbers per env, flatdim is ${dim}`);
    return out;
  }
}

/**
 * Writes the `n` elements of `batch` (laid out as `createBatch` lays out `space`) into rows of
 * `dim` numbers of `out`, starting at column `column`; returns the column after them.
 */
function flattenBatchInto(space: Space<unknown>, batch: unknown, n: number, out: BoxElement, dim: number, column: number, path: string): number {
  if (space instanceof Box || space instanceof MultiBinary) {
    const size = space.size;
    const values = checkedArray(batch, n * size, path);
    for (let i = 0; i < n; i++) for (let k = 0; k < size; k++) out[i * dim + column + k] = values[i * size + k]!;
    return column + size;
  }
  if (space instanceof Discrete) {
    const values = checkedArray(batch, n, path);
    for (let i = 0; i < n; i++) oneHot(out, i * dim + column, space.n, values[i]! - space.start, path);
    return column + space.n;
  }
  if (space instanceof MultiDiscrete) {
    const count = space.nvec.length;
    const values = checkedArray(batch, n * count, path);
    for (let i = 0; i < n; i++) {
      let at = i * dim + column;
      for (let c = 0; c < count; c++) {
        const size = space.nvec[c]!;
        oneHot(out, at, size, values[i * count + c]! - space.start[c]!, `${path}[${c}]`);
        at += size;
      }
    }
    let width = 0;
    for (let c = 0; c < count; c++) width += space.nvec[c]!;
    return column + width;
  }
  if (space instanceof Dict) {
    const parts = batch as Record<string, unknown> | undefined;
    for (const key of space.keys) column = flattenBatchInto(space.spaces[key]!, parts?.[key], n, out, dim, column, `${path}.${key}`);
    return column;
  }
  if (space instanceof Tuple) {
    const parts = batch as unknown[] | undefined;
    space.spaces.forEach((part: Space<unknown>, k: number) => {
      column = flattenBatchInto(part, parts?.[k], n, out, dim, column, `${path}[${k}]`);
    });
    return column;
  }
  throw new GymError(`VectorFlattenObservation: cannot flatten ${space.toString()}`);
}

function checkedArray(batch: unknown, length: number, path: string): ArrayLike<number> {
  const values = batch as ArrayLike<number> | undefined;
  if (!ArrayBuffer.isView(values) || values.length !== length) {
    throw new GymError(`VectorFlattenObservation: ${path} should be a typed array of ${length} numbers, got ${ArrayBuffer.isView(values) ? `${values.length} numbers` : typeof batch}`);
  }
  return values;
}

function oneHot(out: BoxElement, at: number, size: number, index: number, path: string): void {
  if (!(Number.isInteger(index) && index >= 0 && index < size)) throw new GymError(`VectorFlattenObservation: ${path} holds index ${index}, outside 0..${size - 1}`);
  out.fill(0, at, at + size);
  out[at + index] = 1;
}
