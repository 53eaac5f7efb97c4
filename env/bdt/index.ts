/** The B-DT system: compiled form, model equations, slot evaluation. */
export type * from './system.ts';
export * from './topology.ts';
export * from './latency.ts';
export * from './energy.ts';
export * from './reputation.ts';
export * from './consensus.ts';
export * from './queues.ts';
export * from './decision.ts';
export * from './slot.ts';
