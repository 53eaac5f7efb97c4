import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isBlankLine, jsonLines, LINE_TOO_LONG, MAX_LINE_BYTES } from '../../cli/serve/json-lines.ts';
import { MAX_REQUEST_DEPTH, parseWire, protoKeyPath, stringifyWire, withArrayDtypes } from '../../cli/serve/wire-json.ts';
import * as tf from '@tensorflow/tfjs';
import { asBooleans, EnvServer, flagsAsBooleans, type Response } from '../../cli/serve/env-server.ts';
import { setWarningHandler, warn } from '../../env/core/logger.ts';
import { createAgent, registerAgent } from '../../baselines/create-agent.ts';
import { registerLearnedAgents } from '../../agents/register-learned-agents.ts';
import { elementFromJSON, make, makeVec, Box, Dict, Discrete, MultiBinary, MultiDiscrete, SpaceError, Tuple } from '../../env/index.ts';

const bin = fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url));

/** The responses of `bdt-gym serve` to `requests` (one line each), parsed. */
function serve(requests: readonly unknown[]): { responses: Array<Record<string, unknown>>; status: number | null; stderr: string } {
  const input = requests.map((r) => (typeof r === 'string' ? r : stringifyWire(r))).join('\n');
  const result = spawnSync(process.execPath, [bin, 'serve'], { input: `${input}\n`, encoding: 'utf8' });
  const responses = result.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => parseWire(line) as Record<string, unknown>);
  return { responses, status: result.status, stderr: result.stderr };
}

describe('cli: serve (an env over JSON lines, for the Python package)', () => {
  it('wire JSON: bare NaN/Infinity tokens both ways (as Python json), typed arrays as arrays, strings untouched', () => {
    const text = stringifyWire({ a: new Float32Array([1.5, Infinity]), b: NaN, c: -Infinity, s: 'NaN Infinity "x"' });
    assert.equal(text, '{"a":[1.5,Infinity],"b":NaN,"c":-Infinity,"s":"NaN Infinity \\"x\\""}');
    const back = parseWire(text) as Record<string, unknown>;
    assert.deepEqual(back['a'], [1.5, Infinity]);
    assert.ok(Number.isNaN(back['b']));
    assert.equal(back['c'], -Infinity);
    assert.equal(back['s'], 'NaN Infinity "x"');
    assert.deepEqual(parseWire('{"x": [NaN, -Infinity], "y": "-Infinity"}'), { x: [NaN, -Infinity], y: '-Infinity' });
    assert.throws(() => parseWire('{"x": Nan}'), SyntaxError);
  });

  it('elementFromJSON: typed arrays of the space, nested arrays flattened, nothing coerced silently', () => {
    const space = new Dict({ k: new MultiDiscrete([3, 3]), x: new Box(0, 1, { shape: [2, 2], dtype: 'float64' }), d: new Discrete(4), t: new Tuple([new Box(0, 1, { shape: [1] })]) });
    const value = elementFromJSON(space, { k: [2, 0], x: [[0.5, 1], [0, 0.25]], d: 3, t: [[0.5]] }, 'action') as Record<string, unknown>;
    assert.deepEqual(value['k'], new Int32Array([2, 0]));
    assert.deepEqual(value['x'], new Float64Array([0.5, 1, 0, 0.25]));
    assert.equal(value['d'], 3);
    assert.deepEqual(value['t'], [new Float32Array([0.5])]);
    assert.ok(space.contains(value));
    assert.throws(() => elementFromJSON(space, { k: [1.5, 0] }, 'action'), (e: unknown) => e instanceof SpaceError && e.message === 'action.k[0]: expected an integer, got 1.5');
    assert.throws(() => elementFromJSON(space, { x: [[0.5, '1']] }, 'action'), /^SpaceError: action\.x\[0\]\[1\]: expected a number, got "1"$/);
    assert.throws(() => elementFromJSON(space, [1], 'action'), /action: expected an object with keys k, x, d, t/);
    // an integer the typed array would wrap around (2^32 -> 0) is refused, not stored
    assert.throws(() => elementFromJSON(space, { k: [2 ** 32, 1] }, 'action'), /^SpaceError: action\.k\[0\]: 4294967296 is outside the int32 range \[-2147483648, 2147483647\]$/);
    assert.throws(() => elementFromJSON(new MultiBinary(2), [1, 256], 'obs'), /^SpaceError: obs\[1\]: 256 is outside the int8 range/);
    // a key of Object.prototype is an unknown key like any other, not a space
    assert.equal(space.explain(elementFromJSON(space, { k: [0, 0], x: [0, 0, 0, 0], d: 0, t: [[0]], toString: 1 }, 'action')), 'unexpected key "toString" (expected [k, x, d, t])');
    // as JSON.parse gives it: an own "__proto__" key, kept as a key, not made the prototype
    assert.equal(space.explain(elementFromJSON(space, JSON.parse('{"k": [0, 0], "x": [0, 0, 0, 0], "d": 0, "t": [[0]], "__proto__": null}'), 'action')), 'unexpected key "__proto__" (expected [k, x, d, t])');
    // a key the space lacks passes through, so the space's own check names it
    assert.equal(space.explain(elementFromJSON(space, { k: [0, 0], x: [0, 0, 0, 0], d: 0, t: [[0]], extra: 1 }, 'action')), 'unexpected key "extra" (expected [k, x, d, t])');
  });

  it('steps BDT-v0 exactly as the env in this process does, for the same seed and actions', () => {
    const local = make('BDT-v0', { infoLevel: 'summary' });
    local.actionSpace.seed(11);
    const actions = Array.from({ length: 30 }, () => local.actionSpace.sample());
    const { responses, status, stderr } = serve([{ method: 'make', id: 'BDT-v0', kwargs: { infoLevel: 'summary' } }, { method: 'reset', seed: 5 }, ...actions.map((action) => ({ method: 'step', action })), { method: 'close' }]);
    assert.equal(status, 0, stderr);
    assert.equal(responses.length, 2 + actions.length + 1);
    const made = responses[0]!['result'] as Record<string, unknown>;
    assert.deepEqual(made['observationSpace'], local.observationSpace.toJSON());
    assert.deepEqual(made['actionSpace'], local.actionSpace.toJSON());
    assert.deepEqual(made['spec'], { id: 'BDT-v0', maxEpisodeSteps: null, rewardThreshold: null });
    // every number of every response equals the local env's (float32 observations included)
    const same = (remote: unknown, value: unknown, what: string) => assert.equal(stringifyWire(remote), stringifyWire(value), what);
    const [obs, info] = local.reset({ seed: 5 });
    same(responses[1]!['result'], { obs, info }, 'reset');
    actions.forEach((action, t) => {
      const [next, reward, terminated, truncated, stepInfo] = local.step(action);
      same(responses[2 + t]!['result'], { obs: next, reward, terminated, truncated, info: stepInfo }, `step ${t}`);
    });
    assert.deepEqual(responses.at(-1), { result: null });
  });

  it('serves a vector env (numEnvs): batches equal makeVec in this process, actions as one row per env', () => {
    const local = makeVec('BDT-small-v0', 3, { kwargs: { infoLevel: 'summary', scenario: { slots: 4 } } });
    local.actionSpace.seed(2);
    const actions = Array.from({ length: 9 }, () => local.actionSpace.sample() as { partition: Int32Array; inferenceShare: Float64Array; miningShare: Float64Array });
    // as a Python client sends them: (numEnvs, n) nested lists
    const rows = (a: ArrayLike<number>) => Array.from({ length: 3 }, (_, i) => Array.from(a).slice((i * a.length) / 3, ((i + 1) * a.length) / 3));
    const requests = [{ method: 'make', id: 'BDT-small-v0', kwargs: { infoLevel: 'summary', scenario: { slots: 4 } }, numEnvs: 3 }, { method: 'reset', seed: 8 }, ...actions.map((a) => ({ method: 'step', action: { partition: rows(a.partition), inferenceShare: rows(a.inferenceShare), miningShare: rows(a.miningShare) } }))];
    const { responses, status, stderr } = serve([...requests, { method: 'render' }]);
    assert.equal(status, 0, stderr);
    assert.deepEqual(responses[0], { result: { numEnvs: 3, singleObservationSpace: local.singleObservationSpace.toJSON(), singleActionSpace: local.singleActionSpace.toJSON(), autoresetMode: 'next-step' } });
    const same = (remote: unknown, value: unknown, what: string) => assert.equal(stringifyWire(remote), stringifyWire(value), what);
    // (the vector info's 0/1 flag and mask bytes travel as booleans)
    const [obs, info] = local.reset({ seed: 8 });
    same(responses[1]!['result'], { obs, info: flagsAsBooleans(info) }, 'reset');
    assert.deepEqual((responses[1]!['result'] as { info: Record<string, unknown> }).info['_slot'], [true, true, true]);
    assert.deepEqual((responses[2]!['result'] as { terminated: unknown }).terminated, [false, false, false], 'flags as booleans, as a single env gives them');
    actions.forEach((action, t) => {
      const [next, reward, terminated, truncated, stepInfo] = local.step(action);
      same(responses[2 + t]!['result'], { obs: next, reward, terminated: asBooleans(terminated), truncated: asBooleans(truncated), info: flagsAsBooleans(stepInfo) }, `step ${t} (episodes of 4 slots: truncations and next-step autoresets included)`);
    });
    assert.deepEqual(responses.at(-1), { error: { type: 'ProtocolError', message: 'render: a vector env does not render; serve one env to render it' } });
    const refused = serve([
      { method: 'make', id: 'BDT-v0', numEnvs: 2, maxEpisodeSteps: 5 },
      { method: 'make', id: 'BDT-v0', autoresetMode: 'same-step' },
      { method: 'make', id: 'BDT-v0', numEnvs: 0 },
      { method: 'make', id: 'BDT-v0', numEnvs: 1025 },
      { method: 'make', id: 'BDT-v0', numEnvs: 1.5 },
    ]).responses.map((r) => r['error'] as { type: string; message: string });
    assert.match(refused[0]!.message, /^make: maxEpisodeSteps applies to one env/);
    assert.deepEqual(refused[1], { type: 'ProtocolError', message: 'make: autoresetMode applies to a vector env; give numEnvs too' });
    // a number of envs the server cannot serve is a bad argument, not a malformed request
    assert.deepEqual(refused[2], { type: 'ArgumentError', message: 'make: numEnvs = 0; give an integer from 1 to 1024' });
    assert.deepEqual(refused[3], { type: 'ArgumentError', message: 'make: numEnvs = 1025; give an integer from 1 to 1024' });
    assert.equal(refused[4]!.type, 'ProtocolError', 'not an integer: a malformed request');
  });

  it("make with numEnvs takes makeVec's vectorizationMode: the id's native vector env by default, a SyncVectorEnv with 'sync'", () => {
    const bdt = (mode: Record<string, unknown>) => serve([{ method: 'make', id: 'BDT-small-v0', numEnvs: 2, kwargs: { infoLevel: 'summary' }, ...mode }, { method: 'reset', seed: 3 }, { method: 'getAttr', name: 'renderMode' }]).responses;
    const native = bdt({});
    assert.match((native[2]!['error'] as { message: string }).message, /^BdtVectorEnv\.getAttr\("renderMode"\): the native vector env has no per-env BdtEnv objects/);
    assert.deepEqual(bdt({ vectorizationMode: 'vector-entry-point' }), native);
    const sync = bdt({ vectorizationMode: 'sync' });
    assert.equal(stringifyWire(sync[1]), stringifyWire(native[1]), 'the same episodes (BdtVectorEnv plays env i as BdtEnv seeded seed + i)');
    assert.deepEqual(sync[2], { result: [null, null] }, "a SyncVectorEnv's BdtEnvs answer getAttr");
    const refused = serve([
      { method: 'make', id: 'BDT-small-v0', numEnvs: 2, vectorizationMode: 'async' },
      { method: 'make', id: 'BDT-small-v0', vectorizationMode: 'sync' },
    ]).responses.map((r) => r['error'] as { type: string; message: string });
    assert.equal(refused[0]!.type, 'ProtocolError', 'not a mode: a malformed request');
    assert.deepEqual(refused[1], { type: 'ProtocolError', message: 'make: vectorizationMode applies to a vector env; give numEnvs too' });
  });

  it("serves CartPole's native CartPoleVectorEnv by default, as makeVec gives it, and its SyncVectorEnv with vectorizationMode 'sync'", () => {
    const cartPole = (mode: Record<string, unknown>) => serve([{ method: 'make', id: 'CartPole-v1', numEnvs: 2, ...mode }, { method: 'reset', seed: 3 }, { method: 'step', action: [1, 0] }, { method: 'getAttr', name: 'gravity' }]).responses;
    const sameObs = (response: Record<string, unknown> | undefined, obs: unknown, what: string) => assert.equal(stringifyWire((response!['result'] as { obs: unknown }).obs), stringifyWire(obs), what);
    const native = cartPole({});
    const local = makeVec('CartPole-v1', 2);
    sameObs(native[1], local.reset({ seed: 3 })[0], 'reset: one generator draws every env');
    sameObs(native[2], local.step([1, 0])[0], 'step');
    assert.deepEqual(native[3], { error: { type: 'ProtocolError', message: 'getAttr: CartPoleVectorEnv(numEnvs=2) has no getAttr; make with "vectorizationMode": "sync" serves a SyncVectorEnv, which has one' } });
    const sync = cartPole({ vectorizationMode: 'sync' });
    sameObs(sync[1], makeVec('CartPole-v1', 2, { vectorizationMode: 'sync' }).reset({ seed: 3 })[0], 'reset: env i seeded with seed + i');
    assert.deepEqual(sync[3], { result: [9.8, 9.8] });
    const sameStep = serve([{ method: 'make', id: 'CartPole-v1', numEnvs: 2, autoresetMode: 'same-step' }]).responses[0]!['error'] as { type: string; message: string };
    assert.equal(sameStep.type, 'KwargsError');
    assert.match(sameStep.message, /autoresets on the next step only, as Gymnasium's; other modes: makeVec\(id, n, \{ vectorizationMode: 'sync' \}\)/);
  });

  it('refuses nested action rows that are not of the batch shape (ragged rows would be flattened into another action)', () => {
    const rows = { partition: [[0, 1, 2, 3], [4, 3, 2, 1]], inferenceShare: [[0.5, 0.25], [1, 0]], miningShare: [[0.5, 0.5], [0.75, 0.125]] };
    const { responses } = serve([
      { method: 'make', id: 'BDT-small-v0', numEnvs: 2 },
      { method: 'reset', seed: 1 },
      { method: 'step', action: { ...rows, partition: [[0, 1, 2, 3, 4], [3, 2, 1]] } },
      { method: 'step', action: { ...rows, inferenceShare: [[0.5, 0.25, 1], [0]] } },
      { method: 'step', action: { ...rows, miningShare: [[0.5, 0.5], [0.75, [0.125]]] } },
      { method: 'step', action: { ...rows, partition: [0, 1, 2, 3, 4, 3, 2, 1] } },
      { method: 'step', action: rows },
    ]);
    const errors = responses.slice(2).map((r) => r['error']);
    assert.deepEqual(errors.slice(0, 3), [
      { type: 'InvalidActionError', message: 'BdtVectorEnv.step: invalid action: actions.partition[0]: expected 4 entries (nested rows of shape [2, 4]), got 5' },
      { type: 'InvalidActionError', message: 'BdtVectorEnv.step: invalid action: actions.inferenceShare[0]: expected 2 entries (nested rows of shape [2, 2]), got 3' },
      { type: 'InvalidActionError', message: 'BdtVectorEnv.step: invalid action: actions.miningShare[1][1]: expected a number (nested rows of shape [2, 2]), got an array' },
    ]);
    assert.deepEqual(errors.slice(3), [undefined, undefined], 'flat rows, env-major, and rows of the shape are taken');
    const single = serve([{ method: 'make', id: 'BDT-small-v0' }, { method: 'reset', seed: 1 }, { method: 'step', action: { partition: [[0, 1], [2, 3]], inferenceShare: [0.5, 0.5], miningShare: [1, 1] } }]).responses;
    assert.deepEqual(single[2], { error: { type: 'InvalidActionError', message: 'BdtEnv.step: invalid action: action.partition: expected 4 entries (nested rows of shape [4]), got 2' } });
  });

  it('make refuses a maxEpisodeSteps the time limit cannot take as an ArgumentError, and act a scripted agent on an env that is not a B-DT one', () => {
    const refused = serve([
      { method: 'make', id: 'CartPole-v1', maxEpisodeSteps: 0 },
      { method: 'make', id: 'CartPole-v1', maxEpisodeSteps: 2.5 },
      { method: 'make', id: 'CartPole-v1', maxEpisodeSteps: -2 },
      { method: 'make', id: 'CartPole-v1', maxEpisodeSteps: -1 },
      { method: 'reset', seed: 1 },
      { method: 'act', agent: 'dpra' },
    ]).responses;
    assert.deepEqual(refused.slice(0, 3).map((r) => r['error']), [
      { type: 'ArgumentError', message: "make: maxEpisodeSteps = 0; give an integer >= 1, or -1 to drop the id's time limit" },
      { type: 'ArgumentError', message: "make: maxEpisodeSteps = 2.5; give an integer >= 1, or -1 to drop the id's time limit" },
      { type: 'ArgumentError', message: "make: maxEpisodeSteps = -2; give an integer >= 1, or -1 to drop the id's time limit" },
    ]);
    assert.deepEqual((refused[3]!['result'] as { spec: unknown }).spec, { id: 'CartPole-v1', maxEpisodeSteps: null, rewardThreshold: 475 });
    assert.deepEqual(refused[5], { error: { type: 'ArgumentError', message: 'act: agent dpra acts on a B-DT env; this server serves CartPole-v1, which is not one' } });
  });

  it("act refuses as an ArgumentError an agent whose factory refuses its options or the env with a plain GymError (the oracle's on a scenario too large for it)", () => {
    const { responses } = serve([
      { method: 'make', id: 'BDT-small-v0' },
      { method: 'reset', seed: 0 },
      { method: 'act', agent: 'oracle', options: { maxPartitions: 10 } },
      { method: 'act', agent: 'wdpo', options: { partition: [1] } },
      { method: 'act', agent: 'oracle' },
    ]);
    assert.deepEqual(responses[2], { error: { type: 'ArgumentError', message: 'agent oracle: this scenario has 1.000e+3 partition vectors, more than option maxPartitions = 10: the exhaustive search is for small scenarios such as BDT-small-v0 (raise maxPartitions to wait for it, or use dpra)' } });
    assert.deepEqual(responses[3], { error: { type: 'ArgumentError', message: 'agent wdpo: option partition has 1 entries, expected one per DT (N = 4)' } });
    assert.ok('result' in responses[4]!, `the server goes on: ${JSON.stringify(responses[4])}`);
  });

  it("act: a bdt-gym agent's action for the served env's state, as the agent gives it in this process (DPRA, an episode)", async () => {
    const local = make('BDT-v0', { infoLevel: 'summary' });
    const dpra = await createAgent('dpra', local);
    let [obs, info] = local.reset({ seed: 2 });
    dpra.reset(2);
    const actions: unknown[] = [];
    const rewards: number[] = [];
    for (let t = 0; t < 12; t++) {
      const action = dpra.act(obs, { info, env: local });
      actions.push(action);
      const [next, reward, , , nextInfo] = local.step(action);
      [obs, info] = [next, nextInfo];
      rewards.push(reward);
    }
    // the client steps with what act answered: here, the local DPRA's actions, checked against act's
    const requests = [{ method: 'make', id: 'BDT-v0', kwargs: { infoLevel: 'summary' } }, { method: 'reset', seed: 2 }, ...actions.flatMap((action) => [{ method: 'act', agent: 'dpra' }, { method: 'step', action }])];
    const { responses, status, stderr } = serve(requests);
    assert.equal(status, 0, stderr);
    actions.forEach((action, t) => {
      assert.equal(stringifyWire(responses[2 + 2 * t]!['result']), stringifyWire(action), `DPRA's action at slot ${t}`);
      assert.equal((responses[3 + 2 * t]!['result'] as { reward: number }).reward, rewards[t]);
    });
  });

  it("act: a learned agent with options (ppo-solved weighing 13 candidates) answers as it acts in this process, kept from one act to the next", async () => {
    registerLearnedAgents();
    const local = make('BDT-v0', { infoLevel: 'summary' });
    const agent = await createAgent('ppo-solved', local, { candidates: 13 });
    const withoutOptions = await createAgent('ppo-solved', local);
    let [obs, info] = local.reset({ seed: 4 });
    const actions: unknown[] = [];
    let searched = 0;
    for (let t = 0; t < 8; t++) {
      const action = agent.act(obs, { info, env: local });
      if (stringifyWire(action) !== stringifyWire(withoutOptions.act(obs, { info, env: local }))) searched++;
      actions.push(action);
      [obs, , , , info] = local.step(action);
    }
    agent.dispose?.();
    withoutOptions.dispose?.();
    assert.ok(searched > 0, 'the options changed no action: the check would not see them dropped');
    const requests = [{ method: 'make', id: 'BDT-v0', kwargs: { infoLevel: 'summary' } }, { method: 'reset', seed: 4 }, ...actions.flatMap((action) => [{ method: 'act', agent: 'ppo-solved', options: { candidates: 13 } }, { method: 'step', action }])];
    const { responses, status, stderr } = serve(requests);
    assert.equal(status, 0, stderr);
    actions.forEach((action, t) => assert.equal(stringifyWire(responses[2 + 2 * t]!['result']), stringifyWire(action), `slot ${t}`));
  });

  it('act keeps the last 16 agents asked, not one per option set ever asked (a client sampling PPO with a new seed each episode piled up its networks until close)', async () => {
    const server = new EnvServer();
    const ok = async (request: object): Promise<unknown> => {
      const response = await server.handle(request);
      assert.ok('result' in response, JSON.stringify(response));
      return response.result;
    };
    await ok({ method: 'make', id: 'BDT-v0', kwargs: { infoLevel: 'summary' } });
    const tensorsAfter: number[] = [];
    for (let episode = 1; episode <= 20; episode++) {
      await ok({ method: 'reset', seed: episode });
      await ok({ method: 'act', agent: 'ppo', options: { sample: episode } });
      tensorsAfter.push(tf.memory().numTensors);
    }
    assert.ok(tensorsAfter[15]! > tensorsAfter[14]!, 'each PPO agent holds tensors: the check would not see them kept');
    assert.deepEqual(tensorsAfter.slice(16), [tensorsAfter[15], tensorsAfter[15], tensorsAfter[15], tensorsAfter[15]], 'agents beyond the 16 kept were not disposed');
    // asked again, a kept agent is reused, not made anew
    await ok({ method: 'act', agent: 'ppo', options: { sample: 20 } });
    assert.equal(tf.memory().numTensors, tensorsAfter[19]);
    await ok({ method: 'close' });
  });

  it('act drops the agent asked longest ago, not the one made first: an agent asked again is kept', async () => {
    const made: number[] = [];
    const disposed: number[] = [];
    registerAgent('test-serve-counted', {
      description: 'all-local, counting its makes and disposals',
      create: (env, options) => {
        const id = (options as { id: number }).id;
        made.push(id);
        return { name: 'test-serve-counted', reset: () => {}, act: () => env.actionSpace.sample(), dispose: () => void disposed.push(id) };
      },
    });
    const server = new EnvServer();
    const ok = async (request: object): Promise<void> => assert.ok('result' in (await server.handle(request)));
    await ok({ method: 'make', id: 'BDT-small-v0', kwargs: { infoLevel: 'summary' } });
    await ok({ method: 'reset', seed: 1 });
    for (let id = 1; id <= 16; id++) await ok({ method: 'act', agent: 'test-serve-counted', options: { id } });
    await ok({ method: 'act', agent: 'test-serve-counted', options: { id: 1 } });
    await ok({ method: 'act', agent: 'test-serve-counted', options: { id: 17 } });
    await ok({ method: 'act', agent: 'test-serve-counted', options: { id: 1 } });
    assert.deepEqual(disposed, [2]);
    assert.equal(made.length, 17, 'agent 1 was made again');
    await ok({ method: 'close' });
    assert.equal(disposed.length, 17);
  });

  it("a KwargsError names its unrecognized keys apart (a client's unexpected keyword arguments), not its bad values", () => {
    const { responses } = serve([
      { method: 'make', id: 'BDT-small-v0', kwargs: { foo: 1, infoLevel: 'bogus' } },
      { method: 'make', id: 'BDT-small-v0', kwargs: { infoLevel: 'bogus' } },
      { method: 'make', id: 'BDT-small-v0', kwargs: { scenario: { foo: 1 } } },
      { method: 'make', id: 'BDT-small-v0', numEnvs: 2, kwargs: { foo: 1 } },
    ]);
    const errors = responses.map((r) => r['error'] as Record<string, unknown>);
    assert.deepEqual(
      errors.map((e) => [e['type'], e['unexpectedKeys']]),
      [
        ['KwargsError', ['foo']],
        ['KwargsError', undefined],
        ['ScenarioError', undefined], // a key inside a keyword argument's value is a bad value
        ['KwargsError', ['foo']],
      ],
    );
  });

  it('act refuses, naming why: before reset, on a vector env, an unknown agent, an agent whose scenario the env lacks', () => {
    const errors = serve([
      { method: 'make', id: 'BDT-small-v0' },
      { method: 'act', agent: 'dpra' },
      { method: 'reset', seed: 0 },
      { method: 'act', agent: 'dpra', options: { bogus: 1 } },
      { method: 'act', agent: 'nope' },
      { method: 'act', agent: 'wtcm' },
    ]).responses.map((r) => r['error'] as { type: string; message: string } | undefined);
    assert.deepEqual(errors[1], { type: 'ResetNeededError', message: 'act before reset: reset the env first, so the agent has an observation to act on' });
    assert.equal(errors[3]!.type, 'KwargsError');
    assert.match(errors[3]!.message, /bogus/);
    assert.deepEqual((errors[3] as { unexpectedKeys?: unknown }).unexpectedKeys, ['bogus'], 'named for a client whose language refuses an unknown keyword argument apart');
    assert.equal(errors[4]!.type, 'UnknownAgentError');
    assert.match(errors[4]!.message, /^unknown agent "nope" \(available: dpra, /);
    // the agent exists, the env was made without its scenario: a bad argument, not a malformed request
    assert.equal(errors[5]!.type, 'ArgumentError');
    assert.match(errors[5]!.message, /^act: wtcm acts on a scenario with \{"consensus":\{"mechanism":"pow"\}\}; make the env with kwargs/);
    const wtcm = serve([{ method: 'make', id: 'BDT-small-v0', kwargs: { scenario: { consensus: { mechanism: 'pow' } } } }, { method: 'reset', seed: 0 }, { method: 'act', agent: 'wtcm' }]).responses;
    assert.ok('result' in wtcm[2]!, JSON.stringify(wtcm[2]));
    const vector = serve([{ method: 'make', id: 'BDT-small-v0', numEnvs: 2 }, { method: 'reset', seed: 0 }, { method: 'act', agent: 'dpra' }]).responses;
    assert.deepEqual(vector[2], { error: { type: 'ProtocolError', message: 'act: agents act on one env; serve one env (make without numEnvs) to ask them' } });
  });

  it("getAttr, setAttr, call: the served vector env's, as makeVec's in this process; a name it does not give or set is an AttributeRefusedError", () => {
    const kwargs = { infoLevel: 'summary', scenario: { slots: 4 } };
    const action = { partition: [[0, 1, 2, 3], [4, 3, 2, 1]], inferenceShare: [[0.5, 0.25], [1, 0]], miningShare: [[0.5, 0.5], [0.75, 0.125]] };
    const local = makeVec<unknown, unknown>('BDT-small-v0', 2, { kwargs }); // untyped: it steps an action decoded from JSON
    local.reset({ seed: 6 });
    local.step(elementFromJSON(local.actionSpace, action, 'actions'));
    const single = { partition: new Int32Array([0, 1, 2, 3]), inferenceShare: new Float64Array([0.5, 0.25]), miningShare: new Float64Array([0.5, 0.5]) };
    const out = { partition: [0, 0, 0, 0], inferenceFreq: [0, 0], miningFreq: [0, 0] };
    const decision = local.call!('decodeAction', single, { partition: new Int32Array(4), inferenceFreq: new Float64Array(2), miningFreq: new Float64Array(2) })[0];
    const names = ['slot', 'queues', 'slotState', 'outcome', 'system', 'actionSpace'];
    const { responses, status, stderr } = serve([
      { method: 'make', id: 'BDT-small-v0', kwargs, numEnvs: 2 },
      { method: 'reset', seed: 6 },
      { method: 'step', action },
      ...names.map((name) => ({ method: 'getAttr', name })),
      { method: 'call', name: 'slot' },
      { method: 'call', name: 'decodeAction', args: [single, out] },
      { method: 'call', name: 'encodeDecision', args: [decision] },
      { method: 'getAttr', name: 'renderMode' },
      { method: 'call', name: 'render' },
      { method: 'setAttr', name: 'slot', values: 3 },
    ]);
    assert.equal(status, 0, stderr);
    const results = responses.slice(3).map((r) => r['result']);
    const same = (remote: unknown, value: unknown, what: string) => assert.equal(stringifyWire(remote), stringifyWire(value), what);
    names.forEach((name, i) => same(results[i], withArrayDtypes(local.getAttr!(name)), `getAttr ${name}`));
    assert.deepEqual(results[0], [1, 1]);
    // typed arrays keep their dtype on the wire: a float array of whole numbers stays a float array
    const [system] = results[4] as Array<{ N: number; gatewayOf: unknown; meanGain: unknown }>;
    assert.equal(system!.N, 4);
    assert.deepEqual(system!.gatewayOf, { __ndarray__: 'int32', data: Array.from((local.getAttr!('system') as Array<{ gatewayOf: Int32Array }>)[0]!.gatewayOf) });
    assert.equal((results[1] as Array<{ H: { __ndarray__: string } }>)[0]!.H.__ndarray__, 'float64');
    same(results[names.length], local.call!('slot'), 'call returns an attribute as is');
    same(results[names.length + 1], [decision, decision], 'call decodeAction (into the plain arrays of the out it was sent)');
    same(results[names.length + 2], withArrayDtypes([single, single]), 'call encodeDecision: the action that decodes to the decision');
    const refused = responses.slice(3 + names.length + 3).map((r) => r['error'] as { type: string; message: string });
    assert.deepEqual(
      refused.map((e) => e.type),
      ['AttributeRefusedError', 'AttributeRefusedError', 'AttributeRefusedError'],
    );
    assert.match(refused[0]!.message, /^BdtVectorEnv\.getAttr\("renderMode"\): the native vector env has no per-env BdtEnv objects/);
    assert.match(refused[1]!.message, /^BdtVectorEnv\.call\("render"\)/);
    assert.match(refused[2]!.message, /^BdtVectorEnv\.setAttr\("slot"\): .*sets no attribute/);
    // an error of the called method itself keeps its class: only a refused name is an AttributeRefusedError
    const cartPole = serve([{ method: 'make', id: 'CartPole-v1', numEnvs: 2, vectorizationMode: 'sync' }, { method: 'call', name: 'reset', args: [{ seed: -1 }] }, { method: 'getAttr', name: 'nope' }]).responses;
    assert.deepEqual(cartPole[1], { error: { type: 'InvalidArgumentError', message: 'CartPoleEnv.reset: seed = -1 must be an integer >= 0' } });
    assert.equal((cartPole[2]!['error'] as { type: string }).type, 'AttributeRefusedError', 'through Env.getWrapperAttr');
    const one = serve([{ method: 'make', id: 'BDT-small-v0' }, { method: 'getAttr', name: 'slot' }]).responses[1];
    assert.deepEqual(one, { error: { type: 'ProtocolError', message: "getAttr: a vector env's request (Gymnasium's get_attr, set_attr, call); serve a vector env (make with numEnvs)" } });
  });

  it('setAttr takes a value of the kind the env holds (JSON cannot replace an env or a space), and call refuses JavaScript\'s object machinery; the env goes on', () => {
    const { responses, status, stderr } = serve([
      { method: 'make', id: 'CartPole-v1', numEnvs: 2, vectorizationMode: 'sync' },
      { method: 'setAttr', name: 'env', values: 1 },
      { method: 'setAttr', name: 'observationSpace', values: [{}, {}] },
      { method: 'setAttr', name: 'gravity', values: 'x' },
      { method: 'setAttr', name: 'gravity', values: [9.8, NaN] },
      { method: 'call', name: 'constructor' },
      { method: 'call', name: '__defineGetter__', args: ['step', null] },
      { method: 'setAttr', name: 'gravity', values: [9.8, 3.7] },
      { method: 'setAttr', name: 'note', values: 'made by set_attr' },
      { method: 'getAttr', name: 'gravity' },
      { method: 'getAttr', name: 'note' },
      { method: 'reset', seed: 1 },
      { method: 'step', action: [1, 1] },
    ]);
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '', 'refusals of bad input print no stack trace');
    const errors = responses.slice(1, 7).map((r) => r['error'] as { type: string; message: string });
    assert.deepEqual(
      errors.map((e) => e.type),
      ['AttributeRefusedError', 'AttributeRefusedError', 'ArgumentError', 'ArgumentError', 'AttributeRefusedError', 'AttributeRefusedError'],
    );
    assert.match(errors[0]!.message, /^setAttr "env": env 0 holds an object of class OrderEnforcing, which no JSON value can replace; set it in the server's process/);
    assert.match(errors[1]!.message, /^setAttr "observationSpace": env 0 holds an object of class Box/);
    assert.equal(errors[2]!.message, 'setAttr "gravity": env 0 holds a number, so it takes a number other than NaN; got "x"');
    assert.equal(errors[3]!.message, 'setAttr "gravity": env 1 holds a number, so it takes a number other than NaN; got NaN');
    assert.match(errors[4]!.message, /\.call\("constructor"\): "constructor" is the env's class, not a method of the env$/);
    assert.match(errors[5]!.message, /\.call\("__defineGetter__"\): .* \(Object\.prototype's\), not a method of the env$/);
    assert.deepEqual(responses.slice(7, 11).map((r) => r['result']), [null, null, [9.8, 3.7], ['made by set_attr', 'made by set_attr']]);
    const step = responses[12]!['result'] as { obs: number[]; reward: number[] };
    assert.deepEqual(step.reward, [1, 1], 'the env steps after the refusals');
    assert.ok(step.obs.every(Number.isFinite));
  });

  it('call "close" is refused and the envs go on; the close request ends the server, and lines after it go unread (a SyncVectorEnv\'s envs were closed under it, then stepped)', () => {
    const refusal = { error: { type: 'ArgumentError', message: 'call "close": the envs close with the server: send {"method": "close"} (from Python: envs.close()), which ends it; the envs go on' } };
    const cartPole = serve([{ method: 'make', id: 'CartPole-v1', numEnvs: 2, vectorizationMode: 'sync' }, { method: 'reset', seed: 1 }, { method: 'call', name: 'close' }, { method: 'step', action: [1, 1] }, { method: 'close' }, { method: 'reset', seed: 1 }]);
    assert.equal(cartPole.status, 0);
    assert.deepEqual(cartPole.responses[2], refusal);
    assert.deepEqual((cartPole.responses[3]!['result'] as Record<string, unknown>)['reward'], [1, 1], 'the envs go on');
    assert.deepEqual(cartPole.responses.slice(4), [{ result: null }], 'the line after close is not answered');
    const bdt = serve([{ method: 'make', id: 'BDT-small-v0', numEnvs: 2 }, { method: 'call', name: 'close' }]);
    assert.deepEqual(bdt.responses[1], refusal, 'the native vector env, in the same words');
  });

  it('an EnvServer refuses every request after close but close, as a ProtocolError: a make after it served an env no close would end', async () => {
    const server = new EnvServer();
    assert.ok('result' in (await server.handle({ method: 'make', id: 'CartPole-v1' })));
    assert.deepEqual(await server.handle({ method: 'close' }), { result: null });
    assert.equal(server.closed, true);
    assert.deepEqual(await server.handle({ method: 'make', id: 'CartPole-v1' }), { error: { type: 'ProtocolError', message: 'make after close: this server is closed; start another server' } });
    assert.deepEqual(await server.handle({ method: 'reset', seed: 1 }), { error: { type: 'ProtocolError', message: 'reset after close: this server is closed; start another server' } });
    assert.deepEqual(await server.handle({ method: 'close' }), { result: null }, 'close again, as Gymnasium\'s close: nothing to do');
  });

  it("carries the warnings a request raised in its answer (\"warnings\"), in place of printing them, and leaves the process's warning handler as it was", async () => {
    const server = new EnvServer();
    const printed: string[] = [];
    const previous = setWarningHandler((message) => printed.push(message));
    try {
      await server.handle({ method: 'make', id: 'CartPole-v1' });
      await server.handle({ method: 'reset', seed: 1 });
      let response: Response;
      do response = await server.handle({ method: 'step', action: 1 });
      while ('result' in response && !(response.result as { terminated: boolean }).terminated);
      assert.equal(response.warnings, undefined, 'no warning, no field');
      const past = await server.handle({ method: 'step', action: 1 });
      assert.ok('result' in past);
      assert.deepEqual(past.warnings, ["You are calling 'step()' even though this environment has already returned terminated = true. You should always call 'reset()' once you receive 'terminated = true' -- any further steps are undefined behavior."]);
      warn('after the requests');
      assert.deepEqual(printed, ['after the requests'], 'the handler the server found, restored; nothing of the requests printed');
    } finally {
      setWarningHandler(previous);
      await server.handle({ method: 'close' });
    }
  });

  it('answers a refusal with the warnings raised before it, and writes none of them to stderr', () => {
    const { responses, status, stderr } = serve([{ method: 'make', id: 'CartPole', kwargs: { bad: 1 } }]);
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '');
    assert.deepEqual(responses[0]?.['warnings'], ['Using the latest versioned environment `CartPole-v1` instead of the unversioned environment `CartPole`.']);
    assert.equal((responses[0]?.['error'] as Record<string, unknown>)['type'], 'KwargsError');
  });

  it('getAttr of a method is refused with how to call it (its answer was null per env), and the env goes on', () => {
    const { responses, status, stderr } = serve([
      { method: 'make', id: 'CartPole-v1', numEnvs: 2, vectorizationMode: 'sync' },
      { method: 'getAttr', name: 'render' },
      { method: 'getAttr', name: 'gravity' },
    ]);
    assert.equal(status, 0, stderr);
    assert.deepEqual(responses[1], { error: { type: 'ArgumentError', message: 'getAttr "render": env 0\'s "render" is a method, which no JSON value carries; call it with {"method": "call", "name": "render"}' } });
    assert.deepEqual(responses[2], { result: [9.8, 9.8] });
  });

  it('ends quietly (exit 0, no EPIPE trace) when its client closes the reading end', async () => {
    const child = spawn(process.execPath, [bin, 'serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.stdout.destroy(); // the client went away before the answer
    child.stdin.end('{"method": "make", "id": "BDT-small-v0"}\n');
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(status, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
  });

  it('refuses a bad request with its error class and message and goes on; ends at the end of its input', () => {
    const { responses, status } = serve([
      { method: 'reset', seed: 1 },
      { method: 'make', id: 'BDT-v7' },
      { method: 'make', id: 'BDT-small-v0', kwargs: { scenario: { lyapunov: { uMin: 2 } } } },
      { method: 'make', id: 'BDT-small-v0' },
      { method: 'step', action: { partition: [0, 0, 0, 0], inferenceShare: [0.5, 0.5], miningShare: [0.5, 0.5] } },
      { method: 'reset', seed: 1 },
      { method: 'step', action: { partition: [0, 0, 0, 0], inferenceShare: [NaN, 0.5], miningShare: [0.5, 0.5] } },
      { method: 'step', action: { partition: [0, 0.5, 0, 0], inferenceShare: [0.5, 0.5], miningShare: [0.5, 0.5] } },
      'not json',
      { method: 'stepp' },
      { method: 'make', id: 'BDT-v0' },
      { method: 'step', action: { partition: [0, 0, 0, 0], inferenceShare: [0.5, 0.5], miningShare: [0.5, 0.5] } },
    ]);
    assert.equal(status, 0);
    const errors = responses.map((r) => r['error'] as { type: string; message: string } | undefined);
    assert.deepEqual(errors[0], { type: 'ProtocolError', message: 'reset before make: send {"method": "make", "id": ...} first' });
    assert.equal(errors[1]!.type, 'UnregisteredEnvError');
    assert.match(errors[1]!.message, /BDT-v7/);
    assert.equal(errors[2]!.type, 'ScenarioError');
    assert.match(errors[2]!.message, /lyapunov\.uMin/);
    assert.equal(errors[3], undefined, 'a make that failed leaves the server free for another');
    assert.equal(errors[4]!.type, 'ResetNeededError');
    assert.equal(errors[5], undefined);
    assert.equal(errors[6]!.type, 'InvalidActionError');
    assert.match(errors[6]!.message, /invalid action: key "inferenceShare": element \[0\] is NaN \(action /);
    assert.deepEqual(errors[7], { type: 'InvalidActionError', message: 'BdtEnv.step: invalid action: action.partition[1]: expected an integer, got 0.5' });
    assert.equal(errors[8]!.type, 'ProtocolError');
    assert.match(errors[8]!.message, /^bad request: not a JSON line/);
    assert.match(errors[9]!.message, /^bad request: at method: Invalid discriminator value\. Expected 'make' \| 'reset' \| 'step' \| 'act' \| 'render' \| 'getAttr' \| 'setAttr' \| 'call' \| 'close'/);
    assert.deepEqual(errors[10], { type: 'ProtocolError', message: 'make: this server already serves BDT-small-v0; start another server for another env' });
    const step = responses[11]!['result'] as Record<string, unknown>;
    assert.equal((step['info'] as Record<string, unknown>)['slot'], 0, 'the refused steps left the env at slot 0');
  });

  it('reads a line to its "\\n" only: a raw U+2028, U+2029 or lone CR inside a request is one request, answered once (readline split it in two, so every later answer went to the wrong request)', () => {
    const make = '{"method":"make","id":"BDT-small-v0","kwargs":{"scenario":{"name":"plant\u2028A\u2029B"}}}';
    const input = [make, '{"method":"reset",\r"seed":1}', '{"method":"close"}'].join('\r\n');
    const result = spawnSync(process.execPath, [bin, 'serve'], { input: `${input}\r\n`, encoding: 'utf8' });
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    assert.equal(lines.length, 3, result.stdout);
    const [made, reset, closed] = lines.map((line) => parseWire(line) as Record<string, Record<string, unknown>>);
    assert.ok(made!['result']!['observationSpace'], lines[0]);
    assert.ok(reset!['result']!['obs'], lines[1]);
    assert.deepEqual(closed, { result: null });
  });

  it('reads a line of up to maxLineBytes bytes; a longer one, whole or in pieces, is LINE_TOO_LONG once, its bytes dropped to its "\\n"', async () => {
    const lines = async (chunks: string[]) => {
      const out: Array<string | typeof LINE_TOO_LONG> = [];
      for await (const line of jsonLines((async function* () { yield* chunks; })(), 4)) out.push(line);
      return out;
    };
    assert.deepEqual(await lines(['abcd\nabcde\nxy\n']), ['abcd', LINE_TOO_LONG, 'xy']);
    assert.deepEqual(await lines(['ab', 'cde', 'fghij', 'k\nxy']), [LINE_TOO_LONG, 'xy']);
    assert.deepEqual(await lines(['xy\n', 'abcdefgh']), ['xy', LINE_TOO_LONG], 'a long last line without its "\\n"');
    assert.deepEqual(await lines(['é\u00e9\n', 'éé€\n']), ['éé', LINE_TOO_LONG], 'counted in bytes, not characters');
  });

  it(`refuses a line longer than ${MAX_LINE_BYTES} bytes as a ProtocolError without holding it, and goes on (a line of 700 MB took 2.2 GB, then ended the server)`, () => {
    const make = '{"method":"make","id":"CartPole-v1"}\n';
    const long = Buffer.alloc(MAX_LINE_BYTES + 1, 'a');
    long.write('{"method":"reset","pad":"');
    const input = Buffer.concat([Buffer.from(make), long, Buffer.from('\n{"method":"reset","seed":1}\n')]);
    const result = spawnSync(process.execPath, [bin, 'serve'], { input, encoding: 'utf8', maxBuffer: 2 ** 20 });
    assert.equal(result.status, 0, result.stderr);
    const [made, refused, reset, ...rest] = result.stdout.split('\n').filter((line) => line !== '').map((line) => parseWire(line) as Record<string, unknown>);
    assert.ok(made!['result'], JSON.stringify(made));
    assert.deepEqual(refused, { error: { type: 'ProtocolError', message: 'bad request: a line longer than 64 MiB (67108864 bytes) is not read' } });
    assert.ok((reset!['result'] as Record<string, unknown>)['obs'], 'the line after it is read');
    assert.deepEqual(rest, []);
  });

  it('drops a byte order mark at the start of the input only, and skips lines of JSON whitespace only (a BOM was dropped from every line, a line of no-break spaces skipped)', async () => {
    const lines: Array<string | typeof LINE_TOO_LONG> = [];
    for await (const line of jsonLines((async function* () { yield '\uFEFF{}\n\uFEFF{}\n'; })())) lines.push(line);
    assert.deepEqual(lines, ['{}', '\uFEFF{}']);
    assert.ok(isBlankLine(' \t\r') && isBlankLine(''));
    assert.ok(!isBlankLine('\u00A0') && !isBlankLine('\u2003') && !isBlankLine('\uFEFF'));
    const { responses } = serve(['\uFEFF{"method":"make","id":"CartPole-v1"}', '\uFEFF{"method":"reset","seed":1}', '\u00A0\u00A0', ' \t ', { method: 'reset', seed: 1 }]);
    assert.equal(responses.length, 4, JSON.stringify(responses));
    assert.ok(responses[0]!['result'], 'the first line may start with a BOM');
    assert.deepEqual(responses[1], { error: { type: 'ProtocolError', message: 'bad request: the line starts with a byte order mark (U+FEFF), which only the first line of the input may carry' } });
    assert.match((responses[2]!['error'] as { message: string }).message, /^bad request: not a JSON line/, 'no-break spaces are not JSON whitespace');
    assert.ok(responses[3]!['result'], 'a line of spaces and tabs is skipped, unanswered');
  });

  it('refuses a key repeated in one object or a "__proto__" key, which JSON.parse and objects built from it would drop without a word', () => {
    const { responses } = serve([
      '{"method":"close","method":"make","id":"CartPole-v1"}',
      '{"method":"make","id":"BDT-small-v0","kwargs":{"__proto__":{"infoLevel":"summary"}}}',
      '{"method":"make","id":"BDT-small-v0","kwargs":{"scenario":{"dnns":{"\\u005f_proto__":"alexnet"}}}}',
      { method: 'make', id: 'CartPole-v1' },
      '{"method":"reset","seed":1,"seed":2}',
      { method: 'reset', seed: { a: 1 } },
      { method: 'reset', seed: 1 },
    ]);
    const errors = responses.map((r) => r['error'] as { type: string; message: string } | undefined);
    assert.deepEqual(errors[0], { type: 'ProtocolError', message: 'bad request: key "method" appears twice in the top-level object (both on line 1); JSON keeps only the last, so one would be ignored: remove the other' });
    assert.deepEqual(errors[1], { type: 'ProtocolError', message: 'bad request: a key "__proto__" (at kwargs) is not taken: objects built from the request would lose it' });
    assert.deepEqual(errors[2], { type: 'ProtocolError', message: 'bad request: a key "__proto__" (at kwargs.scenario.dnns) is not taken: objects built from the request would lose it' });
    assert.equal(errors[3], undefined, 'the server goes on');
    assert.match(errors[4]!.message, /^bad request: key "seed" appears twice in the top-level object/);
    assert.deepEqual(errors[5], { type: 'InvalidArgumentError', message: 'CartPoleEnv.reset: seed = {a: 1} must be an integer >= 0' });
    assert.equal(errors[6], undefined);
  });

  it('refuses a request nested more than MAX_REQUEST_DEPTH deep, and goes on (deep values overflowed the stack in refusals, agent keys and answers)', () => {
    const nested = (depth: number) => `{"method":"step","action":${'['.repeat(depth)}0${']'.repeat(depth)}}`;
    const { responses, status } = serve([{ method: 'make', id: 'CartPole-v1' }, nested(MAX_REQUEST_DEPTH + 1), `{"method":"call","name":"toString","args":["${'['.repeat(5000)}"]}`, nested(MAX_REQUEST_DEPTH - 1), { method: 'reset', seed: 1 }]);
    assert.equal(status, 0);
    assert.deepEqual(responses[1], { error: { type: 'ProtocolError', message: `bad request: arrays and objects nested more than ${MAX_REQUEST_DEPTH} deep` } });
    assert.ok(!JSON.stringify(responses[2]).includes('nested more than'), 'brackets inside a string do not count');
    assert.ok(!JSON.stringify(responses[3]).includes('nested more than'), 'a request at the limit is read');
    assert.ok('result' in responses[4]!, 'the server goes on');
  });

  it('finds a "__proto__" key in a value nested deeper than the call stack (its search overflowed the stack and ended the server)', () => {
    const depth = 200_000;
    let deep: unknown = { ['__proto__']: 1 };
    for (let i = 0; i < depth; i++) deep = [deep];
    assert.equal(protoKeyPath({ action: deep }), `action${'[0]'.repeat(depth)}`);
    assert.equal(protoKeyPath({ kwargs: { 'my key': [{ ['__proto__']: 1 }] } }), 'kwargs["my key"][0]', 'a key that would not read after a dot, as formatPath writes it');
  });

  it('answers a request at the depth limit that holds a "\\u" escape (its "__proto__" search ran on every such line)', () => {
    const depth = MAX_REQUEST_DEPTH - 1;
    const { responses, status } = serve([
      { method: 'make', id: 'CartPole-v1' },
      `{"method":"step","action":${'['.repeat(depth)}${']'.repeat(depth)},"x":"\\u0041"}`,
      `{"method":"step","action":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},"\\u005f_proto__":1}`,
      { method: 'reset', seed: 1 },
    ]);
    assert.equal(status, 0);
    assert.equal(responses.length, 4);
    assert.deepEqual(responses[1], { error: { type: 'ProtocolError', message: 'bad request: at (root): Unrecognized key: "x"' } });
    assert.deepEqual(responses[2], { error: { type: 'ProtocolError', message: 'bad request: a key "__proto__" (at (root)) is not taken: objects built from the request would lose it' } });
    assert.ok('result' in responses[3]!, 'the server goes on');
  });

  it('wire JSON: a string that holds what stands in for a non-finite number stays a string, both ways', () => {
    // the stand-in is NUL, the token, NUL: a client may send that string, and an info may hold it beside a real Infinity
    const value = { s: '\u0000NaN\u0000', t: '\u00000NaN\u0000', x: Infinity, y: [NaN, -Infinity] };
    const text = stringifyWire(value);
    assert.equal(text, '{"s":"\\u0000NaN\\u0000","t":"\\u00000NaN\\u0000","x":Infinity,"y":[NaN,-Infinity]}');
    assert.deepEqual(parseWire(text), value);
    assert.deepEqual(parseWire('{"id":"\\u0000NaN\\u0000","n":NaN}'), { id: '\u0000NaN\u0000', n: NaN });
    assert.deepEqual(parseWire('{"id":"\\u0000NaN\\u0000"}'), { id: '\u0000NaN\u0000' });
  });

  it('wire JSON: strings holding a NUL and a number each, beside NaN, are read and written in one pass (each was searched again per candidate stand-in: 40 000 strings took 40 s, this line some 20 minutes)', () => {
    const strings = ['\u0000', ...Array.from({ length: 200_000 }, (_, i) => `\u0000${i}`)];
    const value = { n: NaN, strings, i: -Infinity };
    const text = stringifyWire(value);
    assert.ok(text.startsWith('{"n":NaN,"strings":["\\u0000","\\u00000","\\u00001",') && text.endsWith(',"i":-Infinity}'));
    assert.deepEqual(parseWire(text), value);
  });

  it('a refusal quotes a long string value in short, not whole', () => {
    const long = 'x'.repeat(1_000_000);
    const { responses } = serve([{ method: 'make', id: 'BDT-small-v0' }, { method: 'reset', seed: 1 }, { method: 'step', action: long }]);
    assert.deepEqual(responses[2], { error: { type: 'InvalidActionError', message: `BdtEnv.step: invalid action: action: expected an object with keys partition, inferenceShare, miningShare, got "${'x'.repeat(100)}"… (1000000 characters)` } });
  });
});
