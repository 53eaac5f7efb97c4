/**
 * Upper bounds shared by the PPO and DQN hyperparameter schemas: far above any useful setting, low
 * enough that a typo (1e9 envs, a 1e6-unit layer) is refused with its path and value instead of
 * exhausting memory or overflowing half-way through training.
 */

/** Envs in one vector env. */
export const MAX_ENVS = 1024;
/** Units in one hidden layer. */
export const MAX_WIDTH = 8192;
/** Hidden layers. */
export const MAX_LAYERS = 16;
