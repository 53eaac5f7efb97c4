/**
 * DPRA (the letter's algorithm): each slot, the decision minimising the drift-plus-penalty bound
 * Psi(t) = V tau(t) + sum_j [H_j (U_j - U^max) + G_j (U^min - U_j)] under C1-C5.
 */
import * as z from 'zod';
import { SolverAgent } from './solver-agent.ts';
import { DESCENT_EFFORTS, type DpraSolverOptions } from './dpra-solver.ts';
import type { DescentOptions } from './partition-search.ts';
import { parseAgentOptions } from '../agent-options.ts';

/**
 * The zod schema of the `dpra` agent's options: the partition descent's effort and limits, and the
 * warm start; an unknown key is refused.
 */
export const DpraOptions = z
  .object({
    effort: z
      .enum(DESCENT_EFFORTS)
      .default('auto')
      .describe("Partition search preset: 'thorough' (every cut exact, cold starts, joint moves), 'fast' (exact sweeps from the previous slot's partition; all-local, all-offloaded and the middle cut are evaluated too and swept from when one alone beats it), 'screened' (the same, with cuts screened by a cheap bound), 'auto' (thorough when sum_n L_n <= 64, fast up to 400, screened above)"),
    maxSweeps: z.number().int().positive().optional().describe("Most descent sweeps over all DTs per start (count; default the preset's 20)"),
    maxJointMoves: z.number().int().nonnegative().optional().describe("Largest number of continuous solves one joint-move pass may use (count; default the preset's: 4000 thorough, else 0)"),
    exactCandidates: z.number().int().positive().optional().describe("Cuts per DT and sweep solved exactly after screening (count; default the preset's: all, 2 screened)"),
    warmStart: z.boolean().default(true).describe("Start each slot's search from the previous slot's partition (boolean)"),
  })
  .strict();
/** The `dpra` agent's options as given (defaults not yet filled in). */
export type DpraOptions = z.input<typeof DpraOptions>;

/** The descent solver options of parsed {@link DpraOptions}. */
export function descentSolverOptions(o: z.output<typeof DpraOptions>, extra: Partial<DpraSolverOptions> = {}): DpraSolverOptions {
  const descent: Partial<DescentOptions> = {};
  if (o.maxSweeps !== undefined) descent.maxSweeps = o.maxSweeps;
  if (o.maxJointMoves !== undefined) descent.maxJointMoves = o.maxJointMoves;
  if (o.exactCandidates !== undefined) descent.exactCandidates = o.exactCandidates;
  return { partition: 'descent', effort: o.effort, descent, ...extra };
}

/** The DPRA agent; options as {@link DpraOptions}. */
export function createDpraAgent(options: DpraOptions = {}): SolverAgent {
  const o = parseAgentOptions(DpraOptions, options, 'dpra');
  return new SolverAgent('dpra', { warmStart: o.warmStart, solverOptions: () => descentSolverOptions(o) });
}
