/** The agent preset schema as JSON Schema (draft 2020-12), for editors; committed as configs/agents/preset.schema.json. */
import * as z from 'zod';
import { DqnHyperparametersSchema } from '../dqn/hyperparameters.ts';
import { PpoHyperparametersSchema } from '../ppo/hyperparameters.ts';
import { AgentPresetSchema } from './preset.ts';
import { editorJsonSchema, jsonSchemaFileText } from '../../env/core/editor-json-schema.ts';

const { agent, hyperparameters, envKwargs } = AgentPresetSchema.shape;

/** AgentPresetSchema for one agent, its `hyperparameters` that agent's, every one optional (a preset overrides defaults). */
function presetOf(name: 'ppo' | 'dqn', schema: typeof PpoHyperparametersSchema | typeof DqnHyperparametersSchema, which: string) {
  return AgentPresetSchema.extend({
    agent: z.literal(name).describe(agent.description!),
    // the fields alone: the DQN schema's cross-field rule (a refinement) JSON Schema cannot state
    hyperparameters: z.strictObject(schema.shape).partial().optional().describe(`${hyperparameters.description}: ${which}`),
    envKwargs: envKwargs.describe(`${envKwargs.description}. Any object here: its keys are the env's (and a scenario override is a partial scenario), checked by make when the run starts`),
  });
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

/** JSON Schema of a preset file as written (inputs: fields with defaults are optional). */
export function presetJsonSchema(): Record<string, unknown> {
  return editorJsonSchema(PresetJsonSchemaSource, 'bdt-gym agent preset');
}

/** The committed file's text: 2-space JSON plus a final newline. */
export function presetJsonSchemaText(): string {
  return jsonSchemaFileText(presetJsonSchema());
}
