import { strict as assert } from 'node:assert';
import {
  captureWarnings,
  checkEnv,
  make,
  makeVec,
  InvalidActionError,
  InvalidArgumentError,
  KwargsError,
  createDecision,
  createQueues,
  createSlotOutcome,
  evaluateSlot,
  lyapunov,
  updateQueues,
  type ScenarioOverride,
} from '../../env/index.ts';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { decodeIfValid, type BdtAction } from '../../env/bdt/action.ts';
import { drawTrace } from '../../env/bdt/exogenous.ts';
import type { Decision, SlotState } from '../../env/bdt/system.ts';
import type { BdtFullInfoTerms, BdtSummaryInfo } from '../../env/bdt/info.ts';
import { registeredBdtIds } from './registered-bdt-ids.ts';

const ids = registeredBdtIds();
const raw = (id = 'BDT-small-v0', kwargs: Record<string, unknown> = {}) => make(id, kwargs).unwrapped as BdtEnv;

function snapshot(state: SlotState): number[] {
  return [...state.arrivals, ...state.gain, ...state.gatewayBudget, ...state.apBudget, state.raceDraw, state.winnerDraw];
}

/** An action with every share at `share` and every partition at index `k` (clipped to L_n - 1). */
function uniformAction(env: BdtEnv, k: number, share: number): BdtAction {
  const s = env.system;
  return {
    partition: Int32Array.from(s.unitCount, (l) => Math.min(k, l - 1)),
    inferenceShare: new Float64Array(s.M).fill(share),
    miningShare: new Float64Array(s.J).fill(share),
  };
}

/** Every key of `T`, listed: the compiler refuses a list that misses one or names another. */
function allKeys<T>() {
  return <const K extends ReadonlyArray<keyof T>>(keys: [Exclude<keyof T, K[number]>] extends [never] ? K : never): K => keys;
}

describe('BdtEnv info types', () => {
  it('the info has exactly the keys BdtSummaryInfo and BdtFullInfo name, with the types they give', () => {
    const summaryKeys = allKeys<BdtSummaryInfo>()(['slot', 'latency', 'chargedLatency', 'inferenceLatency', 'blockTime', 'latencyCapped', 'winner', 'psi', 'penalty', 'drift', 'lyapunov', 'lyapunovNext', 'backlog', 'gatewayViolations', 'apViolations', 'energyExcess', 'reputation']);
    const fullKeys = allKeys<BdtFullInfoTerms>()(['queues', 'gateways', 'aps', 'partition', 'inferenceFreq', 'miningFreq']);
    for (const infoLevel of ['summary', 'full'] as const) {
      const env = make('BDT-small-v0', { infoLevel }).unwrapped as BdtEnv;
      env.reset({ seed: 1 });
      env.actionSpace.seed(1);
      const [, , , , info] = env.step(env.actionSpace.sample());
      assert.deepEqual(Object.keys(info).sort(), [...summaryKeys, ...(infoLevel === 'full' ? fullKeys : [])].sort(), infoLevel);
      for (const key of summaryKeys) {
        const expected = key === 'reputation' ? 'Float64Array' : key === 'latencyCapped' ? 'boolean' : 'number';
        assert.equal(info[key] instanceof Float64Array ? 'Float64Array' : typeof info[key], expected, key);
      }
      if (infoLevel === 'full') {
        assert.ok(info.partition instanceof Int32Array);
        for (const group of [info.queues!, info.gateways!, info.aps!]) for (const [key, value] of Object.entries(group)) assert.ok(value instanceof Float64Array, key);
      }
    }
  });
});

describe('BdtEnv', () => {
  it('passes checkEnv for every registered B-DT id', () => {
    for (const id of ids) checkEnv(raw(id));
  });

  it('reward is -Psi(t) in dpp mode, and Psi matches evaluateSlot with the queues before the update', () => {
    const env = raw('BDT-v0');
    env.reset({ seed: 5 });
    const system = env.system;
    const decision = createDecision(system);
    const outcome = createSlotOutcome(system);
    const queues = createQueues(system);
    for (let t = 0; t < 30; t++) {
      const action = env.actionSpace.sample();
      action.inferenceShare.fill(0.5); // keep every slot finite (no uncapped latency)
      action.miningShare.fill(0.5);
      env.decodeAction(action, decision);
      queues.H.set(env.queues.H);
      queues.G.set(env.queues.G);
      evaluateSlot(system, env.slotState, decision, queues, outcome);
      const [, reward, , , info] = env.step(action);
      assert.ok(Number.isFinite(outcome.psi));
      assert.equal(reward, -outcome.psi);
      assert.equal(info['psi'], outcome.psi);
      for (let j = 0; j < system.J; j++) {
        assert.equal(env.queues.H[j], Math.max(queues.H[j]! + outcome.reputation[j]! - system.uMax, 0));
        assert.equal(env.queues.G[j], Math.max(queues.G[j]! + system.uMin - outcome.reputation[j]!, 0));
      }
    }
  });

  it('dpp-exact and latency modes, energy penalty and the latency cap', () => {
    const exact = raw('BDT-small-v0', { scenario: { reward: { mode: 'dpp-exact' } } });
    exact.reset({ seed: 1 });
    for (let t = 0; t < 5; t++) {
      const before = lyapunov(exact.queues);
      const [, r, , , info] = exact.step(uniformAction(exact, 0, 0.5));
      assert.ok(Math.abs(r + (exact.system.V * (info['latency'] as number) + lyapunov(exact.queues) - before)) < 1e-9);
    }
    const latency = raw('BDT-small-v0', { scenario: { reward: { mode: 'latency', energyPenalty: 2 } } });
    latency.reset({ seed: 1 });
    const [, r, , , info] = latency.step(uniformAction(latency, 0, 1));
    assert.ok(Math.abs(r - (-(info['latency'] as number) - 2 * (info['energyExcess'] as number))) < 1e-12);
    // no AP cycles for offloaded work: the slot never finishes and is charged the cap
    const [, capped, , , cappedInfo] = latency.step(uniformAction(latency, 0, 0));
    assert.equal(cappedInfo['latency'], Infinity);
    assert.equal(cappedInfo['latencyCapped'], true);
    assert.equal(capped, -60 - 2 * (cappedInfo['energyExcess'] as number));
  });

  it('same seed, different actions: identical exogenous traces; same actions: bit-identical episodes', () => {
    const a = raw('BDT-v0');
    const b = raw('BDT-v0');
    a.reset({ seed: 11 });
    b.reset({ seed: 11 });
    for (let t = 0; t < 50; t++) {
      assert.deepEqual(snapshot(a.slotState), snapshot(b.slotState), `slot ${t}`);
      a.step(uniformAction(a, 0, 1));
      b.step(b.actionSpace.sample());
    }
    const run = () => {
      const env = raw('BDT-v0');
      env.actionSpace.seed(3);
      const rewards: number[] = [];
      let [obs] = env.reset({ seed: 4 });
      const observations = [obs];
      for (let t = 0; t < 40; t++) {
        const [next, r] = env.step(env.actionSpace.sample());
        rewards.push(r);
        observations.push((obs = next));
      }
      return { rewards, observations };
    };
    assert.deepEqual(run(), run());
  });

  it("changing one component's model leaves the other components' draws in place (common random numbers across scenario variants): the gateways' budgets when the APs' turn constant, and back", () => {
    const trace = (scenario: ScenarioOverride) => drawTrace(raw('BDT-v0', { scenario }).system, 5, 30);
    const base = trace({});
    const apsConstant = trace({ aps: { energyBudget: { kind: 'constant', joules: 9 } } });
    const gatewaysConstant = trace({ gateways: { energyBudget: { kind: 'constant', joules: 9 } } });
    assert.deepEqual(apsConstant.gatewayBudget, base.gatewayBudget);
    assert.deepEqual(gatewaysConstant.apBudget, base.apBudget);
    assert.ok(apsConstant.apBudget.every((joules) => joules === 9) && gatewaysConstant.gatewayBudget.every((joules) => joules === 9));
    for (const variant of [apsConstant, gatewaysConstant]) {
      assert.deepEqual([variant.arrivals, variant.gain, variant.raceDraw, variant.winnerDraw], [base.arrivals, base.gain, base.raceDraw, base.winnerDraw]);
    }
  });

  it('after a reset that only replays a trace, an unseeded reset starts the streams from entropy; a seeded one seeds them', () => {
    const trace = drawTrace(raw('BDT-small-v0').system, 8);
    const afterTrace = (seed?: number) => {
      const env = raw('BDT-small-v0');
      env.reset({ ...(seed === undefined ? {} : { seed }), options: { trace } });
      return env.reset()[0];
    };
    // never-seeded streams gave every env the same "random" episode
    assert.notDeepEqual(afterTrace(), afterTrace());
    // with a seed, the streams start from it while the trace plays, and carry on after it
    const plain = raw('BDT-small-v0');
    plain.reset({ seed: 5 });
    assert.deepEqual(afterTrace(5), plain.reset()[0]);
  });

  it('a reset refused for its options or its trace leaves the streams and npRandomSeed as they were (it re-seeded first)', () => {
    const env = raw('BDT-small-v0');
    const reference = raw('BDT-small-v0');
    env.reset({ seed: 1 });
    reference.reset({ seed: 1 });
    const trace = drawTrace(env.system, 3);
    assert.throws(() => env.reset({ seed: 5, options: { foo: 1 } }), /BdtEnv\.reset: unknown reset option "foo"/);
    assert.throws(() => env.reset({ seed: 6, options: { trace: { ...trace, length: 3 } } }), /BdtEnv\.reset: options\.trace cannot be replayed: .*trace\.length = 3/);
    assert.equal(env.npRandomSeed, 1);
    const action = uniformAction(env, 1, 0.5);
    assert.deepEqual(env.step(action), reference.step(action), 'the episode goes on');
    // an unseeded reset continues seed 1's streams, as it would have
    env.reset();
    reference.reset();
    assert.deepEqual(snapshot(env.slotState), snapshot(reference.slotState));
    assert.deepEqual(env.step(action), reference.step(action));
  });

  it('exports a trace with drawTrace and replays it through reset options', () => {
    const env = raw('BDT-small-v0');
    const trace = drawTrace(env.system, 8);
    assert.equal(trace.length, env.system.slots + 1);
    const seeded = raw('BDT-small-v0');
    seeded.reset({ seed: 8 });
    env.reset({ options: { trace } });
    for (let t = 0; t < 20; t++) {
      assert.deepEqual(snapshot(env.slotState), snapshot(seeded.slotState));
      const action = uniformAction(env, t % 3, 0.7);
      assert.deepEqual(env.step(action), seeded.step(action));
    }
    assert.throws(() => env.reset({ options: { trace: { ...trace, length: 3 } } }), /trace\.length = 3/);
    const raceDraw = [...trace.raceDraw];
    raceDraw[2] = 1; // a uniform on [0, 1) never is 1; it would make the block time infinite
    assert.throws(() => env.reset({ options: { trace: { ...trace, raceDraw } } }), /trace\.raceDraw\[2\] = 1: must be a number >= 0 and < 1/);
    const gain = [...trace.gain];
    gain[5] = 0; // an infinite fade: -Infinity dB observed, NaN energies
    assert.throws(() => env.reset({ options: { trace: { ...trace, gain } } }), /trace\.gain\[5\] = 0: must be a number > 0 and < 1000000000/);
    gain[5] = 1e308; // the SNR would overflow to Infinity
    assert.throws(() => env.reset({ options: { trace: { ...trace, gain } } }), /trace\.gain\[5\] = 1e\+308: must be a number > 0 and < 1000000000/);
    const arrivals = [...trace.arrivals];
    arrivals[1] = 1.5; // arrivals count data points
    assert.throws(() => env.reset({ options: { trace: { ...trace, arrivals } } }), /trace\.arrivals\[1\] = 1\.5: must be an integer >= 0/);
    arrivals[1] = 1e300; // a float32 observation of Infinity
    assert.throws(() => env.reset({ options: { trace: { ...trace, arrivals } } }), /trace\.arrivals\[1\] = 1e\+300: must be an integer >= 0 and < 1000000000/);
    arrivals[1] = '5' as unknown as number; // shown as the string it is, not as the number 5
    assert.throws(() => env.reset({ options: { trace: { ...trace, arrivals } } }), /trace\.arrivals\[1\] = "5": must be an integer/);
    const tiny = [...trace.apBudget];
    tiny[1] = 1e-300; // the energies would underflow to 0 against it: every slot would look feasible
    assert.throws(() => env.reset({ options: { trace: { ...trace, apBudget: tiny } } }), /trace\.apBudget\[1\] = 1e-300: must be a number >= 0 and < .*, and 0 or at least 2\.33e-19 J \(the least positive budget a scenario draws\)/);
    tiny[1] = 0; // no budget at all is a budget, outside the observation space's [10, 30]: it warns
    const zeroBudget = captureWarnings(() => env.reset({ options: { trace: { ...trace, apBudget: tiny } } }));
    assert.equal(zeroBudget.warnings.length, 1, zeroBudget.warnings.join('\n'));
    assert.match(zeroBudget.warnings[0]!, /^BdtEnv\.reset: options\.trace goes beyond the observation space: trace\.apBudget at slot 0, AP 1, is 0, outside \[10, 30\] /);
    const apBudget = [...trace.apBudget];
    apBudget[0] = 1e300;
    assert.throws(() => env.reset({ options: { trace: { ...trace, apBudget } } }), /trace\.apBudget\[0\] = 1e\+300: must be a number >= 0 and < 1000000000000000/);
    assert.throws(() => env.reset({ options: { trace: { ...trace, extra: 1 } } }), /unknown key "extra" \(a trace has N, M, J, length, arrivals/);
    assert.throws(() => env.reset({ options: { trace: null } }), /options\.trace cannot be replayed: a trace is an object .*got null/);
    assert.throws(() => env.reset({ options: { trace: [trace] as never } }), /options\.trace cannot be replayed: a trace is an object .*got an array$/);
    // a trace of another scenario, or one cut short, names what does not fit
    assert.throws(() => env.reset({ options: { trace: drawTrace(raw('BDT-v0').system, 8) } }), /options\.trace cannot be replayed: trace\.N = 12, the system has 4$/);
    assert.throws(() => env.reset({ options: { trace: { ...trace, arrivals: trace.arrivals.slice(1) } } }), /trace\.arrivals: expected 404 numbers, got 403$/);
    assert.throws(() => env.reset({ options: { trace: { ...trace, gain: 'x'.repeat(202) as never } } }), /trace\.gain: expected 202 numbers, got string$/);
    assert.throws(() => env.reset({ options: { tarce: trace } }), /BdtEnv\.reset: unknown reset option "tarce" \(options: trace\)/);
  });

  it('an inference share of -0 is the share 0: offloaded work never finishes, in the single and the vector env', () => {
    const results = [0, -0].map((share) => {
      const env = raw('BDT-small-v0');
      env.reset({ seed: 1 });
      const action = uniformAction(env, 0, 0.5);
      action.inferenceShare.fill(share); // all offloaded (k = 0), with no AP frequency for it
      const [, reward, , , info] = env.step(action);
      const vector = makeVec('BDT-small-v0', 2);
      vector.reset({ seed: 1 });
      const batch = { partition: new Int32Array(2 * env.system.N), inferenceShare: new Float64Array(2 * env.system.M).fill(share), miningShare: new Float64Array(2 * env.system.J).fill(0.5) };
      const [, rewards] = vector.step(batch);
      return { reward, latency: info.latency, capped: info.latencyCapped, rewards: Array.from(rewards) };
    });
    assert.equal(results[0]!.latency, Infinity);
    assert.equal(results[0]!.capped, true);
    assert.deepEqual(results[1], results[0]);
  });

  it('a replayed gain so small the uplink rate is 0 gives an infinite energy excess and, with no energy penalty, a finite reward', () => {
    const env = raw('BDT-small-v0');
    const trace = drawTrace(env.system, 3);
    env.reset({ options: { trace: { ...trace, gain: trace.gain.map(() => 5e-324) } } }); // p g underflows to 0
    const [, reward, , , info] = env.step(uniformAction(env, 0, 0.5));
    assert.equal(info.energyExcess, Infinity);
    assert.ok(Number.isFinite(reward), `reward ${reward}`);
    const penalised = raw('BDT-small-v0', { scenario: { reward: { energyPenalty: 1 } } });
    penalised.reset({ options: { trace: { ...trace, gain: trace.gain.map(() => 5e-324) } } });
    assert.equal(penalised.step(uniformAction(penalised, 0, 0.5))[1], -Infinity);
  });

  it('drawTrace refuses the seeds reset refuses and a length (of slot states) that is no integer >= 1, naming itself', () => {
    const { system } = raw('BDT-small-v0');
    for (const seed of [-3, 1.5, Number.NaN, 2 ** 53]) {
      assert.throws(() => drawTrace(system, seed), (e: unknown) => e instanceof InvalidArgumentError && /^drawTrace: seed = .* must be an integer >= 0/.test(e.message), String(seed));
    }
    for (const length of [0, -1, 2.5, Number.NaN, Infinity, '3' as unknown as number]) {
      assert.throws(() => drawTrace(system, 1, length), (e: unknown) => e instanceof InvalidArgumentError && /^drawTrace: length = .* must be an integer >= 1 \(the number of slot states; an episode of T slots uses T \+ 1\)$/.test(e.message), String(length));
    }
    assert.equal(drawTrace(system, 1, 1).length, 1);
    assert.equal(drawTrace(system, 1, 1).raceDraw.length, 1);
  });

  it("arrivals of kind 'trace' read row t % rows at every episode's slot t, after seeded, unseeded and auto-resets alike", () => {
    const rows = 5;
    const scenario: ScenarioOverride = { slots: 3, devices: { arrivals: { kind: 'trace', values: Array.from({ length: rows }, (_, t) => [t, t, t, t]) } } };
    const row = (obs: { arrivals: Float32Array }) => obs.arrivals[0]!; // every device of row t has t arrivals
    const env = raw('BDT-small-v0', { scenario });
    const episodes: number[][] = [];
    for (const seed of [1, undefined, undefined, 2, undefined]) {
      const [first] = env.reset(seed === undefined ? {} : { seed });
      const seen = [row(first)];
      for (let t = 0; t < 3; t++) seen.push(row(env.step(env.actionSpace.sample())[0]));
      episodes.push(seen);
    }
    assert.deepEqual(episodes, Array(5).fill([0, 1, 2, 3]));
    assert.deepEqual(drawTrace(env.system, 1, 7).arrivals.filter((_, i) => i % 4 === 0), [0, 1, 2, 3, 4, 0, 1], 'drawTrace: state t holds row t % rows');
    const vector = makeVec('BDT-small-v0', 2, { kwargs: { scenario } });
    const [first] = vector.reset({ seed: 1 });
    const starts = [Array.from(first.arrivals.filter((_, i) => i % 4 === 0))];
    for (let step = 1; step <= 12; step++) {
      const [obs] = vector.step(vector.actionSpace.sample());
      if (step % 4 === 0) starts.push(Array.from(obs.arrivals.filter((_, i) => i % 4 === 0))); // next-step autoreset: slot 0
    }
    assert.deepEqual(starts, Array(4).fill([0, 0]));
  });

  it('warns, once per trace, when a replayed trace would observe arrivals or budgets outside the observation space', () => {
    const env = raw('BDT-v0');
    const { N } = env.system;
    const trace = drawTrace(env.system, 7);
    const burst = { ...trace, arrivals: trace.arrivals.map((d, i) => (Math.floor(i / N) === 5 ? 10 * d : d)) };
    const { warnings } = captureWarnings(() => {
      env.reset({ options: { trace } });
      env.reset({ options: { trace: burst } });
      env.reset({ options: { trace: burst } });
    });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    const high = env.observationSpace.spaces.arrivals.high;
    const first = burst.arrivals.findIndex((d, i) => d > high[i % N]!);
    assert.equal(Math.floor(first / N), 5, 'only slot 5 was scaled');
    assert.match(warnings[0]!, new RegExp(`^BdtEnv\\.reset: options\\.trace goes beyond the observation space: trace\\.arrivals at slot 5, device ${first % N}, is ${burst.arrivals[first]}, outside \\[0, ${high[first % N]}\\] of the scenario's arrival model`));
    // the warning is true: the env does observe the burst
    for (let t = 0; t < 4; t++) env.step(env.actionSpace.sample()); // step t returns slot t + 1
    const [obs] = env.step(env.actionSpace.sample());
    assert.equal(env.observationSpace.contains(obs), false);
    const budgets = { ...trace, apBudget: trace.apBudget.map((e, i) => (i === 4 ? 1e6 : e)) };
    const { warnings: budgetWarnings } = captureWarnings(() => env.reset({ options: { trace: budgets } }));
    assert.match(budgetWarnings[0] ?? '', /trace\.apBudget at slot 1, AP 1, is 1000000, outside \[/);
  });

  it('decodes shares to frequencies, normalising each AP above 1 (C2), and encodes back', () => {
    const env = raw('BDT-v0');
    const s = env.system;
    const action = uniformAction(env, 2, 0.8);
    const decision = env.decodeAction(action, createDecision(s));
    // AP 0 serves gateways 0 and 1: 0.8 + 0.8 > 1, so each gets half of f_max
    assert.equal(decision.inferenceFreq[0], 0.5 * s.apMaxFreq[0]!);
    assert.equal(decision.inferenceFreq[2], 0.8 * s.apMaxFreq[1]!);
    assert.equal(decision.miningFreq[2], 0.8 * s.apMaxFreq[2]!);
    assert.equal(decision.partition[0], 3);
    const again = env.decodeAction(env.encodeDecision(decision), createDecision(s));
    assert.deepEqual(again, decision);
  });

  it('encodeDecision refuses a decision that breaks C1-C3 or is malformed, naming the field and index', () => {
    const env = raw('BDT-v0');
    const decision = createDecision(env.system);
    const refused = (change: (d: Decision) => unknown, expected: RegExp) => {
      const bad = { partition: Int32Array.from(decision.partition), inferenceFreq: Float64Array.from(decision.inferenceFreq), miningFreq: Float64Array.from(decision.miningFreq) };
      change(bad);
      assert.throws(() => env.encodeDecision(bad), (e: Error) => e instanceof InvalidArgumentError && expected.test(e.message), expected.source);
    };
    refused((d) => ((d as { partition: Int32Array }).partition = new Int32Array(0)), /^encodeDecision: partition: length 0, expected N = 12$/);
    refused((d) => (d.partition[1] = 99), /^encodeDecision: partition\[1\] = 99: C1 needs 1 <= l_n <= L_n = 10$/);
    refused((d) => (d.inferenceFreq[1] = Number.NaN), /^encodeDecision: inferenceFreq\[1\] = NaN: must be a number >= 0/);
    refused((d) => (d.miningFreq[0] = -1), /^encodeDecision: miningFreq\[0\] = -1: C3 needs 0 <= f_j\^bloc/);
    refused((d) => ((d as { partition: unknown }).partition = null), /^encodeDecision: partition: expected an array of numbers, got null$/);
    refused((d) => ((d as { partition: unknown }).partition = [1.5, ...Array.from(decision.partition).slice(1)]), /^encodeDecision: partition\[0\] = 1\.5: C1 needs 1 <= l_n <= L_n/);
    // AP 0 serves gateways 0 and 1: together above f_max breaks C2, whether given as numbers or as strings
    const fMax = env.system.apMaxFreq[0]!;
    refused((d) => (d.inferenceFreq.set([fMax, fMax], 0)), /^encodeDecision: inferenceFreq: AP 0 is given 6000000000 cycles\/s in total: C2 needs <= f_j\^max = 3000000000$/);
    refused((d) => ((d as { inferenceFreq: unknown }).inferenceFreq = [String(fMax), String(fMax), '0', '0']), /^encodeDecision: inferenceFreq\[0\] = "3000000000": expected a number$/);
    assert.throws(() => env.encodeDecision(null as unknown as Decision), /^InvalidArgumentError: encodeDecision: a decision is an object/);
  });

  it('rejects NaN, wrong length and out-of-range actions naming the key and index', () => {
    const env = raw('BDT-small-v0');
    env.reset({ seed: 0 });
    const good = uniformAction(env, 0, 0.5);
    const bad = (patch: Partial<BdtAction>, pattern: RegExp) =>
      assert.throws(
        () => env.step({ ...good, ...patch }),
        (error: unknown) => error instanceof InvalidActionError && pattern.test(error.message),
      );
    bad({ inferenceShare: Float64Array.of(0.5, NaN) }, /inferenceShare.*\[1\]/);
    bad({ miningShare: Float64Array.of(0.5) }, /miningShare/);
    bad({ partition: Int32Array.of(0, 0, 8, 0) }, /partition.*\[2\] = 8/);
  });

  it("decodeAction takes out as optional and refuses an invalid action naming the key and index, alike through either vectorization mode's call", () => {
    const env = raw('BDT-small-v0');
    const good = uniformAction(env, 1, 0.5);
    assert.deepEqual(env.decodeAction(good), env.decodeAction(good, createDecision(env.system)));
    const invalid = { ...good, partition: Int32Array.of(99, 0, 0, 0) };
    assert.throws(() => env.decodeAction(invalid), (e: unknown) => e instanceof InvalidActionError && /^BdtEnv\.decodeAction: invalid action: key "partition": element \[0\] = 99 is outside/.test(e.message));
    assert.throws(() => env.decodeAction({ ...good, inferenceShare: Float64Array.of(0.5, NaN) }), /^InvalidActionError: BdtEnv\.decodeAction: invalid action: key "inferenceShare": element \[1\] is NaN/);
    // the space's explanation, whichever check of the one-pass decode failed first
    const refusals: [Partial<BdtAction>, string][] = [
      [{ partition: Int32Array.of(0, 0, 8, 0) }, 'key "partition": element [2] = 8 is outside {0, …, 7}'],
      [{ inferenceShare: Float64Array.of(NaN, 0.5) }, 'key "inferenceShare": element [0] is NaN'],
      [{ miningShare: Float64Array.of(0.5) }, 'key "miningShare": expected a Float64Array of length 2, got length 1'],
      [{ partition: Int32Array.of(0, 0, 0), miningShare: Float64Array.of(NaN, 0.5) }, 'key "partition": expected an Int32Array of length 4, got length 3'],
    ];
    for (const [change, why] of refusals) {
      assert.throws(() => env.decodeAction({ ...good, ...change }), (e: unknown) => e instanceof InvalidActionError && e.message === `BdtEnv.decodeAction: invalid action: ${why}`, why);
    }
    for (const vectorizationMode of ['sync', 'vector-entry-point'] as const) {
      const vector = makeVec('BDT-small-v0', 2, { vectorizationMode });
      assert.deepEqual(vector.call!('decodeAction', good), [env.decodeAction(good), env.decodeAction(good)], vectorizationMode);
      assert.throws(() => vector.call!('decodeAction', invalid, createDecision(env.system)), (e: unknown) => e instanceof InvalidActionError && /"partition".*\[0\] = 99/.test(e.message), vectorizationMode);
    }
  });

  it("the step's one-pass check and decode agree with the action space's contains and with decodeAction", () => {
    const env = raw('BDT-v0');
    const system = env.system;
    env.actionSpace.seed(3);
    const [one, other] = [createDecision(system), createDecision(system)];
    const scratch = new Float64Array(system.J);
    const variants = (a: BdtAction): unknown[] => [
      a,
      { ...a, inferenceShare: Float64Array.from(a.inferenceShare, (x, i) => (i === 2 ? Number.NaN : x)) },
      { ...a, miningShare: Float64Array.from(a.miningShare, (x, i) => (i === 1 ? 1.0000001 : x)) },
      { ...a, inferenceShare: Float64Array.from(a.inferenceShare, (x, i) => (i === 3 ? -1e-12 : x)) },
      { ...a, partition: Int32Array.from(a.partition, (k, n) => (n === 7 ? system.unitCount[n]! : k)) },
      { ...a, partition: Int32Array.from(a.partition, (k, n) => (n === 0 ? -1 : k)) },
      { ...a, partition: Array.from(a.partition) },
      { ...a, miningShare: a.miningShare.subarray(1) },
      { ...a, extra: 0 },
      { partition: a.partition, inferenceShare: a.inferenceShare },
      null,
      Object.create(a), // every key inherited
      Object.assign([], a), // an array with the three keys
      new Proxy(Object.assign([], a), {}),
      Object.assign(Object.create({ junk: 1 }), a), // an inherited extra key is not the action's
      Object.assign(Object.create({ miningShare: a.miningShare }), { partition: a.partition, inferenceShare: a.inferenceShare, junk: 1 }),
      Object.defineProperty({ ...a }, 'hidden', { value: 1, enumerable: false }),
      Object.assign(Object.create(null), a),
    ];
    for (let i = 0; i < 200; i++) {
      for (const action of variants(env.actionSpace.sample())) {
        const valid = decodeIfValid(system, action, one, scratch);
        assert.equal(valid, env.actionSpace.contains(action), JSON.stringify(action, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
        if (!valid) continue;
        env.decodeAction(action as BdtAction, other);
        assert.deepEqual([one.partition, one.inferenceFreq, one.miningFreq], [other.partition, other.inferenceFreq, other.miningFreq]);
      }
    }
  });

  it('returns observations whose arrays are separate and keep their values after later steps', () => {
    // BDT-v0's eight arrays come from one pool reservation; 2,100 devices are too many for one
    const manyDevices = { scenario: { topology: { kind: 'random', devices: 2100, gateways: 24, aps: 6, seed: 7 }, devices: { dnn: Array(2100).fill('alexnet'), arrivals: { kind: 'poisson', rate: Array(2100).fill(2) } } } };
    for (const [id, kwargs, steps] of [['BDT-v0', {}, 50], ['BDT-large-v0', manyDevices, 5]] as const) {
      const env = raw(id, kwargs);
      const [first] = env.reset({ seed: 4 });
      const kept = [first];
      for (let t = 0; t < steps; t++) kept.push(env.step(env.actionSpace.sample())[0]);
      const values = () => kept.map((obs) => JSON.stringify(Object.values(obs).map((a) => Array.from(a))));
      const before = values();
      for (let t = 0; t < steps; t++) env.step(env.actionSpace.sample());
      assert.deepEqual(values(), before, `${id}: later steps leave kept observations alone`);
      const arrays = kept.flatMap((obs) => Object.values(obs)).sort((a, b) => a.byteOffset - b.byteOffset);
      for (const array of arrays) {
        const overlapping = arrays.filter((other) => other !== array && other.buffer === array.buffer && other.byteOffset < array.byteOffset + array.byteLength && array.byteOffset < other.byteOffset + other.byteLength);
        assert.equal(overlapping.length, 0, `${id}: no two observation arrays share bytes`);
      }
      if (id === 'BDT-large-v0') {
        assert.equal(env.system.N, 2100);
        assert.equal(kept[1]!.H.buffer, kept[1]!.G.buffer, 'the arrays that fit still come from the pool');
      }
    }
  });

  it('make applies a partial scenario override and truncates after T slots', () => {
    const env = make('BDT-small-v0', { scenario: { slots: 3, lyapunov: { V: 2 } } });
    env.reset({ seed: 1 });
    assert.equal((env.unwrapped as BdtEnv).system.V, 2);
    const ends = [1, 2, 3].map(() => env.step(env.actionSpace.sample())[3]);
    assert.deepEqual(ends, [false, false, true]);
    assert.throws(() => make('BDT-small-v0', { scenario: { lyapunov: { uMin: 0.9 } } }), /lyapunov\.uMin: rule: uMin <= uMax/);
  });

  it("the queues' bounds hold the float64 running sums, whose rounding passes T U^min over long episodes", () => {
    const slots = 643_947;
    const env = raw('BDT-small-v0', { scenario: { slots, lyapunov: { uMin: 0.123456789, uMax: 0.9 } } });
    const queues = createQueues(env.system);
    const allLocal = new Float64Array(env.system.J); // U = 0 every slot: G grows by U^min
    for (let t = 0; t < slots; t++) updateQueues(env.system, queues, allLocal, queues);
    assert.ok(queues.G[0]! > slots * 0.123456789, 'the sum passed the product');
    assert.equal(env.observationSpace.spaces.G.contains(Float32Array.from(queues.G)), true);
    assert.equal(env.observationSpace.spaces.H.high[0], Math.fround(slots * (1 - 0.9)), 'no slack shows at float32 where the sums stay below the product');
    // (make's passive checker says each such queue's elements are constant)
    const neverGrowing = captureWarnings(() => raw('BDT-small-v0', { scenario: { lyapunov: { uMin: 0, uMax: 1 } } }));
    assert.equal(neverGrowing.result.observationSpace.spaces.G.high[0], 0, 'a queue that never grows stays [0, 0]');
    assert.deepEqual(neverGrowing.warnings, ['H', 'G'].map((queue) => `observationSpace.${queue} Box(0, 0, [2], float32): low[0] equals high[0] (a constant element)`));
  });

  it('a step after the truncation warns once per episode, as Gymnasium envs do, and goes on', () => {
    const env = make('BDT-small-v0', { scenario: { slots: 2 } });
    const steps = (count: number) => captureWarnings(() => Array.from({ length: count }, () => env.step(env.actionSpace.sample())));
    env.reset({ seed: 1 });
    const inEpisode = steps(2);
    assert.deepEqual(inEpisode.warnings, []);
    assert.equal(inEpisode.result[1]![3], true, 'truncated at T = 2');
    const past = steps(2);
    assert.equal(past.warnings.length, 1, 'once, not every step');
    assert.match(past.warnings[0]!, /^BdtEnv\.step: the episode was truncated after its 2 slots; call reset\(\) once truncated is true/);
    assert.match(past.warnings[0]!, /their observations may leave observationSpace \(the bounds of the queues H and G hold for T slots\)\.$/);
    // and they do: all on the gateways, U = 0, so G grows by U^min a slot, past its bound T U^min after T slots
    const local = raw('BDT-small-v0', { scenario: { slots: 2 } });
    local.reset({ seed: 1 });
    const observations = captureWarnings(() => [0, 1, 2].map(() => local.step(uniformAction(local, 99, 0))[0])).result;
    assert.deepEqual(observations.map((obs) => local.observationSpace.contains(obs)), [true, true, false]);
    assert.deepEqual(Array.from(past.result[1]![0].progress), [1], 'progress stays 1');
    env.reset();
    assert.deepEqual(steps(2).warnings, [], 'a new episode starts unwarned');
    assert.equal(steps(1).warnings.length, 1);
  });

  it("render ('ansi') labels the slot the info describes, and says no slot was decided after a reset rather than showing the last episode's", () => {
    const env = make('BDT-small-v0', { renderMode: 'ansi', scenario: { slots: 3 } });
    const fresh = /^slot 0\/3: no slot decided yet, H \[0\.000 0\.000\], G \[0\.000 0\.000\]$/;
    env.reset({ seed: 1 });
    assert.match(String(env.render()), fresh);
    for (let t = 0; t < 3; t++) {
      const info = env.step(env.actionSpace.sample())[4] as BdtSummaryInfo;
      assert.equal(info.slot, t);
      assert.equal(env.render(), `slot ${t}/3: tau ${info.latency.toPrecision(4)} s (inf ${info.inferenceLatency.toPrecision(4)}, bloc ${info.blockTime.toPrecision(4)}), U [${Array.from(info.reputation, (u) => u.toFixed(3)).join(' ')}], Psi ${info.psi.toPrecision(4)}`);
    }
    env.reset();
    assert.match(String(env.render()), fresh);
  });

  it("info level 'full' reports every per-node term; 'summary' only scalars and reputations", () => {
    const full = raw('BDT-small-v0');
    full.reset({ seed: 2 });
    const [, , , , info] = full.step(uniformAction(full, 1, 0.5));
    const gateways = info['gateways'] as Record<string, Float64Array>;
    const aps = info['aps'] as Record<string, Float64Array>;
    assert.deepEqual([...gateways['sideLatency']!], [...full.outcome.gatewaySideLatency]);
    assert.deepEqual([...aps['difficulty']!], [...full.outcome.difficulty]);
    assert.ok((info['queues'] as Record<string, Float64Array>)['nextH'] instanceof Float64Array);
    const summary = raw('BDT-small-v0', { infoLevel: 'summary' });
    summary.reset({ seed: 2 });
    const [, , , , brief] = summary.step(uniformAction(summary, 1, 0.5));
    assert.equal(brief['gateways'], undefined);
    assert.deepEqual(brief['reputation'], info['reputation']);
    assert.equal(brief['latency'], info['latency']);
  });

  it('refuses bad keyword arguments naming the field, the rule and the value', () => {
    // @ts-expect-error a bad keyword argument of a built-in id is a type error too
    assert.throws(() => make('BDT-small-v0', { infoLevel: 'fll' }), (e: unknown) => e instanceof KwargsError && /^BdtEnv: invalid keyword arguments:\n {2}at infoLevel: .*"summary"\|"full" \(value: "fll"\)$/.test(e.message));
    // @ts-expect-error as above
    assert.throws(() => make('BDT-small-v0', { reuseObservation: 'yes', extra: 1 }), (e: unknown) => e instanceof KwargsError && /at reuseObservation: .*\(value: "yes"\)/.test(e.message) && /Unrecognized key: "extra"/.test(e.message));
  });
});
