import { strict as assert } from 'node:assert';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { aggregate, compareAgents, repeatedIndex, repeatedTrace, type ComparisonSpec } from '../../baselines/harness/compare.ts';
import { AgentEpisodeError, runAgentEpisode } from '../../baselines/harness/run-episode.ts';
import { registerAgent } from '../../baselines/create-agent.ts';
import { RandomAgent } from '../../baselines/reference/random.ts';
import type { Agent } from '../../baselines/agent.ts';
import { InvalidActionError } from '../../env/core/errors.ts';
import { formatSigned, formatSignedMeanInterval, interquartileMean, meanInterval, tQuantile975 } from '../../baselines/harness/statistics.ts';
import { CartPoleEnv, make, register, unregister, type Env } from '../../env/index.ts';
import { readFileSync } from 'node:fs';
import { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { drawTrace } from '../../env/bdt/exogenous.ts';

describe('comparison harness', () => {
  it('meanInterval gives the mean and the t-based 95% half-width', () => {
    // samples 1,2,3: mean 2, sd 1, t(2) = 4.30265 -> t(2) / sqrt(3)
    const m = meanInterval([1, 2, 3]);
    assert.equal(m.mean, 2);
    assert.ok(Math.abs(m.halfWidth - 4.302652729749462 / Math.sqrt(3)) < 1e-12);
    assert.deepEqual(meanInterval([5]), { mean: 5, halfWidth: Number.NaN }, 'one seed gives no interval, not a zero-width one');
    // an infinite sample: no bound on the spread (its (x - mean) is NaN, which read as one seed's)
    assert.deepEqual(meanInterval([-Infinity, -3, -2]), { mean: -Infinity, halfWidth: Infinity });
    assert.deepEqual(meanInterval([Infinity, -Infinity]), { mean: Number.NaN, halfWidth: Infinity });
    assert.deepEqual(meanInterval([Number.NaN, 1]), { mean: Number.NaN, halfWidth: Number.NaN });
    assert.equal(formatSignedMeanInterval(meanInterval([-Infinity, -3]), 2), '-Infinity ± Infinity');
    assert.throws(() => meanInterval([]), /no samples/);
  });

  it('interquartileMean averages the middle half once sorted, floor(n/4) cut from each end (scipy trim_mean 0.25)', () => {
    // 8 samples: 2 cut from each end of 1 2 3 4 5 6 7 100 -> (3 + 4 + 5 + 6) / 4; the outlier does not count
    assert.equal(interquartileMean([100, 7, 1, 6, 2, 5, 3, 4]), 4.5);
    // 7 samples: floor(7/4) = 1 cut from each end of -9 0 1 2 3 4 50 -> (0 + 1 + 2 + 3 + 4) / 5
    assert.equal(interquartileMean([4, 50, -9, 3, 0, 2, 1]), 2);
    assert.equal(interquartileMean([2, 9, 4]), 5, 'fewer than 4 samples: nothing cut, the mean');
    assert.throws(() => interquartileMean([]), /no samples/);
    // a NaN has no place in a sort: trim_mean gives NaN, whatever the order
    for (const samples of [[Number.NaN, 1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, Number.NaN], [5, Number.NaN, 1, 9, 2, 8, 3, 7]]) assert.ok(Number.isNaN(interquartileMean(samples)), String(samples));
  });

  it('differences print their sign one way everywhere: + before a positive value only', () => {
    assert.deepEqual([0.25, 0, -0, -0.25, Number.NaN].map((x) => formatSigned(x, 2)), ['+0.25', '0.00', '0.00', '-0.25', 'NaN']);
    assert.equal(formatSignedMeanInterval(meanInterval([1, 2]), 1), '+1.5 ± 6.4');
    assert.equal(formatSignedMeanInterval(meanInterval([-1, 1]), 1), '0.0 ± 12.7');
    assert.equal(formatSignedMeanInterval(meanInterval([-3]), 1), '-3.0', 'one sample: no interval');
  });

  it("tQuantile975 is Student's t's quantile to the last digits, for few and many degrees of freedom, towards the normal 1.96", () => {
    // scipy.stats.t.ppf(0.975, df) (a table of 3 decimals put the last printed digit of some intervals off by one)
    const exact: [number, number][] = [
      [1, 12.706204736174694], [2, 4.302652729749462], [3, 3.1824463052837078], [4, 2.7764451051977934], [5, 2.5705818356363146], [10, 2.228138851986274],
      [26, 2.0555294386428735], [30, 2.0422724563012378], [31, 2.039513446396408], [40, 2.021075390306273], [60, 2.0002978220142604], [120, 1.9799304050824402],
      [500, 1.9647198374673676], [1000, 1.9623390808264083], [1001, 1.9623367052808798], [10000, 1.960201239890626],
    ];
    for (const [df, t] of exact) assert.ok(Math.abs(tQuantile975(df) - t) <= 2e-14 * t, `df ${df}: ${tQuantile975(df)} vs ${t}`);
    const samples = Array.from({ length: 41 }, (_, i) => i % 2);
    const sd = Math.sqrt(samples.reduce((a, x) => a + (x - 20 / 41) ** 2, 0) / 40);
    assert.ok(Math.abs(meanInterval(samples).halfWidth - (2.021075390306273 * sd) / Math.sqrt(41)) < 1e-12, '41 samples use t(40)');
  });

  it('tQuantile975 refuses degrees of freedom that are no integer >= 1, and gives the normal quantile for Infinity', () => {
    for (const df of [0, -1, 1.5, NaN]) assert.throws(() => tQuantile975(df), new RegExp(`^RangeError: tQuantile975: df must be an integer >= 1 \\(or Infinity\\), got ${df}$`));
    assert.equal(tQuantile975(Infinity), 1.959963984540054);
  });

  it('runs every agent on every seed, reproducibly, with paired differences to the first agent', async () => {
    const spec = { envId: 'BDT-small-v0', agents: ['dpra', 'random'], seeds: [3, 4], scenario: { slots: 15 } };
    const first = await lastValueFrom(compareAgents(spec).pipe(toArray()));
    const again = await lastValueFrom(compareAgents(spec).pipe(toArray()));
    assert.deepEqual(first.map((r) => `${r.agent}/${r.seed}`), ['dpra/3', 'dpra/4', 'random/3', 'random/4']);
    assert.deepEqual(again.map((r) => r.summary), first.map((r) => r.summary));
    for (const r of first) assert.equal(r.summary.slots, 15);

    const [dpra, random] = aggregate(first);
    assert.equal(dpra!.latencyVsFirst.mean, 0);
    const paired = (first[2]!.summary.meanLatency - first[0]!.summary.meanLatency + first[3]!.summary.meanLatency - first[1]!.summary.meanLatency) / 2;
    assert.ok(Math.abs(random!.latencyVsFirst.mean - paired) < 1e-12);
    // The drift-plus-penalty solution beats random actions on the same traces.
    assert.ok(dpra!.meanReward.mean > random!.meanReward.mean, `dpra ${dpra!.meanReward.mean} vs random ${random!.meanReward.mean}`);
  });

  it('pairs every metric it aggregates with the first agent on the same traces: the t-interval of the per-trace differences', async () => {
    const records = await lastValueFrom(compareAgents({ envId: 'BDT-small-v0', agents: ['latency-greedy', 'random'], seeds: [3, 4, 5], scenario: { slots: 12 } }).pipe(toArray()));
    const [greedy, random] = aggregate(records);
    // by hand: the differences seed by seed, their mean, sample sd and t(n - 1) half-width
    const handPaired = (pick: (s: (typeof records)[number]['summary']) => number) => {
      const diffs = [3, 4, 5].map((seed) => pick(records.find((r) => r.agent === 'random' && r.seed === seed)!.summary) - pick(records.find((r) => r.agent === 'latency-greedy' && r.seed === seed)!.summary));
      const mean = (diffs[0]! + diffs[1]! + diffs[2]!) / 3;
      const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / 2);
      return { mean, halfWidth: (4.302652729749462 * sd) / Math.sqrt(3) };
    };
    const close = (got: { mean: number; halfWidth: number }, want: { mean: number; halfWidth: number }, what: string) =>
      assert.ok(Math.abs(got.mean - want.mean) < 1e-9 && Math.abs(got.halfWidth - want.halfWidth) < 1e-9, `${what}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    close(random!.latencyVsFirst, handPaired((s) => s.meanLatency), 'latency');
    close(random!.rewardVsFirst, handPaired((s) => s.meanReward), 'reward');
    close(random!.c6ViolationVsFirst, handPaired((s) => s.c6Violation), 'C6 violation');
    close(random!.energyViolationsVsFirst, handPaired((s) => s.energyViolations), 'energy violations');
    close(random!.backlogVsFirst, handPaired((s) => s.meanBacklog), 'backlog');
    for (const paired of [greedy!.rewardVsFirst, greedy!.c6ViolationVsFirst, greedy!.energyViolationsVsFirst, greedy!.backlogVsFirst]) assert.deepEqual(paired, { mean: 0, halfWidth: 0 }, 'the first agent against itself');
  });

  it("gives agentOptions[name] to the entries of name without options of their own, a labelled entry's own options in their place", async () => {
    const spec = { envId: 'BDT-small-v0', agents: ['wdpo', { label: 'wdpo-cut-1', agent: 'wdpo', options: { partition: [1, 1, 1, 1] } }], seeds: [2], scenario: { slots: 4 }, agentOptions: { wdpo: { partition: [3, 3, 3, 3] } } };
    const records = await lastValueFrom(compareAgents(spec).pipe(toArray()));
    const alone = async (partition: number[]) => (await lastValueFrom(compareAgents({ ...spec, agents: ['wdpo'], agentOptions: { wdpo: { partition } } }))).summary;
    assert.deepEqual(records.map((r) => r.summary), [await alone([3, 3, 3, 3]), await alone([1, 1, 1, 1])]);
    assert.notDeepEqual(records[0]!.summary, records[1]!.summary, 'the two cuts play differently');
  });

  it('runs a labelled entry as its agent under its label, and refuses a label given twice', async () => {
    const records = await lastValueFrom(compareAgents({ envId: 'BDT-small-v0', agents: ['random', { label: 'random-again', agent: 'random' }], seeds: [2], scenario: { slots: 8 } }).pipe(toArray()));
    assert.deepEqual(records.map((r) => r.agent), ['random', 'random-again']);
    assert.deepEqual(records[1]!.summary, records[0]!.summary, 'same agent, same seed, same trace');
    await assert.rejects(lastValueFrom(compareAgents({ envId: 'BDT-small-v0', agents: ['dpra', { label: 'dpra', agent: 'random' }], seeds: [1] })), /agent label "dpra" appears twice/);
    await assert.rejects(lastValueFrom(compareAgents({ envId: 'BDT-small-v0', agents: ['random'], seeds: [4, 5, 4] })), /seed 4 appears twice/);
  });

  it('replays given traces for every agent (episode i: traces[i], agents seeded by seeds[i]) and refuses a bad one before any episode', async () => {
    const system = (make('BDT-small-v0', { scenario: { slots: 6 } }).unwrapped as BdtEnv).system;
    const traces = [drawTrace(system, 101), drawTrace(system, 102)];
    const spec = { envId: 'BDT-small-v0', agents: ['dpra', 'random'], seeds: [5, 6], traces, scenario: { slots: 6 } };
    const records = await lastValueFrom(compareAgents(spec).pipe(toArray()));
    assert.deepEqual(records.map((r) => [r.agent, r.seed, r.trace]), [['dpra', 5, 0], ['dpra', 6, 1], ['random', 5, 0], ['random', 6, 1]]);
    // the same episodes as drawing those traces from their own seeds (seed 101, 102), DPRA being deterministic
    const drawn = await lastValueFrom(compareAgents({ envId: 'BDT-small-v0', agents: ['dpra'], seeds: [101, 102], scenario: { slots: 6 } }).pipe(toArray()));
    assert.deepEqual(records.slice(0, 2).map((r) => r.summary), drawn.map((r) => r.summary));
    await assert.rejects(lastValueFrom(compareAgents({ ...spec, seeds: [5] })), /compareAgents: 2 traces for 1 seeds; give one seed per trace/);
    await assert.rejects(lastValueFrom(compareAgents({ ...spec, traces: [traces[0]!, structuredClone(traces[0]!)] })), /compareAgents: traces\[1\] is the same trace as traces\[0\]; each trace is one sample/);
    const short = { ...traces[1]!, length: 3 };
    await assert.rejects(lastValueFrom(compareAgents({ ...spec, traces: [traces[0]!, short] })), /compareAgents: traces\[1\] cannot be replayed on .* for 6 slots: trace\.length = 3/);
  });

  it('takes a repeated agent seed on given traces (each trace is one sample) and pairs the episodes on their traces', async () => {
    const system = (make('BDT-small-v0', { scenario: { slots: 6 } }).unwrapped as BdtEnv).system;
    const traces = [drawTrace(system, 101), drawTrace(system, 102)];
    const records = await lastValueFrom(compareAgents({ envId: 'BDT-small-v0', agents: ['dpra', 'random'], seeds: [7, 7], traces, scenario: { slots: 6 } }).pipe(toArray()));
    assert.deepEqual(records.map((r) => [r.agent, r.seed, r.trace]), [['dpra', 7, 0], ['dpra', 7, 1], ['random', 7, 0], ['random', 7, 1]]);
    const [, random] = aggregate(records);
    const latency = records.map((r) => r.summary.meanLatency);
    assert.notEqual(latency[0], latency[1], 'distinct traces, so pairing on the seed would be seen');
    assert.ok(Math.abs(random!.latencyVsFirst.mean - (latency[2]! - latency[0]! + latency[3]! - latency[1]!) / 2) < 1e-12);
    // two episodes of one agent on one trace (two results concatenated) leave the pairing undefined: refused
    assert.throws(() => aggregate([...records, { ...records[0]! }]), /aggregate: two episodes of agent "dpra" on trace 0; each agent plays each trace once/);
  });

  it("an episode that throws on a given trace names the trace's index (the agents' seeds repeat there); the episodes emitted before it are whole", async () => {
    const system = (make('BDT-small-v0', { scenario: { slots: 6 } }).unwrapped as BdtEnv).system;
    const traces = [drawTrace(system, 101), drawTrace(system, 102)];
    registerAgent('test-second-episode-fails', {
      description: 'random, throws in its second episode',
      create: (env) => {
        let episodes = 0;
        return { name: 'second-fails', reset: () => void episodes++, act: () => (episodes === 2 ? assert.fail('the second episode') : env.actionSpace.sample()) } as Agent;
      },
    });
    const finished: string[] = [];
    const stream = compareAgents({ envId: 'BDT-small-v0', agents: ['dpra', 'test-second-episode-fails'], seeds: [7, 7], traces, scenario: { slots: 6 } });
    await assert.rejects(
      lastValueFrom(stream.pipe(tap((r) => finished.push(`${r.agent}/${r.trace}/${r.summary.slots}`)))),
      (e: unknown) => e instanceof AgentEpisodeError && e.agent === 'test-second-episode-fails' && e.seed === 7 && e.trace === 1 && e.slot === 0 && e.message === 'agent "test-second-episode-fails", seed 7, trace 1, slot 0: the second episode',
    );
    assert.deepEqual(finished, ['dpra/0/6', 'dpra/1/6', 'test-second-episode-fails/0/6']);
  });

  it("an episode that throws on a given trace is reported by the error runAgentEpisode built: the agent's error as cause, the stack where the episode failed", async () => {
    const system = (make('BDT-small-v0', { scenario: { slots: 6 } }).unwrapped as BdtEnv).system;
    const traces = [drawTrace(system, 101), drawTrace(system, 102)];
    let thrown: Error | undefined;
    function actOnTheSecondTrace(env: Env, episodes: number): unknown {
      if (episodes === 2) throw (thrown = new RangeError('the second trace'));
      return env.actionSpace.sample();
    }
    registerAgent('test-second-trace-fails', {
      description: 'random, throws in its second episode, from a named function',
      create: (env) => {
        let episodes = 0;
        return { name: 'second-trace-fails', reset: () => void episodes++, act: () => actOnTheSecondTrace(env, episodes) } as Agent;
      },
    });
    const error = await lastValueFrom(compareAgents({ envId: 'BDT-small-v0', agents: ['test-second-trace-fails'], seeds: [7, 7], traces, scenario: { slots: 6 } })).then(
      () => assert.fail('the second episode threw'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AgentEpisodeError && error.trace === 1, String(error));
    // the agent's error itself, with the agent's frame in its stack
    assert.equal(error.cause, thrown);
    assert.match(thrown!.stack!, /at actOnTheSecondTrace /);
    // the error's own stack runs through the episode that failed, not only through compare's rethrow (which rebuilt it, the cause kept but this stack lost)
    assert.match(error.stack!, /at runAgentEpisode /);
  });

  it('finds a trace given twice by its contents, not its JSON: the same object, an equal copy, a copy with its keys in another order; not a trace differing in one late element', async () => {
    const system = (make('BDT-small-v0', { scenario: { slots: 6 } }).unwrapped as BdtEnv).system;
    const traces = [drawTrace(system, 101), drawTrace(system, 102)];
    const reordered = Object.fromEntries(Object.entries(traces[1]!).reverse()) as unknown as typeof traces[number];
    assert.deepEqual(repeatedTrace([traces[0]!, traces[1]!, traces[0]!], 6), [0, 2]);
    assert.deepEqual(repeatedTrace([traces[0]!, traces[1]!, structuredClone(traces[1]!)], 6), [1, 2]);
    assert.deepEqual(repeatedTrace([traces[0]!, traces[1]!, reordered], 6), [1, 2]);
    // slot 5, the last an episode of 6 slots steps on
    const lastDrawChanged = { ...traces[0]!, winnerDraw: traces[0]!.winnerDraw.map((x, i) => (i === 5 ? x / 2 : x)) };
    assert.equal(repeatedTrace([traces[0]!, traces[1]!, lastDrawChanged], 6), undefined);
    // compareAgents refuses the reordered copy, with its message
    const spec = { envId: 'BDT-small-v0', agents: ['random'], seeds: [5, 6], traces: [traces[1]!, reordered], scenario: { slots: 6 } };
    await assert.rejects(lastValueFrom(compareAgents(spec)), /^GymError: compareAgents: traces\[1\] is the same trace as traces\[0\]; each trace is one sample, give it once$/);
  });

  it('counts traces that agree on the slots an episode replays as one: one seed drawn to 20 and to 30 slot states, replayed for 20 slots (they passed as two samples, a falsely tight interval)', async () => {
    const system = (make('BDT-small-v0').unwrapped as BdtEnv).system;
    const [short, long] = [drawTrace(system, 7, 20), drawTrace(system, 7, 30)];
    const spec = { envId: 'BDT-small-v0', agents: ['dpra', 'latency-greedy'], seeds: [0, 0], traces: [short, long], scenario: { slots: 20 } };
    await assert.rejects(lastValueFrom(compareAgents(spec)), /^GymError: compareAgents: traces\[1\] is the same trace as traces\[0\]; each trace is one sample, give it once$/);
    // a slot state past them, the final observation's, is no difference
    const finalStateChanged = { ...long, raceDraw: long.raceDraw.map((x, i) => (i === 20 ? x / 2 : x)) };
    assert.deepEqual(repeatedTrace([long, finalStateChanged], 20), [0, 1]);
  });

  it('repeatedIndex finds the first repeated value with the index of its first occurrence', () => {
    const seeds = Array.from({ length: 100_000 }, (_, i) => i);
    assert.equal(repeatedIndex(seeds), undefined);
    assert.deepEqual(repeatedIndex([...seeds, 7, 3]), [7, 100_000]);
    assert.deepEqual(repeatedIndex(['a', 'b', 'b', 'a']), [1, 2]);
  });

  it('refuses a spec with an unknown key or no env id, naming the keys a spec has (a JavaScript caller gets no type check)', async () => {
    const spec = { env: 'BDT-v0', agents: ['random'], seeds: [1], slots: 5 } as unknown as ComparisonSpec;
    await assert.rejects(lastValueFrom(compareAgents(spec)), /^GymError: compareAgents: unknown keys "env", "slots" \(a spec has envId, agents, seeds, traces, scenario, agentOptions; episode length is scenario\.slots\)$/);
    await assert.rejects(lastValueFrom(compareAgents({ agents: ['random'], seeds: [1] } as unknown as ComparisonSpec)), /compareAgents: envId must be a registered env id such as "BDT-v0", got undefined/);
  });

  it('runs on an id whose env needs its scenario as a kwarg (registered with a factory), given the whole scenario', async () => {
    register({ id: 'TestScenarioKwarg-v0', entryPoint: (kwargs) => new BdtEnv(kwargs as ConstructorParameters<typeof BdtEnv>[0]) });
    try {
      const scenario = JSON.parse(readFileSync(new URL('../../configs/small.json', import.meta.url), 'utf8')) as Record<string, unknown>;
      const records = await lastValueFrom(compareAgents({ envId: 'TestScenarioKwarg-v0', agents: ['random'], seeds: [1], scenario: { ...scenario, slots: 3 } }).pipe(toArray()));
      assert.equal(records.length, 1);
    } finally {
      unregister('TestScenarioKwarg-v0');
    }
  });

  it('refuses an env that is not a B-DT one, saying so', async () => {
    await assert.rejects(lastValueFrom(compareAgents({ envId: 'CartPole-v1', agents: ['dpra'], seeds: [1] })), /^GymError: compareAgents: CartPole-v1 is not a B-DT env \(its unwrapped env is CartPoleEnv\)/);
    // one that cannot be made without kwargs is checked once the agents' envs are made
    register({ id: 'TestNeedsKwargs-v0', entryPoint: (kwargs) => (kwargs['scenario'] === undefined ? assert.fail('needs a scenario') : new CartPoleEnv()) });
    try {
      await assert.rejects(lastValueFrom(compareAgents({ envId: 'TestNeedsKwargs-v0', agents: ['random'], seeds: [1], scenario: { slots: 3 } })), /^GymError: compareAgents: TestNeedsKwargs-v0 is not a B-DT env \(its unwrapped env is CartPoleEnv\)/);
    } finally {
      unregister('TestNeedsKwargs-v0');
    }
  });

  it("runAgentEpisode names the slot being decided when the episode threw (none when it failed before its first decision)", () => {
    const env = make('BDT-small-v0', { scenario: { slots: 6 } });
    let decisions = 0;
    const fourthFails: Agent = {
      name: 'fourth-fails',
      reset: () => (decisions = 0),
      act: () => {
        if (++decisions === 4) throw new RangeError('the fourth decision');
        return env.actionSpace.sample();
      },
    };
    assert.throws(() => runAgentEpisode('fourth-fails', env, fourthFails, 3), (e: unknown) => e instanceof AgentEpisodeError && e.seed === 3 && e.slot === 3 && e.message === 'agent "fourth-fails", seed 3, slot 3: the fourth decision');
    const resetFails: Agent = { name: 'reset-fails', reset: () => assert.fail('no reset'), act: () => env.actionSpace.sample() };
    assert.throws(() => runAgentEpisode('reset-fails', env, resetFails, 1), (e: unknown) => e instanceof AgentEpisodeError && e.slot === undefined && /^agent "reset-fails", seed 1: no reset$/.test(e.message));
    env.close();
  });

  it('runAgentEpisode refuses an async act (a Promise) saying why, and its rejection does not surface as an unhandled one', async () => {
    const env = make('BDT-small-v0', { scenario: { slots: 3 } });
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const asyncAct = { name: 'async', reset() {}, act: async () => assert.fail('rejected later') } as unknown as Agent;
      assert.throws(
        () => runAgentEpisode('async', env, asyncAct, 1),
        (e: unknown) => e instanceof AgentEpisodeError && e.slot === 0 && e.cause instanceof InvalidActionError && e.cause.message === 'act returned a Promise: Agent.act must be synchronous (load in the factory, which may be async)',
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(rejections, []);
    } finally {
      process.off('unhandledRejection', onRejection);
      env.close();
    }
  });

  it("releases every agent when an episode or a dispose throws, and reports the first error (the episode's)", async () => {
    let disposed = 0;
    const throwingDispose = () => {
      throw new Error('dispose failed');
    };
    registerAgent('test-bad-action-bad-dispose', { description: 'an invalid action, a throwing dispose', create: () => ({ name: 'x', reset() {}, act: () => ({}), dispose: throwingDispose }) });
    registerAgent('test-bad-dispose', { description: 'a throwing dispose', create: () => Object.assign(new RandomAgent(), { dispose: throwingDispose }) });
    registerAgent('test-counted-dispose', { description: 'counts its disposals', create: () => Object.assign(new RandomAgent(), { dispose: () => void disposed++ }) });
    const spec = { envId: 'BDT-small-v0', seeds: [1], scenario: { slots: 2 } };
    await assert.rejects(lastValueFrom(compareAgents({ ...spec, agents: ['test-bad-action-bad-dispose', 'test-counted-dispose'] })), (e: unknown) => e instanceof AgentEpisodeError && e.agent === 'test-bad-action-bad-dispose' && e.cause instanceof InvalidActionError);
    assert.equal(disposed, 1, 'the agent after the throwing dispose was disposed of');
    await assert.rejects(lastValueFrom(compareAgents({ ...spec, agents: ['test-bad-dispose', 'test-counted-dispose'] })), /^Error: dispose failed$/);
    assert.equal(disposed, 2);
  });

  it('unsubscribing while the agents are being built builds no further agent and releases those built', async () => {
    const log: string[] = [];
    registerAgent('test-slow-create', {
      description: 'built asynchronously, logs its creation and disposal',
      create: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        log.push('created');
        return Object.assign(new RandomAgent(), { dispose: () => void log.push('disposed') });
      },
    });
    const agents = ['test-slow-create', { label: 'second', agent: 'test-slow-create' }, { label: 'third', agent: 'test-slow-create' }];
    const subscription = compareAgents({ envId: 'BDT-small-v0', agents, seeds: [1], scenario: { slots: 2 } }).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 10)); // the first agent is being built
    subscription.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 150)); // the others would have been built by now
    assert.deepEqual(log, ['created', 'disposed']);
  });

  it('rejects an unknown agent listing the available ones', async () => {
    await assert.rejects(lastValueFrom(compareAgents({ envId: 'BDT-small-v0', agents: ['nope'], seeds: [1] })), /unknown agent "nope" \(available: .*dpra/);
    // refused before any episode: nothing is emitted for the agents before the bad one
    for (const [spec, message] of [
      [{ agents: ['dpra', 'nope'], seeds: [1] }, /unknown agent "nope"/],
      [{ agents: ['dpra', 'wdpo'], seeds: [1], agentOptions: { wdpo: { partition: [1] } } }, /agent wdpo: option partition has 1 entries/],
      [{ agents: ['dpra'], seeds: [1], agentOptions: { rnadom: {} } }, /agentOptions for "rnadom", which is not among the agents \(dpra\)/],
      // a labelled entry's own options take the place of agentOptions[name]: with no other entry of it, those apply to none
      [{ agents: [{ label: 'w', agent: 'wdpo', options: {} }], seeds: [1], agentOptions: { wdpo: { partition: 'no-such' } } }, /^GymError: compareAgents: agentOptions for "wdpo" apply to no entry: every entry of "wdpo" has options of its own/],
      [{ agents: ['dpra'], seeds: [1, -1] }, /compareAgents: seeds\[1\]: seed = -1 must be an integer >= 0/],
      [{ agents: ['dpra'], seeds: [NaN] }, /compareAgents: seeds\[0\]: seed = NaN must be an integer >= 0/],
      [{ agents: ['dpra'], seeds: [] }, /seeds must be a non-empty array/],
      [{ agents: [], seeds: [1] }, /agents must be a non-empty array/],
      [{ agents: [{ label: '', agent: 'dpra' }], seeds: [1] }, /every agent needs a non-empty label/],
      // a misspelt key ran the agent with its defaults; null was a TypeError
      [{ agents: [{ label: 'a', agent: 'dpra', opts: { effort: 'fast' } }], seeds: [1] }, /^GymError: compareAgents: agent "a" has unknown key "opts" \(keys: label, agent, options\)$/],
      [{ agents: ['dpra', null], seeds: [1] }, /^GymError: compareAgents: an agent is a name or \{label, agent, options\?\}, got null$/],
      // an override that contradicts an agent's own scenario, and an oracle the scenario is too large for
      [{ agents: ['dpra', 'wtcm'], seeds: [1], scenario: { slots: 3, consensus: { mechanism: 'reputation' } } }, /^GymError: agent wtcm runs on consensus\.mechanism = "pow" \(its scenario\); the scenario override sets "reputation"/],
      [{ agents: ['dpra', 'oracle'], seeds: [1], agentOptions: { oracle: { maxPartitions: 10 } } }, /^GymError: agent oracle: this scenario has 1\.000e\+3 partition vectors, more than option maxPartitions = 10/],
    ] as const) {
      const emitted: unknown[] = [];
      await assert.rejects(lastValueFrom(compareAgents({ envId: 'BDT-small-v0', scenario: { slots: 3 }, ...spec } as never).pipe(tap((r) => emitted.push(r)))), message);
      assert.deepEqual(emitted, [], JSON.stringify(spec));
    }
  });
});
