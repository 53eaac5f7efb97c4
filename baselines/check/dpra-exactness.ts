/**
 * The exactness check of DPRA's per-slot solution against the exhaustive optimum (issue 4):
 * random slots of a scenario (its own exogenous process) with random virtual queues, each solved
 * by the DPRA solver (the descent search the agent uses) and by exhaustive search.
 *
 * Relative gap. Psi(t) = V tau + sum_j [H_j (U_j - U^max) + G_j (U^min - U_j)] contains the
 * partition-independent offset sum_j (G_j U^min - H_j U^max), so Psi* can be near 0 (or of either
 * sign) and "relative to Psi*" would be meaningless. The gap is therefore taken relative to the
 * size of the terms the decision moves: scale = V tau* + sum_j |(H_j - G_j) U_j*| at the optimum.
 * The gap relative to |Psi*| is reported too. A slot whose Psi is within {@link ABSOLUTE_TOLERANCE}
 * of the optimum is exact (gap 0) whatever the scale: the continuous solver leaves ~1e-11 of Psi,
 * which at a tiny scale (V = 1e-9 and no queue-weighted reputation at the optimum) was a gap of
 * several percent. Past that tolerance, a scale of 0 (or Psi* = 0) makes the gap Infinity.
 */
import type { CompiledScenario } from '../../env/bdt/scenario/compile.ts';
import type { VirtualQueues } from '../../env/bdt/queues.ts';
import { ExogenousProcess } from '../../env/bdt/exogenous.ts';
import { createSlotState } from '../../env/bdt/slot-state.ts';
import { explainDecision } from '../../env/bdt/decision.ts';
import { makeRng, subSeed } from '../../env/core/rng.ts';
import { DpraSolver, type DpraSolverOptions } from '../dpra/dpra-solver.ts';

/** Psi above the optimum by at most this much counts as equal, whatever the gap's scale. */
const ABSOLUTE_TOLERANCE = 1e-9;

export interface ExactnessOptions {
  /** Number of random slots. */
  slots: number;
  /** Seed of the slots' exogenous states and queues. */
  seed: number;
  /** Each H_j, G_j is 0 with probability 1/2, else uniform in [0, queueScale]. */
  queueScale: number;
  /** Relative gap counted as exact. */
  tolerance: number;
  /** DPRA's solver options (default: the agent's descent search, `effort: 'auto'`). */
  dpra?: DpraSolverOptions;
}

export interface ExactnessReport {
  slots: number;
  /** Slots with relative gap <= tolerance. */
  withinTolerance: number;
  /** Share of slots with relative gap <= tolerance. */
  withinToleranceShare: number;
  /** Slots with relative gap <= 1%. */
  withinOnePercent: number;
  tolerance: number;
  /** Largest (Psi_DPRA - Psi*) / scale over slots (see the module comment). */
  maxRelativeGap: number;
  /** Largest (Psi_DPRA - Psi*) / |Psi*|. */
  maxGapVsPsi: number;
  /** Slots where DPRA's decision breaks C2-C5 although the oracle's meets them. */
  constraintViolations: number;
  /** Slots where even the optimum breaks C4/C5 (infeasible slots; both solved to least violation). */
  infeasibleSlots: number;
  /** Mean continuous solves per slot: DPRA and the exhaustive search. */
  meanSolves: { dpra: number; exhaustive: number };
  /** The worst slot: index, gap, and the two Psi values. */
  worst: { slot: number; gap: number; dpraPsi: number; optimalPsi: number } | null;
}

/** Runs the check on `system` (a compiled scenario). */
export function checkDpraExactness(system: CompiledScenario, options: ExactnessOptions): ExactnessReport {
  const dpra = new DpraSolver(system, options.dpra ?? { partition: 'descent', effort: 'auto' });
  const oracle = new DpraSolver(system, { partition: 'exhaustive' });
  const exogenous = new ExogenousProcess(system);
  const state = createSlotState(system);
  exogenous.start(options.seed, state);
  const rng = makeRng(subSeed(options.seed, 'check-dpra-queues'));
  const queues: VirtualQueues = { H: new Float64Array(system.J), G: new Float64Array(system.J) };
  const report: ExactnessReport = {
    slots: options.slots,
    withinTolerance: 0,
    withinToleranceShare: 0,
    withinOnePercent: 0,
    tolerance: options.tolerance,
    maxRelativeGap: 0,
    maxGapVsPsi: 0,
    constraintViolations: 0,
    infeasibleSlots: 0,
    meanSolves: { dpra: 0, exhaustive: 0 },
    worst: null,
  };
  for (let t = 0; t < options.slots; t++) {
    if (t > 0) exogenous.next(state, t);
    for (let j = 0; j < system.J; j++) {
      queues.H[j] = rng() < 0.5 ? 0 : options.queueScale * rng();
      queues.G[j] = rng() < 0.5 ? 0 : options.queueScale * rng();
    }
    const best = oracle.solve(state, queues);
    const optimalPsi = best.psi;
    let scale = best.outcome.penalty;
    for (let j = 0; j < system.J; j++) scale += Math.abs((queues.H[j]! - queues.G[j]!) * best.outcome.reputation[j]!);
    const oracleFeasible = best.feasible;
    report.meanSolves.exhaustive += best.solves / options.slots;
    const mine = dpra.solve(state, queues);
    report.meanSolves.dpra += mine.solves / options.slots;
    if (!oracleFeasible) report.infeasibleSlots++;
    else if (!mine.feasible || explainDecision(system, mine.decision) !== undefined) report.constraintViolations++;
    const gap = relativeGap(mine.psi - optimalPsi, scale);
    const gapVsPsi = relativeGap(mine.psi - optimalPsi, Math.abs(optimalPsi));
    if (gap <= options.tolerance) report.withinTolerance++;
    if (gap <= 0.01) report.withinOnePercent++;
    if (gap > report.maxRelativeGap || report.worst === null) {
      report.maxRelativeGap = Math.max(report.maxRelativeGap, gap);
      if (gap >= (report.worst?.gap ?? 0)) report.worst = { slot: t, gap, dpraPsi: mine.psi, optimalPsi };
    }
    if (gapVsPsi > report.maxGapVsPsi) report.maxGapVsPsi = gapVsPsi;
  }
  report.withinToleranceShare = report.withinTolerance / Math.max(options.slots, 1);
  return report;
}

/** `excess` / `scale`: 0 when DPRA is not worse by more than ABSOLUTE_TOLERANCE, Infinity past it with no scale. */
function relativeGap(excess: number, scale: number): number {
  if (!(excess > ABSOLUTE_TOLERANCE)) return 0;
  return scale > 0 ? excess / scale : Infinity;
}

/** Whether a report meets the bar: >= 99% within tolerance, all within 1%, no violation. */
export function exactnessPasses(report: ExactnessReport): boolean {
  return report.withinToleranceShare >= 0.99 && report.withinOnePercent === report.slots && report.constraintViolations === 0;
}
