/** The agent preset schema as JSON Schema (draft 2020-12), for editors; committed as configs/agents/preset.schema.json. */
import * as z from 'zod';
import { DqnHyperparametersSchema } from '../dqn/hyperparameters.ts';
import { PpoHyperparametersSchema } from '../ppo/hyperparameters.ts';
import { AgentPresetSchema } from './preset.ts';
import { editorJsonSchema, jsonSchemaFileText } from '../../env/core/editor-json-schema.ts';
import { scenarioJsonSchema } from '../../env/bdt/scenario/json-schema.ts';

const { agent, hyperparameters, envKwargs } = AgentPresetSchema.shape;

/** AgentPresetSchema for one agent, its `hyperparameters` that agent's, every one optional (a preset overrides defaults). */
function presetOf(name: 'ppo' | 'dqn', schema: typeof PpoHyperparametersSchema | typeof DqnHyperparametersSchema, which: string) {
  return AgentPresetSchema.extend({
    agent: z.literal(name).describe(agent.description!),
    // the fields alone: the DQN schema's cross-field rule (a refinement) JSON Schema cannot state
    hyperparameters: z.strictObject(schema.shape).partial().optional().describe(`${hyperparameters.description}: ${which}`),
    envKwargs: envKwargs.describe(`${envKwargs.description}. Its keys are the env's, checked by make when the run starts; for a B-DT id (env "BDT-..."), a partial scenario and the options both the env and its vector env take`),
  });
}

/** Env ids whose envKwargs the JSON Schema types as the B-DT ids' (the built-in ones, and user scenarios registered under such a name). */
const BDT_ID_PATTERN = '^BDT-';

/**
 * JSON Schema of a B-DT id's envKwargs in a preset, which both make (the evaluation env) and
 * makeVec (the training env) take: `scenario`, the scenario file's schema with every field
 * optional and no defaults (a field left out keeps the registered scenario's value), and
 * `infoLevel`, whose one value both accept.
 */
function bdtEnvKwargsJsonSchema(): Record<string, unknown> {
  const { $schema: _draft, title: _title, ...scenario } = scenarioJsonSchema();
  return {
    type: 'object',
    properties: {
      scenario: { ...(partialSchema(scenario) as Record<string, unknown>), description: 'A partial scenario, deep-merged into the env\'s own (configs/*.json) as make(id, { scenario }) merges it; checked whole after the merge' },
      infoLevel: { const: 'summary', description: "'summary' infos in the training and the evaluation env (the native vector env takes no other value)" },
    },
    additionalProperties: false,
  };
}

/**
 * `schema` as the schema of a deep-merged override (`mergeDeep`), each field kept from the base
 * when left out: no `required` and no `default` in the objects it merges, and `oneOf` as `anyOf`
 * (a partial variant, `{}` or one field the variants share, fits several). What an override
 * replaces whole keeps its schema whole: an array's elements (`items`, `prefixItems`) and a
 * record's entries (`additionalProperties`: each custom DNN of `dnns`).
 */
function partialSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(partialSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required' || key === 'default') continue;
    // property names are data, not keywords: a property called "default" is kept
    if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, child]) => [name, partialSchema(child)]));
    else if (key === 'items' || key === 'prefixItems' || key === 'additionalProperties') out[key] = value;
    else out[key === 'oneOf' ? 'anyOf' : key] = partialSchema(value);
  }
  return out;
}

/**
 * AgentPresetSchema with `hyperparameters` typed by `agent`, for the JSON Schema only: a run checks
 * a preset with AgentPresetSchema, then its hyperparameters (with --hyperparameters merged over
 * them) with the agent's schema, whose errors name the source of each value.
 */
export const PresetJsonSchemaSource = z.discriminatedUnion('agent', [
  presetOf('ppo', PpoHyperparametersSchema, 'PPO hyperparameters (agents/ppo/hyperparameters.ts)'),
  presetOf('dqn', DqnHyperparametersSchema, 'DQN hyperparameters (agents/dqn/hyperparameters.ts); batchSize <= bufferSize, with the defaults filled in, is checked when the run starts'),
]);

/**
 * JSON Schema of a preset file as written (inputs: fields with defaults are optional), each
 * agent's branch typing `envKwargs` when `env` is a B-DT id (`if`/`then`, which zod does not write).
 */
export function presetJsonSchema(): Record<string, unknown> {
  const schema = editorJsonSchema(PresetJsonSchemaSource, 'bdt-gym agent preset') as { oneOf: Array<Record<string, unknown>> };
  const oneOf = schema.oneOf.map((branch) => ({
    ...branch,
    if: { properties: { env: { pattern: BDT_ID_PATTERN } }, required: ['env'] },
    then: { properties: { envKwargs: { $ref: '#/$defs/bdtEnvKwargs' } } },
  }));
  // once, for both branches: the scenario's schema is most of the file
  return { ...schema, oneOf, $defs: { bdtEnvKwargs: bdtEnvKwargsJsonSchema() } };
}

/** The committed file's text: 2-space JSON plus a final newline. */
export function presetJsonSchemaText(): string {
  return jsonSchemaFileText(presetJsonSchema());
}
