/**
 * The exhaustive oracle: DPRA's objective minimised over every partition (prod_n L_n of them),
 * each with the exact optimal frequencies. The ground truth for small scenarios; refuses
 * scenarios whose partition space exceeds `maxPartitions`.
 */
import { z } from 'zod';
import { SolverAgent } from '../dpra/solver-agent.ts';
import { MAX_EXHAUSTIVE } from '../dpra/dpra-solver.ts';
import { parseAgentOptions } from '../agent-options.ts';

export const OracleOptions = z
  .object({
    maxPartitions: z.number().int().positive().default(MAX_EXHAUSTIVE).describe('Largest partition space searched (number of partition vectors)'),
  })
  .strict();
export type OracleOptions = z.input<typeof OracleOptions>;

export function createExhaustiveOracle(options: OracleOptions = {}): SolverAgent {
  const o = parseAgentOptions(OracleOptions, options, 'oracle');
  return new SolverAgent('oracle', {
    warmStart: false,
    solverOptions: () => ({ partition: 'exhaustive', maxExhaustive: o.maxPartitions }),
  });
}
