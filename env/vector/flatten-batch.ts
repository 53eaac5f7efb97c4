/**
 * A whole batch (laid out as `createBatch` lays out a space) flattened into env-major rows, row i
 * equal to `flatten(space, item_i)`, straight from the batch's typed arrays: no per-env objects.
 * The layout is worked out once per space, so writing a batch allocates nothing. Used by
 * VectorFlattenObservation and by the learners' EnvBatch.
 */
import { GymError } from '../core/errors.ts';
import { Box, type BoxElement } from '../spaces/box.ts';
import { Dict } from '../spaces/dict.ts';
import { Discrete } from '../spaces/discrete.ts';
import { MultiBinary } from '../spaces/multi-binary.ts';
import { MultiDiscrete } from '../spaces/multi-discrete.ts';
import type { Space } from '../spaces/space.ts';
import { Tuple } from '../spaces/tuple.ts';

/** One Box, MultiBinary, Discrete or MultiDiscrete part of the space and its place in a row. */
interface FlatPart {
  /** Dict keys and Tuple indices from the batch down to the part's typed array. */
  readonly route: readonly (string | number)[];
  /** The route as text, for errors: `.queues[2]`. */
  readonly path: string;
  /** Numbers per env in the part's batch array. */
  readonly count: number;
  /** The part's first column in a row. */
  readonly column: number;
  /** The one-hot width and start of each number (Discrete, MultiDiscrete: `indexed`); undefined: copied as is. */
  readonly oneHot: { readonly sizes: readonly number[]; readonly starts: readonly number[]; readonly indexed: boolean } | undefined;
}

export class FlatBatchLayout {
  /** Numbers per row (`flatdim`). */
  readonly dim: number;
  /** True when no part is one-hot encoded: every number is copied as is. */
  readonly copiesOnly: boolean;
  private readonly parts: readonly FlatPart[];

  private constructor(parts: FlatPart[], dim: number) {
    this.parts = parts;
    this.dim = dim;
    this.copiesOnly = parts.every((part) => part.oneHot === undefined);
  }

  /** The layout of `space`; undefined when a part of it cannot be flattened this way (Text, Graph, ...). */
  static of(space: Space<unknown>): FlatBatchLayout | undefined {
    const parts: FlatPart[] = [];
    const dim = collectParts(space, [], '', 0, parts);
    return dim === undefined ? undefined : new FlatBatchLayout(parts, dim);
  }

  /** True when batches of `this` and `other` are read and written alike (same routes, sizes and encodings). */
  sameAs(other: FlatBatchLayout): boolean {
    return this.dim === other.dim && JSON.stringify(this.parts) === JSON.stringify(other.parts);
  }

  /**
   * What keeps `batch` from holding `n` elements as typed arrays of the right lengths, the batch
   * itself named `root` ("observations.queues should be ..."); undefined when nothing does.
   */
  mismatch(batch: unknown, n: number, root: string): string | undefined {
    for (const part of this.parts) {
      const values = partOf(batch, part.route);
      const length = n * part.count;
      if (!ArrayBuffer.isView(values) || (values as BoxElement).length !== length) {
        return `${root}${part.path} should be a typed array of ${length} numbers, got ${ArrayBuffer.isView(values) ? `${(values as BoxElement).length} numbers` : typeof values}`;
      }
    }
    return undefined;
  }

  /**
   * Writes the `n` elements of `batch` into rows of `dim` numbers of `out`; `mismatch` must have
   * found nothing. A one-hot index outside its range is a GymError from `owner` naming the part.
   */
  writeInto(batch: unknown, n: number, out: BoxElement, owner: string, root: string): void {
    const dim = this.dim;
    for (const part of this.parts) {
      const values = partOf(batch, part.route) as BoxElement;
      const { count, column, oneHot } = part;
      if (oneHot === undefined) {
        if (count === dim) out.set(values); // the whole row: one copy
        else for (let i = 0; i < n; i++) for (let k = 0; k < count; k++) out[i * dim + column + k] = values[i * count + k]!;
        continue;
      }
      for (let i = 0; i < n; i++) {
        let at = i * dim + column;
        for (let c = 0; c < count; c++) {
          const size = oneHot.sizes[c]!;
          const index = values[i * count + c]! - oneHot.starts[c]!;
          if (!(Number.isInteger(index) && index >= 0 && index < size)) {
            throw new GymError(`${owner}: ${root}${part.path}${oneHot.indexed ? `[${c}]` : ''} holds index ${index}, outside 0..${size - 1}`);
          }
          out.fill(0, at, at + size);
          out[at + index] = 1;
          at += size;
        }
      }
    }
  }
}

/** Adds the parts of `space` from `column` on; returns the column after them, undefined for a space it cannot flatten. */
function collectParts(space: Space<unknown>, route: (string | number)[], path: string, column: number, parts: FlatPart[]): number | undefined {
  if (space instanceof Box || space instanceof MultiBinary) {
    parts.push({ route, path, count: space.size, column, oneHot: undefined });
    return column + space.size;
  }
  if (space instanceof Discrete || space instanceof MultiDiscrete) {
    const sizes = space instanceof Discrete ? [space.n] : Array.from(space.nvec);
    const starts = space instanceof Discrete ? [space.start] : Array.from(space.start);
    parts.push({ route, path, count: sizes.length, column, oneHot: { sizes, starts, indexed: space instanceof MultiDiscrete } });
    return column + sizes.reduce((sum, size) => sum + size, 0);
  }
  const children: [string | number, Space<unknown>][] | undefined =
    space instanceof Dict ? space.keys.map((key) => [key, space.spaces[key]!]) : space instanceof Tuple ? space.spaces.map((s: Space<unknown>, k: number) => [k, s]) : undefined;
  if (children === undefined) return undefined;
  let at: number | undefined = column;
  for (const [key, child] of children) {
    at = collectParts(child, [...route, key], typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`, at, parts);
    if (at === undefined) return undefined;
  }
  return at;
}

/** The batch array at `route` (undefined where the batch has no such key or index). */
function partOf(batch: unknown, route: readonly (string | number)[]): unknown {
  let at = batch;
  for (let i = 0; i < route.length; i++) at = (at as Record<string | number, unknown> | undefined)?.[route[i]!];
  return at;
}
