/**
 * Searches over the partition l (C1) of a {@link SlotProblem}, whose Psi(l) already includes the
 * optimal AP frequencies. Partitions are ranked by (violation, Psi): a partition breaking C4 or
 * sending work to an AP that cannot run it is worse than any feasible one, and among infeasible
 * ones the smaller violation wins, so a search started in the infeasible region walks out of it.
 *
 * - {@link PartitionSearch.exhaustive}: every point of prod_n {1..L_n} (odometer order: each step
 *   changes one DT, so one gateway and one AP are re-derived). Exact; for small scenarios and checks.
 * - {@link PartitionSearch.descent}: multi-start coordinate descent with larger joint moves.
 *   DTs interact only through their gateway's sums (c_m, w_m, C4), their AP's O_j, and the shared
 *   deadline and block race. A sweep gives each DT in turn its best cut with the others fixed (an
 *   exact 1-D search over L_n values, the continuous part re-solved exactly each time), until a
 *   sweep changes nothing; each sweep costs sum_n (L_n - 1) continuous solves. Starts: the
 *   caller's warm start (the previous slot's cut: slots are alike), all-local (l = L_n),
 *   all-offloaded (l = 1), the middle cut, and a latency-only homotopy. From the best local
 *   optimum, joint moves escape the optima where several DTs must move together (one gateway's
 *   saving pays for another's extra offload through the shared deadline or the AP's reputation):
 *   every cut combination of one gateway's DTs, then every pair of DTs, each only when its move
 *   count fits the budget, each followed by descent. The presets below trade this thoroughness for
 *   time as scenarios grow: see {@link THOROUGH_DESCENT}, {@link FAST_DESCENT}, {@link SCREENED_DESCENT}.
 */
import type { SlotProblem } from './slot-problem.ts';

/** Improvements below this relative size are ignored (stops cycling on rounding noise). */
const IMPROVEMENT_TOLERANCE = 1e-12;

/** Limits of the solver's coordinate descent over partition vectors (DpraSolverOptions' `descent`). */
export interface DescentOptions {
  /** Maximum sweeps over all DTs per start. */
  maxSweeps: number;
  /** Largest number of continuous solves one joint-move pass (gateway block or pairs) may use. */
  maxJointMoves: number;
  /**
   * Cuts per DT and sweep evaluated exactly. When a DT has more, every cut is first screened by a
   * cheap upper bound on its Psi (the allocation at the current deadline, see
   * `ResourceAllocator.boundAt`) and only the best `exactCandidates` are solved exactly.
   */
  exactCandidates: number;
  /**
   * Also run the cold starts (all-local, all-offloaded, middle) and the latency homotopy when a
   * warm start is given. Without them, the three cold points are still evaluated (one solve each)
   * and swept from only when one alone beats the warm descent.
   */
  coldStarts: boolean;
  /**
   * Stop sweeping when a whole sweep lowers Psi by less than this fraction of the scale
   * max(|Psi|, V tau^inf) (0: only when a sweep changes nothing).
   */
  minSweepGain: number;
}

/** Thorough: every cut exact, every start, joint moves; for small scenarios and exactness checks. */
export const THOROUGH_DESCENT: DescentOptions = { maxSweeps: 20, maxJointMoves: 4000, exactCandidates: Infinity, coldStarts: true, minSweepGain: 0 };
/** Fast: sweeps from the warm start (cold starts when there is none, or when one alone beats it), no joint moves; for per-slot control of larger scenarios. */
export const FAST_DESCENT: DescentOptions = { maxSweeps: 20, maxJointMoves: 0, exactCandidates: Infinity, coldStarts: false, minSweepGain: 0 };
/** Screened: as fast, but each DT's cuts screened by the cheap bound (2 solved exactly), and sweeps stop below a 0.1% gain; for BDT-large-v0. */
export const SCREENED_DESCENT: DescentOptions = { maxSweeps: 20, maxJointMoves: 0, exactCandidates: 2, coldStarts: false, minSweepGain: 1e-3 };

/** A searcher for one system; owns its scratch, allocation-free per call. */
export class PartitionSearch {
  private readonly problem: SlotProblem;
  private readonly candidate: Int32Array;
  private readonly bestStart: Int32Array;
  private readonly block: Int32Array;
  private readonly blockBest: Int32Array;
  /** Cuts kept for exact evaluation in a sweep, and their screening bounds. */
  private readonly screened: Int32Array;
  private readonly screenBound: Float64Array;
  /** Violation and Psi of the partition currently set in the problem. */
  private violation = 0;
  private psi = Infinity;

  constructor(problem: SlotProblem) {
    this.problem = problem;
    const N = problem.system.N;
    this.candidate = new Int32Array(N);
    this.bestStart = new Int32Array(N);
    this.block = new Int32Array(N);
    this.blockBest = new Int32Array(N);
    let maxUnits = 1;
    for (let n = 0; n < N; n++) maxUnits = Math.max(maxUnits, problem.system.unitCount[n]!);
    this.screened = new Int32Array(maxUnits);
    this.screenBound = new Float64Array(maxUnits);
  }

  /** Best partition of all, written into `best` and left set in the problem; returns its Psi. */
  exhaustive(best: Int32Array): number {
    const { problem } = this;
    const { system, partition, pinned } = problem;
    const free = this.block;
    let count = 0;
    for (let n = 0; n < system.N; n++) if (!pinned[n]) free[count++] = n;
    for (let k = 0; k < count; k++) this.candidate[free[k]!] = 1;
    for (let n = 0; n < system.N; n++) if (pinned[n]) this.candidate[n] = partition[n]!;
    this.evaluate(problem.setPartition(this.candidate));
    let bestViolation = this.violation;
    let bestPsi = this.psi;
    best.set(partition);
    for (;;) {
      let k = count - 1;
      while (k >= 0 && partition[free[k]!]! === system.unitCount[free[k]!]!) {
        problem.restoreCut(free[k]!, 1);
        k--;
      }
      if (k < 0) break;
      this.evaluate(problem.setCut(free[k]!, partition[free[k]!]! + 1));
      if (this.violation < bestViolation || (this.violation === bestViolation && this.psi < bestPsi)) {
        bestViolation = this.violation;
        bestPsi = this.psi;
        best.set(partition);
      }
    }
    this.evaluate(problem.setPartition(best));
    return this.psi;
  }

  /** Multi-start descent (file comment); `warmStart` may be undefined. */
  descent(best: Int32Array, warmStart: ArrayLike<number> | undefined, options: DescentOptions = THOROUGH_DESCENT): number {
    const { problem } = this;
    const { system, partition } = problem;
    let bestViolation = Infinity;
    let bestPsi = Infinity;
    let cold = options.coldStarts || warmStart === undefined;
    // start -1 is the warm start; 0, 1, 2 the cold ones, also run when the warm start stays infeasible
    for (let s = warmStart ? -1 : 0; s < 3; s++) {
      if (s === 0 && bestViolation > 0) cold = true;
      // setPartition leaves pinned DTs alone, so `candidate` can carry the start
      if (s === 0) this.candidate.set(system.unitCount);
      else if (s === 1) this.candidate.fill(1);
      else if (s === 2) for (let n = 0; n < system.N; n++) this.candidate[n] = (system.unitCount[n]! + 1) >> 1;
      else this.candidate.set(warmStart as ArrayLike<number>);
      this.evaluate(problem.setPartition(this.candidate));
      // Without cold starts, each cold point still costs one solve, and is swept only when it
      // alone beats the warm descent: a warm start left in a poor basin (the channel moved) is
      // never kept when all-local, all-offloaded or the middle cut does better.
      if (s >= 0 && !cold && !this.better(bestViolation, bestPsi)) continue;
      this.sweep(options);
      if (this.better(bestViolation, bestPsi)) {
        bestViolation = this.violation;
        bestPsi = this.psi;
        this.bestStart.set(partition);
      }
    }
    this.evaluate(problem.setPartition(this.bestStart));
    if (cold) {
      // Homotopy start: the latency-only optimum (queues zeroed) reached from the best start, then
      // the full objective from there. Latency is a max over gateways, so lowering it needs every
      // critical gateway to move at once, which single moves under the drift terms cannot do.
      const queues = problem.swapQueues(undefined);
      this.evaluate(problem.psi());
      this.sweep(options);
      problem.swapQueues(queues);
      this.evaluate(problem.psi());
      this.sweep(options);
      if (this.better(bestViolation, bestPsi)) {
        bestViolation = this.violation;
        bestPsi = this.psi;
        this.bestStart.set(partition);
      }
      this.evaluate(problem.setPartition(this.bestStart));
    }
    for (let round = 0; round < options.maxSweeps && options.maxJointMoves > 0; round++) {
      const before = this.psi;
      const beforeViolation = this.violation;
      for (let m = 0; m < system.M; m++) if (this.gatewayBlockMove(m, options)) this.sweep(options);
      if (this.subsetMove(2, options)) this.sweep(options);
      if (this.subsetMove(3, options)) this.sweep(options);
      if (!(this.violation < beforeViolation || this.improves(this.psi, before))) break;
    }
    best.set(partition);
    return this.psi;
  }

  private evaluate(psi: number): void {
    this.psi = psi;
    this.violation = this.problem.violation;
  }

  /** Is the current (violation, psi) better than the given one? */
  private better(violation: number, psi: number): boolean {
    if (this.violation !== violation) return this.violation < violation;
    return this.improves(this.psi, psi);
  }

  private improves(candidate: number, incumbent: number): boolean {
    if (incumbent === Infinity) return candidate < Infinity;
    return candidate < incumbent - IMPROVEMENT_TOLERANCE * Math.abs(incumbent);
  }

  /** Coordinate descent from the current partition until a sweep changes nothing. */
  private sweep(options: DescentOptions): void {
    const { problem } = this;
    const { system, partition, pinned } = problem;
    const screened = this.screened;
    const keep = options.exactCandidates;
    for (let round = 0; round < options.maxSweeps; round++) {
      let changed = false;
      const psiBefore = this.psi;
      for (let n = 0; n < system.N; n++) {
        if (pinned[n]) continue;
        const current = partition[n]!;
        const units = system.unitCount[n]!;
        let bestCut = current;
        let bestPsi = this.psi;
        let bestViolation = this.violation;
        let bestDeadline = problem.deadline;
        let candidates = 0;
        if (units - 1 <= keep || this.violation > 0) {
          for (let l = 1; l <= units; l++) if (l !== current) screened[candidates++] = l;
        } else {
          // Screen every cut by its upper bound; keep the `keep` lowest (a short sorted list).
          const deadline = problem.deadline;
          for (let l = 1; l <= units; l++) {
            if (l === current) continue;
            problem.restoreCut(n, l);
            const bound = problem.psiBound(deadline);
            if (problem.violation > 0 || (candidates === keep && !(bound < this.screenBound[keep - 1]!))) continue;
            let i = candidates < keep ? candidates++ : keep - 1;
            while (i > 0 && this.screenBound[i - 1]! > bound) {
              this.screenBound[i] = this.screenBound[i - 1]!;
              screened[i] = screened[i - 1]!;
              i--;
            }
            this.screenBound[i] = bound;
            screened[i] = l;
          }
        }
        for (let k = 0; k < candidates; k++) {
          this.evaluate(problem.setCut(n, screened[k]!));
          if (this.better(bestViolation, bestPsi)) {
            bestPsi = this.psi;
            bestViolation = this.violation;
            bestDeadline = problem.deadline;
            bestCut = screened[k]!;
          }
        }
        problem.restoreCut(n, bestCut);
        problem.deadline = bestDeadline;
        this.psi = bestPsi;
        this.violation = bestViolation;
        if (bestCut !== current) changed = true;
      }
      if (!changed) break;
      const scale = Math.max(Math.abs(psiBefore), problem.latencyWeight * problem.deadline);
      if (this.violation === 0 && psiBefore - this.psi < options.minSweepGain * scale) break;
    }
  }

  /** Best joint cut of gateway m's free DTs (if within budget); true when it improved. */
  private gatewayBlockMove(m: number, options: DescentOptions): boolean {
    const { problem } = this;
    const { system, partition, pinned } = problem;
    let count = 0;
    let moves = 1;
    for (let n = 0; n < system.N; n++) {
      if (pinned[n] || system.gatewayOf[n] !== m) continue;
      this.block[count++] = n;
      moves *= system.unitCount[n]!;
    }
    if (count < 2 || moves > options.maxJointMoves) return false;
    this.candidate.set(partition);
    let bestPsi = this.psi;
    let bestViolation = this.violation;
    let improved = false;
    for (let k = 0; k < count; k++) problem.restoreCut(this.block[k]!, 1);
    for (;;) {
      this.evaluate(problem.psi());
      if (this.better(bestViolation, bestPsi)) {
        bestPsi = this.psi;
        bestViolation = this.violation;
        this.blockBest.set(partition);
        improved = true;
      }
      let k = count - 1;
      while (k >= 0 && partition[this.block[k]!]! === system.unitCount[this.block[k]!]!) {
        problem.restoreCut(this.block[k]!, 1);
        k--;
      }
      if (k < 0) break;
      problem.restoreCut(this.block[k]!, partition[this.block[k]!]! + 1);
    }
    const keep = improved ? this.blockBest : this.candidate;
    for (let k = 0; k < count; k++) problem.restoreCut(this.block[k]!, keep[this.block[k]!]!);
    this.psi = bestPsi;
    this.violation = bestViolation;
    return improved;
  }

  /**
   * Best joint move of any `k` free DTs, each to another cut (if the move count fits the budget);
   * true when it improved. Pairs and triples catch the optima where one gateway's block and a DT
   * elsewhere must move at once (the block alone lengthens the shared deadline, the other DT alone
   * upsets its AP's drift balance).
   */
  private subsetMove(k: number, options: DescentOptions): boolean {
    const { problem } = this;
    const { system, partition, pinned } = problem;
    const free: number[] = [];
    for (let n = 0; n < system.N; n++) if (!pinned[n]) free.push(n);
    if (free.length < k) return false;
    // Moves of all k-subsets: the elementary symmetric polynomial of degree k in (L_n - 1).
    const count = new Float64Array(k + 1);
    count[0] = 1;
    for (const n of free) for (let d = k; d >= 1; d--) count[d]! += count[d - 1]! * (system.unitCount[n]! - 1);
    if (count[k] === 0 || count[k]! > options.maxJointMoves) return false;

    const subset = new Int32Array(k);
    const current = new Int32Array(k);
    const cuts = new Int32Array(k);
    const best = new Int32Array(k);
    let bestPsi = 0;
    let bestViolation = 0;
    const visitCuts = (depth: number): void => {
      const n = subset[depth]!;
      for (let l = 1; l <= system.unitCount[n]!; l++) {
        if (l === current[depth]) continue;
        cuts[depth] = l;
        if (depth < k - 1) {
          problem.restoreCut(n, l);
          visitCuts(depth + 1);
          continue;
        }
        this.evaluate(problem.setCut(n, l));
        if (this.better(bestViolation, bestPsi)) {
          bestPsi = this.psi;
          bestViolation = this.violation;
          best.set(cuts);
        }
      }
      problem.restoreCut(n, current[depth]!);
    };
    let improved = false;
    const visitSubsets = (start: number, depth: number): void => {
      if (depth === k) {
        for (let d = 0; d < k; d++) current[d] = partition[subset[d]!]!;
        best.set(current);
        bestPsi = this.psi;
        bestViolation = this.violation;
        visitCuts(0);
        for (let d = 0; d < k; d++) problem.restoreCut(subset[d]!, best[d]!);
        this.psi = bestPsi;
        this.violation = bestViolation;
        if (best[0] !== current[0]) improved = true;
        return;
      }
      for (let i = start; i <= free.length - (k - depth); i++) {
        subset[depth] = free[i]!;
        visitSubsets(i + 1, depth + 1);
      }
    };
    visitSubsets(0, 0);
    return improved;
  }
}
