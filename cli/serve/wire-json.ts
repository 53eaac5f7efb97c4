/**
 * The JSON of `bdt-gym serve`'s wire: JSON as Python's `json` module reads and writes it by
 * default, so NaN, Infinity and -Infinity travel as the bare tokens `NaN`, `Infinity`,
 * `-Infinity` (standard JSON has no way to write them, and an env's info may hold an infinite
 * latency); typed arrays are written as arrays.
 */
import { pathWithKey } from '../../env/core/format-path.ts';

/**
 * Stands in for a non-finite number inside standard JSON text: NUL, `nonce`, the token, NUL. The
 * nonce is one no string of the value or text holds ('' unless some string holds a NUL), so a
 * client's string is never read as a number, nor a number written as a string.
 */
const placeholder = (nonce: string, token: string): string => `\u0000${nonce}${token}\u0000`;
const TOKENS = ['NaN', 'Infinity', '-Infinity'] as const;
const NUMBERS: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity };

/**
 * A nonce no string of `strings` holds after a NUL: '' when none holds a NUL, else zeros, one more
 * than the longest run of digits after a NUL in them. One pass: trying '', '0', '1', ... in turn
 * took time quadratic in the strings, so a client's line of NUL-numbered strings held the server up.
 */
function freeNonce(strings: readonly string[]): string {
  let longestDigits = -1;
  for (const s of strings) {
    for (let nul = s.indexOf('\u0000'); nul !== -1; nul = s.indexOf('\u0000', nul + 1)) {
      let end = nul + 1;
      while (end < s.length && s.charCodeAt(end) >= 0x30 && s.charCodeAt(end) <= 0x39) end++;
      longestDigits = Math.max(longestDigits, end - nul - 1);
    }
  }
  return longestDigits < 0 ? '' : '0'.repeat(longestDigits + 1);
}

/** One line of wire JSON for `value`. */
export function stringifyWire(value: unknown): string {
  let nonFinite = false;
  const withNul: string[] = [];
  const write = (nonce: string): string =>
    JSON.stringify(value, (key, v: unknown) => {
      if (key.includes('\u0000')) withNul.push(key);
      if (typeof v === 'string' && v.includes('\u0000')) withNul.push(v);
      if (typeof v === 'number' && !Number.isFinite(v)) {
        nonFinite = true;
        return placeholder(nonce, String(v));
      }
      return ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v;
    });
  let text = write('');
  if (!nonFinite) return text;
  // a string holding a NUL could equal a placeholder: write again with a nonce none holds
  const nonce = freeNonce(withNul);
  if (nonce !== '') text = write(nonce);
  for (const token of TOKENS) text = text.replaceAll(JSON.stringify(placeholder(nonce, token)), token);
  return text;
}

/** A string literal of JSON text. */
const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;
/** Strings (kept as they are) or a bare non-finite token outside them. */
const STRING_OR_TOKEN = new RegExp(`${STRING_LITERAL.source}|(-?Infinity|NaN)`, 'g');

/** The value of one line of wire JSON; a SyntaxError says what is malformed. */
export function parseWire(text: string): unknown {
  if (!text.includes('NaN') && !text.includes('Infinity')) return JSON.parse(text);
  // a string of the text can hold a NUL only as the escape \u0000: those decide the nonce
  const withNul = text.includes('\\u0000') ? [...text.matchAll(STRING_LITERAL)].map(([literal]) => JSON.parse(literal) as string).filter((s) => s.includes('\u0000')) : [];
  const nonce = freeNonce(withNul);
  const standard = text.replace(STRING_OR_TOKEN, (match, token: string | undefined) => (token === undefined ? match : JSON.stringify(placeholder(nonce, token))));
  const prefix = `\u0000${nonce}`;
  return JSON.parse(standard, (_key, v: unknown) => {
    if (typeof v !== 'string' || !v.startsWith(prefix) || !v.endsWith('\u0000')) return v;
    const token = v.slice(prefix.length, -1);
    return token in NUMBERS ? NUMBERS[token] : v;
  });
}

/**
 * The most arrays and objects a request may nest (Python's json module, the main client's, stops
 * near 1000 too): deeper values are valid JSON, but every walk over them (a refusal naming a
 * field, an agent's cache key, getAttr's answer) would have to be written without recursion.
 */
export const MAX_REQUEST_DEPTH = 1000;

/** Whether the JSON text `text` nests arrays and objects more than `limit` deep (brackets inside strings do not count). */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Where `value` (parsed JSON) has an own "__proto__" key, as an issue path ('(root)',
 * `kwargs.scenario`), or undefined. Iterative: JSON.parse takes nesting deeper than the call stack.
 */
export function protoKeyPath(value: unknown): string | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: node, path } = next;
    if (typeof node !== 'object' || node === null) continue;
    if (!Array.isArray(node) && Object.hasOwn(node, '__proto__')) return path === '' ? '(root)' : path;
    const children = Array.isArray(node) ? node.map((child: unknown, i) => ({ value: child, path: pathWithKey(path, i) })) : Object.entries(node).map(([key, child]) => ({ value: child, path: pathWithKey(path, key) }));
    // reversed, so the first child is searched first
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
  }
  return undefined;
}

/** NumPy's dtype name of each typed array a getAttr or call answer may hold. */
const NUMPY_DTYPES: Record<string, string> = {
  Int8Array: 'int8',
  Uint8Array: 'uint8',
  Uint8ClampedArray: 'uint8',
  Int16Array: 'int16',
  Uint16Array: 'uint16',
  Int32Array: 'int32',
  Uint32Array: 'uint32',
  Float32Array: 'float32',
  Float64Array: 'float64',
};

/**
 * `value` with each typed array in its arrays and plain objects written as `{"__ndarray__": dtype,
 * "data": [...]}`, so a client rebuilds it with its dtype: JSON writes a whole double as an
 * integer, and an untagged Float64Array of zeros would read as integers. Class instances (spaces)
 * are left to their `toJSON`.
 */
export function withArrayDtypes(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const dtype = NUMPY_DTYPES[value.constructor.name];
    return dtype === undefined ? value : { __ndarray__: dtype, data: Array.from(value as unknown as ArrayLike<number>) };
  }
  if (Array.isArray(value)) return value.map(withArrayDtypes);
  if (typeof value === 'object' && value !== null && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, withArrayDtypes(v)]));
  }
  return value;
}
