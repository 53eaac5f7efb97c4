import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { issueLines } from '../../env/core/zod-issues.ts';
import type { BdtEnv } from '../../env/bdt/bdt-env.ts';
import { partitionSpaceSize } from '../../env/bdt/topology.ts';
import { KIND_UNION_PATHS } from '../../env/bdt/scenario/parse.ts';
import { captureWarnings, compileScenario, make, mergeDeep, parseScenario, ScenarioError, scenarioJsonSchemaText, type Scenario, type ScenarioInput, type ScenarioOverride } from '../../env/index.ts';
import { meanGainAt } from '../../env/bdt/scenario/compile.ts';
import { checkScenario } from '../../env/bdt/scenario/check.ts';
import { undescribedFields } from '../undescribed-fields.ts';

const readConfig = (name: string): ScenarioInput => JSON.parse(readFileSync(new URL(`../../configs/${name}.json`, import.meta.url), 'utf8'));

function tiny(): ScenarioInput {
  return {
    name: 'tiny',
    slots: 5,
    topology: { kind: 'explicit', a: [[1, 0], [0, 1], [0, 1]], b: [[1], [1]] },
    dnns: { two: { unitFlops: [100, 300], outputBits: [800, 400, 80] } },
    devices: { dnn: 'two', arrivals: { kind: 'poisson', rate: 2 } },
    gateways: { freq: 1e9, flopsPerCycle: 4, kappa: 1e-27, txPower: 0.2, bandwidth: 1e6, energyBudget: { kind: 'constant', joules: 1 } },
    aps: { maxFreq: 3e9, flopsPerCycle: 16, kappa: 1e-27, energyBudget: { kind: 'uniform', min: 1, max: 2 } },
    channel: { distance: [100, 1000] },
    reputation: { scale: 1e3 },
    consensus: { alpha: 2, beta: 0.5, puzzleCycles: 1e8 },
    lyapunov: { V: 10, uMin: 0.3, uMax: 0.7 },
  };
}

/** The message of the ScenarioError thrown by parsing `input`. */
function failure(input: unknown): string {
  try {
    parseScenario(input);
  } catch (error) {
    assert.ok(error instanceof ScenarioError, `expected ScenarioError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('scenario was accepted');
}

describe('bdt scenario: validation', () => {
  it('accepts the shipped configs', () => {
    for (const name of ['small', 'default', 'large']) parseScenario(readConfig(name));
  });

  it('negative frequency: path, rule, value', () => {
    const message = failure(mergeDeep(tiny(), { gateways: { freq: [1e9, -5] } }));
    assert.match(message, /at gateways\.freq\[1\]: Too small: expected number to be >=1 \(value: -5\)/);
  });

  it('absurd magnitudes, which would make energies and rewards Infinity or NaN, are refused with path, rule and value', () => {
    const cases: Array<[object, RegExp]> = [
      [{ channel: { noiseDbmPerHz: 1e308 } }, /at channel\.noiseDbmPerHz: Too big: expected number to be <=0 \(value: 1e\+308\)/],
      [{ gateways: { freq: 1e308 } }, /at gateways\.freq: Too big: expected number to be <=1000000000000 \(value: 1e\+308\)/],
      [{ aps: { kappa: [1e-27, 1e300] } }, /at aps\.kappa\[1\]: Too big: expected number to be <=1e-18 \(value: 1e\+300\)/],
      [{ gateways: { bandwidth: 1e-300 } }, /at gateways\.bandwidth: Too small: expected number to be >=1 \(value: 1e-300\)/],
      [{ consensus: { beta: -1000 } }, /at consensus\.beta: Too small: expected number to be >=-100 \(value: -1000\)/],
      [{ devices: { arrivals: { kind: 'trace', values: [[1, 2.5, 0]] } } }, /at devices\.arrivals\.values\[0\]\[1\]: Invalid input: expected int, received number \(value: 2\.5\)/],
      [{ slots: 1e15 }, /at slots: Too big: expected number to be <=1000000000 \(value: 1000000000000000\)/],
      // budgets where the energies would underflow to 0 against them (0 itself is a budget: none)
      [{ aps: { energyBudget: { kind: 'constant', joules: 1e-300 } } }, /at aps\.energyBudget\.joules: Too small: expected number to be >=1e-9 \(value: 1e-300\)/],
      [{ aps: { energyBudget: { kind: 'uniform', min: [0, 1e-300], max: 1 } } }, /at aps\.energyBudget\.min\[1\]: Too small: expected 0 or a number >=1e-9 \(value: 1e-300\)/],
      // where 0 is taken too, the rule says so (it said ">=1e-9" of a -1)
      [{ gateways: { energyBudget: { kind: 'uniform', min: -1, max: 1 } } }, /at gateways\.energyBudget\.min: Too small: expected 0 or a number >=1e-9 \(value: -1\)/],
      // a drawn topology's count past the limit, refused before the per-node checks loop over it (1e12 hung)
      [{ topology: { kind: 'random', devices: 1e12, gateways: 1, aps: 1, seed: 1 }, devices: { dnn: 'two', arrivals: { kind: 'uniform', min: 0, max: 2 } } }, /at topology\.devices: Too big: expected number to be <=1000000 \(value: 1000000000000\)/],
      [{ lyapunov: { V: NaN } }, /at lyapunov\.V: .* \(value: NaN\)/],
      // a key that reads badly after a dot is written in brackets (an empty DNN name read `at dnns.`)
      [{ dnns: { '': { unitFlops: [1], outputBits: [8, 8] } } }, /at dnns\[""\]: Invalid key in record \(value: ""\)/],
      [{ dnns: { 'my net': { unitFlops: [1, -1], outputBits: [8, 8, 8] } } }, /at dnns\["my net"\]\.unitFlops\[1\]: /],
      // a per-node array names its bad element (not "Invalid input" for the whole array, whose JSON writes Infinity as null)
      [{ gateways: { freq: [1e9, 'x'] } }, /at gateways\.freq\[1\]: Invalid input: expected number, received string \(value: "x"\)/],
      [{ gateways: { freq: [1e9, Infinity] } }, /at gateways\.freq\[1\]: Invalid input: expected number, received Infinity \(value: Infinity\)/],
      [{ devices: { arrivals: { kind: 'uniform', min: 0.5, max: [1, 2, 3] } } }, /at devices\.arrivals\.min: Invalid input: expected int, received number \(value: 0\.5\)/],
      // a valid layer spec whose sizes overflow
      [
        { dnns: { big: { name: 'big', inputShape: [100], bitsPerElement: 1e308, units: [{ name: 'u', layers: [{ kind: 'dense', units: 10 }] }] } }, devices: { dnn: 'big' } },
        /at dnns\.big\.units\[0\]: rule: an output of at most 1000000000000000 bits per data point; unit "u" outputs Infinity \(value: "u"\)/,
      ],
      // the same without a name, which an inline spec may leave out (its limits went unchecked: NaN energies, an infinite reward)
      [
        { dnns: { big: { inputShape: [100], bitsPerElement: 1e308, units: [{ name: 'u', layers: [{ kind: 'dense', units: 10 }] }] } }, devices: { dnn: 'big' } },
        /at dnns\.big\.inputShape: rule: an input of at most 1000000000000000 bits per data point; this one has Infinity/,
      ],
      [
        { dnns: { wide: { inputShape: [4], units: [{ name: 'u', layers: [{ kind: 'dense', units: 2 ** 52 }, { kind: 'dense', units: 2 ** 52 }] }] } }, devices: { dnn: 'wide' } },
        /at dnns\.wide\.units\[0\]: rule: at most 1000000000000000000 FLOPs per data point; unit "u" needs 4\.0\d*e\+31 \(value: "u"\)/,
      ],
    ];
    for (const [override, expected] of cases) assert.match(failure(mergeDeep(tiny(), override)), expected);
  });

  it('device with no gateway', () => {
    const message = failure(mergeDeep(tiny(), { topology: { a: [[1, 0], [0, 0], [0, 1]] } }));
    assert.match(message, /at topology\.a\[1\]: rule: device 1 is served by exactly one gateway .*device with no gateway.*\(value: \[0,0\]\)/);
  });

  it('an AP that serves no device (it would get no work, its reputation stuck at 0)', () => {
    const apart = { topology: { a: [[1, 0], [0, 1], [0, 1]], b: [[1, 0, 0], [0, 1, 0]] }, aps: { maxFreq: [3e9, 3e9, 3e9] } };
    assert.match(failure(mergeDeep(tiny(), apart)), /at topology\.b: rule: every AP serves at least one device .*; AP 2 serves none, so it would get no work and its reputation would stay 0 \(value: \[0,0\]\)/);
  });

  it('min > max of a uniform arrival or budget, for one node or all', () => {
    assert.match(failure(mergeDeep(tiny(), { devices: { arrivals: { kind: 'uniform', min: [0, 3, 1], max: 2 } } })), /at devices\.arrivals\.min: rule: min <= max; device 1 has min 3 > max 2 \(value: 3\)/);
    assert.match(failure(mergeDeep(tiny(), { aps: { energyBudget: { min: 3 } } })), /at aps\.energyBudget\.min: rule: min <= max; AP 0 has min 3 > max 2 \(value: 3\)/);
    assert.match(failure(mergeDeep(tiny(), { gateways: { energyBudget: { kind: 'uniform', min: [1, 2], max: [2, 1] } } })), /at gateways\.energyBudget\.min: rule: min <= max; gateway 1 has min 2 > max 1 \(value: 2\)/);
  });

  it('U^min > U^max', () => {
    assert.match(failure(mergeDeep(tiny(), { lyapunov: { uMin: 0.8 } })), /at lyapunov\.uMin: rule: uMin <= uMax; got uMin 0\.8 > uMax 0\.7 \(value: 0\.8\)/);
  });

  it("a custom DNN under a built-in's name (it replaced the built-in for every device naming it)", () => {
    assert.match(failure(mergeDeep(tiny(), { dnns: { alexnet: { unitFlops: [1], outputBits: [1, 1] } } })), /at dnns\.alexnet: rule: a custom DNN's name is no built-in's; "alexnet" is built in \(name yours otherwise, e\.g\. "alexnet-custom"/);
  });

  it("a layer spec whose name differs from its key in dnns is named by its key: accepted (runs saved with one stay usable), the name ignored, warned about once", () => {
    const layers = { inputShape: [16], units: [{ name: 'u', layers: [{ kind: 'dense' as const, units: 4 }] }] };
    // a key/name pair of this test only: the warning is once per process
    const mismatched = { dnns: { 'tiny-mismatch': { name: 'saved-before-the-rule', ...layers } }, devices: { dnn: 'tiny-mismatch' } };
    const { result: systems, warnings } = captureWarnings(() => [0, 1, 2].map(() => {
      const env = make('BDT-small-v0', { scenario: mismatched });
      const system = (env.unwrapped as BdtEnv).system;
      env.close();
      return system;
    }));
    assert.deepEqual(warnings, [
      'dnns.tiny-mismatch: the layer spec\'s name "saved-before-the-rule" is ignored; its key "tiny-mismatch" names the DNN (set name to "tiny-mismatch" to silence this)',
    ]);
    const keyed = compileScenario(parseScenario(mergeDeep(readConfig('small'), { dnns: { 'tiny-mismatch': { name: 'tiny-mismatch', ...layers } }, devices: { dnn: 'tiny-mismatch' } }) as ScenarioInput));
    // the key alone names it: name may be left out (the schema required it, then ignored it)
    const { result: unnamed, warnings: none } = captureWarnings(() => compileScenario(parseScenario(mergeDeep(readConfig('small'), { dnns: { 'tiny-mismatch': layers }, devices: { dnn: 'tiny-mismatch' } }) as ScenarioInput)));
    assert.deepEqual(none, []);
    for (const system of [...systems, unnamed]) {
      assert.deepEqual(system.dnnNames, keyed.dnnNames);
      assert.deepEqual(system.cumFlops, keyed.cumFlops);
      assert.deepEqual(system.outputBits, keyed.outputBits);
    }
  });

  it('unknown DNN, listing the known ones', () => {
    assert.match(failure(mergeDeep(tiny(), { devices: { dnn: ['two', 'resnet-9000', 'two'] } })), /at devices\.dnn\[1\]: rule: a built-in or custom DNN name; unknown DNN "resnet-9000" \(known: .*alexnet.*two\)/);
  });

  it('a "__proto__" key in a JSON override or scenario, refused by path (not merged into the prototype, unseen)', () => {
    const refused = /rule: a key other than "__proto__", which the scenario's reading would drop/;
    assert.throws(() => mergeDeep(tiny(), JSON.parse('{"__proto__": {"description": 5}}')), (e: Error) => /at __proto__: /.test(e.message) && refused.test(e.message));
    assert.throws(() => mergeDeep(tiny(), JSON.parse('{"lyapunov": {"__proto__": {"V": "bad"}}}')), (e: Error) => /at lyapunov\.__proto__: /.test(e.message) && refused.test(e.message));
    assert.equal(({} as Record<string, unknown>)['description'], undefined);
    // a DNN named "__proto__" (dnns is a record, which zod reads without that key) was dropped without a word
    assert.throws(() => mergeDeep(tiny(), JSON.parse('{"dnns": {"__proto__": "alexnet"}}')), (e: Error) => /at dnns\.__proto__: /.test(e.message) && refused.test(e.message));
    const scenario = { ...tiny(), dnns: JSON.parse('{"__proto__": "alexnet"}') as unknown };
    assert.throws(() => parseScenario(scenario), (e: Error) => /at dnns\.__proto__: /.test(e.message) && refused.test(e.message));
  });

  it('wrong matrix and array sizes', () => {
    assert.match(failure(mergeDeep(tiny(), { topology: { b: [[1]] } })), /at topology\.b: rule: b has one row per gateway, M = 2/);
    assert.match(failure(mergeDeep(tiny(), { topology: { a: [[1, 0], [0, 1, 0], [0, 1]] } })), /at topology\.a\[1\]: rule: every row of a has M = 2 columns/);
    // empty matrices: the refusal, not a TypeError from the cross-field checks zod runs after it
    assert.match(failure(mergeDeep(tiny(), { topology: { a: [] } })), /at topology\.a: Too small: expected array to have >=1 items/);
    assert.match(failure(mergeDeep(tiny(), { topology: { b: [] } })), /at topology\.b: Too small: expected array to have >=1 items/);
    assert.match(failure(mergeDeep(tiny(), { aps: { maxFreq: [1e9, 2e9] } })), /at aps\.maxFreq: rule: one entry per AP \(1, the columns of topology\.b\); got 2/);
    // the count names where it comes from: a row removed from topology.a is what makes dnn one too long
    assert.match(failure(mergeDeep(tiny(), { topology: { a: [[1, 0], [0, 1]] }, devices: { dnn: ['two', 'two', 'two'] } })), /at devices\.dnn: rule: one entry per device \(2, the rows of topology\.a\); got 3/);
    assert.match(failure(mergeDeep(tiny(), { topology: { kind: 'random', devices: 3, gateways: 2, aps: 1, seed: 1 }, gateways: { freq: [1e9, 1e9, 1e9] } })), /at gateways\.freq: rule: one entry per gateway \(2, topology\.gateways\); got 3/);
    assert.match(failure(mergeDeep(tiny(), { dnns: { two: { unitFlops: [100, 300], outputBits: [1, 2] } } })), /at dnns\.two\.outputBits: rule: outputBits has L \+ 1 = 3 entries/);
  });

  it('a value JSON cannot write is shown in the bounded form: nesting past the call stack (it crashed the message with a RangeError), a cycle, a BigInt (it showed as the number)', () => {
    let deep: unknown = [];
    for (let i = 0; i < 5000; i++) deep = [deep];
    const cycle: unknown[] = [];
    cycle.push(cycle);
    assert.match(failure(mergeDeep(tiny(), { slots: deep })), /^ {2}at slots: Invalid input: expected number, received array \(value: \[\[\[…\]\]\]\)$/m);
    assert.match(failure(mergeDeep(tiny(), { slots: cycle })), /^ {2}at slots: Invalid input: expected number, received array \(value: \[\[\[…\]\]\]\)$/m);
    assert.match(failure(mergeDeep(tiny(), { slots: 5n })), /^ {2}at slots: Invalid input: expected number, received bigint \(value: 5n\)$/m);
  });

  it('100,000 bad elements give twenty lines and a count of the rest (they gave a line each: a million gave 85 MB)', () => {
    const lines = failure(mergeDeep(tiny(), { devices: { arrivals: { kind: 'poisson', rate: new Array<number>(100_000).fill(-1) } } })).split('\n');
    assert.equal(lines.length, 1 + 20 + 1, lines.slice(0, 3).join('\n'));
    assert.match(lines[1]!, /^ {2}at devices\.arrivals\.rate\[0\]: Too small: expected number to be >=0 \(value: -1\)$/);
    assert.match(lines[20]!, /^ {2}at devices\.arrivals\.rate\[19\]: /);
    assert.equal(lines[21], '  … and 99981 more issues'); // the elements past the 20th, and the array's length (one rate per device)
  });

  it('an object whose contents a scenario does not read (a Map, Set or Date, inherited fields) is refused by path, in a whole scenario and in an override (a Map of lyapunov fields kept V = 10 silently)', () => {
    const rule = 'rule: JSON data \\(objects of own fields, arrays, numbers, strings, booleans, null\\)';
    assert.match(failure({ ...tiny(), lyapunov: new Map([['V', 3]]) }), new RegExp(`^invalid scenario:\\n {2}at lyapunov: ${rule}; got a Map, which a scenario does not read`));
    const base = tiny() as unknown as Record<string, Record<string, unknown>>;
    assert.match(failure({ ...base, gateways: { ...base['gateways'], freq: [1e9, new Set()] } }), new RegExp(`at gateways\\.freq\\[1\\]: ${rule}; got a Set`));
    assert.throws(() => mergeDeep(tiny(), { lyapunov: Object.create({ V: 3 }) as object }), (e: Error) => e instanceof ScenarioError && new RegExp(`^invalid scenario override:\\n {2}at lyapunov: ${rule}; got an object whose field "V" is inherited`).test(e.message));
    assert.throws(() => mergeDeep(tiny(), { lyapunov: new Date(0) }), /at lyapunov: .*got a Date/);
    // a class instance's own fields are read as a plain object's
    class Lyapunov {
      V = 3;
    }
    assert.equal(parseScenario(mergeDeep(tiny(), { lyapunov: new Lyapunov() })).lyapunov.V, 3);
  });

  it('unknown keys are rejected, not ignored', () => {
    assert.match(failure(mergeDeep(tiny(), { gateways: { frequency: 1e9 } })), /at gateways: Unrecognized key: "frequency"/);
  });

  it("an unknown key's line names the keys the object takes and the nearest to each unknown one (a case slip, a typo), in a union's branch too", () => {
    assert.match(failure(mergeDeep(tiny(), { lyapunov: { v: 50 } })), /^ {2}at lyapunov: Unrecognized key: "v"; did you mean "V"\? \(keys: V, uMin, uMax\)$/m);
    assert.match(failure(mergeDeep(tiny(), { lyapunov: { v: 50, umin: 0.1 } })), /at lyapunov: Unrecognized keys: "v", "umin"; did you mean "V" for "v", "uMin" for "umin"\? \(keys: V, uMin, uMax\)$/m);
    assert.match(failure(mergeDeep(tiny(), { devices: { arrivals: { rat: 3 } } })), /at devices\.arrivals: Unrecognized key: "rat"; did you mean "rate"\? \(keys: kind, rate\)$/m, "the branch of the input's kind");
    assert.match(failure(mergeDeep(tiny(), { gateways: { frequency: 1e9 } })), /at gateways: Unrecognized key: "frequency" \(keys: freq, flopsPerCycle, /, 'nothing near: the keys alone');
    // make's keyword arguments are checked by the same formatter
    // @ts-expect-error a typo is a type error too
    assert.throws(() => make('BDT-small-v0', { infolevel: 'summary' }), /at \(root\): Unrecognized key: "infolevel"; did you mean "infoLevel"\? \(keys: scenario, /);
  });

  it('a kind change in an override replaces the old fields', () => {
    const merged = mergeDeep(tiny(), { devices: { arrivals: { kind: 'uniform', min: 1, max: 3 } } }) as ScenarioInput;
    assert.deepEqual(parseScenario(merged).devices.arrivals, { kind: 'uniform', min: 1, max: 3 });
  });

  it('a kind left undefined in an override keeps the base object, as any undefined field does', () => {
    const base = readConfig('default');
    const merged = mergeDeep(base, { devices: { arrivals: { kind: undefined, rate: 5 } }, channel: { fading: { kind: undefined } } }) as ScenarioInput;
    assert.deepEqual(parseScenario(merged).devices.arrivals, { kind: 'poisson', rate: 5 });
    assert.deepEqual(parseScenario(merged).channel.fading, parseScenario(base).channel.fading);
  });

  it("a changed kind outside the discriminated unions merges like any field: {reputation: {kind}} keeps the base's scale", () => {
    const merged = mergeDeep(readConfig('default'), { reputation: { kind: 'linear' } }) as ScenarioInput;
    assert.deepEqual(parseScenario(merged).reputation, { kind: 'linear', scale: 1e10 });
    const env = make('BDT-v0', { scenario: { reputation: { kind: 'logarithmic' } } });
    assert.deepEqual((env.unwrapped as BdtEnv).system.reputation, { kind: 'logarithmic', scale: 1e10 });
    env.close();
    // the unions keep replacing on a changed kind: a fading's or a budget's old fields would not fit
    assert.deepEqual(KIND_UNION_PATHS, new Set(['topology', 'devices.arrivals', 'gateways.energyBudget', 'aps.energyBudget', 'channel.fading']));
    const budget = mergeDeep(readConfig('default'), { gateways: { energyBudget: { kind: 'constant', joules: 7 } } }) as ScenarioInput;
    assert.deepEqual(parseScenario(budget).gateways.energyBudget, { kind: 'constant', joules: 7 });
  });

  it("each entry of an override's dnns replaces the base's entry of its name whole: a profile replaces a layer spec, and back", () => {
    const spec = { name: 'mine', inputShape: [32, 32, 3], units: [{ name: 'c', layers: [{ kind: 'conv2d', filters: 4, kernel: 3 }] }, { name: 'h', layers: [{ kind: 'globalAvgPool' }, { kind: 'dense', units: 10 }] }] };
    const base = mergeDeep(tiny(), { dnns: { mine: spec }, devices: { dnn: 'mine' } });
    const profile = { unitFlops: [1e6, 2e6], outputBits: [1e4, 1e3, 10] };
    const merged = mergeDeep(base, { dnns: { mine: profile } }) as ScenarioInput;
    assert.deepEqual(merged.dnns, { two: tiny().dnns!['two'], mine: profile }, 'the other entries stay');
    assert.deepEqual(Array.from(compileScenario(parseScenario(merged)).cumFlops.subarray(0, 3)), [0, 1e6, 3e6]);
    const back = mergeDeep(merged, { dnns: { mine: spec } }) as ScenarioInput;
    assert.deepEqual(back.dnns!['mine'], spec);
    assert.equal(compileScenario(parseScenario(back)).unitCount[0], 2);
  });
});

describe('bdt scenario: union-typed fields name the rule and the inner path', () => {
  const dnn = (layer: object) => ({ dnns: { mine: { name: 'mine', inputShape: [1024, 3], units: [{ name: 'u', layers: [layer] }] } } });

  it('a value of no branch\'s type says what the branches expect and what the field is (not a bare "Invalid input")', () => {
    const expected = (received: string, value: string) =>
      new RegExp(`at gateways\\.freq: Invalid input: expected a number or an array of numbers, received ${received}; field: f_m\\^G, gateway CPU clock \\(cycles/s\\); one number for all, or an array with one per node \\(value: ${value}\\)`);
    assert.match(failure(mergeDeep(readConfig('small'), { gateways: { freq: '1.5e9' } })), expected('string', '"1\\.5e9"'));
    assert.match(failure(mergeDeep(readConfig('small'), { gateways: { freq: null } })), expected('null', 'null'));
    assert.match(failure(mergeDeep(readConfig('small'), { gateways: { freq: true } })), expected('boolean', 'true'));
    assert.match(failure(mergeDeep(tiny(), { devices: { dnn: 5 } })), /at devices\.dnn: Invalid input: expected a string or an array of strings, received number; field: DNN of each DT.* \(value: 5\)/);
    // a union of a union and an object: every branch, flattened
    assert.match(failure(mergeDeep(tiny(), { channel: { distance: 'far' } })), /at channel\.distance: Invalid input: expected a number, an array of numbers or an object with min, max, received string; field: Gateway-to-AP distance .* \(value: "far"\)/);
    assert.match(failure(mergeDeep(tiny(), { topology: { a: [[1, 0], [0, 2], [0, 1]] } })), /at topology\.a\[1\]\[1\]: Invalid input: expected 0 or 1, received number \(value: 2\)/);
  });

  it('a custom layer-spec DNN is reported inside the spec: a bad layer kind, filters as a string', () => {
    const kind = failure(mergeDeep(readConfig('small'), dnn({ kind: 'gelu2' })));
    assert.match(kind, /at dnns\.mine\.units\[0\]\.layers\[0\]\.kind: unknown layer kind; expected one of conv2d, .*invertedResidual \(value: "gelu2"\)/);
    assert.doesNotMatch(kind, /Invalid input \(value/);
    const filters = failure(mergeDeep(readConfig('small'), dnn({ kind: 'conv1d', filters: '16', kernel: 3 })));
    assert.match(filters, /at dnns\.mine\.units\[0\]\.layers\[0\]\.filters: Invalid input: expected number, received string \(value: "16"\)/);
    // a measured profile is told apart by its keys too
    assert.match(failure(mergeDeep(tiny(), { dnns: { two: { outputBits: [800, 'x', 80] } } })), /at dnns\.two\.outputBits\[1\]: Invalid input: expected number, received string \(value: "x"\)/);
    // an enum branch is of the value's type only if one of its values is; and a 1-D layer's padding
    // is described as the 1-D one's (the layer's kind picks the branch), not the 2-D one's
    for (const [padding, received] of [[true, 'boolean'], [null, 'null'], [[1, 2], 'array']] as const) {
      const message = failure(mergeDeep(readConfig('small'), dnn({ kind: 'conv1d', filters: 4, kernel: 3, padding })));
      assert.match(message, new RegExp(`at dnns\\.mine\\.units\\[0\\]\\.layers\\[0\\]\\.padding: Invalid input: expected one of "same", "valid" or an integer, received ${received}; field: Padding: 'valid' \\(none\\), 'same' .*\\(timesteps\\)`));
      assert.doesNotMatch(message, /pair|\[pH, pW\]/);
    }
    // a field every 2-D layer kind defines alike keeps its description
    const kernel = failure(mergeDeep(readConfig('small'), { dnns: { mine: { name: 'mine', inputShape: [32, 32, 3], units: [{ name: 'u', layers: [{ kind: 'conv2d', filters: 4, kernel: 'x' }] }] } } }));
    assert.match(kernel, /layers\[0\]\.kernel: Invalid input: expected an integer or a pair of integers, received string; field: Kernel size \[kH, kW\] or k for k x k \(elements\)/);
    // an unknown kind of a discriminated union shows the kind, not the whole object
    assert.match(failure(mergeDeep(tiny(), { devices: { arrivals: { kind: 'burst', rate: 2 } } })), /at devices\.arrivals\.kind: .*'poisson' \| 'uniform' \| 'trace' \(value: "burst"\)/);
  });

  it("a layer spec's shape error shows the error's value, not the whole DNN spec", () => {
    const residual = { kind: 'residual', body: [{ kind: 'conv2d', filters: 4, kernel: 1 }] };
    const message = failure(mergeDeep(readConfig('small'), { dnns: { mine: { name: 'mine', inputShape: [8, 8, 3], units: [{ name: 'u', layers: [residual] }] } }, devices: { dnn: 'mine' } }));
    assert.match(message, /at dnns\.mine\.units\[0\]\.layers\[0\]\.shortcut: shortcut output \[8, 8, 3\] differs from body output \[8, 8, 4\]; .* \(value: \[8,8,3\]\)/);
    assert.doesNotMatch(message, /value: \{"name"/);
  });

  it('NaN and Infinity are shown as such, in an element and inside a whole value', () => {
    assert.match(failure(mergeDeep(tiny(), { dnns: { mine: { unitFlops: [1, NaN], outputBits: [1, 2, 3] } } })), /at dnns\.mine\.unitFlops\[1\]: Invalid input: expected number, received NaN \(value: NaN\)/);
    // keys of both a profile and a spec: no branch is the intended one, the whole value is printed
    const both = failure(mergeDeep(tiny(), { dnns: { mine: { unitFlops: [1, NaN, Infinity, -Infinity], name: 'x' } } }));
    assert.match(both, /at dnns\.mine: Invalid input: expected an object with unitFlops, outputBits or an object with inputShape, units, received object \(value: \{"unitFlops":\[1,NaN,Infinity,-Infinity\],"name":"x"\}\)/);
  });

  it('without the schema, issueLines still names the branches\' types, and picks the branch an object was meant for', () => {
    const schema = z.strictObject({ freq: z.union([z.number(), z.array(z.number())]), dnn: z.union([z.strictObject({ units: z.array(z.number()) }), z.strictObject({ unitFlops: z.array(z.number()) })]) });
    const issues = (input: unknown) => schema.safeParse(input, { reportInput: true }).error!.issues;
    assert.deepEqual(issueLines(issues({ freq: null, dnn: { unitFlops: [1, NaN] } })), [
      'at freq: Invalid input: expected number or array, received null (value: null)',
      'at dnn.unitFlops[1]: Invalid input: expected number, received NaN (value: NaN)',
    ]);
    assert.deepEqual(issueLines(issues({ freq: [1, 'x'], dnn: { units: ['2'] } })), [
      'at freq[1]: Invalid input: expected number, received string (value: "x")',
      'at dnn.units[0]: Invalid input: expected number, received string (value: "2")',
    ]);
  });

  it('make(id, { scenario }) gives the same messages', () => {
    // @ts-expect-error a string for a number is a type error too
    assert.throws(() => make('BDT-small-v0', { scenario: { gateways: { freq: '1.5e9' } } }), /at gateways\.freq: Invalid input: expected a number or an array of numbers, received string; field: f_m\^G/);
    assert.throws(() => make('BDT-small-v0', { scenario: dnn({ kind: 'conv1d', filters: '16', kernel: 3 }) as ScenarioOverride }), /at dnns\.mine\.units\[0\]\.layers\[0\]\.filters: Invalid input: expected number, received string \(value: "16"\)/);
  });
});

describe('bdt scenario: compile', () => {
  it('flattens topology and profiles into prefix sums', () => {
    const s = compileScenario(parseScenario(tiny()));
    assert.deepEqual([s.N, s.M, s.J], [3, 2, 1]);
    assert.deepEqual([...s.gatewayOf], [0, 1, 1]);
    assert.deepEqual([...s.apOf], [0, 0]);
    assert.deepEqual([...s.unitCount], [2, 2, 2]);
    assert.deepEqual([...s.unitOffset], [0, 3, 6, 9]);
    assert.deepEqual([...s.cumFlops.subarray(0, 3)], [0, 100, 400]);
    assert.deepEqual([...s.outputBits.subarray(3, 6)], [800, 400, 80]);
    assert.equal(s.reward.mode, 'dpp');
  });

  it('path loss 128.1 + 37.6 log10(d/km) dB and N0 from dBm/Hz', () => {
    const s = compileScenario(parseScenario(tiny()));
    assert.ok(Math.abs(10 * Math.log10(s.meanGain[1]!) + 128.1) < 1e-9, 'at 1 km the loss is 128.1 dB');
    assert.ok(Math.abs(10 * Math.log10(meanGainAt(100)) + 128.1 - 37.6) < 1e-9, 'at 100 m it is 90.5 dB');
    assert.ok(Math.abs(s.noisePsd / (10 ** -17.4 / 1000) - 1) < 1e-12);
  });

  it('random topologies cover every gateway and AP and depend only on the seed', () => {
    const large = compileScenario(parseScenario(readConfig('large')));
    assert.ok(large.N >= 100 && large.M >= 20 && large.J >= 5);
    for (let m = 0; m < large.M; m++) assert.ok(large.gatewayOf.includes(m), `gateway ${m} has a device`);
    for (let j = 0; j < large.J; j++) assert.ok(large.apOf.includes(j), `AP ${j} has a gateway`);
    const again = compileScenario(parseScenario(readConfig('large')));
    assert.deepEqual(again.gatewayOf, large.gatewayOf);
    assert.deepEqual(again.distance, large.distance);
  });

  it('a trace of arrivals compiles to 4 bytes a count, slot after slot (it took 8, and a second copy while compiling)', () => {
    const largest = 1_000_000; // the schema's bound on a count
    const compiled = compileScenario(parseScenario({ ...tiny(), devices: { dnn: 'two', arrivals: { kind: 'trace', values: [[0, 1, 2], [largest, 4, 5]] } } }));
    const arrivals = compiled.exogenous.arrivals;
    assert.equal(arrivals.kind, 'trace');
    if (arrivals.kind !== 'trace') return;
    assert.equal(arrivals.values.BYTES_PER_ELEMENT, 4);
    assert.deepEqual([...arrivals.values], [0, 1, 2, largest, 4, 5]);
    assert.equal(arrivals.rows, 2);
  });

  it("an assignment topology (index lists) compiles to the explicit matrices' system, whose episodes it plays bit for bit", () => {
    const default_ = readConfig('default');
    const { a, b } = default_.topology as { a: number[][]; b: number[][] };
    const lists = { kind: 'assignment', gatewayOf: a.map((row) => row.indexOf(1)), apOf: b.map((row) => row.indexOf(1)) } as const;
    const explicit = compileScenario(parseScenario(default_));
    const assigned = compileScenario(parseScenario(mergeDeep(default_, { topology: lists })));
    assert.deepEqual([assigned.N, assigned.M, assigned.J], [explicit.N, explicit.M, explicit.J]);
    assert.deepEqual([assigned.gatewayOf, assigned.apOf], [explicit.gatewayOf, explicit.apOf]);
    const episode = (scenario: ScenarioInput) => {
      const env = make('BDT-v0', { scenario: scenario as ScenarioOverride, infoLevel: 'summary' });
      env.actionSpace.seed(3);
      env.reset({ seed: 3 });
      const rewards: number[] = [];
      for (let t = 0; t < 20; t++) rewards.push(env.step(env.actionSpace.sample())[1]);
      return rewards;
    };
    assert.deepEqual(episode(mergeDeep(default_, { topology: lists }) as ScenarioInput), episode(default_));
  });

  it('an assignment topology names a gateway past apOf and an AP that serves no device, and sizes per-node arrays by its lists', () => {
    const topology = (gatewayOf: number[], apOf: number[]) => ({ topology: { kind: 'assignment', gatewayOf, apOf } }) as ScenarioOverride;
    assert.match(failure(mergeDeep(tiny(), topology([0, 2, 1], [0, 0]))), /at topology\.gatewayOf\[1\]: rule: a gateway index below M = 2 \(the length of apOf\); device 1 names gateway 2 \(value: 2\)/);
    const apart = mergeDeep(tiny(), { ...topology([0, 1, 1], [0, 2]), aps: { maxFreq: [3e9, 3e9, 3e9] } });
    assert.match(failure(apart), /at topology\.apOf: rule: every AP 0\.\.2 .*; AP 1 serves none, so it would get no work/);
    assert.match(failure(mergeDeep(tiny(), topology([0, -1, 1], [0, 0]))), /at topology\.gatewayOf\[1\]: Too small: expected number to be >=0/);
    assert.match(failure(mergeDeep(tiny(), topology([0, 1.5, 1], [0, 0]))), /at topology\.gatewayOf\[1\]: .*int/i);
    assert.match(failure(mergeDeep(tiny(), { ...topology([0, 1, 1], [0, 0]), aps: { maxFreq: [1e9, 2e9] } })), /at aps\.maxFreq: rule: one entry per AP \(1, the largest index in topology\.apOf plus 1\); got 2/);
    assert.match(failure(mergeDeep(tiny(), { ...topology([0, 1], [0, 0]), devices: { dnn: ['two', 'two', 'two'] } })), /at devices\.dnn: rule: one entry per device \(2, the length of topology\.gatewayOf\); got 3/);
  });

  it('a per-node array of the wrong length (a scenario parseScenario did not check) is refused, naming its path', () => {
    const cases: Array<[(s: Scenario) => void, RegExp]> = [
      [(s) => (s.gateways.freq = [1e9, 1e9, 1e9]), /compileScenario: gateways\.freq has 3 entries; expected 2 \(one per gateway\)/],
      [(s) => (s.devices.arrivals = { kind: 'poisson', rate: [1, 2] }), /devices\.arrivals\.rate has 2 entries; expected 3 \(one per device\)/],
      [(s) => (s.devices.arrivals = { kind: 'trace', values: [[1, 2, 3], [1, 2]] }), /devices\.arrivals\.values\[1\] has 2 entries; expected 3 \(one per device\)/],
      [(s) => (s.aps.energyBudget = { kind: 'uniform', min: [1, 1], max: 2 }), /aps\.energyBudget\.min has 2 entries; expected 1 \(one per AP\)/],
      [(s) => (s.devices.dnn = ['two', 'two']), /devices\.dnn has 2 entries; expected 3 \(one per device\)/],
    ];
    for (const [spoil, message] of cases) {
      const scenario = parseScenario(tiny());
      spoil(scenario);
      assert.throws(() => compileScenario(scenario), message);
    }
  });

  it('a kind without a case in compile or in the cross-field check throws, naming it', () => {
    const spoilt = (change: (s: Record<string, Record<string, unknown>>) => void): Scenario => {
      const scenario = parseScenario(tiny());
      change(scenario as unknown as Record<string, Record<string, unknown>>);
      return scenario;
    };
    const bursty = spoilt((s) => (s['devices']!['arrivals'] = { kind: 'bursty', rate: 2 }));
    assert.throws(() => compileScenario(bursty), /arrivals kind "bursty"/);
    assert.throws(() => checkScenario(bursty, { addIssue: () => {} } as never), /arrivals kind "bursty"/);
    assert.throws(() => compileScenario(spoilt((s) => (s['channel']!['fading'] = { kind: 'rician' }))), /fading kind "rician"/);
    const gamma = spoilt((s) => (s['aps']!['energyBudget'] = { kind: 'gamma', shape: 2 }));
    assert.throws(() => compileScenario(gamma), /budget kind "gamma"/);
    assert.throws(() => checkScenario(gamma, { addIssue: () => {} } as never), /budget kind "gamma"/);
    const grid = spoilt((s) => (s['topology'] = { kind: 'grid', rows: 2 }));
    assert.throws(() => compileScenario(grid), /topology kind "grid"/);
    assert.throws(() => checkScenario(grid, { addIssue: () => {} } as never), /topology kind "grid"/);
  });

  it('small.json is small enough to brute-force the partition', () => {
    const small = compileScenario(parseScenario(readConfig('small')));
    const size = partitionSpaceSize(small);
    assert.ok(size <= 5000, `product of L_n = ${size}`);
    assert.deepEqual([small.M, small.J], [2, 2]);
  });
});

describe('bdt scenario: JSON Schema', () => {
  it('every scenario field has a description', () => {
    const schema = JSON.parse(scenarioJsonSchemaText()) as { properties: Record<string, unknown> };
    const { dnns: _ownTests, ...rest } = schema.properties;
    assert.deepEqual(undescribedFields({ properties: rest }), []); // DNN layer specs are checked by their own tests
  });

  it('configs/scenario.schema.json is up to date (regenerate: bdt-gym scenario-schema --out configs/scenario.schema.json)', () => {
    const committed = readFileSync(new URL('../../configs/scenario.schema.json', import.meta.url), 'utf8');
    assert.equal(committed, scenarioJsonSchemaText());
  });
});
