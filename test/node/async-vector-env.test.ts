import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { AsyncVectorEnv } from '../../node/async-vector-env.ts';
import { Box, CartPoleEnv, Discrete, EnvCheckError, GymError, InvalidActionError, InvalidArgumentError, RecordEpisodeStatistics, SpaceError, SyncVectorEnv, UnregisteredEnvError, captureWarnings, make, makeVec, register, unregister, setWarningHandler } from '../../env/index.ts';
import type { BdtAction } from '../../env/bdt/action.ts';
import type { BdtObservation } from '../../env/bdt/observation.ts';

describe('AsyncVectorEnv', function () {
  this.timeout(60_000);
  let envs: AsyncVectorEnv<Float32Array, Int32Array> | undefined;
  afterEach(() => envs?.close());

  it('gives the same trajectories as SyncVectorEnv, autoreset and episode infos included', () => {
    const asyncEnvs = new AsyncVectorEnv<Float32Array, Int32Array>([0, 1].map(() => ({ id: 'CartPole-v1', recordEpisodeStatistics: true })));
    envs = asyncEnvs;
    const sync = new SyncVectorEnv([0, 1].map(() => () => make('CartPole-v1')));
    assert.equal(asyncEnvs.observationSpace.toString(), sync.observationSpace.toString());
    const [a0] = asyncEnvs.reset({ seed: 3 });
    const [b0] = sync.reset({ seed: 3 });
    assert.deepEqual(a0, b0);
    let episodes = 0;
    for (let t = 0; t < 60; t++) {
      const actions = Int32Array.of(1, t % 2);
      const a = asyncEnvs.step(actions);
      const b = sync.step(actions);
      assert.deepEqual([a[0], a[1], a[2], a[3]], [b[0], b[1], b[2], b[3]]);
      if (a[4]['_episode']) episodes += (a[4]['_episode'] as Uint8Array).reduce((s, x) => s + x, 0);
    }
    assert.ok(episodes >= 1, 'env 0 (always right) ends episodes within 60 steps');
  });

  it("B-DT observations and infos arrive as SyncVectorEnv's, each message's arrays in one compact buffer rather than the worker's 64 KiB pool chunk", () => {
    const kwargs = { infoLevel: 'full' } as const;
    const bdt = new AsyncVectorEnv<BdtObservation, BdtAction>([0, 1].map(() => ({ id: 'BDT-small-v0', kwargs })));
    try {
      const sync = makeVec('BDT-small-v0', 2, { vectorizationMode: 'sync', kwargs });
      assert.deepEqual(bdt.reset({ seed: 1 }), sync.reset({ seed: 1 }));
      sync.actionSpace.seed(1);
      for (let t = 0; t < 5; t++) {
        const actions = sync.actionSpace.sample();
        const result = bdt.step(actions);
        assert.deepEqual(result, sync.step(actions));
        const info = result[4] as { reputation: Float64Array[]; queues: { H: Float64Array[] } };
        for (const array of [info.reputation[0]!, info.reputation[1]!, info.queues.H[0]!]) assert.ok(array.buffer.byteLength < 2048, `a buffer of ${array.buffer.byteLength} bytes`);
        assert.equal(info.reputation[0]!.buffer, info.queues.H[0]!.buffer, "one buffer for an env's message");
      }
    } finally {
      bdt.close();
    }
  });

  it('rethrows worker errors with the env index and error class', () => {
    envs = new AsyncVectorEnv([{ id: 'CartPole-v1' }, { id: 'CartPole-v1' }]);
    envs.reset({ seed: 0 });
    assert.throws(() => envs!.step([0, 5]), (e: Error) => e instanceof InvalidActionError && /env 1: .*Discrete\(2\)/.test(e.message));
    assert.throws(() => envs!.reset({ seeed: 0 } as never), /AsyncVectorEnv\.reset: unknown reset argument "seeed"/);
    assert.throws(() => envs!.reset({ options: { low: 'x' } }), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'AsyncVectorEnv env 0: CartPoleEnv.reset: options.low = "x" must be a finite number');
    assert.throws(() => new AsyncVectorEnv([{ id: 'Nope-v0' }]), (e: Error) => e instanceof UnregisteredEnvError && /CartPole-v1/.test(e.message));
  });

  it("leaves a Box action's bounds to each env, as SyncVectorEnv and Gymnasium's AsyncVectorEnv do", () => {
    const imports = [new URL('./fixtures/echo-action-env.ts', import.meta.url).href];
    const echo = new AsyncVectorEnv<Float32Array, Float32Array>([{ id: 'EchoAction-v0', imports }, { id: 'EchoAction-v0', imports }]);
    envs = echo as never; // closed after the test
    echo.reset();
    assert.deepEqual(Array.from(echo.step(Float32Array.of(2, -3))[1]), [2, -3]);
  });

  it("rethrows a worker's InvalidArgumentError, SpaceError and EnvCheckError (its check kept) as such, an env's own GymError class as a GymError", () => {
    const imports = [new URL('./fixtures/scripted-env.ts', import.meta.url).href];
    envs = new AsyncVectorEnv([{ id: 'Scripted-v0', imports }, { id: 'Scripted-v0', imports }]);
    const failure = (name: string): Error => {
      try {
        envs!.call('fail', name);
      } catch (error) {
        return error as Error;
      }
      assert.fail(`call("fail", ${name}) did not throw`);
    };
    for (const [name, type] of [['InvalidArgumentError', InvalidArgumentError], ['SpaceError', SpaceError], ['OwnGymError', GymError]] as const) {
      const e = failure(name);
      assert.equal(e.constructor, type, `${name} arrived as ${e.constructor.name}`);
      assert.equal(e.message, `AsyncVectorEnv env 0: scripted ${name}`);
    }
    const checkError = failure('EnvCheckError');
    assert.ok(checkError instanceof EnvCheckError, `EnvCheckError arrived as ${checkError.constructor.name}`);
    assert.equal(checkError.check, 'scripted-check');
    assert.equal(checkError.message, 'AsyncVectorEnv env 0: [scripted-check] scripted EnvCheckError');
    const plain = failure('Error');
    assert.ok(!(plain instanceof GymError) && plain.message === 'AsyncVectorEnv env 0: scripted Error', 'a plain Error stays one');
  });

  it("keeps the worker's stack: an env's error in step shows the env's file and line, then the main thread's frames", () => {
    const fixture = new URL('./fixtures/scripted-env.ts', import.meta.url);
    envs = new AsyncVectorEnv([{ id: 'Scripted-v0', kwargs: { failAt: 1 }, imports: [fixture.href] }]);
    envs.reset();
    let error: Error | undefined;
    try {
      envs.step([0]);
    } catch (e) {
      error = e as Error;
    }
    assert.equal(error?.message, 'AsyncVectorEnv env 0: scripted failure at step 1');
    const line = readFileSync(fixture, 'utf8').split('\n').findIndex((text) => text.includes('throw new Error(`scripted failure')) + 1;
    const envFrame = new RegExp(`\\(?(file://)?${fileURLToPath(fixture).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+`);
    // what Node prints of an uncaught error is its inspect
    for (const printed of [error!.stack!, inspect(error)]) {
      assert.match(printed, envFrame);
      assert.ok(printed.startsWith('Error: AsyncVectorEnv env 0: scripted failure at step 1\n'), printed);
      assert.ok(printed.includes('async-vector-env.test.ts:'), `the main thread's frames stay: ${printed}`);
    }
  });

  it("a recipe import that throws while it loads: the error names the module's URL, where it threw and the original error", () => {
    const fixture = new URL('./fixtures/throwing-imports.ts', import.meta.url);
    const line = readFileSync(fixture, 'utf8').split('\n').findIndex((text) => text.startsWith('throw ')) + 1;
    assert.throws(
      () => new AsyncVectorEnv([{ id: 'CartPole-v1', imports: [fixture.href] }]),
      (e: unknown) => e instanceof GymError && e.message === `AsyncVectorEnv env 0: importing ${fixture.href}: ${fileURLToPath(fixture)}:${line}:7: RangeError: registration failed here`,
    );
  });

  it("an id registered only in the main thread: the worker's error says workers do not see it and to list its module in the recipe's imports", () => {
    register({ id: 'MainThreadCartPole-v0', entryPoint: () => new CartPoleEnv() });
    try {
      assert.throws(
        () => new AsyncVectorEnv([{ id: 'MainThreadCartPole-v0' }]),
        (e: unknown) =>
          e instanceof UnregisteredEnvError &&
          e.message.startsWith('AsyncVectorEnv env 0: No registered env with id "MainThreadCartPole-v0". Registered ids: CartPole-v0, CartPole-v1, ') &&
          e.message.endsWith(`. If the main thread registers "MainThreadCartPole-v0": AsyncVectorEnv's workers do not see its registrations; put the module that registers it in the recipe's imports (its URL, e.g. imports: [new URL('./my-envs.ts', import.meta.url).href]), and each worker imports it before make`),
      );
    } finally {
      unregister('MainThreadCartPole-v0');
    }
  });

  it("an unversioned id warns once, through the main thread's warning handler, however many workers make it (each resolves it in its own registry)", () => {
    const made = captureWarnings(() => new AsyncVectorEnv<Float32Array, Int32Array>([0, 1, 2].map(() => ({ id: 'CartPole' }))));
    envs = made.result;
    assert.deepEqual(made.warnings, ['Using the latest versioned environment `CartPole-v1` instead of the unversioned environment `CartPole`.']);
    envs.close();
    // an id only the recipe's imports register, which the main thread could not resolve
    const imports = [new URL('./fixtures/echo-action-env.ts', import.meta.url).href];
    const echo = captureWarnings(() => new AsyncVectorEnv([0, 1].map(() => ({ id: 'EchoAction', imports }))));
    echo.result.close();
    assert.deepEqual(echo.warnings, ['Using the latest versioned environment `EchoAction-v0` instead of the unversioned environment `EchoAction`.']);
  });

  it('reports the warnings of workers that failed to make their env (once), before their error', () => {
    const seen: string[] = [];
    const previous = setWarningHandler((message) => seen.push(`warning: ${message}`));
    try {
      new AsyncVectorEnv([0, 1].map(() => ({ id: 'CartPole', kwargs: { bogus: 1 } })));
    } catch (error) {
      seen.push(`error: ${(error as Error).message}`);
    } finally {
      setWarningHandler(previous);
    }
    assert.equal(seen.length, 2, seen.join('\n'));
    assert.equal(seen[0], 'warning: Using the latest versioned environment `CartPole-v1` instead of the unversioned environment `CartPole`.');
    assert.match(seen[1]!, /^error: AsyncVectorEnv env 0: CartPoleEnv: invalid keyword arguments:\n.*Unrecognized key: "bogus"/);
  });

  it("names the part of a step's result that cannot cross between threads (a function in the info), not a bare clone error", () => {
    envs = new AsyncVectorEnv([{ id: 'FunctionInfoCartPole-v0', imports: [new URL('./fixtures/function-info-env.ts', import.meta.url).href] }]);
    envs.reset({ seed: 0 });
    assert.throws(() => envs!.step([0]), (e: unknown) => e instanceof GymError && /^AsyncVectorEnv env 0: step: info\.explain is a function, which cannot cross between threads/.test(e.message));
  });

  it('refuses malformed recipes and options by name before starting workers', () => {
    assert.throws(() => new AsyncVectorEnv([{} as never]), /AsyncVectorEnv: recipe 0 must be \{ id, kwargs\? \} with a registered id, got \{\}/);
    assert.throws(() => new AsyncVectorEnv([null as never]), /recipe 0 must be/);
    for (const timeoutMs of [NaN, -5, 0, 'x']) assert.throws(() => new AsyncVectorEnv([{ id: 'CartPole-v1' }], { timeoutMs: timeoutMs as number }), /AsyncVectorEnv: timeoutMs = .* must be a number of ms in \(0, 2\^31\]/);
    assert.throws(() => new AsyncVectorEnv([{ id: 'CartPole-v1' }], { copy: 'no' as never }), /AsyncVectorEnv: copy = "no" must be true or false/);
  });

  it('after a timeout, ends its workers and refuses every call but close (a late reply would answer the next call)', () => {
    const imports = [new URL('./fixtures/scripted-env.ts', import.meta.url).href];
    const timeoutMs = 4000; // long enough for a worker to start on a loaded machine
    envs = new AsyncVectorEnv([{ id: 'Scripted-v0', imports }, { id: 'Scripted-v0', kwargs: { hangAt: 2, hangMs: 3 * timeoutMs }, imports }], { timeoutMs });
    envs.reset({ seed: 0 });
    assert.deepEqual(envs.step([0, 0])[0], Float32Array.of(1, 1));
    assert.throws(
      () => envs!.step([0, 0]),
      (e: unknown) => e instanceof GymError && e.message === `AsyncVectorEnv: env 1 did not answer "step" within ${timeoutMs} ms; every worker was ended, since a late reply would be read as the answer to the next request: the vector env is unusable but for close()`,
    );
    for (const [method, use] of [['step', () => envs!.step([0, 0])], ['reset', () => envs!.reset()], ['getAttr', () => envs!.getAttr('t')], ['call', () => envs!.call('toString')]] as const) {
      assert.throws(use, (e: unknown) => e instanceof GymError && e.message === `AsyncVectorEnv.${method}: the vector env is unusable since env 1 did not answer "step" within ${timeoutMs} ms; its workers were ended: close() it and build a new one`);
    }
    envs.close();
    envs.close();
    assert.throws(() => envs!.step([0, 0]), /^GymError: AsyncVectorEnv\.step: the vector env is closed$/);
  });

  it('an unreachable vector env that was never closed ends its workers once garbage-collected', () => {
    const script = fileURLToPath(new URL('./fixtures/drop-unclosed-envs.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(child.status, 0, child.stderr);
    const { started, exited } = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { started: number; exited: number };
    assert.equal(started, 4);
    assert.equal(exited, started, `${exited} of ${started} workers exited`);
  });

  it('closes at the end of a using block, as Python closes one at the end of a with block (workers of one left unclosed live until a garbage collection)', () => {
    let kept: AsyncVectorEnv | undefined;
    {
      using block = new AsyncVectorEnv([{ id: 'CartPole-v1' }]);
      block.reset({ seed: 0 });
      kept = block;
    }
    assert.throws(() => kept.reset({ seed: 0 }), /^GymError: AsyncVectorEnv\.reset: the vector env is closed$/);
  });

  it('closes twice and refuses to step after close', () => {
    envs = new AsyncVectorEnv([{ id: 'CartPole-v1' }]);
    envs.close();
    envs.close();
    assert.throws(() => envs!.step([0]), /closed/);
    for (const use of [() => envs!.getAttr('state'), () => envs!.setAttr('state', [0, 0, 0, 0]), () => envs!.call('render')]) assert.throws(use, /^GymError: AsyncVectorEnv\.(getAttr|setAttr|call): the vector env is closed$/);
  });

  describe('getAttr, setAttr and call', () => {
    /** CartPole x2 with RecordEpisodeStatistics, async and sync, reset with seed 0. */
    const pair = () => {
      const asyncEnvs = new AsyncVectorEnv<Float32Array, Int32Array>([0, 1].map(() => ({ id: 'CartPole-v1', recordEpisodeStatistics: true })));
      envs = asyncEnvs;
      const sync = new SyncVectorEnv([0, 1].map(() => () => new RecordEpisodeStatistics(make('CartPole-v1'))));
      asyncEnvs.reset({ seed: 0 });
      sync.reset({ seed: 0 });
      return { asyncEnvs, sync };
    };

    it("getAttr gives each env's value through its wrappers, as SyncVectorEnv; a space arrives as a space", () => {
      const { asyncEnvs, sync } = pair();
      for (let t = 0; t < 30; t++) {
        asyncEnvs.step(Int32Array.of(1, t % 2)); // env 0, always pushed right, ends episodes
        sync.step(Int32Array.of(1, t % 2));
      }
      const counts = asyncEnvs.getAttr('episodeCount') as number[]; // RecordEpisodeStatistics' own attribute
      assert.ok(counts[0]! > counts[1]!, `episode counts ${counts}`);
      assert.deepEqual(counts, sync.getAttr('episodeCount'));
      for (const name of ['state', 'returnQueue', 'metadata', 'suttonBartoReward', 'renderMode']) assert.deepEqual(asyncEnvs.getAttr(name), sync.getAttr(name), name);
      const spaces = asyncEnvs.getAttr('observationSpace');
      assert.ok(spaces.every((s) => s instanceof Box));
      assert.deepEqual(spaces.map(String), sync.getAttr('observationSpace').map(String));
      assert.ok((spaces[0] as Box).contains(asyncEnvs.reset({ seed: 1 })[0].subarray(0, 4)));
    });

    it('setAttr reaches each env through its wrappers: one value per env or one for all; a wrong count is refused and sets nothing', () => {
      const { asyncEnvs, sync } = pair();
      const states = [
        [0.1, 0, 0.05, 0],
        [-0.2, 0.3, -0.01, 0.1],
      ];
      asyncEnvs.setAttr('state', states);
      sync.setAttr('state', states);
      assert.deepEqual(asyncEnvs.getAttr('state'), states);
      assert.deepEqual(asyncEnvs.step(Int32Array.of(0, 1)), sync.step(Int32Array.of(0, 1)), 'each env stepped from its own new state');
      asyncEnvs.setAttr('suttonBartoReward', true);
      assert.deepEqual(asyncEnvs.getAttr('suttonBartoReward'), [true, true]);
      assert.deepEqual(Array.from(asyncEnvs.step(Int32Array.of(0, 1))[1]), [0, 0], 'Sutton-Barto rewards: 0 per surviving step');
      assert.throws(() => asyncEnvs.setAttr('state', [states[0]]), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'AsyncVectorEnv.setAttr: got 1 values for 2 envs');
      assert.throws(() => asyncEnvs.setAttr('state', [[0, 0, 0, 0], [0, 0, 0, Number.NaN]]), (e: unknown) => e instanceof GymError && /^AsyncVectorEnv env 1: CartPoleEnv\.state: element \[3\] = NaN is not a finite number$/.test(e.message));
    });

    it('call runs each env\'s method through its wrappers with the arguments and returns each result; reset, step and close are refused', () => {
      const { asyncEnvs, sync } = pair();
      for (let t = 0; t < 12; t++) {
        asyncEnvs.step(Int32Array.of(1, t % 2));
        sync.step(Int32Array.of(1, t % 2));
      }
      const counts = asyncEnvs.call('getWrapperAttr', 'episodeCount');
      assert.deepEqual(counts, sync.call('getWrapperAttr', 'episodeCount'));
      assert.deepEqual(counts, [1, 0], 'env 0 (always right) ended an episode, env 1 (alternating) none');
      assert.deepEqual(asyncEnvs.call('hasWrapperAttr', 'episodeCount'), [true, true]);
      assert.deepEqual(asyncEnvs.call('toString'), sync.call('toString'));
      assert.deepEqual(asyncEnvs.call('suttonBartoReward'), [false, false], 'a non-function attribute is returned as is');
      assert.ok(asyncEnvs.call('getWrapperAttr', 'actionSpace').every((s) => s instanceof Discrete));
      for (const name of ['reset', 'step', 'close']) {
        assert.throws(() => asyncEnvs.call(name), (e: unknown) => e instanceof GymError && e.message.startsWith(`AsyncVectorEnv.call("${name}"): use envs.${name}() itself`));
      }
    });

    it('refuses what cannot cross between threads with a GymError naming the attribute or method, the env and the part, and stays usable', () => {
      const { asyncEnvs } = pair();
      const refused = (pattern: RegExp) => (e: unknown) => e instanceof GymError && pattern.test(e.message) && /which cannot cross between threads/.test(e.message);
      assert.throws(() => asyncEnvs.getAttr('render'), (e: unknown) => e instanceof GymError && e.message === 'AsyncVectorEnv env 0: getAttr("render"): it is a method, which cannot leave the worker; call it with call("render", ...args)');
      assert.throws(() => asyncEnvs.getAttr('episodes$'), refused(/^AsyncVectorEnv env 0: getAttr\("episodes\$"\): episodes\$ is an Observable instance, /));
      assert.throws(() => asyncEnvs.getAttr('spec'), refused(/^AsyncVectorEnv env 0: getAttr\("spec"\): spec\.entryPoint is a function, /));
      assert.throws(() => asyncEnvs.call('getWrapperAttr', 'reset'), refused(/^AsyncVectorEnv env 0: call\("getWrapperAttr"\): result is a function, /));
      assert.throws(() => asyncEnvs.call('hasWrapperAttr', () => 'state'), refused(/^AsyncVectorEnv\.call\("hasWrapperAttr"\): args\[0\] is a function, /));
      assert.throws(() => asyncEnvs.setAttr('label', ['fine', { format: (x: number) => x }]), refused(/^AsyncVectorEnv\.setAttr\("label"\) for env 1: values\[1\]\.format is a function, /));
      assert.throws(() => asyncEnvs.setAttr('label', new Map([['a', Symbol('b')]])), refused(/^AsyncVectorEnv\.setAttr\("label"\): value\.get\("a"\) is a symbol, /));
      assert.throws(() => asyncEnvs.getAttr('label'), /AsyncVectorEnv env 0: .* has no attribute "label"/, 'a refused setAttr set nothing, in any env');
      assert.throws(() => asyncEnvs.getAttr('nope'), (e: unknown) => e instanceof GymError && /^AsyncVectorEnv env 0: <RecordEpisodeStatistics<TimeLimit<.*>>> has no attribute "nope" \(nor has any env it wraps\)$/.test(e.message));
      assert.deepEqual(asyncEnvs.getAttr('suttonBartoReward'), [false, false]);
      assert.equal(asyncEnvs.step(Int32Array.of(0, 1))[0].length, 8);
    });

    it('refuses reset options and recipe kwargs that cannot reach a worker, naming the option, before sending anything', () => {
      const { asyncEnvs, sync } = pair();
      class Schedule {
        next = 1;
      }
      const refused = (pattern: RegExp) => (e: unknown) => e instanceof GymError && pattern.test(e.message) && /which cannot cross between threads/.test(e.message);
      assert.throws(() => asyncEnvs.reset({ options: { curriculum: { levels: [1, { pick: () => 2 }] } } }), refused(/^AsyncVectorEnv\.reset: options\.curriculum\.levels\[1\]\.pick is a function, /));
      assert.throws(() => asyncEnvs.reset({ options: { 'odd key': new Schedule() } }), refused(/^AsyncVectorEnv\.reset: options\["odd key"\] is a Schedule instance, /));
      assert.deepEqual(asyncEnvs.step(Int32Array.of(0, 1)), sync.step(Int32Array.of(0, 1)), 'the refused resets reset nothing');
      assert.throws(() => new AsyncVectorEnv([{ id: 'CartPole-v1' }, { id: 'CartPole-v1', kwargs: { onStep: () => 0 } }]), refused(/^AsyncVectorEnv: recipes\[1\]\.kwargs\.onStep is a function, /));
    });
  });

  it('keeps CartPoleEnv a plain local class (sanity for the recipe path)', () => {
    assert.ok(new CartPoleEnv() instanceof CartPoleEnv);
  });
});
