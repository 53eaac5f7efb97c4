/**
 * Test helper: validates a value against a JSON Schema using only the keywords zod's toJSONSchema
 * writes for the agent presets (there is no JSON Schema validator among the dependencies). A keyword
 * it does not know throws, so a schema it cannot fully check never passes.
 */

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default']);
const CHECKED = new Set(['type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'anyOf', 'oneOf']);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  return typeOf(value) === type;
}

/** Where and why `value` breaks `schema` (`path` names the value); empty when it is valid. */
export function jsonSchemaErrors(schema: Schema, value: unknown, path = '$'): string[] {
  for (const key of Object.keys(schema)) if (!ANNOTATIONS.has(key) && !CHECKED.has(key)) throw new Error(`${path}: keyword ${key} is not supported by this test helper`);
  const errors: string[] = [];
  const { type, properties, additionalProperties, propertyNames, items } = schema as Record<string, never>;
  if (type !== undefined && !hasType(value, type)) return [`${path}: ${JSON.stringify(value)} is not of type ${type}`];
  if ('const' in schema && value !== schema['const']) errors.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema['const'])}`);
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema['enum'])}`);
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) errors.push(`${path}: ${value} < minimum ${schema['minimum']}`);
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) errors.push(`${path}: ${value} > maximum ${schema['maximum']}`);
    if (typeof schema['exclusiveMinimum'] === 'number' && value <= schema['exclusiveMinimum']) errors.push(`${path}: ${value} <= exclusiveMinimum ${schema['exclusiveMinimum']}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) errors.push(`${path}: fewer than ${schema['minItems']} items`);
    if (typeof schema['maxItems'] === 'number' && value.length > schema['maxItems']) errors.push(`${path}: more than ${schema['maxItems']} items`);
    if (items !== undefined) value.forEach((item, i) => errors.push(...jsonSchemaErrors(items, item, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of (schema['required'] ?? []) as string[]) if (!Object.hasOwn(object, key)) errors.push(`${path}: missing ${key}`);
    for (const [key, child] of Object.entries(object)) {
      if (propertyNames !== undefined) errors.push(...jsonSchemaErrors(propertyNames, key, `${path} key ${JSON.stringify(key)}`));
      const own = (properties as Record<string, Schema> | undefined)?.[key];
      if (own !== undefined) errors.push(...jsonSchemaErrors(own, child, `${path}.${key}`));
      else if (additionalProperties === false) errors.push(`${path}: unknown key ${key}`);
      else if (additionalProperties !== undefined) errors.push(...jsonSchemaErrors(additionalProperties, child, `${path}.${key}`));
    }
  }
  const anyOf = schema['anyOf'] as Schema[] | undefined;
  if (anyOf !== undefined && !anyOf.some((branch) => jsonSchemaErrors(branch, value, path).length === 0)) errors.push(`${path}: matches no anyOf branch`);
  const oneOf = schema['oneOf'] as Schema[] | undefined;
  if (oneOf !== undefined) {
    const branchErrors = oneOf.map((branch) => jsonSchemaErrors(branch, value, path));
    const matching = branchErrors.filter((e) => e.length === 0).length;
    if (matching !== 1) errors.push(`${path}: matches ${matching} oneOf branches${matching === 0 ? ` (${branchErrors.map((e) => e.join(', ')).join(' | ')})` : ''}`);
  }
  return errors;
}
