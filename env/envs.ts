/**
 * The built-in env registrations (gymnasium/envs/__init__.py). Every env that ships with
 * bdt-gym registers here, so importing the barrel makes all ids available to `make`, the CLI
 * and the test that runs `checkEnv` over the whole registry.
 */
import { register } from './registration.ts';
import { CartPoleEnv } from './classic-control/cartpole.ts';

register({
  id: 'CartPole-v1',
  entryPoint: (kwargs) => new CartPoleEnv(kwargs),
  maxEpisodeSteps: 500,
  rewardThreshold: 475.0,
});
