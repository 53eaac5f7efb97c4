/**
 * The B-DT system: compiled form, model equations (one file per concept), slot evaluation,
 * scenarios, exogenous processes and the env.
 *
 * @module
 */
export type * from './system.ts';
export * from './topology.ts';
export * from './latency.ts';
export * from './energy.ts';
export * from './reputation.ts';
export * from './consensus.ts';
export * from './queues.ts';
export * from './decision.ts';
export * from './slot.ts';
export * from './slot-state.ts';
export * from './arrivals.ts';
export * from './channel.ts';
export * from './budgets.ts';
export * from './exogenous.ts';
export * from './action.ts';
export * from './observation.ts';
export * from './bdt-env.ts';
export type * from './info.ts';
export * from './bdt-vector-env.ts';
export * from './register-scenario.ts';
export * from './simulation.ts';
export * from './episode-metrics.ts';
export * from './scenario/index.ts';
export * from './array-pool.ts';
export * from './dnn/index.ts';
