/**
 * The continuous sub-problem of DPRA for one fixed partition: choose the AP inference
 * frequencies f^A (per gateway) and mining frequencies f^bloc (per AP) minimising
 *
 *     tau^inf + tau^bloc = max_m (c_m + w_m / f_m^A) + 1 / sum_j a_j f_j^bloc
 *
 * subject to C2 (sum_{m at j} f_m^A <= F_j), C3 (0 <= f_j^bloc <= F_j) and C5
 * (kappa_j sum_{m at j} w_m (f_m^A)^2 + kappa_j (f_j^bloc)^3 tau^bloc <= E_j), where
 * c_m = tau_m^G + tau_m^tx is the gateway-side latency, w_m = W_m^A / phi_j the AP cycles of
 * gateway m's offloaded work, a_j = 1 / (gamma_j W_0) and F_j = f_j^max. Everything that depends
 * on the partition arrives as these coefficients (computed by env/bdt's gatewaySide); this file is
 * the optimisation only.
 *
 * Method (exact up to floating-point tolerance):
 * 1. Fix the inference deadline T. Each gateway then needs exactly f_m^A = w_m / (T - c_m):
 *    any more only spends C2 capacity and AP energy (energy grows with f). So AP j has
 *    R_j(T) = E_j - kappa_j sum_m w_m^3 / (T - c_m)^2 left for mining; R_j is increasing and
 *    concave in T. The smallest admissible deadline T_lo is the largest of max_m c_m and, per AP,
 *    the roots of the C2 and the inference-energy equations (monotone Newton from the left).
 * 2. Given the leftovers R, mining is a race: lambda = sum_j a_j f_j must satisfy
 *    kappa_j f_j^3 / lambda <= R_j, and raising any f_j raises lambda and so loosens every other
 *    AP's constraint. The best rate is therefore the largest fixed point of
 *    lambda = phi(lambda) = sum_j a_j min(F_j, (R_j lambda / kappa_j)^{1/3}). phi is concave with
 *    phi(0) = 0 and infinite slope at 0, so the positive fixed point is unique; with the APs sorted
 *    by the rate at which they hit F_j it is the root of a depressed cubic x^3 = S x + A
 *    (x = lambda^{1/3}) on one piece, found exactly.
 * 3. phi is jointly concave in (lambda, R), so lambda*(R) is concave in R, lambda*(R(T)) is concave
 *    in T and tau^bloc(T) = 1 / lambda*(R(T)) is convex and decreasing. The objective
 *    T + tau^bloc(T) is thus convex on [T_lo, inf): its minimiser is T_lo if the slope there is
 *    >= 0, otherwise the root of the (monotone, piecewise smooth) slope 1 + dtau^bloc/dT, found
 *    by Brent's method on a bracket that is proven to contain it. The slope is analytic
 *    (implicit differentiation of the fixed point).
 *
 * Budgets are shrunk by a relative {@link BUDGET_MARGIN} so rounding never turns an optimum on the
 * C5 boundary into a violation. Where T's rounding breaks C2, `fill` takes the excess from the
 * slacks T - c_m (see {@link ResourceAllocator.capacityRoot}).
 */

/** Relative margin kept below each AP energy budget (dimensionless). */
export const BUDGET_MARGIN = 1e-12;
/** Relative tolerance on the inference deadline T (dimensionless). */
const DEADLINE_TOLERANCE = 1e-11;
/** Iteration cap of every inner Newton / Brent loop (they converge in far fewer). */
const MAX_ITERATIONS = 200;

/** The fixed part of the sub-problem: topology and AP hardware (a `BdtSystem` is one). */
export interface AllocationSystem {
  readonly M: number;
  readonly J: number;
  /** apOf[m] = AP serving gateway m. */
  readonly apOf: Int32Array;
  /** F_j = f_j^max (cycles/s). */
  readonly apMaxFreq: Float64Array;
  /** kappa_j (J s^2 / cycle^3). */
  readonly apKappa: Float64Array;
}

/** The per-slot, per-partition coefficients. */
export interface AllocationInput {
  /** c_m = tau_m^G + tau_m^tx (s), length M. */
  readonly gatewayLatency: Float64Array;
  /** w_m = W_m^A / phi_j, AP cycles of gateway m's offloaded work (cycles), length M. */
  readonly apCycles: Float64Array;
  /** a_j = 1 / (gamma_j W_0), blocks per mining cycle (1/cycle), length J. */
  readonly blocksPerCycle: Float64Array;
  /** E_j^A, AP energy budget (J), length J. */
  readonly apBudget: Float64Array;
}

/** The optimal frequencies and the latency they give (arrays owned by the allocator, reused). */
export interface Allocation {
  /** False when no frequencies meet C2-C5 with a finite latency (then `latency` is Infinity). */
  feasible: boolean;
  /** tau^inf (s). */
  inferenceLatency: number;
  /** The deadline T every offloading gateway meets exactly (s); a hint for {@link ResourceAllocator.boundAt}. */
  deadline: number;
  /** tau^bloc = 1 / sum_j a_j f_j^bloc (s). */
  blockTime: number;
  /** tau^inf + tau^bloc (s). */
  latency: number;
  /** f_m^A (cycles/s), length M. */
  readonly inferenceFreq: Float64Array;
  /** f_j^bloc (cycles/s), length J. */
  readonly miningFreq: Float64Array;
}

/** Solves {@link AllocationInput}s for one system; allocation-free after construction. */
export class ResourceAllocator {
  private readonly M: number;
  private readonly J: number;
  private readonly maxFreq: Float64Array;
  private readonly kappa: Float64Array;
  /** Gateways of AP j: members[memberStart[j] .. memberStart[j + 1]). */
  private readonly memberStart: Int32Array;
  private readonly members: Int32Array;
  // scratch, per AP
  private readonly budget: Float64Array;
  private readonly residual: Float64Array;
  private readonly residualSlope: Float64Array;
  private readonly rootScale: Float64Array;
  private readonly capRate: Float64Array;
  private readonly order: Int32Array;
  private readonly capped: Uint8Array;
  /** Per AP: the least deadline its C2 and inference-energy budget allow, cached until invalidated. */
  private readonly apLower: Float64Array;
  private readonly apLowerValid: Uint8Array;
  private cachedInput: AllocationInput | undefined;
  // state of the last `evaluate`
  private rate = 0;
  private cubeRoot = 0;
  private input: AllocationInput | undefined;
  private readonly result: Allocation;

  constructor(system: AllocationSystem) {
    const { M, J, apOf } = system;
    this.M = M;
    this.J = J;
    this.maxFreq = system.apMaxFreq;
    this.kappa = system.apKappa;
    this.memberStart = new Int32Array(J + 1);
    for (let m = 0; m < M; m++) this.memberStart[apOf[m]! + 1]!++;
    for (let j = 0; j < J; j++) this.memberStart[j + 1]! += this.memberStart[j]!;
    this.members = new Int32Array(M);
    const fill = this.memberStart.slice(0, J);
    for (let m = 0; m < M; m++) this.members[fill[apOf[m]!]!++] = m;
    this.budget = new Float64Array(J);
    this.residual = new Float64Array(J);
    this.residualSlope = new Float64Array(J);
    this.rootScale = new Float64Array(J);
    this.capRate = new Float64Array(J);
    this.order = new Int32Array(J);
    this.capped = new Uint8Array(J);
    this.apLower = new Float64Array(J);
    this.apLowerValid = new Uint8Array(J);
    this.result = {
      feasible: false,
      inferenceLatency: Infinity,
      deadline: Infinity,
      blockTime: Infinity,
      latency: Infinity,
      inferenceFreq: new Float64Array(M),
      miningFreq: new Float64Array(J),
    };
  }

  /**
   * An upper bound on the optimal latency, cheap enough to screen candidate partitions: the
   * objective at the deadline max(`deadline`, T_lo), a feasible point, so never below the optimum
   * (one evaluation instead of a search). Infinity when no deadline is feasible.
   */
  boundAt(input: AllocationInput, deadline: number): number {
    this.prepare(input);
    const lower = this.smallestDeadline();
    if (!Number.isFinite(lower)) return Infinity;
    const t = deadline > lower ? deadline : lower;
    this.evaluate(t);
    if (!(this.rate > 0)) return Infinity;
    let inference = 0;
    for (let m = 0; m < this.M; m++) {
      const path = input.apCycles[m]! > 0 ? t : input.gatewayLatency[m]!;
      if (path > inference) inference = path;
    }
    return inference + 1 / this.rate;
  }

  /**
   * Declare that AP j's inputs (c_m or w_m of its gateways, or its budget) changed since the last
   * call. Callers that reuse one input object across calls and change it must say so; a new
   * input object invalidates everything by itself.
   */
  invalidate(j: number): void {
    this.apLowerValid[j] = 0;
  }

  /** Declare that every AP's inputs may have changed. */
  invalidateAll(): void {
    this.apLowerValid.fill(0);
  }

  private prepare(input: AllocationInput): void {
    if (input !== this.cachedInput) {
      this.cachedInput = input;
      this.apLowerValid.fill(0);
    }
    this.input = input;
    for (let j = 0; j < this.J; j++) {
      const e = input.apBudget[j]!;
      this.budget[j] = e > 0 ? e * (1 - BUDGET_MARGIN) : 0;
    }
  }

  /**
   * The optimal allocation for `input`. `hint`, a deadline near the optimum (e.g. that of a
   * neighbouring partition), only narrows the search bracket. The returned object is reused by
   * the next call.
   */
  solve(input: AllocationInput, hint = Infinity): Allocation {
    this.prepare(input);
    const lower = this.smallestDeadline();
    if (!Number.isFinite(lower)) return this.infeasible();

    let slopeAtLower = this.evaluate(lower);
    // The common case: the objective rises from T_lo, which is then the optimum (evaluate has just
    // set the state `fill` reads).
    if (!(slopeAtLower < 0)) return this.fill(lower);
    let deadline = lower;
    let bracketLower = lower;
    if (hint > lower && Number.isFinite(hint)) {
      const slopeAtHint = this.evaluate(hint);
      if (slopeAtHint >= 0) {
        deadline = this.slopeRoot(lower, slopeAtLower, hint, slopeAtHint);
        this.evaluate(deadline);
        return this.fill(deadline);
      }
      bracketLower = hint;
      slopeAtLower = slopeAtHint;
    }
    if (slopeAtLower < 0) {
      // With a = the bracket's lower end, F(T*) <= F(a) and F(T) >= T + tau^bloc(inf) bound T*
      // by a + tau^bloc(a) - tau^bloc(inf) (tau^bloc(inf): every budget left for mining).
      const blockAtLower = 1 / this.rate; // read before raceRate(true) overwrites the rate
      // The block race with every budget left for mining bounds tau^bloc from below; when even it
      // is zero, no deadline has a finite latency. Only this branch needs it: a slope >= 0 above
      // took a positive race rate on the budgets left after inference, so the whole budgets have
      // one too (and a zero one gives the slope -Infinity, which lands here).
      const floorBlockTime = 1 / this.raceRate(true);
      if (!Number.isFinite(floorBlockTime)) return this.infeasible();
      let gap = Number.isFinite(blockAtLower) ? Math.max(blockAtLower - floorBlockTime, 0) : Math.max(bracketLower, floorBlockTime);
      if (!(gap > 0)) gap = Math.max(bracketLower, floorBlockTime, Number.MIN_VALUE);
      let upper = bracketLower + gap;
      let slopeAtUpper = this.evaluate(upper);
      for (let k = 0; slopeAtUpper < 0 && k < MAX_ITERATIONS; k++) {
        gap *= 2;
        upper = bracketLower + gap;
        slopeAtUpper = this.evaluate(upper);
      }
      deadline = slopeAtUpper <= 0 ? upper : this.slopeRoot(bracketLower, slopeAtLower, upper, slopeAtUpper);
    }
    this.evaluate(deadline);
    return this.fill(deadline);
  }

  /** Mark the result infeasible (no finite latency meets C2-C5 for this partition). */
  private infeasible(): Allocation {
    const out = this.result;
    out.feasible = false;
    out.inferenceLatency = Infinity;
    out.deadline = Infinity;
    out.blockTime = Infinity;
    out.latency = Infinity;
    out.inferenceFreq.fill(0);
    out.miningFreq.fill(0);
    return out;
  }

  /**
   * T_lo: the least deadline meeting c_m <= T for every gateway and, per AP, C2 and the
   * inference-energy budget with f_m^A = w_m / (T - c_m). Infinity when no deadline does.
   */
  private smallestDeadline(): number {
    const { gatewayLatency: c, apCycles: w } = this.input!;
    let lower = 0;
    for (let m = 0; m < this.M; m++) {
      // an offloading gateway needs T > c_m (f = w / (T - c_m)): when w / F is below c_m's last
      // bit, c_m + w / F is c_m itself and the frequency at T = c_m would be Infinity
      const least = w[m]! > 0 ? above(c[m]!) : c[m]!;
      if (least > lower) lower = least;
    }
    for (let j = 0; j < this.J; j++) {
      if (!this.apLowerValid[j]) {
        let hasWork = false;
        for (let k = this.memberStart[j]!; k < this.memberStart[j + 1]!; k++) if (w[this.members[k]!]! > 0) hasWork = true;
        if (!hasWork) this.apLower[j] = 0;
        else if (!(this.maxFreq[j]! > 0) || !(this.budget[j]! > 0)) this.apLower[j] = Infinity;
        else this.apLower[j] = Math.max(this.capacityDeadline(j), this.energyDeadline(j));
        this.apLowerValid[j] = 1;
      }
      if (this.apLower[j]! > lower) lower = this.apLower[j]!;
    }
    return lower;
  }

  /** Root in T of sum_m w_m / (T - c_m) = F_j (C2 tight), by Newton from the left (monotone: convex, decreasing). */
  private capacityDeadline(j: number): number {
    const { gatewayLatency: c, apCycles: w } = this.input!;
    let t = 0;
    for (let k = this.memberStart[j]!; k < this.memberStart[j + 1]!; k++) {
      const m = this.members[k]!;
      // above(c): where w / F is below c's last bit, c + w / F is c, where Newton's step is NaN
      if (w[m]! > 0) t = Math.max(t, above(c[m]!), c[m]! + w[m]! / this.maxFreq[j]!);
    }
    return this.capacityRoot(j, 0, t); // slacks 0 - c_m + T: T - c_m to the bit
  }

  /**
   * The root in x of sum_m w_m / (offset - c_m + x) = F_j over AP j's offloading gateways, by
   * Newton from `start` (left of the root; the sum is convex and decreasing in x, so Newton climbs
   * to it monotonically). With offset t and start 0 it is the delay past deadline t at which C2 is
   * tight: added to the slacks t - c_m, not to t, it keeps its precision below t's last bit.
   */
  private capacityRoot(j: number, offset: number, start: number): number {
    const { gatewayLatency: c, apCycles: w } = this.input!;
    const cap = this.maxFreq[j]!;
    let x = start;
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      let h = -cap;
      let dh = 0;
      for (let k = this.memberStart[j]!; k < this.memberStart[j + 1]!; k++) {
        const m = this.members[k]!;
        if (!(w[m]! > 0)) continue;
        const slack = offset - c[m]! + x;
        const q = w[m]! / slack;
        h += q;
        dh -= q / slack;
      }
      const step = -h / dh;
      if (!(step > 0)) break;
      x += step;
      if (step <= 1e-16 * x) break;
    }
    return x;
  }

  /** Root in T of kappa_j sum_m w_m^3 / (T - c_m)^2 = E_j (inference alone spends the budget), Newton from the left. */
  private energyDeadline(j: number): number {
    const { gatewayLatency: c, apCycles: w } = this.input!;
    const scale = this.budget[j]! / this.kappa[j]!;
    let t = 0;
    for (let k = this.memberStart[j]!; k < this.memberStart[j + 1]!; k++) {
      const m = this.members[k]!;
      if (w[m]! > 0) t = Math.max(t, above(c[m]!), c[m]! + w[m]! * Math.sqrt(w[m]! / scale));
    }
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      let h = -scale;
      let dh = 0;
      for (let k = this.memberStart[j]!; k < this.memberStart[j + 1]!; k++) {
        const m = this.members[k]!;
        if (!(w[m]! > 0)) continue;
        const d = t - c[m]!;
        const q = (w[m]! * w[m]! * w[m]!) / (d * d);
        h += q;
        dh -= (2 * q) / d;
      }
      const step = -h / dh;
      if (!(step > 0)) break;
      t += step;
      if (step <= 1e-16 * t) break;
    }
    return t;
  }

  /**
   * Leftover budgets R_j(T) and their slopes, the best race rate lambda*(R) and the slope of the
   * objective, d(T + 1/lambda*)/dT. Returns -Infinity where the slope is unbounded below.
   */
  private evaluate(t: number): number {
    const { gatewayLatency: c, apCycles: w } = this.input!;
    let unboundedGain = false;
    for (let j = 0; j < this.J; j++) {
      let e = 0;
      let de = 0;
      for (let k = this.memberStart[j]!; k < this.memberStart[j + 1]!; k++) {
        const m = this.members[k]!;
        if (!(w[m]! > 0)) continue;
        const d = t - c[m]!;
        const q = (w[m]! * w[m]! * w[m]!) / (d * d);
        e += q;
        de += (2 * q) / d;
      }
      const r = this.budget[j]! - this.kappa[j]! * e;
      this.residual[j] = r > 0 ? r : 0;
      this.residualSlope[j] = this.kappa[j]! * de;
      if (!(r > 0) && de > 0 && this.canMine(j)) unboundedGain = true;
    }
    const rate = this.raceRate(false);
    if (!(rate > 0) || unboundedGain) return -Infinity;
    // Implicit differentiation of lambda = A + sum_uncapped s_j lambda^{1/3}, s_j = a_j (R_j / kappa_j)^{1/3}.
    const x = this.cubeRoot;
    let numerator = 0;
    let uncappedShare = 0;
    for (let j = 0; j < this.J; j++) {
      if (this.capped[j] || !(this.residual[j]! > 0) || !this.canMine(j)) continue;
      const contribution = this.rootScale[j]! * x;
      numerator += (contribution * this.residualSlope[j]!) / (3 * this.residual[j]!);
      uncappedShare += contribution;
    }
    const rateSlope = numerator / (1 - uncappedShare / (3 * rate));
    return 1 - rateSlope / (rate * rate);
  }

  private canMine(j: number): boolean {
    return this.maxFreq[j]! > 0 && this.input!.blocksPerCycle[j]! > 0;
  }

  /**
   * lambda*(R): the largest rate with kappa_j f_j^3 / lambda <= R_j, f_j <= F_j, from the
   * residuals (`full` = every budget left for mining). Sets `rate`, `cubeRoot`, `rootScale`,
   * `capRate` and `capped`.
   */
  private raceRate(full: boolean): number {
    const a = this.input!.blocksPerCycle;
    let active = 0;
    let sumScale = 0;
    for (let j = 0; j < this.J; j++) {
      this.capped[j] = 0;
      const r = full ? this.budget[j]! : this.residual[j]!;
      if (!(r > 0) || !this.canMine(j)) {
        this.rootScale[j] = 0;
        continue;
      }
      const kappa = this.kappa[j]!;
      const cap = this.maxFreq[j]!;
      this.rootScale[j] = a[j]! * Math.cbrt(r / kappa);
      this.capRate[j] = (kappa * cap * cap * cap) / r; // lambda at which AP j reaches F_j
      sumScale += this.rootScale[j]!;
      // insertion sort by capRate
      let i = active++;
      while (i > 0 && this.capRate[this.order[i - 1]!]! > this.capRate[j]!) {
        this.order[i] = this.order[i - 1]!;
        i--;
      }
      this.order[i] = j;
    }
    // Walk the APs in the order they reach F_j: lambda* lies below AP j's cap rate c_j iff
    // phi(c_j) <= c_j (phi(lambda)/lambda is decreasing), with phi(c_j) = A + S c_j^{1/3} and
    // c_j^{1/3} = F_j a_j / s_j; so one cubic is solved, on the right piece.
    let fixed = 0;
    for (let k = 0; k < active; k++) {
      const j = this.order[k]!;
      const capValue = a[j]! * this.maxFreq[j]!;
      if (fixed + (sumScale * capValue) / this.rootScale[j]! <= this.capRate[j]!) break;
      this.capped[j] = 1;
      fixed += capValue;
      // summed again over the APs still uncapped, not by subtraction: a capped AP's scale can
      // dwarf the rest (kappa 1e-40) and cancel them away, breaking C5 by ~1e-10
      sumScale = 0;
      for (let i = k + 1; i < active; i++) sumScale += this.rootScale[this.order[i]!]!;
    }
    const x = depressedCubicRoot(sumScale, fixed);
    this.cubeRoot = x;
    this.rate = x * x * x;
    return this.rate;
  }

  /** Brent's method on the monotone slope over [lo, hi] with slope(lo) < 0 < slope(hi). */
  private slopeRoot(lo: number, fLo: number, hi: number, fHi: number): number {
    let a = lo;
    let fa = Number.isFinite(fLo) ? fLo : -1e300;
    let b = hi;
    let fb = fHi;
    let c = a;
    let fc = fa;
    let d = b - a;
    let e = d;
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
        c = a;
        fc = fa;
        d = b - a;
        e = d;
      }
      if (Math.abs(fc) < Math.abs(fb)) {
        a = b;
        b = c;
        c = a;
        fa = fb;
        fb = fc;
        fc = fa;
      }
      const tol = DEADLINE_TOLERANCE * Math.abs(b) + Number.MIN_VALUE;
      const half = 0.5 * (c - b);
      if (Math.abs(half) <= tol || fb === 0) break;
      if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
        const s = fb / fa;
        let p: number;
        let q: number;
        if (a === c) {
          p = 2 * half * s;
          q = 1 - s;
        } else {
          const qa = fa / fc;
          const r = fb / fc;
          p = s * (2 * half * qa * (qa - r) - (b - a) * (r - 1));
          q = (qa - 1) * (r - 1) * (s - 1);
        }
        if (p > 0) q = -q;
        else p = -p;
        if (2 * p < Math.min(3 * half * q - Math.abs(tol * q), Math.abs(e * q))) {
          e = d;
          d = p / q;
        } else {
          d = half;
          e = d;
        }
      } else {
        d = half;
        e = d;
      }
      a = b;
      fa = fb;
      b += Math.abs(d) > tol ? d : half > 0 ? tol : -tol;
      fb = this.evaluate(b);
      if (!Number.isFinite(fb)) fb = -1e300;
    }
    // out of iterations (a bracket of ~1e90 s halves 200 times short of converging), c is still
    // the bracket end of before the last step: the loop's first line would have moved it to a
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) c = a;
    // Return the end of the final bracket on the side where the slope is >= 0 (never below T_lo).
    return fb >= 0 ? b : c;
  }

  /** Frequencies for deadline `t` (after `evaluate(t)`). */
  private fill(t: number): Allocation {
    const { gatewayLatency: c, apCycles: w, blocksPerCycle: a } = this.input!;
    const out = this.result;
    let inference = 0;
    for (let m = 0; m < this.M; m++) {
      if (w[m]! > 0) {
        out.inferenceFreq[m] = w[m]! / (t - c[m]!);
        inference = t;
      } else {
        out.inferenceFreq[m] = 0;
        if (c[m]! > inference) inference = c[m]!;
      }
    }
    for (let j = 0; j < this.J; j++) {
      // C2 can be exceeded by the rounding of t (Newton stops a bit below the C2 root).
      const cap = this.maxFreq[j]!;
      let sum = 0;
      for (let k = this.memberStart[j]!; k < this.memberStart[j + 1]!; k++) sum += out.inferenceFreq[this.members[k]!]!;
      if (!(sum > cap)) continue;
      // Scaling every share by cap / sum delays gateway m by (t - c_m) (sum - cap) / cap. That is
      // within the deadline's tolerance unless a gateway's slack t - c_m is so small that t's last
      // bit is a sizeable part of it, which puts its share, and the excess, far off: then the
      // excess is taken from the slacks instead, delaying every gateway of AP j alike, by at most
      // about t's last bit.
      let widestSlack = 0;
      for (let k = this.memberStart[j]!; k < this.memberStart[j + 1]!; k++) {
        const m = this.members[k]!;
        if (w[m]! > 0 && t - c[m]! > widestSlack) widestSlack = t - c[m]!;
      }
      if (widestSlack * (sum - cap) > DEADLINE_TOLERANCE * t * cap) {
        const delay = this.capacityRoot(j, t, 0);
        sum = 0;
        for (let k = this.memberStart[j]!; k < this.memberStart[j + 1]!; k++) {
          const m = this.members[k]!;
          if (w[m]! > 0) out.inferenceFreq[m] = w[m]! / (t - c[m]! + delay);
          sum += out.inferenceFreq[m]!;
        }
        if (t + delay > inference) inference = t + delay;
      }
      // what is left is rounding in the last bit: scale back onto the boundary
      if (sum > cap) {
        const shrink = cap / sum;
        for (let k = this.memberStart[j]!; k < this.memberStart[j + 1]!; k++) out.inferenceFreq[this.members[k]!]! *= shrink;
      }
    }
    const x = this.cubeRoot;
    let rate = 0;
    for (let j = 0; j < this.J; j++) {
      let f = 0;
      if (this.capped[j]) f = this.maxFreq[j]!;
      else if (this.rootScale[j]! > 0) f = Math.min(this.maxFreq[j]!, (this.rootScale[j]! * x) / a[j]!);
      out.miningFreq[j] = f;
      rate += a[j]! * f;
    }
    out.inferenceLatency = inference;
    out.deadline = t;
    out.blockTime = rate > 0 ? 1 / rate : Infinity;
    out.latency = inference + out.blockTime;
    out.feasible = Number.isFinite(out.latency);
    return out;
  }
}

/** A number above `x` >= 0 by one or two units in its last place (the least positive number for 0). */
function above(x: number): number {
  return x + Math.max(x * Number.EPSILON, Number.MIN_VALUE);
}

/**
 * The positive root of x^3 = s x + a (s, a >= 0), in closed form (Cardano when the discriminant
 * is non-negative, written as u + s / (3u) to avoid cancellation; the trigonometric form
 * otherwise), polished by one Newton step.
 */
export function depressedCubicRoot(s: number, a: number): number {
  if (!(a > 0)) return Math.sqrt(s);
  const q = a / 2;
  const p = s / 3;
  const disc = q * q - p * p * p;
  let x: number;
  if (disc >= 0) {
    const u = Math.cbrt(q + Math.sqrt(disc));
    x = u + p / u;
  } else {
    const r = Math.sqrt(p);
    x = 2 * r * Math.cos(Math.acos(q / (p * r)) / 3);
  }
  const slope = 3 * x * x - s;
  if (slope > 0) x -= (x * x * x - s * x - a) / slope;
  return x;
}
