/**
 * All-local: every DT runs its whole DNN on the gateway (l_n = L_n; only the final output is sent
 * up), with DPRA's optimal AP frequencies (so the APs only mine).
 */
import { SolverAgent } from '../dpra/solver-agent.ts';

/** The all-local agent: every DT runs its whole DNN on its gateway (l_n = L_n), the APs at DPRA's optimal frequencies. */
export function createAllLocalAgent(): SolverAgent {
  return new SolverAgent('all-local', {
    warmStart: false,
    solverOptions: (system) => ({ partition: 'fixed', fixedPartition: Int32Array.from(system.unitCount) }),
  });
}
