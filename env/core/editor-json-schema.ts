/** JSON Schemas for editors, generated from the zod schemas that validate the files at run time. */
import * as z from 'zod';

/** `schema` as JSON Schema (draft 2020-12) of a file as written (inputs: fields with defaults are optional), titled `title`. */
export function editorJsonSchema(schema: z.ZodType, title: string): Record<string, unknown> {
  return { ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), title };
}

/** A committed schema file's text: 2-space JSON plus a final newline. */
export function jsonSchemaFileText(jsonSchema: Record<string, unknown>): string {
  return `${JSON.stringify(jsonSchema, null, 2)}\n`;
}
