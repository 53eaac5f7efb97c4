/**
 * Every field of a configuration users write (env kwargs, agent options, hyperparameters, presets,
 * trainRun's settings) carries a description, as the scenario's do (test/bdt/scenario.test.ts):
 * the project's rule for configs, and what editors and error messages show.
 */
import { strict as assert } from 'node:assert';
import * as z from 'zod';
import { BdtEnvKwargs } from '../../env/bdt/bdt-env.ts';
import { CartPoleKwargs } from '../../env/classic-control/cartpole.ts';
import { RngStateSchema } from '../../env/core/rng.ts';
import { DpraOptions } from '../../baselines/dpra/dpra-agent.ts';
import { OracleOptions } from '../../baselines/reference/exhaustive-oracle.ts';
import { WdpoOptions } from '../../baselines/wdpo.ts';
import { DqnHyperparametersSchema } from '../../agents/dqn/hyperparameters.ts';
import { LearnedAgentOptions } from '../../agents/learned-agents.ts';
import { PpoHyperparametersSchema } from '../../agents/ppo/hyperparameters.ts';
import { PeriodicEvaluationSchema } from '../../agents/run/periodic-evaluation.ts';
import { AgentPresetSchema } from '../../agents/run/preset.ts';
import { TrainRunSettingsSchema } from '../../agents/run/train-run.ts';
import { undescribedFields } from '../undescribed-fields.ts';

const schemas: Record<string, z.ZodType> = {
  BdtEnvKwargs,
  CartPoleKwargs,
  RngStateSchema,
  DpraOptions,
  WdpoOptions,
  OracleOptions,
  LearnedAgentOptions,
  PpoHyperparametersSchema,
  DqnHyperparametersSchema,
  PeriodicEvaluationSchema,
  AgentPresetSchema,
  TrainRunSettingsSchema,
};

describe('configuration schemas', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name}: every field has a description`, () => {
      const jsonSchema = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      assert.ok(Object.keys((jsonSchema as { properties?: object }).properties ?? {}).length > 0, `${name} has fields to check`);
      assert.deepEqual(undescribedFields(jsonSchema), []);
    });
  }
});
