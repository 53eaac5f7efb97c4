/**
 * DPRA (the letter's algorithm): each slot, the decision minimising the drift-plus-penalty bound
 * Psi(t) = V tau(t) + sum_j [H_j (U_j - U^max) + G_j (U^min - U_j)] under C1-C5.
 */
import { z } from 'zod';
import { SolverAgent } from './solver-agent.ts';

export const DpraOptions = z
  .object({
    maxSweeps: z.number().int().positive().default(20).describe('Most descent sweeps over all DTs per start (count)'),
    maxJointMoves: z.number().int().nonnegative().default(4000).describe('Largest number of continuous solves one joint-move pass (a gateway block or all DT pairs) may use (count)'),
    warmStart: z.boolean().default(true).describe("Start each slot's search from the previous slot's partition (boolean)"),
  })
  .strict();
export type DpraOptions = z.input<typeof DpraOptions>;

/** The DPRA agent; options as {@link DpraOptions}. */
export function createDpraAgent(options: DpraOptions = {}): SolverAgent {
  const o = DpraOptions.parse(options);
  return new SolverAgent('dpra', {
    warmStart: o.warmStart,
    solverOptions: () => ({ partition: 'descent', descent: { maxSweeps: o.maxSweeps, maxJointMoves: o.maxJointMoves } }),
  });
}
