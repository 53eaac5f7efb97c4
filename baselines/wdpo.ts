/**
 * WDPO (the letter's baseline "without DNN partitioning point optimisation"): DPRA's resource
 * allocation with a fixed partition point per DT, by default the middle unit ceil(L_n / 2).
 */
import { z } from 'zod';
import type { BdtSystem } from '../env/bdt/system.ts';
import { SolverAgent } from './dpra/solver-agent.ts';

export const WdpoOptions = z
  .object({
    partition: z
      .array(z.number().int().min(1))
      .optional()
      .describe('Fixed partition point l_n per DT (units run on the gateway, 1..L_n; length N); default the middle unit ceil(L_n / 2)'),
  })
  .strict();
export type WdpoOptions = z.input<typeof WdpoOptions>;

/** The middle unit ceil(L_n / 2) of every DT. */
export function middlePartition(system: BdtSystem): Int32Array {
  return Int32Array.from(system.unitCount, (L) => Math.ceil(L / 2));
}

export function createWdpoAgent(options: WdpoOptions = {}): SolverAgent {
  const o = WdpoOptions.parse(options);
  return new SolverAgent('wdpo', {
    warmStart: false,
    solverOptions: (system) => ({ partition: 'fixed', fixedPartition: o.partition ? Int32Array.from(o.partition) : middlePartition(system) }),
  });
}
