/** The scenario schema as JSON Schema (draft 2020-12), for editors; committed as configs/scenario.schema.json. */
import * as z from 'zod';
import { scenarioSchema } from './schema.ts';

/** JSON Schema of a scenario file as written (inputs: fields with defaults are optional). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'bdt-gym scenario',
  };
}

/** The committed file's text: 2-space JSON plus a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
