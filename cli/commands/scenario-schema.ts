/** `bdt-gym scenario-schema [--out FILE]`: write the scenario JSON Schema (configs/scenario.schema.json). */
import type { Command } from 'commander';
import { scenarioJsonSchemaText } from '../../env/bdt/scenario/json-schema.ts';
import { registerSchemaCommand } from '../schema-command.ts';

export function register(program: Command): void {
  registerSchemaCommand(program, 'scenario-schema', 'scenario files', 'configs/scenario.schema.json', scenarioJsonSchemaText);
}
