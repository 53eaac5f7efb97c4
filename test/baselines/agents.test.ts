import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { make } from '../../env/registration.ts';
import { KwargsError } from '../../env/core/zod-issues.ts';
import '../../env/index.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { mergeDeep, type ScenarioOverride } from '../../env/bdt/scenario/parse.ts';
import * as z from 'zod';
import { runEpisode } from '../../baselines/harness/run-episode.ts';
import { AgentCreationError } from '../../baselines/create-agent.ts';
import { RandomAgent, SolverAgent, agentScenario, createAgent, registerAgent, UnknownAgentError, type Agent } from '../../baselines/index.ts';
import { agentEntry, scriptedAgentNames } from '../../baselines/create-agent.ts';
import { middlePartition } from '../../baselines/static-partition.ts';
import { createWdpoAgent } from '../../baselines/wdpo.ts';
import { GymError } from '../../env/core/errors.ts';
import { setWarningHandler } from '../../env/core/logger.ts';
import { registryCopies } from '../../env/registration.ts';
import { build } from 'esbuild';

describe('baselines: agents and createAgent', () => {
  it('an unknown agent name lists the available ones', async () => {
    await assert.rejects(createAgent('dpra2', make('BDT-small-v0')), (error: unknown) => {
      assert.ok(error instanceof UnknownAgentError);
      for (const name of ['dpra', 'wdpo', 'wtcm', 'latency-greedy', 'all-local', 'random', 'oracle']) assert.ok(error.message.includes(name), error.message);
      return true;
    });
  });

  it('an unknown name is a GymError; replacing a registered agent with another warns, registering the same one again does not', () => {
    assert.ok(new UnknownAgentError('x', []) instanceof GymError);
    const warnings: string[] = [];
    const previous = setWarningHandler((message) => warnings.push(message));
    try {
      const create = () => new RandomAgent();
      registerAgent('test-replaced', { description: 'first', create });
      registerAgent('test-replaced', { description: 'first', create });
      assert.deepEqual(warnings, []);
      registerAgent('test-replaced', { description: 'second', create });
      assert.deepEqual(warnings, ['registerAgent: agent "test-replaced" (first) replaced by: second']);
      assert.equal(agentEntry('test-replaced').description, 'second');
    } finally {
      setWarningHandler(previous);
    }
    // a bad entry was registered, and the agent then reported as unknown although listed
    assert.throws(() => registerAgent('test-null', null as never), { message: 'registerAgent("test-null"): entry must be {description: string, create: (env, options) => Agent, scenarioOverride?}, got null' });
    assert.throws(() => registerAgent('', { description: 'd', create: () => new RandomAgent() }), { message: 'registerAgent: name must be a non-empty string, got ""' });
    assert.throws(() => registerAgent('test-override', { description: 'd', create: () => new RandomAgent(), scenarioOverride: [] as never }), { message: 'registerAgent("test-override"): scenarioOverride must be a partial scenario object, got []' });
    assert.throws(() => agentEntry('test-null'), UnknownAgentError);
  });

  it('an unknown ppo or dqn says which call registers the learned agents', () => {
    // the error itself: other test files register the learned agents in this process
    for (const name of ['ppo', 'dqn']) assert.equal(new UnknownAgentError(name, ['dpra', 'random']).message, `unknown agent "${name}" (available: dpra, random; ${name} is registered by registerLearnedAgents() from bdt-gym/agents)`);
    assert.equal(new UnknownAgentError('nope', ['dpra']).message, 'unknown agent "nope" (available: dpra)');
  });

  it('an unknown agent name suggests the nearest, a letter off, two swapped or another case (the list alone was printed)', () => {
    const names = ['dpra', 'wdpo', 'wtcm', 'random', 'oracle'];
    assert.equal(new UnknownAgentError('dpr', names).message, 'unknown agent "dpr"; did you mean "dpra"? (available: dpra, wdpo, wtcm, random, oracle)');
    assert.match(new UnknownAgentError('wtmc', names).message, /^unknown agent "wtmc"; did you mean "wtcm"\? \(available: /);
    assert.match(new UnknownAgentError('oracel', names).message, /^unknown agent "oracel"; did you mean "oracle"\? /);
    assert.match(new UnknownAgentError('DPRA', names).message, /^unknown agent "DPRA"; did you mean "dpra"\? /);
    assert.match(new UnknownAgentError('wxyz', names).message, /^unknown agent "wxyz" \(available: /, 'no near name, no suggestion');
  });

  it('every scripted agent refuses an unknown or ill-typed option with the agent, path, rule and value', async () => {
    const env = make('BDT-small-v0');
    for (const name of scriptedAgentNames) {
      await assert.rejects(createAgent(name, env, { nope: 1 }), (e: unknown) => e instanceof KwargsError && e.message.startsWith(`agent ${name}: invalid options:\n  at (root): Unrecognized key: "nope"`), name);
    }
    await assert.rejects(createAgent('dpra', env, { effort: 'fastest' }), (e: unknown) => e instanceof KwargsError && /^agent dpra: invalid options:\n {2}at effort: .*"screened" \(value: "fastest"\)$/.test(e.message));
    await assert.rejects(createAgent('wdpo', env, { partition: [0, 1, 1, 1] }), /at partition\[0\]: .*>=1 \(value: 0\)/);
    env.close();
  });

  it("createAgent names the agent of a factory that throws or returns no agent (AgentCreationError), turns a factory's plain zod parse into the KwargsError naming it, and passes a GymError through", async () => {
    const env = make('BDT-small-v0');
    const bug = new RangeError('a bug');
    registerAgent('test-throwing-factory', {
      description: 'throws',
      create: () => {
        throw bug;
      },
    });
    await assert.rejects(createAgent('test-throwing-factory', env), (e: unknown) => e instanceof AgentCreationError && e.agent === 'test-throwing-factory' && e.cause === bug && e.message === 'agent "test-throwing-factory" could not be created: a bug');
    registerAgent('test-null-factory', { description: 'returns null', create: () => null as unknown as Agent });
    await assert.rejects(createAgent('test-null-factory', env), /^AgentCreationError: agent "test-null-factory" could not be created: its factory returned null, not an agent \(an object with reset and act\)$/);
    const Options = z.object({ depth: z.number().int().default(2) }).strict();
    registerAgent('test-zod-factory', { description: 'parses its options with zod', create: (_env, options) => (Options.parse(options), new RandomAgent()) });
    await assert.rejects(
      createAgent('test-zod-factory', env, { depth: 1.5, extra: true }),
      (e: unknown) => e instanceof KwargsError && e.message === 'agent test-zod-factory: invalid options:\n  at depth: Invalid input: expected int, received number (value: 1.5)\n  at (root): Unrecognized key: "extra"',
    );
    const refusal = new GymError('test-refusing-factory: not on this env');
    registerAgent('test-refusing-factory', {
      description: 'refuses',
      create: () => {
        throw refusal;
      },
    });
    await assert.rejects(createAgent('test-refusing-factory', env), (e: unknown) => e === refusal);
    env.close();
  });

  it("an agent given another copy's env (env/ and baselines/ bundled apart) says a second copy is loaded", async () => {
    // a bundle of env/ is a second copy, with its own BdtEnv class, as a browser build of env/ alone beside one of baselines/
    const bundle = await build({ entryPoints: [fileURLToPath(new URL('../../env/index.ts', import.meta.url))], bundle: true, write: false, format: 'esm', platform: 'neutral', mainFields: ['module', 'main'], logLevel: 'silent' });
    const copy = (await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0]!.text).toString('base64')}`)) as typeof import('../../env/index.ts');
    assert.ok(registryCopies() >= 2);
    const env = copy.make('BDT-small-v0');
    const [observation] = env.reset({ seed: 1 });
    const agent = await createAgent('dpra', env as never);
    assert.throws(() => agent.act(observation as never, { env: env as never }), (error: Error) => {
      assert.match(error.message, /^agent dpra: needs a B-DT env .*, got <.*BdtEnv<BDT-small-v0>>; \d+ copies of bdt-gym are loaded, and this agent's copy did not make the env: import the env and the agents from one install \(in a browser, bundle env\/ and baselines\/ in one build\)$/);
      return true;
    });
  });

  it('every registered scripted agent runs an episode of BDT-small-v0 without NaN, on its scenario variant', async () => {
    for (const name of scriptedAgentNames) {
      const entry = agentEntry(name);
      const env = make('BDT-small-v0', { scenario: mergeDeep({ slots: 15 }, entry.scenarioOverride ?? {}) as ScenarioOverride, infoLevel: 'summary' });
      const agent = await createAgent(name, env);
      const summary = runEpisode(env, agent, 2);
      assert.equal(summary.slots, 15);
      assert.ok(Number.isFinite(summary.meanLatency) && Number.isFinite(summary.meanReward), `${name}: ${JSON.stringify(summary)}`);
    }
  });

  it("a solver agent's episode does not depend on the episode it played before: WDPO's BDT-large-v0 seed 3 after seed 2 is seed 3 on a fresh agent (the solver started from the last episode's deadline, so per-episode figures of compare --jobs differed in the last bits)", async () => {
    const env = make('BDT-large-v0', { infoLevel: 'summary' });
    const fresh = runEpisode(env, await createAgent('wdpo', env), 3);
    const used = await createAgent('wdpo', env);
    runEpisode(env, used, 2);
    assert.deepEqual(runEpisode(env, used, 3), fresh);
  });

  it('WTCM refuses the reputation mechanism and names the override; runs under pow', async () => {
    const reputation = make('BDT-small-v0', { scenario: { slots: 3 } });
    const agent = await createAgent('wtcm', reputation);
    const [obs, info] = reputation.reset({ seed: 0 });
    assert.throws(() => agent.act(obs, { info, env: reputation }), /"pow".*consensus.*mechanism/);
    const pow = make('BDT-small-v0', { scenario: { slots: 3, consensus: { mechanism: 'pow' } } });
    assert.equal((pow.unwrapped as BdtEnv).system.mechanism, 'pow');
    assert.equal(runEpisode(pow, agent, 0).slots, 3);
  });

  it("agentScenario adds an agent's own scenario fields to an override, and refuses an override that sets one otherwise", () => {
    assert.deepEqual(agentScenario('wtcm', { slots: 5 }), { slots: 5, consensus: { mechanism: 'pow' } });
    assert.deepEqual(agentScenario('wtcm', { consensus: { mechanism: 'pow', alpha: 3 } }), { consensus: { mechanism: 'pow', alpha: 3 } });
    assert.throws(() => agentScenario('wtcm', { consensus: { mechanism: 'reputation' } }), (e: unknown) => e instanceof GymError && e.message === 'agent wtcm runs on consensus.mechanism = "pow" (its scenario); the scenario override sets "reputation": leave that field out for wtcm');
    const override = { slots: 3 };
    assert.equal(agentScenario('dpra', override), override, 'an agent without a scenario of its own takes the override as is');
  });

  it("agentScenario refuses an override whose section of the agent's scenario is no object (WTCM's consensus section replaced it unseen)", () => {
    const refused = (message: string) => (e: unknown) => e instanceof GymError && e.message === message;
    assert.throws(() => agentScenario('wtcm', { consensus: 'x' }), refused(`agent wtcm: the scenario override's consensus must be an object (a section of the scenario), got "x"`));
    assert.throws(() => agentScenario('wtcm', { consensus: null }), refused(`agent wtcm: the scenario override's consensus must be an object (a section of the scenario), got null`));
    assert.throws(() => agentScenario('wtcm', 'x' as never), refused('agent wtcm: the scenario override must be an object, got "x"'));
    assert.deepEqual(agentScenario('wtcm', { consensus: undefined }), { consensus: { mechanism: 'pow' } }, 'an undefined section changes nothing, as in mergeDeep');
  });

  it('latency-greedy ignores V: the same episode at V = 0 (where V tau ranks nothing) as at V = 10', async () => {
    const episode = async (V: number) => {
      const env = make('BDT-v0', { scenario: { slots: 20, lyapunov: { V } } });
      return runEpisode(env, await createAgent('latency-greedy', env), 1);
    };
    const [atZero, atTen] = [await episode(0), await episode(10)];
    assert.equal(atZero.meanLatency, atTen.meanLatency);
    assert.deepEqual(atZero.avgReputation, atTen.avgReputation);
  });

  it('WDPO keeps its fixed partition (middle unit by default), all-local keeps l = L', async () => {
    const env = make('BDT-v0', { scenario: { slots: 4 } });
    const system = (env.unwrapped as BdtEnv).system;
    for (const [name, expected] of [
      ['wdpo', middlePartition(system)],
      ['all-local', Int32Array.from(system.unitCount)],
    ] as const) {
      const agent = (await createAgent(name, env)) as SolverAgent;
      let [obs, info] = env.reset({ seed: 1 });
      for (let t = 0; t < 3; t++) {
        const action = agent.act(obs, { info, env });
        assert.deepEqual(Array.from(agent.lastSolution!.decision.partition), Array.from(expected), name);
        [obs, , , , info] = env.step(action);
      }
    }
    await assert.rejects(createAgent('wdpo', env, { partition: [1, 2] }), /one per DT \(N = 12\)/);
    // a cut past a DT's last unit (C1): refused when the agent is made for the env, else when it first acts
    const pastLast = Array.from(system.unitCount, (L, n) => (n === 2 ? L + 1 : 1));
    await assert.rejects(createAgent('wdpo', env, { partition: pastLast }), new RegExp(`^GymError: agent wdpo: option partition\\[2\\] = ${pastLast[2]}: C1 needs 1 <= l_n <= L_n = ${system.unitCount[2]}$`));
    const unbound = createWdpoAgent({ partition: pastLast });
    const [obs, info] = env.reset({ seed: 1 });
    assert.throws(() => unbound.act(obs, { info, env }), new RegExp(`^GymError: DpraSolver: fixedPartition\\[2\\] = ${pastLast[2]}: C1 needs an integer 1 <= l_n <= L_n = ${system.unitCount[2]}$`));
  });
});
