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
import type { Box, BoxElement } from '../../spaces/box.ts';
import type { Space } from '../../spaces/space.ts';
import { flatDtype, flattenSpace } from '../../spaces/utils.ts';
import { batchSpace } from '../../vector/batch.ts';
import { FlatBatchLayout } from '../../vector/flatten-batch.ts';
import type { VectorEnv } from '../../vector/vector-env.ts';
import { VectorObservationWrapper } from '../../vector/vector-wrapper.ts';

/**
 * Each env's observation as one flat row, a batch being a `[numEnvs, flatdim]` Box, env-major
 * (gymnasium.wrappers.vector.FlattenObservation); row i is `flatten(singleObservationSpace,
 * obs_i)`. A fresh batch per call.
 */
export class VectorFlattenObservation<BObs, BAct> extends VectorObservationWrapper<BoxElement, BAct, BObs> {
  override singleObservationSpace: Box<BoxElement>;
  override observationSpace: Box<BoxElement>;
  private readonly innerSpace: Space<unknown>;
  private readonly layout: FlatBatchLayout;

  constructor(env: VectorEnv<BObs, BAct>) {
    super(env);
    this.innerSpace = env.singleObservationSpace;
    // flattenSpace refuses a space with a part it cannot flatten, the parts FlatBatchLayout cannot lay out
    this.singleObservationSpace = flattenSpace(this.innerSpace);
    this.observationSpace = batchSpace(this.singleObservationSpace, this.numEnvs) as Box<BoxElement>;
    const layout = FlatBatchLayout.of(this.innerSpace);
    if (layout === undefined || layout.dim !== this.singleObservationSpace.size) throw new GymError(`VectorFlattenObservation: cannot flatten ${this.innerSpace.toString()} batch by batch`);
    this.layout = layout;
  }

  observations(batch: BObs): BoxElement {
    const dim = this.singleObservationSpace.size;
    const layout = this.layout;
    const mismatch = layout.mismatch(batch, this.numEnvs, 'observations');
    if (mismatch !== undefined) throw new GymError(`VectorFlattenObservation: ${mismatch}`);
    const out = flatDtype(this.innerSpace) === 'float64' ? new Float64Array(this.numEnvs * dim) : new Float32Array(this.numEnvs * dim);
    layout.writeInto(batch, this.numEnvs, out, 'VectorFlattenObservation', 'observations');
    return out;
  }
}
