/**
 * The exhaustive oracle: DPRA's objective minimised over every partition (prod_n L_n of them),
 * each with the exact optimal frequencies. The ground truth for small scenarios; refuses
 * scenarios whose partition space exceeds `maxPartitions`.
 */
import * as z from 'zod';
import { GymError } from '../../env/core/errors.ts';
import type { BdtSystem } from '../../env/bdt/system.ts';
import { partitionSpaceSize } from '../../env/bdt/topology.ts';
import { SolverAgent } from '../dpra/solver-agent.ts';
import { MAX_EXHAUSTIVE } from '../dpra/dpra-solver.ts';
import { parseAgentOptions } from '../agent-options.ts';

/** The zod schema of the exhaustive oracle's options: the largest partition space it searches. */
export const OracleOptions = z
  .object({
    maxPartitions: z.number().int().positive().default(MAX_EXHAUSTIVE).describe('Largest partition space searched (number of partition vectors)'),
  })
  .strict();
/** The oracle's options as given (defaults not yet filled in). */
export type OracleOptions = z.input<typeof OracleOptions>;

/**
 * The exhaustive oracle: each slot, DPRA's objective Psi minimised over every partition vector
 * (prod_n L_n of them), each with the exact optimal frequencies; for small scenarios.
 *
 * @param system the env's system, when known: a partition space beyond `maxPartitions` is refused here, before any episode runs, not at the first slot */
export function createExhaustiveOracle(options: OracleOptions = {}, system?: BdtSystem): SolverAgent {
  const o = parseAgentOptions(OracleOptions, options, 'oracle');
  if (system !== undefined) {
    const size = partitionSpaceSize(system);
    if (size > o.maxPartitions) throw new GymError(`agent oracle: this scenario has ${size.toExponential(3)} partition vectors, more than option maxPartitions = ${o.maxPartitions}: the exhaustive search is for small scenarios such as BDT-small-v0 (raise maxPartitions to wait for it, or use dpra)`);
  }
  return new SolverAgent('oracle', {
    warmStart: false,
    solverOptions: () => ({ partition: 'exhaustive', maxExhaustive: o.maxPartitions }),
  });
}
