/**
 * WDPO (the letter's baseline "without DNN partitioning point optimisation"): DPRA's resource
 * allocation with a fixed partition point per DT, by default the middle unit ceil(L_n / 2).
 */
import { z } from 'zod';
import { GymError } from '../env/core/errors.ts';
import type { BdtSystem } from '../env/bdt/system.ts';
import { SolverAgent } from './dpra/solver-agent.ts';
import { parseAgentOptions } from './agent-options.ts';

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

/**
 * The WDPO agent. With `system`, a configured partition is checked against it now (length N,
 * 1 <= l_n <= L_n) rather than at the first step.
 */
export function createWdpoAgent(options: WdpoOptions = {}, system?: BdtSystem): SolverAgent {
  const o = parseAgentOptions(WdpoOptions, options, 'wdpo');
  if (o.partition && system) {
    if (o.partition.length !== system.N) throw new GymError(`agent wdpo: option partition has ${o.partition.length} entries, expected one per DT (N = ${system.N})`);
    o.partition.forEach((l, n) => {
      if (l > system.unitCount[n]!) throw new GymError(`agent wdpo: option partition[${n}] = ${l}: C1 needs 1 <= l_n <= L_n = ${system.unitCount[n]}`);
    });
  }
  return new SolverAgent('wdpo', {
    warmStart: false,
    solverOptions: (system) => ({ partition: 'fixed', fixedPartition: o.partition ? Int32Array.from(o.partition) : middlePartition(system) }),
  });
}
