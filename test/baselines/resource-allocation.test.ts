import assert from 'node:assert/strict';
import { makeRng, type Rng } from '../../env/core/rng.ts';
import { BUDGET_MARGIN, ResourceAllocator, depressedCubicRoot, type AllocationInput, type AllocationSystem } from '../../baselines/dpra/resource-allocation.ts';

interface Instance {
  system: AllocationSystem;
  input: AllocationInput;
}

/** A random small instance with magnitudes of the B-DT scenarios (GHz clocks, J budgets, 0.1 s blocks). */
function randomInstance(rng: Rng, M: number, J: number): Instance {
  const apOf = new Int32Array(M);
  for (let m = 0; m < M; m++) apOf[m] = m < J ? m : Math.floor(rng() * J);
  const apMaxFreq = Float64Array.from({ length: J }, () => 2e9 + 4e9 * rng());
  const apKappa = Float64Array.from({ length: J }, () => 1e-28 * (0.5 + rng()));
  const gatewayLatency = Float64Array.from({ length: M }, () => 0.05 * rng());
  const apCycles = Float64Array.from({ length: M }, () => (rng() < 0.2 ? 0 : 2e8 * rng()));
  const blocksPerCycle = Float64Array.from({ length: J }, () => 2e-9 * (0.3 + rng()));
  const apBudget = Float64Array.from({ length: J }, () => 0.05 + 1.5 * rng());
  return { system: { M, J, apOf, apMaxFreq, apKappa }, input: { gatewayLatency, apCycles, blocksPerCycle, apBudget } };
}

/** The objective and constraints written directly from docs/MODEL.md, independent of the solver. */
function direct(inst: Instance, fA: ArrayLike<number>, fB: ArrayLike<number>): { latency: number; feasible: boolean } {
  const { system, input } = inst;
  let inference = 0;
  for (let m = 0; m < system.M; m++) {
    const w = input.apCycles[m]!;
    const path = input.gatewayLatency[m]! + (w > 0 ? w / fA[m]! : 0);
    inference = Math.max(inference, path);
  }
  let rate = 0;
  for (let j = 0; j < system.J; j++) rate += input.blocksPerCycle[j]! * fB[j]!;
  const block = 1 / rate;
  let feasible = true;
  const tol = 1e-9;
  for (let j = 0; j < system.J; j++) {
    let sum = 0;
    let energy = 0;
    for (let m = 0; m < system.M; m++) {
      if (system.apOf[m] !== j) continue;
      sum += fA[m]!;
      energy += system.apKappa[j]! * input.apCycles[m]! * fA[m]! * fA[m]!;
    }
    energy += system.apKappa[j]! * fB[j]! ** 3 * block;
    if (sum > system.apMaxFreq[j]! * (1 + tol)) feasible = false;
    if (fB[j]! < 0 || fB[j]! > system.apMaxFreq[j]! * (1 + tol)) feasible = false;
    if (energy > input.apBudget[j]! * (1 + tol)) feasible = false;
  }
  return { latency: inference + block, feasible };
}

/** Best feasible point of a grid over (f^A, f^bloc), refined by random local search around it. */
function bruteForce(inst: Instance, rng: Rng, steps: number): number {
  const { M, J, apOf, apMaxFreq } = inst.system;
  const dims = M + J;
  const caps = Float64Array.from({ length: dims }, (_, k) => (k < M ? apMaxFreq[apOf[k]!]! : apMaxFreq[k - M]!));
  const point = new Float64Array(dims);
  let best = Infinity;
  let bestPoint = new Float64Array(dims);
  const index = new Int32Array(dims);
  const total = steps ** dims;
  for (let i = 0; i < total; i++) {
    let rest = i;
    for (let k = 0; k < dims; k++) {
      index[k] = rest % steps;
      rest = Math.floor(rest / steps);
      point[k] = (caps[k]! * (index[k]! + 1)) / steps;
    }
    const r = direct(inst, point.subarray(0, M), point.subarray(M));
    if (r.feasible && r.latency < best) {
      best = r.latency;
      bestPoint = point.slice();
    }
  }
  if (!Number.isFinite(best)) return best;
  let radius = 1 / steps;
  for (let it = 0; it < 20000; it++) {
    for (let k = 0; k < dims; k++) point[k] = Math.min(caps[k]!, Math.max(0, bestPoint[k]! * (1 + radius * (2 * rng() - 1))));
    const r = direct(inst, point.subarray(0, M), point.subarray(M));
    if (r.feasible && r.latency < best) {
      best = r.latency;
      bestPoint = point.slice();
    }
    if (it % 2000 === 1999) radius *= 0.5;
  }
  return best;
}

describe('baselines/dpra/resource-allocation', () => {
  it('depressedCubicRoot solves x^3 = s x + a', () => {
    for (const [s, a] of [
      [0, 8],
      [4, 0],
      [3, 2],
      [1e-6, 1e9],
      [1e9, 1e-6],
    ] as const) {
      const x = depressedCubicRoot(s, a);
      assert.ok(x >= 0);
      assert.ok(Math.abs(x ** 3 - s * x - a) <= 1e-12 * Math.max(x ** 3, s * x, a), `s=${s} a=${a} x=${x}`);
    }
  });

  it('matches a brute-force grid on random small instances and meets C2, C3, C5', () => {
    const rng = makeRng('allocation-brute-force');
    for (let trial = 0; trial < 24; trial++) {
      const M = 1 + (trial % 3);
      const J = 1 + (trial % 2);
      const inst = randomInstance(rng, M, Math.min(J, M));
      const solved = new ResourceAllocator(inst.system).solve(inst.input);
      const brute = bruteForce(inst, rng, M + J <= 3 ? 40 : 14);
      if (!Number.isFinite(brute)) continue;
      assert.ok(solved.feasible, `trial ${trial}: solver says infeasible, brute force found ${brute}`);
      const check = direct(inst, solved.inferenceFreq, solved.miningFreq);
      assert.ok(check.feasible, `trial ${trial}: solver's point breaks C2/C3/C5`);
      assert.ok(Math.abs(check.latency - solved.latency) <= 1e-9 * solved.latency, `trial ${trial}: reported ${solved.latency}, direct ${check.latency}`);
      // Never beaten by any sampled feasible point; and the sampling gets close to it.
      assert.ok(solved.latency <= brute * (1 + 1e-9), `trial ${trial}: solver ${solved.latency} > brute force ${brute}`);
      assert.ok(brute <= solved.latency * 1.02, `trial ${trial}: brute force ${brute} far above solver ${solved.latency}`);
    }
  });

  it('is stationary: perturbing the deadline or any frequency never improves a feasible point', () => {
    const rng = makeRng('allocation-stationary');
    for (let trial = 0; trial < 50; trial++) {
      const inst = randomInstance(rng, 2 + (trial % 4), 1 + (trial % 3));
      const solved = new ResourceAllocator(inst.system).solve(inst.input);
      assert.ok(solved.feasible);
      const fA = solved.inferenceFreq.slice();
      const fB = solved.miningFreq.slice();
      for (let k = 0; k < 400; k++) {
        const a = fA.map((f) => f * (1 + 1e-3 * (2 * rng() - 1)));
        const b = fB.map((f) => f * (1 + 1e-3 * (2 * rng() - 1)));
        const r = direct(inst, a, b);
        if (r.feasible) assert.ok(r.latency >= solved.latency * (1 - 1e-9), `trial ${trial}: ${r.latency} < ${solved.latency}`);
      }
    }
  });

  it('gives the same optimum whatever deadline hint narrows its bracket', () => {
    const rng = makeRng('allocation-hint');
    for (let trial = 0; trial < 50; trial++) {
      const inst = randomInstance(rng, 2 + (trial % 4), 1 + (trial % 3));
      const allocator = new ResourceAllocator(inst.system);
      const plain = allocator.solve(inst.input).latency;
      const deadline = allocator.solve(inst.input).deadline;
      for (const factor of [0.5, 0.99, 1, 1.01, 3, 100]) {
        const hinted = allocator.solve(inst.input, deadline * factor).latency;
        assert.ok(Math.abs(hinted - plain) <= 1e-9 * plain, `trial ${trial}, hint x${factor}: ${hinted} vs ${plain}`);
      }
    }
  });

  it('handles no offloaded work, idle APs and infeasible budgets without NaN', () => {
    const system: AllocationSystem = {
      M: 2,
      J: 2,
      apOf: Int32Array.from([0, 1]),
      apMaxFreq: Float64Array.from([3e9, 3e9]),
      apKappa: Float64Array.from([1e-28, 1e-28]),
    };
    const allocator = new ResourceAllocator(system);
    // Nothing offloaded: the deadline is the slowest gateway, both APs mine on their full budget.
    const idle = allocator.solve({
      gatewayLatency: Float64Array.from([0.02, 0.03]),
      apCycles: Float64Array.from([0, 0]),
      blocksPerCycle: Float64Array.from([1e-9, 1e-9]),
      apBudget: Float64Array.from([1, 1]),
    });
    assert.ok(idle.feasible);
    assert.equal(idle.inferenceLatency, 0.03);
    assert.deepEqual(Array.from(idle.inferenceFreq), [0, 0]);
    const check = direct({ system, input: { gatewayLatency: Float64Array.from([0.02, 0.03]), apCycles: Float64Array.from([0, 0]), blocksPerCycle: Float64Array.from([1e-9, 1e-9]), apBudget: Float64Array.from([1, 1]) } }, idle.inferenceFreq, idle.miningFreq);
    assert.ok(check.feasible);
    // Work sent to an AP without energy: no finite latency.
    const starved = allocator.solve({
      gatewayLatency: Float64Array.from([0.02, 0.03]),
      apCycles: Float64Array.from([1e8, 0]),
      blocksPerCycle: Float64Array.from([1e-9, 1e-9]),
      apBudget: Float64Array.from([0, 1]),
    });
    assert.equal(starved.feasible, false);
    assert.equal(starved.latency, Infinity);
    assert.ok(!Number.isNaN(starved.inferenceFreq[0]!));
    // Only the first AP has energy: it alone mines, and the budget is met.
    const lone = allocator.solve({
      gatewayLatency: Float64Array.from([0.01, 0]),
      apCycles: Float64Array.from([1e8, 0]),
      blocksPerCycle: Float64Array.from([1e-9, 1e-9]),
      apBudget: Float64Array.from([0.5, 0]),
    });
    assert.ok(lone.feasible);
    assert.equal(lone.miningFreq[1], 0);
    const energy = 1e-28 * 1e8 * lone.inferenceFreq[0]! ** 2 + 1e-28 * lone.miningFreq[0]! ** 3 * lone.blockTime;
    assert.ok(energy <= 0.5 * (1 - BUDGET_MARGIN / 2), `energy ${energy}`);
  });

  it('reports no finite latency and no frequencies when no AP can mine, with or without a deadline hint', () => {
    const system: AllocationSystem = { M: 2, J: 2, apOf: Int32Array.of(0, 1), apMaxFreq: Float64Array.of(3e9, 3e9), apKappa: Float64Array.of(1e-28, 1e-28) };
    const allocator = new ResourceAllocator(system);
    const inputs: AllocationInput[] = [
      // energy for the offloaded work, but no block rate anywhere
      { gatewayLatency: Float64Array.of(0.02, 0.03), apCycles: Float64Array.of(1e8, 0), blocksPerCycle: Float64Array.of(0, 0), apBudget: Float64Array.of(1, 1) },
      // nothing offloaded (T_lo is finite) and no energy to mine with
      { gatewayLatency: Float64Array.of(0.02, 0.03), apCycles: Float64Array.of(0, 0), blocksPerCycle: Float64Array.of(1e-9, 1e-9), apBudget: Float64Array.of(0, 0) },
    ];
    for (const [k, input] of inputs.entries()) {
      for (const hint of [Infinity, 0.01, 0.5, 1e3]) {
        const result = allocator.solve(input, hint);
        assert.equal(result.feasible, false, `input ${k}, hint ${hint}`);
        assert.equal(result.latency, Infinity);
        assert.deepEqual([...result.inferenceFreq, ...result.miningFreq], [0, 0, 0, 0], `input ${k}, hint ${hint}: the infeasible result has no frequencies`);
      }
    }
  });

  it('boundAt: the latency at max(deadline, T_lo), never below the optimum; Infinity where no deadline has a finite latency', () => {
    const system: AllocationSystem = { M: 2, J: 2, apOf: Int32Array.of(0, 1), apMaxFreq: Float64Array.of(3e9, 3e9), apKappa: Float64Array.of(1e-28, 1e-28) };
    const allocator = new ResourceAllocator(system);
    // Both APs mine at 3 GHz, their cap, on any deadline (energy left over): tau^bloc = 1 / (1e-9 * 3e9 + 2e-9 * 3e9) = 1/9 s.
    // AP 0 at its cap too, so the least deadline is T_lo = 0.02 + 1e8 / 3e9; AP 1 needs 5e7 / (T_lo - 0.03) = 2.1 GHz.
    const input: AllocationInput = { gatewayLatency: Float64Array.of(0.02, 0.03), apCycles: Float64Array.of(1e8, 5e7), blocksPerCycle: Float64Array.of(1e-9, 2e-9), apBudget: Float64Array.of(1, 0.5) };
    const least = 0.02 + 1e8 / 3e9;
    const optimum = allocator.solve(input);
    assert.ok(Math.abs(optimum.latency - (least + 1 / 9)) <= 1e-12, `optimum ${optimum.latency}`);
    for (const [deadline, expected] of [[0, least + 1 / 9], [least, least + 1 / 9], [2 * least, 2 * least + 1 / 9], [10, 10 + 1 / 9]]) {
      const bound = allocator.boundAt(input, deadline!);
      assert.ok(Math.abs(bound - expected!) <= 1e-12 * expected!, `deadline ${deadline}: ${bound} vs ${expected}`);
      assert.ok(bound >= optimum.latency * (1 - 1e-12));
    }
    const infeasible: AllocationInput[] = [
      // work sent to an AP without energy: no deadline is feasible
      { gatewayLatency: Float64Array.of(0.02, 0.03), apCycles: Float64Array.of(1e8, 0), blocksPerCycle: Float64Array.of(1e-9, 1e-9), apBudget: Float64Array.of(0, 1) },
      // deadlines are, but no AP can mine: no block rate at any
      { gatewayLatency: Float64Array.of(0.02, 0.03), apCycles: Float64Array.of(1e8, 0), blocksPerCycle: Float64Array.of(0, 0), apBudget: Float64Array.of(1, 1) },
    ];
    for (const [k, bad] of infeasible.entries()) {
      assert.equal(allocator.solve(bad).feasible, false);
      for (const deadline of [0, 0.05, 1e3]) assert.equal(allocator.boundAt(bad, deadline), Infinity, `input ${k}, deadline ${deadline}`);
    }
  });

  it("gives finite frequencies when a gateway's offloaded work is below its latency's last bit (w / F << ulp(c): the deadline was c itself, f = w / 0)", () => {
    const F = 2498954901.558033;
    const allocator = new ResourceAllocator({ M: 2, J: 2, apOf: Int32Array.of(0, 1), apMaxFreq: Float64Array.of(F, F), apKappa: Float64Array.of(1.4038968637144614e-27, 1.4038968637144614e-27) });
    const result = allocator.solve({
      gatewayLatency: Float64Array.of(2.8296759892357723e20, 2.2817103269057593e23),
      apCycles: Float64Array.of(364081259.085446, 2549.250048),
      blocksPerCycle: Float64Array.of(3.337462262243826e34, 2.438289312958791e24),
      apBudget: Float64Array.of(1e12, 64.42060016653112),
    });
    for (const f of [...result.inferenceFreq, ...result.miningFreq]) assert.ok(Number.isFinite(f) && f >= 0 && f <= F, `frequency ${f}`);
    assert.ok(result.deadline > 2.2817103269057593e23);
  });

  it("meets C5 when a capped AP's mining scale dwarfs the others' (kappa 1e-40: the uncapped scales cancelled away)", () => {
    const system: AllocationSystem = { M: 2, J: 2, apOf: Int32Array.of(0, 1), apMaxFreq: Float64Array.of(1e12, 1e12), apKappa: Float64Array.of(3.319614130557753e-28, 1e-40) };
    const input: AllocationInput = {
      gatewayLatency: Float64Array.of(1.07, 30.78),
      apCycles: Float64Array.of(0, 0),
      blocksPerCycle: Float64Array.of(2.604166803633631e-10, 2.604166803633631e-10),
      apBudget: Float64Array.of(5.647295087519891, 413243305178.5872),
    };
    const result = new ResourceAllocator(system).solve(input);
    assert.ok(result.feasible);
    assert.ok(direct({ system, input }, result.inferenceFreq, result.miningFreq).feasible);
    for (let j = 0; j < 2; j++) {
      const energy = (system.apKappa[j]! * result.miningFreq[j]! ** 3) * result.blockTime;
      assert.ok(energy <= input.apBudget[j]!, `AP ${j}: energy ${energy} over its budget ${input.apBudget[j]}`);
    }
  });

  it('finds a feasible deadline when the bracket spans ~1e90 s (the search ran out of iterations and returned its stale lower end, where nothing is left to mine)', () => {
    // one AP with a micro-joule budget and a PoW puzzle of 1e24 cycles at gamma = e^100: the block takes ~1e90 s
    const system: AllocationSystem = { M: 2, J: 1, apOf: Int32Array.of(0, 0), apMaxFreq: Float64Array.of(3e9), apKappa: Float64Array.of(1e-27) };
    const input: AllocationInput = {
      gatewayLatency: Float64Array.of(0.027659911750540417, 0.0007187206029480597),
      apCycles: Float64Array.of(40244480, 106544),
      blocksPerCycle: Float64Array.of(3.720075985627812e-68),
      apBudget: Float64Array.of(1e-6),
    };
    const result = new ResourceAllocator(system).solve(input);
    assert.ok(result.feasible && Number.isFinite(result.latency), `feasible ${result.feasible}, latency ${result.latency}, deadline ${result.deadline}`);
    assert.ok(direct({ system, input }, result.inferenceFreq, result.miningFreq).feasible);
    // by hand, T = 1e31 s with the rest of the budget spent mining gives 4.41e90 s; the optimum is no worse
    assert.ok(result.latency <= 4.42e90, `latency ${result.latency}`);
  });

  it("keeps C2 and reports the true latency when one gateway's tiny work shares an AP with real work (the C2 deadline stopped at c's next bit)", () => {
    const F = 1e9;
    const input: AllocationInput = {
      gatewayLatency: Float64Array.of(0, 1),
      apCycles: Float64Array.of(1e9, 0.3 * Number.EPSILON * 1e9),
      blocksPerCycle: Float64Array.of(1e-10),
      apBudget: Float64Array.of(1e6),
    };
    const result = new ResourceAllocator({ M: 2, J: 1, apOf: Int32Array.of(0, 0), apMaxFreq: Float64Array.of(F), apKappa: Float64Array.of(1e-28) }).solve(input);
    assert.ok(result.inferenceFreq[0]! + result.inferenceFreq[1]! <= F * (1 + 1e-12), `C2: ${result.inferenceFreq[0]! + result.inferenceFreq[1]!}`);
    for (let m = 0; m < 2; m++) {
      const path = input.gatewayLatency[m]! + input.apCycles[m]! / result.inferenceFreq[m]!;
      assert.ok(Math.abs(path - result.inferenceLatency) <= 1e-9 * result.inferenceLatency, `gateway ${m}: path ${path} vs reported ${result.inferenceLatency}`);
    }
  });
});

describe('baselines/dpra/resource-allocation: deadlines near a large gateway latency', () => {
  it("meets the C2 deadline to its last bits when one gateway's slack T - c is 1 to 10^4 ulps of c (the excess of T's rounding was shrunk from every gateway)", () => {
    // Gateway 0 waits c locally and then needs nearly F for a slack of 1 to 10^4 ulps of c;
    // gateway 1 (c = 0) needs a share 1e-8 to 0.1 of F. The deadline's rounding puts gateway 0
    // up to 1/2 of its slack's ulps over C2; scaling every share by that excess cost gateway 1
    // up to 1e-4 of the deadline.
    const rng = makeRng('dwarfed-ap-time');
    const F = 1e9;
    const system: AllocationSystem = { M: 2, J: 1, apOf: Int32Array.of(0, 0), apMaxFreq: Float64Array.of(F), apKappa: Float64Array.of(1e-28) };
    const allocator = new ResourceAllocator(system);
    for (let trial = 0; trial < 200; trial++) {
      const c = 10 ** (2 + 10 * rng());
      const slack = c * Number.EPSILON * 10 ** (4 * rng());
      const share = 10 ** (-8 + 7 * rng());
      const input: AllocationInput = {
        gatewayLatency: Float64Array.of(c, 0),
        apCycles: Float64Array.of((1 - share) * F * slack, share * F * c),
        blocksPerCycle: Float64Array.of(1e-9),
        apBudget: Float64Array.of(1e12),
      };
      // the least deadline under C2, solved in the slack s = T - c (full precision), by bisection
      const [w0, w1] = input.apCycles;
      let lo = 0;
      let hi = 2 * slack + (w0! + w1!) / F;
      for (let it = 0; it < 200; it++) {
        const mid = (lo + hi) / 2;
        if (w0! / mid + w1! / (c + mid) > F) lo = mid;
        else hi = mid;
      }
      const least = c + hi;
      const result = allocator.solve(input);
      assert.ok(direct({ system, input }, result.inferenceFreq, result.miningFreq).feasible, `trial ${trial}: C2`);
      const inference = Math.max(c + w0! / result.inferenceFreq[0]!, w1! / result.inferenceFreq[1]!);
      assert.ok(inference <= least * (1 + 4 * Number.EPSILON), `trial ${trial} (c ${c}, slack ${slack}, share ${share}): inference latency ${inference}, least under C2 ${least}`);
      assert.ok(Math.abs(result.inferenceLatency - inference) <= 4 * Number.EPSILON * inference, `trial ${trial}: reported ${result.inferenceLatency}, the frequencies give ${inference}`);
    }
  });
});
