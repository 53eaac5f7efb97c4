/**
 * WDPO (the letter's baseline "without DNN partitioning point optimisation"): DPRA's resource
 * allocation with a fixed partition point per DT: by default the middle unit ceil(L_n / 2), or
 * one given, or the best static partition on a calibration trace (static-partition.ts).
 */
import * as z from 'zod';
import { assertNever, GymError } from '../env/core/errors.ts';
import type { CompiledScenario } from '../env/bdt/scenario/compile.ts';
import { SolverAgent } from './dpra/solver-agent.ts';
import { parseAgentOptions } from './agent-options.ts';
import { bestStaticPartition, middlePartition } from './static-partition.ts';

/** Seed of the default calibration trace: far from the seeds comparisons and evaluations use. */
const CALIBRATION_SEED = 777_777;

/**
 * The zod schema of the `wdpo` agent's options: the fixed partition (given, `'middle'` or
 * `'best-static'`, calibrated on a trace of its own); an unknown key is refused.
 */
export const WdpoOptions = z
  .object({
    partition: z
      .union([z.array(z.number().int().min(1)), z.enum(['middle', 'best-static'])])
      .default('middle')
      .describe(
        "Fixed partition point l_n per DT (units run on the gateway, 1..L_n; length N), 'middle' (ceil(L_n / 2)), or 'best-static': the fixed partition with the highest WDPO return on a calibration trace (searched when the agent is created for a B-DT env, else when it first acts; BDT-v0: under half a second, BDT-large-v0: about 17 s)",
      ),
    calibrationSeed: z.number().int().min(0).default(CALIBRATION_SEED).describe("Seed of the calibration trace of 'best-static' (keep it apart from the seeds WDPO is compared on)"),
    calibrationSlots: z.number().int().positive().optional().describe("Slots of the calibration episode of 'best-static' (count; default the scenario's T)"),
  })
  .strict();
/** The `wdpo` agent's options as given (defaults not yet filled in). */
export type WdpoOptions = z.input<typeof WdpoOptions>;

export { middlePartition };

/** Best static partitions already searched, by system and calibration (every WDPO agent of a comparison shares them). */
const searched = new WeakMap<CompiledScenario, Map<string, Int32Array>>();

function cachedBestStaticPartition(system: CompiledScenario, seed: number, slots: number): Int32Array {
  let bySearch = searched.get(system);
  if (!bySearch) searched.set(system, (bySearch = new Map()));
  const key = `${seed}/${slots}`;
  let partition = bySearch.get(key);
  if (!partition) {
    partition = bestStaticPartition(system, { seed, slots });
    bySearch.set(key, partition);
  }
  return partition;
}

/**
 * The WDPO agent. With `system`, a configured partition is checked against it now (length N,
 * 1 <= l_n <= L_n) rather than at the first step, and 'best-static' is searched now, so the
 * search is not timed as part of the first episode (compare's ms/slot).
 */
export function createWdpoAgent(options: WdpoOptions = {}, system?: CompiledScenario): SolverAgent {
  const o = parseAgentOptions(WdpoOptions, options, 'wdpo');
  const given = Array.isArray(o.partition) ? o.partition : undefined;
  if (given && system) {
    if (given.length !== system.N) throw new GymError(`agent wdpo: option partition has ${given.length} entries, expected one per DT (N = ${system.N})`);
    given.forEach((l, n) => {
      if (l > system.unitCount[n]!) throw new GymError(`agent wdpo: option partition[${n}] = ${l}: C1 needs 1 <= l_n <= L_n = ${system.unitCount[n]}`);
    });
  }
  if (o.partition === 'best-static' && system) cachedBestStaticPartition(system, o.calibrationSeed, o.calibrationSlots ?? system.slots);
  const fixedPartition = (system: CompiledScenario): Int32Array => {
    const partition = o.partition;
    if (Array.isArray(partition)) return Int32Array.from(partition);
    switch (partition) {
      case 'middle':
        return middlePartition(system);
      case 'best-static':
        return Int32Array.from(cachedBestStaticPartition(system, o.calibrationSeed, o.calibrationSlots ?? system.slots));
      default:
        return assertNever(partition, 'agent wdpo: partition');
    }
  };
  return new SolverAgent('wdpo', {
    warmStart: false,
    solverOptions: (system) => ({ partition: 'fixed', fixedPartition: fixedPartition(system) }),
  });
}
