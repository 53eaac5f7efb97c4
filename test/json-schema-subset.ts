/**
 * Test helper: validates a value against a JSON Schema using only the keywords zod's toJSONSchema
 * writes for the agent presets and scenarios, and the `if`/`then` and `$defs` references the preset
 * schema adds (there is no JSON Schema validator among the dependencies). A keyword it does not
 * know throws, so a schema it cannot fully check never passes.
 */

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default', '$defs']);
const CHECKED = new Set(['type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'prefixItems', 'minItems', 'maxItems', 'minLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'anyOf', 'oneOf', 'if', 'then', '$ref']);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  return typeOf(value) === type;
}

/** The schema a `$ref` of the form `#/$defs/<name>` points at in `root`. */
function resolveRef(root: Schema, ref: string): Schema {
  const name = /^#\/\$defs\/([^/]+)$/.exec(ref)?.[1];
  const target = name === undefined ? undefined : (root['$defs'] as Record<string, Schema> | undefined)?.[name];
  if (target === undefined) throw new Error(`$ref ${ref}: not a definition of the root schema (this test helper resolves #/$defs/<name> only)`);
  return target;
}

/** Where and why `value` breaks `schema` (`path` names the value; `root` holds the `$defs`); empty when it is valid. */
export function jsonSchemaErrors(schema: Schema, value: unknown, path = '$', root: Schema = schema): string[] {
  for (const key of Object.keys(schema)) if (!ANNOTATIONS.has(key) && !CHECKED.has(key)) throw new Error(`${path}: keyword ${key} is not supported by this test helper`);
  const check = (sub: Schema, subValue: unknown, subPath: string) => jsonSchemaErrors(sub, subValue, subPath, root);
  const errors: string[] = [];
  if (typeof schema['$ref'] === 'string') errors.push(...check(resolveRef(root, schema['$ref']), value, path));
  const { type, properties, additionalProperties, propertyNames, items, prefixItems } = schema as Record<string, never>;
  if (type !== undefined && !hasType(value, type)) return [`${path}: ${JSON.stringify(value)} is not of type ${type}`];
  if ('const' in schema && value !== schema['const']) errors.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema['const'])}`);
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema['enum'])}`);
  if (typeof value === 'string') {
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength']) errors.push(`${path}: shorter than ${schema['minLength']} characters`);
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema['pattern']}`);
  }
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) errors.push(`${path}: ${value} < minimum ${schema['minimum']}`);
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) errors.push(`${path}: ${value} > maximum ${schema['maximum']}`);
    if (typeof schema['exclusiveMinimum'] === 'number' && value <= schema['exclusiveMinimum']) errors.push(`${path}: ${value} <= exclusiveMinimum ${schema['exclusiveMinimum']}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) errors.push(`${path}: fewer than ${schema['minItems']} items`);
    if (typeof schema['maxItems'] === 'number' && value.length > schema['maxItems']) errors.push(`${path}: more than ${schema['maxItems']} items`);
    const tuple = (prefixItems ?? []) as Schema[];
    value.forEach((item, i) => {
      const itemSchema = i < tuple.length ? tuple[i] : items;
      if (itemSchema !== undefined) errors.push(...check(itemSchema, item, `${path}[${i}]`));
    });
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of (schema['required'] ?? []) as string[]) if (!Object.hasOwn(object, key)) errors.push(`${path}: missing ${key}`);
    for (const [key, child] of Object.entries(object)) {
      if (propertyNames !== undefined) errors.push(...check(propertyNames, key, `${path} key ${JSON.stringify(key)}`));
      const own = (properties as Record<string, Schema> | undefined)?.[key];
      if (own !== undefined) errors.push(...check(own, child, `${path}.${key}`));
      else if (additionalProperties === false) errors.push(`${path}: unknown key ${key}`);
      else if (additionalProperties !== undefined) errors.push(...check(additionalProperties, child, `${path}.${key}`));
    }
  }
  const anyOf = schema['anyOf'] as Schema[] | undefined;
  if (anyOf !== undefined && !anyOf.some((branch) => check(branch, value, path).length === 0)) errors.push(`${path}: matches no anyOf branch`);
  const oneOf = schema['oneOf'] as Schema[] | undefined;
  if (oneOf !== undefined) {
    const branchErrors = oneOf.map((branch) => check(branch, value, path));
    const matching = branchErrors.filter((e) => e.length === 0).length;
    if (matching !== 1) errors.push(`${path}: matches ${matching} oneOf branches${matching === 0 ? ` (${branchErrors.map((e) => e.join(', ')).join(' | ')})` : ''}`);
  }
  // `then` applies where `if` holds; with no `if`, `then` is ignored, as the standard says
  const condition = schema['if'] as Schema | undefined;
  if (condition !== undefined && schema['then'] !== undefined && check(condition, value, path).length === 0) errors.push(...check(schema['then'] as Schema, value, path));
  return errors;
}
