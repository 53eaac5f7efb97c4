/**
 * Observations to network inputs: flattened with env/spaces' `flatten` (Box elements, one-hots,
 * Dict keys in order) into preallocated rows, then optionally normalised by running statistics
 * (gymnasium's NormalizeObservation, kept here so the statistics travel with the checkpoint).
 */
import { SpaceError } from '../../env/core/errors.ts';
import { Dict } from '../../env/spaces/dict.ts';
import { flatdim, flatten } from '../../env/spaces/utils.ts';
import type { Space } from '../../env/spaces/space.ts';
import { Tuple } from '../../env/spaces/tuple.ts';
import { RunningMeanStd, type RunningStats } from '../../env/wrappers/running-mean-std.ts';

/** Serialisable observation statistics. */
export type ObservationStats = RunningStats;

/** Added to the variance before the square root (as NormalizeObservation). */
const VARIANCE_EPSILON = 1e-8;

/**
 * Turns observations into network input rows: `flatten`ed (Box elements, one-hots, Dict keys in
 * order), then, when `normalize`, normalised by running statistics that the checkpoint keeps
 * (gymnasium's NormalizeObservation).
 */
export class ObservationEncoder {
  readonly space: Space<unknown>;
  /** Normalised values are clipped to +-clip (standard deviations). */
  readonly clip: number;
  readonly dim: number;
  /** Running statistics when normalising, else undefined. */
  readonly rms: RunningMeanStd | undefined;

  constructor(
    space: Space<unknown>,
    normalize: boolean,
    clip = 10,
  ) {
    this.space = space;
    this.clip = clip;
    this.dim = flatdim(space);
    this.rms = normalize ? new RunningMeanStd(this.dim) : undefined;
  }

  /** Flatten `obs` into row `row` of `out` (`[*, dim]`), raw (not normalised). */
  flattenInto(obs: unknown, out: Float32Array, row: number): void {
    flatten(this.space, obs, out.subarray(row * this.dim, (row + 1) * this.dim));
  }

  /**
   * Throws a SpaceError naming the element (`observation.H[1] is NaN`) when raw row `row` holds a
   * NaN or infinite value: the networks would turn it into NaN outputs (blamed on the policy) or,
   * through an argmax, an arbitrary action.
   */
  assertFinite(raw: Float32Array, row: number, owner: string): void {
    const base = row * this.dim;
    for (let i = 0; i < this.dim; i++) {
      const x = raw[base + i]!;
      if (!Number.isFinite(x)) throw new SpaceError(`${owner}: ${flatElementName(this.space, i, 'observation')} is ${x}; the networks take finite inputs`);
    }
  }

  /** Normalise `rows` raw rows of `raw` into `out` (a copy when not normalising). */
  normalize(raw: Float32Array, rows: number, out: Float32Array): Float32Array {
    const d = this.dim;
    if (this.rms === undefined) {
      out.set(raw.subarray(0, rows * d));
      return out;
    }
    const { mean, var: variance } = this.rms;
    const clip = this.clip;
    for (let k = 0; k < d; k++) {
      const m = mean[k]!;
      const inv = 1 / Math.sqrt(variance[k]! + VARIANCE_EPSILON);
      for (let b = 0; b < rows; b++) {
        const z = (raw[b * d + k]! - m) * inv;
        out[b * d + k] = z > clip ? clip : z < -clip ? -clip : z;
      }
    }
    return out;
  }

  /** The statistics (undefined when not normalising). */
  stats(): ObservationStats | undefined {
    return this.rms?.stats();
  }

  /** Restore statistics saved by {@link ObservationEncoder.stats | stats()}; throws on a dimension mismatch or when not normalising. */
  loadStats(stats: ObservationStats): void {
    if (this.rms === undefined) throw new Error('observation statistics given, but this policy does not normalise observations');
    if (stats.mean.length !== this.dim || stats.var.length !== this.dim) {
      throw new Error(`observation statistics have dimension ${stats.mean.length}/${stats.var.length}, the observation space flattens to ${this.dim}`);
    }
    this.rms.loadStats(stats);
  }
}

/** Element `index` of the flat form of `space` by its Dict keys and indices (`observation.H[1]`), as flatten lays them out. */
function flatElementName(space: Space<unknown>, index: number, path: string): string {
  const parts: Array<readonly [string, Space<unknown>]> =
    space instanceof Dict ? space.keys.map((key) => [`${path}.${key}`, space.spaces[key]!] as const) : space instanceof Tuple ? space.spaces.map((s: Space<unknown>, i: number) => [`${path}[${i}]`, s] as const) : [];
  for (const [name, part] of parts) {
    const size = flatdim(part);
    if (index < size) return flatElementName(part, index, name);
    index -= size;
  }
  return `${path}[${index}]`;
}
