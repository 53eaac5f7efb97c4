/**
 * Latency-greedy: DPRA with V -> infinity, i.e. the virtual queues ignored: each slot minimises
 * tau(t) alone under C1-C5. The C6 bounds on reputation play no part, so it shows what C6 costs.
 */
import { SolverAgent } from '../dpra/solver-agent.ts';
import { DpraOptions, descentSolverOptions } from '../dpra/dpra-agent.ts';
import { parseAgentOptions } from '../agent-options.ts';

/** The latency-greedy agent: DPRA with the virtual queues ignored (V -> infinity), minimising tau(t) alone under C1-C5; takes DPRA's options. */
export function createLatencyGreedyAgent(options: DpraOptions = {}): SolverAgent {
  const o = parseAgentOptions(DpraOptions, options, 'latency-greedy');
  return new SolverAgent('latency-greedy', {
    warmStart: o.warmStart,
    solverOptions: () => descentSolverOptions(o, { ignoreQueues: true }),
  });
}
