/** Reference policies: random, all-local, latency-greedy and the exhaustive oracle. */
export * from './random.ts';
export * from './all-local.ts';
export * from './latency-greedy.ts';
export * from './exhaustive-oracle.ts';
