/** Scripted policies: the agent interface, DPRA, WDPO, WTCM, reference policies and createAgent. */
export type * from './agent.ts';
export * from './bdt-context.ts';
export * from './dpra/index.ts';
export * from './wdpo.ts';
export * from './wtcm.ts';
export * from './reference/index.ts';
export * from './create-agent.ts';
export { NoOptions, parseAgentOptions } from './agent-options.ts';
export * from './harness/run-episode.ts';
export * from './harness/compare.ts';
export * from './harness/statistics.ts';
