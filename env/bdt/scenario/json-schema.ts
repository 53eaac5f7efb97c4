/** The scenario schema as JSON Schema (draft 2020-12), for editors; committed as configs/scenario.schema.json. */
import { editorJsonSchema, jsonSchemaFileText } from '../../core/editor-json-schema.ts';
import { scenarioSchema } from './schema.ts';

/** JSON Schema of a scenario file as written (inputs: fields with defaults are optional). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return editorJsonSchema(scenarioSchema, 'bdt-gym scenario');
}

/** The committed file's text: 2-space JSON plus a final newline. */
export function scenarioJsonSchemaText(): string {
  return jsonSchemaFileText(scenarioJsonSchema());
}
