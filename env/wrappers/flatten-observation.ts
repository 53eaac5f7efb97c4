/** gymnasium.wrappers.FlattenObservation: observations of any space as one flat Box vector. */
import type { Env } from '../core/env.ts';
import { ObservationWrapper } from '../core/wrapper.ts';
import type { Space } from '../spaces/space.ts';
import type { Box, BoxElement } from '../spaces/box.ts';
import { flatten, flattenSpace } from '../spaces/utils.ts';

/**
 * Observations of any space as one flat Box vector, `flatten`ed
 * (gymnasium.wrappers.FlattenObservation): Box elements in row-major order, one-hots for discrete
 * parts, Dict keys in order.
 */
export class FlattenObservation<Obs, Act> extends ObservationWrapper<BoxElement, Act, Obs> {
  override observationSpace: Box<BoxElement>;
  private readonly innerSpace: Space<Obs>;

  constructor(env: Env<Obs, Act>) {
    super(env);
    this.innerSpace = env.observationSpace;
    this.observationSpace = flattenSpace(env.observationSpace);
  }

  observation(obs: Obs): BoxElement {
    return flatten(this.innerSpace, obs);
  }
}
