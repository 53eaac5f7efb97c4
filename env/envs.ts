/**
 * The built-in env registrations (gymnasium/envs/__init__.py). Every env that ships with
 * bdt-gym registers here, so importing the barrel makes all ids available to `make`, the CLI
 * and the test that runs `checkEnv` over the whole registry.
 */
import { register } from './registration.ts';
import { CartPoleEnv } from './classic-control/cartpole.ts';
import { CartPoleVectorEnv, type CartPoleVectorEnvKwargs } from './classic-control/cartpole-vector-env.ts';
import { registerBdtScenario } from './bdt/register-scenario.ts';
import bdtSmall from '../configs/small.json' with { type: 'json' };
import bdtDefault from '../configs/default.json' with { type: 'json' };
import bdtLarge from '../configs/large.json' with { type: 'json' };
import type { BdtAction } from './bdt/action.ts';
import type { BdtMakeKwargs } from './bdt/bdt-env.ts';
import type { BdtVectorMakeKwargs } from './bdt/bdt-vector-env.ts';
import type { BdtObservation } from './bdt/observation.ts';
import type { CartPoleKwargs } from './classic-control/cartpole.ts';

// `make(id, kwargs)` and `makeVec(id, n, { kwargs })` of these ids are typed without type arguments, kwargs included
declare module './registration.ts' {
  interface RegisteredEnvTypes {
    'CartPole-v0': { observation: Float32Array; action: number; kwargs: CartPoleKwargs; vectorKwargs: CartPoleVectorEnvKwargs };
    'CartPole-v1': { observation: Float32Array; action: number; kwargs: CartPoleKwargs; vectorKwargs: CartPoleVectorEnvKwargs };
    'BDT-small-v0': { observation: BdtObservation; action: BdtAction; kwargs: BdtMakeKwargs; vectorKwargs: BdtVectorMakeKwargs };
    'BDT-v0': { observation: BdtObservation; action: BdtAction; kwargs: BdtMakeKwargs; vectorKwargs: BdtVectorMakeKwargs };
    'BDT-large-v0': { observation: BdtObservation; action: BdtAction; kwargs: BdtMakeKwargs; vectorKwargs: BdtVectorMakeKwargs };
  }
}

// v0 and v1 differ only in the episode limit and the solved threshold, as in Gymnasium
registerCartPole('CartPole-v0', 200, 195.0);
registerCartPole('CartPole-v1', 500, 475.0);

// The B-DT system (env/bdt): the scenario files are the ids' defaults; `make(id, {scenario})`
// deep-merges a partial override into them. Episodes truncate after the scenario's T slots
// (the env does it, since T may be overridden). `makeVec` builds BdtVectorEnv, their native
// vector form. User scenarios register the same way.
registerBdtScenario('BDT-small-v0', bdtSmall);
registerBdtScenario('BDT-v0', bdtDefault);
registerBdtScenario('BDT-large-v0', bdtLarge);

/**
 * Registers a CartPole id; `makeVec` builds CartPoleVectorEnv, its native vector form, truncating
 * at the id's limit unless the kwargs give another (gymnasium.make_vec passes the spec's
 * max_episode_steps to the vector entry point).
 */
function registerCartPole(id: string, maxEpisodeSteps: number, rewardThreshold: number): void {
  register({
    id,
    entryPoint: (kwargs) => new CartPoleEnv(kwargs),
    // the entry point's kwargs are unchecked here: CartPoleVectorEnv checks them
    vectorEntryPoint: (numEnvs, kwargs) => new CartPoleVectorEnv(numEnvs, { ...kwargs, maxEpisodeSteps: kwargs['maxEpisodeSteps'] ?? maxEpisodeSteps } as CartPoleVectorEnvKwargs),
    maxEpisodeSteps,
    rewardThreshold,
  });
}
