/** DPRA: the per-slot drift-plus-penalty solver, its agent, and its allocation under a given partition (SolvedShares). */
export * from './resource-allocation.ts';
export * from './slot-problem.ts';
export * from './partition-search.ts';
export * from './dpra-solver.ts';
export * from './solver-agent.ts';
export * from './dpra-agent.ts';
export * from './solved-shares.ts';
