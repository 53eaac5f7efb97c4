/**
 * The best static partition for WDPO: the fixed cut per DT whose WDPO episode (DPRA's frequencies
 * every slot, the partition never changing) earns the highest return on a calibration trace. The
 * letter does not say which cut WDPO fixes, and the choice decides most of its gap to DPRA
 * (docs/BASELINES.md, Reading the comparison); this one is the strongest static policy by the
 * env's own reward, so the gap that remains is what adapting the partition per slot is worth.
 *
 * Coordinate descent over the DTs from the middle cut: each pass gives every DT its best cut with
 * the others fixed, until a pass improves nothing. Each candidate costs one episode (BDT-v0: 474
 * episodes of 200 slots, about 0.5 ms each once warm, 0.23 s of CPU in all, 0.37-0.39 s in a
 * fresh process with its warm-up; BDT-large-v0: 6,495 of about 2.5 ms, 17 s; docs/BENCHMARKS.md).
 * The calibration trace has its own seed, apart from the traces WDPO is then compared on.
 */
import { BdtSimulation } from '../env/bdt/simulation.ts';
import { createSlotOutcome, type SlotOutcome } from '../env/bdt/slot.ts';
import { drawTrace, type ExogenousTrace } from '../env/bdt/exogenous.ts';
import type { CompiledScenario } from '../env/bdt/scenario/compile.ts';
import type { BdtSystem } from '../env/bdt/system.ts';
import { DpraSolver } from './dpra/dpra-solver.ts';

export interface StaticPartitionSearch {
  /** Seed of the calibration trace. */
  readonly seed: number;
  /** Slots of the calibration episode. */
  readonly slots: number;
}

/** Most passes over the DTs (each pass tries every cut of every DT once). */
const MAX_PASSES = 10;

/** WDPO episodes on one calibration trace, each with a static partition. */
export class CalibrationEpisode {
  private readonly partition: Int32Array;
  private readonly solver: DpraSolver;
  private readonly simulation: BdtSimulation;
  private readonly trace: ExogenousTrace;
  private readonly outcome: SlotOutcome;
  private readonly slots: number;

  constructor(system: CompiledScenario, search: StaticPartitionSearch) {
    this.slots = search.slots;
    this.trace = drawTrace(system, search.seed, search.slots + 1);
    this.partition = Int32Array.from(system.unitCount);
    // the solver reads `partition` at every solve, so each episode sets it in place
    this.solver = new DpraSolver(system, { partition: 'fixed', fixedPartition: this.partition });
    this.simulation = new BdtSimulation({ ...system, slots: search.slots });
    this.outcome = createSlotOutcome(system);
  }

  /** The return (sum of the env's rewards) of WDPO with `partition` fixed for the whole episode. */
  returnOf(partition: ArrayLike<number>): number {
    this.partition.set(partition);
    const simulation = this.simulation;
    simulation.reset(undefined, this.trace, () => 0, 'CalibrationEpisode');
    let total = 0;
    for (let t = 0; t < this.slots; t++) {
      total += simulation.step(this.solver.solve(simulation.state, simulation.queues).decision, this.outcome);
      simulation.nextSlot(this.outcome);
    }
    return total;
  }
}

/** The middle unit ceil(L_n / 2) of every DT (WDPO's default partition, and the search's start). */
export function middlePartition(system: BdtSystem): Int32Array {
  return Int32Array.from(system.unitCount, (L) => Math.ceil(L / 2));
}

/** The static partition of `system` with the highest WDPO return on the calibration trace. */
export function bestStaticPartition(system: CompiledScenario, search: StaticPartitionSearch): Int32Array {
  const episode = new CalibrationEpisode(system, search);
  const partition = middlePartition(system);
  let best = episode.returnOf(partition);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let improved = false;
    for (let n = 0; n < system.N; n++) {
      let bestCut = partition[n]!;
      for (let cut = 1; cut <= system.unitCount[n]!; cut++) {
        if (cut === bestCut) continue;
        partition[n] = cut;
        const value = episode.returnOf(partition);
        if (value > best) {
          best = value;
          bestCut = cut;
          improved = true;
        }
      }
      partition[n] = bestCut;
    }
    if (!improved) break;
  }
  return partition;
}
