import assert from 'node:assert/strict';
import { Box, Dict, Discrete, Env, EnvCheckError, PassiveEnvChecker, Tuple, captureWarnings, checkEnv, make, makeRng, register, registry, subSeed, unregister, type ResetArgs, type ResetResult, type StepResult } from '../../env/index.ts';

/** A minimal correct env; subclasses break one contract each. */
class GoodEnv extends Env<Float32Array, number> {
  observationSpace = new Box(0, 1, { shape: [2] });
  actionSpace = new Discrete(2);
  reset(args: ResetArgs = {}): ResetResult<Float32Array> {
    this.seedStreams(args.seed);
    return [Float32Array.of(this.npRandom(), this.npRandom()), {}];
  }
  step(action: number): StepResult<Float32Array> {
    return [Float32Array.of(this.npRandom(), action), 1, false, false, {}];
  }
}

function failsCheck(env: Env, check: string): void {
  assert.throws(
    () => captureWarnings(() => checkEnv(env)),
    (e: Error) => e instanceof EnvCheckError && e.check === check,
  );
}

describe('checkEnv', () => {
  describe('every registered env passes', () => {
    // Iterates the registry, so ids registered later (env/envs.ts) are covered automatically.
    for (const id of registry.keys()) {
      it(id, () => {
        const { warnings } = captureWarnings(() => checkEnv(make(id).unwrapped));
        assert.deepEqual(warnings.filter((w) => /not within|NaN|non-deterministic|render/.test(w)), []);
      });
    }
  });

  it('refuses an unknown option (a misspelt skipRender ran the check it meant to skip)', () => {
    assert.throws(() => checkEnv(make('CartPole-v1').unwrapped, { skipRender: true } as never), { message: 'checkEnv: unknown option "skipRender" (options: skipRenderCheck, skipCloseCheck)' });
  });

  it('accepts a correct env without a spec (warning about render modes only)', () => {
    const { warnings } = captureWarnings(() => checkEnv(new GoodEnv()));
    assert.deepEqual(warnings.map((w) => w.slice(0, 40)), ['Not able to test alternative render mode']);
  });

  it('warns about an action Box outside [-1, 1] or [0, 1], also inside a Dict, as Gymnasium', () => {
    const withActions = (actionSpace: Env['actionSpace']) =>
      captureWarnings(() => checkEnv(Object.assign(new GoodEnv(), { actionSpace }) as unknown as Env)).warnings.filter((w) => /normalised range/.test(w));
    assert.deepEqual(withActions(new Box(-1, 1, { shape: [2] })), []);
    assert.deepEqual(withActions(new Box(0, 1, { shape: [2] })), []);
    assert.equal(withActions(new Box(0, 2, { shape: [2] })).length, 1);
    assert.equal(withActions(new Box([-1, -2], [1, 3])).length, 1);
    assert.equal(withActions(new Dict({ k: new Discrete(2), share: new Box(0, 5, { shape: [1] }) })).length, 1);
    assert.deepEqual(withActions(new Dict({ k: new Discrete(2), share: new Box(0, 1, { shape: [1] }) })), []);
  });

  it("refuses an env whose reset() after reset({seed: 123}) draws from fresh entropy (Gymnasium's reset(seed=123), reset(), twice)", () => {
    // seeds its generator as asked, but a noise stream of its own from entropy when unseeded
    class FreshNoiseEnv extends GoodEnv {
      private noise = makeRng();
      override reset(args: ResetArgs = {}): ResetResult<Float32Array> {
        this.seedStreams(args.seed);
        this.noise = makeRng(args.seed == null ? undefined : subSeed(args.seed, 'noise'));
        return [Float32Array.of(this.noise(), this.npRandom()), {}];
      }
    }
    assert.throws(
      () => captureWarnings(() => checkEnv(new FreshNoiseEnv())),
      (e: unknown) => e instanceof EnvCheckError && e.check === 'reset-seed-determinism' && /^\[reset-seed-determinism\] reset\(\{seed: 123\}\) then reset\(\) is non-deterministic: the unseeded reset gave Float32Array\(2\) .*, then .*; an unseeded reset must continue the streams the last seed set, not draw from fresh entropy$/.test(e.message),
    );
  });

  it('accepts a deterministic env whose Dict observations have a null prototype', () => {
    class NullPrototypeEnv extends Env<{ x: Float32Array }, number> {
      observationSpace = new Dict({ x: new Box<Float32Array>(0, 1, { shape: [2] }) });
      actionSpace = new Discrete(2);
      private observation(): { x: Float32Array } {
        const obs = Object.create(null) as { x: Float32Array };
        obs.x = Float32Array.of(this.npRandom(), 0.5);
        return obs;
      }
      reset(args: ResetArgs = {}): ResetResult<{ x: Float32Array }> {
        this.seedStreams(args.seed);
        return [this.observation(), {}];
      }
      step(): StepResult<{ x: Float32Array }> {
        return [this.observation(), 1, false, false, {}];
      }
    }
    const { warnings } = captureWarnings(() => checkEnv(new NullPrototypeEnv()));
    assert.deepEqual(warnings.map((w) => w.slice(0, 40)), ['Not able to test alternative render mode']);
  });

  it('refuses a non-deterministic step even when the env reuses its observation array (each result is copied)', () => {
    class ReusingEnv extends GoodEnv {
      private readonly buffer = new Float32Array(2);
      override step(action: number): StepResult<Float32Array> {
        this.buffer[0] = Math.random(); // not from npRandom: the same seed gives another step
        this.buffer[1] = action;
        return [this.buffer, 1, false, false, {}];
      }
    }
    failsCheck(new ReusingEnv(), 'step-determinism');
  });

  it("refuses what Gymnasium's check_env refuses beyond the basics: a generator a step draws from a varying number of times, an empty Dict or Tuple space, an info that is a Map or class instance, a renderFps <= 0", () => {
    failsCheck(
      new (class extends GoodEnv {
        private steps = 0;
        override step(action: number): StepResult<Float32Array> {
          // one draw on the first step, two on the second: the same result, another generator state
          for (let i = (this.steps++ % 2) + 1; i > 0; i--) this.npRandom();
          return [Float32Array.of(0.5, action), 1, false, false, {}];
        }
      })(),
      'step-determinism',
    );
    const emptyDict = new (class extends GoodEnv {
      override observationSpace = new Dict({}) as never;
    })();
    assert.throws(() => captureWarnings(() => checkEnv(emptyDict)), (e: Error) => e instanceof EnvCheckError && e.check === 'observation-space' && e.message.endsWith('observationSpace is an empty Dict, which is not allowed'));
    const emptyTuple = new (class extends GoodEnv {
      override actionSpace = new Dict({ a: new Discrete(2), t: new Tuple([]) }) as never;
    })();
    assert.throws(() => captureWarnings(() => checkEnv(emptyTuple)), (e: Error) => e instanceof EnvCheckError && e.check === 'action-space' && e.message.endsWith('actionSpace.t is an empty Tuple, which is not allowed'));
    for (const info of [new Map(), new (class Info {})()]) {
      failsCheck(
        new (class extends GoodEnv {
          override reset(args: ResetArgs = {}): ResetResult<Float32Array> {
            return [super.reset(args)[0], info as never];
          }
        })(),
        'info-type',
      );
    }
    failsCheck(
      new (class extends GoodEnv {
        override metadata = { renderModes: [], renderFps: -1 };
      })(),
      'render',
    );
  });

  it("checks the render metadata as Gymnasium's render checker: no renderFps for an env with render modes warns, a 'human' render that returns something warns; make's checker throws at the first render for a renderMode missing from renderModes or a renderFps <= 0", () => {
    class TextEnv extends GoodEnv {
      override metadata: Env['metadata'] = { renderModes: ['ansi', 'human'] };
      override render(): string {
        return 'frame';
      }
    }
    const renderWarnings = (env: Env) => captureWarnings(() => checkEnv(env)).warnings.filter((w) => /render/.test(w) && !w.startsWith('Not able'));
    assert.deepEqual(renderWarnings(new TextEnv()), ['No render fps was declared (metadata.renderFps): rendering may run at an inconsistent rate']);
    const human = Object.assign(new TextEnv(), { metadata: { renderModes: ['ansi', 'human'], renderFps: 4 } });
    assert.deepEqual(renderWarnings(human), []);
    human.renderMode = 'human';
    assert.deepEqual(renderWarnings(human), ['render() in mode "human" should return undefined, got "frame"']);
    assert.deepEqual(renderWarnings(new GoodEnv()), [], 'an env without render modes (the default) needs no renderFps');

    const checked = (metadata: Env['metadata'], renderMode: 'ansi' | 'rgb_array') => {
      const env = Object.assign(new TextEnv(), { metadata });
      env.renderMode = renderMode;
      return new PassiveEnvChecker(env);
    };
    assert.throws(() => checked({ renderModes: ['ansi'], renderFps: 4 }, 'rgb_array').render(), (e: Error) => e instanceof EnvCheckError && e.check === 'render' && e.message.endsWith('renderMode "rgb_array" is not in metadata.renderModes [ansi]'));
    assert.throws(() => checked({ renderModes: ['ansi'], renderFps: 0 }, 'ansi').render(), (e: Error) => e instanceof EnvCheckError && e.message.endsWith('metadata.renderFps must be a number > 0, got 0'));
    const good = checked({ renderModes: ['ansi'], renderFps: 4 }, 'ansi');
    assert.deepEqual(captureWarnings(() => [good.render(), good.render()]), { result: ['frame', 'frame'], warnings: [] });
    const noFps = checked({ renderModes: ['ansi'] }, 'ansi');
    assert.deepEqual(captureWarnings(() => [noFps.render(), noFps.render()]).warnings, ['No render fps was declared (metadata.renderFps): rendering may run at an inconsistent rate'], 'warned once, at the first render');
  });

  it('refuses an env that seeds its generator only once, or never, saying reset() most likely does not call seedStreams', () => {
    const refused = (message: string) => (e: unknown) => e instanceof EnvCheckError && e.check === 'reset-seed-determinism' && e.message === `[reset-seed-determinism] ${message}`;
    // seeds at its first reset only; its observations do not show the draws
    class SeedsOnceEnv extends GoodEnv {
      private seeded = false;
      override reset(args: ResetArgs = {}): ResetResult<Float32Array> {
        if (!this.seeded) this.seedStreams(args.seed);
        this.seeded = true;
        this.npRandom();
        return [Float32Array.of(0.5, 0.5), {}];
      }
    }
    assert.throws(() => captureWarnings(() => checkEnv(new SeedsOnceEnv())), refused('the env generator differs after two reset({seed: 123}) calls: reset() most likely does not call this.seedStreams(args.seed)'));
    // never seeds and never draws: seeds 123 and 456 leave one generator state
    class NeverSeedsEnv extends GoodEnv {
      override reset(): ResetResult<Float32Array> {
        return [Float32Array.of(0.5, 0.5), {}];
      }
    }
    assert.throws(() => captureWarnings(() => checkEnv(new NeverSeedsEnv())), refused('the env generator is the same for seeds 123 and 456: reset() most likely does not call this.seedStreams(args.seed)'));
  });

  it('refuses a reset or step result of the wrong form, and a render that throws or returns the wrong type, with what it got', () => {
    const refused = (check: string, message: string) => (e: unknown) => e instanceof EnvCheckError && e.check === check && e.message === `[${check}] ${message}`;
    class BadReset extends GoodEnv {
      override reset(args: ResetArgs = {}): ResetResult<Float32Array> {
        super.reset(args);
        return [Float32Array.of(0, 0)] as never; // the observation alone, without the info
      }
    }
    assert.throws(() => captureWarnings(() => checkEnv(new BadReset())), refused('reset-return', 'reset() must return [obs, info], got [Float32Array(2) [0, 0]]'));
    // make's PassiveEnvChecker refuses it at the first reset, in the same words
    register({ id: 'TestBadReset-v0', entryPoint: () => new BadReset() });
    try {
      assert.throws(() => make('TestBadReset-v0').reset(), refused('reset-return', 'reset() must return [obs, info], got [Float32Array(2) [0, 0]]'));
    } finally {
      unregister('TestBadReset-v0');
    }
    class BadStep extends GoodEnv {
      override step(action: number): StepResult<Float32Array> {
        return [Float32Array.of(0, action), 1, false, {}] as never; // Gym's old 4-tuple
      }
    }
    // the checker's action (0 or 1) is the observation's second element
    assert.throws(() => captureWarnings(() => checkEnv(new BadStep())), (e: unknown) => e instanceof EnvCheckError && e.check === 'step-return' && /^\[step-return\] step\(\) must return \[obs, reward, terminated, truncated, info\], got \[Float32Array\(2\) \[0, [01]\], 1, false, \{\}\]$/.test(e.message));
    class AnsiEnv extends GoodEnv {
      override metadata = { renderModes: ['ansi'] as const, renderFps: 4 };
      constructor() {
        super();
        this.renderMode = 'ansi';
      }
    }
    class ThrowingRender extends AnsiEnv {
      override render(): string {
        throw new Error('no terminal');
      }
    }
    assert.throws(() => captureWarnings(() => checkEnv(new ThrowingRender())), refused('render', 'render() in mode "ansi" threw: no terminal'));
    class NumberRender extends AnsiEnv {
      override render(): string {
        return 3 as never;
      }
    }
    assert.throws(() => captureWarnings(() => checkEnv(new NumberRender())), refused('render', 'render() in mode "ansi" should return a string, got 3'));
  });

  it("skips comparing episodes for an env registered nondeterministic, as Gymnasium's spec.nondeterministic; still checks its generator's seeding", () => {
    class NoisyEnv extends GoodEnv {
      override reset(args: ResetArgs = {}): ResetResult<Float32Array> {
        this.seedStreams(args.seed);
        return [Float32Array.of(Math.random(), 0), {}]; // a sensor's noise, say: no seed repeats it
      }
      override step(action: number): StepResult<Float32Array> {
        return [Float32Array.of(Math.random(), action), 1, false, false, {}];
      }
    }
    for (const nondeterministic of [true, false]) {
      register({ id: 'TestNoisy-v0', entryPoint: () => new NoisyEnv(), nondeterministic });
      try {
        const env = make('TestNoisy-v0').unwrapped;
        assert.equal(env.spec?.nondeterministic, nondeterministic ? true : undefined);
        if (nondeterministic) captureWarnings(() => checkEnv(env));
        else failsCheck(env, 'reset-seed-determinism');
      } finally {
        unregister('TestNoisy-v0');
      }
    }
    assert.throws(() => register({ id: 'TestNoisy-v0', entryPoint: () => new NoisyEnv(), nondeterministic: 'yes' as never }), /register\("TestNoisy-v0"\): nondeterministic must be a boolean \(or omitted\), got "yes"/);
  });

  it('names the broken check', () => {
    failsCheck(
      new (class extends GoodEnv {
        override reset(): ResetResult<Float32Array> {
          return [Float32Array.of(Math.random(), 0), {}];
        }
      })(),
      'reset-seed-determinism',
    );
    failsCheck(
      new (class extends GoodEnv {
        override reset(args: ResetArgs = {}): ResetResult<Float32Array> {
          this.seedStreams(args.seed ?? 0);
          return [Float32Array.of(0.5, 0.5), {}];
        }
      })(),
      'reset-seed-determinism',
    );
    failsCheck(
      new (class extends GoodEnv {
        override reset(args: ResetArgs = {}): ResetResult<Float32Array> {
          if (args.options) throw new Error('no options');
          return super.reset(args);
        }
      })(),
      'reset-options',
    );
    // an observation outside the space is a broken reset result (it was filed under reset-seed-determinism)
    failsCheck(
      new (class extends GoodEnv {
        override reset(args: ResetArgs = {}): ResetResult<Float32Array> {
          super.reset(args);
          return [Float32Array.of(2, 0), {}];
        }
      })(),
      'reset-return',
    );
    failsCheck(
      new (class extends GoodEnv {
        override step(action: number): StepResult<Float32Array> {
          return [Float32Array.of(0, action), 1, false, false, { t: Math.random() }];
        }
      })(),
      'step-determinism',
    );
    // truncated by its first step, as Gymnasium's check_step_determinism refuses
    failsCheck(
      new (class extends GoodEnv {
        override step(action: number): StepResult<Float32Array> {
          return [Float32Array.of(0, action), 1, false, true, {}];
        }
      })(),
      'step-determinism',
    );
    failsCheck(
      new (class extends GoodEnv {
        override step(): StepResult<Float32Array> {
          return [Float32Array.of(0, 0), '1' as unknown as number, false, false, {}];
        }
      })(),
      'step-return',
    );
    failsCheck(
      new (class extends GoodEnv {
        override close(): void {
          if ((this as unknown as { closed?: boolean }).closed) throw new Error('already closed');
          (this as unknown as { closed?: boolean }).closed = true;
        }
      })(),
      'close-twice',
    );
  });
});
