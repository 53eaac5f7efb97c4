/** configs/agents/preset.schema.json: generated from the zod schemas, and what editors check the shipped presets against. */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { AgentPresetSchema } from '../../agents/run/preset.ts';
import { presetJsonSchema, presetJsonSchemaText, PresetJsonSchemaSource } from '../../agents/run/preset-json-schema.ts';
import { make } from '../../env/index.ts';
import { jsonSchemaErrors } from '../json-schema-subset.ts';
import { undescribedFields } from '../undescribed-fields.ts';

const dir = new URL('../../configs/agents/', import.meta.url);
const SCHEMA_FILE = 'preset.schema.json';
const presetFiles = readdirSync(dir).filter((file) => file.endsWith('.json') && file !== SCHEMA_FILE);
const readPreset = (file: string) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Record<string, unknown> & { hyperparameters: Record<string, unknown> };
const hyperparameterSchemas = { ppo: PpoHyperparametersSchema, dqn: DqnHyperparametersSchema };
type Branch = { properties: Record<string, { const?: string; properties?: Record<string, unknown>; required?: string[]; additionalProperties?: unknown }>; additionalProperties?: unknown };
const branches = () => (presetJsonSchema() as { oneOf: Branch[] }).oneOf;

describe('agent presets: JSON Schema', () => {
  it('configs/agents/preset.schema.json is up to date (regenerate: bdt-gym preset-schema --out configs/agents/preset.schema.json)', () => {
    assert.equal(readFileSync(new URL(SCHEMA_FILE, dir), 'utf8'), presetJsonSchemaText());
  });

  it('bdt-gym preset-schema prints it', () => {
    const result = spawnSync(process.execPath, [fileURLToPath(new URL('../../bin/bdt-gym.js', import.meta.url)), 'preset-schema'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, presetJsonSchemaText());
  });

  it('every field has a description', () => {
    assert.deepEqual(undescribedFields(presetJsonSchema()), []);
  });

  it("one branch per agent, with the preset's fields and the agent's hyperparameters, each optional, no other keys", () => {
    assert.deepEqual(branches().map((branch) => branch.properties['agent']!.const), ['ppo', 'dqn']);
    for (const branch of branches()) {
      assert.equal(branch.additionalProperties, false);
      assert.deepEqual(Object.keys(branch.properties), Object.keys(AgentPresetSchema.shape));
      const hp = branch.properties['hyperparameters']!;
      assert.deepEqual(Object.keys(hp.properties!), Object.keys(hyperparameterSchemas[branch.properties['agent']!.const as 'ppo' | 'dqn'].shape));
      assert.equal(hp.required, undefined);
      assert.equal(hp.additionalProperties, false);
    }
  });

  it('every shipped preset points $schema at it, validates against it, and is taken by the run (AgentPresetSchema and its agent\'s hyperparameters)', () => {
    assert.deepEqual([...presetFiles].sort(), ['dqn-bdt-large-solved.json', 'dqn-bdt-large.json', 'dqn-bdt-solved.json', 'dqn-bdt.json', 'dqn-cartpole.json', 'ppo-bdt-large-solved.json', 'ppo-bdt-large.json', 'ppo-bdt-solved.json', 'ppo-bdt.json', 'ppo-cartpole.json']);
    for (const file of presetFiles) {
      const preset = readPreset(file);
      assert.equal(preset['$schema'], `./${SCHEMA_FILE}`, file);
      assert.deepEqual(jsonSchemaErrors(presetJsonSchema(), preset), [], file);
      assert.ok(PresetJsonSchemaSource.safeParse(preset).success, file);
      const parsed = AgentPresetSchema.safeParse(preset);
      assert.ok(parsed.success, `${file}: ${parsed.error?.message}`);
      assert.ok(hyperparameterSchemas[parsed.data.agent].safeParse(preset.hyperparameters).success, file);
    }
  });

  it('refuses a misspelt hyperparameter, another agent\'s, and a value of the wrong type', () => {
    const ppo = readPreset('ppo-cartpole.json');
    const { learningRate, ...rest } = ppo.hyperparameters;
    const cases = {
      misspelt: { ...ppo, hyperparameters: { ...rest, learningrate: learningRate } },
      "DQN's": { ...ppo, hyperparameters: { ...ppo.hyperparameters, bufferSize: 1000 } },
      'a string gamma': { ...ppo, hyperparameters: { ...ppo.hyperparameters, gamma: '0.98' } },
      'an unknown agent': { ...ppo, agent: 'sac' },
    };
    for (const [what, preset] of Object.entries(cases)) {
      assert.notDeepEqual(jsonSchemaErrors(presetJsonSchema(), preset), [], what);
      assert.ok(!PresetJsonSchemaSource.safeParse(preset).success, what);
    }
    assert.match(jsonSchemaErrors(presetJsonSchema(), cases.misspelt).join('\n'), /\$\.hyperparameters: unknown key learningrate/);
  });

  describe("envKwargs of a B-DT env (env 'BDT-...'): typed as a partial scenario", () => {
    const bdt = readPreset('ppo-bdt.json');
    const errors = (envKwargs: unknown, env = bdt['env']) => jsonSchemaErrors(presetJsonSchema(), { ...bdt, env, envKwargs });

    it('takes partial overrides at any depth, and whole scenarios, which make takes too', () => {
      const defaultScenario = JSON.parse(readFileSync(new URL('../../configs/default.json', import.meta.url), 'utf8')) as Record<string, unknown>;
      const overrides = [
        { lyapunov: { V: 10 } },
        { reward: { mode: 'latency' }, slots: 20 },
        { devices: { arrivals: { rate: new Array<number>(12).fill(5) } } },
        { channel: { fading: { kind: 'gauss-markov', correlation: 0.9 } } },
        defaultScenario,
      ];
      for (const scenario of overrides) {
        assert.deepEqual(errors({ scenario }), [], JSON.stringify(scenario).slice(0, 80));
        make('BDT-v0', { scenario: scenario as never }).close();
      }
      assert.deepEqual(errors({ scenario: { lyapunov: { V: 1.5 } }, infoLevel: 'summary' }), []);
      // a variant left as the base's: it fits both fading variants, and the merge keeps the base's kind
      assert.deepEqual(errors({ scenario: { channel: { fading: {} } } }), []);
      assert.match(errors({ scenario: { channel: { fading: { kind: 'none' } } } }).join('\n'), /\$\.envKwargs\.scenario\.channel\.fading: matches no anyOf branch/);
    });

    it("keeps whole what an override replaces whole: a custom DNN of dnns, an array's elements (incomplete ones were taken, and make refused them)", () => {
      const dnn = { inputShape: [4], units: [{ name: 'a', layers: [{ kind: 'dense', units: 2 }] }] };
      const withDnn = (entry: unknown) => ({ scenario: { dnns: { x: entry }, devices: { dnn: 'x' } } });
      assert.deepEqual(errors(withDnn(dnn)), []);
      make('BDT-v0', { scenario: withDnn(dnn).scenario as never }).close();
      const profile = { unitFlops: [1] }; // no outputBits
      assert.throws(() => make('BDT-v0', { scenario: withDnn(profile).scenario as never }), /at dnns\.x\.outputBits/);
      assert.match(errors(withDnn(profile)).join('\n'), /\$\.envKwargs\.scenario\.dnns\.x: matches no anyOf branch/);
      const layer = { ...dnn, units: [{ name: 'a', layers: [{ kind: 'dense' }] }] }; // no units in the layer
      assert.throws(() => make('BDT-v0', { scenario: withDnn(layer).scenario as never }), /at dnns\.x\.units\[0\]\.layers\[0\]\.units/);
      assert.match(errors(withDnn(layer)).join('\n'), /\$\.envKwargs\.scenario\.dnns\.x/);
    });

    it('refuses a misspelt scenario field, a value of the wrong type or range, and a key the training env does not take, naming where', () => {
      assert.match(errors({ scenario: { lyapunov: { v: 10 } } }).join('\n'), /\$\.envKwargs\.scenario\.lyapunov: unknown key v/);
      assert.match(errors({ scenario: { lyapunov: { V: '10' } } }).join('\n'), /\$\.envKwargs\.scenario\.lyapunov\.V: "10" is not of type number/);
      assert.match(errors({ scenario: { slots: 0 } }).join('\n'), /\$\.envKwargs\.scenario\.slots: 0 <= exclusiveMinimum 0/);
      assert.match(errors({ scenario: { reward: { mode: 'dpp-exactly' } } }).join('\n'), /\$\.envKwargs\.scenario\.reward\.mode/);
      // the native vector env that trains takes neither
      assert.match(errors({ reuseObservation: true }).join('\n'), /\$\.envKwargs: unknown key reuseObservation/);
      assert.match(errors({ infoLevel: 'full' }).join('\n'), /\$\.envKwargs\.infoLevel/);
    });

    it('leaves the envKwargs of other envs, and of presets without env, to make', () => {
      const cartPole = readPreset('ppo-cartpole.json');
      assert.deepEqual(jsonSchemaErrors(presetJsonSchema(), { ...cartPole, envKwargs: { anything: [1, 'two'] } }), []);
      const { env: _env, ...withoutEnv } = bdt;
      assert.deepEqual(jsonSchemaErrors(presetJsonSchema(), { ...withoutEnv, envKwargs: { scenario: { lyapunov: { v: 10 } } } }), []);
    });
  });
});
