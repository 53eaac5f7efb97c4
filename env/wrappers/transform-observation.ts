/**
 * gymnasium.wrappers.TransformObservation: passes every observation of `reset` and `step`
 * through `func`. Give `observationSpace` when `func` changes what an observation is (the
 * wrapper then exposes it; Gymnasium's checker catches a function that leaves it).
 */
import type { Env } from '../core/env.ts';
import { ObservationWrapper } from '../core/wrapper.ts';
import type { Space } from '../spaces/space.ts';
import { checkFunction } from './wrapper-arguments.ts';

/**
 * Passes every observation of `reset` and `step` through `func`
 * (gymnasium.wrappers.TransformObservation); give `observationSpace` when `func` changes what an
 * observation is.
 */
export class TransformObservation<WObs, Act, Obs> extends ObservationWrapper<WObs, Act, Obs> {
  private readonly func: (obs: Obs) => WObs;

  /** @param observationSpace the space of `func`'s results; the inner env's when omitted */
  constructor(env: Env<Obs, Act>, func: (obs: Obs) => WObs, observationSpace?: Space<WObs>) {
    super(env);
    checkFunction('TransformObservation', 'func', func);
    this.func = func;
    if (observationSpace !== undefined) this.observationSpace = observationSpace;
  }

  observation(obs: Obs): WObs {
    return this.func(obs);
  }
}
