/**
 * Short, bounded printing of arbitrary values for error messages, so a bad 10,000-element action
 * (or a 50 MB string) still yields a one-line message.
 */

/** Most elements printed from an array before eliding. */
const MAX_ITEMS = 8;
/** Most characters printed from a string before eliding (the rest is counted). */
const MAX_CHARS = 100;

/** `value` as a short string: typed arrays with their class, long arrays elided, objects by key. */
export function formatValue(value: unknown, depth = 0): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return value.length > MAX_CHARS ? `${JSON.stringify(value.slice(0, MAX_CHARS))}… (${value.length} characters)` : JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`; // not the number it prints like (3n is not the action 3)
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = value as unknown as ArrayLike<number>;
    return `${value.constructor.name}(${items.length}) ${formatItems(items, depth)}`;
  }
  if (Array.isArray(value)) return formatItems(value, depth);
  if (typeof value === 'object') {
    if (depth > 1) return '{…}';
    const entries = Object.entries(value as Record<string, unknown>);
    const shown = entries.slice(0, MAX_ITEMS).map(([k, v]) => `${k}: ${formatValue(v, depth + 1)}`);
    if (entries.length > MAX_ITEMS) shown.push(`… ${entries.length - MAX_ITEMS} more`);
    return `{${shown.join(', ')}}`;
  }
  return String(value);
}

function formatItems(items: ArrayLike<unknown>, depth: number): string {
  if (depth > 1) return '[…]';
  const shown: string[] = [];
  for (let i = 0; i < Math.min(items.length, MAX_ITEMS); i++) shown.push(formatValue(items[i], depth + 1));
  if (items.length > MAX_ITEMS) shown.push(`… ${items.length - MAX_ITEMS} more`);
  return `[${shown.join(', ')}]`;
}

/**
 * The own keys of `value` that are not in `known`, as one phrase for an error (`key "a"`,
 * `keys "a", "b"`; `noun` replaces "key"), or `undefined` when every key is known.
 */
export function unknownKeys(value: object, known: readonly string[], noun = 'key'): string | undefined {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length === 0) return undefined;
  return `${noun}${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => JSON.stringify(key)).join(', ')}`;
}
