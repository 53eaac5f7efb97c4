/** `bdt-gym preset-schema [--out FILE]`: write the agent preset JSON Schema (configs/agents/preset.schema.json). */
import type { Command } from 'commander';
import { presetJsonSchemaText } from '../../agents/run/preset-json-schema.ts';
import { registerSchemaCommand } from '../schema-command.ts';

export function register(program: Command): void {
  registerSchemaCommand(program, 'preset-schema', 'agent preset files', 'configs/agents/preset.schema.json', presetJsonSchemaText);
}
