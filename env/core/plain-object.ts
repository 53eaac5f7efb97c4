/** Whether `value` is a JSON-style object: not null, not an array (what a parsed `{...}` is). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
