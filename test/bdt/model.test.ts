import { strict as assert } from 'node:assert';
import {
  apOfDevice,
  blockTime,
  devicesPerGateway,
  gatewaysPerAp,
  partitionSpaceSize,
  totalFlops,
  budgetExcess,
  computeEnergy,
  computeTime,
  createDecision,
  createQueues,
  createSlotOutcome,
  cutBits,
  difficulty,
  driftTerm,
  evaluateSlot,
  explainDecision,
  headFlops,
  lyapunov,
  make,
  miningEnergy,
  miningRate,
  raceWinner,
  reputationOf,
  tailFlops,
  transmitTime,
  updateQueues,
  uplinkRate,
  workForReputation,
  REPUTATION_KINDS,
  type BdtEnv,
  type Decision,
} from '../../env/index.ts';
import { fixtureState, fixtureSystem } from './fixture.ts';

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);

function fixtureDecision(): Decision {
  return {
    partition: Int32Array.of(1, 2, 2),
    inferenceFreq: Float64Array.of(400, 100),
    miningFreq: Float64Array.of(500, 250),
  };
}

describe('bdt model: scalar equations', () => {
  it('topology lookups read the prefix sums', () => {
    const s = fixtureSystem();
    assert.equal(apOfDevice(s, 2), 1);
    assert.equal(totalFlops(s, 1), 200);
    assert.deepEqual([...devicesPerGateway(s, new Int32Array(2))], [2, 1]);
    assert.deepEqual([...gatewaysPerAp(s, new Int32Array(2))], [1, 1]);
    assert.equal(partitionSpaceSize(s), 12);
    assert.equal(headFlops(s, 1, 2), 100);
    assert.equal(tailFlops(s, 1, 2), 100);
    assert.equal(tailFlops(s, 0, 2), 0);
    assert.equal(cutBits(s, 1, 3), 40);
  });

  it('latency: compute W/(phi f), Shannon rate, S/r; zero work takes no time', () => {
    assert.equal(computeTime(300, 2, 100), 1.5);
    assert.equal(computeTime(0, 2, 0), 0);
    assert.equal(computeTime(5, 2, 0), Infinity);
    assert.equal(computeTime(5, 2, -0), Infinity, 'a frequency of -0 never finishes the work either');
    assert.equal(uplinkRate(1000, 0.5, 2, 0.001), 1000); // SNR 1 -> log2(2)
    assert.equal(uplinkRate(2000, 1, 6, 0.001), 4000); // SNR 3 -> log2(4)
    assert.equal(transmitTime(240, 4000), 0.06);
    assert.equal(transmitTime(0, 0), 0);
    // an SNR of 1e-20 (1 + SNR rounds to 1): still a positive rate, B SNR / ln 2, not 0
    assert.ok(Math.abs(uplinkRate(1, 1e-20, 1, 1) / (1e-20 / Math.LN2) - 1) < 1e-12);
  });

  it('energy: kappa (W/phi) f^2, p tau, kappa f^3 tau^bloc, budget excess', () => {
    close(computeEnergy(1e-6, 300, 2, 100), 1.5, 'compute energy');
    close(miningEnergy(1e-9, 500, 2), 0.25, 'mining energy');
    assert.equal(miningEnergy(1e-9, 0, Infinity), 0);
    // f^3 underflowed while tau^bloc overflowed: the true energy is below the smallest double, not NaN
    assert.equal(miningEnergy(1e-27, 1e-300, Infinity), 0);
    assert.equal(budgetExcess(2, 1.5), 0.5);
    assert.equal(budgetExcess(1, 1.5), 0);
  });

  it('reputation g: exponential, linear, logarithmic, and their inverses, taking the parameters as the system holds them', () => {
    close(reputationOf({ kind: 'exponential', scale: 1000 }, 700), 1 - Math.exp(-0.7), 'exp');
    assert.equal(reputationOf({ kind: 'linear', scale: 1000 }, 700), 0.7);
    assert.equal(reputationOf({ kind: 'linear', scale: 1000 }, 2000), 1);
    close(reputationOf({ kind: 'logarithmic', scale: 1000 }, 1000), Math.LN2 / (1 + Math.LN2), 'log');
    for (const kind of REPUTATION_KINDS) {
      const params = { kind, scale: 1000 };
      assert.equal(reputationOf(params, 0), 0);
      close(workForReputation(params, reputationOf(params, 700)), 700, `${kind} inverse`);
    }
    assert.equal(workForReputation({ kind: 'exponential', scale: 1000 }, 1), Infinity);
    // the ends of g's range: no work for U <= 0; U = 1 only linear reaches (at O_ref), U > 1 nothing
    for (const kind of REPUTATION_KINDS) {
      assert.equal(workForReputation({ kind, scale: 1000 }, 0), 0, kind);
      assert.equal(workForReputation({ kind, scale: 1000 }, -0.1), 0, kind);
      assert.equal(workForReputation({ kind, scale: 1000 }, 1.5), Infinity, kind);
    }
    assert.equal(workForReputation({ kind: 'linear', scale: 1000 }, 1), 1000);
    assert.equal(workForReputation({ kind: 'logarithmic', scale: 1000 }, 1), Infinity);
    // logarithmic: U = 0.5 needs ln(1 + x) = 1, x = e - 1
    close(workForReputation({ kind: 'logarithmic', scale: 1000 }, 0.5), 1000 * (Math.E - 1), 'log inverse at 0.5');
  });

  it('reputation g keeps its digits for work far below O_ref (exponential: 1 - exp(-x) would cancel them)', () => {
    // x = 4.59e-10: g = x - x^2/2 + ... to full precision; 1 - exp(-x) is off by about 1e-7 relative
    const x = 459385344 / 1e18;
    const exact = x - (x * x) / 2;
    const g = reputationOf({ kind: 'exponential', scale: 1e18 }, 459385344);
    assert.ok(Math.abs(g - exact) <= 4 * Number.EPSILON * exact, `g ${g}, exact ${exact}`);
    const log = reputationOf({ kind: 'logarithmic', scale: 1e18 }, 459385344); // log1p(x) / (1 + log1p(x))
    assert.ok(Math.abs(log - (x - 1.5 * x * x)) <= 4 * Number.EPSILON * x, `logarithmic g ${log}`);
  });

  it('a reputation kind, consensus mechanism, block time or reward mode without a case throws, naming it', () => {
    assert.throws(() => reputationOf({ kind: 'sigmoid', scale: 1000 } as never, 700), /reputation kind "sigmoid"/);
    assert.throws(() => workForReputation({ kind: 'sigmoid', scale: 1000 } as never, 0.5), /reputation kind "sigmoid"/);
    assert.throws(() => difficulty('stake' as never, 2, 0.5, 0.25), /consensus mechanism "stake"/);
    assert.throws(() => blockTime('median' as never, 2, 0.5), /block time mode "median"/);
    const env = make('BDT-small-v0').unwrapped as BdtEnv;
    (env.system.reward as { mode: string }).mode = 'lexicographic';
    env.reset({ seed: 1 });
    assert.throws(() => env.step(env.actionSpace.sample()), /reward mode "lexicographic"/);
  });

  it('consensus: difficulty eq. (3), rate, expected and sampled block time, winner', () => {
    close(difficulty('reputation', 2, 0.5, 0.25), Math.exp(-1), 'gamma');
    assert.equal(difficulty('pow', 2, 0.5, 0.9), Math.exp(-0.5));
    assert.equal(miningRate(500, 0.5, 1000), 1);
    assert.equal(blockTime('expected', 4, 0.3), 0.25);
    close(blockTime('sampled', 2, 0.5), Math.LN2 / 2, 'sampled median');
    // -ln(1 - u) / sum lambda (docs/MODEL.md); away from u = 0.5, where it equals -ln(u) / sum lambda
    close(blockTime('sampled', 2, 0.25), -Math.log(0.75) / 2, 'sampled at u = 0.25');
    // near u = 0 the block is almost instant: -ln(1 - u) = u + u^2/2 + ..., to full relative precision
    const tiny = blockTime('sampled', 2, 1e-9);
    assert.ok(Math.abs(tiny / ((1e-9 + 0.5e-18) / 2) - 1) < 1e-12, `sampled at u = 1e-9: ${tiny}`);
    assert.equal(blockTime('expected', 0, 0.5), Infinity);
    const rates = Float64Array.of(1, 0, 3);
    assert.equal(raceWinner(rates, 4, 0.2), 0);
    assert.equal(raceWinner(rates, 4, 0.25), 2);
    assert.equal(raceWinner(rates, 4, 0.999999), 2);
    assert.equal(raceWinner(Float64Array.of(0, 0), 0, 0.5), -1);
    // u sum lambda reaching the total (rounding) goes to the last AP that mines, never one with rate 0
    assert.equal(raceWinner(Float64Array.of(1, 0, 3, 0), 4, 1), 2);
  });

  it('queues: H and G updates, Lyapunov function, drift term', () => {
    const s = fixtureSystem();
    const q = { H: Float64Array.of(1, 0.1), G: Float64Array.of(0, 2) };
    const u = Float64Array.of(0.9, 0.05);
    close(driftTerm(s, q, u), 1 * (0.9 - 0.8) + 0.1 * (0.05 - 0.8) + 2 * (0.2 - 0.05), 'drift');
    assert.equal(lyapunov(q), 0.5 * (1 + 0.01 + 4));
    updateQueues(s, q, u, q);
    close(q.H[0]!, 1.1, 'H0');
    assert.equal(q.H[1], 0); // 0.1 + 0.05 - 0.8 < 0
    assert.equal(q.G[0], 0);
    close(q.G[1]!, 2.15, 'G1');
  });
});

describe('bdt model: evaluateSlot against hand-computed values', () => {
  const s = fixtureSystem();
  const out = createSlotOutcome(s);
  const queues = { H: Float64Array.of(1, 0), G: Float64Array.of(0, 2) };
  evaluateSlot(s, fixtureState(), fixtureDecision(), queues, out);
  const u0 = 1 - Math.exp(-0.7);
  const gamma0 = Math.exp(-2 * u0 - 0.5);
  const lambda0 = 500 / (gamma0 * 1000);
  const lambda1 = 250 / (Math.exp(-0.5) * 1000);
  const tauBloc = 1 / (lambda0 + lambda1);

  it('gateway side: work, bits, compute and transmit time, energy, C4 excess', () => {
    assert.deepEqual([...out.gatewayWork], [300, 1200]);
    assert.deepEqual([...out.offloadWork], [700, 0]);
    assert.deepEqual([...out.uplinkBits], [1000, 240]);
    assert.deepEqual([...out.gatewayComputeTime], [1.5, 6]);
    assert.deepEqual([...out.txTime], [1, 0.06]);
    assert.deepEqual([...out.gatewaySideLatency], [2.5, 6.06]);
    close(out.gatewayEnergy[0]!, 2, 'e0'); // 1e-6*150*1e4 + 0.5*1
    close(out.gatewayEnergy[1]!, 96.06, 'e1'); // 2e-6*1200*4e4 + 1*0.06
    close(out.gatewayEnergyExcess[0]!, 1, 'excess0');
    assert.equal(out.gatewayViolations, 2);
  });

  it('reputation and difficulty from equation (2)', () => {
    assert.deepEqual([...out.offloaded], [700, 0]);
    close(out.reputation[0]!, u0, 'U0');
    assert.equal(out.reputation[1], 0);
    close(out.difficulty[0]!, gamma0, 'gamma0');
    close(out.difficulty[1]!, Math.exp(-0.5), 'gamma1');
  });

  it('AP side: compute time, tau^inf as max over gateways, block time, energies', () => {
    assert.deepEqual([...out.apComputeTime], [0.4375, 0]); // 700 / (4 * 400)
    assert.deepEqual([...out.pathLatency], [2.9375, 6.06]);
    assert.deepEqual([...out.apInferenceLatency], [2.9375, 6.06]);
    assert.equal(out.inferenceLatency, 6.06);
    close(out.miningRate[0]!, lambda0, 'lambda0');
    close(out.blockTime, tauBloc, 'tau bloc');
    close(out.latency, 6.06 + tauBloc, 'tau');
    close(out.inferenceEnergy[0]!, 0.028, 'inference energy'); // 1e-9*175*400^2
    assert.equal(out.inferenceEnergy[1], 0);
    close(out.miningEnergy[0]!, 0.125 * tauBloc, 'mining energy 0');
    close(out.miningEnergy[1]!, 0.03125 * tauBloc, 'mining energy 1');
    assert.equal(out.winner, 0.25 < lambda0 / (lambda0 + lambda1) ? 0 : 1);
  });

  it('Psi = V tau + sum_j [H_j (U_j - Umax) + G_j (Umin - U_j)]', () => {
    close(out.penalty, 10 * (6.06 + tauBloc), 'penalty');
    close(out.drift, u0 - 0.8 + 2 * 0.2, 'drift');
    close(out.psi, out.penalty + out.drift, 'psi');
  });

  it('pow mechanism ignores reputation; sampled mode draws the race', () => {
    const pow = fixtureSystem({ mechanism: 'pow', blockTime: 'sampled' });
    const o = createSlotOutcome(pow);
    evaluateSlot(pow, fixtureState(), fixtureDecision(), createQueues(pow), o);
    const rateSum = (500 + 250) / (Math.exp(-0.5) * 1000);
    close(o.blockTime, Math.LN2 / rateSum, 'sampled block time at u = 0.5');
    assert.equal(o.winner, 0); // 0.25 < 500/750
    assert.equal(o.drift, 0);
    evaluateSlot(pow, { ...fixtureState(), raceDraw: 0.25 }, fixtureDecision(), createQueues(pow), o);
    close(o.blockTime, -Math.log(0.75) / rateSum, 'sampled block time at u = 0.25');
  });

  it('no AP frequency for offloaded work gives infinite latency, not NaN', () => {
    const d = fixtureDecision();
    const o = createSlotOutcome(s);
    evaluateSlot(s, fixtureState(), { ...d, inferenceFreq: Float64Array.of(0, 0), miningFreq: Float64Array.of(0, 0) }, createQueues(s), o);
    assert.equal(o.inferenceLatency, Infinity);
    assert.equal(o.blockTime, Infinity);
    assert.equal(o.apEnergy[0], 0);
    assert.equal(o.winner, -1);
  });

  it('at V = 0 a slot that cannot finish has no penalty: Psi is the drift, not NaN', () => {
    const v0 = fixtureSystem({ V: 0 });
    const o = createSlotOutcome(v0);
    const d = fixtureDecision();
    evaluateSlot(v0, fixtureState(), { ...d, inferenceFreq: Float64Array.of(0, 0) }, queues, o);
    assert.equal(o.latency, Infinity);
    assert.equal(o.penalty, 0);
    close(o.psi, u0 - 0.8 + 2 * 0.2, 'psi = drift');
  });

  it('a mining frequency whose block time overflows counts as no mining energy, not NaN', () => {
    const d = fixtureDecision();
    const o = createSlotOutcome(s);
    evaluateSlot(s, fixtureState(), { ...d, miningFreq: Float64Array.of(1e-307, 0) }, queues, o);
    assert.equal(o.blockTime, Infinity);
    assert.equal(o.miningEnergy[0], 0);
    assert.ok(Number.isFinite(o.apEnergy[0]!), `AP energy ${o.apEnergy[0]}`);
  });
});

describe('bdt model: extreme but valid scenarios', () => {
  it('give finite rewards and observations at the scenario bounds (no rate of 0, no Infinity - Infinity)', () => {
    const overrides = [
      { channel: { distance: 1e7 } },
      { channel: { noiseDbmPerHz: 0 } },
      { gateways: { txPower: 1e-9, flopsPerCycle: 1e-6 } },
      { channel: { distance: 1e7, noiseDbmPerHz: 0 }, gateways: { txPower: 1e-9, bandwidth: 1e12 }, reward: { energyPenalty: 1e12 } },
    ];
    for (const scenario of overrides) {
      const env = make('BDT-small-v0', { scenario });
      env.actionSpace.seed(1);
      env.reset({ seed: 1 });
      for (let t = 0; t < 30; t++) {
        const [next, reward] = env.step(env.actionSpace.sample());
        assert.ok(Number.isFinite(reward), `${JSON.stringify(scenario)}: reward ${reward} at slot ${t}`);
        for (const [key, values] of Object.entries(next)) assert.ok(values.every(Number.isFinite), `${JSON.stringify(scenario)}: obs.${key} at slot ${t}`);
      }
      env.close();
    }
  });
});

describe('bdt model: explainDecision (C1-C3)', () => {
  const s = fixtureSystem();
  it('accepts a feasible decision and the default one', () => {
    assert.equal(explainDecision(s, fixtureDecision()), undefined);
    assert.equal(explainDecision(s, createDecision(s)), undefined);
  });
  it('names the field and index of a violation', () => {
    assert.match(explainDecision(s, { ...fixtureDecision(), partition: Int32Array.of(1, 4, 1) })!, /partition\[1\] = 4: C1/);
    assert.match(explainDecision(s, { ...fixtureDecision(), inferenceFreq: Float64Array.of(NaN, 1) })!, /inferenceFreq\[0\] = NaN/);
    assert.match(explainDecision(s, { ...fixtureDecision(), inferenceFreq: Float64Array.of(1001, 1) })!, /AP 0 .* C2/);
    assert.match(explainDecision(s, { ...fixtureDecision(), miningFreq: Float64Array.of(1, 501) })!, /miningFreq\[1\] = 501: C3/);
  });
  it("reads each gateway's AP once, whatever the number of APs (it read all M per AP: O(M J), every solver agent's act)", () => {
    const scenario = { topology: { kind: 'random', devices: 400, gateways: 80, aps: 20, seed: 7 }, devices: { dnn: 'alexnet', arrivals: { kind: 'poisson', rate: 2 } } } as const;
    const system = (make('BDT-large-v0', { scenario }).unwrapped as BdtEnv).system;
    let reads = 0;
    const apOf = new Proxy(system.apOf, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const decision = createDecision(system);
    decision.inferenceFreq.fill(1e6); // a share of every AP's clock: C2 summed over every AP
    assert.equal(explainDecision({ ...system, apOf }, decision), undefined);
    assert.equal(reads, system.M);
  });
});
