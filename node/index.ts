/**
 * Node-only additions to bdt-gym's env toolkit (`bdt-gym/node`): they use `node:` modules,
 * so they live outside the browser-safe `env/`.
 *
 * @module
 */
export { AsyncVectorEnv } from './async-vector-env.ts';
export type { AsyncVectorEnvOptions, EnvRecipe } from './async-vector-env.ts';
export { FileWriteError, writeFileAtomic } from './atomic-write.ts';
