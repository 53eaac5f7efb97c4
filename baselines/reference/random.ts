/** Uniformly random valid actions (a partition per DT and shares in [0, 1]), seeded. */
import type { Agent, ActContext } from '../agent.ts';
import type { BdtAction } from '../../env/bdt/action.ts';
import type { BdtObservation } from '../../env/bdt/observation.ts';
import { makeRng, type Rng } from '../../env/core/rng.ts';
import { bdtEnvOf } from '../bdt-context.ts';

/**
 * The `random` agent: each slot, a uniformly random B-DT action (partition level, inference and
 * mining shares), seeded by the episode's seed.
 */
export class RandomAgent implements Agent<BdtObservation, BdtAction> {
  readonly name = 'random';
  private rng: Rng = makeRng(0);

  reset(seed?: number): void {
    if (seed !== undefined) this.rng = makeRng(`${seed}/random-agent`);
  }

  act(_obs: BdtObservation, context?: ActContext<BdtObservation, BdtAction>): BdtAction {
    const { system } = bdtEnvOf(this.name, context);
    const rng = this.rng;
    return {
      partition: Int32Array.from(system.unitCount, (L) => Math.floor(rng() * L)),
      inferenceShare: Float64Array.from({ length: system.M }, () => rng()),
      miningShare: Float64Array.from({ length: system.J }, () => rng()),
    };
  }
}
