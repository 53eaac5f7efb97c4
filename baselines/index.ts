/** Scripted policies: the agent interface, DPRA, WDPO, WTCM, reference policies and createAgent. */

// The agent interface and the agent registry
export type { Agent, ActContext } from './agent.ts';
export { bdtEnvOf } from './bdt-context.ts';
export { createAgent, registerAgent, agentNames, agentScenario, AgentCreationError, UnknownAgentError } from './create-agent.ts';
export type { AgentEntry, AgentFactory } from './create-agent.ts';
export { NoOptions, parseAgentOptions } from './agent-options.ts';

// DPRA: its agent, its per-slot solver, and its allocation under a given partition (SolvedShares)
export { createDpraAgent, DpraOptions, descentSolverOptions } from './dpra/dpra-agent.ts';
export { DpraSolver, DESCENT_EFFORTS } from './dpra/dpra-solver.ts';
export type { DpraSolverOptions, DescentEffort, PartitionMode, SlotSolution } from './dpra/dpra-solver.ts';
export type { DescentOptions } from './dpra/partition-search.ts';
export type { SlotFeasibility } from './dpra/slot-problem.ts';
export { SolverAgent } from './dpra/solver-agent.ts';
export type { SolverAgentConfig, SolverAgentStats } from './dpra/solver-agent.ts';
export { ShareSolver, SolvedShares } from './dpra/solved-shares.ts';
export type { PartitionAction } from './dpra/solved-shares.ts';

// DPRA with a piece removed: WDPO (static partition), WTCM (plain PoW)
export { createWdpoAgent, WdpoOptions } from './wdpo.ts';
export { createWtcmAgent, WTCM_SCENARIO_OVERRIDE } from './wtcm.ts';

// Reference policies: random, all-local, latency-greedy and the exhaustive oracle
export { RandomAgent } from './reference/random.ts';
export { createAllLocalAgent } from './reference/all-local.ts';
export { createLatencyGreedyAgent } from './reference/latency-greedy.ts';
export { createExhaustiveOracle, OracleOptions } from './reference/exhaustive-oracle.ts';

// Episodes and comparisons, with their paired statistics
export { runEpisode, runAgentEpisode, AgentEpisodeError } from './harness/run-episode.ts';
export { compareAgents, aggregate, pairingTrace, AGGREGATE_INTERVAL } from './harness/compare.ts';
export type { ComparedAgent, ComparisonSpec, EpisodeRecord, AgentAggregate } from './harness/compare.ts';
export { meanInterval, formatMeanInterval, formatSigned, formatSignedMeanInterval, interquartileMean } from './harness/statistics.ts';
export type { MeanInterval } from './harness/statistics.ts';
